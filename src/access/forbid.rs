//! Forbidden access: actions, and optionally resources and principals, that no policy may
//! grant (`[[forbid]]` in `iamlint.toml`, `--forbid` on the command line), and where a
//! document grants them, weighed as the engine weighs every grant: an unconditional `Deny`
//! that covers the forbidden part removes it, a conditional one leaves it standing.
//!
//! What AWS's IAM Access Analyzer answers online with `CheckAccessNotGranted`: with actions
//! only, any of them on any resource; with resources only, any action on any of them; with
//! both, any of the actions on any of the resources.

use super::{scope, Access, Grant, Principals, Resources, Target};
use crate::catalog::Catalog;
use crate::pattern::Glob;
use crate::policy::{arn, PrincipalValue, Str};

/// One forbidden access.
#[derive(Clone, Debug, Default)]
pub struct Forbidden {
    /// Action patterns (`iam:PassRole`, `s3:Delete*`); empty: any action on `resources`.
    pub actions: Vec<String>,
    /// Resource patterns; empty: any resource.
    pub resources: Vec<String>,
    /// Principals (ARNs, account IDs, service names, `*`; wildcards allowed); empty: anyone.
    /// An entry with principals applies to statements that name principals (resource, key and
    /// trust policies): who holds an identity policy is not in the policy.
    pub principals: Vec<String>,
    pub reason: String,
    /// Where the entry was declared, for messages: `iamlint.toml line 12`, `--forbid`.
    pub origin: String,
}

/// One way a document grants forbidden access: the statement and the token that grant it.
pub struct Hit<'s, 'a> {
    pub grant: &'s Grant<'a>,
    pub token: Str<'a>,
    /// `service:Action` as the catalog spells it.
    pub action: String,
    /// `Deny` statements that take the access away only under their conditions.
    pub denied_when: Vec<&'s Grant<'a>>,
}

impl Forbidden {
    /// The catalog actions the entry names, of the services `wanted` accepts; `None` when it
    /// names no actions (any action).
    pub fn targets<'c>(
        &self,
        catalog: &'c Catalog,
        wanted: impl Fn(&str) -> bool,
    ) -> Option<Vec<Target<'c>>> {
        if self.actions.is_empty() {
            return None;
        }
        let mut out: Vec<Target<'c>> = Vec::new();
        for pattern in &self.actions {
            for (service, action) in catalog.expand(pattern) {
                if !wanted(service.prefix) {
                    continue;
                }
                let name = format!("{}:{}", service.prefix, action.name);
                if out.iter().any(|t| t.name == name) {
                    continue;
                }
                if let Some(target) = Target::resolve(catalog, &name) {
                    out.push(target);
                }
            }
        }
        Some(out)
    }

    /// Whether the grant's resources can meet one of the entry's, for `target`.
    fn reaches_resource(&self, grant: &Grant, target: &Target) -> bool {
        if self.resources.is_empty() {
            // Any resource, as long as the statement grants the action somewhere.
            return !matches!(grant.resources, Resources::Listed(_))
                || grant.scope(target).is_some();
        }
        // The action must act on a resource of the forbidden kind: `s3:*` on `*` reaches no
        // secret. An action without resource-level permissions touches no named resource,
        // unless the entry names it.
        match target.templates.as_deref() {
            Some([]) if self.actions.is_empty() => return false,
            Some(templates @ [_, ..])
                if !self
                    .resources
                    .iter()
                    .any(|r| r == "*" || scope::fits_any(r, templates)) =>
            {
                return false
            }
            _ => {}
        }
        match &grant.resources {
            Resources::Listed(_) => {
                let Some(scope) = grant.scope(target) else {
                    return false;
                };
                scope.tokens().iter().any(|t| {
                    let granted = Glob::new(&scope::without_variables(t.value));
                    self.resources
                        .iter()
                        .any(|r| Glob::new(r).intersects(&granted))
                })
            }
            // Everything but the exclusions: reached unless they cover every forbidden one.
            Resources::Except { excluded, .. } => self
                .resources
                .iter()
                .any(|r| !excluded.iter().any(|x| scope::covers(x.value, r))),
            // The resource the policy is attached to, which may be any of them.
            Resources::Unstated => true,
        }
    }

    /// Whether the grant's principals can include one of the entry's.
    fn reaches_principal(&self, grant: &Grant) -> bool {
        if self.principals.is_empty() {
            return true;
        }
        match &grant.principals {
            Principals::Unstated => false,
            // A wildcard principal stands for whoever its conditions on the caller admit.
            Principals::Listed(values) => values.iter().any(|v| {
                self.principals
                    .iter()
                    .any(|p| principal_meets(v, p) && (v.value.value != "*" || admitted(grant, p)))
            }),
            Principals::Except(excluded) => self
                .principals
                .iter()
                .any(|p| !excluded.iter().any(|x| x.value.value == p)),
        }
    }
}

