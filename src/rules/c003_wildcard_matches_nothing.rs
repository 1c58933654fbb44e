//! C003 wildcard-matches-nothing: an action wildcard (`s3:Gte*`) that matches no action in
//! the catalog, so the statement grants or denies nothing through it.

use super::lookup::{resolve, ActionName, Resolved};
use super::Context;
use crate::diagnostic::Diagnostic;
use crate::policy::strings;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for s in &cx.policy.statements {
        for member in [s.action, s.not_action].into_iter().flatten() {
            for value in strings(&member.value) {
                let Some(name) = ActionName::parse(value) else {
                    continue;
                };
                if !name.is_wildcard() || name.service.is_empty() || name.name.is_empty() {
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
                        "C003",
                        value.span,
                        format!("`{}` matches no AWS action", value.value),
                    )
                    .help("check the spelling; `iamlint expand 'SERVICE:*'` lists a service's actions")
                    .at(format!("{}/{}", s.pointer, member.key)),
                );
            }
        }
    }
}
