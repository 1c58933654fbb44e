//! E004 data-exfiltration: the document lets its holder read objects, secrets or parameters on every resource.

use super::methods::{check_family, Family};
use super::Context;
use crate::diagnostic::Diagnostic;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    check_family(cx, out, Family::Exfiltration);
}
