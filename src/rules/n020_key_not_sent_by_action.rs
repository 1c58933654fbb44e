//! N020 key-not-sent-by-action: in an Allow, a service condition key that some actions of
//! the statement support and an action named in full does not. That action's requests never
//! carry the key, so a condition that needs the key present never allows it. (When no
//! action supports the key, N002 reports it.) Wildcards are left out: `ec2:*` with a tag
//! condition grants what the tag can scope, by design.

use super::lookup::{list_names, KeyLookup, Resolved};
use super::Context;
use crate::code::Code;
use crate::diagnostic::Diagnostic;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for s in &cx.policy.statements {
        if !s.is_allow() {
            continue;
        }
        for (entry, facts) in cx.conditions(s) {
            if !entry.requires_match() {
                continue;
            }
            let KeyLookup::Known {
                name,
                global: false,
                ..
            } = facts.key
            else {
                continue;
            };
            let mut support = cx.key_support(name);
            let mut supported = false;
            let mut missing: Vec<&str> = Vec::new();
            for action in cx.actions(s).listed() {
                let Resolved::Actions(found) = &action.resolved else {
                    continue;
                };
                // Only actions named in full are listed: a wildcard only tells whether some
                // action supports the key, asked of its matches a run at a time.
                if action.wildcard {
                    supported = supported
                        || support.supports_any(found)
                        || found.runs().any(|(svc, run)| {
                            let actions = svc.actions.get(run).unwrap_or_default();
                            actions.iter().any(|a| rides_along(svc.prefix, a.name))
                        });
                    continue;
                }
                let text = action.text.value;
                for (svc, a) in found.iter() {
                    if support.supports(svc, a) || rides_along(svc.prefix, a.name) {
                        supported = true;
                    } else if !missing.contains(&text) {
                        missing.push(text);
                    }
                }
            }
            if !supported || missing.is_empty() {
                continue;
            }
            let missing: Vec<String> = missing.iter().map(|m| format!("`{m}`")).collect();
            let one = missing.len() == 1;
            out.push(
                Diagnostic::new(
                    Code::N020,
                    entry.key.span,
                    format!(
                        "{} never {} `{}`, so this condition never allows {}",
                        list_names(&missing, 4),
                        if one { "sends" } else { "send" },
                        entry.key.value,
                        if one { "it" } else { "them" },
                    ),
                )
                .help("move these actions to a statement of their own without this condition")
                .at(entry.pointer(&s.pointer)),
            );
        }
    }
}

/// `sts:TagSession`, `sts:SetSourceIdentity` and `sts:SetContext` are authorized with the
/// `AssumeRole*` request they come with, so they see its keys (`cognito-identity.amazonaws.com:aud`)
/// whatever the catalog lists for them.
fn rides_along(service: &str, action: &str) -> bool {
    service == "sts" && matches!(action, "TagSession" | "SetSourceIdentity" | "SetContext")
}
