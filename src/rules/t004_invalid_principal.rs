//! T004 invalid-principal: a principal AWS does not accept: an IAM group, a wildcard inside
//! an ARN, an ARN of the wrong service or form, a service principal not shaped
//! `name.amazonaws.com`. Unknown principal types are P017's, syntax errors in an ARN
//! P015's and placeholders P016's, so each problem is reported once. In a key policy,
//! CloudWatch Logs written `logs.amazonaws.com` is accepted but never matches: Logs calls
//! KMS as its regional principal, `logs.<region>.amazonaws.com` (a warning). Template values
//! are filled in at deploy time: a principal that is one (`${RoleArn}`) is not judged, and in
//! one that holds some (`arn:${AWS::Partition}:iam::${AWS::AccountId}:root`,
//! `logs.${AWS::Region}.amazonaws.com`) only what is literal or known is checked.

use super::Context;
use crate::code::Code;
use crate::diagnostic::{Diagnostic, Severity};
use crate::policy::{arn, placeholder, template, PolicyKind, PrincipalValue};

const TYPES: &[&str] = &["AWS", "Service", "Federated", "CanonicalUser"];
const WEB_IDENTITY: &[&str] = &[
    "cognito-identity.amazonaws.com",
    "accounts.google.com",
    "graph.facebook.com",
    "www.amazon.com",
];

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    // Only these kinds have a `Principal` (elsewhere P012 reports it); condition values that
    // name service principals are checked in every kind.
    let principals = matches!(
        cx.kind,
        PolicyKind::Resource | PolicyKind::KmsKey | PolicyKind::Trust
    );
    for s in &cx.policy.statements {
        service_condition_values(s, out);
        if !principals {
            continue;
        }
        for member in [s.principal, s.not_principal].into_iter().flatten() {
            // Joined only when something is reported: most principals are valid.
            let pointer = || [s.pointer.as_str(), "/", &member.key].concat();
            for &p in s.principals_of(member).iter() {
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
                        .at(pointer()),
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
                        .at(pointer()),
                    );
                }
            }
        }
    }
}

/// Service principals written as condition values: `aws:PrincipalServiceName` and
/// `aws:PrincipalServiceNamesList` hold `name.amazonaws.com`, `kms:ViaService` the regional
/// endpoint `name.REGION.amazonaws.com`. A value with a wildcard, a template value AWS cannot
/// know yet or a placeholder is not judged.
fn service_condition_values(s: &crate::policy::Statement, out: &mut Vec<Diagnostic>) {
    for entry in s.conditions() {
        let key = entry.key.value;
        let via_service = key.eq_ignore_ascii_case("kms:ViaService");
        if !via_service
            && !key.eq_ignore_ascii_case("aws:PrincipalServiceName")
            && !key.eq_ignore_ascii_case("aws:PrincipalServiceNamesList")
        {
            continue;
        }
        // Only String operators compare names; `Null` and the like are judged elsewhere.
        if super::lookup::operator(entry.operator.value)
            .is_none_or(|op| op.kind != super::lookup::OperatorType::String)
        {
            continue;
        }
        for value in crate::policy::each_string(entry.values) {
            let text = value.value;
            if crate::policy::has_wildcard(text) || !placeholder::find(text).is_empty() {
                continue;
            }
            let why = if via_service {
                via_service_endpoint(text)
            } else {
                service(text)
            };
            if let Some(why) = why {
                out.push(
                    Diagnostic::new(
                        Code::T004,
                        value.span,
                        format!("invalid service principal `{text}` in `{key}`: {why}"),
                    )
                    .at(entry.pointer(&s.pointer)),
                );
            }
        }
    }
}

/// Why a `kms:ViaService` value is not a service's regional endpoint name.
fn via_service_endpoint(value: &str) -> Option<String> {
    let value = template::instantiate(value)?;
    let host = value
        .strip_suffix(".amazonaws.com")
        .or_else(|| value.strip_suffix(".amazonaws.com.cn"));
    let ok = host
        .and_then(|h| h.rsplit_once('.'))
        .is_some_and(|(name, region)| {
            !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
                && arn::is_region(region)
        });
    (!ok).then(|| "`kms:ViaService` names a service's regional endpoint, shaped `name.REGION.amazonaws.com` (for example `s3.us-east-1.amazonaws.com`)".into())
}

fn problem(p: &PrincipalValue) -> Option<(crate::json::Span, String)> {
    let value = p.value.value;
    // A bare string other than "*" is P017's.
    let kind = p.kind?;
    // An unknown principal type is P017's.
    if !TYPES.contains(&kind.value) || value == "*" && kind.value == "AWS" {
        return None;
    }
    // A placeholder is P016's. Most principals are valid, so its search comes last, once a
    // problem is found.
    let found = problem_unless_placeholder(p, kind.value)?;
    placeholder::find(value).is_empty().then_some(found)
}

