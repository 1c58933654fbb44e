//! N012 spoofable-condition-key: a condition on `aws:UserAgent` or `aws:Referer`. Both come
//! from HTTP headers the caller writes, so they cannot be what protects a resource.

use super::lookup::OperatorType;
use super::Context;
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::policy::Effect;

const KEYS: [&str; 2] = ["aws:UserAgent", "aws:Referer"];

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for s in &cx.policy.statements {
        let consequence = match s.effect() {
            Effect::Allow => "any caller can send the value this Allow asks for",
            Effect::Deny => "any caller can send a value that steps around this Deny",
            Effect::Invalid => continue,
        };
        for (entry, facts) in cx.conditions(s) {
            let Some(key) = KEYS
                .into_iter()
                .find(|k| k.eq_ignore_ascii_case(entry.key.value))
            else {
                continue;
            };
            // `Null` only asks whether the header was sent.
            if facts.operator.is_some_and(|o| o.kind == OperatorType::Null) {
                continue;
            }
            out.push(
                Diagnostic::new(
                    Code::N012,
                    entry.key.span,
                    format!("`{key}` is an HTTP header the caller chooses: {consequence}"),
                )
                .help("restrict on what the caller cannot forge: `aws:SourceVpce`, `aws:SourceVpc`, `aws:PrincipalOrgID`, or CloudFront origin access control for websites")
                .at(entry.pointer(&s.pointer)),
            );
        }
    }
}
