//! Terraform plan and state JSON (`terraform show -json`): each policy attribute of each
//! resource once, by address. A plan holds a resource up to four times (`planned_values`,
//! `resource_changes[].change.after`, `prior_state`, `configuration`); the planned value is
//! the one checked, the change's `after` where the plan has no planned values, a state's
//! `values` for `terraform show -json` of a state. `prior_state` is what is deployed now,
//! not what the plan makes, and is not checked.
//!
//! A policy attribute is a JSON string holding JSON. Its escapes are mapped back, so every
//! span is the token inside the string on its line; a string without escapes of its own is
//! exact to the column. A policy that is known only after apply (`after_unknown`) is said to
//! be unchecked, at information level.

use crate::diagnostic::Diagnostic;
use crate::json::{self, Member, Node, Span, Value};
use crate::source::extract::{Body, Consumer, Container, Document};
use crate::source::slots;
use crate::source::terraform::NOT_CHECKED;
use crate::source::terraform::{slot_kind, template_error};
use std::borrow::Cow;

pub struct Read<'a> {
    pub documents: Vec<Document<'a>>,
    pub notes: Vec<Diagnostic>,
}

/// Whether a JSON value is the output of `terraform show -json` (a plan or a state).
pub fn is_plan(root: &Node) -> bool {
    root.get("format_version").is_some()
        && (root.get("terraform_version").is_some()
            || root.get("planned_values").is_some()
            || root.get("resource_changes").is_some())
        && root.get("Statement").is_none()
}

/// Reads the policies of a plan or state: `root` was parsed from `text[offset..]`.
pub fn read<'a>(text: &'a str, root: &Node<'_>, offset: usize) -> Read<'a> {
    let mut out = Read {
        documents: Vec::new(),
        notes: Vec::new(),
    };
    let mut seen: Vec<(String, String)> = Vec::new();
    let mut resources: Vec<Resource> = Vec::new();
    if let Some(planned) = root.get("planned_values") {
        module_resources(&planned.value, &mut resources, 0);
    }
    if let Some(Value::Array(changes)) = root.get("resource_changes").map(|m| &m.value.value) {
        for change in changes {
            resource_change(change, &mut resources, &mut out.notes, offset);
        }
    }
    if let Some(values) = root.get("values") {
        module_resources(&values.value, &mut resources, 0);
    }
    for resource in resources {
        for slot in slots::TERRAFORM {
            if slot.resource_type != resource.kind {
                continue;
            }
            let attribute = slot.path.join(".");
            if seen.contains(&(resource.address.to_string(), attribute.clone())) {
                continue;
            }
            let organizations_type = resource.values.get("type").and_then(|m| m.value.as_str());
            let Some(kind) = slot_kind(resource.kind, slot.path, organizations_type) else {
                continue;
            };
            let mut found = false;
            for (pointer, node) in slot_values(resource.values, slot.path) {
                let Some(policy) = node.as_str() else {
                    continue;
                };
                if policy.trim().is_empty() {
                    continue;
                }
                found = true;
                let consumer = Consumer {
                    kind,
                    reason: format!("terraform plan: {}.{attribute}", resource.kind),
                    resource_type: Some(resource.kind.to_string()),
                    address: resource.address.to_string(),
                    pointer: format!("{}/{pointer}", resource.pointer),
                    bare_statements: false,
                    readers: Vec::new(),
                    // Plan JSON has no comments to suppress findings with.
                    resource: Span::default(),
                };
                match embedded(text, node.span.shift(offset), policy) {
                    Ok(root) => out.documents.push(Document {
                        body: Body::Tree(root),
                        offset: 0,
                        container: Container::Template,
                        consumer: Some(consumer),
                        facts: None,
                    }),
                    Err(error) => out.notes.push(template_error(error, &[])),
                }
            }
            if found {
                seen.push((resource.address.to_string(), attribute));
            }
        }
    }
    out
}

/// One copy of a resource's values in the plan.
struct Resource<'n, 't> {
    address: &'n str,
    kind: &'n str,
    values: &'n Node<'t>,
    /// Where the values sit below the resource (`/values`, `/change/after`): with the address,
    /// it names the document whatever the resource's place in the plan.
    pointer: String,
}

/// The managed resources of a `root_module` and its `child_modules`.
fn module_resources<'n, 't>(values: &'n Node<'t>, out: &mut Vec<Resource<'n, 't>>, depth: usize) {
    let Some(root) = values.get("root_module") else {
        return;
    };
    module(&root.value, out, depth);
}

fn module<'n, 't>(module_node: &'n Node<'t>, out: &mut Vec<Resource<'n, 't>>, depth: usize) {
    // Modules nest as deep as the configuration does; the JSON parser bounds it anyway.
    if depth > 64 {
        return;
    }
    if let Some(Value::Array(resources)) = module_node.get("resources").map(|m| &m.value.value) {
        for resource in resources {
            let field = |key| resource.get(key).and_then(|m| m.value.as_str());
            if field("mode") == Some("data") {
                // A data source's rendered policy is checked where a resource consumes it.
                continue;
            }
            let (Some(address), Some(kind), Some(values)) =
                (field("address"), field("type"), resource.get("values"))
            else {
                continue;
            };
            out.push(Resource {
                address,
                kind,
                values: &values.value,
                pointer: "/values".into(),
            });
        }
    }
    if let Some(Value::Array(children)) = module_node.get("child_modules").map(|m| &m.value.value) {
        for child in children {
            module(child, out, depth + 1);
        }
    }
}

