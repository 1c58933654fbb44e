//! P002 missing-element: a required element is absent, so AWS rejects the policy.

use super::Context;
use crate::diagnostic::Diagnostic;
use crate::json::Span;
use crate::policy::PolicyKind;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let policy = cx.policy;
    if policy.statement.is_none() {
        out.push(
            Diagnostic::new(
                "P002",
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
                Diagnostic::new("P002", brace, format!("statement has no {what}"))
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
        // Role trust policies name no resource: the role itself is the resource. Nor do
        // the policies of resource types whose policy always applies to the resource itself
        // (an ECR repository's, as its template says).
        let implied = cx.kind == PolicyKind::Trust
            || cx
                .resource_type
                .is_some_and(|t| RESOURCE_IMPLIED.contains(&t));
        if s.resource.is_none() && s.not_resource.is_none() && !implied {
            let help = if cx.kind == PolicyKind::KmsKey {
                "add `\"Resource\": \"*\"`: in a key policy it means this key"
            } else {
                "add a `Resource` naming the ARNs the statement applies to"
            };
            missing("`Resource` (or `NotResource`)", help);
        }
    }
}

/// Resource types whose resource policy has no `Resource` element: the repository (or
/// registry) it is attached to is the resource.
const RESOURCE_IMPLIED: &[&str] = &["AWS::ECR::Repository", "AWS::ECR::RegistryPolicy"];

/// The opening brace: a missing element is reported where its object starts.
fn opening(span: Span) -> Span {
    Span::new(span.start, span.start + 1)
}
