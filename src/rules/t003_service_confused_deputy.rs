//! T003 service-confused-deputy: a service principal in a resource or key policy without
//! `aws:SourceArn` or `aws:SourceAccount`. The service acts for every AWS customer, so any
//! of them can make it use this resource on their behalf (the confused-deputy problem).

use super::{allows, Context};
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::policy::{ConditionEntry, PolicyKind};

/// Keys that tie a service's request to the resource or account it acts for.
const SOURCE_KEYS: &[&str] = &[
    "aws:SourceArn",
    "aws:SourceAccount",
    "aws:SourceOrgID",
    "aws:SourceOrgPaths",
    "aws:SourceOwner",
];

fn pins_source(entry: &ConditionEntry) -> bool {
    entry.requires_match()
        && SOURCE_KEYS
            .iter()
            .any(|k| k.eq_ignore_ascii_case(entry.key.value))
}

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for s in allows(cx) {
        if s.conditions().iter().any(pins_source) {
            continue;
        }
        // In a key policy, an encryption-context condition naming the resource (AWS's
        // `kms:EncryptionContext:aws:logs:arn` idiom) pins whom the service acts for.
        if cx.kind == PolicyKind::KmsKey
            && s.conditions().iter().any(|c| {
                c.requires_match()
                    && super::kms::starts_with_ignore_ascii_case(
                        c.key.value,
                        "kms:encryptioncontext:",
                    )
            })
        {
            continue;
        }
        for p in s.principals() {
            // A value not shaped like a service principal is T004's.
            if !p.has_type("Service")
                || !super::t004_invalid_principal::is_service_principal(p.value.value)
            {
                continue;
            }
            out.push(
                Diagnostic::new(
                    Code::T003,
                    p.value.span,
                    format!(
                        "`{}` may act here for any AWS account: no `aws:SourceArn` or `aws:SourceAccount` condition says on whose behalf",
                        p.value.value
                    ),
                )
                .help(if cx.kind == PolicyKind::KmsKey && p.value.value.starts_with("logs.") {
                    "add \"Condition\": {\"ArnLike\": {\"kms:EncryptionContext:aws:logs:arn\": \"arn:aws:logs:<region>:<account>:log-group:<name>\"}}, naming the log groups CloudWatch Logs encrypts for"
                } else {
                    "add \"Condition\": {\"StringEquals\": {\"aws:SourceAccount\": \"<your account>\"}} or an `aws:SourceArn` naming the resource the service acts for"
                })
                .at(format!("{}/Principal", s.pointer)),
            );
        }
    }
}
