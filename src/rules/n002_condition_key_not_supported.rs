//! N002 condition-key-not-supported: a service condition key that none of the statement's
//! actions supports, or a global key that AWS sends only to some services (`aws:VpceOrgID`)
//! used where no action belongs to one. The request never carries the key, so the condition
//! does not hold as intended. Other global keys apply to every action and are never
//! reported. When some of the actions support a service key, the others are N020's; when
//! only some of the services get a limited global key, the others are named here.

use super::lookup::{action_supports_key, condition_key, list_first, statement_actions, KeyLookup};
use super::Context;
use crate::catalog::GlobalConditionKey;
use crate::catalog::{Action, Service};
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::policy::Str;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for s in &cx.policy.statements {
        let entries = s.conditions();
        if entries.is_empty() {
            continue;
        }
        // Worked out at the first service key: most conditions use global keys only.
        let mut actions = None;
        for entry in entries {
            let KeyLookup::Known { name, global, .. } =
                condition_key(cx.catalog(), s, entry.key.value)
            else {
                continue;
            };
            // A global key is reported only when AWS sends it to some services alone.
            let limited = match global {
                true => match cx.catalog().global_condition_key(name) {
                    Some(key) if !key.services.is_empty() => Some(key),
                    _ => continue,
                },
                false => None,
            };
            // Only when every action is known: otherwise we cannot be sure.
            let Some(actions) = actions.get_or_insert_with(|| statement_actions(cx, s)) else {
                break;
            };
            let supports = |(svc, action): &(&Service, &Action)| match limited {
                Some(key) => key.sent_to(svc.prefix, action.name),
                None => action_supports_key(svc, action, name),
            };
            if actions.iter().any(supports) {
                if let Some(key) = limited {
                    if let Some(finding) = some_services_unsupported(key, actions, &entry.key) {
                        out.push(
                            finding.at(format!("{}/Condition/{}", s.pointer, entry.operator.value)),
                        );
                    }
                }
                continue;
            }
            // Sorted as their `service:action` spellings, of which only the shown are written.
            let spelling = |(svc, a): &(&Service, &Action)| {
                let (prefix, name) = (svc.prefix.bytes(), a.name.bytes());
                prefix.chain(std::iter::once(b':')).chain(name)
            };
            let mut sorted: Vec<(&Service, &Action)> = actions.to_vec();
            sorted.sort_by(|a, b| spelling(a).cmp(spelling(b)));
            let names = sorted
                .iter()
                .map(|(svc, a)| format!("{}:{}", svc.prefix, a.name));
            let listed = list_first(names, sorted.len(), 4);
            let finding = match limited {
                Some(_) => Diagnostic::new(
                    Code::N002,
                    entry.key.span,
                    format!(
                        "AWS sends `{}` only with the actions of some services, and none of this statement's actions is one of them ({listed})",
                        entry.key.value
                    ),
                )
                .help("scope this condition to the services that support the key (AWS's global condition keys page lists them)"),
                None => Diagnostic::new(
                    Code::N002,
                    entry.key.span,
                    format!(
                        "no action of this statement supports `{}` ({listed})",
                        entry.key.value
                    ),
                )
                .help("use a key these actions support (see the Service Authorization Reference), or move the condition to the statement whose actions set it"),
            };
            out.push(finding.at(format!("{}/Condition/{}", s.pointer, entry.operator.value)));
        }
    }
}

/// A limited global key that some of the statement's actions get and others do not: the
/// services of the others, by name, as Access Analyzer names them.
fn some_services_unsupported(
    key: &GlobalConditionKey,
    actions: &[(&Service, &Action)],
    token: &Str,
) -> Option<Diagnostic> {
    let mut services: Vec<&str> = actions
        .iter()
        .filter(|(svc, a)| !key.sent_to(svc.prefix, a.name))
        .map(|(svc, _)| svc.prefix)
        .collect();
    if services.is_empty() {
        return None;
    }
    services.sort_unstable();
    services.dedup();
    let total = services.len();
    let listed = list_first(services.into_iter().map(|s| format!("`{s}`")), total, 4);
    Some(
        Diagnostic::new(
            Code::N002,
            token.span,
            format!(
                "AWS sends `{}` only with the actions of some services, and not with this statement's actions of {listed}",
                token.value
            ),
        )
        .help("put the actions of services that do not support the key in a statement of their own"),
    )
}
