//! N023 condition-pattern-too-permissive: a wildcard or a policy variable in an `aws:userid`
//! value placed where it matches every caller's id. `aws:userid` is `UNIQUE-ID` for a user
//! and `ROLE-ID:SESSION-NAME` for a role session, so an open part before the colon (`AROA*`,
//! `${aws:username}`) matches ids of principals the author never named.

use super::lookup::{condition_scalars, OperatorType};
use super::Context;
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::policy::template::{self, Kind};

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for s in &cx.policy.statements {
        for (entry, facts) in cx.conditions(s) {
            if !entry.key.value.eq_ignore_ascii_case("aws:userid") {
                continue;
            }
            let Some(op) = facts.operator else {
                continue;
            };
            if op.kind != OperatorType::String {
                continue;
            }
            // Under an exact operator `*` is a literal character (N005 says so).
            let like = op.base.contains("Like");
            for (value, span) in condition_scalars(entry.values) {
                let Some(open) = too_open(value, like) else {
                    continue;
                };
                out.push(
                    Diagnostic::new(
                        Code::N023,
                        span,
                        format!(
                            "the {open} in `{value}` stands before the colon of `aws:userid`, so it matches the ids of principals never named here"
                        ),
                    )
                    .help(format!(
                        "put the {open} after the colon (`AROAEXAMPLEID:{}`) or make it the whole part before it (`{}:*`)",
                        if open == "wildcard" { "*" } else { "${aws:username}" },
                        if open == "wildcard" { "*" } else { "${aws:userid}" },
                    ))
                    .at(entry.pointer(&s.pointer)),
                );
            }
        }
    }
}

/// What opens `value` too far for `aws:userid` (`"wildcard"` or `"policy variable"`), if
/// anything: an open part is fine after the first colon, or as the whole part before it.
fn too_open(value: &str, like: bool) -> Option<&'static str> {
    // Each variable becomes one marker byte; a template value and the escapes `${*}`,
    // `${?}`, `${$}` are literal text to AWS.
    const VARIABLE: char = '\u{1}';
    let mut text = String::with_capacity(value.len());
    let mut last = 0;
    for part in template::parts(value) {
        text.push_str(&value[last..part.range.start]);
        let escape = matches!(part.expr, "*" | "?" | "$");
        text.push(if part.kind == Kind::Variable && !escape {
            VARIABLE
        } else {
            'x'
        });
        last = part.range.end;
    }
    text.push_str(&value[last..]);
    let is_open = |c: char| c == VARIABLE || (like && matches!(c, '*' | '?'));
    let first = text.find(is_open)?;
    let name = |c: char| {
        if c == VARIABLE {
            "policy variable"
        } else {
            "wildcard"
        }
    };
    let before = match text.find(':') {
        Some(colon) if colon < first => return None,
        Some(colon) => &text[..colon],
        None => &text[..],
    };
    let mut chars = before.chars();
    let lone =
        matches!((chars.next(), chars.next()), (Some(c), None) if is_open(c)) && text.contains(':');
    if lone {
        return None;
    }
    before.chars().find(|&c| is_open(c)).map(name)
}

#[cfg(test)]
mod tests {
    use super::too_open;

    #[test]
    fn open_parts_before_the_colon_are_too_open() {
        assert_eq!(too_open("*", true), Some("wildcard"));
        assert_eq!(too_open("AROA*", true), Some("wildcard"));
        assert_eq!(too_open("AROA*:*", true), Some("wildcard"));
        assert_eq!(too_open("${aws:username}", false), Some("policy variable"));
        assert_eq!(
            too_open("x${aws:username}:s", true),
            Some("policy variable")
        );
    }

    #[test]
    fn open_parts_after_the_colon_or_alone_before_it_are_fine() {
        assert_eq!(too_open("AROAEXAMPLEID:*", true), None);
        assert_eq!(too_open("*:*", true), None);
        assert_eq!(too_open("AIDAEXAMPLE:${aws:username}", false), None);
        assert_eq!(too_open("${aws:userid}:*", true), None);
        // Exact operators read `*` literally; escapes and template values are literal text.
        assert_eq!(too_open("*", false), None);
        assert_eq!(too_open("${*}", true), None);
        assert_eq!(too_open("${RoleId}", true), None);
        assert_eq!(too_open("AIDAEXAMPLE", true), None);
    }
}
