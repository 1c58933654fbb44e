//! A004 allow-not-resource: `Allow` with `NotResource` applies to every resource not listed.

use super::{allows, Context};
use crate::diagnostic::Diagnostic;
use crate::policy::Str;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for s in allows(cx) {
        if let Some(member) = s.not_resource {
            out.push(
                Diagnostic::new(
                    "A004",
                    Str::of_key(member).span,
                    "`Allow` with `NotResource` allows access to every resource not listed",
                )
                .help("use `Resource` with the ARNs to allow")
                .at(format!("{}/NotResource", s.pointer)),
            );
        }
    }
}
