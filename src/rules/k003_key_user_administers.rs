//! K003 key-user-administers: one principal both uses the key (Encrypt, Decrypt,
//! GenerateDataKey…) and may administer or destroy it (ScheduleKeyDeletion, PutKeyPolicy…),
//! across the statements of one key policy. Separation of duties: whoever encrypts with a
//! key should not be able to delete it or rewrite who may use it. The account root and `"*"`
//! limited to the key's account (`kms:CallerAccount`, `aws:PrincipalAccount`) are not one
//! principal but the account delegating to IAM, where duties are separated.

use super::kms::{self, KmsSet};
use super::principals::{is_root, is_unknown};
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
        // A principal given at deploy time (`${KeyUserArn}`) may be the root itself.
        for p in s
            .principals()
            .iter()
            .filter(|p| !is_root(p) && !is_account_wide(s, p) && !is_unknown(p))
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
        // One finding per statement, on its first administrative action; the others are
        // named in the message and labelled.
        let mut admins = Vec::new();
        for (token, admin) in sets.reached_by_tokens(s, KmsSet::Administration) {
            // `kms:*` and `*` are reported on their own (K002, A001).
            if kms::is_every_kms_action(token.value) {
                continue;
            }
            let names: Vec<&str> = admin.iter().map(|a| kms::short(a)).collect();
            let what = if names.len() == 1 && token.value.eq_ignore_ascii_case(admin[0]) {
                format!("`{}`", token.value)
            } else {
                format!("`{}` (reaching {})", token.value, names.join(", "))
            };
            admins.push((token, what));
        }
        let Some(((first, _), others)) = admins.split_first() else {
            continue;
        };
        let mut diagnostic = Diagnostic::new(
            Code::K003,
            first.span,
            format!(
                "`{principal}` uses this key (`{crypto}`) and is also allowed {}: one principal can both use the key and administer or destroy it",
                and_list(admins.iter().map(|(_, what)| what.as_str()))
            ),
        )
        .help("give administrative actions to a separate key-administrator role, and keep key users to the cryptographic actions they call")
        .at(format!("{}/Action", s.pointer));
        for (token, _) in others {
            diagnostic = diagnostic.label(token.span, "also administration");
        }
        out.push(diagnostic);
    }
}

/// `a`, `a and b`, `a, b and c`.
fn and_list<'a>(items: impl ExactSizeIterator<Item = &'a str>) -> String {
    let count = items.len();
    let mut text = String::new();
    for (i, item) in items.enumerate() {
        if i > 0 {
            text.push_str(if i + 1 == count { " and " } else { ", " });
        }
        text.push_str(item);
    }
    text
}
