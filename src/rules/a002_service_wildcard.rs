//! A002 service-wildcard: `svc:*` in an Allow grants every action of a service, today's
//! and future ones, administration included.

use super::{allows, Context};
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::policy::PolicyKind;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    // In a key policy `kms:*` is judged by K001 (root delegation, AWS's default) and K002
    // (any other principal): one finding per problem.
    if cx.kind == PolicyKind::KmsKey {
        return;
    }
    for s in allows(cx) {
        for action in s.actions() {
            let Some(service) = action.value.strip_suffix(":*") else {
                continue;
            };
            if service.is_empty() || service.contains(['*', '?']) {
                continue;
            }
            // Joined, not `format!`ted: one of the most frequent findings.
            let message = [
                "`",
                action.value,
                "` allows every `",
                service,
                "` action, administration included",
            ];
            let help = ["list the `", service, ":` actions this principal needs"];
            out.push(
                Diagnostic::new(Code::A002, action.span, message.concat())
                    .help(help.concat())
                    .at([s.pointer.as_str(), "/Action"].concat()),
            );
        }
    }
}
