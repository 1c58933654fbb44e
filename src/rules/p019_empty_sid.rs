//! P019 empty-sid: `"Sid": ""` names nothing; an id that says what the statement is for
//! helps readers and logs, and an absent `Sid` says the same as an empty one.

use super::Context;
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::policy::Str;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for s in &cx.policy.statements {
        let Some(sid) = s.sid.and_then(|m| Str::of_value(&m.value)) else {
            continue;
        };
        if sid.value.is_empty() {
            out.push(
                Diagnostic::new(Code::P019, sid.span, "`Sid` is an empty string")
                    .help("name the statement after what it grants, or remove `Sid`")
                    .at(format!("{}/Sid", s.pointer)),
            );
        }
    }
}
