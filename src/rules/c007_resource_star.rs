//! C007 resource-star: `"Resource": "*"` in an identity policy's Allow for actions that can
//! be scoped to specific resources. Least privilege names the resources.

use super::lookup::{list_first, resolve, ActionName, Resolved};
use super::{allows, Context};
use crate::catalog::{Action, Service};
use crate::diagnostic::Diagnostic;
use crate::policy::strings;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for s in allows(cx) {
        let Some(resource) = s.resource else {
            continue;
        };
        let Some(star) = strings(&resource.value)
            .into_iter()
            .find(|r| r.value == "*")
        else {
            continue;
        };
        let mut scoped: Vec<(&Service, &Action)> = Vec::new();
        for value in s.actions() {
            // Wildcards are C004's: their expansion already says what they reach.
            let Some(name) = ActionName::parse(value) else {
                continue;
            };
            if name.is_wildcard() {
                continue;
            }
            if let Resolved::Actions(found) = resolve(cx, value.value) {
                scoped.extend(found.iter().filter(|(_, a)| !a.resource_types.is_empty()));
            }
        }
        if scoped.is_empty() {
            continue;
        }
        // Only the names the message shows are formatted: a statement may list hundreds.
        let names = scoped
            .iter()
            .map(|(svc, action)| format!("{}:{}", svc.prefix, action.name));
        let these = if scoped.len() == 1 { "it" } else { "them" };
        out.push(
            Diagnostic::new(
                "C007",
                star.span,
                format!(
                    "`\"Resource\": \"*\"` grants {} on every resource, though AWS lets you scope {these} to specific ARNs",
                    list_first(names, scoped.len(), 6)
                ),
            )
            .help("list the ARNs these actions need, or scope them with conditions such as `aws:ResourceTag/...`")
            .at(format!("{}/Resource", s.pointer)),
        );
    }
}
