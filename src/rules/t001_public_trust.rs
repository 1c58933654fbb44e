//! T001 public-trust: a role trust policy that lets anyone assume the role (`"*"` or
//! `{"AWS": "*"}` with no condition that pins the caller). Every AWS account in the world,
//! and for some actions anonymous callers, can then act as the role.

use super::principals::is_public;
use super::{allows, Context};
use crate::code::Code;
use crate::diagnostic::Diagnostic;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for s in allows(cx) {
        let wildcards: Vec<_> = s.principals().iter().filter(|p| p.is_wildcard()).collect();
        if wildcards.is_empty() || !is_public(cx.policy, s) {
            continue;
        }
        for p in wildcards {
            out.push(
                Diagnostic::new(
                    Code::T001,
                    p.value.span,
                    "anyone, in any AWS account, can assume this role",
                )
                .help("name the accounts or roles that may assume it, or add a condition such as `aws:PrincipalOrgID` or `aws:PrincipalAccount`")
                .at(format!("{}/Principal", s.pointer)),
            );
        }
    }
}
