//! T002 web-identity-unpinned: a trust policy that accepts tokens from a web-identity
//! provider without the condition that says *whose* tokens. GitHub Actions needs
//! `token.actions.githubusercontent.com:sub` naming repositories (any GitHub user can mint
//! a token for their own repository). Cognito, Google, Facebook and Login with Amazon need
//! the audience naming your application or identity pool. Other OIDC providers (EKS IRSA,
//! GitLab…) are pinned by `sub`: STS already checks `aud` against the client IDs registered
//! for the provider, so an audience alone is a warning, not an error.

use super::{allows, Context};
use crate::code::Code;
use crate::diagnostic::{Diagnostic, Severity};
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

/// How a provider's tokens are pinned to a caller.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Pinning {
    /// Cognito, Google, Facebook, Login with Amazon: the audience is the application or
    /// identity pool of the account, and must be named (Google's `sub`, one user, also pins).
    Audience,
    /// EKS IRSA and other OIDC providers: STS checks `aud` against the client IDs registered
    /// for the provider; `sub` (the service account, the project) is what pins the caller.
    Subject,
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
                continue;
            }
            // A provider named by a template value (`${...}`, `Fn::Sub`): its conditions can
            // only be recognized by their last part.
            if host.contains("${") || !host.contains('.') {
                if !has_any_pin(s) {
                    unpinned(s, p.value, host, "sub", Severity::Warning, out);
                }
                continue;
            }
            // Facebook and Login with Amazon name the audience `app_id`, the others `aud`.
            let audience = if host.eq_ignore_ascii_case("graph.facebook.com")
                || host.eq_ignore_ascii_case("www.amazon.com")
            {
                "app_id"
            } else {
                "aud"
            };
            let pinning = if host.eq_ignore_ascii_case("cognito-identity.amazonaws.com")
                || host.eq_ignore_ascii_case("accounts.google.com")
                || audience == "app_id"
            {
                Pinning::Audience
            } else {
                Pinning::Subject
            };
            let has_audience = !entries(s, &format!("{host}:{audience}")).is_empty();
            let subject = entries(s, &format!("{host}:sub"));
            let has_subject = !subject.is_empty() && !subject.iter().all(admits_anyone);
            match pinning {
                Pinning::Audience => {
                    // Google's `sub` names one Google account: that pins the caller too.
                    let google = host.eq_ignore_ascii_case("accounts.google.com");
                    if !(has_audience || google && has_subject) {
                        unpinned(s, p.value, host, audience, Severity::Error, out);
                    }
                }
                Pinning::Subject => {
                    if has_subject {
                        continue;
                    }
                    // With an audience only, the caller is any identity the provider issues
                    // tokens to for that client: every service account of an EKS cluster.
                    let severity = if has_audience {
                        Severity::Warning
                    } else {
                        Severity::Error
                    };
                    unpinned(s, p.value, host, "sub", severity, out);
                }
            }
        }
    }
}

/// A `sub` entry whose every value, under a `...Like` operator, is a bare wildcard.
fn admits_anyone(entry: &ConditionEntry) -> bool {
    entry.operator.value.to_ascii_lowercase().contains("like")
        && strings(entry.values)
            .iter()
            .all(|v| v.value.chars().all(|c| c == '*' || c == '?'))
}

/// Whether some `...:sub`, `...:aud` or `...:app_id` condition requires a match, whatever
/// its provider part: for providers named by template values.
fn has_any_pin(s: &Statement) -> bool {
    s.conditions().iter().any(|c| {
        c.requires_match()
            && c.key.value.rsplit_once(':').is_some_and(|(_, last)| {
                ["sub", "aud", "app_id"]
                    .iter()
                    .any(|k| last.eq_ignore_ascii_case(k))
            })
    })
}

fn unpinned(
    s: &Statement,
    principal: Str,
    host: &str,
    claim: &str,
    severity: Severity,
    out: &mut Vec<Diagnostic>,
) {
    let key = format!("{host}:{claim}");
    let (message, help) = if claim == "sub" {
        (
            {
                let who = if host.contains("oidc.eks.") {
                    "any service account of the EKS cluster"
                } else {
                    "any subject (user, project, workload) this provider issues tokens to"
                };
                format!("tokens from `{host}` are accepted without a `{key}` condition: {who} can assume the role")
            },
            format!("add \"Condition\": {{\"StringEquals\": {{\"{key}\": \"<the subject: system:serviceaccount:<namespace>:<name>, project path…>\"}}}}"),
        )
    } else {
        (
            format!("tokens from `{host}` are accepted without a `{key}` condition: a token issued to any application of this provider can assume the role"),
            format!("add \"Condition\": {{\"StringEquals\": {{\"{key}\": \"<your application or identity pool ID>\"}}}}"),
        )
    };
    out.push(
        Diagnostic::new(Code::T002, principal.span, message)
            .help(help)
            .severity(severity)
            .at(format!("{}/Principal", s.pointer)),
    );
}

fn github(s: &Statement, principal: Str, out: &mut Vec<Diagnostic>) {
    let key = format!("{GITHUB}:sub");
    let subs = entries(s, &key);
    if subs.is_empty() {
        out.push(
            Diagnostic::new(
                Code::T002,
                principal.span,
                format!("GitHub Actions tokens are accepted without a `{key}` condition: a workflow in any GitHub repository can assume this role"),
            )
            .help(format!("add \"Condition\": {{\"StringLike\": {{\"{key}\": \"repo:<org>/<repo>:ref:refs/heads/main\"}}}}"))
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
                        Code::T002,
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
