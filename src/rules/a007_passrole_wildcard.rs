//! A007 passrole-wildcard: `iam:PassRole` on `"Resource": "*"` lets the holder hand any
//! role in the account, administrators included, to a service it controls.

use super::{allows, Context};
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::pattern::wildcard_match;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for s in allows(cx) {
        if !s.resources().iter().any(|r| r.value == "*") {
            continue;
        }
        // `*` and `iam:*` are already reported as such (A001, A002).
        // Compared in place: most actions are not IAM's, and need no copy to tell.
        let passes = s.actions().iter().filter(|a| {
            a.value
                .get(..4)
                .is_some_and(|service| service.eq_ignore_ascii_case("iam:"))
                && !a.value.eq_ignore_ascii_case("iam:*")
                && wildcard_match(a.value, "iam:PassRole")
        });
        for action in passes {
            out.push(
                Diagnostic::new(Code::A007, action.span, "`iam:PassRole` on every role lets the holder pass any role, administrators included, to a service")
                    .help("limit `Resource` to the role ARNs to pass, and add an `iam:PassedToService` condition")
                    .at(format!("{}/Action", s.pointer)),
            );
        }
    }
}
