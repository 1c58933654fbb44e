//! N022 tag-key-not-supported: a `Deny`, or an `Allow` with `NotAction`, whose condition
//! needs a tag key (`aws:ResourceTag/...`, `aws:RequestTag/...`, `aws:TagKeys`, or a
//! service's own) that some of the actions it covers never send. For those actions the key
//! is absent and the condition false: the `Deny` never denies them, and the `Allow` with
//! `NotAction` never grants them. When no action of a statement with `Action` supports a
//! service's own tag key, N002 reports the key instead.

use super::lookup::{list_names, KeyLookup, Resolved};
use super::Context;
use crate::code::Code;
use crate::diagnostic::{Diagnostic, Severity};
use crate::policy::{ConditionEntry, Effect, Statement};

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for s in &cx.policy.statements {
        let effect = s.effect();
        let not_action = s.not_action.is_some();
        if !matches!(effect, Effect::Deny | Effect::Allow) {
            continue;
        }
        for (entry, facts) in cx.conditions(s) {
            // A negation, `IfExists`, `ForAllValues:` or `Null` holds when the key is absent.
            if !entry.requires_match() {
                continue;
            }
            let KeyLookup::Known { name, global, .. } = facts.key else {
                continue;
            };
            if !is_tag_key(name) {
                continue;
            }
            let finding = match (not_action, effect) {
                (true, _) => Some(with_not_action(effect, entry)),
                (false, Effect::Deny) => deny_with_actions(cx, s, entry, name, global),
                // A service's own key in an Allow is N020's.
                (false, _) if global => allow_with_actions(cx, s, entry, name),
                _ => None,
            };
            if let Some(finding) = finding {
                out.push(finding.at(entry.pointer(&s.pointer)));
            }
        }
    }
}

/// `aws:ResourceTag/${TagKey}`, `aws:RequestTag/${TagKey}`, `aws:TagKeys`, and a service's
/// own spellings of them (`ec2:ResourceTag/${TagKey}`), as the catalog names them.
fn is_tag_key(name: &str) -> bool {
    let Some((_, key)) = name.split_once(':') else {
        return false;
    };
    let starts = |prefix: &str| {
        key.get(..prefix.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
    };
    starts("ResourceTag/") || starts("RequestTag/") || key.eq_ignore_ascii_case("TagKeys")
}

/// `NotAction` covers every other action of every service, and many never send a tag key.
fn with_not_action(effect: Effect, entry: &ConditionEntry) -> Diagnostic {
    let key = entry.key.value;
    match effect {
        Effect::Deny => Diagnostic::new(
            Code::N022,
            entry.key.span,
            format!("with `NotAction`, this Deny never denies the actions that do not send `{key}` (every service has some)"),
        )
        .help("list the actions to deny in `Action`, keeping those that support this key"),
        _ => Diagnostic::new(
            Code::N022,
            entry.key.span,
            format!("with `NotAction`, this Allow grants only the actions that send `{key}`: the others never match the condition"),
        )
        .help("list the actions to allow in `Action`, keeping those that support this key")
        .severity(Severity::Info),
    }
}

/// A `Deny` with `Action`: the actions it names or matches that do not send the key.
fn deny_with_actions<'c>(
    cx: &Context<'c>,
    s: &Statement<'c>,
    entry: &ConditionEntry,
    name: &'c str,
    global: bool,
) -> Option<Diagnostic> {
    let key = entry.key.value;
    let mut support = cx.key_support(name);
    let (mut missing, mut supported, mut every_action_known) = (Vec::new(), false, true);
    for action in cx.actions(s).listed() {
        match &action.resolved {
            Resolved::Everything => {
                return Some(
                    Diagnostic::new(
                        Code::N022,
                        entry.key.span,
                        format!("with `\"Action\": \"*\"`, this Deny never denies the actions that do not send `{key}` (every service has some)"),
                    )
                    .help("list the actions to deny, keeping those that support this key"),
                );
            }
            Resolved::Actions(found) if !found.is_empty() => {
                for (svc, a) in found.iter() {
                    if support.supports(svc, a) || tags_through_service(svc.prefix, a.name) {
                        supported = true;
                    } else {
                        missing.push(format!("`{}:{}`", svc.prefix, a.name));
                    }
                }
            }
            _ => every_action_known = false,
        }
    }
    // A service's own key that no action supports is N002's, when it knows every action.
    if missing.is_empty() || !global && !supported && every_action_known {
        return None;
    }
    Some(unsent(entry, missing, "this Deny never denies", "deny"))
}

/// An `Allow` with `Action`: the actions named in full that do not send a global tag key are
/// never granted. Wildcards are left out, as N020 leaves them: `ec2:*` with a tag condition
/// grants what the tag can scope, by design.
fn allow_with_actions<'c>(
    cx: &Context<'c>,
    s: &Statement<'c>,
    entry: &ConditionEntry,
    name: &'c str,
) -> Option<Diagnostic> {
    let mut support = cx.key_support(name);
    let mut missing = Vec::new();
    for action in cx.actions(s).listed().iter().filter(|a| !a.wildcard) {
        let Resolved::Actions(found) = &action.resolved else {
            continue;
        };
        for (svc, a) in found.iter() {
            if !support.supports(svc, a) && !tags_through_service(svc.prefix, a.name) {
                missing.push(format!("`{}:{}`", svc.prefix, a.name));
            }
        }
    }
    if missing.is_empty() {
        return None;
    }
    Some(unsent(entry, missing, "this Allow never grants", "allow").severity(Severity::Info))
}

/// The finding on `entry`'s key: the actions in `missing` never send it, so the statement
/// (`outcome`: "this Deny never denies") skips them; `verb` says how to fix it.
fn unsent(
    entry: &ConditionEntry,
    mut missing: Vec<String>,
    outcome: &str,
    verb: &str,
) -> Diagnostic {
    missing.sort();
    missing.dedup();
    let one = missing.len() == 1;
    Diagnostic::new(
        Code::N022,
        entry.key.span,
        format!(
            "{} never {} `{}`, so {outcome} {}",
            list_names(&missing, 4),
            if one { "sends" } else { "send" },
            entry.key.value,
            if one { "it" } else { "them" },
        ),
    )
    .help(format!(
        "{verb} these actions in a statement of their own, scoped by `Resource` or by a key they send"
    ))
}

/// The Resource Groups Tagging API's `tag:TagResources` and `tag:UntagResources` also need the
/// tagged service's own tagging permission (`glue:TagResource`), whose request carries the tag
/// keys: a `Deny` on that action is where the condition takes effect, not here.
fn tags_through_service(service: &str, action: &str) -> bool {
    service == "tag" && matches!(action, "TagResources" | "UntagResources")
}
