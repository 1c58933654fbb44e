//! K009 identity-every-key: an identity policy that allows decrypting or generating data
//! keys on `"Resource": "*"`. The role can then use every key in the account whose key
//! policy delegates to IAM (AWS's default), not just the one it needs.

use super::kms::{self, KmsSet};
use super::{allows, Context};
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::policy::{arn, Str};

/// What a stolen credential could do with any key.
/// Conditions that pick keys or callers without naming key ARNs.
fn narrows(key: &str) -> bool {
    kms::is_context_key(key)
        || key.eq_ignore_ascii_case("kms:resourcealiases")
        || key.eq_ignore_ascii_case("kms:requestalias")
        || kms::starts_with_ignore_ascii_case(key, "aws:resourcetag/")
}

/// `*`, or a KMS ARN that matches every key (`arn:aws:kms:*:*:key/*`).
fn every_key(resource: &Str) -> bool {
    if resource.value == "*" {
        return true;
    }
    arn::split(resource.value).is_ok_and(|parts| {
        crate::pattern::wildcard_match(parts.service.text, "kms")
            && matches!(parts.resource.text, "*" | "key/*" | "*/*")
    })
}

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for s in allows(cx) {
        if s.conditions().iter().any(|c| narrows(c.key.value)) {
            continue;
        }
        // `"Action": "*"` is A001's: that policy grants everything, not just every key.
        // Only the first action reached is named.
        let first = s.actions().iter().filter(|t| t.value != "*").find_map(|t| {
            cx.kms()
                .reached(t.value, KmsSet::Plaintext)
                .first()
                .copied()
        });
        let Some(first) = first else {
            continue;
        };
        for resource in s.resources().iter().filter(|r| every_key(r)) {
            out.push(
                Diagnostic::new(
                    Code::K009,
                    resource.span,
                    format!(
                        "`{first}` on `{}`: this role can use every KMS key in the account whose key policy delegates to IAM, not only the key it needs",
                        resource.value
                    ),
                )
                .help("list the key ARNs (arn:aws:kms:region:account:key/key-id), or narrow with a `kms:ViaService` or `aws:ResourceTag/...` condition")
                .at(format!("{}/Resource", s.pointer)),
            );
        }
    }
}
