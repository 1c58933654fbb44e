//! E003 credentials-exposure: the document lets its holder create or reset credentials of other principals (access keys, console passwords, service credentials, database credentials).

use super::methods::{check_family, Family};
use super::Context;
use crate::diagnostic::Diagnostic;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    check_family(cx, out, Family::Credentials);
}
