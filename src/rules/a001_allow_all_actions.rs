//! A001 allow-all-actions: `"Action": "*"` in an Allow grants every action of every service.

use super::{allows, Context};
use crate::code::Code;
use crate::diagnostic::Diagnostic;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    // An endpoint policy's `*` lets requests through; their callers' own policies grant.
    if cx.is_vpc_endpoint_policy() {
        return;
    }
    for s in allows(cx) {
        for action in s
            .actions()
            .iter()
            .filter(|a| a.value == "*" || a.value == "*:*")
        {
            out.push(
                Diagnostic::new(Code::A001, action.span, "`Action: \"*\"` allows every action of every AWS service")
                    .help("list the actions the principal needs; `iamlint expand` shows what a pattern grants")
                    .at(format!("{}/Action", s.pointer)),
            );
        }
    }
}
