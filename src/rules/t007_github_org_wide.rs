//! T007 github-org-wide: a GitHub Actions trust whose `sub` pattern pins the organization but
//! not the repository (`repo:my-org/*`) or not the branch or environment (`repo:my-org/app:*`).
//! Patterns that admit any owner are T002's.

use super::Context;
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::policy::strings;

const SUB: &str = "token.actions.githubusercontent.com:sub";

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for s in super::allows(cx) {
        let trusts_github = s.principals().iter().any(|p| {
            p.has_type("Federated")
                && p.value
                    .value
                    .ends_with("oidc-provider/token.actions.githubusercontent.com")
        });
        if !trusts_github {
            continue;
        }
        for entry in s.conditions() {
            // Only `...Like` operators treat `*` as a wildcard; under `StringEquals` it is literal.
            let like = entry.operator.value.to_ascii_lowercase().contains("like");
            if !like || !entry.key.value.eq_ignore_ascii_case(SUB) || !entry.requires_match() {
                continue;
            }
            for value in strings(entry.values) {
                let Some(what) = unpinned(value.value) else {
                    continue;
                };
                out.push(
                    Diagnostic::new(
                        Code::T007,
                        value.span,
                        format!("`{}` admits {what}", value.value),
                    )
                    .help("pin one repository and a branch or environment: `repo:<org>/<repo>:ref:refs/heads/main` or `repo:<org>/<repo>:environment:prod`")
                    .at(entry.pointer(&s.pointer)),
                );
            }
        }
    }
}

/// What an organization-pinned `sub` pattern leaves open, if anything: the repository
/// (`repo:org/*`) or the branch and environment (`repo:org/app:*`). Patterns with a wildcard
/// in the owner, or none at all, are not this rule's.
fn unpinned(value: &str) -> Option<&'static str> {
    let rest = value.strip_prefix("repo:")?;
    let (owner, after) = rest.split_once('/')?;
    if owner.is_empty() || owner.contains(['*', '?']) {
        return None;
    }
    let (repository, context) = after.split_once(':').unwrap_or((after, ""));
    if repository.contains(['*', '?']) {
        return Some("workflows from every repository of the organization");
    }
    if context.is_empty() || context == "*" {
        return Some(
            "workflows from every branch, tag, pull request and environment of the repository",
        );
    }
    None
}

#[cfg(test)]
mod tests {
    use super::unpinned;

    #[test]
    fn organization_pinned_patterns() {
        assert!(unpinned("repo:my-org/*").is_some());
        assert!(unpinned("repo:my-org/*:ref:refs/heads/main").is_some());
        assert!(unpinned("repo:my-org/app:*").is_some());
        assert!(unpinned("repo:my-org/app:ref:refs/heads/main").is_none());
        assert!(unpinned("repo:my-org/app:environment:prod").is_none());
        assert!(unpinned("repo:my-org/app:ref:refs/heads/*").is_none());
        // Any owner: T002's.
        assert!(unpinned("repo:*/app:*").is_none());
        assert!(unpinned("repo:my-org*/app:*").is_none());
        assert!(unpinned("*").is_none());
    }
}