fn resource_change<'n, 't>(
    change: &'n Node<'t>,
    out: &mut Vec<Resource<'n, 't>>,
    notes: &mut Vec<Diagnostic>,
    offset: usize,
) {
    let field = |key| change.get(key).and_then(|m| m.value.as_str());
    if field("mode") == Some("data") {
        return;
    }
    let (Some(address), Some(kind)) = (field("address"), field("type")) else {
        return;
    };
    let Some(inner) = change.get("change") else {
        return;
    };
    if let Some(unknown) = inner.value.get("after_unknown") {
        for slot in slots::TERRAFORM.iter().filter(|s| s.resource_type == kind) {
            let top = slot.path[0];
            let Some(flag) = unknown.value.get(top) else {
                continue;
            };
            if flag.value.value == Value::Bool(true) {
                notes.push(
                    Diagnostic::new(
                        NOT_CHECKED,
                        flag.key_span.shift(offset),
                        format!(
                            "`{address}`'s `{top}` is known only after apply: it is not checked in this plan"
                        ),
                    )
                    .help("check the configuration that renders it, or the state after apply"),
                );
            }
        }
    }
    if let Some(after) = inner.value.get("after") {
        if after.value.members().is_some() {
            out.push(Resource {
                address,
                kind,
                values: &after.value,
                pointer: "/change/after".into(),
            });
        }
    }
}

