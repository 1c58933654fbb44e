//! Looks the names a statement uses up in the AWS catalog: action patterns and condition
//! keys. The C and N rules share it so that every rule resolves a name the same way.

use crate::catalog::{global_condition_key, Action, Catalog, ConditionType, Service};
use crate::pattern::Wildcard;
use crate::policy::{Statement, Str};
use std::collections::HashMap;
use std::ops::Range;
use std::sync::{Arc, Mutex};

/// An action string split at its first colon: `kms:Decrypt` → `kms`, `Decrypt`.
#[derive(Clone, Copy, Debug)]
pub struct ActionName<'a> {
    pub text: Str<'a>,
    pub service: &'a str,
    pub name: &'a str,
}

impl<'a> ActionName<'a> {
    /// `None` for `*` and for strings without a service prefix.
    pub fn parse(text: Str<'a>) -> Option<Self> {
        let (service, name) = text.value.split_once(':')?;
        Some(ActionName {
            text,
            service,
            name,
        })
    }

    pub fn service_range(&self) -> Range<usize> {
        0..self.service.len()
    }

    pub fn name_range(&self) -> Range<usize> {
        self.service.len() + 1..self.text.value.len()
    }

    pub fn is_wildcard(&self) -> bool {
        self.text.value.contains(['*', '?'])
    }

    /// `svc:*`: every action of one service (A002's finding, not an expansion to list).
    pub fn is_service_wide(&self) -> bool {
        self.name == "*" && !self.service.contains(['*', '?'])
    }
}

/// What an action string names in the catalog.
pub enum Resolved<'c> {
    /// `*`: every action of every service.
    Everything,
    /// No `service:` prefix: another rule's business.
    Malformed,
    /// A service prefix without wildcards that the catalog does not know.
    UnknownService,
    /// The matching actions; empty for an unknown action or a wildcard that matches nothing.
    Actions(Vec<(&'c Service, &'c Action)>),
}

/// Action patterns resolved once per run: every rule and every document look up the same
/// names, and a wildcard's expansion is the costly part of a check. Matches are kept as
/// positions in the catalog (service prefix, action index), so the cache borrows nothing
/// and threads can share it.
#[derive(Default)]
pub struct Resolutions {
    seen: Mutex<HashMap<String, Arc<Found>>>,
}

impl Resolutions {
    fn get(&self, catalog: &Catalog, pattern: &str) -> Arc<Found> {
        // A poisoned lock only means another thread panicked mid-insert: the map is intact.
        let cached = self
            .seen
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(pattern)
            .cloned();
        cached.unwrap_or_else(|| {
            let found = Arc::new(find(catalog, pattern));
            self.seen
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(pattern.to_string(), Arc::clone(&found));
            found
        })
    }
}

enum Found {
    Everything,
    Malformed,
    UnknownService,
    /// Per service prefix, the indices of the matching actions.
    Actions(Vec<(String, Vec<usize>)>),
}

/// What an action pattern names, through the document's [`Resolutions`].
pub fn resolve<'c>(cx: &super::Context<'c>, pattern: &str) -> Resolved<'c> {
    let found = cx.resolutions.get(cx.catalog, pattern);
    match &*found {
        Found::Everything => Resolved::Everything,
        Found::Malformed => Resolved::Malformed,
        Found::UnknownService => Resolved::UnknownService,
        Found::Actions(groups) => Resolved::Actions(
            groups
                .iter()
                .filter_map(|(prefix, indices)| Some((cx.catalog.service(prefix)?, indices)))
                .flat_map(|(svc, indices)| {
                    indices
                        .iter()
                        .filter_map(move |&i| Some((svc, svc.actions.get(i)?)))
                })
                .collect(),
        ),
    }
}

