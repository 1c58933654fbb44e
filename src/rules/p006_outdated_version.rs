//! P006 outdated-version: `Version` is missing or `2008-10-17`, so AWS applies the old
//! language: policy variables are literal text and newer features are unavailable. An
//! explicit `2008-10-17` is information: SNS and SQS generate it for their default
//! policies, and it only changes behaviour where the policy uses variables (P007 says so).

use super::Context;
use crate::code::Code;
use crate::diagnostic::{Diagnostic, Severity};
use crate::json::Span;
use crate::policy::Str;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let help = "add `\"Version\": \"2012-10-17\"` at the top of the policy";
    match cx.policy.version {
        None => {
            let start = cx.policy.root.span.start;
            out.push(
                Diagnostic::new(
                    Code::P006,
                    Span::new(start, start + 1),
                    "policy has no `Version`, so AWS reads it as the 2008-10-17 language",
                )
                .help(help),
            );
        }
        Some(member) => {
            if let Some(version) = Str::of_value(&member.value).filter(|v| v.value == "2008-10-17")
            {
                out.push(
                    Diagnostic::new(
                        Code::P006,
                        version.span,
                        "`2008-10-17` is the old policy language version (AWS still generates it for SNS and SQS default policies); it only differs from `2012-10-17` where the policy uses variables such as `${aws:username}`",
                    )
                    .help("AWS asks for `\"Version\": \"2012-10-17\"` in new or edited policies; a generated default may stay as it is")
                    .severity(Severity::Info)
                    .at("/Version"),
                );
            }
        }
    }
}
