//! P018 empty-condition: a `Condition` block, an operator or a key with nothing in it
//! (`{}` or `[]`). AWS accepts these, so they are suggestions, not P011's errors.

use super::lookup::operator;
use super::Context;
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::json::{Node, Value};

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for s in &cx.policy.statements {
        let Some(condition) = s.condition else {
            continue;
        };
        // Joined only when something is reported: most conditions are not empty.
        let pointer = || [s.pointer.as_str(), "/Condition"].concat();
        if is_empty(&condition.value) {
            out.push(
                Diagnostic::new(
                    Code::P018,
                    condition.value.span,
                    "`Condition` is empty: it tests nothing",
                )
                .help("add the condition the statement was meant to have, or remove `Condition`")
                .at(pointer()),
            );
            continue;
        }
        for op in condition.value.members().unwrap_or_default() {
            if is_empty(&op.value) {
                out.push(
                    Diagnostic::new(
                        Code::P018,
                        op.value.span,
                        format!("`{}` names no condition key: it tests nothing", op.key),
                    )
                    .help(format!(
                        "add a key and its values to `{}`, or remove it",
                        op.key
                    ))
                    .at([pointer().as_str(), "/", &op.key].concat()),
                );
            }
        }
        for entry in s.conditions() {
            if is_empty(entry.values) {
                out.push(
                    Diagnostic::new(
                        Code::P018,
                        entry.values.span,
                        format!(
                            "`{}` under `{}` has no values: {}",
                            entry.key.value,
                            entry.operator.value,
                            effect_of_no_values(entry.operator.value)
                        ),
                    )
                    .help(format!(
                        "list the values `{}` may take, or remove the key",
                        entry.key.value
                    ))
                    .at(entry.pointer(&s.pointer)),
                );
            }
        }
    }
}

fn is_empty(node: &Node) -> bool {
    match &node.value {
        Value::Array(items) => items.is_empty(),
        Value::Object(members) => members.is_empty(),
        _ => false,
    }
}

/// What a key with no values does, by operator: a set operator over nothing is vacuous
/// (`ForAllValues:`) or impossible (`ForAnyValue:`); `IfExists` still matches a request
/// without the key.
fn effect_of_no_values(op: &str) -> &'static str {
    let parsed = operator(op);
    let set = parsed.as_ref().and_then(|o| o.set);
    if set == Some("ForAllValues") {
        "`ForAllValues:` over no values matches only a request without the key"
    } else if set == Some("ForAnyValue") {
        "`ForAnyValue:` over no values never matches"
    } else if op.to_ascii_lowercase().ends_with("ifexists") {
        "`IfExists` over no values matches only a request without the key"
    } else {
        "there is nothing to compare the key with"
    }
}
