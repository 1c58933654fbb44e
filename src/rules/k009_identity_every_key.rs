//! K009 identity-every-key: an identity policy that allows decrypting or generating data
//! keys on `"Resource": "*"`. The role can then use every key in the account whose key
//! policy delegates to IAM (AWS's default), not just the one it needs.

use super::kms;
use super::{allows, Context};
use crate::code::Code;
use crate::diagnostic::Diagnostic;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for s in allows(cx) {
        // Only the first action reached is named.
        let Some(first) = cx.kms().every_key_use(s) else {
            continue;
        };
        for resource in s.resources().iter().filter(|r| kms::every_key(r)) {
            out.push(
                Diagnostic::new(
                    Code::K009,
                    resource.span,
                    format!(
                        "`{first}` on `{}`: this role can use every KMS key in the account whose key policy delegates to IAM, not only the key it needs",
                        resource.value
                    ),
                )
                .help("list the key ARNs (arn:aws:kms:region:account:key/key-id), or narrow with a `kms:ViaService` or `aws:ResourceTag/...` condition")
                .at(format!("{}/Resource", s.pointer)),
            );
        }
    }
}
