//! Global condition context keys (`aws:SourceIp`, `aws:PrincipalTag/...`),
//! curated in `rules/catalog/global-condition-keys.toml` because the upstream
//! data has no list of them.

use std::sync::OnceLock;

use serde::Deserialize;

use super::model::ConditionType;
use crate::pattern;

const EMBEDDED: &str = include_str!("../../rules/catalog/global-condition-keys.toml");

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct GlobalConditionKey {
    /// May contain a `${TagKey}` template part.
    pub name: String,
    #[serde(rename = "type")]
    pub kind: ConditionType,
    /// principal, session, network, resource or request.
    pub category: String,
    /// Further data types AWS documents for the key (aws:EpochTime is
    /// both Date and Numeric).
    #[serde(default)]
    pub also: Vec<ConditionType>,
}

#[derive(Deserialize)]
struct File {
    key: Vec<GlobalConditionKey>,
}

pub(crate) fn parse(text: &str) -> Result<Vec<GlobalConditionKey>, String> {
    toml::from_str::<File>(text)
        .map(|f| f.key)
        .map_err(|e| format!("global condition keys: {e}"))
}

/// All curated global keys. The file is compiled in and checked by a unit
/// test, so a parse failure here can only come from an untested edit; it
/// degrades to "no global keys" rather than a panic.
pub fn global_condition_keys() -> &'static [GlobalConditionKey] {
    static KEYS: OnceLock<Vec<GlobalConditionKey>> = OnceLock::new();
    KEYS.get_or_init(|| parse(EMBEDDED).unwrap_or_default())
}

/// Looks up a global key, case-insensitively; `aws:PrincipalTag/team`
/// matches the `aws:PrincipalTag/${TagKey}` entry.
pub fn global_condition_key(key: &str) -> Option<&'static GlobalConditionKey> {
    // Every condition key of every file comes through here: a binary search by name (no
    // two names differ in case only, a test makes sure), then only the few templates.
    static BY_NAME: OnceLock<Vec<&'static GlobalConditionKey>> = OnceLock::new();
    static TEMPLATES: OnceLock<Vec<&'static GlobalConditionKey>> = OnceLock::new();
    let keys = global_condition_keys();
    let by_name = BY_NAME.get_or_init(|| {
        let mut sorted: Vec<_> = keys.iter().collect();
        sorted.sort_by(|a, b| pattern::cmp_ignore_case(&a.name, &b.name));
        sorted
    });
    let templates = TEMPLATES.get_or_init(|| {
        keys.iter()
            .filter(|k| pattern::is_template(&k.name))
            .collect()
    });
    by_name
        .binary_search_by(|k| pattern::cmp_ignore_case(&k.name, key))
        .ok()
        .map(|i| by_name[i])
        .or_else(|| {
            templates
                .iter()
                .copied()
                .find(|k| pattern::template_match(&k.name, key))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_file_parses_without_duplicates() {
        let keys = parse(EMBEDDED).expect("embedded global keys parse");
        assert!(keys.len() > 40, "only {} keys", keys.len());
        let mut names: Vec<String> = keys.iter().map(|k| k.name.to_ascii_lowercase()).collect();
        names.sort();
        let before = names.len();
        names.dedup();
        assert_eq!(before, names.len(), "duplicate global key");
        for k in &keys {
            assert!(
                ["principal", "session", "network", "resource", "request"]
                    .contains(&k.category.as_str()),
                "{} has category {}",
                k.name,
                k.category
            );
        }
    }

    #[test]
    fn lookups() {
        let k = global_condition_key("AWS:sourceip").expect("aws:SourceIp");
        assert_eq!(k.kind, ConditionType::IpAddress);
        let k = global_condition_key("aws:PrincipalTag/team").expect("template");
        assert_eq!(k.name, "aws:PrincipalTag/${TagKey}");
        assert_eq!(
            global_condition_key("aws:PrincipalOrgPaths").map(|k| k.kind),
            Some(ConditionType::ArrayOfString)
        );
        assert!(global_condition_key("aws:NoSuchKey").is_none());
        assert!(global_condition_key("aws:PrincipalTag/").is_none());
    }

    #[test]
    fn every_key_is_found_by_its_name_in_any_case() {
        for k in global_condition_keys() {
            for name in [
                k.name.clone(),
                k.name.to_ascii_uppercase(),
                k.name.to_ascii_lowercase(),
            ] {
                let found = global_condition_key(&name).map(|f| &f.name);
                assert_eq!(found, Some(&k.name), "looking up {name}");
            }
        }
    }
}
