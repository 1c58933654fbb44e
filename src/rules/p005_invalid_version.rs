//! P005 invalid-version: `Version` is a string but not one of the two policy language versions.

use super::Context;
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::policy::Str;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(version) = cx.policy.version.and_then(|m| Str::of_value(&m.value)) else {
        return;
    };
    if version.value != "2012-10-17" && version.value != "2008-10-17" {
        out.push(
            Diagnostic::new(
                Code::P005,
                version.span,
                format!("`{}` is not a policy language version", version.value),
            )
            .help("use `\"Version\": \"2012-10-17\"`; it is a fixed identifier, not today's date")
            .at("/Version"),
        );
    }
}