/// Resolves a pattern to positions in the catalog, walking each service's actions once.
fn find(catalog: &Catalog, pattern: &str) -> Found {
    if pattern == "*" {
        return Found::Everything;
    }
    let Some((service, name)) = pattern.split_once(':') else {
        return Found::Malformed;
    };
    if service.is_empty() || name.is_empty() {
        return Found::Malformed;
    }
    let services: Vec<&Service> = if service.contains(['*', '?']) {
        let wanted = Wildcard::new(service);
        catalog
            .prefixes()
            .filter(|p| wanted.matches(p))
            .filter_map(|p| catalog.service(p))
            .collect()
    } else {
        match catalog.service(service) {
            Some(svc) => vec![svc],
            None => return Found::UnknownService,
        }
    };
    let wanted = Wildcard::new(name);
    let exact = !name.contains(['*', '?']);
    let groups = services
        .into_iter()
        .map(|svc| {
            let indices: Vec<usize> = if exact {
                svc.actions
                    .binary_search_by(|a| crate::pattern::cmp_ignore_case(&a.name, name))
                    .into_iter()
                    .collect()
            } else {
                svc.actions
                    .iter()
                    .enumerate()
                    .filter(|(_, a)| wanted.matches(&a.name))
                    .map(|(i, _)| i)
                    .collect()
            };
            (svc.prefix.clone(), indices)
        })
        .filter(|(_, indices)| !indices.is_empty())
        .collect();
    Found::Actions(groups)
}

/// Every action a statement's `Action` names, or `None` when one of them cannot be
/// pinned down (`*`, an unknown name, a wildcard that matches nothing): rules that need
/// the whole set then stay quiet rather than guess.
pub fn statement_actions<'c>(
    cx: &super::Context<'c>,
    statement: &Statement,
) -> Option<Vec<(&'c Service, &'c Action)>> {
    let actions = statement.actions();
    if actions.is_empty() {
        return None;
    }
    let mut out: Vec<(&Service, &Action)> = Vec::new();
    for action in actions {
        match resolve(cx, action.value) {
            Resolved::Actions(found) if !found.is_empty() => out.extend(found),
            _ => return None,
        }
    }
    // Identity, not name order: callers that print names sort what they print.
    let key = |(s, a): &(&Service, &Action)| (std::ptr::from_ref(*s), std::ptr::from_ref(*a));
    out.sort_by_key(key);
    out.dedup_by_key(|pair| key(pair));
    Some(out)
}

/// A condition key as the catalog knows it.
pub enum KeyLookup<'c> {
    Known {
        /// The catalog's spelling, template parts included (`aws:RequestTag/${TagKey}`).
        name: &'c str,
        kind: ConditionType,
        /// Further types AWS documents for the key (`aws:EpochTime` is Date and Numeric).
        also: &'c [ConditionType],
        /// Global keys apply to every action.
        global: bool,
    },
    /// A key the catalog should know but does not ([`key_suggestion`] finds the closest).
    Unknown,
    /// Keys the catalog does not describe: identity-provider keys such as
    /// `token.actions.githubusercontent.com:sub`, `saml:aud` or `accounts.google.com:sub`.
    Foreign,
}

/// Looks a condition key up as the statement uses it: a global key, a key of one of the
/// statement's services (AWS Marketplace's actions take `catalog:ChangeType`), or a key
/// of the service its prefix names.
pub fn condition_key<'c>(catalog: &'c Catalog, statement: &Statement, key: &str) -> KeyLookup<'c> {
    if let Some(global) = global_condition_key(key) {
        return KeyLookup::Known {
            name: &global.name,
            kind: global.kind,
            also: &global.also,
            global: true,
        };
    }
    for action in statement.actions() {
        let Some(prefix) = action.value.split_once(':').map(|(p, _)| p) else {
            continue;
        };
        if prefix.contains(['*', '?']) {
            continue;
        }
        if let Some(found) = catalog.service(prefix).and_then(|svc| {
            svc.condition_keys
                .iter()
                .find(|k| k.name.eq_ignore_ascii_case(key))
        }) {
            return KeyLookup::Known {
                name: &found.name,
                kind: found.kind,
                also: &[],
                global: false,
            };
        }
    }
    let Some((prefix, _)) = key.split_once(':') else {
        return KeyLookup::Unknown;
    };
    if prefix.contains(['.', '/']) || prefix.eq_ignore_ascii_case("saml") {
        return KeyLookup::Foreign;
    }
    if prefix.eq_ignore_ascii_case("aws") {
        return KeyLookup::Unknown;
    }
    let Some(service) = catalog.service(prefix) else {
        return KeyLookup::Unknown;
    };
    // AWS documents some tag keys as a literal `tag-key` instead of a template.
    let literal_tag_key = || {
        service.condition_keys.iter().find(|k| {
            k.name.strip_suffix("tag-key").is_some_and(|stem| {
                stem.ends_with('/')
                    && key.len() > stem.len()
                    && key.is_char_boundary(stem.len())
                    && key[..stem.len()].eq_ignore_ascii_case(stem)
            })
        })
    };
    match service.condition_key(key).or_else(literal_tag_key) {
        Some(found) => KeyLookup::Known {
            name: &found.name,
            kind: found.kind,
            also: &[],
            global: false,
        },
        None => KeyLookup::Unknown,
    }
}

