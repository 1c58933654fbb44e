//! A005 allow-not-principal: `Allow` with `NotPrincipal` grants to everyone not listed,
//! anonymous callers included.

use super::{allows, Context};
use crate::diagnostic::Diagnostic;
use crate::policy::Str;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for s in allows(cx) {
        if let Some(member) = s.not_principal {
            out.push(
                Diagnostic::new("A005", Str::of_key(member).span, "`Allow` with `NotPrincipal` grants access to everyone not listed, anonymous callers included")
                    .help("use `Principal` with the principals to allow")
                    .at(format!("{}/NotPrincipal", s.pointer)),
            );
        }
    }
}
