//! P014 unknown-condition-operator: AWS rejects a condition operator it does not know.

use super::Context;
use crate::diagnostic::Diagnostic;

/// Every base operator; each but `Null` also takes an `IfExists` suffix, and any may take
/// a `ForAllValues:` or `ForAnyValue:` prefix.
pub const OPERATORS: &[&str] = &[
    "StringEquals",
    "StringNotEquals",
    "StringEqualsIgnoreCase",
    "StringNotEqualsIgnoreCase",
    "StringLike",
    "StringNotLike",
    "NumericEquals",
    "NumericNotEquals",
    "NumericLessThan",
    "NumericLessThanEquals",
    "NumericGreaterThan",
    "NumericGreaterThanEquals",
    "DateEquals",
    "DateNotEquals",
    "DateLessThan",
    "DateLessThanEquals",
    "DateGreaterThan",
    "DateGreaterThanEquals",
    "Bool",
    "BinaryEquals",
    "IpAddress",
    "NotIpAddress",
    "ArnEquals",
    "ArnLike",
    "ArnNotEquals",
    "ArnNotLike",
    "Null",
];

/// The operator without its set prefix and `IfExists` suffix, if it is a known one.
pub fn base_operator(operator: &str) -> Option<&'static str> {
    let lower = operator.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("forallvalues:")
        .or_else(|| lower.strip_prefix("foranyvalue:"))
        .unwrap_or(&lower);
    let (rest, if_exists) = match rest.strip_suffix("ifexists") {
        Some(base) => (base, true),
        None => (rest, false),
    };
    OPERATORS
        .iter()
        .copied()
        .find(|op| op.eq_ignore_ascii_case(rest))
        .filter(|op| !(if_exists && *op == "Null"))
}

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for s in &cx.policy.statements {
        let Some(block) = s.condition.and_then(|m| m.value.members()) else {
            continue;
        };
        for op in block {
            if base_operator(&op.key).is_some() {
                continue;
            }
            let bare = op.key.rsplit(':').next().unwrap_or(&op.key);
            let help = match crate::suggest::closest(bare, OPERATORS.iter().copied()) {
                Some(name) => format!("did you mean `{name}`?"),
                None => "see the condition operators in the IAM JSON policy reference".to_string(),
            };
            out.push(
                Diagnostic::new(
                    "P014",
                    crate::policy::Str::of_key(op).span,
                    format!("`{}` is not a condition operator", op.key),
                )
                .help(help)
                .at(format!("{}/Condition/{}", s.pointer, op.key)),
            );
        }
    }
}
