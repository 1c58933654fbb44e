//! P015 malformed-arn: a resource or principal ARN that AWS cannot parse. Unfilled
//! placeholders are left to P016, so each problem is reported once, as what it is. Only
//! literal fields are checked: a field holding a template value (`${AWS::Partition}`,
//! `${var.account_id}`) or a policy variable is unknown until deployment, not malformed.

use super::{resources, Context};
use crate::catalog::ServiceId;
use crate::code::Code;
use crate::diagnostic::{Diagnostic, Severity};
use crate::json::Span;
use crate::policy::arn::{self, PARTITIONS};
use crate::policy::{has_wildcard, placeholder, template, Str};

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let api_gateway = api_gateway_policy(cx);
    // The service the last value named, found in the catalog: a statement's ARNs are
    // mostly of one service, which is then searched for once.
    let mut last_service = None;
    for s in &cx.policy.statements {
        // `Resource`'s values come split already (the rules that read them share one split).
        let resources = resources::of(cx, s);
        for member in [s.resource, s.not_resource].into_iter().flatten() {
            let shared = resources.filter(|_| s.resource.is_some_and(|r| std::ptr::eq(r, member)));
            for (i, &value) in s.strings_of(member).iter().enumerate() {
                let shorthand = api_gateway && value.value.starts_with("execute-api:/");
                if value.value != "*" && !shorthand {
                    // Split once: both checks read the fields (borrowed from the shared
                    // split where there is one).
                    let own;
                    let parts = match shared.and_then(|r| r.split(i)) {
                        Some(parts) => parts,
                        None => {
                            own = arn::split(value.value);
                            &own
                        }
                    };
                    let wildcards = Wildcards::of(value.value);
                    let problem = problem_in(value, parts, &wildcards).or_else(|| {
                        let parts = parts.as_ref().ok()?;
                        fields_for_service(cx, value, parts, &wildcards, &mut last_service)
                    });
                    report(
                        value,
                        problem,
                        &|| format!("{}/{}", s.pointer, member.key),
                        out,
                    );
                }
            }
        }
        for member in [s.principal, s.not_principal].into_iter().flatten() {
            for p in s.principals_of(member).iter() {
                let is_aws = p.kind.is_some_and(|k| k.value == "AWS");
                let v = p.value.value;
                if is_aws && unique_id(v).is_some() {
                    out.push(unique_id_warning(
                        p.value,
                        &format!("{}/{}", s.pointer, member.key),
                    ));
                } else if is_aws && v != "*" && !arn::is_account_id(v) {
                    // A principal with a placeholder is P016's, one with a policy variable
                    // T004's; most ARNs are well formed, so those searches are left for last.
                    let problem = problem(p.value).filter(|_| {
                        placeholder::find(v).is_empty() && template::first_variable(v).is_none()
                    });
                    report(
                        p.value,
                        problem,
                        &|| format!("{}/{}", s.pointer, member.key),
                        out,
                    );
                }
            }
        }
    }
}

/// Whether the document may be an API Gateway REST API's resource policy, where
/// `execute-api:/stage/METHOD/path` is API Gateway's shorthand for the API's own ARN
/// (expanded when the policy is attached). A template says which resource holds the policy;
/// a JSON file's resource policy may be one.
fn api_gateway_policy(cx: &Context) -> bool {
    cx.kind == crate::policy::PolicyKind::Resource
        && cx.resource_type.is_none_or(|t| {
            matches!(
                t,
                "AWS::ApiGateway::RestApi"
                    | "AWS::Serverless::Api"
                    | "aws_api_gateway_rest_api"
                    | "aws_api_gateway_rest_api_policy"
            )
        })
}

/// What an IAM unique ID names, for `AROA…` (a role) and `AIDA…` (a user): AWS accepts one
/// as an `AWS` principal, and shows a deleted role's principal that way.
fn unique_id(value: &str) -> Option<&'static str> {
    let what = match value.get(..4)? {
        "AROA" => "role",
        "AIDA" => "user",
        _ => return None,
    };
    let rest = &value[4..];
    let shaped = rest.len() >= 16
        && rest
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    shaped.then_some(what)
}

