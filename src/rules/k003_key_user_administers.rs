//! K003 key-user-administers: one principal both uses the key (Encrypt, Decrypt,
//! GenerateDataKey…) and may administer or destroy it (ScheduleKeyDeletion, PutKeyPolicy…),
//! across the statements of one key policy. Separation of duties: whoever encrypts with a
//! key should not be able to delete it or rewrite who may use it.

use super::kms::{self, KmsSet};
use super::principals::is_root;
use super::{allows, Context};
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use std::collections::BTreeMap;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    // principal -> the first cryptographic action it is granted.
    let sets = cx.kms();
    let mut users: BTreeMap<&str, &str> = BTreeMap::new();
    for s in allows(cx) {
        let Some(action) = sets.grants_any(s, KmsSet::Use) else {
            continue;
        };
        for p in s.principals().iter().filter(|p| !is_root(p)) {
            users.entry(p.value.value).or_insert(action);
        }
    }
    for s in allows(cx) {
        let principals = s.principals();
        let Some((principal, crypto)) = principals
            .iter()
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
