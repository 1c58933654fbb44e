//! E002 compute-takeover: the document lets its holder take over existing compute or code (replace a function's code, run commands on instances, update a stack) and act with the role it runs as.

use super::methods::{check_family, Family};
use super::Context;
use crate::diagnostic::Diagnostic;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    check_family(cx, out, Family::Takeover);
}
