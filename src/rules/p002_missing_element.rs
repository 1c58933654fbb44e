//! P002 missing-element: a required element is absent, so AWS rejects the policy.

use super::p001_unknown_element::misspelt;
use super::Context;
use crate::diagnostic::Diagnostic;
use crate::json::Span;
use crate::policy::{PolicyKind, POLICY_ELEMENTS, STATEMENT_ELEMENTS};

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let policy = cx.policy;
    // A misspelt element (`"Resources"`) is P001's finding, with its did-you-mean.
    if policy.statement.is_none() && !misspelt(policy.root, POLICY_ELEMENTS, "Statement") {
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
        let misspelt = |element: &str| misspelt(s.node, STATEMENT_ELEMENTS, element);
        let mut missing = |what: &str, help: &str| {
            out.push(
                Diagnostic::new("P002", brace, format!("statement has no {what}"))
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
        // Role trust policies name no resource: the role itself is the resource.
        if s.resource.is_none()
            && s.not_resource.is_none()
            && cx.kind != PolicyKind::Trust
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

/// The opening brace: a missing element is reported where its object starts.
fn opening(span: Span) -> Span {
    Span::new(span.start, span.start + 1)
}
