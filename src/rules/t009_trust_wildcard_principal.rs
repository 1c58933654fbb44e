//! T009 trust-wildcard-principal: `"*"` or `{"AWS": "*"}` in a role trust policy whose
//! conditions do pin the caller. The role is not open to everyone (that is T001's), but who
//! may assume it rests on the conditions alone, which Access Analyzer reports as well.

use super::principals::is_public;
use super::{allows, Context};
use crate::code::Code;
use crate::diagnostic::Diagnostic;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    // Where the role is public it is T001's error: one finding per problem.
    for s in allows(cx).filter(|s| !is_public(cx.policy, s)) {
        for p in s.principals().iter().filter(|p| p.is_wildcard()) {
            out.push(
                Diagnostic::new(
                    Code::T009,
                    p.value.span,
                    "a wildcard principal in a trust policy leaves who may assume the role to the conditions alone",
                )
                .at(format!("{}/Principal", s.pointer)),
            );
        }
    }
}
