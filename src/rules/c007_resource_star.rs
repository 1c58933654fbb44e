//! C007 resource-star: `"Resource": "*"` in an identity policy's Allow for actions that can
//! be scoped to specific resources. Least privilege names the resources.

use super::lookup::{list_first, resolve, ActionName, Resolved};
use super::{allows, Context};
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::policy::{has_wildcard, strings};

/// How many of the scoped actions the message names.
const SHOWN: usize = 6;

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
        // Only the names the message shows are formatted: a statement may list hundreds.
        let mut shown: Vec<String> = Vec::new();
        let mut scoped = 0;
        for &value in s.actions() {
            // Wildcards are C004's: their expansion already says what they reach.
            if has_wildcard(value.value) || ActionName::parse(value).is_none() {
                continue;
            }
            let Resolved::Actions(found) = resolve(cx, value.value) else {
                continue;
            };
            for (svc, action) in found.iter().filter(|(_, a)| !a.resource_types.is_empty()) {
                if shown.len() < SHOWN {
                    shown.push(format!("{}:{}", svc.prefix, action.name));
                }
                scoped += 1;
            }
        }
        if scoped == 0 {
            continue;
        }
        let these = if scoped == 1 { "it" } else { "them" };
        out.push(
            Diagnostic::new(
                Code::C007,
                star.span,
                format!(
                    "`\"Resource\": \"*\"` grants {} on every resource, though AWS lets you scope {these} to specific ARNs",
                    list_first(shown.into_iter(), scoped, SHOWN)
                ),
            )
            .help("list the ARNs these actions need, or scope them with conditions such as `aws:ResourceTag/...`")
            .at(format!("{}/Resource", s.pointer)),
        );
    }
}
