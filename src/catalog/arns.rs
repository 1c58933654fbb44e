//! A service's ARN templates compiled once for matching against policy resources, and which
//! of them each action accepts. Built the first time a rule asks for the service, then
//! shared by every file of the run.

use super::Service;
use crate::pattern::{template_to_glob, Glob};

/// One ARN form of a resource type.
pub struct ArnTemplate {
    /// The resource type's name (`bucket`, `object`).
    pub resource_type: &'static str,
    /// As the catalog writes it (`arn:${Partition}:s3:::${BucketName}`).
    pub template: &'static str,
    /// [`template_to_glob`] of the template.
    pub glob: Glob,
}

pub struct ServiceArns {
    pub templates: Vec<ArnTemplate>,
    /// Per action, in the order of [`Service::actions`]: where its templates are in
    /// `accepted`, or `None` when the catalog names a resource type it does not describe.
    ranges: Vec<Option<(u32, u32)>>,
    /// Every action's templates, as positions in `templates`, one action after another.
    accepted: Vec<u32>,
}

impl ServiceArns {
    pub fn build(service: &Service) -> ServiceArns {
        let mut templates = Vec::new();
        // Per resource type, where its templates start and end in `templates`.
        let mut by_type = Vec::with_capacity(service.resource_types.len());
        for t in &service.resource_types {
            let start = templates.len();
            templates.extend(t.arns.iter().map(|arn| ArnTemplate {
                resource_type: t.name,
                template: arn,
                glob: Glob::new(&template_to_glob(arn)),
            }));
            by_type.push(start..templates.len());
        }
        let text = |&i: &u32| {
            let t = &templates[i as usize];
            (t.resource_type, t.template)
        };
        let mut accepted = Vec::new();
        let ranges = service
            .actions
            .iter()
            .map(|action| {
                let start = accepted.len();
                for r in &action.resource_types {
                    // The first type of that name, as `Service::resource_type` finds it.
                    let Some(at) = service
                        .resource_types
                        .iter()
                        .position(|t| t.name.eq_ignore_ascii_case(r.name))
                    else {
                        accepted.truncate(start);
                        return None;
                    };
                    accepted.extend(by_type[at].clone().map(|i| i as u32));
                }
                // In the order messages list them, without repeats: most rules ask about
                // one action, whose templates then need no sorting.
                let mine = &mut accepted[start..];
                mine.sort_by(|a, b| text(a).cmp(&text(b)));
                let kept = dedup_by_text(mine, text);
                accepted.truncate(start + kept);
                Some((
                    u32::try_from(start).ok()?,
                    u32::try_from(accepted.len()).ok()?,
                ))
            })
            .collect();
        ServiceArns {
            templates,
            ranges,
            accepted,
        }
    }

    /// The templates the action at `action` (its position in [`Service::actions`]) accepts,
    /// as positions in `templates`, by resource type name then template, without repeats;
    /// empty when it only takes `"Resource": "*"`.
    pub fn accepted(&self, action: usize) -> Option<&[u32]> {
        let (start, end) = (*self.ranges.get(action)?)?;
        self.accepted.get(start as usize..end as usize)
    }
}

/// Moves the first of each run of equal texts to the front of a sorted slice; how many.
fn dedup_by_text<'t>(items: &mut [u32], text: impl Fn(&u32) -> (&'t str, &'t str)) -> usize {
    let mut kept = 0;
    for i in 0..items.len() {
        if kept == 0 || text(&items[kept - 1]) != text(&items[i]) {
            items[kept] = items[i];
            kept += 1;
        }
    }
    kept
}
