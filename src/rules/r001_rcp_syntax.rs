//! R001 rcp-syntax: what AWS Organizations refuses in a resource control policy: a
//! principal other than `"*"`, `NotPrincipal`, `NotAction`, an `Allow` other than the
//! full-access statement (`RCPFullAWSAccess`), and actions of services RCPs do not apply to.

use super::Context;
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::policy::{Statement, Str};

/// The services whose resources RCPs govern (AWS Organizations, "List of AWS services
/// that support RCPs"): S3, STS, KMS, SQS and Secrets Manager from the start; ECR and
/// OpenSearch Serverless since June 2025; Cognito, CloudWatch Logs and DynamoDB since (all
/// eleven are in AWS's data-perimeter RCP examples).
const SUPPORTED: &[&str] = &[
    "s3",
    "sts",
    "kms",
    "sqs",
    "secretsmanager",
    "ecr",
    "aoss",
    "cognito-identity",
    "cognito-idp",
    "logs",
    "dynamodb",
];

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for s in &cx.policy.statements {
        for p in s.principals().iter().filter(|p| !p.is_wildcard()) {
            out.push(
                Diagnostic::new(Code::R001, p.value.span, format!("an RCP's `Principal` must be `\"*\"`, not `{}`", p.value.value))
                    .help("keep `\"Principal\": \"*\"` and name the callers to deny in a condition, such as `aws:PrincipalOrgID` or `aws:PrincipalAccount`")
                    .at(format!("{}/Principal", s.pointer)),
            );
        }
        for (member, what) in [
            (s.not_principal, "`NotPrincipal`"),
            (s.not_action, "`NotAction`"),
        ] {
            if let Some(member) = member {
                out.push(
                    Diagnostic::new(
                        Code::R001,
                        Str::of_key(member).span,
                        format!("RCPs do not support {what}"),
                    )
                    .at(format!("{}/{}", s.pointer, member.key)),
                );
            }
        }
        if s.is_allow() && !is_full_access(s) {
            let Some(effect) = s.effect.and_then(|m| Str::of_value(&m.value)) else {
                continue;
            };
            out.push(
                Diagnostic::new(Code::R001, effect.span, "an RCP allows only as its full-access statement (`RCPFullAWSAccess`): every other statement must `Deny`")
                    .help("write the restriction as a `Deny` with a condition naming what to refuse")
                    .at(format!("{}/Effect", s.pointer)),
            );
        }
        for action in s.actions() {
            let Some((service, _)) = action.value.split_once(':') else {
                continue;
            };
            if service.contains(['*', '?', '$'])
                || SUPPORTED.iter().any(|k| k.eq_ignore_ascii_case(service))
            {
                continue;
            }
            out.push(
                Diagnostic::new(
                    Code::R001,
                    action.span,
                    format!("RCPs do not apply to `{service}`: only to {}", SUPPORTED.join(", ")),
                )
                .help("remove the action; guard this service's resources with their own resource policies or an SCP")
                .at(format!("{}/Action", s.pointer)),
            );
        }
    }
}

/// `RCPFullAWSAccess`: `Allow` of `*` on `*` to `*`, with nothing else.
fn is_full_access(s: &Statement) -> bool {
    let only_star = |values: &[Str]| values.len() == 1 && values[0].value == "*";
    only_star(s.actions())
        && only_star(s.resources())
        && s.principals().len() == 1
        && s.principals()[0].is_wildcard()
        && s.condition.is_none()
}
