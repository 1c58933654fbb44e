//! T010 source-identity-without-action: a trust statement that tests `sts:SourceIdentity`
//! but does not allow `sts:SetSourceIdentity`. A request that carries a source identity
//! (set now, or kept from the caller's session) needs that action, and one without a source
//! identity does not match the condition, so the statement matches no request.

use super::{allows, Context};
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::pattern::wildcard_match;

const KEY: &str = "sts:SourceIdentity";
const ACTION: &str = "sts:SetSourceIdentity";

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for s in allows(cx) {
        // `NotAction` allows what it does not name: A003 judges it.
        if s.action.is_none() || s.actions().iter().any(|a| wildcard_match(a.value, ACTION)) {
            continue;
        }
        // A negated or `IfExists` test matches requests without a source identity.
        let Some(entry) = s
            .conditions()
            .iter()
            .find(|c| c.key.value.eq_ignore_ascii_case(KEY) && c.requires_match())
        else {
            continue;
        };
        out.push(
            Diagnostic::new(
                Code::T010,
                entry.key.span,
                "`sts:SourceIdentity` is tested but `sts:SetSourceIdentity` is not allowed: a request with a source identity needs that action, so no request matches",
            )
            .at(entry.pointer(&s.pointer)),
        );
    }
}
