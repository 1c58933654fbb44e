//! What a condition key says about a statement's target. Shared by the rules that judge
//! how far a statement reaches.

use super::kms::starts_with_ignore_ascii_case;
use crate::policy::Statement;

/// Condition keys that pick which resources (or which service, role, policy) a statement
/// applies to, as `Resource` would: with one of them, `"Resource": "*"` is scoped.
/// Context-only keys (`aws:SourceIp`, MFA, Region) are not among them.
pub fn narrows_target(key: &str) -> bool {
    const EXACT: &[&str] = &[
        "aws:resourceaccount",
        "aws:resourceorgid",
        "aws:resourceorgpaths",
        "iam:awsservicename",
        "iam:passedtoservice",
        "iam:policyarn",
        "iam:permissionsboundary",
        "kms:viaservice",
        "kms:resourcealiases",
        "kms:requestalias",
        "kms:grantisforawsresource",
        "ssm:resourcetag",
    ];
    if EXACT.iter().any(|k| key.eq_ignore_ascii_case(k)) {
        return true;
    }
    // `aws:ResourceTag/...`, `aws:RequestTag/...` and the services' own tag keys
    // (`ec2:ResourceTag/...`, `secretsmanager:ResourceTag/...`).
    let Some((_, name)) = key.split_once(':') else {
        return false;
    };
    starts_with_ignore_ascii_case(name, "resourcetag/")
        || starts_with_ignore_ascii_case(name, "requesttag/")
}

/// Whether the statement has a condition that can only match on a narrowed target.
pub fn scopes_target(s: &Statement) -> bool {
    s.conditions()
        .iter()
        .any(|c| c.requires_match() && narrows_target(c.key.value))
}

#[cfg(test)]
mod tests {
    use super::narrows_target;

    #[test]
    fn target_keys_and_context_keys() {
        for key in [
            "iam:AWSServiceName",
            "aws:ResourceTag/team",
            "ec2:ResourceTag/env",
            "aws:RequestTag/owner",
            "iam:PassedToService",
            "aws:ResourceAccount",
        ] {
            assert!(narrows_target(key), "{key}");
        }
        for key in [
            "aws:SourceIp",
            "aws:MultiFactorAuthPresent",
            "aws:RequestedRegion",
            "aws:TagKeys",
            "tag",
        ] {
            assert!(!narrows_target(key), "{key}");
        }
    }
}
