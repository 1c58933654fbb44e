//! N006 for-all-values-single-valued: a `ForAllValues:` or `ForAnyValue:` operator on a key
//! that holds one value. `ForAllValues:` is true when the key is absent, so in an Allow it
//! grants requests that carry no such key at all.

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
            // `Null` with a set prefix is N011's: it compares no values at all.
            let Some(set) = op.set.filter(|_| op.kind != OperatorType::Null) else {
                continue;
            };
            let KeyLookup::Known { name, kind, .. } = facts.key else {
                continue;
            };
            if kind.is_multivalued() {
                continue;
            }
            let bare = &entry.operator.value[set.len() + 1..];
            let (severity, why) = if set == "ForAllValues" && s.is_allow() {
                (
                    Severity::Warning,
                    "it also matches requests without the key, so this Allow grants them",
                )
            } else if set == "ForAllValues" {
                (Severity::Info, "it also matches requests without the key")
            } else {
                (
                    Severity::Info,
                    "set operators are meant for multivalued keys",
                )
            };
            out.push(
                Diagnostic::new(
                    Code::N006,
                    entry.operator.span,
                    format!(
                        "`{}` on `{name}`, a single-valued key ({}): {why}",
                        entry.operator.value,
                        kind.as_str()
                    ),
                )
                .severity(severity)
                .help(format!("use `{bare}` without the `{set}:` prefix"))
                .at(format!("{}/Condition/{}", s.pointer, entry.operator.value)),
            );
        }
    }
}
