//! A002 service-wildcard: `svc:*` in an Allow grants every action of a service, today's
//! and future ones, administration included.

use super::{allows, Context};
use crate::diagnostic::Diagnostic;
use crate::policy::PolicyKind;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for s in allows(cx) {
        // The account-root delegation in a key policy is AWS's default (K001), not a finding.
        if cx.kind == PolicyKind::KmsKey && super::k001_root_delegation::is_root_only(s) {
            continue;
        }
        for action in s.actions() {
            let Some(service) = action.value.strip_suffix(":*") else {
                continue;
            };
            if service.is_empty() || service.contains(['*', '?']) {
                continue;
            }
            let scope = if cx.kind == PolicyKind::KmsKey {
                " on this key"
            } else {
                ""
            };
            out.push(
                Diagnostic::new(
                    "A002",
                    action.span,
                    format!(
                        "`{}` allows every `{service}` action{scope}, administration included",
                        action.value
                    ),
                )
                .help(format!(
                    "list the `{service}:` actions this principal needs"
                ))
                .at(format!("{}/Action", s.pointer)),
            );
        }
    }
}