/// The known key closest to one that [`condition_key`] found [`KeyLookup::Unknown`]: a
/// global key for `aws:`, else a key of the service its prefix names, or the same key
/// under the closest service prefix. Edit distances are costly: only for a finding.
pub fn key_suggestion(catalog: &Catalog, key: &str) -> Option<String> {
    let (prefix, _) = key.split_once(':')?;
    if prefix.eq_ignore_ascii_case("aws") {
        let names = crate::catalog::global_condition_keys()
            .iter()
            .map(|k| k.name.as_str());
        return crate::suggest::closest(key, names).map(str::to_string);
    }
    let Some(service) = catalog.service(prefix) else {
        return catalog
            .suggest_service(prefix)
            .filter(|_| prefix.chars().count() > 1)
            .map(|s| format!("{s}:{}", &key[prefix.len() + 1..]));
    };
    crate::suggest::closest(key, service.condition_keys.iter().map(|k| k.name.as_str()))
        .map(str::to_string)
}

/// Whether an action (or one of its resource types) documents condition key `key`
/// (a catalog name, possibly a template).
pub fn action_supports_key(service: &Service, action: &Action, key: &str) -> bool {
    let same = |k: &String| k.eq_ignore_ascii_case(key);
    action.condition_keys.iter().any(same)
        || action.resource_types.iter().any(|r| {
            service
                .resource_type(&r.name)
                .is_some_and(|t| t.condition_keys.iter().any(same))
        })
}

/// `ceil`-style list for messages: the first `limit` names, then how many more.
pub fn list_names<S: AsRef<str>>(names: &[S], limit: usize) -> String {
    let shown: Vec<&str> = names.iter().take(limit).map(AsRef::as_ref).collect();
    let mut text = shown.join(", ");
    if names.len() > limit {
        text.push_str(&format!(" and {} more", names.len() - limit));
    }
    text
}

/// The ARN templates an action accepts, as `(resource type, template)`; empty when the
/// action only takes `"Resource": "*"`. `None` when the catalog names a resource type it
/// does not describe, so callers cannot be sure and stay quiet.
pub fn action_templates<'c>(
    service: &'c Service,
    action: &'c Action,
) -> Option<Vec<(&'c str, &'c str)>> {
    let mut out = Vec::new();
    for r in &action.resource_types {
        let t = service.resource_type(&r.name)?;
        out.extend(t.arns.iter().map(|arn| (t.name.as_str(), arn.as_str())));
    }
    Some(out)
}

/// Services whose ARNs AWS accepts under either name.
const ARN_ALIASES: &[(&str, &str)] = &[("codestar-connections", "codeconnections")];

/// [`resource_glob`], plus the same ARN under its service's other name, if it has one.
pub fn resource_globs(value: &str) -> Vec<String> {
    let glob = resource_glob(value);
    let mut out = vec![glob.clone()];
    for (a, b) in ARN_ALIASES {
        for (from, to) in [(a, b), (b, a)] {
            let needle = format!(":{from}:");
            if let Some(at) = glob.find(&needle) {
                out.push(format!(
                    "{}:{to}:{}",
                    &glob[..at],
                    &glob[at + needle.len()..]
                ));
            }
        }
    }
    out
}

/// A resource value as a wildcard pattern: placeholders (`ACCOUNT-ID`) and policy variables
/// (`${aws:username}`) become `*`, so they never cause a mismatch of their own.
pub fn resource_glob(value: &str) -> String {
    let mut holes = crate::policy::placeholder::find(value);
    let mut at = 0;
    while let Some(start) = value[at..].find("${").map(|i| i + at) {
        match value[start..].find('}') {
            Some(end) => {
                holes.push(start..start + end + 1);
                at = start + end + 1;
            }
            None => break,
        }
    }
    holes.sort_by_key(|r| r.start);
    let mut out = String::with_capacity(value.len());
    let mut last = 0;
    for hole in holes {
        if hole.start < last {
            continue;
        }
        out.push_str(&value[last..hole.start]);
        out.push('*');
        last = hole.end;
    }
    out.push_str(&value[last..]);
    out
}

