//! P012 principal-not-allowed: `Principal` in a policy attached to an identity (or a
//! boundary or SCP): those apply to whoever holds them, and AWS rejects the element.

use super::Context;
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::policy::Str;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for s in &cx.policy.statements {
        for member in [s.principal, s.not_principal].into_iter().flatten() {
            out.push(
                Diagnostic::new(
                    Code::P012,
                    Str::of_key(member).span,
                    format!("`{}` is not allowed in this {} policy", member.key, cx.kind),
                )
                .help(format!(
                    "remove `{}`; if this is a resource, key or trust policy, say so with `--kind` or the config's `[kinds]`",
                    member.key
                ))
                .at(format!("{}/{}", s.pointer, member.key)),
            );
        }
    }
}
