//! What a condition narrows: the target of a request (which role is passed, which policy is
//! attached, which key or tagged resource is touched, which principal calls) or only its
//! context (network, MFA, region, time, the tags a request sets). Only the first kind can
//! close a privilege-escalation path: the holder of the permission controls the context.

use crate::json::Span;
use crate::policy::{ConditionEntry, Str};

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Narrows {
    /// Pins what the request acts on or who makes it.
    Target,
    /// Limits when or from where, not what: the caller can usually meet it.
    Context,
}

/// Global keys that describe the request's circumstances, not its target (lower case).
const CONTEXT_KEYS: &[&str] = &[
    "aws:sourceip",
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:vpcsourceip",
    "aws:multifactorauthpresent",
    "aws:multifactorauthage",
    "aws:requestedregion",
    "aws:currenttime",
    "aws:epochtime",
    "aws:securetransport",
    "aws:useragent",
    "aws:referer",
    "aws:calledvia",
    "aws:calledviafirst",
    "aws:calledvialast",
    "aws:viaawsservice",
    "aws:tokenissuetime",
    "aws:principaltype",
    "aws:principalisawsservice",
    "aws:tagkeys",
    "aws:sourceidentity",
    "aws:federatedprovider",
    "aws:ec2instancesourcevpc",
    "aws:ec2instancesourceprivateipv4",
    "aws:sourceorgpaths",
];

/// Prefixes of context keys that take a suffix (`aws:RequestTag/team`): tags the request
/// itself sets, which the caller chooses.
const CONTEXT_PREFIXES: &[&str] = &["aws:requesttag/"];

/// One condition entry, its values read once and its kind decided.
#[derive(Clone, Debug)]
pub struct Condition<'a> {
    pub operator: Str<'a>,
    pub key: Str<'a>,
    /// Scalars as written (numbers and booleans spelt as JSON spells them), with their spans.
    pub values: Vec<(String, Span)>,
    pub narrows: Narrows,
}

impl<'a> Condition<'a> {
    pub fn of(entry: &ConditionEntry<'a>) -> Self {
        let values = crate::policy::condition_values(entry.values);
        let narrows = match classify(entry) {
            Narrows::Target if admits_any(entry, &values) => Narrows::Context,
            narrows => narrows,
        };
        Condition {
            operator: entry.operator,
            key: entry.key,
            values,
            narrows,
        }
    }

    /// Whether the key is `key` (case-insensitive, as AWS compares keys).
    pub fn is_key(&self, key: &str) -> bool {
        self.key.value.eq_ignore_ascii_case(key)
    }

    /// Whether the condition holds when its key has this one value, for the string
    /// operators (`None` for the others and for set operators: not known here).
    /// `IfExists` reads as the operator itself: the value is there.
    pub fn holds_for(&self, value: &str) -> Option<bool> {
        let op = self.operator.value.to_ascii_lowercase();
        let op = op.strip_suffix("ifexists").unwrap_or(&op);
        let mut values = self.values.iter().map(|(v, _)| v.as_str());
        match op {
            "stringequals" => Some(values.any(|v| v == value)),
            "stringnotequals" => Some(!values.any(|v| v == value)),
            "stringequalsignorecase" => Some(values.any(|v| v.eq_ignore_ascii_case(value))),
            "stringnotequalsignorecase" => Some(!values.any(|v| v.eq_ignore_ascii_case(value))),
            "stringlike" => Some(values.any(|v| crate::pattern::wildcard_match(v, value))),
            "stringnotlike" => Some(!values.any(|v| crate::pattern::wildcard_match(v, value))),
            _ => None,
        }
    }

    /// `StringEquals aws:SourceIp [10.0.0.0/8]`: for messages.
    pub fn describe(&self) -> String {
        let values: Vec<&str> = self.values.iter().map(|(v, _)| v.as_str()).collect();
        let shown = match values.as_slice() {
            [one] => format!("`{one}`"),
            many => format!(
                "[{}]",
                many.iter()
                    .map(|v| format!("`{v}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        format!("`{}` {} {shown}", self.key.value, self.operator.value)
    }
}

/// Target unless the key only describes the context, or the operator lets a request
/// through without the key matching (negations, `IfExists`, `ForAllValues:`, `Null`).
pub fn classify(entry: &ConditionEntry) -> Narrows {
    // Compared in place: asked of every condition of every statement.
    let key = entry.key.value;
    let context_key = CONTEXT_KEYS.iter().any(|k| key.eq_ignore_ascii_case(k))
        || CONTEXT_PREFIXES.iter().any(|p| {
            key.as_bytes()
                .get(..p.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(p.as_bytes()))
        });
    if context_key || !entry.requires_match() {
        Narrows::Context
    } else {
        Narrows::Target
    }
}

/// Keys whose value is the ARN of one resource type, with that type's ARN
/// before the name: a pattern that matches any name there pins nothing.
const ONE_TYPE_ARN_KEYS: &[(&str, &str)] = &[
    ("iam:policyarn", "policy/"),
    ("iam:permissionsboundary", "policy/"),
    ("cloudformation:rolearn", "role/"),
];

/// A name no real resource is expected to have.
const ANY_NAME: &str = "zq9-any-name";

/// Whether a positive condition lets any target through all the same: one of its values
/// (they are ORed) is a wildcard (`StringLike`, `ArnLike`, `ArnEquals`) that is `*` or, for a
/// key holding one type of ARN, matches any name of that type (`arn:aws:iam::*:policy/*`).
/// `*` on a tag key still requires the tag, so it narrows.
fn admits_any(entry: &ConditionEntry, values: &[(String, Span)]) -> bool {
    // Asked of every positive condition of every statement: compared in place.
    let op = entry.operator.value;
    let wildcards = ["StringLike", "ArnLike", "ArnEquals"]
        .iter()
        .any(|o| op.eq_ignore_ascii_case(o));
    if !wildcards || values.is_empty() {
        return false;
    }
    let key = entry.key.value;
    let arn_type = ONE_TYPE_ARN_KEYS
        .iter()
        .find(|(k, _)| key.eq_ignore_ascii_case(k))
        .map(|(_, ty)| *ty);
    values.iter().any(|(v, _)| {
        (v == "*" && !key.contains('/')) || arn_type.is_some_and(|ty| matches_any_name(v, ty))
    })
}

/// Whether an ARN pattern matches a resource of type `ty` (`policy/`) whatever its name, in
/// the partition and account it writes out (any, where it writes a wildcard).
fn matches_any_name(pattern: &str, ty: &str) -> bool {
    let fields: Vec<&str> = pattern.splitn(6, ':').collect();
    let literal = |i: usize, default: &'static str| match fields.get(i) {
        Some(f) if !f.is_empty() && !f.contains(['*', '?']) && !f.contains("${") => f.to_string(),
        _ => default.to_string(),
    };
    let probe = format!(
        "arn:{}:iam::{}:{ty}{ANY_NAME}",
        literal(1, "aws"),
        literal(4, "111122223333")
    );
    crate::pattern::wildcard_match(pattern, &probe)
}