/// The value type a condition operator compares as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OperatorType {
    String,
    Arn,
    Numeric,
    Date,
    Bool,
    IpAddress,
    Binary,
    /// `Null` tests whether the key is present, whatever its type.
    Null,
}

impl OperatorType {
    /// From a base operator name as [`super::p014_unknown_condition_operator::base_operator`]
    /// returns it.
    pub fn of(base: &str) -> OperatorType {
        match base {
            "Null" => OperatorType::Null,
            "Bool" => OperatorType::Bool,
            "BinaryEquals" => OperatorType::Binary,
            "IpAddress" | "NotIpAddress" => OperatorType::IpAddress,
            b if b.starts_with("Arn") => OperatorType::Arn,
            b if b.starts_with("Numeric") => OperatorType::Numeric,
            b if b.starts_with("Date") => OperatorType::Date,
            _ => OperatorType::String,
        }
    }

    /// Whether this operator compares values of a key of type `key` meaningfully. AWS
    /// lets String operators compare ARN keys too.
    pub fn fits(self, key: ConditionType) -> bool {
        match (self, key.element()) {
            (OperatorType::Null, _) => true,
            // AWS compares ARN values with String operators, and ARN operators match ARNs
            // kept in String keys (`kms:EncryptionContext:aws:...:arn`); Bool values are the
            // strings `true`/`false`.
            (
                OperatorType::String,
                ConditionType::String | ConditionType::Arn | ConditionType::Bool,
            ) => true,
            (OperatorType::Arn, ConditionType::Arn | ConditionType::String) => true,
            (OperatorType::Numeric, ConditionType::Numeric) => true,
            (OperatorType::Date, ConditionType::Date) => true,
            (OperatorType::Bool, ConditionType::Bool) => true,
            (OperatorType::IpAddress, ConditionType::IpAddress) => true,
            (OperatorType::Binary, ConditionType::Binary) => true,
            _ => false,
        }
    }

    pub fn family(self) -> &'static str {
        match self {
            OperatorType::String => "String",
            OperatorType::Arn => "ARN",
            OperatorType::Numeric => "Numeric",
            OperatorType::Date => "Date",
            OperatorType::Bool => "Bool",
            OperatorType::IpAddress => "IP address",
            OperatorType::Binary => "Binary",
            OperatorType::Null => "Null",
        }
    }
}

/// One condition operator split into its parts: `ForAllValues:StringLikeIfExists` →
/// set `ForAllValues`, base `StringLike`, `IfExists`.
pub struct Operator {
    pub set: Option<&'static str>,
    pub base: &'static str,
    pub kind: OperatorType,
}

pub fn operator(text: &str) -> Option<Operator> {
    let base = super::p014_unknown_condition_operator::base_operator(text)?;
    let lower = text.to_ascii_lowercase();
    let set = if lower.starts_with("forallvalues:") {
        Some("ForAllValues")
    } else if lower.starts_with("foranyvalue:") {
        Some("ForAnyValue")
    } else {
        None
    };
    Some(Operator {
        set,
        base,
        kind: OperatorType::of(base),
    })
}

/// The values of a condition entry: one value or a list; non-scalars are skipped (the
/// element-type rule reports them). Each as its text and span (strings without quotes).
pub fn condition_values(node: &crate::json::Node) -> Vec<(String, crate::json::Span)> {
    use crate::json::Value;
    let scalar = |n: &crate::json::Node| match &n.value {
        Value::String(s) => Some((s.clone(), Str::of_value(n)?.span)),
        Value::Number(s) => Some((s.clone(), n.span)),
        Value::Bool(b) => Some((b.to_string(), n.span)),
        _ => None,
    };
    match &node.value {
        Value::Array(items) => items.iter().filter_map(scalar).collect(),
        _ => scalar(node).into_iter().collect(),
    }
}
