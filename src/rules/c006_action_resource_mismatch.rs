//! C006 action-resource-mismatch: an action whose resources are all of the wrong type for
//! it (`s3:ListBucket` with only object ARNs, `s3:ListAllMyBuckets` with a bucket ARN). The
//! statement can never match a request for that action.

use super::lookup::{
    list_names, resolve, resource_globs, statement_templates, ActionName, Resolved,
};
use super::Context;
use crate::catalog::ArnTemplate;
use crate::diagnostic::Diagnostic;
use crate::pattern::Glob;
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
        let globs: Vec<Glob> = arns.iter().flat_map(|r| resource_globs(r.value)).collect();
        // The actions of a statement share templates: match each against the globs once.
        let mut fits = Fits::new(&globs);
        let mut arns_fit = None;
        // AWS authorizes some actions without resource types against wildcard ARNs such as
        // `arn:aws:logs:*:*:log-group:*` in practice; only concrete ARNs are sure misses.
        let concrete = arns.iter().all(|r| !r.value.contains(['*', '?']));
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
            let Some(templates) = found.templates() else {
                continue;
            };
            let star_only = templates.is_empty();
            let applies = templates.iter().any(|t| fits.fits(t));
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
            } else if !*arns_fit.get_or_insert_with(|| statement_fits(cx, s, &globs)) {
                // C005 reports the ARN that fits nothing; one finding per mistake.
                continue;
            } else {
                let expected: Vec<String> = templates
                    .iter()
                    .map(|t| format!("{} `{}`", t.resource_type, t.template))
                    .collect();
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
fn statement_fits(cx: &Context, s: &crate::policy::Statement, globs: &[Glob]) -> bool {
    let Some(templates) = statement_templates(cx, s) else {
        return true;
    };
    globs
        .iter()
        .all(|g| templates.iter().any(|t| g.intersects(&t.glob)))
}

/// Whether a template matches one of a statement's resources, remembered per template.
struct Fits<'g, 'c> {
    globs: &'g [Glob],
    known: Vec<(&'c ArnTemplate, bool)>,
}

impl<'g, 'c> Fits<'g, 'c> {
    fn new(globs: &'g [Glob]) -> Self {
        Fits {
            globs,
            known: Vec::new(),
        }
    }

    fn fits(&mut self, template: &'c ArnTemplate) -> bool {
        if let Some((_, fits)) = self.known.iter().find(|(t, _)| std::ptr::eq(*t, template)) {
            return *fits;
        }
        let fits = self.globs.iter().any(|g| g.intersects(&template.glob));
        self.known.push((template, fits));
        fits
    }
}
