//! P007 variable-needs-version: `${aws:username}` and friends are only substituted under
//! Version 2012-10-17; otherwise they are matched as literal text and never match.

use super::Context;
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::policy::{strings, Str};

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let modern = cx.policy.version.and_then(|m| m.value.as_str()) == Some("2012-10-17");
    if modern {
        return;
    }
    for s in &cx.policy.statements {
        let mut values: Vec<Str> = Vec::new();
        for member in [s.resource, s.not_resource].into_iter().flatten() {
            values.extend(strings(&member.value));
        }
        for entry in s.conditions() {
            values.extend(strings(entry.values));
        }
        for value in values {
            for (start, _) in value.value.match_indices("${") {
                let Some(len) = value.value[start..].find('}') else {
                    continue;
                };
                let variable = &value.value[start..start + len + 1];
                if !variable.contains(':') {
                    continue; // a template placeholder, reported by P016
                }
                out.push(
                    Diagnostic::new(
                        Code::P007,
                        value.sub_span(start..start + len + 1),
                        format!("policy variable `{variable}` is literal text without `\"Version\": \"2012-10-17\"`"),
                    )
                    .help("set `\"Version\": \"2012-10-17\"` so AWS substitutes the variable")
                    .at(s.pointer.clone()),
                );
            }
        }
    }
}
