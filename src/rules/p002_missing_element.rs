//! P002 missing-element: a required element is absent, so AWS rejects the policy.

use super::Context;
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::json::Span;
use crate::policy::{PolicyKind, Statement};

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let policy = cx.policy;
    if policy.statement.is_none() {
        out.push(
            Diagnostic::new(
                Code::P002,
                opening(policy.root.span),
                "policy has no `Statement`",
            )
            .help("add a `Statement` array with at least one statement"),
        );
    }
    for s in &policy.statements {
        let brace = opening(s.node.span);
        let mut missing = |what: &str, help: &str| {
            out.push(
                Diagnostic::new(Code::P002, brace, format!("statement has no {what}"))
                    .help(help.to_string())
                    .at(s.pointer.clone()),
            );
        };
        if s.effect.is_none() {
            missing(
                "`Effect`",
                "add `\"Effect\": \"Allow\"` or `\"Effect\": \"Deny\"`",
            );
        }
        if s.action.is_none() && s.not_action.is_none() {
            missing(
                "`Action` (or `NotAction`)",
                "add an `Action` listing what the statement allows or denies",
            );
        }
        // Role trust policies name no resource: the role itself is the resource. So do ECR
        // repository policies: the repository is.
        if s.resource.is_none()
            && s.not_resource.is_none()
            && cx.kind != PolicyKind::Trust
            && !(cx.kind == PolicyKind::Resource && resource_implied_by_service(s))
        {
            let help = if cx.kind == PolicyKind::KmsKey {
                "add `\"Resource\": \"*\"`: in a key policy it means this key"
            } else {
                "add a `Resource` naming the ARNs the statement applies to"
            };
            missing("`Resource` (or `NotResource`)", help);
        }
    }
}

/// Services whose resource policies name no `Resource`: the policy is attached to the one
/// resource it governs. ECR's repository-policy examples say they must be changed to name
/// the repository as the resource only when used as IAM policies; ECR accepts them without.
const RESOURCE_IMPLIED: &[&str] = &["ecr", "ecr-public"];

/// Whether every action of the statement belongs to a service in [`RESOURCE_IMPLIED`].
fn resource_implied_by_service(s: &Statement) -> bool {
    let actions = s.actions();
    !actions.is_empty()
        && actions.iter().all(|a| {
            a.value.split_once(':').is_some_and(|(svc, _)| {
                RESOURCE_IMPLIED.iter().any(|r| svc.eq_ignore_ascii_case(r))
            })
        })
}

/// The opening brace: a missing element is reported where its object starts.
fn opening(span: Span) -> Span {
    Span::new(span.start, span.start + 1)
}
