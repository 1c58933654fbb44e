//! What KMS actions mean for a key: which are cryptographic use, which administer or
//! destroy the key, and which actions a statement's patterns reach. Shared by the K rules
//! and by the cross-document facts.

use crate::catalog::Catalog;
use crate::pattern::wildcard_match;
use crate::policy::{Statement, Str};

/// Cryptographic use of a key. (`static`, not `const`: one address, see [`member_bit`].)
pub static CRYPTO: &[&str] = &[
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
pub static ADMIN: &[&str] = &[
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
    // Compared in place: asked for every condition key, and most are not KMS's.
    starts_with_ignore_ascii_case(key, "kms:encryptioncontext:")
        || key.eq_ignore_ascii_case("kms:encryptioncontextkeys")
        || key.eq_ignore_ascii_case("kms:viaservice")
}

/// `text.to_ascii_lowercase().starts_with(prefix)` for a lower-case `prefix`, without
/// the copy.
pub fn starts_with_ignore_ascii_case(text: &str, prefix: &str) -> bool {
    text.as_bytes()
        .get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix.as_bytes()))
}

/// Every action the KMS rules ask about: a pattern is matched against these once and the
/// answer kept as a bit set (see [`mask`]).
fn universe() -> impl Iterator<Item = &'static str> {
    CRYPTO
        .iter()
        .chain(ADMIN)
        .chain(std::iter::once(&"kms:CreateGrant"))
        .copied()
}

/// The bit of a known action; 0 for any other.
fn bit(action: &str) -> u64 {
    let kms = action
        .get(..4)
        .is_some_and(|p| p.eq_ignore_ascii_case("kms:"));
    if !kms {
        return 0;
    }
    // The K rules ask about this module's own names many times per statement: those, and
    // policies spelled in AWS's case, are found by a binary search.
    let bits = bits_by_name();
    match bits.binary_search_by(|(name, _)| name.cmp(&action)) {
        Ok(i) => bits[i].1,
        Err(_) => bits
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(action))
            .map_or(0, |(_, bit)| *bit),
    }
}

/// The bit of a member of one of this module's sets: the sets are usually the very
/// constants of [`universe`], found by address before any string is compared.
fn member_bit(action: &str) -> u64 {
    universe()
        .position(|known| std::ptr::eq(known, action))
        .map_or_else(|| bit(action), |i| 1 << i)
}

/// Each action of [`universe`] with its bit, sorted by name.
fn bits_by_name() -> &'static [(&'static str, u64)] {
    static BITS: std::sync::OnceLock<Vec<(&'static str, u64)>> = std::sync::OnceLock::new();
    BITS.get_or_init(|| {
        let mut bits: Vec<_> = universe().enumerate().map(|(i, a)| (a, 1 << i)).collect();
        bits.sort_unstable();
        bits
    })
}

/// The known actions a pattern reaches, as a bit set.
fn mask(pattern: &str) -> u64 {
    // Every known action starts with `k`: a pattern whose first character is an ASCII
    // byte that is neither `k` nor a wildcard reaches none. Most actions stop here.
    match pattern.as_bytes().first() {
        Some(b'k' | b'K' | b'*' | b'?') => {}
        Some(b) if !b.is_ascii() => {}
        _ => return 0,
    }
    // Most actions of a statement belong to other services: a literal ASCII service
    // prefix other than `kms` reaches no KMS action, and needs no lookup at all.
    let service = memchr::memchr(b':', pattern.as_bytes()).map_or(pattern, |at| &pattern[..at]);
    if service.is_ascii() && !service.contains(['*', '?']) && !service.eq_ignore_ascii_case("kms") {
        return 0;
    }
    if pattern.contains(['*', '?']) {
        wildcard_mask(pattern)
    } else {
        bit(pattern)
    }
}

/// The known actions the action catalog also knows, so a curated name the catalog has
/// dropped or not yet learned is never reported.
fn in_catalog() -> u64 {
    static MASK: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    *MASK.get_or_init(|| match Catalog::embedded().service("kms") {
        Some(kms) => universe()
            .enumerate()
            .filter(|(_, a)| kms.action(short(a)).is_some())
            .fold(0, |m, (i, _)| m | 1 << i),
        None => u64::MAX,
    })
}

/// The same few wildcards (`kms:Create*`, `kms:GenerateDataKey*`) recur in every key
/// policy, so each thread keeps their masks; the cache is bounded by clearing it when it
/// grows large.
fn wildcard_mask(pattern: &str) -> u64 {
    use std::cell::RefCell;
    use std::collections::HashMap;
    thread_local! {
        static MASKS: RefCell<HashMap<String, u64>> = RefCell::new(HashMap::new());
    }
    MASKS.with(|cell| {
        if let Some(mask) = cell.borrow().get(pattern) {
            return *mask;
        }
        let mask = universe()
            .enumerate()
            .filter(|(_, a)| wildcard_match(pattern, a))
            .fold(0u64, |mask, (i, _)| mask | 1 << i);
        let mut masks = cell.borrow_mut();
        if masks.len() >= 4096 {
            masks.clear();
        }
        masks.insert(pattern.to_string(), mask);
        mask
    })
}

/// Whether the action pattern reaches `action`, one of the actions named in this module.
pub fn reaches(pattern: &str, action: &str) -> bool {
    mask(pattern) & member_bit(action) != 0
}

/// The known actions an Allow statement grants: through `Action`, or through a `NotAction`
/// that does not exclude them.
fn granted(s: &Statement) -> u64 {
    if let Some(member) = s.not_action {
        let excluded = crate::policy::strings(&member.value)
            .iter()
            .fold(0, |m, p| m | mask(p.value));
        return !excluded;
    }
    s.actions().iter().fold(0, |m, p| m | mask(p.value))
}

/// The first member of `set` the statement grants.
pub fn grants_any<'s>(s: &Statement, set: &[&'s str]) -> Option<&'s str> {
    let granted = granted(s);
    set.iter().copied().find(|a| granted & member_bit(a) != 0)
}

