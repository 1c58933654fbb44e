//! A service's ARN templates compiled once for matching against policy resources, and which
//! of them each action accepts. Built the first time a rule asks for the service, then
//! shared by every file of the run.

use super::Service;
use crate::pattern::{cmp_ignore_case, template_to_glob, Glob};
use rustc_hash::FxHashMap;
use std::sync::OnceLock;

/// One ARN form of a resource type.
pub struct ArnTemplate {
    /// The resource type's name (`bucket`, `object`).
    pub resource_type: &'static str,
    /// As the catalog writes it (`arn:${Partition}:s3:::${BucketName}`).
    pub template: &'static str,
    /// [`template_to_glob`] of the template.
    pub glob: Glob,
    /// Its service and resource part (`s3`, `${BucketName}`), split once; `None` for a
    /// template that is not an ARN.
    fields: Option<(&'static str, &'static str)>,
}

impl ArnTemplate {
    /// The service field (`s3`), as `policy::arn::split` reads it.
    pub fn service(&self) -> Option<&'static str> {
        self.fields.map(|(service, _)| service)
    }

    /// The resource part, after the fifth colon (`${BucketName}/${ObjectName}`), as
    /// `policy::arn::split` reads it.
    pub fn resource(&self) -> Option<&'static str> {
        self.fields.map(|(_, resource)| resource)
    }
}

/// The service and resource fields of a template, split as `policy::arn::split` splits an
/// ARN (the catalog cannot use it: `policy` looks names up in the catalog): after `arn:`,
/// the first five colons outside `${...}` and `%{...}` parts end the fields.
fn split_fields(template: &'static str) -> Option<(&'static str, &'static str)> {
    if !template.starts_with("arn:") {
        return None;
    }
    let ends = crate::bytes::arn_field_ends(template.as_bytes())?;
    Some((&template[ends[1] + 1..ends[2]], &template[ends[4] + 1..]))
}

pub struct ServiceArns {
    pub templates: Vec<ArnTemplate>,
    /// Per action, in the order of [`Service::actions`]: where its templates are in
    /// `accepted`, or `None` when the catalog names a resource type it does not describe.
    ranges: Vec<Option<(u32, u32)>>,
    /// Every action's templates, as positions in `templates`, one action after another.
    accepted: Vec<u32>,
    /// The service's prefix (`s3`), which its own formats name.
    prefix: &'static str,
    /// Read from the templates when first asked for (only P015 asks, of the services its
    /// ARNs name; the rules look many more services up for their actions).
    own: OnceLock<OwnFormats>,
}

/// What the formats of a service's own resource types hold.
struct OwnFormats {
    /// Whether the Region and the account field of every format is filled (`Some(true)`),
    /// of none (`Some(false)`), or they disagree.
    fields: [Option<bool>; 2],
    /// Each format, with whether its Region and account field are filled: first those
    /// whose resource part starts with a wildcard (or is empty), then the others by their
    /// first byte, which a resource they match starts with too. A resource is tried
    /// against those of its first byte only (a service may have a hundred formats).
    formats: Vec<(ResourcePattern, [bool; 2])>,
    /// How many formats come first, starting with a wildcard.
    open: usize,
}

/// A format's resource part as a pattern (`accesspoint/*`), with its literal ends found
/// once: P015 tests every literal ARN of a service against each of its formats, and the
/// ends tell most of them apart.
struct ResourcePattern {
    pattern: String,
    /// The literal text before the first wildcard and after the last (the whole pattern,
    /// and nothing, when it has none).
    head: usize,
    tail: usize,
    /// Whether it holds a wildcard, and whether its wildcards are all `*` (no `?`): then
    /// the literal runs between them, found in order, decide.
    wildcard: bool,
    stars_only: bool,
}

/// Beyond this length a resource is left to `pattern_covers`, which bounds its own work.
const SHORT: usize = 4096;

impl ResourcePattern {
    fn new(pattern: String) -> ResourcePattern {
        let bytes = pattern.as_bytes();
        let first = memchr::memchr2(b'*', b'?', bytes);
        let last = memchr::memrchr2(b'*', b'?', bytes);
        let (head, tail) = match (first, last) {
            (Some(first), Some(last)) => (first, bytes.len() - last - 1),
            _ => (bytes.len(), 0),
        };
        ResourcePattern {
            head,
            tail,
            wildcard: first.is_some(),
            stars_only: !bytes.contains(&b'?'),
            pattern,
        }
    }

    /// The byte every resource it covers starts with, when it starts with a literal.
    fn first_byte(&self) -> Option<u8> {
        (self.head > 0).then(|| self.pattern.as_bytes().first().copied())?
    }

