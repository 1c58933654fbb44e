//! R002 rcp-service-principals-not-exempt: an RCP `Deny` that refuses callers outside the
//! organization (or account) by `aws:PrincipalOrgID`, `aws:PrincipalOrgPaths` or
//! `aws:PrincipalAccount`, with nothing that exempts AWS services. Service principals
//! (CloudTrail and Config delivering to a bucket, SNS sending to a queue) belong to no
//! organization, so the statement refuses them too; and one that refuses by
//! `aws:SourceOrgID`/`aws:SourceAccount` without a `Null` or `IfExists` guard refuses every
//! request that carries no source at all.

use super::Context;
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::policy::{ConditionEntry, Statement};

const CALLER_KEYS: &[&str] = &[
    "aws:PrincipalOrgID",
    "aws:PrincipalOrgPaths",
    "aws:PrincipalAccount",
];
const SOURCE_KEYS: &[&str] = &["aws:SourceOrgID", "aws:SourceOrgPaths", "aws:SourceAccount"];
/// Keys that tell service principals apart, so a statement can leave them out.
const SERVICE_KEYS: &[&str] = &[
    "aws:PrincipalIsAWSService",
    "aws:PrincipalServiceName",
    "aws:PrincipalServiceNamesList",
];

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for s in cx
        .policy
        .statements
        .iter()
        .filter(|s| s.effect() == crate::policy::Effect::Deny)
    {
        let Some(entry) = s
            .conditions()
            .iter()
            .find(|c| negated(c) && is_one_of(c, CALLER_KEYS))
        else {
            let service_scoped = s.conditions().iter().any(|c| is_one_of(c, SERVICE_KEYS));
            if let Some(entry) = unguarded_source(s) {
                let also = match service_scoped {
                    true => "",
                    false => " and `\"BoolIfExists\": {\"aws:PrincipalIsAWSService\": \"true\"}`",
                };
                out.push(
                    Diagnostic::new(
                        Code::R002,
                        entry.key.span,
                        format!("`{}` is tested without a `Null` check: a request that carries no source is refused too", entry.key.value),
                    )
                    .help(format!("use `{}IfExists`, or add `\"Null\": {{\"{}\": \"false\"}}`{also}", entry.operator.value, entry.key.value))
                    .at(entry.pointer(&s.pointer)),
                );
            } else if let Some(entry) = s
                .conditions()
                .iter()
                .find(|c| !service_scoped && negated(c) && is_one_of(c, SOURCE_KEYS))
            {
                // Only service principals act on behalf of a source: without saying so, the
                // statement also reaches IAM principals of requests that carry a source.
                out.push(
                    Diagnostic::new(
                        Code::R002,
                        entry.key.span,
                        format!("this `Deny` on `{}` does not say it is meant for AWS services, so it can also refuse your own principals", entry.key.value),
                    )
                    .help("add `\"BoolIfExists\": {\"aws:PrincipalIsAWSService\": \"true\"}` to this statement's condition")
                    .at(entry.pointer(&s.pointer)),
                );
            }
            continue;
        };
        // A statement that also needs another key to match (`ForAnyValue:StringLike` on
        // `aws:TagKeys`) refuses some requests, not every caller outside: no perimeter.
        let targeted = s
            .conditions()
            .iter()
            .any(|c| c.requires_match() && !is_one_of(c, SERVICE_KEYS));
        if targeted || s.conditions().iter().any(|c| is_one_of(c, SERVICE_KEYS)) {
            continue;
        }
        out.push(
            Diagnostic::new(
                Code::R002,
                entry.key.span,
                format!("this `Deny` on `{}` also refuses AWS services acting with their service principals, which belong to no organization", entry.key.value),
            )
            .help("add `\"BoolIfExists\": {\"aws:PrincipalIsAWSService\": \"false\"}` so that service principals are left to a statement of their own")
            .at(entry.pointer(&s.pointer)),
        );
    }
}

fn is_one_of(entry: &ConditionEntry, keys: &[&str]) -> bool {
    keys.iter().any(|k| k.eq_ignore_ascii_case(entry.key.value))
}

fn negated(entry: &ConditionEntry) -> bool {
    entry.operator.value.to_ascii_lowercase().contains("not")
}

/// A negated, non-`IfExists` test on a source key, with no `Null` test of that key.
fn unguarded_source<'s, 'a>(s: &'s Statement<'a>) -> Option<&'s ConditionEntry<'a>> {
    s.conditions().iter().find(|c| {
        negated(c)
            && !c.operator.value.to_ascii_lowercase().ends_with("ifexists")
            && is_one_of(c, SOURCE_KEYS)
            && !s.conditions().iter().any(|n| {
                n.operator.value.eq_ignore_ascii_case("Null")
                    && n.key.value.eq_ignore_ascii_case(c.key.value)
            })
    })
}
