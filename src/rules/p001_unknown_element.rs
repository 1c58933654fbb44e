//! P001 unknown-element: a key that is not part of the policy grammar; AWS rejects it.

use super::Context;
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::json::Node;
use crate::policy::{Str, POLICY_ELEMENTS, STATEMENT_ELEMENTS};

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    unknown(cx.policy.root, POLICY_ELEMENTS, "policy", "", out);
    for statement in &cx.policy.statements {
        unknown(
            statement.node,
            STATEMENT_ELEMENTS,
            "statement",
            &statement.pointer,
            out,
        );
    }
}

fn unknown(node: &Node, known: &[&str], level: &str, pointer: &str, out: &mut Vec<Diagnostic>) {
    for member in node.members().unwrap_or_default() {
        if known.contains(&&*member.key) {
            continue;
        }
        let mut diagnostic = Diagnostic::new(
            Code::P001,
            Str::of_key(member).span,
            format!("`{}` is not a {level} element", member.key),
        )
        .at(format!("{pointer}/{}", member.key));
        diagnostic = match crate::suggest::closest(&member.key, known.iter().copied()) {
            Some(name) => diagnostic.help(format!(
                "did you mean `{name}`? element names are case-sensitive"
            )),
            None => diagnostic.help(format!("a {level} accepts only: {}", known.join(", "))),
        };
        out.push(diagnostic);
    }
}
