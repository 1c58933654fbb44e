//! C021 other-service-in-resource-policy: in a resource policy whose resource is known (a
//! template's bucket, queue, topic, secret…), an action or a resource ARN of another
//! service. A bucket policy governs requests to the bucket only, so a `kms:` action or an
//! `sqs` ARN in it never applies, and the services reject such policies.

use super::policy_types::resource_policy;
use super::Context;
use crate::code::Code;
use crate::diagnostic::{Diagnostic, Severity};

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(held_by) = cx.resource_type.and_then(resource_policy) else {
        return;
    };
    let belongs = |service: &str| {
        held_by
            .services
            .iter()
            .any(|s| s.eq_ignore_ascii_case(service))
    };
    // Spelled out for a finding only: most statements have none.
    let services = || {
        held_by
            .services
            .iter()
            .map(|s| format!("`{s}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    for s in &cx.policy.statements {
        for member in [s.action, s.not_action].into_iter().flatten() {
            for action in s.strings_of(member).iter() {
                let Some((service, _)) = action.value.split_once(':') else {
                    continue;
                };
                if service.contains(['*', '?', '$']) || belongs(service) {
                    continue;
                }
                out.push(
                    Diagnostic::new(
                        Code::C021,
                        action.span,
                        format!(
                            "`{}` is not an action of {}: only {} actions apply to it",
                            action.value,
                            held_by.article_name,
                            services()
                        ),
                    )
                    .at(format!("{}/{}", s.pointer, member.key)),
                );
            }
        }
        // A key of another service is never in a request to this resource: a positive test
        // of it never matches, a negated one always does. AWS saves the policy: a warning.
        for entry in s.conditions() {
            let Some((service, _)) = entry.key.value.split_once(':') else {
                continue;
            };
            if service.eq_ignore_ascii_case("aws")
                || service.contains(['*', '?', '$'])
                || belongs(service)
            {
                continue;
            }
            out.push(
                Diagnostic::new(
                    Code::C021,
                    entry.key.span,
                    format!("`{}` is a condition key of `{service}`, never present in a request to {}: only `aws:` and {} keys are", entry.key.value, held_by.article_name, services()),
                )
                .severity(Severity::Warning)
                .help("remove the condition, or move it to a policy of the service whose key it is")
                .at(entry.pointer(&s.pointer)),
            );
        }
        for member in [s.resource, s.not_resource].into_iter().flatten() {
            for resource in s.strings_of(member).iter() {
                let Ok(arn) = crate::policy::arn::split(resource.value) else {
                    continue;
                };
                let service = arn.service.text;
                if service.is_empty() || service.contains(['*', '?', '$']) || belongs(service) {
                    continue;
                }
                out.push(
                    Diagnostic::new(
                        Code::C021,
                        resource.sub_span(arn.service.range.0..arn.service.range.1),
                        format!("`{}` is a resource of `{service}`, which {} cannot govern: only {} resources", resource.value, held_by.article_name, services()),
                    )
                    .at(format!("{}/{}", s.pointer, member.key)),
                );
            }
        }
    }
}
