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
    /// The prefixes of the only services that send the key (`aws:VpceOrgID`); empty
    /// when every service does.
    #[serde(default)]
    pub services: Vec<String>,
    /// Actions of those services that do not send it (`iam:PassRole`).
    #[serde(default)]
    pub except: Vec<String>,
}

impl GlobalConditionKey {
    /// Whether AWS puts the key in the request context of this service's action, as far
    /// as the key's availability goes (the request must still carry it: a VPC endpoint).
    pub fn sent_to(&self, service: &str, action: &str) -> bool {
        if self.services.is_empty() {
            return true;
        }
        let named = |listed: &String| {
            listed.split_once(':').is_some_and(|(s, a)| {
                s.eq_ignore_ascii_case(service) && a.eq_ignore_ascii_case(action)
            })
        };
        self.services
            .iter()
            .any(|s| s.eq_ignore_ascii_case(service))
            && !self.except.iter().any(named)
    }
}

#[derive(Deserialize)]
struct File {
    key: Vec<GlobalConditionKey>,
}

pub(crate) fn parse(text: &str) -> Result<Vec<GlobalConditionKey>, String> {
    // Every run that meets a condition key loads the file: the `toml` crate's general parser
    // is most of a one-file run, so the file's plain shape is read directly, and anything
    // else in it goes to `toml` (a test holds the two equal on the embedded file).
    match read_plain(text) {
        Some(keys) => Ok(keys),
        None => parse_toml(text),
    }
}

fn parse_toml(text: &str) -> Result<Vec<GlobalConditionKey>, String> {
    toml::from_str::<File>(text)
        .map(|f| f.key)
        .map_err(|e| format!("global condition keys: {e}"))
}

/// Reads the file's own shape: comments, blank lines, `[[key]]` headers and
/// `field = "text"` or `also`, `services` and `except` lists of plain strings (no escapes), each
/// field once per key. `None` for anything else, which `toml` then reads.
fn read_plain(text: &str) -> Option<Vec<GlobalConditionKey>> {
    #[derive(Default)]
    struct Partial<'a> {
        name: Option<&'a str>,
        kind: Option<ConditionType>,
        category: Option<&'a str>,
        also: Option<Vec<ConditionType>>,
        services: Option<Vec<String>>,
        except: Option<Vec<String>>,
    }
    fn finish(p: Partial<'_>) -> Option<GlobalConditionKey> {
        Some(GlobalConditionKey {
            name: p.name?.to_string(),
            kind: p.kind?,
            category: p.category?.to_string(),
            also: p.also.unwrap_or_default(),
            services: p.services.unwrap_or_default(),
            except: p.except.unwrap_or_default(),
        })
    }
    /// Sets a field that must not be set yet.
    fn once<T>(slot: &mut Option<T>, value: T) -> Option<()> {
        slot.is_none().then(|| *slot = Some(value))
    }
    let mut keys = Vec::new();
    let mut current: Option<Partial<'_>> = None;
    for line in text.lines() {
        let line = line.trim_matches([' ', '\t', '\r']);
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line == "[[key]]" {
            if let Some(done) = current.replace(Partial::default()) {
                keys.push(finish(done)?);
            }
            continue;
        }
        let partial = current.as_mut()?;
        let (field, value) = line.split_once('=')?;
        let value = value.trim_matches([' ', '\t']);
        match field.trim_matches([' ', '\t']) {
            "name" => once(&mut partial.name, plain_string(value)?)?,
            "type" => once(
                &mut partial.kind,
                ConditionType::named(plain_string(value)?)?,
            )?,
            "category" => once(&mut partial.category, plain_string(value)?)?,
            "also" => once(
                &mut partial.also,
                plain_list(value)?
                    .into_iter()
                    .map(ConditionType::named)
                    .collect::<Option<Vec<_>>>()?,
            )?,
            "services" => once(&mut partial.services, owned(plain_list(value)?))?,
            "except" => once(&mut partial.except, owned(plain_list(value)?))?,
            _ => return None,
        }
    }
    keys.push(finish(current?)?);
    Some(keys)
}

/// `["a", "b"]` (a trailing comma allowed) of [`plain_string`]s.
fn plain_list(value: &str) -> Option<Vec<&str>> {
    let items = value.strip_prefix('[')?.strip_suffix(']')?;
    let items = items.trim_matches([' ', '\t']);
    let items = items.strip_suffix(',').unwrap_or(items);
    if items.is_empty() {
        return Some(Vec::new());
    }
    items
        .split(',')
        .map(|item| plain_string(item.trim_matches([' ', '\t'])))
        .collect()
}

fn owned(items: Vec<&str>) -> Vec<String> {
    items.into_iter().map(str::to_string).collect()
}

