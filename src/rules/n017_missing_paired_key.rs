//! N017 missing-paired-key: `aws:VpcSourceIp` in an Allow without `aws:SourceVpc` or
//! `aws:SourceVpce`. Private addresses repeat from one VPC to the next, so an address alone
//! lets in requests from any VPC, another account's included, that uses it.

use super::Context;
use crate::code::Code;
use crate::diagnostic::Diagnostic;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for s in &cx.policy.statements {
        if !s.is_allow()
            || s.has_condition_key("aws:SourceVpc")
            || s.has_condition_key("aws:SourceVpce")
        {
            continue;
        }
        for entry in s.conditions() {
            if !entry.key.value.eq_ignore_ascii_case("aws:VpcSourceIp") || !entry.requires_match() {
                continue;
            }
            out.push(
                Diagnostic::new(
                    Code::N017,
                    entry.key.span,
                    "`aws:VpcSourceIp` without `aws:SourceVpc` or `aws:SourceVpce`: the same private address in any VPC matches",
                )
                .help("add `aws:SourceVpc` (or `aws:SourceVpce`) to this statement, naming the network the addresses belong to")
                .at(entry.pointer(&s.pointer)),
            );
        }
    }
}