/// An account ID as the principal it stands for (`111122223333` → its root ARN).
fn as_arn(text: &str) -> std::borrow::Cow<'_, str> {
    if arn::is_account_id(text) {
        format!("arn:aws:iam::{text}:root").into()
    } else {
        text.into()
    }
}

/// The account of an ARN-shaped principal, if it names one.
fn account_of(text: &str) -> Option<&str> {
    let account = text.split(':').nth(4)?;
    arn::is_account_id(account).then_some(account)
}

/// Whether the statement's principal `value` may be, or include, the forbidden `pattern`:
/// the same principal, a wildcard on either side, or an account root on either side (a
/// root delegates to every principal of its account).
fn principal_meets(value: &PrincipalValue, pattern: &str) -> bool {
    let given = value.value.value;
    if given == "*" || pattern == "*" {
        return true;
    }
    let given = as_arn(given);
    let pattern = as_arn(pattern);
    if crate::pattern::wildcard_match(&pattern, &given) {
        return true;
    }
    let is_root = |arn: &str| arn.ends_with(":root");
    match (account_of(&given), account_of(&pattern)) {
        (Some(a), Some(b)) if a == b => is_root(&given) || is_root(&pattern),
        _ => false,
    }
}

/// Whether the `Allow`'s conditions on the caller's account and ARN (ANDed, each met by
/// one of its values) can let `principal` (or, for an account root, someone of its account)
/// through. Other conditions are not about who calls, and admit anyone.
fn admitted(grant: &Grant, principal: &str) -> bool {
    if principal == "*" {
        return true;
    }
    let principal = as_arn(principal);
    let account = account_of(&principal);
    let whole_account = principal.ends_with(":root");
    grant
        .conditions
        .iter()
        .filter(|c| c.narrows == super::Narrows::Target)
        .all(|c| {
            let matches = |value: &str| {
                if c.is_key("aws:PrincipalAccount") {
                    account.is_some_and(|a| crate::pattern::wildcard_match(value, a))
                } else if c.is_key("aws:PrincipalArn") {
                    crate::pattern::wildcard_match(value, &principal)
                        || whole_account
                            && account.is_some_and(|a| {
                                value
                                    .split(':')
                                    .nth(4)
                                    .is_some_and(|v| crate::pattern::wildcard_match(v, a))
                            })
                } else {
                    true
                }
            };
            c.values.iter().any(|(v, _)| matches(v))
        })
}