/// `"text"` with no escape and no quote inside: exactly its text.
fn plain_string(value: &str) -> Option<&str> {
    let inner = value.strip_prefix('"')?.strip_suffix('"')?;
    (!inner.contains(['"', '\\']) && !inner.chars().any(char::is_control)).then_some(inner)
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
    // Every condition key of every file comes through here: the few names of the key's
    // length compared ignoring case (no two names differ in case only, a test makes sure),
    // then only the few templates.
    static BY_LENGTH: OnceLock<Vec<Vec<&'static GlobalConditionKey>>> = OnceLock::new();
    static TEMPLATES: OnceLock<Vec<(&'static GlobalConditionKey, Option<&'static str>)>> =
        OnceLock::new();
    let keys = global_condition_keys();
    let by_length = BY_LENGTH.get_or_init(|| {
        let mut by_length =
            vec![Vec::new(); keys.iter().map(|k| k.name.len() + 1).max().unwrap_or(0)];
        for k in keys {
            by_length[k.name.len()].push(k);
        }
        by_length
    });
    let templates = TEMPLATES.get_or_init(|| {
        keys.iter()
            .filter(|k| pattern::is_template(&k.name))
            .map(|k| (k, head_before_last_placeholder(&k.name)))
            .collect()
    });
    by_length
        .get(key.len())
        .and_then(|same| {
            same.iter()
                .copied()
                .find(|k| k.name.eq_ignore_ascii_case(key))
        })
        .or_else(|| {
            templates
                .iter()
                .find(|(k, head)| match head {
                    // `aws:PrincipalTag/` and one character or more: no pattern needed.
                    Some(head) => {
                        key.len() > head.len()
                            && key.as_bytes()[..head.len()].eq_ignore_ascii_case(head.as_bytes())
                    }
                    None => pattern::template_match(&k.name, key),
                })
                .map(|(k, _)| *k)
        })
}

/// For a template whose only placeholder (`${Name}`) ends it, the text before that
/// placeholder: the key matches when it starts with that text and has more after it.
fn head_before_last_placeholder(name: &str) -> Option<&str> {
    let open = name.find(['$', '<'])?;
    let placeholder = name[open..].strip_prefix("${")?.strip_suffix('}')?;
    (!placeholder.is_empty() && !placeholder.contains(['}', '$', '<'])).then(|| &name[..open])
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
    fn the_plain_reader_gives_what_toml_gives_for_the_embedded_file() {
        let plain = read_plain(EMBEDDED).expect("the embedded file has the plain shape");
        assert_eq!(Ok(plain), parse_toml(EMBEDDED));
        assert!(EMBEDDED.contains("also = ["), "the test covers `also`");
        assert!(EMBEDDED.contains("services = ["), "and `services`");
        assert!(EMBEDDED.contains("except = ["), "and `except`");
    }

    #[test]
    fn the_plain_reader_leaves_anything_else_to_toml() {
        let one = "[[key]]\nname = \"aws:A\"\ntype = \"String\"\ncategory = \"request\"\n";
        assert_eq!(read_plain(one), parse_toml(one).ok());
        let escaped = one.replace("\"aws:A\"", "\"aws:\\u0041\"");
        for other in [
            escaped.clone(),
            one.replace("\"aws:A\"", "'aws:A'"),
            one.replace("\"request\"\n", "\"request\" # why\n"),
            one.replace("[[key]]", "[[ key ]]"),
            format!("{one}name = \"aws:B\"\n"),
            one.replace("name", "\"name\""),
            one.replace("category = \"request\"\n", ""),
            format!("{one}also = [\"Numeric\" , 'Date']\n"),
            String::new(),
        ] {
            assert_eq!(read_plain(&other), None, "{other}");
        }
        let also = format!("{one}also = [ \"Numeric\", \"Date\", ]\n");
        assert_eq!(read_plain(&also), parse_toml(&also).ok());
        assert_eq!(read_plain(&also).map(|k| k[0].also.len()), Some(2));
        // Escapes are toml's to read: the same key through the fallback.
        assert_eq!(parse(&escaped), parse_toml(one));
    }

    #[test]
    fn templates_match_as_the_pattern_matcher_does() {
        let templates: Vec<_> = global_condition_keys()
            .iter()
            .filter(|k| pattern::is_template(&k.name))
            .collect();
        assert!(templates.len() >= 3);
        for t in &templates {
            assert!(
                head_before_last_placeholder(&t.name).is_some(),
                "{}",
                t.name
            );
        }
        for key in [
            "aws:PrincipalTag/team",
            "AWS:principaltag/t",
            "aws:PrincipalTag/",
            "aws:PrincipalTag",
            "aws:PrincipalTag/é",
            "aws:PrincipalTagé",
            "aws:ResourceTag/${x}",
            "aws:RequestTag/a/b",
            "aws:requesttag/ ",
            "aws:NoSuchKey",
            "",
        ] {
            let expected = templates
                .iter()
                .find(|t| pattern::template_match(&t.name, key))
                .map(|t| &t.name);
            let found = global_condition_key(key)
                .filter(|k| pattern::is_template(&k.name))
                .map(|k| &k.name);
            assert_eq!(found, expected, "{key}");
        }
        assert_eq!(head_before_last_placeholder("a:${X}/b"), None);
        assert_eq!(head_before_last_placeholder("a:<x>"), None);
        assert_eq!(head_before_last_placeholder("a:${}"), None);
        assert_eq!(head_before_last_placeholder("a:${X}"), Some("a:"));
    }

    #[test]
    fn keys_sent_only_to_some_services() {
        let vpce = global_condition_key("aws:VpceOrgID").expect("aws:VpceOrgID");
        assert!(vpce.sent_to("s3", "GetObject"));
        assert!(vpce.sent_to("S3", "getobject"));
        assert!(vpce.sent_to("iam", "CreateRole"));
        assert!(!vpce.sent_to("iam", "PassRole"));
        assert!(!vpce.sent_to("ec2", "RunInstances"));
        let everywhere = global_condition_key("aws:SourceIp").expect("aws:SourceIp");
        assert!(everywhere.services.is_empty());
        assert!(everywhere.sent_to("ec2", "RunInstances"));
        for name in ["aws:SourceVpcArn", "aws:VpceAccount", "aws:VpceOrgPaths"] {
            let k = global_condition_key(name).expect(name);
            assert!(
                k.sent_to("kms", "Decrypt") && !k.sent_to("sns", "Publish"),
                "{name}"
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
