//! P020 invalid-policy-variable: a policy variable AWS cannot read, in a `Resource` or a
//! condition value: `${aws:username` without its `}`, a default without its quotes
//! (`${aws:PrincipalTag/team, 'x}`), a space in the name (`${aws: username}`), or `${}`.
//! AWS rejects the policy. Template values (`${var.x}`, `${AWS::Region}`) are never
//! variables, so they are left alone (see `policy::template`).

use super::Context;
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::policy::template::{malformed_variables, Malformed};
use crate::policy::Str;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    // Without version 2012-10-17 `${` is literal text (P006 and P007 say so).
    if cx.policy.version.and_then(|v| v.value.as_str()) != Some("2012-10-17") {
        return;
    }
    for s in &cx.policy.statements {
        for member in [s.resource, s.not_resource].into_iter().flatten() {
            for value in s.strings_of(member).iter() {
                report(value, || format!("{}/{}", s.pointer, member.key), out);
            }
        }
        for entry in s.conditions() {
            for value in crate::policy::each_string(entry.values) {
                report(&value, || entry.pointer(&s.pointer), out);
            }
        }
    }
}

fn report(value: &Str, pointer: impl Fn() -> String, out: &mut Vec<Diagnostic>) {
    // Without a `${` the search finds nothing, at the cost of one byte scan.
    for (range, kind) in malformed_variables(value.value) {
        let text = &value.value[range.clone()];
        let (message, help) = match kind {
            Malformed::MissingBrace => (
                format!("the policy variable `{text}` has no closing `}}`"),
                "add `}` after the variable's name",
            ),
            Malformed::MissingQuote => (
                format!("the default of `{text}` must begin and end with a single quote"),
                "write the default in single quotes: `${aws:username, 'anonymous'}`",
            ),
            Malformed::Space => (
                format!("`{text}` has a space inside the variable's name"),
                "remove the space: a space is allowed only in the default, after the comma",
            ),
            Malformed::Empty => (
                "`${}` names no variable".to_string(),
                "write the variable between the braces, or remove `${}`",
            ),
        };
        out.push(
            Diagnostic::new(Code::P020, value.sub_span(range), message)
                .help(help)
                .at(pointer()),
        );
    }
}
