//! What kind of policy a document is. The kind decides what rules mean: `"Resource": "*"`
//! in a KMS key policy means *this key*, a `Principal` in an identity policy is an error.

use super::Policy;
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

    /// A kind, or what holds the document (`s3-bucket`, `managed-policy`…) as the config's
    /// `[kinds]` may name it: its kind and the CloudFormation resource type that stands for
    /// the holder, so the rules that depend on it (size quotas, what a bucket policy may
    /// name) apply as in a template.
    pub fn parse_held(name: &str) -> Option<(Self, Option<&'static str>)> {
        if let Some(kind) = Self::parse(name) {
            return Some((kind, None));
        }
        HELD.iter()
            .find(|(n, _, _)| *n == name)
            .map(|&(_, kind, resource_type)| (kind, Some(resource_type)))
    }
}

/// The holders a config can name, with the kind and resource type each stands for.
pub const HELD: &[(&str, PolicyKind, &str)] = &[
    (
        "managed-policy",
        PolicyKind::Identity,
        "AWS::IAM::ManagedPolicy",
    ),
    ("role-policy", PolicyKind::Identity, "AWS::IAM::RolePolicy"),
    ("user-policy", PolicyKind::Identity, "AWS::IAM::UserPolicy"),
    (
        "group-policy",
        PolicyKind::Identity,
        "AWS::IAM::GroupPolicy",
    ),
    ("s3-bucket", PolicyKind::Resource, "AWS::S3::BucketPolicy"),
    ("sqs-queue", PolicyKind::Resource, "AWS::SQS::QueuePolicy"),
    ("sns-topic", PolicyKind::Resource, "AWS::SNS::TopicPolicy"),
    (
        "secretsmanager-secret",
        PolicyKind::Resource,
        "AWS::SecretsManager::ResourcePolicy",
    ),
    (
        "ecr-repository",
        PolicyKind::Resource,
        "AWS::ECR::Repository",
    ),
];

impl PolicyKind {
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
    // Compared in place, ignoring ASCII case: no lowered copy of each action.
    let mut actions: Vec<&str> = Vec::new();
    for s in &policy.statements {
        for member in [s.action, s.not_action].into_iter().flatten() {
            actions.extend(s.strings_of(member).iter().map(|a| a.value));
        }
    }
    let is_kms = |a: &&str| {
        a.as_bytes()
            .get(..4)
            .is_some_and(|prefix| prefix.eq_ignore_ascii_case(b"kms:"))
    };
    if !actions.is_empty() && actions.iter().all(is_kms) {
        return Classification {
            kind: PolicyKind::KmsKey,
            reason: "detected: has a Principal and every action is a kms: action".into(),
        };
    }
    let is_trust = |a: &&str| TRUST_ACTIONS.iter().any(|t| a.eq_ignore_ascii_case(t));
    if !actions.is_empty() && actions.iter().all(is_trust) {
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

/// Condition keys that name the organization: guardrails of SCPs and RCPs test them.
const ORGANIZATION_KEYS: &[&str] = &[
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:resourceorgid",
    "aws:resourceorgpaths",
    "aws:sourceorgid",
    "aws:sourceorgpaths",
];

/// The organization policy a detected document looks like, if any: AWS's FullAWSAccess
/// statement (`Allow` `*` on `*`) or a `Deny` guardrail keyed on the organization, with no
/// principal for an SCP, and with `"Principal": "*"` in every statement for an RCP. The
/// document alone cannot tell an SCP from an identity policy (AdministratorAccess has the
/// same statement as FullAWSAccess), so this only says how to mark one, in a help text.
pub fn resembles_organization_policy(policy: &Policy) -> Option<PolicyKind> {
    let statements = &policy.statements;
    let full_access = |s: &super::Statement| {
        s.is_allow()
            && s.not_action.is_none()
            && s.not_resource.is_none()
            && s.conditions().is_empty()
            && matches!(s.actions(), [a] if a.value == "*")
            && matches!(s.resources(), [r] if r.value == "*")
    };
    let guardrail = |s: &super::Statement| {
        !s.is_allow()
            && s.conditions().iter().any(|c| {
                let key = c.key.value;
                ORGANIZATION_KEYS
                    .iter()
                    .any(|k| key.eq_ignore_ascii_case(k))
            })
    };
    // FullAWSAccess tells only when nothing else is allowed beside it: a role policy with
    // an `Allow *` among narrower grants is an identity policy gone wide, not an SCP.
    let telling = statements.iter().any(guardrail)
        || (statements.iter().any(full_access)
            && statements.iter().all(|s| !s.is_allow() || full_access(s)));
    if !telling {
        return None;
    }
    let no_principal = |s: &super::Statement| s.principal.is_none() && s.not_principal.is_none();
    if statements.iter().all(no_principal) {
        return Some(PolicyKind::Scp);
    }
    // An RCP names every principal (`*`) and allows nothing but RCPFullAWSAccess.
    let everyone = |s: &super::Statement| {
        s.not_principal.is_none()
            && !s.principals().is_empty()
            && s.principals().iter().all(|p| p.is_wildcard())
    };
    statements
        .iter()
        .all(|s| everyone(s) && (!s.is_allow() || full_access(s)))
        .then_some(PolicyKind::Rcp)
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
