//! P009 unusual-sid: a key or resource policy `Sid` with characters beyond letters, digits,
//! spaces, `_`, `-` and `.`. Services differ in what they accept, so this is information.

use super::Context;
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::policy::Str;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for s in &cx.policy.statements {
        let Some(sid) = s.sid.and_then(|m| Str::of_value(&m.value)) else {
            continue;
        };
        if let Some(c) = sid
            .value
            .chars()
            .find(|&c| !(c.is_ascii_alphanumeric() || " _-.".contains(c)))
        {
            out.push(
                Diagnostic::new(
                    Code::P009,
                    sid.span,
                    format!(
                        "`Sid` `{}` contains `{c}`, which some services reject",
                        sid.value
                    ),
                )
                .at(format!("{}/Sid", s.pointer)),
            );
        }
    }
}
