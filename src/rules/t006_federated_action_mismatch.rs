//! T006 federated-action-mismatch: a trust statement whose federated principals are all SAML
//! providers but whose action is `sts:AssumeRoleWithWebIdentity`, or all web identity (OIDC)
//! providers with `sts:AssumeRoleWithSAML`. STS calls each action only for its own kind of
//! provider, so the statement never lets anyone in.

use super::Context;
use crate::code::Code;
use crate::diagnostic::Diagnostic;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Provider {
    Saml,
    WebIdentity,
}

impl Provider {
    /// The provider kind a `Federated` principal names; `None` for a template value or
    /// anything not recognisable (T004 reports malformed principals).
    fn of(principal: &str) -> Option<Provider> {
        if principal.contains("${") {
            return None;
        }
        if principal.starts_with("arn:") {
            let resource = principal.splitn(6, ':').nth(5)?;
            return if resource.starts_with("saml-provider/") {
                Some(Provider::Saml)
            } else if resource.starts_with("oidc-provider/") {
                Some(Provider::WebIdentity)
            } else {
                None
            };
        }
        let known = [
            "cognito-identity.amazonaws.com",
            "accounts.google.com",
            "graph.facebook.com",
            "www.amazon.com",
        ];
        known.contains(&principal).then_some(Provider::WebIdentity)
    }

    /// The STS action this kind of provider is called with.
    fn action(self) -> &'static str {
        match self {
            Provider::Saml => "sts:AssumeRoleWithSAML",
            Provider::WebIdentity => "sts:AssumeRoleWithWebIdentity",
        }
    }

    fn name(self) -> &'static str {
        match self {
            Provider::Saml => "a SAML provider",
            Provider::WebIdentity => "a web identity (OIDC) provider",
        }
    }
}

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for s in &cx.policy.statements {
        let kinds: Vec<Option<Provider>> = s
            .principals()
            .iter()
            .filter(|p| p.has_type("Federated"))
            .map(|p| Provider::of(p.value.value))
            .collect();
        // Only when every federated principal is known and of one kind.
        let Some(Some(kind)) = kinds.first().copied() else {
            continue;
        };
        if kinds.iter().any(|k| *k != Some(kind)) {
            continue;
        }
        let other = match kind {
            Provider::Saml => Provider::WebIdentity,
            Provider::WebIdentity => Provider::Saml,
        };
        for action in s.actions() {
            if !action.value.eq_ignore_ascii_case(other.action()) {
                continue;
            }
            out.push(
                Diagnostic::new(
                    Code::T006,
                    action.span,
                    format!(
                        "`{}` is never called with {}, the only federated principal here",
                        action.value,
                        kind.name()
                    ),
                )
                .help(format!("use `{}` for {}", kind.action(), kind.name()))
                .at(format!("{}/Action", s.pointer)),
            );
        }
    }
}
