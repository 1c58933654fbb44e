//! Who a principal is: its account, whether it is an account root, and which account a
//! policy belongs to. Shared by the principal and KMS rules and the cross-document facts.

pub use super::k001_root_delegation::root_account;
use crate::policy::{arn, placeholder, template, Policy, PrincipalValue};
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
