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
    /// Per action, in the order of [`Service::actions`]: positions in `templates`, in the
    /// action's resource type order. `None` when the catalog names a resource type it does
    /// not describe.
    accepted: Vec<Option<Box<[u32]>>>,
}

impl ServiceArns {
    pub fn build(service: &Service) -> ServiceArns {
        let mut templates = Vec::new();
        // Per resource type, where its templates start and end in `templates`.
        let mut ranges = Vec::with_capacity(service.resource_types.len());
        for t in &service.resource_types {
            let start = templates.len();
            templates.extend(t.arns.iter().map(|arn| ArnTemplate {
                resource_type: t.name,
                template: arn,
                glob: Glob::new(&template_to_glob(arn)),
            }));
            ranges.push(start..templates.len());
        }
        let accepted = service
            .actions
            .iter()
            .map(|action| {
                let mut positions = Vec::new();
                for r in &action.resource_types {
                    // The first type of that name, as `Service::resource_type` finds it.
                    let at = service
                        .resource_types
                        .iter()
                        .position(|t| t.name.eq_ignore_ascii_case(r.name))?;
                    positions.extend(ranges[at].clone().map(|i| i as u32));
                }
                Some(positions.into_boxed_slice())
            })
            .collect();
        ServiceArns {
            templates,
            accepted,
        }
    }

    /// The templates the action at `action` (its position in [`Service::actions`]) accepts,
    /// as positions in `templates`; empty when it only takes `"Resource": "*"`.
    pub fn accepted(&self, action: usize) -> Option<&[u32]> {
        self.accepted.get(action)?.as_deref()
    }
}
