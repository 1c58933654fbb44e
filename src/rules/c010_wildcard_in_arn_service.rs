//! C010 wildcard-in-arn-service: a `*` or `?` in the service field of a resource ARN in an
//! Allow (`arn:aws:*code*:…`). It matches every service whose name fits, today's and those
//! AWS adds later, not only the one meant.

use super::{resources, Context};
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::policy::has_wildcard;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for s in &cx.policy.statements {
        if !s.is_allow() {
            continue;
        }
        let Some(member) = s.resource else {
            continue;
        };
        // `Resource`'s values, split once for the rules that read them.
        let Some(resources) = resources::of(cx, s) else {
            continue;
        };
        for (i, value) in resources.values().iter().enumerate() {
            let Some(parts) = resources.arn(i) else {
                continue;
            };
            let service = parts.service;
            if !has_wildcard(service.text) || service.text.contains("${") {
                continue;
            }
            out.push(
                Diagnostic::new(
                    Code::C010,
                    value.sub_span(service.range.0..service.range.1),
                    format!(
                        "`{}` in the service field matches every service whose name fits, those AWS adds later included",
                        service.text
                    ),
                )
                .help("name the service (`codecommit`, `codebuild`), one ARN per service")
                .at(format!("{}/{}", s.pointer, member.key)),
            );
        }
    }
}
