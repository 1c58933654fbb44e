//! P002 missing-element: a required element is absent, so AWS rejects the policy.

use super::p001_unknown_element::misspelt;
use super::Context;
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::json::Span;
use crate::policy::{PolicyKind, Statement, POLICY_ELEMENTS, STATEMENT_ELEMENTS};

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let policy = cx.policy;
    // A misspelt element (`"Resources"`) is P001's finding, with its did-you-mean.
    if policy.statement.is_none() && !misspelt(policy.root, POLICY_ELEMENTS, "Statement") {
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
        let misspelt = |element: &str| misspelt(s.node, STATEMENT_ELEMENTS, element);
        let mut missing = |what: &str, help: &str| {
            out.push(
                Diagnostic::new(Code::P002, brace, format!("statement has no {what}"))
                    .help(help.to_string())
                    .at(s.pointer.clone()),
            );
        };
        if s.effect.is_none() && !misspelt("Effect") {
            missing(
                "`Effect`",
                "add `\"Effect\": \"Allow\"` or `\"Effect\": \"Deny\"`",
            );
        }
        if s.action.is_none()
            && s.not_action.is_none()
            && !misspelt("Action")
            && !misspelt("NotAction")
        {
            missing(
                "`Action` (or `NotAction`)",
                "add an `Action` listing what the statement allows or denies",
            );
        }
        // Role trust policies name no resource: the role itself is the resource. So do ECR
        // repository policies: the repository is (known from the template's resource type,
        // else from the statement's actions).
        let implied_by_type = cx
            .resource_type
            .is_some_and(|t| RESOURCE_IMPLIED_TYPES.contains(&t));
        if s.resource.is_none()
            && s.not_resource.is_none()
            && cx.kind != PolicyKind::Trust
            && !implied_by_type
            && !(cx.kind == PolicyKind::Resource && resource_implied_by_service(s))
            && !misspelt("Resource")
            && !misspelt("NotResource")
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

/// Template resource types whose policy names no `Resource`: the repository (or registry)
/// it is attached to is the resource.
const RESOURCE_IMPLIED_TYPES: &[&str] = &["AWS::ECR::Repository", "AWS::ECR::RegistryPolicy"];

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
