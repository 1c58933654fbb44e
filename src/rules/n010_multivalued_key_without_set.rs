//! N010 multivalued-key-without-set: a multivalued condition key (`aws:TagKeys`,
//! `aws:PrincipalServiceNamesList`, the catalog's `ArrayOf*` keys) under a plain operator.
//! A request carries a list for such a key; only `ForAllValues:` and `ForAnyValue:` say how
//! the list is compared with the policy's values.

use super::lookup::{KeyLookup, OperatorType};
use super::Context;
use crate::code::Code;
use crate::diagnostic::{Diagnostic, Severity};

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for s in &cx.policy.statements {
        for (entry, facts) in cx.conditions(s) {
            let Some(op) = facts.operator else {
                continue;
            };
            // `Null` only asks whether the key is present, list or not.
            if op.set.is_some() || op.kind == OperatorType::Null {
                continue;
            }
            let KeyLookup::Known { name, kind, .. } = facts.key else {
                continue;
            };
            if !kind.is_multivalued() {
                continue;
            }
            let op_text = entry.operator.value;
            // Global keys are documented as multivalued; a service's `ArrayOf*` typing is
            // looser (AWS's own managed policies compare `events:detail-type` with a plain
            // `StringEquals`), so there it is information.
            let severity = if name.len() > 4 && name[..4].eq_ignore_ascii_case("aws:") {
                Severity::Warning
            } else {
                Severity::Info
            };
            out.push(
                Diagnostic::new(
                    Code::N010,
                    entry.key.span,
                    format!(
                        "`{name}` is multivalued ({}) but `{op_text}` has no `ForAllValues:` or `ForAnyValue:` prefix",
                        kind.as_str()
                    ),
                )
                .help(format!(
                    "use `ForAllValues:{op_text}` (every value in the request must be listed) or `ForAnyValue:{op_text}` (at least one must be)"
                ))
                .severity(severity)
                .at(entry.pointer(&s.pointer)),
            );
        }
    }
}
