//! E001 privilege-escalation: the document alone completes a known privilege-escalation method (a new policy version, an inline policy, passing any role to a new Lambda function...).

use super::methods::{check_family, Family};
use super::Context;
use crate::diagnostic::Diagnostic;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    check_family(cx, out, Family::Escalation);
}
