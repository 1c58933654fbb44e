//! K007 key-policy-resource: a `Resource` other than `"*"` in a key policy. A key policy is
//! attached to one key and `"*"` means *that key*; an ARN here is at best ignored
//! noise and at worst names another key, so the statement silently matches nothing.

use super::{allows, Context};
use crate::code::Code;
use crate::diagnostic::Diagnostic;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for s in allows(cx) {
        for value in s.resources().iter().filter(|r| r.value != "*") {
            out.push(
                Diagnostic::new(
                    Code::K007,
                    value.span,
                    format!(
                        "`{}` in a key policy: a key policy only ever applies to its own key, so this either names that key redundantly or matches nothing",
                        value.value
                    ),
                )
                .help("write \"Resource\": \"*\", which in a key policy means this key")
                .at(format!("{}/Resource", s.pointer)),
            );
        }
    }
}
