//! N003 operator-type-mismatch: a condition operator whose type does not fit the key's
//! (`StringEquals` on the IP-address key `aws:SourceIp`, `NumericLessThan` on a date).
//! AWS compares as the operator says, so the condition does not test what it reads as.

use super::lookup::KeyLookup;
use super::Context;
use crate::code::Code;
use crate::diagnostic::Diagnostic;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for s in &cx.policy.statements {
        for (entry, facts) in cx.conditions(s) {
            let Some(op) = facts.operator else {
                continue;
            };
            let KeyLookup::Known {
                name, kind, also, ..
            } = facts.key
            else {
                continue;
            };
            if op.kind.fits(kind) || also.iter().any(|t| op.kind.fits(*t)) {
                continue;
            }
            let expected = match kind.element() {
                crate::catalog::ConditionType::Arn => "an ARN or String operator".to_string(),
                t => {
                    let op_name = match t {
                        crate::catalog::ConditionType::IpAddress => "an IpAddress or NotIpAddress",
                        crate::catalog::ConditionType::Bool => "the Bool",
                        crate::catalog::ConditionType::Binary => "the BinaryEquals",
                        crate::catalog::ConditionType::Numeric => "a Numeric",
                        crate::catalog::ConditionType::Date => "a Date",
                        _ => "a String",
                    };
                    format!("{op_name} operator")
                }
            };
            out.push(
                Diagnostic::new(
                    Code::N003,
                    entry.operator.span,
                    format!(
                        "`{}` compares as {}, but `{name}` is of type {}: use {expected}",
                        entry.operator.value,
                        op.kind.family(),
                        kind.as_str()
                    ),
                )
                .label(entry.key.span, format!("of type {}", kind.as_str()))
                .help(format!("use {expected} for `{}`", entry.key.value))
                .at(format!("{}/Condition/{}", s.pointer, entry.operator.value)),
            );
        }
    }
}
