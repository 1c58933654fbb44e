//! A004 allow-not-resource: `Allow` with `NotResource` applies to every resource not listed.

use super::Context;
use crate::code::Code;
use crate::diagnostic::Diagnostic;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    super::allow_with_negation(
        cx,
        out,
        Code::A004,
        |s| s.not_resource,
        "`Allow` with `NotResource` allows access to every resource not listed",
        "use `Resource` with the ARNs to allow",
    );
}
