//! T008 roles-anywhere-actions: a trust statement for IAM Roles Anywhere
//! (`rolesanywhere.amazonaws.com`) that does not allow `sts:TagSession` and
//! `sts:SetSourceIdentity`. Roles Anywhere always tags the session with the certificate's
//! attributes and sets its source identity, so without both actions it cannot create a session.

use super::Context;
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::pattern::wildcard_match;
use crate::policy::Str;

const SERVICE: &str = "rolesanywhere.amazonaws.com";
const NEEDED: [&str; 2] = ["sts:TagSession", "sts:SetSourceIdentity"];

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for s in super::allows(cx) {
        let trusts = s
            .principals()
            .iter()
            .any(|p| p.has_type("Service") && p.value.value.eq_ignore_ascii_case(SERVICE));
        // `NotAction` allows what it does not name: judged elsewhere (A003).
        let Some(action) = s.action.filter(|_| trusts) else {
            continue;
        };
        let missing: Vec<&str> = NEEDED
            .into_iter()
            .filter(|needed| !s.actions().iter().any(|a| wildcard_match(a.value, needed)))
            .collect();
        if missing.is_empty() {
            continue;
        }
        let list = missing
            .iter()
            .map(|m| format!("`{m}`"))
            .collect::<Vec<_>>()
            .join(" and ");
        out.push(
            Diagnostic::new(
                Code::T008,
                Str::of_key(action).span,
                format!("IAM Roles Anywhere is trusted without {list}: it tags every session and sets its source identity, so it cannot create one"),
            )
            .help(format!("allow {list} next to `sts:AssumeRole`"))
            .at(format!("{}/Action", s.pointer)),
        );
    }
}
