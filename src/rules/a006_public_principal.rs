//! A006 public-principal: `"Principal": "*"` (or `{"AWS": "*"}`) in an Allow with no
//! condition that narrows who can call: anyone, in any account, anonymous included.

use super::principals::is_public;
use super::{allows, Context};
use crate::code::Code;
use crate::diagnostic::Diagnostic;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    // A role anyone can assume is T001's, an error: one finding per problem.
    if cx.kind == crate::policy::PolicyKind::Trust {
        return;
    }
    // A VPC endpoint policy filters what passes through the endpoint and grants nothing:
    // callers need their own permissions, and only callers in the VPC reach it. AWS's
    // default endpoint policy is `*` to `*`.
    if cx.is_vpc_endpoint_policy() {
        return;
    }
    for s in allows(cx) {
        let wildcards: Vec<_> = s.principals().iter().filter(|p| p.is_wildcard()).collect();
        if wildcards.is_empty() || !is_public(cx.policy, s) {
            continue;
        }
        for p in wildcards {
            out.push(
                Diagnostic::new(Code::A006, p.value.span, "this statement allows anyone, in any AWS account or none, to call it")
                    .help("name the principals, or add a condition such as `aws:PrincipalOrgID` or `aws:SourceAccount` that limits the callers")
                    .at(format!("{}/Principal", s.pointer)),
            );
        }
    }
}
