//! K001 root-delegation: a key policy statement giving `kms:*` to the account root. This is
//! AWS's default: it lets IAM policies in that account grant access to the key and keeps
//! the key manageable. Information, never a warning: removing it risks a lockout.

use super::{allows, Context};
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::policy::{arn, Statement};

/// The account an `AWS` principal names when it is the account root (`arn:...:root` or a
/// bare account ID), placeholders included.
pub fn root_account(value: &str) -> Option<&str> {
    if arn::is_account_id(value) {
        return Some(value);
    }
    let parts = arn::split(value).ok()?;
    (parts.service.text == "iam" && parts.resource.text == "root").then_some(parts.account.text)
}

/// Whether every principal of the statement is an account root.
pub fn is_root_only(s: &Statement) -> bool {
    let principals = s.principals();
    !principals.is_empty()
        && principals.iter().all(|p| {
            p.kind.is_some_and(|k| k.value == "AWS") && root_account(p.value.value).is_some()
        })
}

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for s in allows(cx).filter(|s| is_root_only(s)) {
        let Some(all) = s
            .actions()
            .iter()
            .find(|a| a.value.eq_ignore_ascii_case("kms:*"))
        else {
            continue;
        };
        let accounts: Vec<&str> = s
            .principals()
            .iter()
            .filter_map(|p| root_account(p.value.value))
            .collect();
        out.push(
            Diagnostic::new(
                Code::K001,
                all.span,
                format!(
                    "key access is delegated to IAM policies in {}; this is AWS's default key policy statement",
                    accounts.iter().map(|a| describe_account(a)).collect::<Vec<_>>().join(", ")
                ),
            )
            .help("keep it unless another statement lets administrators manage the key: without both, the key becomes unmanageable")
            .at(format!("{}/Action", s.pointer)),
        );
    }
}

/// "account 111122223333", or for a placeholder "the account `ACCOUNT-ID` stands for".
fn describe_account(account: &str) -> String {
    if arn::is_account_id(account) {
        format!("account {account}")
    } else {
        format!("the account `{account}` stands for")
    }
}
