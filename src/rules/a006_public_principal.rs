//! A006 public-principal: `"Principal": "*"` (or `{"AWS": "*"}`) in an Allow with no
//! condition that narrows who can call: anyone, in any account, anonymous included.

use super::{allows, Context};
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::policy::{ConditionEntry, Statement};

/// Condition keys that pin the caller (or the calling resource) to known accounts,
/// organizations, networks or services. Tested with a positive operator, they make a
/// wildcard principal non-public.
pub const SCOPING_KEYS: &[&str] = &[
    "aws:PrincipalAccount",
    "aws:PrincipalArn",
    "aws:PrincipalOrgID",
    "aws:PrincipalOrgPaths",
    "aws:PrincipalServiceName",
    "aws:SourceAccount",
    "aws:SourceArn",
    "aws:SourceOrgID",
    "aws:SourceOrgPaths",
    "aws:SourceOwner",
    "aws:SourceIp",
    "aws:SourceVpc",
    "aws:SourceVpce",
    "aws:userid",
    "kms:CallerAccount",
    "kms:ViaService",
];

/// Whether a condition narrows the caller: a scoping key under an operator that requires a
/// match (see [`ConditionEntry::requires_match`]).
pub fn scopes(entry: &ConditionEntry) -> bool {
    let positive = entry.requires_match();
    let everything = crate::policy::strings(entry.values)
        .iter()
        .any(|v| v.value == "*");
    positive
        && !everything
        && SCOPING_KEYS
            .iter()
            .any(|k| k.eq_ignore_ascii_case(entry.key.value))
}

pub fn is_scoped(s: &Statement) -> bool {
    s.conditions().iter().any(scopes)
}

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    // A role anyone can assume is T001's, an error: one finding per problem.
    if cx.kind == crate::policy::PolicyKind::Trust {
        return;
    }
    // Only callers inside the endpoint's network use it, each with its own permissions.
    if cx.is_endpoint_policy() {
        return;
    }
    for s in allows(cx) {
        if is_scoped(s) {
            continue;
        }
        for p in s.principals().iter().filter(|p| p.is_wildcard()) {
            out.push(
                Diagnostic::new(Code::A006, p.value.span, "this statement allows anyone, in any AWS account or none, to call it")
                    .help("name the principals, or add a condition such as `aws:PrincipalOrgID` or `aws:SourceAccount` that limits the callers")
                    .at(format!("{}/Principal", s.pointer)),
            );
        }
    }
}