/// Whether an Allow statement grants `action`.
pub fn grants(s: &Statement, action: &str) -> bool {
    grants_any(s, &[action]).is_some()
}

/// The `Action` tokens of a statement that reach `action`.
pub fn tokens_reaching<'a>(s: &'a Statement, action: &str) -> Vec<Str<'a>> {
    s.actions()
        .iter()
        .copied()
        .filter(|p| reaches(p.value, action))
        .collect()
}

/// The members of `set` a pattern reaches and the action catalog knows.
pub fn reached<'s>(pattern: &str, set: &[&'s str]) -> Vec<&'s str> {
    let reached = mask(pattern) & in_catalog();
    if reached == 0 {
        return Vec::new();
    }
    set.iter()
        .copied()
        .filter(|a| reached & member_bit(a) != 0)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_known_action_has_a_bit() {
        assert!(universe().count() <= 64);
        assert!(universe().all(|a| bit(a) != 0));
    }

    #[test]
    fn a_member_has_its_bit_whether_found_by_address_or_by_name() {
        for action in universe() {
            let copy = action.to_string();
            assert_eq!(member_bit(action), bit(action));
            assert_eq!(member_bit(&copy), bit(action));
        }
        assert_eq!(member_bit("kms:NotAnAction"), 0);
    }

    #[test]
    fn patterns_reach_what_iam_would_match() {
        assert!(reaches("kms:*", "kms:PutKeyPolicy"));
        assert!(reaches("*", "kms:PutKeyPolicy"));
        assert!(reaches("KMS:decrypt", "kms:Decrypt"));
        assert!(reaches(
            "kms:GenerateDataKey*",
            "kms:GenerateDataKeyPairWithoutPlaintext"
        ));
        assert!(!reaches("kms:Create*", "kms:Decrypt"));
        assert!(!reaches("s3:*", "kms:Decrypt") && !reaches("kmsx:*", "kms:Decrypt"));
        assert!(reaches("k?s:Decrypt", "kms:Decrypt") && reaches("*:Decrypt", "kms:Decrypt"));
        assert!(reaches("KMS:Decrypt", "kms:Decrypt"));
        assert!(!reaches("s3:*", "kms:Decrypt"));
        assert_eq!(
            reached("kms:Disable*", ADMIN),
            ["kms:DisableKey", "kms:DisableKeyRotation"]
        );
        assert!(reached("kms:Nothing*", ADMIN).is_empty());
    }
}
