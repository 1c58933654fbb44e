//! N005 wildcard-without-like: `*` or `?` in the value of an operator that compares
//! exactly (`StringEquals`, `StringNotEquals`…). The wildcard is then a literal character,
//! so `"arn:aws:iam::*:role/admin"` only matches that exact text.

use super::lookup::{condition_scalars, OperatorType};
use super::Context;
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::json::{Node, Value};

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for s in &cx.policy.statements {
        for (entry, facts) in cx.conditions(s) {
            let Some(op) = facts.operator else {
                continue;
            };
            // `ArnEquals` matches wildcards just as `ArnLike` does.
            if op.kind != OperatorType::String || op.base.ends_with("Like") {
                continue;
            }
            // Most entries hold no wildcard: the values are copied out only for one that may.
            if !may_have_wildcard(entry.values) {
                continue;
            }
            let like = op.base.replace("Equals", "Like").replace("IgnoreCase", "");
            let like = if like == "StringLike" || like == "StringNotLike" {
                like
            } else {
                "StringLike".to_string()
            };
            for (value, span) in condition_scalars(entry.values) {
                if !crate::policy::has_unescaped_wildcard(value) {
                    continue;
                }
                out.push(
                    Diagnostic::new(
                        Code::N005,
                        span,
                        format!(
                            "`{}` compares exactly, so the wildcard in `{value}` is a literal character",
                            entry.operator.value
                        ),
                    )
                    .help(format!("use `{like}` to match a pattern"))
                    .at(entry.pointer(&s.pointer)),
                );
            }
        }
    }
}

/// Whether any string of a condition's values holds a `*` or `?` (numbers and booleans
/// cannot), before [`crate::policy::has_unescaped_wildcard`] looks closer.
fn may_have_wildcard(values: &Node) -> bool {
    let wild = |n: &Node| match &n.value {
        Value::String(s) => crate::policy::has_wildcard(s),
        _ => false,
    };
    match &values.value {
        Value::Array(items) => items.iter().any(wild),
        _ => wild(values),
    }
}
