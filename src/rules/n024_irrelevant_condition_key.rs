//! N024 irrelevant-condition-key: in the policy of a known resource (a template's bucket,
//! queue, topic…), a key that describes the owner of the resource the request is made to
//! (`s3:ResourceAccount`, `aws:ResourceAccount`, `aws:ResourceOrgID`, `aws:ResourceOrgPaths`).
//! Such a policy governs requests to its own resource only, so the key always holds that
//! resource's account or organization: testing it decides nothing a request can change.

use super::policy_types::resource_policy;
use super::Context;
use crate::code::Code;
use crate::diagnostic::Diagnostic;

/// Global keys that name the owner of the resource of the request.
const OWNER_KEYS: &[&str] = &[
    "aws:ResourceAccount",
    "aws:ResourceOrgID",
    "aws:ResourceOrgPaths",
];

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(held_by) = cx.resource_type.and_then(resource_policy) else {
        return;
    };
    let is_owner_key = |key: &str| {
        if OWNER_KEYS.iter().any(|k| k.eq_ignore_ascii_case(key)) {
            return true;
        }
        // The service's own copy of `aws:ResourceAccount` (`s3:ResourceAccount`).
        key.split_once(':').is_some_and(|(service, name)| {
            name.eq_ignore_ascii_case("ResourceAccount")
                && held_by
                    .services
                    .iter()
                    .any(|s| s.eq_ignore_ascii_case(service))
        })
    };
    for s in &cx.policy.statements {
        for entry in s.conditions() {
            if !is_owner_key(entry.key.value) {
                continue;
            }
            out.push(
                Diagnostic::new(
                    Code::N024,
                    entry.key.span,
                    format!(
                        "`{}` names the owner of the resource, the same in every request {} governs: the condition decides nothing",
                        entry.key.value, held_by.article_name
                    ),
                )
                .at(entry.pointer(&s.pointer)),
            );
        }
    }
}
