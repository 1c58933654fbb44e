//! C006 action-resource-mismatch: an action whose resources are all of the wrong type for
//! it (`s3:ListBucket` with only object ARNs, `s3:ListAllMyBuckets` with a bucket ARN). The
//! statement can never match a request for that action.

use super::lookup::{
    action_templates, list_names, resolve, resource_globs, statement_actions, ActionName, Resolved,
};
use super::Context;
use crate::diagnostic::Diagnostic;
use crate::pattern::{patterns_intersect, template_to_glob};
use crate::policy::{arn, strings};

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for s in &cx.policy.statements {
        let Some(resource) = s.resource else {
            continue;
        };
        let arns = strings(&resource.value);
        if arns.is_empty() || arns.iter().any(|r| arn::split(r.value).is_err()) {
            continue;
        }
        let globs: Vec<String> = arns.iter().flat_map(|r| resource_globs(r.value)).collect();
        let arns_fit = statement_fits(cx, s, &globs);
        for value in s.actions() {
            let Some(name) = ActionName::parse(value) else {
                continue;
            };
            let Resolved::Actions(found) = resolve(cx, value.value) else {
                continue;
            };
            if found.is_empty() {
                continue;
            }
            let Some(templates) = found
                .iter()
                .map(|(svc, action)| action_templates(svc, action))
                .collect::<Option<Vec<_>>>()
            else {
                continue;
            };
            let star_only = templates.iter().all(Vec::is_empty);
            // A wildcard's actions share templates: match each distinct one once.
            let mut distinct: Vec<(&str, &str)> = templates.concat();
            distinct.sort();
            distinct.dedup();
            let applies = distinct.iter().any(|(_, template)| {
                let t = template_to_glob(template);
                globs.iter().any(|g| patterns_intersect(g, &t))
            });
            let expected: Vec<String> = distinct
                .iter()
                .map(|(type_name, template)| format!("{type_name} `{template}`"))
                .collect();
            // AWS authorizes some actions without resource types against wildcard ARNs such as
            // `arn:aws:logs:*:*:log-group:*` in practice; only concrete ARNs are sure misses.
            let concrete = arns.iter().all(|r| !r.value.contains(['*', '?']));
            if applies || (star_only && !concrete) {
                continue;
            }
            let subject = if name.is_wildcard() {
                format!("no action matched by `{}`", value.value)
            } else {
                format!("`{}`", value.value)
            };
            let message = if star_only {
                let subject = if name.is_wildcard() {
                    format!("the actions matched by `{}` have", value.value)
                } else {
                    format!("`{}` has", value.value)
                };
                format!(
                    "{subject} no resource-level permissions: only `\"Resource\": \"*\"` matches, and this statement does not list it"
                )
            } else if !arns_fit {
                // C005 reports the ARN that fits nothing; one finding per mistake.
                continue;
            } else {
                format!(
                    "{subject} acts on none of this statement's resources; it takes {}",
                    list_names(&expected, 3)
                )
            };
            out.push(
                Diagnostic::new("C006", value.span, message)
                    .help("add the resource this action acts on, or move the action to a statement with the right resources")
                    .at(format!("{}/Action", s.pointer)),
            );
        }
    }
}

/// Whether every resource fits some action of the statement (else C005 has a finding).
fn statement_fits(cx: &Context, s: &crate::policy::Statement, globs: &[String]) -> bool {
    let Some(actions) = statement_actions(cx, s) else {
        return true;
    };
    let mut templates = Vec::new();
    for (svc, action) in actions {
        match action_templates(svc, action) {
            Some(found) => templates.extend(found.into_iter().map(|(_, t)| template_to_glob(t))),
            None => return true,
        }
    }
    globs
        .iter()
        .all(|g| templates.iter().any(|t| patterns_intersect(g, t)))
}