/// [`problem`] of a principal of a known type, before placeholders are ruled out.
fn problem_unless_placeholder(
    p: &PrincipalValue,
    kind: &str,
) -> Option<(crate::json::Span, String)> {
    let value = p.value.value;
    // An account ID is well formed (and P015 takes it for a malformed ARN).
    if kind == "AWS" && arn::is_account_id(value) {
        return None;
    }
    if template::whole(value).is_some() {
        return None;
    }
    // AWS substitutes variables only in `Resource` and condition values; in a principal
    // the text would be taken literally, and AWS rejects the policy.
    if let Some(range) = template::first_variable(value) {
        let why = format!(
            "the policy variable `{}` is not substituted in a principal; AWS reads variables only in `Resource` and condition values",
            &value[range.clone()]
        );
        return Some((p.value.sub_span(range), why));
    }
    let why = match kind {
        "AWS" => {
            // Split once, for P015's judgement and this rule's: malformed ARNs are P015's.
            let parts = arn::split(value);
            if super::p015_malformed_arn::problem_of(p.value, &parts).is_some() {
                return None;
            }
            aws(value, parts.ok()?)?
        }
        "Service" => service(value)?,
        "Federated" => federated(value)?,
        _ => canonical(value)?,
    };
    Some((p.value.span, why))
}

/// Why an `AWS` principal that is an ARN (split into `parts`) is not one AWS accepts.
fn aws(value: &str, parts: arn::Arn) -> Option<String> {
    // A field holding a template value or policy variable is known only later; without a
    // `{` anywhere, every field is known.
    let templated = memchr::memchr(b'{', value.as_bytes()).is_some();
    let known = |field: arn::Field| !templated || !template::has_parts(field.text);
    if known(parts.partition) && !arn::PARTITIONS.contains(&parts.partition.text) {
        return None;
    }
    if crate::policy::has_wildcard(&template::literal(value)) {
        return Some("wildcards are not allowed inside a principal ARN; use \"*\" with an `aws:PrincipalArn` condition".into());
    }
    let service = parts.service.text;
    // The resource's type (`role/`, `group/`) must be literal to be judged; a name that is a
    // template value (`role/${RoleName}`) is some name.
    let typed = !templated
        || template::parts(parts.resource.text)
            .first()
            .is_none_or(|first| parts.resource.text[..first.range.start].contains('/'));
    if !typed || !known(parts.service) {
        return None;
    }
    let resource = match templated {
        true => template::fill(parts.resource.text, "name"),
        false => std::borrow::Cow::Borrowed(parts.resource.text),
    };
    if service != "iam" && service != "sts" {
        return Some(format!(
            "an `AWS` principal is an account ID or an IAM or STS ARN, not an ARN of `{service}`"
        ));
    }
    if known(parts.account)
        && !arn::is_account_id(parts.account.text)
        && !arn::is_cloudfront_origin_access_identity(&parts)
    {
        return Some(format!(
            "`{}` is not a 12-digit account ID",
            parts.account.text
        ));
    }
    if known(parts.region) && !parts.region.text.is_empty() {
        return Some("IAM and STS principal ARNs have no region".into());
    }
    let resource = resource.as_ref();
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

/// Whether a value is shaped like a service principal (`lambda.amazonaws.com`), once its
/// known template values are filled in (`logs.${AWS::Region}.amazonaws.com`).
pub fn is_service_principal(value: &str) -> bool {
    template::instantiate(value).is_some_and(|v| service(&v).is_none())
}

/// Why a service principal is not shaped as one; nothing where a template value that
/// cannot be known stands in it.
fn service(value: &str) -> Option<String> {
    let value = template::instantiate(value)?;
    let value = value.as_ref();
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
    if WEB_IDENTITY.contains(&value) || template::has_template(value) && !value.starts_with("arn:")
    {
        return None;
    }
    let Ok(parts) = arn::split(value) else {
        return Some("expected an identity provider ARN (`arn:aws:iam::ACCOUNT:oidc-provider/HOST` or `saml-provider/NAME`) or cognito-identity.amazonaws.com, accounts.google.com, graph.facebook.com, www.amazon.com".into());
    };
    if template::has_parts(parts.service.text) || template::has_parts(parts.resource.text) {
        return None;
    }
    let provider = parts.service.text == "iam"
        && (parts.resource.text.starts_with("oidc-provider/")
            || parts.resource.text.starts_with("saml-provider/"));
    (!provider).then(|| {
        "a federated principal ARN names an `oidc-provider/` or `saml-provider/` in IAM".into()
    })
}

fn canonical(value: &str) -> Option<String> {
    let ok = template::has_template(value)
        || value.len() == 64 && value.bytes().all(|b| b.is_ascii_hexdigit());
    (!ok).then(|| "a canonical user ID is 64 hexadecimal characters".into())
}
