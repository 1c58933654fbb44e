//! K005 unconstrained-grant: `kms:CreateGrant` (or a wildcard reaching it) in a key policy
//! without a `kms:GrantIsForAWSResource` condition. A grant hands the key's use to another
//! principal, so the holder can pass the key to anyone; the condition limits grants to AWS
//! services that need them (EBS, RDS…), as AWS's default key policy does. The key's own
//! account root delegates to IAM and is not reported; another account's root is: that
//! account can then hand the key's use to any of its principals, or further.

use super::kms::{self, KmsSet};
use super::principals::{home_account, is_root, root_account};
use super::{allows, Context};
use crate::code::Code;
use crate::diagnostic::Diagnostic;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let sets = cx.kms();
    // The key's own account: its root delegating to IAM is not a grant risk of this policy.
    let home = home_account(cx.policy, true).filter(|h| h.from_root);
    let own_root = |p: &crate::policy::PrincipalValue| {
        is_root(p)
            && home.as_ref().is_none_or(|h| {
                root_account(p.value.value).is_some_and(|account| account == h.account)
            })
    };
    for s in allows(cx) {
        let principals = s.principals();
        if principals.is_empty() || principals.iter().all(own_root) {
            continue;
        }
        // `kms:ViaService` also confines grants to one AWS service (AWS's managed-key idiom).
        if s.has_condition_key("kms:GrantIsForAWSResource") || s.has_condition_key("kms:ViaService")
        {
            continue;
        }
        let uses_key = sets.grants(s, KmsSet::Use);
        for token in sets.tokens_reaching(s, KmsSet::Grants) {
            // `kms:*` and `*` are reported on their own (K002, A001).
            if kms::is_every_kms_action(token.value) {
                continue;
            }
            // A broad administrator wildcard (AWS's `kms:Create*`) in a statement that does
            // not use the key is the key-administrators idiom: reported only when the
            // pattern reaches no administration (it is about grants) or the statement
            // also uses the key.
            let about_grants = sets.reached(token.value, KmsSet::Administration).is_empty();
            if !about_grants && !uses_key {
                continue;
            }
            let via = if token.value.eq_ignore_ascii_case("kms:CreateGrant") {
                String::new()
            } else {
                " (through a wildcard that reaches it)".to_string()
            };
            out.push(
                Diagnostic::new(
                    Code::K005,
                    token.span,
                    format!(
                        "`{}` allows kms:CreateGrant{via} without a `kms:GrantIsForAWSResource` condition: the holder can give this key's use to any principal",
                        token.value
                    ),
                )
                .help("add \"Condition\": {\"Bool\": {\"kms:GrantIsForAWSResource\": \"true\"}} so only AWS services integrated with KMS can create grants on the caller's behalf")
                .at(format!("{}/Action", s.pointer)),
            );
        }
    }
}
