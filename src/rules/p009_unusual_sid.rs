//! P009 unusual-sid: a key or resource policy `Sid` with characters beyond printable ASCII.
//! Resource policies take free text as `Sid` (S3 accepts `Allow-CloudFront:GetObject (OAC)`;
//! key policies accept any printable ASCII), so only what some service rejects is reported:
//! control characters and non-ASCII letters. Information, as services differ.

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
            .find(|&c| !(c == ' ' || c.is_ascii_graphic()))
        {
            out.push(
                Diagnostic::new(
                    Code::P009,
                    sid.span,
                    format!(
                        "`Sid` `{}` contains `{c}`, outside printable ASCII, which some services reject",
                        sid.value
                    ),
                )
                .at(format!("{}/Sid", s.pointer)),
            );
        }
    }
}