/// A unique ID is a warning, not a malformed ARN: it matches only the one role or user it was
/// given to, not one created again under the same name.
fn unique_id_warning(value: Str, pointer: &str) -> Diagnostic {
    let what = unique_id(value.value).unwrap_or("principal");
    Diagnostic::new(
        Code::P015,
        value.span,
        format!(
            "`{}` is an IAM {what}'s unique ID, not its ARN: the policy stops matching if the {what} is deleted and created again",
            value.value
        ),
    )
    .severity(Severity::Warning)
    .help(format!("name the {what} by its ARN, arn:aws:iam::account-id:{what}/name"))
    .at(pointer.to_string())
}

/// `pointer` is spelled out only for a malformed ARN: most are fine.
fn report(
    value: Str,
    problem: Option<(Span, String)>,
    pointer: &dyn Fn() -> String,
    out: &mut Vec<Diagnostic>,
) {
    if let Some((span, why)) = problem {
        out.push(
            Diagnostic::new(
                Code::P015,
                span,
                format!("malformed ARN `{}`: {why}", value.value),
            )
            .help("write the ARN as arn:partition:service:region:account-id:resource")
            .at(pointer()),
        );
    }
}

/// What P015 reports about an ARN, if anything: other rules skip such values.
pub fn problem(value: Str) -> Option<(Span, String)> {
    problem_of(value, &arn::split(value.value))
}

/// [`problem`] of a value already split.
pub(super) fn problem_of(
    value: Str,
    split: &Result<arn::Arn, &'static str>,
) -> Option<(Span, String)> {
    problem_in(value, split, &Wildcards::of(value.value))
}

/// Where a value's wildcards are, as far as one search finds: the first one. The fields
/// before it have none and the field holding it has one, so the usual ARN (no wildcard, or
/// only in its resource) needs no search of each field.
struct Wildcards<'a> {
    text: &'a str,
    first: Option<usize>,
}

