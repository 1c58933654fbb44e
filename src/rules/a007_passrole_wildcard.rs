//! A007 passrole-wildcard: `iam:PassRole` on `"Resource": "*"` lets the holder hand any
//! role in the account, administrators included, to a service it controls.

use super::{allows, Context};
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::pattern::wildcard_match;
use crate::policy::{Statement, Str};

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for s in allows(cx) {
        for action in s.actions().iter().filter(|a| flags(s, a)) {
            out.push(
                Diagnostic::new(Code::A007, action.span, "`iam:PassRole` on every role lets the holder pass any role, administrators included, to a service")
                    .help("limit `Resource` to the role ARNs to pass, and add an `iam:PassedToService` condition")
                    .at(format!("{}/Action", s.pointer)),
            );
        }
    }
}

/// Whether A007 reports `action`, a token of the `Allow` statement `s`'s `Action`: it reaches
/// `iam:PassRole` and the statement's `Resource` holds `*`. E001 asks too, to fold this
/// finding into its own when the token completes a method.
pub(super) fn flags(s: &Statement, action: &Str) -> bool {
    // `*` and `iam:*` are already reported as such (A001, A002).
    // Compared in place: most actions are not IAM's, and need no copy to tell.
    action
        .value
        .get(..4)
        .is_some_and(|service| service.eq_ignore_ascii_case("iam:"))
        && !action.value.eq_ignore_ascii_case("iam:*")
        && wildcard_match(action.value, "iam:PassRole")
        && s.resources().iter().any(|r| r.value == "*")
}
