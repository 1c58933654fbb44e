//! K004 key-policy-lockout: no statement lets anyone change the key policy, neither the
//! account root (delegating to IAM) nor any principal allowed `kms:PutKeyPolicy`. AWS
//! refuses such a policy unless the lockout safety check is bypassed; once applied, the key
//! can only be recovered through AWS Support.

use super::{allows, Context};
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::policy::Str;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(statement) = cx.policy.statement else {
        return;
    };
    if cx.policy.statements.is_empty() {
        return;
    }
    let manageable = allows(cx)
        .any(|s| !s.principals().is_empty() && cx.kms().grants(s, super::kms::KmsSet::KeyPolicy));
    if manageable {
        return;
    }
    let key = Str::of_key(statement).span;
    out.push(
        Diagnostic::new(
            Code::K004,
            key,
            "no statement allows anyone to administer this key (no root delegation and no principal allowed `kms:PutKeyPolicy`): AWS refuses this policy unless `BypassPolicyLockoutSafetyCheck` is set, and with it the key can no longer be managed",
        )
        .help("add AWS's default statement {\"Sid\": \"Enable IAM User Permissions\", \"Effect\": \"Allow\", \"Principal\": {\"AWS\": \"arn:aws:iam::<account>:root\"}, \"Action\": \"kms:*\", \"Resource\": \"*\"}, or allow a key-administrator role `kms:PutKeyPolicy`")
        .at("/Statement"),
    );
}
