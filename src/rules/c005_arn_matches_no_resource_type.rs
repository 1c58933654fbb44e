//! C005 arn-matches-no-resource-type: a `Resource` ARN that fits none of the ARN templates
//! of the statement's actions (an alias ARN for `kms:Decrypt`, a bucket ARN for
//! `s3:GetObject` alone). Such a resource never matches a request.

use super::lookup::{
    list_names, resource_globs, sort_templates, statement_actions, statement_templates,
};
use super::Context;
use crate::diagnostic::{Diagnostic, Severity};
use crate::policy::arn;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for s in &cx.policy.statements {
        let Some(resource) = s.resource else {
            continue;
        };
        let values = crate::policy::strings(&resource.value);
        // Values that are not ARNs (`*`) fit every action.
        if values.iter().all(|value| arn::split(value.value).is_err()) {
            continue;
        }
        let Some(mut templates) = statement_templates(cx, s) else {
            continue;
        };
        // Actions that take only `*` are C006's finding.
        if templates.is_empty() {
            continue;
        }
        let fits: Vec<bool> = values
            .iter()
            .map(|value| {
                arn::split(value.value).is_err()
                    || resource_globs(value.value)
                        .iter()
                        .any(|v| templates.iter().any(|t| v.intersects(&t.glob)))
            })
            .collect();
        if fits.iter().all(|f| *f) {
            continue;
        }
        sort_templates(&mut templates);
        // Another resource keeps the statement working: this one is only dead weight.
        let severity = if fits.iter().any(|f| *f) {
            Severity::Info
        } else {
            Severity::Warning
        };
        for (value, fits) in values.iter().zip(fits) {
            if fits {
                continue;
            }
            let Ok(parts) = arn::split(value.value) else {
                continue;
            };
            let service = parts.service.text;
            let same_service: Vec<String> = templates
                .iter()
                .filter(|t| arn::split(t.template).is_ok_and(|p| p.service.text == service))
                .map(|t| format!("{} `{}`", t.resource_type, t.template))
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
                        list_names(
                            &templates
                                .iter()
                                .map(|t| format!("{} `{}`", t.resource_type, t.template))
                                .collect::<Vec<_>>(),
                            3
                        )
                    ),
                )
            } else {
                (
                    value.sub_span(parts.resource.range.0..parts.resource.range.1),
                    format!("expected {}", list_names(&same_service, 4)),
                )
            };
            out.push(
                Diagnostic::new(
                    "C005",
                    span,
                    format!(
                        "`{}` matches no resource type of this statement's actions: {expected}",
                        value.value
                    ),
                )
                .severity(severity)
                .help("write the ARN in the form of one of the templates, or move it to a statement whose actions act on it")
                .at(format!("{}/Resource", s.pointer)),
            );
        }
    }
}
