//! A003 allow-not-action: `Allow` with `NotAction` grants everything not listed, including
//! every action AWS adds later.

use super::{allows, Context};
use crate::diagnostic::Diagnostic;
use crate::policy::Str;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for s in allows(cx) {
        if let Some(member) = s.not_action {
            out.push(
                Diagnostic::new("A003", Str::of_key(member).span, "`Allow` with `NotAction` allows every action not listed, in every service")
                    .help("use `Action` with the actions to allow; keep `NotAction` for `Deny` statements")
                    .at(format!("{}/NotAction", s.pointer)),
            );
        }
    }
}