/// The nodes an attribute names in a resource's values: `["policy"]`, or
/// `["inline_policy", "*", "policy"]` in each `inline_policy` block; with their pointer below
/// the values.
fn slot_values<'n, 't>(values: &'n Node<'t>, path: &[&str]) -> Vec<(String, &'n Node<'t>)> {
    match path {
        [attribute] => values
            .get(attribute)
            .map(|m| (attribute.to_string(), &m.value))
            .into_iter()
            .collect(),
        [block, "*", inner] => match values.get(block).map(|m| &m.value.value) {
            Some(Value::Array(blocks)) => blocks
                .iter()
                .enumerate()
                .filter_map(|(i, b)| Some((format!("{block}/{i}/{inner}"), &b.get(inner)?.value)))
                .collect(),
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

/// Parses the JSON held by the string token at `token` (`policy` is its decoded value), with
/// spans mapped back through the token's escapes.
fn embedded<'a>(text: &'a str, token: Span, policy: &str) -> Result<Node<'a>, json::ParseError> {
    let map = escape_map(&text[token.start..token.end], token.start);
    let at = |i: usize| map.get(i).copied().unwrap_or(token.end);
    match json::parse(policy) {
        Ok(root) => Ok(rebase(&root, text, &at)),
        Err(mut error) => {
            error.span = Span::new(at(error.span.start), at(error.span.end));
            if let Some((span, _)) = &mut error.opened_at {
                *span = Span::new(at(span.start), at(span.end));
            }
            Err(error)
        }
    }
}

/// For each byte of the decoded string (and its end), the host offset of the raw text that
/// produced it. `raw` is the token, quotes included, starting at host offset `base`.
fn escape_map(raw: &str, base: usize) -> Vec<usize> {
    let bytes = raw.as_bytes();
    let mut map = Vec::with_capacity(raw.len());
    let mut i = 1;
    let end = raw.len().saturating_sub(1);
    while i < end {
        if bytes[i] != b'\\' {
            map.push(base + i);
            i += 1;
            continue;
        }
        let (len, decoded) = match bytes.get(i + 1) {
            Some(b'u') => {
                let code = raw
                    .get(i + 2..i + 6)
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .unwrap_or(0xFFFD);
                if (0xD800..0xDC00).contains(&code) && raw.get(i + 6..i + 8) == Some("\\u") {
                    (12, 4)
                } else {
                    (6, char::from_u32(code).map_or(3, char::len_utf8))
                }
            }
            _ => (2, 1),
        };
        map.extend(std::iter::repeat_n(base + i, decoded));
        i += len;
    }
    map.push(base + end);
    map
}

fn rebase<'a>(node: &Node<'_>, text: &'a str, at: &impl Fn(usize) -> usize) -> Node<'a> {
    let span = Span::new(at(node.span.start), at(node.span.end));
    let value = match &node.value {
        Value::Null => Value::Null,
        Value::Bool(b) => Value::Bool(*b),
        // Digits are never escaped: the host has the number as written.
        Value::Number(_) => Value::Number(text.get(span.start..span.end).unwrap_or("0").trim()),
        Value::String(s) => {
            return Node {
                value: Value::String(Cow::Owned(s.to_string())),
                span: string_token(node.span, at),
            }
        }
        Value::Array(items) => Value::Array(items.iter().map(|i| rebase(i, text, at)).collect()),
        Value::Object(members) => Value::Object(
            members
                .iter()
                .map(|m| Member {
                    key: Cow::Owned(m.key.to_string()),
                    key_span: string_token(m.key_span, at),
                    value: rebase(&m.value, text, at),
                })
                .collect(),
        ),
    };
    Node { value, span }
}

/// The span of an embedded string token, its escaped quotes (`\"…\"`) narrowed to one
/// character each side, so the characters between them are the value's when it has no
/// escapes of its own.
fn string_token(span: Span, at: &impl Fn(usize) -> usize) -> Span {
    let inner_start = at(span.start + 1);
    let inner_end = at(span.end - 1);
    Span::new(inner_start - 1, inner_end + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::PolicyKind;

    const PLAN: &str = r#"{"format_version":"1.2","terraform_version":"1.9.0",
"planned_values":{"root_module":{"resources":[
{"address":"aws_kms_key.k","mode":"managed","type":"aws_kms_key","name":"k","values":{"policy":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"*\"},\"Action\":\"kms:*\",\"Resource\":\"*\",\"Sid\":\"caf\u00e9 \\u00e9\"}]}"}}],
"child_modules":[{"address":"module.m","resources":[
{"address":"module.m.aws_iam_role.r","mode":"managed","type":"aws_iam_role","name":"r","values":{"assume_role_policy":"{\"Statement\":[]}","inline_policy":[{"name":"a","policy":"{\"Statement\":[]}"}]}}]}]}},
"resource_changes":[
{"address":"aws_kms_key.k","mode":"managed","type":"aws_kms_key","change":{"actions":["create"],"after":{"policy":"{\"Statement\":[]}"},"after_unknown":{}}},
{"address":"aws_s3_bucket_policy.b","mode":"managed","type":"aws_s3_bucket_policy","change":{"actions":["create"],"after":{"bucket":"b"},"after_unknown":{"policy":true}}}],
"prior_state":{"values":{"root_module":{"resources":[{"address":"aws_kms_key.k","mode":"managed","type":"aws_kms_key","values":{"policy":"{\"Statement\":[]}"}}]}}}}"#;

    #[test]
    fn each_policy_once_per_address_with_spans_inside_the_string() {
        let root = json::parse(PLAN).unwrap();
        assert!(is_plan(&root));
        let read = read(PLAN, &root, 0);
        let found: Vec<(&str, &str, Option<PolicyKind>)> = read
            .documents
            .iter()
            .map(|d| {
                let c = d.consumer.as_ref().unwrap();
                (c.address.as_str(), c.pointer.as_str(), c.kind)
            })
            .collect();
        assert_eq!(
            found,
            vec![
                ("aws_kms_key.k", "/values/policy", Some(PolicyKind::KmsKey)),
                (
                    "module.m.aws_iam_role.r",
                    "/values/assume_role_policy",
                    Some(PolicyKind::Trust)
                ),
                (
                    "module.m.aws_iam_role.r",
                    "/values/inline_policy/0/policy",
                    Some(PolicyKind::Identity)
                ),
            ]
        );
        let Body::Tree(key) = &read.documents[0].body else {
            panic!("tree")
        };
        let statement = match &key.get("Statement").unwrap().value.value {
            Value::Array(items) => &items[0],
            _ => panic!("array"),
        };
        let action = &statement.get("Action").unwrap().value;
        // The token is narrowed to one character either side of the value: `"kms:*\`.
        assert_eq!(&PLAN[action.span.start..action.span.end], "\"kms:*\\");
        let policy::Str { span, .. } = policy::Str::of_value(action).unwrap();
        assert_eq!(&PLAN[span.start..span.end], "kms:*");
        let sid = &statement.get("Sid").unwrap().value;
        assert_eq!(sid.as_str(), Some("café é"));
        let principal = &statement.get("Principal").unwrap().value;
        assert_eq!(
            &PLAN[principal.span.start..principal.span.end],
            "{\\\"AWS\\\":\\\"*\\\"}"
        );
        assert_eq!(read.notes.len(), 1);
        assert!(read.notes[0].message.contains("aws_s3_bucket_policy.b"));
        assert_eq!(
            &PLAN[read.notes[0].span.start..read.notes[0].span.end],
            "\"policy\""
        );
    }

    use crate::policy;

    #[test]
    fn invalid_embedded_json_is_reported_inside_the_string() {
        let text = r#"{"format_version":"1.0","values":{"root_module":{"resources":[{"address":"aws_iam_policy.p","mode":"managed","type":"aws_iam_policy","values":{"policy":"{\"Statement\": [,]}"}}]}}}"#;
        let root = json::parse(text).unwrap();
        let read = read(text, &root, 0);
        assert!(read.documents.is_empty());
        assert_eq!(read.notes[0].code, crate::code::Code::J001);
        assert_eq!(&text[read.notes[0].span.start..read.notes[0].span.end], ",");
    }

    #[test]
    fn a_policy_is_not_a_plan() {
        let root = json::parse(r#"{"Version":"2012-10-17","Statement":[]}"#).unwrap();
        assert!(!is_plan(&root));
    }
}
