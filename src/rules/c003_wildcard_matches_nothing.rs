//! C003 wildcard-matches-nothing: an action wildcard (`s3:Gte*`) that matches no action in
//! the catalog, so the statement grants or denies nothing through it.

use super::lookup::{action_names, resolve, Resolved};
use super::Context;
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::policy::has_wildcard;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for s in &cx.policy.statements {
        for (member, name) in action_names(s) {
            let value = name.text;
            if name.service.is_empty() || name.name.is_empty() || !has_wildcard(value.value) {
                continue;
            }
            let Resolved::Actions(found) = resolve(cx, value.value) else {
                continue;
            };
            if !found.is_empty() {
                continue;
            }
            out.push(
                Diagnostic::new(
                    Code::C003,
                    value.span,
                    format!("`{}` matches no AWS action", value.value),
                )
                .help("check the spelling; `iamlint expand 'SERVICE:*'` lists a service's actions")
                .at(format!("{}/{}", s.pointer, member.key)),
            );
        }
    }
}