impl<'a> Wildcards<'a> {
    fn of(text: &'a str) -> Wildcards<'a> {
        // The quick test first: a search costs more to set up than the usual ARN to scan.
        let first = has_wildcard(text)
            .then(|| memchr::memchr2(b'*', b'?', text.as_bytes()))
            .flatten();
        Wildcards { text, first }
    }

    /// Whether the value has a wildcard anywhere ([`has_wildcard`] of it).
    fn any(&self) -> bool {
        self.first.is_some()
    }

    /// [`has_wildcard`] of one of the value's fields.
    fn within(&self, field: arn::Field) -> bool {
        let (start, end) = field.range;
        match self.first {
            None => false,
            Some(first) if first >= end => false,
            Some(first) if first >= start => true,
            Some(_) => self.text.get(start..end).is_some_and(has_wildcard),
        }
    }
}

/// [`problem_of`], with the value's wildcards found.
fn problem_in(
    value: Str,
    split: &Result<arn::Arn, &'static str>,
    wildcards: &Wildcards,
) -> Option<(Span, String)> {
    let text = value.value;
    let has_wildcard = |field: arn::Field| wildcards.within(field);
    match split {
        // `${BucketArn}/*`: a template value may hold the whole start of the ARN.
        Err(why) if placeholder::find(text).is_empty() && !template::has_template(text) => {
            Some((value.span, (*why).to_string()))
        }
        Err(_) => None,
        Ok(parts) => {
            let plain = |t: &str| {
                t.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            };
            let checks = [
                (
                    parts.partition,
                    has_wildcard(parts.partition) || PARTITIONS.contains(&parts.partition.text),
                    "an AWS partition such as `aws`",
                ),
                (
                    parts.service,
                    has_wildcard(parts.service)
                        || (!parts.service.text.is_empty() && plain(parts.service.text)),
                    "a service namespace such as `s3`",
                ),
                (
                    parts.region,
                    has_wildcard(parts.region)
                        || parts.region.text.is_empty()
                        || arn::is_region(parts.region.text)
                        // `region`, `your-region`: a placeholder the reader fills in.
                        || parts.region.text.to_ascii_lowercase().contains("region"),
                    "a Region such as `us-east-1`, or empty",
                ),
                (
                    parts.account,
                    has_wildcard(parts.account)
                        || parts.account.text.is_empty()
                        || arn::is_account_id(parts.account.text)
                        || parts.account.text == "aws"
                        || arn::is_cloudfront_origin_access_identity(parts),
                    "a 12-digit account ID, or empty",
                ),
                (
                    parts.resource,
                    !parts.resource.text.is_empty(),
                    "a resource",
                ),
            ];
            // Most ARNs are well formed: placeholders are looked for only to excuse a field.
            if checks.iter().all(|(_, ok, _)| *ok) {
                return None;
            }
            let mut holes = placeholder::find(text);
            holes.extend(template::parts(text).into_iter().map(|p| p.range));
            checks
                .into_iter()
                .find(|(field, ok, _)| {
                    !ok && !holes.iter().any(|h| {
                        h.start < field.range.1.max(field.range.0 + 1) && field.range.0 < h.end
                    })
                })
                .map(|(field, _, expected)| {
                    let span = if field.range.0 == field.range.1 {
                        value.span
                    } else {
                        value.sub_span(field.range.0..field.range.1)
                    };
                    (
                        span,
                        format!("expected {expected} here, found `{}`", field.text),
                    )
                })
        }
    }
}

/// A Region or account field that the ARN's service never has, or always needs: every ARN
/// format the catalog gives the service agrees (IAM Access Analyzer's *Missing ARN Region*,
/// *ARN Region not allowed* and *ARN account not allowed*; an account a format needs is
/// its *Missing ARN field*). Only literal fields of a known service are judged.
fn fields_for_service<'a>(
    cx: &Context,
    value: Str<'a>,
    parts: &arn::Arn<'a>,
    wildcards: &Wildcards,
    last_service: &mut Option<(&'a str, Option<ServiceId>)>,
) -> Option<(Span, String)> {
    let text = value.value;
    let service = parts.service.text;
    if wildcards.within(parts.service) || service.contains('{') {
        return None;
    }
    // Only a literal ARN can miss a field, and only a literal field be one too many.
    let possible = [parts.region, parts.account].map(|field| {
        if field.text.is_empty() {
            !wildcards.any()
        } else {
            !wildcards.within(field)
        }
    });
    if possible == [false, false] {
        return None;
    }
    let catalog = cx.catalog();
    let id = match *last_service {
        Some((known, id)) if known == service => id,
        _ => {
            let id = catalog.service_id(service);
            *last_service = Some((service, id));
            id
        }
    };
    let arns = catalog.arns(id?)?;
    let mut fields = arns.own_fields();
    // Where the formats disagree, those whose resource part fits this ARN's decide
    // (`example-bucket` is an S3 bucket, not an access point), if any fits.
    if (0..2).any(|i| possible[i] && fields[i].is_none()) {
        if let Some(fitting) = arns.fields_for_resource(parts.resource.text) {
            fields = fitting;
        }
    }
    let literal = |t: &str| !t.contains(['{', '<']) && placeholder::find(t).is_empty();
    for (field, index, name) in [(parts.region, 3, "Region"), (parts.account, 4, "account")] {
        match (fields[index - 3], field.text.is_empty()) {
            // A pattern with wildcards elsewhere (`arn:aws:kms:*::*`, in AWS's own managed
            // policies) is left alone; a literal ARN without the field names nothing.
            (Some(true), true) if !wildcards.any() && literal(text) => {
                return Some((
                    value.span,
                    format!(
                        "`{service}` ARNs need a{} {name} field, and it is empty",
                        if name == "account" { "n" } else { "" }
                    ),
                ))
            }
            (Some(false), false) if !wildcards.within(field) && literal(field.text) => {
                return Some((
                    value.sub_span(field.range.0..field.range.1),
                    format!("`{service}` ARNs have no {name}: remove `{}`", field.text),
                ))
            }
            _ => {}
        }
    }
    None
}
