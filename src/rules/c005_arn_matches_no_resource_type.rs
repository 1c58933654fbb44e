//! C005 arn-matches-no-resource-type: a `Resource` ARN that fits none of the ARN templates
//! of the statement's actions (an alias ARN for `kms:Decrypt`, a bucket ARN for
//! `s3:GetObject` alone). Such a resource never matches a request.

use super::lookup::{list_first, list_names, sort_templates, statement_actions};
use super::{resources, Context};
use crate::catalog::ArnTemplate;
use crate::code::Code;
use crate::diagnostic::{Diagnostic, Severity};

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for s in &cx.policy.statements {
        let Some(resources) = resources::of(cx, s) else {
            continue;
        };
        let values = resources.values();
        // Values that are not ARNs (`*`) fit every action.
        if (0..values.len()).all(|i| !resources.is_arn(i)) {
            continue;
        }
        let Some(templates) = resources.statement_templates(cx) else {
            continue;
        };
        // Actions that take only `*` are C006's finding.
        if templates.len() == 0 {
            continue;
        }
        // Each answer is kept: asking again below costs nothing.
        let fits = |i: usize| resources.value_fits(cx, i);
        if (0..values.len()).all(fits) {
            continue;
        }
        let mut templates: Vec<_> = templates.collect();
        sort_templates(&mut templates);
        // Another resource keeps the statement working: this one is only dead weight.
        let severity = if (0..values.len()).any(fits) {
            Severity::Info
        } else {
            Severity::Warning
        };
        for (i, value) in values.iter().enumerate() {
            if fits(i) {
                continue;
            }
            let Some(parts) = resources.arn(i) else {
                continue;
            };
            let service = parts.service.text;
            // Only the templates a message shows are written out.
            let same_service: Vec<_> = templates
                .iter()
                .filter(|t| t.service() == Some(service))
                .collect();
            let (span, expected) = if same_service.is_empty() {
                let mut services: Vec<String> = statement_actions(cx, s)
                    .unwrap_or_default()
                    .iter()
                    .map(|(s, _)| s.prefix.to_string())
                    .collect();
                services.sort();
                services.dedup();
                (
                    value.sub_span(parts.service.range.0..parts.service.range.1),
                    format!(
                        "the statement's actions are {} actions, whose resources look like {}",
                        list_names(&services, 4),
                        list_first(templates.iter().map(|t| written(t)), templates.len(), 3)
                    ),
                )
            } else {
                (
                    value.sub_span(parts.resource.range.0..parts.resource.range.1),
                    [
                        "expected ",
                        &list_first(
                            same_service.iter().map(|t| written(t)),
                            same_service.len(),
                            4,
                        ),
                    ]
                    .concat(),
                )
            };
            out.push(
                Diagnostic::new(
                    Code::C005,
                    span,
                    [
                        "`",
                        value.value,
                        "` matches no resource type of this statement's actions: ",
                        &expected,
                    ]
                    .concat(),
                )
                .severity(severity)
                .help("write the ARN in the form of one of the templates, or move it to a statement whose actions act on it")
                .at([s.pointer.as_str(), "/Resource"].concat()),
            );
        }
    }
}

/// A template as messages list it: "bucket `arn:${Partition}:s3:::${BucketName}`".
fn written(t: &ArnTemplate) -> String {
    [t.resource_type, " `", t.template, "`"].concat()
}
