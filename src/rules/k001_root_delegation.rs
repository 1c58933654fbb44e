//! K001 root-delegation: a key policy statement giving `kms:*` to the account root. This is
//! AWS's default: it lets IAM policies in that account grant access to the key and keeps
//! the key manageable. Information, never a warning: removing it risks a lockout.

use super::{allows, Context};
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::policy::template::{self, Account, Meaning};
use crate::policy::{arn, Statement};

/// The account an `AWS` principal names when it is the account root (`arn:...:root` or a
/// bare account ID), placeholders and template values included: `${AWS::AccountId}` alone
/// is the deploying account's root.
pub fn root_account(value: &str) -> Option<&str> {
    if arn::is_account_id(value) {
        return Some(value);
    }
    if template::whole(value).is_some_and(|expr| template::meaning(expr) == Meaning::ThisAccount) {
        return Some(value);
    }
    // A root ARN's resource is `root`: most principals (roles, users, services) end
    // otherwise and need no split.
    if !value.ends_with(":root") {
        return None;
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
                [
                    "key access is delegated to IAM policies in ",
                    &accounts.iter().map(|a| describe_account(a)).collect::<Vec<_>>().join(", "),
                    "; this is AWS's default key policy statement",
                ]
                .concat(),
            )
            .help("nothing to change: this statement keeps the key manageable; remove it only if another statement gives key administrators `kms:PutKeyPolicy`, or no one may be able to change the key policy")
            .at([s.pointer.as_str(), "/Action"].concat()),
        );
    }
}

/// "account 111122223333", "the account this template is deployed to", or for a
/// placeholder "the account `ACCOUNT-ID` stands for".
fn describe_account(account: &str) -> String {
    match template::account(account) {
        Some(Account::Literal(_)) => ["account ", account].concat(),
        Some(Account::This) => {
            ["the account this template is deployed to (`", account, "`)"].concat()
        }
        Some(Account::Deployed(_)) => ["the account `", account, "` names at deploy time"].concat(),
        None => ["the account `", account, "` stands for"].concat(),
    }
}