impl<'a> Access<'a> {
    /// Every `Allow` through which the document grants what `entry` forbids, after the
    /// `Deny` statements: one hit per (statement token, action).
    pub fn forbidden<'s>(&'s self, entry: &Forbidden, catalog: &Catalog) -> Vec<Hit<'s, 'a>> {
        let mut out = Vec::new();
        // Only the services the document's `Allow` statements can name: most documents name
        // none of a forbidden service's actions, and resolving them is the cost.
        let index = self.index();
        let every_service = !index.any_service.is_empty()
            || self
                .allows
                .iter()
                .any(|g| !matches!(g.actions, super::Actions::Listed(_)));
        let named = entry.targets(catalog, |prefix| {
            every_service || index.services.contains(&super::service_key(prefix))
        });
        for grant in &self.allows {
            if !entry.reaches_principal(grant) {
                continue;
            }
            let owned;
            let targets = match &named {
                Some(targets) => targets,
                None => {
                    owned = Access::expand(grant, catalog);
                    &owned
                }
            };
            for target in targets {
                let Some(token) = grant.token_for(&target.name) else {
                    continue;
                };
                if !entry.reaches_resource(grant, target) {
                    continue;
                }
                let (removed_by, denied_when) =
                    self.denial_within(grant, &target.name, &entry.resources);
                if removed_by.is_some() {
                    continue;
                }
                out.push(Hit {
                    grant,
                    token,
                    action: target.name.clone(),
                    denied_when,
                });
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;
    use crate::policy;

    fn entry(actions: &[&str], resources: &[&str], principals: &[&str]) -> Forbidden {
        let owned = |v: &[&str]| v.iter().map(|s| s.to_string()).collect();
        Forbidden {
            actions: owned(actions),
            resources: owned(resources),
            principals: owned(principals),
            reason: "test".into(),
            origin: "test".into(),
        }
    }

    /// The (token, action) pairs the document grants against `entry`.
    fn hits(text: &str, entry: &Forbidden) -> Vec<(String, String, usize)> {
        let root = json::parse(text).expect("valid JSON");
        let model = policy::build(&root);
        let access = Access::of(&model);
        access
            .forbidden(entry, Catalog::embedded())
            .iter()
            .map(|h| {
                (
                    h.token.value.to_string(),
                    h.action.clone(),
                    h.denied_when.len(),
                )
            })
            .collect()
    }

    #[test]
    fn wildcards_and_not_action_grant_a_forbidden_action() {
        let text = r#"{"Statement": [
            {"Effect": "Allow", "Action": ["s3:GetObject", "iam:Pass*"], "Resource": "*"},
            {"Effect": "Allow", "NotAction": "s3:*", "Resource": "*"}
        ]}"#;
        let found = hits(text, &entry(&["iam:PassRole"], &[], &[]));
        assert_eq!(
            found,
            [
                ("iam:Pass*".into(), "iam:PassRole".into(), 0),
                ("NotAction".into(), "iam:PassRole".into(), 0)
            ]
        );
        assert!(hits(text, &entry(&["s3:DeleteBucket"], &[], &[])).is_empty());
    }

    #[test]
    fn resources_must_meet_and_denies_remove_their_part() {
        let text = r#"{"Statement": [
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"},
            {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
            {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::secrets/*"}
        ]}"#;
        // The Deny covers the forbidden bucket, not the whole `*` grant: still removed.
        let secrets = entry(&["s3:GetObject"], &["arn:aws:s3:::secrets/*"], &[]);
        assert!(hits(text, &secrets).is_empty());
        let reports = entry(&["s3:GetObject"], &["arn:aws:s3:::reports/2024/*"], &[]);
        let found = hits(text, &reports);
        assert_eq!(found.len(), 2, "{found:?}");
        // Resources only: any action on them.
        let any = entry(&[], &["arn:aws:s3:::reports"], &[]);
        let found = hits(text, &any);
        assert!(found.iter().all(|(t, _, _)| t == "s3:*"), "{found:?}");
        assert!(found.iter().any(|(_, a, _)| a == "s3:DeleteBucket"));
    }

    #[test]
    fn conditional_denies_leave_the_grant_standing() {
        let text = r#"{"Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*"},
            {"Effect": "Deny", "Principal": "*", "Action": "kms:*", "Resource": "*",
             "Condition": {"StringNotEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}}
        ]}"#;
        let found = hits(text, &entry(&["kms:Decrypt"], &[], &[]));
        assert_eq!(found, [("kms:Decrypt".into(), "kms:Decrypt".into(), 1)]);
    }

    #[test]
    fn principals_meet_by_wildcard_account_root_or_name() {
        let text = r#"{"Statement": [
            {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "sqs:SendMessage", "Resource": "*"},
            {"Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"}, "Action": "sqs:SendMessage", "Resource": "*"}
        ]}"#;
        let role = entry(
            &["sqs:SendMessage"],
            &[],
            &["arn:aws:iam::111122223333:role/app"],
        );
        assert_eq!(hits(text, &role).len(), 1);
        assert_eq!(
            hits(text, &entry(&["sqs:*"], &[], &["sns.amazonaws.com"])).len(),
            1
        );
        assert!(hits(text, &entry(&["sqs:*"], &[], &["444455556666"])).is_empty());
        // A wildcard principal narrowed by a condition on the caller's account or ARN.
        let narrowed = r#"{"Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "s3:PutObject", "Resource": "*",
             "Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/writer*"}}}
        ]}"#;
        let put = |who: &str| hits(narrowed, &entry(&["s3:PutObject"], &[], &[who])).len();
        assert_eq!(put("arn:aws:iam::111122223333:role/writer-2"), 1);
        assert_eq!(put("111122223333"), 1);
        assert_eq!(put("arn:aws:iam::111122223333:role/reader"), 0);
        assert_eq!(put("444455556666"), 0);
        // An identity policy names nobody: an entry about principals does not apply.
        let identity =
            r#"{"Statement": [{"Effect": "Allow", "Action": "sqs:*", "Resource": "*"}]}"#;
        assert!(hits(identity, &entry(&["sqs:*"], &[], &["*"])).is_empty());
    }
}
