//! A005 allow-not-principal: `Allow` with `NotPrincipal` grants to everyone not listed,
//! anonymous callers included.

use super::Context;
use crate::code::Code;
use crate::diagnostic::Diagnostic;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    super::allow_with_negation(
        cx,
        out,
        Code::A005,
        |s| s.not_principal,
        "`Allow` with `NotPrincipal` grants access to everyone not listed, anonymous callers included",
        "use `Principal` with the principals to allow",
    );
}
