//! T012 federated-principal-in-resource-policy: a `Federated` principal in a resource or
//! key policy. Only a role trust policy can name an identity provider: STS is the service
//! that accepts federated sign-in, and it does so only by letting the caller assume a role.

use super::Context;
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::policy::Str;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for s in &cx.policy.statements {
        for member in [s.principal, s.not_principal].into_iter().flatten() {
            let Some(types) = member.value.members() else {
                continue;
            };
            for t in types.iter().filter(|t| t.key == "Federated") {
                out.push(
                    Diagnostic::new(
                        Code::T012,
                        Str::of_key(t).span,
                        format!("a `Federated` principal in a {} policy: only a role trust policy can name an identity provider", if cx.kind == crate::policy::PolicyKind::KmsKey { "key" } else { "resource" }),
                    )
                    .at(format!("{}/{}/Federated", s.pointer, member.key)),
                );
            }
        }
    }
}
