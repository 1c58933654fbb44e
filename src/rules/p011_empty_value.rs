//! P011 empty-value: an empty list, string or object where AWS needs at least one value.

use super::Context;
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::json::{Member, Node, Value};

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    if let Some(statement) = cx.policy.statement {
        report_if_empty(statement, &[], out);
    }
    for s in &cx.policy.statements {
        // Not `Condition`: AWS accepts an empty condition block, which always matches.
        let elements = [
            s.action,
            s.not_action,
            s.resource,
            s.not_resource,
            s.principal,
            s.not_principal,
        ];
        for member in elements.into_iter().flatten() {
            report_if_empty(member, &[&s.pointer], out);
            if let Value::Array(items) = &member.value.value {
                // Tested in place: a list of a thousand actions holds no empty one.
                for item in items.iter().filter(|item| emptiness(item).is_some()) {
                    report_node(item, &member.key, &[&s.pointer], out);
                }
            }
            for nested in member.value.members().unwrap_or_default() {
                // Principal types and condition operators: each needs values of its own.
                report_if_empty(nested, &[&s.pointer, "/", &member.key], out);
            }
        }
    }
}

/// `pointer`: the parent's pointer in pieces, joined only when something is reported.
fn report_if_empty(member: &Member, pointer: &[&str], out: &mut Vec<Diagnostic>) {
    report_node(&member.value, &member.key, pointer, out);
}

/// What an empty value is, or `None` for one that is not empty.
#[inline]
fn emptiness(node: &Node) -> Option<&'static str> {
    match &node.value {
        Value::Array(items) if items.is_empty() => Some("an empty list"),
        Value::Object(members) if members.is_empty() => Some("an empty object"),
        Value::String(s) if s.is_empty() => Some("an empty string"),
        _ => None,
    }
}

fn report_node(node: &Node, key: &str, pointer: &[&str], out: &mut Vec<Diagnostic>) {
    let Some(what) = emptiness(node) else {
        return;
    };
    out.push(
        Diagnostic::new(Code::P011, node.span, format!("`{key}` is {what}"))
            .help(format!("give `{key}` a value, or remove it"))
            .at([pointer.concat().as_str(), "/", key].concat()),
    );
}
