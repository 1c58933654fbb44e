//! Who a principal is: its account, whether it is an account root, and which account a
//! policy belongs to. Shared by the principal and KMS rules and the cross-document facts.

pub use super::k001_root_delegation::root_account;
use crate::policy::{
    arn, placeholder, template, ConditionEntry, Policy, PrincipalValue, Statement,
};
use std::collections::BTreeMap;

/// The account an `AWS` principal belongs to (a 12-digit ID, a placeholder such as
/// `ACCOUNT-ID`, or a template value such as `${AWS::AccountId}`), when the value names one.
pub fn account<'a>(p: &PrincipalValue<'a>) -> Option<&'a str> {
    if !p.has_type("AWS") {
        return None;
    }
    let value = p.value.value;
    if arn::is_account_id(value) {
        return Some(value);
    }
    let parts = arn::split(value).ok()?;
    let account = parts.account.text;
    (arn::is_account_id(account)
        || !placeholder::find(account).is_empty()
        || template::account(account).is_some())
    .then_some(account)
}

/// Whether a principal is a template value whose shape cannot be known (`${RoleArn}`,
/// `${var.admin_arn}`): it may be an account root, a role or anything else, so a rule
/// that needs to know which stays silent about it.
pub fn is_unknown(p: &PrincipalValue) -> bool {
    p.has_type("AWS") && template::principal(p.value.value) == template::Principal::Unknown
}

/// Whether the principal is an account root (`arn:aws:iam::111122223333:root` or the bare ID).
pub fn is_root(p: &PrincipalValue) -> bool {
    p.has_type("AWS") && root_account(p.value.value).is_some()
}

/// The account a policy belongs to, and how that was decided.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Home {
    pub account: String,
    pub how: &'static str,
    /// Decided by a key policy's root delegation, which the key's own account writes.
    pub from_root: bool,
}

/// For a key policy, the account whose root the key delegates to; otherwise (or without
/// one) the account most principals belong to, when one account has a strict majority.
pub fn home_account(policy: &Policy, key_policy: bool) -> Option<Home> {
    let allows = || policy.statements.iter().filter(|s| s.is_allow());
    if key_policy {
        // Only the delegation statement (root with every KMS action) says whose key this
        // is: another account's root granted, say, Decrypt is a cross-account user.
        let delegates = |s: &&crate::policy::Statement| {
            s.actions()
                .iter()
                .any(|a| a.value == "*" || a.value.eq_ignore_ascii_case("kms:*"))
        };
        let roots: Vec<&str> = allows()
            .filter(delegates)
            .flat_map(|s| s.principals().iter())
            .filter(|p| is_root(p))
            .filter_map(|p| root_account(p.value.value))
            .collect();
        if let Some(first) = roots.first() {
            if roots.iter().all(|r| r == first) {
                return Some(Home {
                    account: first.to_string(),
                    how: "the account the key policy delegates to through its root principal",
                    from_root: true,
                });
            }
        }
    }
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    let mut total = 0;
    for p in allows().flat_map(|s| s.principals()) {
        if let Some(a) = account(p) {
            *counts.entry(a).or_default() += 1;
            total += 1;
        }
    }
    let (best, n) = counts.iter().max_by_key(|(_, n)| **n)?;
    (*n * 2 > total).then(|| Home {
        account: best.to_string(),
        how: "the account most of the policy's principals belong to",
        from_root: false,
    })
}

/// Condition keys that pin the caller (or the calling resource) to known accounts,
/// organizations, networks or services. Tested with a positive operator on a value that
/// names one, they make a wildcard principal non-public.
pub const SCOPING_KEYS: &[&str] = &[
    "aws:PrincipalAccount",
    "aws:PrincipalArn",
    "aws:PrincipalOrgID",
    "aws:PrincipalOrgPaths",
    "aws:PrincipalServiceName",
    "aws:SourceAccount",
    "aws:SourceArn",
    "aws:SourceOrgID",
    "aws:SourceOrgPaths",
    "aws:SourceOwner",
    "aws:SourceIp",
    "aws:SourceVpc",
    "aws:SourceVpce",
    "aws:userid",
    "kms:CallerAccount",
    "kms:ViaService",
];