    /// `pattern_covers(pattern, resource, false)`: the literal ends first.
    fn covers(&self, resource: &str) -> bool {
        let (p, r) = (self.pattern.as_bytes(), resource.as_bytes());
        if !self.wildcard {
            return p == r;
        }
        let ends_fit = self.head + self.tail <= r.len()
            && r.starts_with(&p[..self.head])
            && r.ends_with(&p[p.len() - self.tail..]);
        if !ends_fit {
            return false;
        }
        if !self.stars_only || r.len() > SHORT {
            return crate::pattern::pattern_covers(&self.pattern, resource, false);
        }
        // Each `*` takes any run, wildcards included, and a literal byte matches only
        // itself: the runs between the stars, each found as early as it can be, decide.
        let mut rest = &r[self.head..r.len() - self.tail];
        for run in p[self.head..p.len() - self.tail]
            .split(|&b| b == b'*')
            .filter(|run| !run.is_empty())
        {
            // A one-byte run (the `/` of `*/*`) needs no substring searcher, which takes
            // longer to build than this search takes.
            let found = match run {
                [byte] => memchr::memchr(*byte, rest),
                _ => memchr::memmem::find(rest, run),
            };
            match found {
                Some(at) => rest = &rest[at + run.len()..],
                None => return false,
            }
        }
        true
    }
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
                fields: split_fields(arn),
            }));
            by_type.push(start..templates.len());
        }
        // The types by name, ignoring case, each name with its first type: an action names
        // its types, and a service may have hundreds of actions and of types.
        let mut by_name: Vec<(&str, usize)> = service
            .resource_types
            .iter()
            .enumerate()
            .map(|(i, t)| (t.name, i))
            .collect();
        // Stable: of equal names, the first type comes first.
        by_name.sort_by(|a, b| cmp_ignore_case(a.0, b.0));
        let type_named_ignoring_case = |name: &str| {
            let at = by_name.partition_point(|(other, _)| cmp_ignore_case(other, name).is_lt());
            by_name
                .get(at)
                .filter(|(other, _)| other.eq_ignore_ascii_case(name))
                .map(|&(_, i)| i)
        };
        // Most actions spell a type's name as the type does: those names are found by hash.
        let mut exact: FxHashMap<&str, usize> = FxHashMap::default();
        for t in &service.resource_types {
            if let Some(at) = type_named_ignoring_case(t.name) {
                exact.entry(t.name).or_insert(at);
            }
        }
        let type_named =
            |name: &str| (exact.get(name).copied()).or_else(|| type_named_ignoring_case(name));
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
                for r in action.resource_types {
                    // The first type of that name, as `Service::resource_type` finds it.
                    let Some(at) = type_named(r.name) else {
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
            prefix: service.prefix,
            own: OnceLock::new(),
        }
    }

    fn own(&self) -> &OwnFormats {
        self.own.get_or_init(|| {
            let own_list = own_formats(self.prefix, self.templates.iter().map(|t| t.template));
            let fields = [fields_filled(&own_list, 3), fields_filled(&own_list, 4)];
            let mut formats: Vec<_> = own_list
                .iter()
                .filter_map(|f| {
                    let fields: Vec<&str> = f.splitn(6, ':').collect();
                    let resource = ResourcePattern::new(parts_to_star(fields.get(5)?));
                    Some((resource, [!fields[3].is_empty(), !fields[4].is_empty()]))
                })
                .collect();
            // `None` (a wildcard first) sorts before every byte.
            formats.sort_by_key(|(pattern, _)| pattern.first_byte());
            let open = formats.partition_point(|(pattern, _)| pattern.first_byte().is_none());
            OwnFormats {
                fields,
                formats,
                open,
            }
        })
    }

    /// Like [`ServiceArns::own_fields`], for the formats whose resource part matches
    /// `resource` (an ARN's text after its fifth colon); `None` when none does.
    pub fn fields_for_resource(&self, resource: &str) -> Option<[Option<bool>; 2]> {
        let own = self.own();
        let (open, led) = own.formats.split_at(own.open);
        // The formats that start with the resource's first byte.
        let first = resource.as_bytes().first().copied();
        let from = led.partition_point(|(pattern, _)| pattern.first_byte() < first);
        let to = led.partition_point(|(pattern, _)| pattern.first_byte() <= first);
        let same_first = first.map_or(&[][..], |_| &led[from..to]);
        let mut fitting = open
            .iter()
            .chain(same_first)
            .filter(|(pattern, _)| pattern.covers(resource))
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
        self.own().fields
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
    while let Some(start) = crate::pattern::find_part_start(rest) {
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

#[cfg(test)]
mod tests {
    use super::{split_fields, ResourcePattern};

    #[test]
    fn fields_end_at_colons_outside_template_parts() {
        let cases = [
            (
                "arn:${Partition}:s3:::${BucketName}",
                Some(("s3", "${BucketName}")),
            ),
            ("arn:${A:b}:svc:r:a:res:x", Some(("svc", "res:x"))),
            ("arn:aws:svc:r:${Account:Id}:res", Some(("svc", "res"))),
            // An opening that never closes holds nothing: its colons count.
            ("arn:${x:svc:r:a:b:c", Some(("svc", "b:c"))),
            ("arn:aws:svc:r", None),
            ("urn:aws:svc:r:a:b", None),
        ];
        for (template, fields) in cases {
            assert_eq!(split_fields(template), fields, "{template}");
        }
    }

    use crate::pattern::pattern_covers;

    #[test]
    fn literal_ends_agree_with_the_full_comparison() {
        let patterns = [
            "*",
            "*/*",
            "accesspoint/*",
            "job/*",
            "key/*",
            "a?c",
            "x*y*z",
            "bucket",
            "",
            "storage-lens/*",
            "*/object",
        ];
        let resources = [
            "",
            "my-bucket",
            "my-bucket/key",
            "accesspoint/ap",
            "accesspoint/",
            "accesspoint",
            "job/*",
            "key/?",
            "abc",
            "a*c",
            "xyz",
            "xaybz",
            "x*y*z",
            "bucket",
            "buckets",
            "a/object",
            "storage-lens/x/y",
            "*",
        ];
        for p in patterns {
            let compiled = ResourcePattern::new(p.to_string());
            for r in resources {
                assert_eq!(compiled.covers(r), pattern_covers(p, r, false), "{p} {r}");
            }
        }
    }
}
