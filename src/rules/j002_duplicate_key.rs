//! J002 duplicate-key: an object names the same key twice; AWS silently keeps one.

use super::Context;
use crate::diagnostic::Diagnostic;
use crate::json::{Node, Value};
use crate::policy::Str;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    walk(cx.policy.root, "", out);
}

fn walk(node: &Node, pointer: &str, out: &mut Vec<Diagnostic>) {
    match &node.value {
        Value::Object(members) => {
            for (i, member) in members.iter().enumerate() {
                if let Some(first) = members[..i].iter().find(|m| m.key == member.key) {
                    out.push(
                        Diagnostic::new(
                            "J002",
                            Str::of_key(member).span,
                            format!(
                                "duplicate key `{}`: AWS uses only one of the two values",
                                member.key
                            ),
                        )
                        .label(Str::of_key(first).span, "first defined here")
                        .help(format!("merge the two `{}` entries into one", member.key))
                        .at(format!("{pointer}/{}", member.key)),
                    );
                }
                walk(&member.value, &format!("{pointer}/{}", member.key), out);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                walk(item, &format!("{pointer}/{i}"), out);
            }
        }
        _ => {}
    }
}
