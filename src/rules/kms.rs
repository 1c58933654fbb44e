//! What KMS actions mean for a key: which are cryptographic use, which administer or
//! destroy the key, and which actions a statement's patterns reach. Shared by the K rules
//! and by the cross-document facts.

use crate::catalog::Catalog;
use crate::pattern::wildcard_match;
use crate::policy::{Statement, Str};

/// Cryptographic use of a key.
pub const CRYPTO: &[&str] = &[
    "kms:Encrypt",
    "kms:Decrypt",
    "kms:ReEncryptFrom",
    "kms:ReEncryptTo",
    "kms:GenerateDataKey",
    "kms:GenerateDataKeyPair",
    "kms:GenerateDataKeyPairWithoutPlaintext",
    "kms:GenerateDataKeyWithoutPlaintext",
    "kms:Sign",
    "kms:Verify",
    "kms:GenerateMac",
    "kms:VerifyMac",
    "kms:DeriveSharedSecret",
];

/// Actions that change who controls the key, or disable or destroy it. A principal that
/// also uses the key should not hold them (separation of duties).
pub const ADMIN: &[&str] = &[
    "kms:PutKeyPolicy",
    "kms:ScheduleKeyDeletion",
    "kms:CancelKeyDeletion",
    "kms:DisableKey",
    "kms:EnableKey",
    "kms:DisableKeyRotation",
    "kms:EnableKeyRotation",
    "kms:RotateKeyOnDemand",
    "kms:DeleteImportedKeyMaterial",
    "kms:ImportKeyMaterial",
    "kms:UpdateKeyDescription",
    "kms:UpdatePrimaryRegion",
    "kms:ReplicateKey",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:CreateAlias",
    "kms:DeleteAlias",
    "kms:UpdateAlias",
];

/// Condition keys that tie key use to a calling service or to the data being protected.
pub fn is_context_key(key: &str) -> bool {
    let lower = key.to_ascii_lowercase();
    lower.starts_with("kms:encryptioncontext:")
        || lower == "kms:encryptioncontextkeys"
        || lower == "kms:viaservice"
}

/// Whether the action pattern reaches `action` (`kms:Decrypt`).
pub fn reaches(pattern: &str, action: &str) -> bool {
    wildcard_match(pattern, action)
}

/// Whether an Allow statement grants `action`: through `Action`, or through a `NotAction`
/// that does not exclude it.
pub fn grants(s: &Statement, action: &str) -> bool {
    if let Some(member) = s.not_action {
        let excluded = crate::policy::strings(&member.value)
            .iter()
            .any(|p| reaches(p.value, action));
        return !excluded;
    }
    s.actions().iter().any(|p| reaches(p.value, action))
}

/// The `Action` tokens of a statement that reach `action`.
pub fn tokens_reaching<'a>(s: &'a Statement, action: &str) -> Vec<Str<'a>> {
    s.actions()
        .into_iter()
        .filter(|p| reaches(p.value, action))
        .collect()
}

/// The members of `set` a pattern reaches, spelled as the catalog spells them when it
/// knows the pattern (so a wildcard is shown with its real expansion).
pub fn reached<'s>(pattern: &str, set: &[&'s str]) -> Vec<&'s str> {
    let known: Vec<String> = Catalog::embedded()
        .expand(pattern)
        .into_iter()
        .map(|(service, action)| format!("{}:{}", service.prefix, action.name))
        .collect();
    set.iter()
        .copied()
        .filter(|a| reaches(pattern, a))
        .filter(|a| known.is_empty() || known.iter().any(|k| k.eq_ignore_ascii_case(a)))
        .collect()
}

/// `kms:*` or `*`: every KMS action at once.
pub fn is_every_kms_action(pattern: &str) -> bool {
    pattern == "*" || pattern.eq_ignore_ascii_case("kms:*")
}

/// The action name without its `kms:` prefix, for messages.
pub fn short(action: &str) -> &str {
    action.strip_prefix("kms:").unwrap_or(action)
}
