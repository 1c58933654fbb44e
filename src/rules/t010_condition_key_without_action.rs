//! T010 condition-key-without-action: a trust statement that tests a key only an action of
//! its own sets, without allowing that action: `sts:SourceIdentity` without
//! `sts:SetSourceIdentity`, a session tag (`aws:RequestTag/...`, `aws:TagKeys`,
//! `sts:TransitiveTagKeys`) without `sts:TagSession`. A request that carries the key needs
//! the action, and one without the key does not match the condition, so the statement
//! matches no request.

use super::{allows, Context};
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::pattern::wildcard_match;

/// The action a request needs to carry a key, and what such a request carries.
fn action_for(key: &str) -> Option<(&'static str, &'static str)> {
    let lower = key.to_ascii_lowercase();
    if lower == "sts:sourceidentity" {
        Some(("sts:SetSourceIdentity", "a source identity"))
    } else if lower.starts_with("aws:requesttag/")
        || lower == "aws:tagkeys"
        || lower == "sts:transitivetagkeys"
    {
        Some(("sts:TagSession", "session tags"))
    } else {
        None
    }
}

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for s in allows(cx) {
        // `NotAction` allows what it does not name: A003 judges it.
        if s.action.is_none() {
            continue;
        }
        // One finding per missing action, at the first key that needs it.
        let mut reported: Vec<&str> = Vec::new();
        for entry in s.conditions() {
            // A negated or `IfExists` test matches requests without the key.
            if !entry.requires_match() {
                continue;
            }
            let Some((action, carrying)) = action_for(entry.key.value) else {
                continue;
            };
            if reported.contains(&action)
                || s.actions().iter().any(|a| wildcard_match(a.value, action))
            {
                continue;
            }
            reported.push(action);
            out.push(
                Diagnostic::new(
                    Code::T010,
                    entry.key.span,
                    format!(
                        "`{}` is tested but `{action}` is not allowed: a request with {carrying} needs that action, so no request matches",
                        entry.key.value
                    ),
                )
                .at(entry.pointer(&s.pointer)),
            );
        }
    }
}
