//! N011 null-with-set-operator: `ForAllValues:Null` or `ForAnyValue:Null`. `Null` asks only
//! whether a key is in the request; a set prefix compares values, which `Null` has none of.

use super::lookup::{operator, OperatorType};
use super::Context;
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::policy::Str;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for s in &cx.policy.statements {
        let Some(block) = s.condition.and_then(|c| c.value.members()) else {
            continue;
        };
        for op in block {
            let Some(parsed) = operator(&op.key) else {
                continue;
            };
            let Some(set) = parsed.set.filter(|_| parsed.kind == OperatorType::Null) else {
                continue;
            };
            out.push(
                Diagnostic::new(
                    Code::N011,
                    Str::of_key(op).span,
                    format!(
                        "`{}`: `Null` only tests whether a key is present, so the `{set}:` prefix has nothing to compare",
                        op.key
                    ),
                )
                .help("use `Null` without the prefix")
                .at(format!("{}/Condition/{}", s.pointer, op.key)),
            );
        }
    }
}
