//! A003 allow-not-action: `Allow` with `NotAction` grants everything not listed, including
//! every action AWS adds later.

use super::Context;
use crate::code::Code;
use crate::diagnostic::Diagnostic;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    super::allow_with_negation(
        cx,
        out,
        Code::A003,
        |s| s.not_action,
        "`Allow` with `NotAction` allows every action not listed, in every service",
        "use `Action` with the actions to allow; keep `NotAction` for `Deny` statements",
    );
}
