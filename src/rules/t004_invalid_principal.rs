//! T004 invalid-principal: a principal AWS does not accept: an IAM group, a wildcard inside
//! an ARN, an ARN of the wrong service or form, a service principal not shaped
//! `name.amazonaws.com`. Unknown principal types are P017's, syntax errors in an ARN
//! P015's and placeholders P016's, so each problem is reported once. In a key policy,
//! CloudWatch Logs written `logs.amazonaws.com` is accepted but never matches: Logs calls
//! KMS as its regional principal, `logs.<region>.amazonaws.com` (a warning).

use super::Context;
use crate::code::Code;
use crate::diagnostic::{Diagnostic, Severity};
use crate::policy::{arn, placeholder, principal_values, PolicyKind, PrincipalValue};

const TYPES: &[&str] = &["AWS", "Service", "Federated", "CanonicalUser"];
const WEB_IDENTITY: &[&str] = &[
    "cognito-identity.amazonaws.com",
    "accounts.google.com",
    "graph.facebook.com",
    "www.amazon.com",
];

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for s in &cx.policy.statements {
        for member in [s.principal, s.not_principal].into_iter().flatten() {
            let pointer = format!("{}/{}", s.pointer, member.key);
            for p in principal_values(member) {
                if cx.kind == PolicyKind::KmsKey
                    && p.has_type("Service")
                    && p.value.value.eq_ignore_ascii_case("logs.amazonaws.com")
                {
                    out.push(
                        Diagnostic::new(
                            Code::T004,
                            p.value.span,
                            "`logs.amazonaws.com` never matches in a key policy: CloudWatch Logs calls KMS as its regional principal, `logs.<region>.amazonaws.com`",
                        )
                        .help("write the Region the log groups are in: \"Service\": \"logs.us-east-1.amazonaws.com\", with a `kms:EncryptionContext:aws:logs:arn` condition naming them")
                        .severity(Severity::Warning)
                        .at(pointer.clone()),
                    );
                    continue;
                }
                if let Some((span, why)) = problem(&p) {
                    out.push(
                        Diagnostic::new(
                            Code::T004,
                            span,
                            format!("invalid principal `{}`: {why}", p.value.value),
                        )
                        .at(pointer.clone()),
                    );
                }
            }
        }
    }
}

fn problem(p: &PrincipalValue) -> Option<(crate::json::Span, String)> {
    let value = p.value.value;
    // A bare string other than "*" is P017's.
    let kind = p.kind?;
    // An unknown principal type is P017's.
    if !TYPES.contains(&kind.value) {
        return None;
    }
    if !placeholder::find(value).is_empty() || value == "*" && kind.value == "AWS" {
        return None;
    }
    let why = match kind.value {
        // Malformed ARNs are P015's.
        "AWS" if super::p015_malformed_arn::problem(p.value).is_some() => return None,
        "AWS" => aws(value)?,
        "Service" => service(value)?,
        "Federated" => federated(value)?,
        _ => canonical(value)?,
    };
    Some((p.value.span, why))
}

fn aws(value: &str) -> Option<String> {
    if arn::is_account_id(value) {
        return None;
    }
    // Malformed ARNs are P015's.
    let parts = arn::split(value).ok()?;
    if !arn::PARTITIONS.contains(&parts.partition.text) {
        return None;
    }
    if value.contains(['*', '?']) {
        return Some("wildcards are not allowed inside a principal ARN; use \"*\" with an `aws:PrincipalArn` condition".into());
    }
    let service = parts.service.text;
    if service != "iam" && service != "sts" {
        return Some(format!(
            "an `AWS` principal is an account ID or an IAM or STS ARN, not an ARN of `{service}`"
        ));
    }
    if !arn::is_account_id(parts.account.text) && !arn::is_cloudfront_origin_access_identity(&parts)
    {
        return Some(format!(
            "`{}` is not a 12-digit account ID",
            parts.account.text
        ));
    }
    if !parts.region.text.is_empty() {
        return Some("IAM and STS principal ARNs have no region".into());
    }
    let resource = parts.resource.text;
    let named = |prefix: &str| {
        resource
            .strip_prefix(prefix)
            .is_some_and(|rest| !rest.is_empty())
    };
    match service {
        "iam" if resource == "root" || named("role/") || named("user/") => None,
        "iam" if named("group/") => Some("an IAM group cannot be a principal; name its users or a role".into()),
        "sts" if resource
            .strip_prefix("assumed-role/")
            .is_some_and(|rest| rest.split_once('/').is_some_and(|(r, s)| !r.is_empty() && !s.is_empty())) =>
        {
            None
        }
        "sts" if named("federated-user/") => None,
        _ => Some("expected `root`, `role/NAME`, `user/NAME` (iam) or `assumed-role/ROLE/SESSION`, `federated-user/NAME` (sts)".into()),
    }
}

/// Whether a value is shaped like a service principal (`lambda.amazonaws.com`).
pub fn is_service_principal(value: &str) -> bool {
    service(value).is_none()
}

fn service(value: &str) -> Option<String> {
    let host = value
        .strip_suffix(".amazonaws.com")
        .or_else(|| value.strip_suffix(".amazonaws.com.cn"))
        .or_else(|| value.strip_suffix(".amazon.com"));
    let ok = host.is_some_and(|h| {
        !h.is_empty()
            && h.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
    });
    (!ok).then(|| "a service principal is shaped `name.amazonaws.com` (for example `lambda.amazonaws.com`)".into())
}

fn federated(value: &str) -> Option<String> {
    if WEB_IDENTITY.contains(&value) {
        return None;
    }
    let Ok(parts) = arn::split(value) else {
        return Some("expected an identity provider ARN (`arn:aws:iam::ACCOUNT:oidc-provider/HOST` or `saml-provider/NAME`) or cognito-identity.amazonaws.com, accounts.google.com, graph.facebook.com, www.amazon.com".into());
    };
    let provider = parts.service.text == "iam"
        && (parts.resource.text.starts_with("oidc-provider/")
            || parts.resource.text.starts_with("saml-provider/"));
    (!provider).then(|| {
        "a federated principal ARN names an `oidc-provider/` or `saml-provider/` in IAM".into()
    })
}

fn canonical(value: &str) -> Option<String> {
    let ok = value.len() == 64 && value.bytes().all(|b| b.is_ascii_hexdigit());
    (!ok).then(|| "a canonical user ID is 64 hexadecimal characters".into())
}
