//! K006 cross-account-principal: a principal from another account than the policy's own.
//! Information naming the account by default; with `trusted-accounts` set in the config,
//! principals from accounts outside that list are warnings and listed ones are not reported.

use super::principals::{account, home_account};
use super::{allows, Context};
use crate::code::Code;
use crate::diagnostic::{Diagnostic, Severity};
use crate::policy::{arn, PolicyKind};

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    // A placeholder home account (`ACCOUNT-ID`) cannot be compared with a real one.
    let home = home_account(cx.policy, cx.kind == PolicyKind::KmsKey)
        .filter(|h| arn::is_account_id(&h.account));
    let trusted = cx.trusted_accounts;
    for s in allows(cx) {
        for p in s.principals() {
            // Placeholders are P016's; only real account IDs are compared.
            let Some(acct) = account(p).filter(|a| arn::is_account_id(a)) else {
                continue;
            };
            let diagnostic = if !trusted.is_empty() {
                let own = home
                    .as_ref()
                    .is_some_and(|h| h.from_root && h.account == acct);
                if own || trusted.iter().any(|t| t == acct) {
                    continue;
                }
                Diagnostic::new(
                    Code::K006,
                    p.value.span,
                    ["`", p.value.value, "` is in account ", acct, ", which is not listed in `trusted-accounts`"].concat(),
                )
                .severity(Severity::Warning)
                .help(["remove the principal, or add \"", acct, "\" to `trusted-accounts` in iamlint.toml if that account is meant to have access"].concat())
            } else {
                let Some(home) = home.as_ref().filter(|h| h.account != acct) else {
                    continue;
                };
                // Joined, not `format!`ted: a key policy shared with other accounts has a
                // finding per principal.
                Diagnostic::new(
                    Code::K006,
                    p.value.span,
                    [
                        "`",
                        p.value.value,
                        "` is in account ",
                        acct,
                        ", not in this policy's own account ",
                        &home.account,
                        " (",
                        home.how,
                        ")",
                    ]
                    .concat(),
                )
                .help(
                    [
                        "if account ",
                        acct,
                        " is meant to have access, list it in `trusted-accounts` in iamlint.toml",
                    ]
                    .concat(),
                )
            };
            out.push(diagnostic.at([s.pointer.as_str(), "/Principal"].concat()));
        }
    }
}
