//! T002 web-identity-unpinned: a trust policy that accepts tokens from a web-identity
//! provider without the condition that says *whose* tokens. GitHub Actions needs
//! `token.actions.githubusercontent.com:sub` naming repositories (any GitHub user can mint
//! a token for their own repository); Cognito, Google and other OIDC providers need `aud`
//! naming your application.

use super::{allows, Context};
use crate::diagnostic::Diagnostic;
use crate::policy::{arn, strings, ConditionEntry, Statement, Str};

const GITHUB: &str = "token.actions.githubusercontent.com";

/// The provider a `Federated` principal names: the host of an OIDC provider ARN, or a
/// built-in provider such as `cognito-identity.amazonaws.com`. SAML providers are not web
/// identity and are left alone.
fn provider(value: &str) -> Option<&str> {
    match arn::split(value) {
        Ok(parts) => parts.resource.text.strip_prefix("oidc-provider/"),
        Err(_) => Some(value),
    }
}

/// A `sub` pattern that admits repositories of any owner: `*`, `repo:*`, `repo:*/...`, and
/// `repo:my-org*/...` (which also admits `my-org-evil`). A wildcard after the owner
/// (`repo:my-org/*`) keeps the caller inside one organization and is accepted.
fn admits_any_owner(value: &str) -> bool {
    if value.starts_with(['*', '?']) {
        return true;
    }
    let Some(rest) = value.strip_prefix("repo:") else {
        return false;
    };
    let owner = rest.split('/').next().unwrap_or(rest);
    owner.contains(['*', '?']) || !rest.contains('/') && rest.contains(['*', '?'])
}

fn entries<'s>(s: &'s Statement, key: &str) -> Vec<ConditionEntry<'s>> {
    s.conditions()
        .iter()
        .copied()
        .filter(|c| c.key.value.eq_ignore_ascii_case(key) && c.requires_match())
        .collect()
}

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for s in allows(cx) {
        for p in s.principals() {
            if !p.has_type("Federated") {
                continue;
            }
            let Some(host) = provider(p.value.value) else {
                continue;
            };
            if host.eq_ignore_ascii_case(GITHUB) {
                github(s, p.value, out);
            } else {
                // Facebook and Login with Amazon name the audience `app_id`, the others `aud`.
                let audience = if host.eq_ignore_ascii_case("graph.facebook.com")
                    || host.eq_ignore_ascii_case("www.amazon.com")
                {
                    "app_id"
                } else {
                    "aud"
                };
                let key = format!("{host}:{audience}");
                if entries(s, &key).is_empty() {
                    out.push(
                        Diagnostic::new(
                            "T002",
                            p.value.span,
                            format!("tokens from `{host}` are accepted without a `{key}` condition: a token issued to any application of this provider can assume the role"),
                        )
                        .help(format!("add \"Condition\": {{\"StringEquals\": {{\"{key}\": \"<your application or identity pool ID>\"}}}}"))
                        .at(format!("{}/Principal", s.pointer)),
                    );
                }
            }
        }
    }
}

fn github(s: &Statement, principal: Str, out: &mut Vec<Diagnostic>) {
    let key = format!("{GITHUB}:sub");
    let subs = entries(s, &key);
    if subs.is_empty() {
        out.push(
            Diagnostic::new(
                "T002",
                principal.span,
                format!("GitHub Actions tokens are accepted without a `{key}` condition: a workflow in any GitHub repository can assume this role"),
            )
            .help(format!("add `\"Condition\": {{\"StringLike\": {{\"{key}\": \"repo:<org>/<repo>:ref:refs/heads/main\"}}}}`"))
            .at(format!("{}/Principal", s.pointer)),
        );
        return;
    }
    for entry in subs {
        // Only `...Like` operators treat `*` as a wildcard; under `StringEquals` it is literal.
        if !entry.operator.value.to_ascii_lowercase().contains("like") {
            continue;
        }
        for value in strings(entry.values) {
            if admits_any_owner(value.value) {
                out.push(
                    Diagnostic::new(
                        "T002",
                        value.span,
                        format!("`{}` admits workflows from repositories of any GitHub owner: the `sub` condition does not pin the caller", value.value),
                    )
                    .help("name your organization and repository: `repo:<org>/<repo>:*`, or better a branch or environment")
                    .at(format!("{}/Condition", s.pointer)),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::admits_any_owner;

    #[test]
    fn sub_patterns_that_admit_other_owners() {
        for open in [
            "*",
            "repo:*",
            "repo:*/*",
            "repo:my-org*/app:*",
            "repo:my-org*",
        ] {
            assert!(admits_any_owner(open), "{open}");
        }
        for pinned in [
            "repo:my-org/*",
            "repo:my-org/app:*",
            "repo:my-org/app:ref:refs/heads/main",
            "repo:my-org/app:environment:prod",
        ] {
            assert!(!admits_any_owner(pinned), "{pinned}");
        }
    }
}
