//! K003 key-user-administers: one principal both uses the key (Encrypt, Decrypt,
//! GenerateDataKey…) and may administer or destroy it (ScheduleKeyDeletion, PutKeyPolicy…),
//! across the statements of one key policy. Separation of duties: whoever encrypts with a
//! key should not be able to delete it or rewrite who may use it. The account root and `"*"`
//! limited to the key's account (`kms:CallerAccount`, `aws:PrincipalAccount`) are not one
//! principal but the account delegating to IAM, where duties are separated.

use super::kms::{self, KmsSet};
use super::principals::is_root;
use super::{allows, Context};
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::policy::{PrincipalValue, Statement};
use std::collections::BTreeMap;

/// `"*"` in a statement that requires the caller to be of one account: the whole account,
/// as IAM policies there allow, rather than one principal.
pub fn is_account_wide(s: &Statement, p: &PrincipalValue) -> bool {
    p.value.value == "*"
        && s.conditions().iter().any(|c| {
            c.requires_match()
                && (c.key.value.eq_ignore_ascii_case("kms:CallerAccount")
                    || c.key.value.eq_ignore_ascii_case("aws:PrincipalAccount"))
        })
}

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    // principal -> the first cryptographic action it is granted.
    let sets = cx.kms();
    let mut users: BTreeMap<&str, &str> = BTreeMap::new();
    for s in allows(cx) {
        let Some(action) = sets.grants_any(s, KmsSet::Use) else {
            continue;
        };
        for p in s
            .principals()
            .iter()
            .filter(|p| !is_root(p) && !is_account_wide(s, p))
        {
            users.entry(p.value.value).or_insert(action);
        }
    }
    for s in allows(cx) {
        let principals = s.principals();
        let Some((principal, crypto)) = principals
            .iter()
            .filter(|p| !is_root(p) && !is_account_wide(s, p))
            .find_map(|p| Some((p.value.value, *users.get(p.value.value)?)))
        else {
            continue;
        };
        for token in s.actions() {
            // `kms:*` and `*` are reported on their own (K002, A001).
            if kms::is_every_kms_action(token.value) {
                continue;
            }
            let admin = sets.reached(token.value, KmsSet::Administration);
            if admin.is_empty() {
                continue;
            }
            let names: Vec<&str> = admin.iter().map(|a| kms::short(a)).collect();
            let what = if names.len() == 1 && token.value.eq_ignore_ascii_case(admin[0]) {
                format!("`{}`", token.value)
            } else {
                format!("`{}` (reaching {})", token.value, names.join(", "))
            };
            out.push(
                Diagnostic::new(
                    Code::K003,
                    token.span,
                    format!(
                        "`{principal}` uses this key (`{crypto}`) and is also allowed {what}: one principal can both use the key and administer or destroy it"
                    ),
                )
                .help("give administrative actions to a separate key-administrator role, and keep key users to the cryptographic actions they call")
                .at(format!("{}/Action", s.pointer)),
            );
        }
    }
}
