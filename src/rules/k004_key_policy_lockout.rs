//! K004 key-policy-lockout: no statement lets anyone change the key policy, neither the
//! account root (delegating to IAM) nor any principal allowed `kms:PutKeyPolicy`. AWS
//! refuses such a policy unless the lockout safety check is bypassed; once applied, the key
//! can only be recovered through AWS Support. A statement whose `Resource` names no KMS key
//! (an S3 ARN, say) applies to nothing and does not count. The same goes for use: a key
//! policy in which no one may use the key for cryptography makes the key unusable.
//!
//! The exported policy of an AWS managed key (`aws/ebs` and the like: `"*"` limited by
//! `kms:CallerAccount` and `kms:ViaService`) is AWS's to manage: said as information.

use super::k007_key_policy_resource::{applies_to_key, names_no_key};
use super::kms::KmsSet;
use super::{allows, Context};
use crate::code::Code;
use crate::diagnostic::{Diagnostic, Severity};
use crate::policy::{Statement, Str};

/// Whether a statement is the "all principals in the account authorized to use <service>"
/// statement of an AWS managed key: `"*"` limited to one account and to calls through a service.
fn aws_managed_key_statement(s: &Statement) -> bool {
    let requires = |key: &str| {
        s.conditions()
            .iter()
            .any(|c| c.requires_match() && c.key.value.eq_ignore_ascii_case(key))
    };
    s.principals()
        .iter()
        .any(|p| p.value.value == "*" && p.kind.is_none_or(|k| k.value == "AWS"))
        && requires("kms:CallerAccount")
        && requires("kms:ViaService")
}

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(statement) = cx.policy.statement else {
        return;
    };
    if cx.policy.statements.is_empty() {
        return;
    }
    let key = Str::of_key(statement).span;
    // A `Principal` whose values cannot be read (`{"AWS": {"Ref": ...}}` pasted from a
    // template, an empty list) may name the administrator: P011 or P017 reports it, and
    // this rule cannot tell that no one administers the key.
    let with_principals =
        || allows(cx).filter(|s| !s.principals().is_empty() || s.principal.is_some());
    let administers = |s: &&Statement| cx.kms().grants(s, KmsSet::KeyPolicy);
    let manageable = with_principals()
        .filter(administers)
        .any(|s| applies_to_key(s));
    if !manageable {
        let mut diagnostic = if allows(cx).any(|s| aws_managed_key_statement(s)) {
            Diagnostic::new(
                Code::K004,
                key,
                "no statement allows anyone to administer this key, as in the policy of an AWS managed key (`aws/ebs` and the like: `\"*\"` limited by `kms:CallerAccount` and `kms:ViaService`): AWS manages such keys and their policies, and no one in the account can change them",
            )
            .help("nothing to do for an AWS managed key; for a key of your own, add the root delegation statement or allow a key-administrator role `kms:PutKeyPolicy`")
            .severity(Severity::Info)
        } else {
            Diagnostic::new(
                Code::K004,
                key,
                "no statement allows anyone to administer this key (no root delegation and no principal allowed `kms:PutKeyPolicy`): AWS refuses this policy unless `BypassPolicyLockoutSafetyCheck` is set, and with it the key can no longer be managed",
            )
            .help("add AWS's default statement {\"Sid\": \"Enable IAM User Permissions\", \"Effect\": \"Allow\", \"Principal\": {\"AWS\": \"arn:aws:iam::<account>:root\"}, \"Action\": \"kms:*\", \"Resource\": \"*\"}, or allow a key-administrator role `kms:PutKeyPolicy`")
        };
        // The statements that would have administered the key, were their `Resource` this key.
        for s in with_principals().filter(administers) {
            for r in s.resources().iter().filter(|r| names_no_key(r.value)) {
                diagnostic = diagnostic.label(
                    r.span,
                    "this statement would administer the key, but its `Resource` names no KMS key",
                );
            }
        }
        out.push(diagnostic.at("/Statement"));
        // A policy no one can administer is one problem, reported above.
        return;
    }
    let usable = with_principals()
        .filter(|s| cx.kms().grants(s, KmsSet::Use))
        .any(|s| applies_to_key(s));
    if !usable {
        out.push(
            Diagnostic::new(
                Code::K004,
                key,
                "no statement allows anyone to use this key for cryptography (`kms:Encrypt`, `kms:Decrypt`, `kms:Sign`…): the key is unusable until its policy changes or an administrator creates a grant",
            )
            .help("allow the roles that use the key its cryptographic actions, or delegate to IAM with the root statement and `\"Action\": \"kms:*\"`")
            .severity(Severity::Warning)
            .at("/Statement"),
        );
    }
}
