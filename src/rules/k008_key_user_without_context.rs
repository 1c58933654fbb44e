//! K008 key-user-without-context: a key-user statement (cryptographic actions for a
//! principal other than the account root) with no encryption-context or `kms:ViaService`
//! condition. A suggestion: binding use to a service or to the data narrows what a
//! leaked credential can decrypt.

use super::kms::{self, KmsSet};
use super::principals::is_root;
use super::{allows, Context};
use crate::code::Code;
use crate::diagnostic::Diagnostic;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for s in allows(cx) {
        let principals = s.principals();
        // Key users are IAM principals; service principals are T003's concern.
        let users = principals.iter().any(|p| p.has_type("AWS") && !is_root(p));
        if !users {
            continue;
        }
        if s.conditions()
            .iter()
            .any(|c| kms::is_context_key(c.key.value))
        {
            continue;
        }
        // `kms:*` is K002's; the first token that reaches a cryptographic action carries it.
        let Some(token) = cx
            .kms()
            .first_token_reaching(s, KmsSet::Use, kms::is_every_kms_action)
        else {
            continue;
        };
        out.push(
            Diagnostic::new(
                Code::K008,
                token.span,
                [
                    "this key-user statement allows `",
                    token.value,
                    "` with no `kms:EncryptionContext:*` or `kms:ViaService` condition: it works for any data and from any caller path",
                ]
                .concat(),
            )
            .help("where the application allows it, add a condition such as \"StringEquals\": {\"kms:ViaService\": \"s3.us-east-1.amazonaws.com\"} or \"kms:EncryptionContext:tenant\": \"...\"")
            .at([s.pointer.as_str(), "/Action"].concat()),
        );
    }
}
