//! N002 condition-key-not-supported: a service condition key that none of the statement's
//! actions supports. The request never carries the key, so the condition does not hold
//! as intended. Global keys apply to every action and are never reported. When some of the
//! actions support the key, the others are N020's.

use super::lookup::{action_supports_key, condition_key, list_first, statement_actions, KeyLookup};
use super::Context;
use crate::catalog::{Action, Service};
use crate::code::Code;
use crate::diagnostic::Diagnostic;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for s in &cx.policy.statements {
        let entries = s.conditions();
        if entries.is_empty() {
            continue;
        }
        // Worked out at the first service key: most conditions use global keys only.
        let mut actions = None;
        for entry in entries {
            let KeyLookup::Known {
                name,
                global: false,
                ..
            } = condition_key(cx.catalog(), s, entry.key.value)
            else {
                continue;
            };
            // Only when every action is known: otherwise we cannot be sure.
            let Some(actions) = actions.get_or_insert_with(|| statement_actions(cx, s)) else {
                break;
            };
            if actions
                .iter()
                .any(|(svc, action)| action_supports_key(svc, action, name))
            {
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
            out.push(
                Diagnostic::new(
                    Code::N002,
                    entry.key.span,
                    format!(
                        "no action of this statement supports `{}` ({})",
                        entry.key.value,
                        list_first(names, sorted.len(), 4)
                    ),
                )
                .help("use a key these actions support (see the Service Authorization Reference), or move the condition to the statement whose actions set it")
                .at(format!("{}/Condition/{}", s.pointer, entry.operator.value)),
            );
        }
    }
}
