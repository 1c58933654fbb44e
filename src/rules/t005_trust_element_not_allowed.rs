//! T005 trust-element-not-allowed: a role trust policy with `Resource`, `NotResource` or
//! `NotPrincipal`. The role is the trust policy's only resource, and IAM accepts neither
//! element there, so it rejects the policy.

use super::Context;
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::policy::{PolicyKind, Str};

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    if cx.kind != PolicyKind::Trust {
        return;
    }
    for s in &cx.policy.statements {
        for member in [s.resource, s.not_resource].into_iter().flatten() {
            out.push(
                Diagnostic::new(
                    Code::T005,
                    Str::of_key(member).span,
                    format!(
                        "`{}` is not allowed in a role trust policy: the role itself is the resource",
                        member.key
                    ),
                )
                .help(format!(
                    "remove `{}`; to limit what the role may do, use its permissions policy",
                    member.key
                ))
                .at(format!("{}/{}", s.pointer, member.key)),
            );
        }
        if let Some(member) = s.not_principal {
            out.push(
                Diagnostic::new(
                    Code::T005,
                    Str::of_key(member).span,
                    "`NotPrincipal` is not allowed in a role trust policy",
                )
                .help("name who may assume the role in `Principal`; to exclude principals, add a `Deny` with an `aws:PrincipalArn` condition")
                .at(format!("{}/{}", s.pointer, member.key)),
            );
        }
    }
}
