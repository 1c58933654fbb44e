//! P001 unknown-element: a key that is not part of the policy grammar; AWS rejects it.

use super::Context;
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::json::Node;
use crate::policy::{Str, POLICY_ELEMENTS, STATEMENT_ELEMENTS};

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let policy = (POLICY_ELEMENTS, is_policy_element as fn(&str) -> bool);
    unknown(cx.policy.root, policy, "policy", "", out);
    for statement in &cx.policy.statements {
        let elements = (STATEMENT_ELEMENTS, is_statement_element as fn(&str) -> bool);
        unknown(
            statement.node,
            elements,
            "statement",
            &statement.pointer,
            out,
        );
    }
}

/// Whether a key is one of [`POLICY_ELEMENTS`]: a `match`, which the compiler turns into a
/// switch on length and bytes, rather than a comparison with each name (asked of every key).
fn is_policy_element(key: &str) -> bool {
    matches!(key, "Version" | "Id" | "Statement")
}

/// Whether a key is one of [`STATEMENT_ELEMENTS`] (see [`is_policy_element`]).
fn is_statement_element(key: &str) -> bool {
    matches!(
        key,
        "Sid"
            | "Effect"
            | "Principal"
            | "NotPrincipal"
            | "Action"
            | "NotAction"
            | "Resource"
            | "NotResource"
            | "Condition"
    )
}

/// The names a level accepts, and the quick test of one.
type Elements = (&'static [&'static str], fn(&str) -> bool);

fn unknown(
    node: &Node,
    (known, is_known): Elements,
    level: &str,
    pointer: &str,
    out: &mut Vec<Diagnostic>,
) {
    for member in node.members().unwrap_or_default() {
        if is_known(&member.key) {
            continue;
        }
        let mut diagnostic = Diagnostic::new(
            Code::P001,
            Str::of_key(member).span,
            format!("`{}` is not a {level} element", member.key),
        )
        .at(format!("{pointer}/{}", member.key));
        diagnostic = match crate::suggest::closest(&member.key, known.iter().copied()) {
            Some(name) => {
                let case = if name.eq_ignore_ascii_case(&member.key) {
                    "; element names are case-sensitive"
                } else {
                    ""
                };
                // P002 leaves the missing element to this finding: one problem, one finding.
                let missing = if has_key(node, name) {
                    String::new()
                } else {
                    format!(" (as written, the {level} has no `{name}`)")
                };
                diagnostic.help(format!("did you mean `{name}`?{case}{missing}"))
            }
            None => diagnostic.help(format!("a {level} accepts only: {}", known.join(", "))),
        };
        out.push(diagnostic);
    }
}

fn has_key(node: &Node, key: &str) -> bool {
    node.members()
        .unwrap_or_default()
        .iter()
        .any(|m| m.key == key)
}

/// Whether a key of `node` that is not an element is a misspelling of `element`, which
/// P001 then reports with its did-you-mean (`"Resources"` for `Resource`).
pub(super) fn misspelt(node: &Node, known: &[&str], element: &str) -> bool {
    node.members().unwrap_or_default().iter().any(|m| {
        !known.contains(&&*m.key)
            && crate::suggest::closest(&m.key, known.iter().copied()) == Some(element)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quick_tests_accept_exactly_the_listed_names() {
        for (known, is_known) in [
            (POLICY_ELEMENTS, is_policy_element as fn(&str) -> bool),
            (STATEMENT_ELEMENTS, is_statement_element),
        ] {
            for name in POLICY_ELEMENTS.iter().chain(STATEMENT_ELEMENTS) {
                assert_eq!(is_known(name), known.contains(name), "{name}");
                let lower = name.to_ascii_lowercase();
                assert!(!is_known(&lower) && !is_known(&name[1..]), "{name}");
            }
        }
    }
}
