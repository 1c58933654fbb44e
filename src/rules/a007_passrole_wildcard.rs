//! A007 passrole-wildcard: `iam:PassRole` on every role (`"Resource": "*"`, or a role ARN
//! such as `arn:aws:iam::*:role/*`) lets the holder hand any role in the account,
//! administrators included, to a service it controls.

use super::{allows, Context};
use crate::code::Code;
use crate::diagnostic::{Diagnostic, Severity};
use crate::pattern::wildcard_match;
use crate::policy::{arn, Statement, Str};

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for s in allows(cx) {
        // Most statements pass no role: their resources need no reading.
        if !s.actions().iter().any(passes_role) {
            continue;
        }
        let star = s.resources().iter().any(|r| r.value == "*");
        let every_role = s.resources().iter().find(|r| is_every_role(r));
        if !star && every_role.is_none() {
            continue;
        }
        for action in s.actions().iter().filter(|a| passes_role(a)) {
            let mut d = if star {
                Diagnostic::new(Code::A007, action.span, "`iam:PassRole` on every role lets the holder pass any role, administrators included, to a service")
            } else {
                let role = every_role.expect("checked above");
                let d = Diagnostic::new(
                    Code::A007,
                    action.span,
                    format!("`iam:PassRole` on `{}`, every role, lets the holder pass any role, administrators included, to a service", role.value),
                )
                .label(role.span, "every role");
                // Pinned to the receiving service, the role passed is still any role: a
                // narrower risk, the pattern AWS's own managed policies use.
                if s.has_condition_key("iam:PassedToService") {
                    d.severity(Severity::Info)
                } else {
                    d
                }
            };
            d = d
                .help("limit `Resource` to the role ARNs to pass, and add an `iam:PassedToService` condition")
                .at(format!("{}/Action", s.pointer));
            out.push(d);
        }
    }
}

/// Whether A007 reports `action`, a token of the `Allow` statement `s`'s `Action`: it reaches
/// `iam:PassRole` and the statement's `Resource` holds `*` or every role. E001 asks too, to
/// fold this finding into its own when the token completes a method.
pub(super) fn flags(s: &Statement, action: &Str) -> bool {
    passes_role(action)
        && s.resources()
            .iter()
            .any(|r| r.value == "*" || is_every_role(r))
}

/// An action token that reaches `iam:PassRole`; `*` and `iam:*` are already reported as
/// such (A001, A002). Compared in place: most actions are not IAM's, and need no copy to
/// tell.
fn passes_role(action: &Str) -> bool {
    action
        .value
        .get(..4)
        .is_some_and(|service| service.eq_ignore_ascii_case("iam:"))
        && !action.value.eq_ignore_ascii_case("iam:*")
        && wildcard_match(action.value, "iam:PassRole")
}

/// A role ARN whose name part is only a wildcard (`role/*`): every role of the account (or,
/// with `*` for the account, of every account).
fn is_every_role(resource: &Str) -> bool {
    // Each such name part ends in `*`: most resources are told apart without a split.
    resource.value.ends_with('*')
        && arn::split(resource.value).is_ok_and(|a| {
            a.service.text == "iam" && matches!(a.resource.text, "role/*" | "role*" | "*")
        })
}
