//! N018 arn-key-string-operator: `StringLike` (or `StringNotLike`) on a condition key of
//! type ARN (`aws:SourceArn`, `aws:PrincipalArn`). `ArnLike` compares an ARN field by field,
//! so a `*` in one field never reaches into the next; `StringLike`'s `*` crosses colons.

use super::lookup::KeyLookup;
use super::Context;
use crate::catalog::ConditionType;
use crate::code::Code;
use crate::diagnostic::Diagnostic;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for s in &cx.policy.statements {
        for (entry, facts) in cx.conditions(s) {
            let Some(op) = facts.operator else {
                continue;
            };
            let arn_operator = match op.base {
                "StringLike" => "ArnLike",
                "StringNotLike" => "ArnNotLike",
                _ => continue,
            };
            let KeyLookup::Known { kind, .. } = facts.key else {
                continue;
            };
            if kind.element() != ConditionType::Arn {
                continue;
            }
            let written = entry.operator.value;
            let better = written.replacen(op.base, arn_operator, 1);
            out.push(
                Diagnostic::new(
                    Code::N018,
                    entry.key.span,
                    format!(
                        "`{}` holds an ARN: compare it with `{better}`, not `{written}`",
                        entry.key.value
                    ),
                )
                .help(format!(
                    "use `{better}`, which matches each ARN field on its own"
                ))
                .at(entry.pointer(&s.pointer)),
            );
        }
    }
}
