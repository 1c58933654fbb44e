//! A007 passrole-wildcard: `iam:PassRole` on `"Resource": "*"` lets the holder hand any
//! role in the account, administrators included, to a service it controls.

use super::{allows, Context};
use crate::diagnostic::Diagnostic;
use crate::pattern::wildcard_match;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for s in allows(cx) {
        if !s.resources().iter().any(|r| r.value == "*") {
            continue;
        }
        // `*` and `iam:*` are already reported as such (A001, A002).
        let passes = s.actions().iter().filter(|a| {
            let lower = a.value.to_ascii_lowercase();
            lower.starts_with("iam:") && lower != "iam:*" && wildcard_match(a.value, "iam:PassRole")
        });
        for action in passes {
            out.push(
                Diagnostic::new("A007", action.span, "`iam:PassRole` on every role lets the holder pass any role, administrators included, to a service")
                    .help("limit `Resource` to the role ARNs to pass, and add an `iam:PassedToService` condition")
                    .at(format!("{}/Action", s.pointer)),
            );
        }
    }
}
