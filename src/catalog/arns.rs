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
    /// Whether the Region and the account field of every format of the service's own
    /// resource types is filled (`Some(true)`), of none (`Some(false)`), or they disagree.
    own_fields: [Option<bool>; 2],
    /// The service's own formats: the resource part as a pattern (`accesspoint/*`), and
    /// whether the Region and the account field are filled.
    own: Vec<(String, [bool; 2])>,
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
        let own_list = own_formats(service.prefix, templates.iter().map(|t| t.template));
        let own_fields = [fields_filled(&own_list, 3), fields_filled(&own_list, 4)];
        let own = own_list
            .iter()
            .filter_map(|f| {
                let fields: Vec<&str> = f.splitn(6, ':').collect();
                let resource = parts_to_star(fields.get(5)?);
                Some((resource, [!fields[3].is_empty(), !fields[4].is_empty()]))
            })
            .collect();
        ServiceArns {
            templates,
            ranges,
            accepted,
            own_fields,
            own,
        }
    }

    /// Like [`ServiceArns::own_fields`], for the formats whose resource part matches
    /// `resource` (an ARN's text after its fifth colon); `None` when none does.
    pub fn fields_for_resource(&self, resource: &str) -> Option<[Option<bool>; 2]> {
        let mut fitting = self
            .own
            .iter()
            .filter(|(pattern, _)| crate::pattern::pattern_covers(pattern, resource, false))
            .peekable();
        fitting.peek()?;
        let (mut all, mut none) = ([true; 2], [true; 2]);
        for (_, filled) in fitting {
            for i in 0..2 {
                all[i] &= filled[i];
                none[i] &= !filled[i];
            }
        }
        let verdict = |i: usize| match (all[i], none[i]) {
            (true, _) => Some(true),
            (_, true) => Some(false),
            _ => None,
        };
        Some([verdict(0), verdict(1)])
    }

    /// For the formats of the service's own resource types: whether every one has a Region
    /// and an account field (`Some(true)`), none has (`Some(false)`), or they disagree.
    pub fn own_fields(&self) -> [Option<bool>; 2] {
        self.own_fields
    }

    /// The templates the action at `action` (its position in [`Service::actions`]) accepts,
    /// as positions in `templates`, by resource type name then template, without repeats;
    /// empty when it only takes `"Resource": "*"`.
    pub fn accepted(&self, action: usize) -> Option<&[u32]> {
        let (start, end) = (*self.ranges.get(action)?)?;
        self.accepted.get(start as usize..end as usize)
    }
}

/// The formats of a service's own resource types: a service's list also holds other
/// services' types it acts on (SSM's `bucket`, `iam-role`).
fn own_formats<'t>(prefix: &str, formats: impl Iterator<Item = &'t str>) -> Vec<&'t str> {
    formats
        .filter(|f| f.split(':').nth(2) == Some(prefix))
        .collect()
}

/// A format's resource part with each `${Part}` as `*` (`accesspoint/${AccessPointName}` ->
/// `accesspoint/*`), for `pattern_covers`.
fn parts_to_star(resource: &str) -> String {
    let mut out = String::with_capacity(resource.len());
    let mut rest = resource;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        match rest[start..].find('}') {
            Some(end) => {
                out.push('*');
                rest = &rest[start + end + 1..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// Whether field `index` (3: Region, 4: account) of every format is filled (`Some(true)`),
/// of none (`Some(false)`), or they disagree (`None`, also for no formats).
fn fields_filled(formats: &[&str], index: usize) -> Option<bool> {
    let empty = formats
        .iter()
        .filter(|f| f.split(':').nth(index).is_some_and(str::is_empty))
        .count();
    match empty {
        _ if formats.is_empty() => None,
        0 => Some(true),
        n if n == formats.len() => Some(false),
        _ => None,
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