/// Whether a condition value names a caller rather than every caller of its kind: a value
/// whose account, organization or leading part is a wildcard (`arn:aws:iam::*:role/admin`,
/// `arn:aws:s3:::*`, `o-*`, `0.0.0.0/0`) lets anyone in, as anyone can create a role of that
/// name, a bucket, or an organization.
fn pins(key: &str, value: &str) -> bool {
    let wild = |text: &str| text.is_empty() || text.starts_with(['*', '?']);
    let key = key.to_ascii_lowercase();
    match key.as_str() {
        "aws:principalarn" | "aws:sourcearn" => {
            let fields: Vec<&str> = value.splitn(6, ':').collect();
            match fields.as_slice() {
                // An account ID, or for ARNs without one (S3) the resource's leading part.
                [_, _, _, _, account, resource] => match account.is_empty() {
                    true => !wild(resource),
                    false => !account.contains(['*', '?']),
                },
                _ => !value.contains(['*', '?']),
            }
        }
        "aws:principalorgpaths" | "aws:sourceorgpaths" => {
            !wild(value.split('/').next().unwrap_or_default())
        }
        "aws:sourceip" => !value.ends_with("/0"),
        "aws:userid" | "kms:viaservice" => !wild(value),
        _ => !value.contains(['*', '?']),
    }
}

/// Whether a condition narrows the caller: a scoping key under an operator that requires a
/// match (see [`ConditionEntry::requires_match`]), every value of which pins a caller.
pub fn scopes(entry: &ConditionEntry) -> bool {
    let key = entry.key.value;
    // Only AWS services acting for someone: not the public (AWS's data-perimeter
    // endpoint policies allow them beside the organization's principals).
    if key.eq_ignore_ascii_case("aws:PrincipalIsAWSService") {
        return entry.operator.value.eq_ignore_ascii_case("Bool")
            && crate::policy::strings(entry.values)
                .iter()
                .all(|v| v.value.eq_ignore_ascii_case("true"));
    }
    entry.requires_match()
        && SCOPING_KEYS.iter().any(|k| k.eq_ignore_ascii_case(key))
        && crate::policy::strings(entry.values)
            .iter()
            .all(|v| pins(key, v.value))
}

/// Whether a `Deny` condition entry holds for every caller outside a pinned set
/// (`StringNotEquals aws:PrincipalOrgID o-…`), so that what the `Deny` leaves is scoped; or
/// exempts only AWS services acting for the account (`aws:PrincipalIsAWSService false`).
fn fences(entry: &ConditionEntry) -> bool {
    let op = entry.operator.value.to_ascii_lowercase();
    let op = op.strip_suffix("ifexists").unwrap_or(&op);
    let key = entry.key.value;
    let values = crate::policy::strings(entry.values);
    if key.eq_ignore_ascii_case("aws:PrincipalIsAWSService") {
        return op == "bool" && values.iter().all(|v| v.value.eq_ignore_ascii_case("false"));
    }
    let negated = [
        "stringnotequals",
        "stringnotequalsignorecase",
        "stringnotlike",
        "arnnotequals",
        "arnnotlike",
        "notipaddress",
    ];
    negated.contains(&op)
        && SCOPING_KEYS.iter().any(|k| k.eq_ignore_ascii_case(key))
        && !values.is_empty()
        && values.iter().all(|v| pins(key, v.value))
}

/// Whether `deny` applies to every caller and covers everything `allow` grants (its actions
/// and resources), conditions aside.
fn covers(deny: &Statement, allow: &Statement) -> bool {
    let everyone = deny.principal.is_none() && deny.not_principal.is_none()
        || deny.principals().iter().any(PrincipalValue::is_wildcard);
    if !everyone || deny.not_action.is_some() || deny.not_resource.is_some() {
        return false;
    }
    let deny_actions = deny.actions();
    let actions = match allow.action {
        Some(_) => allow.actions().iter().all(|a| {
            deny_actions
                .iter()
                .any(|d| crate::pattern::pattern_covers(d.value, a.value, true))
        }),
        None => deny_actions.iter().any(|d| d.value == "*"),
    };
    let deny_resources = deny.resources();
    let resources = deny.resource.is_none()
        || deny_resources.iter().any(|d| d.value == "*")
        || allow.not_resource.is_none()
            && allow.resources().iter().all(|r| {
                deny_resources
                    .iter()
                    .any(|d| crate::pattern::pattern_covers(d.value, r.value, false))
            });
    actions && resources
}

/// Whether anyone may use what an `Allow` statement with a wildcard principal grants: no
/// condition of its own scopes the caller, and no `Deny` of the policy takes it away from
/// every caller outside a pinned set (the data-perimeter pattern: `Deny` `*` unless
/// `aws:PrincipalOrgID` is the organization's).
pub fn is_public(policy: &Policy, allow: &Statement) -> bool {
    if allow.conditions().iter().any(scopes) {
        return false;
    }
    !policy.statements.iter().any(|deny| {
        deny.effect() == crate::policy::Effect::Deny
            && covers(deny, allow)
            && deny.conditions().iter().all(fences)
    })
}
