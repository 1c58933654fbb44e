//! C003 wildcard-matches-nothing: an action wildcard (`s3:Gte*`) that matches no action in
//! the catalog, so the statement grants or denies nothing through it.

use super::lookup::Resolved;
use super::Context;
use crate::code::Code;
use crate::diagnostic::Diagnostic;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for s in &cx.policy.statements {
        for entry in cx.actions(s).all() {
            let (Some(name), member) = (entry.name, entry.member) else {
                continue;
            };
            let value = name.text;
            if name.service.is_empty() || name.name.is_empty() || !entry.wildcard {
                continue;
            }
            let Resolved::Actions(found) = &entry.resolved else {
                continue;
            };
            if !found.is_empty() {
                continue;
            }
            out.push(
                Diagnostic::new(
                    Code::C003,
                    value.span,
                    ["`", value.value, "` matches no AWS action"].concat(),
                )
                .help("check the spelling; `iamlint expand 'SERVICE:*'` lists a service's actions")
                .at([s.pointer.as_str(), "/", &member.key].concat()),
            );
        }
    }
}
