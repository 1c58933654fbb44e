//! What kind of policy a document is. The kind decides what rules mean: `"Resource": "*"`
//! in a KMS key policy means *this key*, a `Principal` in an identity policy is an error.

use super::{Policy, Str};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PolicyKind {
    Identity,
    Boundary,
    Resource,
    KmsKey,
    Trust,
    Scp,
    Rcp,
}

impl PolicyKind {
    pub const ALL: [PolicyKind; 7] = [
        PolicyKind::Identity,
        PolicyKind::Boundary,
        PolicyKind::Resource,
        PolicyKind::KmsKey,
        PolicyKind::Trust,
        PolicyKind::Scp,
        PolicyKind::Rcp,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PolicyKind::Identity => "identity",
            PolicyKind::Boundary => "boundary",
            PolicyKind::Resource => "resource",
            PolicyKind::KmsKey => "kms-key",
            PolicyKind::Trust => "trust",
            PolicyKind::Scp => "scp",
            PolicyKind::Rcp => "rcp",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == name)
    }

    /// Policies attached to a resource name who they grant to; the others must not.
    pub fn requires_principal(self) -> bool {
        matches!(
            self,
            PolicyKind::Resource | PolicyKind::KmsKey | PolicyKind::Trust | PolicyKind::Rcp
        )
    }
}

impl std::fmt::Display for PolicyKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Classification {
    pub kind: PolicyKind,
    /// Why this kind: shown in `--format json` so a surprising result can be understood.
    pub reason: std::borrow::Cow<'static, str>,
}

const TRUST_ACTIONS: &[&str] = &[
    "sts:assumerole",
    "sts:assumerolewithsaml",
    "sts:assumerolewithwebidentity",
    "sts:tagsession",
    "sts:setsourceidentity",
    "sts:setcontext",
];

/// Detects the kind from the document alone (the caller applies `--kind` and the config first).
pub fn classify(policy: &Policy) -> Classification {
    let has_principal = policy
        .statements
        .iter()
        .any(|s| s.principal.is_some() || s.not_principal.is_some());
    if !has_principal {
        return Classification {
            kind: PolicyKind::Identity,
            reason: "detected: no statement names a Principal".into(),
        };
    }
    let actions: Vec<Str> = policy
        .statements
        .iter()
        .flat_map(|s| s.action.iter().chain(s.not_action.iter()))
        .flat_map(|m| super::strings(&m.value))
        .collect();
    let lower = |a: &Str| a.value.to_ascii_lowercase();
    if !actions.is_empty() && actions.iter().all(|a| lower(a).starts_with("kms:")) {
        return Classification {
            kind: PolicyKind::KmsKey,
            reason: "detected: has a Principal and every action is a kms: action".into(),
        };
    }
    if !actions.is_empty()
        && actions
            .iter()
            .all(|a| TRUST_ACTIONS.contains(&lower(a).as_str()))
    {
        return Classification {
            kind: PolicyKind::Trust,
            reason: "detected: has a Principal and every action is sts:AssumeRole*".into(),
        };
    }
    Classification {
        kind: PolicyKind::Resource,
        reason: "detected: has a Principal".into(),
    }
}

#[cfg(test)]
mod names {
    use super::PolicyKind;

    /// `build.rs` turns a page's `kinds: kms-key` into `PolicyKind::KmsKey` by this rule.
    #[test]
    fn each_kind_is_its_variant_in_kebab_case() {
        for kind in PolicyKind::ALL {
            let camel: String = kind
                .as_str()
                .split('-')
                .map(|part| part[..1].to_ascii_uppercase() + &part[1..])
                .collect();
            assert_eq!(camel, format!("{kind:?}"));
        }
    }
}
