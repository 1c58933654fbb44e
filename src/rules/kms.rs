//! What KMS actions mean for a key: which are cryptographic use, which administer or
//! destroy the key, which hand it on, and which actions a statement's patterns reach.
//! The sets are data (`rules/kms-actions.toml`), read once per run against the run's
//! catalog and kept with the run's lookups ([`super::Lookups`]); the K rules ask
//! through `cx.kms()`.

use super::actions::StatementActions;
use super::lookup::Memo;
use crate::catalog::Catalog;
use crate::pattern::{cmp_ignore_case, wildcard_match, Wildcard};
use crate::policy::{Statement, Str};
use serde::Deserialize;
use std::borrow::Cow;
use std::cell::OnceCell;

const DATA: &str = include_str!("../../rules/kms-actions.toml");

/// A set of `rules/kms-actions.toml`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KmsSet {
    /// `use`: cryptographic use of the key.
    Use,
    /// `administration`: changing who controls the key, disabling or destroying it.
    Administration,
    /// `grants`: handing the key's use to other principals.
    Grants,
    /// `key-policy`: changing the key policy itself.
    KeyPolicy,
    /// `plaintext`: actions that return plaintext or data keys.
    Plaintext,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Data {
    #[serde(rename = "use")]
    use_: Vec<String>,
    administration: Vec<String>,
    grants: Vec<String>,
    key_policy: Vec<String>,
    plaintext: Vec<String>,
}

/// The KMS action sets, as positions in one list of names, with what the run's catalog
/// knows and the wildcard patterns already matched.
pub struct KmsActions {
    /// Every action a set names, once; its position is its bit.
    names: Vec<String>,
    /// The positions in `names`, by name ignoring case: a literal pattern is found by a
    /// binary search.
    by_name: Vec<usize>,
    /// Each set's members as positions in `names`, in the data's order (by [`KmsSet`]).
    sets: [Vec<usize>; 5],
    /// The actions the run's catalog knows: every one if it has no KMS service.
    known: Bits,
    /// What each pattern reaches: the same few (`kms:Decrypt`, `kms:Create*`,
    /// `kms:GenerateDataKey*`) recur in every key policy.
    patterns: Memo<Bits>,
}

impl KmsActions {
    /// The embedded sets, read against `catalog` (`--catalog`, or the embedded one).
    pub fn load(catalog: &Catalog) -> Result<Self, String> {
        let data: Data =
            toml::from_str(DATA).map_err(|e| format!("rules/kms-actions.toml: {e}"))?;
        let mut names: Vec<String> = Vec::new();
        let mut members = |list: Vec<String>| -> Result<Vec<usize>, String> {
            list.into_iter()
                .map(|name| {
                    if !name.starts_with("kms:") {
                        return Err(format!(
                            "rules/kms-actions.toml: `{name}` is not a kms: action"
                        ));
                    }
                    Ok(match names.iter().position(|n| *n == name) {
                        Some(i) => i,
                        None => {
                            names.push(name);
                            names.len() - 1
                        }
                    })
                })
                .collect()
        };
        let sets = [
            members(data.use_)?,
            members(data.administration)?,
            members(data.grants)?,
            members(data.key_policy)?,
            members(data.plaintext)?,
        ];
        if names.len() > Bits::CAPACITY {
            return Err(format!(
                "rules/kms-actions.toml names {} actions; the sets hold at most {}",
                names.len(),
                Bits::CAPACITY
            ));
        }
        let known = match catalog.service("kms") {
            Some(kms) => Bits::from_positions(
                names
                    .iter()
                    .enumerate()
                    .filter(|(_, a)| kms.action(short(a)).is_some())
                    .map(|(i, _)| i),
            ),
            None => Bits::all(names.len()),
        };
        let mut by_name: Vec<usize> = (0..names.len()).collect();
        by_name.sort_by(|&a, &b| cmp_ignore_case(&names[a], &names[b]));
        Ok(KmsActions {
            names,
            by_name,
            sets,
            known,
            patterns: Memo::default(),
        })
    }

    /// Every action name of the sets, for the test against the catalog.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.names.iter().map(String::as_str)
    }

    /// The members of `set`, in the data's order.
    pub fn members(&self, set: KmsSet) -> impl Iterator<Item = &str> {
        self.set(set).iter().map(|&i| self.names[i].as_str())
    }

    fn set(&self, set: KmsSet) -> &[usize] {
        &self.sets[set as usize]
    }

    /// The first member of `set` that `granted` holds.
    fn first_granted(&self, granted: &Bits, set: KmsSet) -> Option<&str> {
        self.set(set)
            .iter()
            .find(|&&i| granted.contains(i))
            .map(|&i| self.names[i].as_str())
    }

    /// The masks of a statement's `Action` tokens and what it grants, each string matched now
    /// (for a statement that is not the document's).
    fn statement_masks_now(&self, s: &Statement) -> StatementMasks {
        let tokens = s.actions().iter().map(|t| self.mask(t.value)).collect();
        let excluded = s.not_action.map(|member| s.strings_of(member));
        let excluded = excluded
            .as_deref()
            .map(|list| list.iter().map(|p| self.mask(p.value)));
        self.masks_of(tokens, excluded)
    }

    /// The masks of a statement's `Action` tokens and what it grants, read from its
    /// entries (`actions`), which carry each string's mask from the run's memo.
    fn statement_masks(&self, s: &Statement, actions: &StatementActions) -> StatementMasks {
        let listed = actions.listed();
        let tokens = listed.iter().map(|entry| entry.kms).collect();
        let excluded = s
            .not_action
            .map(|_| actions.all()[listed.len()..].iter().map(|entry| entry.kms));
        self.masks_of(tokens, excluded)
    }

    /// A statement's masks from its `Action` tokens' masks, or from the masks of what its
    /// `NotAction` excludes: a `NotAction` grants every action it does not exclude.
    fn masks_of(
        &self,
        tokens: Vec<Bits>,
        excluded: Option<impl Iterator<Item = Bits>>,
    ) -> StatementMasks {
        let granted = match excluded {
            Some(excluded) => {
                let mut all = Bits::default();
                for mask in excluded {
                    all.union_with(&mask);
                }
                all.complement(self.names.len())
            }
            None => union(&tokens),
        };
        StatementMasks { tokens, granted }
    }

    /// The members of `set` a pattern reaches and the run's catalog knows.
    pub fn reached(&self, pattern: &str, set: KmsSet) -> Vec<&str> {
        // Asked of every action of every statement (K009): most are settled here.
        if !may_name_kms(pattern) {
            return Vec::new();
        }
        let mask = self.mask(pattern);
        if mask.is_empty() {
            return Vec::new();
        }
        self.reached_by(mask, set).collect()
    }

    /// The members of `set` in `mask` that the run's catalog knows, in the data's order.
    fn reached_by(&self, mask: Bits, set: KmsSet) -> impl Iterator<Item = &str> {
        self.set(set)
            .iter()
            .filter(move |&&i| mask.contains(i) && self.known.contains(i))
            .map(|&i| self.names[i].as_str())
    }

    /// The known actions a pattern reaches.
    fn mask(&self, pattern: &str) -> Bits {
        if !may_name_kms(pattern) {
            return Bits::default();
        }
        // Matched once per thread: the same few patterns recur in every key policy, and a
        // probe of the memo costs less than a search of the names (no lock for these cheap ones).
        self.patterns
            .get_or_insert(pattern, || false, || self.matched(pattern))
    }

    /// [`KmsActions::mask`] worked out now, for a pattern that [`may_name_kms`].
    fn matched(&self, pattern: &str) -> Bits {
        if pattern.bytes().any(|b| b == b'*' || b == b'?') {
            // Compiled once for all the names: a pattern may be a megabyte long.
            let wanted = Wildcard::new(pattern);
            Bits::from_positions(
                self.names
                    .iter()
                    .enumerate()
                    .filter(|(_, a)| wanted.matches(a))
                    .map(|(i, _)| i),
            )
        } else {
            // `cmp_ignore_case` is equal exactly when `eq_ignore_ascii_case` is.
            let found = self
                .by_name
                .binary_search_by(|&i| cmp_ignore_case(&self.names[i], pattern));
            Bits::from_positions(found.ok().map(|at| self.by_name[at]))
        }
    }
}

/// The KMS actions of the sets that action string `pattern` reaches, as the run's memo of
/// action strings keeps them ([`super::lookup::read_action`]): the sets are read only
/// once a string may reach one.
pub(super) fn mask_of(lookups: &super::Lookups, pattern: &str) -> Bits {
    if !may_name_kms(pattern) {
        return Bits::default();
    }
    lookups.kms().matched(pattern)
}

/// Every position that one of `masks` holds.
fn union(masks: &[Bits]) -> Bits {
    let mut all = Bits::default();
    for mask in masks {
        all.union_with(mask);
    }
    all
}

/// What one statement's patterns reach, worked out once per document.
#[derive(Clone)]
pub struct StatementMasks {
    /// Per `Action` token, in order.
    tokens: Vec<Bits>,
    /// What an Allow of the statement grants: through `Action`, or through a `NotAction`
    /// that does not exclude it.
    granted: Bits,
}

/// The KMS action sets as one document's statements reach them ([`super::Context::kms`]).
/// The K rules ask several questions of every statement: each statement's patterns are
/// matched once, when the first is asked.
pub struct DocumentKms<'s, 'a> {
    sets: &'a KmsActions,
    cx: &'s super::Context<'a>,
}

impl<'s, 'a> DocumentKms<'s, 'a> {
    pub(super) fn new(sets: &'a KmsActions, cx: &'s super::Context<'a>) -> Self {
        DocumentKms { sets, cx }
    }

    /// The masks of `s`, worked out when first asked (C007 asks of a few statements of a
    /// document, the K rules of all); a statement of another document's, worked out now.
    fn masks(&self, s: &Statement) -> Cow<'s, StatementMasks> {
        let policy = self.cx.policy;
        let slots = self.cx.kms_masks.get_or_init(|| {
            (0..policy.statements.len())
                .map(|_| OnceCell::new())
                .collect()
        });
        let own = super::keys::statement_position(policy, s)
            .and_then(|i| Some((policy.statements.get(i)?, slots.get(i)?)));
        match own {
            // The document's own statement: its entries carry each string's mask.
            Some((own, slot)) => Cow::Borrowed(
                slot.get_or_init(|| self.sets.statement_masks(own, &self.cx.actions(own))),
            ),
            None => Cow::Owned(self.sets.statement_masks_now(s)),
        }
    }

    /// Every action name of the sets.
    pub fn names(&self) -> impl Iterator<Item = &'a str> {
        self.sets.names()
    }

    /// The members of `set`, in the data's order.
    pub fn members(&self, set: KmsSet) -> impl Iterator<Item = &'a str> {
        self.sets.members(set)
    }

    /// The members of `set` a pattern reaches and the run's catalog knows.
    pub fn reached(&self, pattern: &str, set: KmsSet) -> Vec<&'a str> {
        self.sets.reached(pattern, set)
    }

    /// The first member of `set` an Allow statement grants.
    pub fn grants_any(&self, s: &Statement, set: KmsSet) -> Option<&'a str> {
        self.sets.first_granted(&self.masks(s).granted, set)
    }

    /// Whether an Allow statement grants any member of `set`.
    pub fn grants(&self, s: &Statement, set: KmsSet) -> bool {
        self.grants_any(s, set).is_some()
    }

    /// The first action returning plaintext or data keys (the first in the data's order that
    /// the first such token reaches) that an Allow statement grants on every key it may
    /// reach: none when a condition picks keys or callers (an encryption context,
    /// `kms:ViaService`, an alias or a resource tag). K009's finding, which C007 leaves to it.
    pub fn every_key_use(&self, s: &Statement) -> Option<&'a str> {
        if s.conditions().iter().any(|c| narrows_keys(c.key.value)) {
            return None;
        }
        let masks = self.masks(s);
        // `"Action": "*"` is A001's: that policy grants everything, not just every key.
        s.actions()
            .iter()
            .zip(&masks.tokens)
            // Most tokens reach no KMS action: settled without walking the set.
            .filter(|(t, mask)| t.value != "*" && !mask.is_empty())
            .find_map(|(_, &mask)| self.sets.reached_by(mask, KmsSet::Plaintext).next())
    }

    /// Each `Action` token of a statement that reaches a member of `set` the run's catalog
    /// knows, with those members in the data's order: what [`DocumentKms::reached`] answers
    /// of each token, read from the statement's masks instead of matching every token again.
    pub fn reached_by_tokens<'t>(
        &self,
        s: &'t Statement,
        set: KmsSet,
    ) -> Vec<(Str<'t>, Vec<&'a str>)> {
        let masks = self.masks(s);
        s.actions()
            .iter()
            .zip(&masks.tokens)
            // Most tokens reach no KMS action: settled without walking the set.
            .filter(|(_, mask)| !mask.is_empty())
            .filter_map(|(t, &mask)| {
                let members: Vec<&'a str> = self.sets.reached_by(mask, set).collect();
                (!members.is_empty()).then_some((*t, members))
            })
            .collect()
    }

    /// The first `Action` token of a statement, other than those `skip` names, that reaches
    /// a member of `set` the run's catalog knows.
    pub fn first_token_reaching<'t>(
        &self,
        s: &'t Statement,
        set: KmsSet,
        skip: impl Fn(&str) -> bool,
    ) -> Option<Str<'t>> {
        let masks = self.masks(s);
        s.actions()
            .iter()
            .zip(&masks.tokens)
            .filter(|(t, mask)| !mask.is_empty() && !skip(t.value))
            .find(|(_, &mask)| self.sets.reached_by(mask, set).next().is_some())
            .map(|(t, _)| *t)
    }

    /// The `Action` tokens of a statement that reach a member of `set`.
    pub fn tokens_reaching<'t>(&self, s: &'t Statement, set: KmsSet) -> Vec<Str<'t>> {
        let masks = self.masks(s);
        let members = self.sets.set(set);
        s.actions()
            .iter()
            .zip(&masks.tokens)
            .filter(|(_, mask)| members.iter().any(|&i| mask.contains(i)))
            .map(|(t, _)| *t)
            .collect()
    }
}

/// Whether a pattern may reach a `kms:` action (every action of the sets is one).
#[inline]
fn may_name_kms(pattern: &str) -> bool {
    // A pattern whose first character is an ASCII byte that is neither `k` nor a wildcard
    // reaches none. Most actions stop here.
    match pattern.as_bytes().first() {
        Some(b'k' | b'K' | b'*' | b'?') => {}
        Some(b) if !b.is_ascii() => {}
        _ => return false,
    }
    // Most actions of a statement belong to other services: a literal ASCII service
    // prefix other than `kms` reaches no KMS action, and needs no lookup at all. Bytes,
    // not characters: asked of every action of every statement.
    let bytes = pattern.as_bytes();
    let service = memchr::memchr(b':', bytes).map_or(bytes, |at| &bytes[..at]);
    let literal_ascii = service
        .iter()
        .all(|&b| b.is_ascii() && b != b'*' && b != b'?');
    !literal_ascii || service.eq_ignore_ascii_case(b"kms")
}

/// A set of positions in [`KmsActions::names`], kept inline: the K rules work out a mask
/// for every KMS action of every statement, several times over.
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub(super) struct Bits([u64; 4]);

impl Bits {
    /// Positions past this are not kept ([`KmsActions::load`] refuses more names).
    const CAPACITY: usize = 4 * 64;

    fn from_positions(positions: impl IntoIterator<Item = usize>) -> Self {
        let mut bits = Bits::default();
        for i in positions {
            if let Some(word) = bits.0.get_mut(i / 64) {
                *word |= 1 << (i % 64);
            }
        }
        bits
    }

    fn all(len: usize) -> Self {
        Bits::from_positions(0..len)
    }

    fn contains(&self, i: usize) -> bool {
        self.0
            .get(i / 64)
            .is_some_and(|word| word & (1 << (i % 64)) != 0)
    }

    fn is_empty(&self) -> bool {
        self.0.iter().all(|&word| word == 0)
    }

    fn union_with(&mut self, other: &Bits) {
        for (word, other) in self.0.iter_mut().zip(&other.0) {
            *word |= other;
        }
    }

    /// The positions below `len` not in the set.
    fn complement(&self, len: usize) -> Bits {
        Bits::from_positions((0..len).filter(|&i| !self.contains(i)))
    }
}

/// Condition keys that tie key use to a calling service or to the data being protected.
/// Conditions that pick keys or callers without naming key ARNs.
pub fn narrows_keys(key: &str) -> bool {
    is_context_key(key)
        || key.eq_ignore_ascii_case("kms:resourcealiases")
        || key.eq_ignore_ascii_case("kms:requestalias")
        || starts_with_ignore_ascii_case(key, "aws:resourcetag/")
}

/// `*`, or a KMS ARN that matches every key (`arn:aws:kms:*:*:key/*`).
pub fn every_key(resource: &Str) -> bool {
    if resource.value == "*" {
        return true;
    }
    crate::policy::arn::split(resource.value).is_ok_and(|parts| {
        wildcard_match(parts.service.text, "kms")
            && matches!(parts.resource.text, "*" | "key/*" | "*/*")
    })
}

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

    fn kms() -> KmsActions {
        KmsActions::load(Catalog::embedded()).unwrap()
    }

    fn reaches(kms: &KmsActions, pattern: &str, action: &str) -> bool {
        let i = kms.names.iter().position(|n| n == action).unwrap();
        kms.mask(pattern).contains(i)
    }

    #[test]
    fn names_differ_ignoring_case() {
        let kms = kms();
        let mut names: Vec<String> = kms.names().map(str::to_ascii_lowercase).collect();
        let count = names.len();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), count);
    }

    #[test]
    fn every_name_of_the_data_is_in_the_embedded_catalog() {
        let kms = kms();
        let service = Catalog::embedded().service("kms").unwrap();
        let unknown: Vec<&str> = kms
            .names()
            .filter(|a| service.action(short(a)).is_none())
            .collect();
        assert!(unknown.is_empty(), "not in the catalog: {unknown:?}");
    }

    #[test]
    fn patterns_reach_what_iam_would_match() {
        let kms = kms();
        assert!(reaches(&kms, "kms:*", "kms:PutKeyPolicy"));
        assert!(reaches(&kms, "*", "kms:PutKeyPolicy"));
        assert!(reaches(&kms, "KMS:decrypt", "kms:Decrypt"));
        assert!(reaches(
            &kms,
            "kms:GenerateDataKey*",
            "kms:GenerateDataKeyPairWithoutPlaintext"
        ));
        assert!(!reaches(&kms, "kms:Create*", "kms:Decrypt"));
        assert!(!reaches(&kms, "s3:*", "kms:Decrypt") && !reaches(&kms, "kmsx:*", "kms:Decrypt"));
        assert!(
            reaches(&kms, "k?s:Decrypt", "kms:Decrypt")
                && reaches(&kms, "*:Decrypt", "kms:Decrypt")
        );
        assert_eq!(
            kms.reached("kms:Disable*", KmsSet::Administration),
            ["kms:DisableKey", "kms:DisableKeyRotation"]
        );
        assert!(kms
            .reached("kms:Nothing*", KmsSet::Administration)
            .is_empty());
    }

    /// `--catalog`: an action the run's catalog lacks is never reported as reached.
    #[test]
    fn the_run_catalog_decides_what_is_known() {
        let text = concat!(
            r#"{"source":"test","version":"1","services":1,"actions":2}"#,
            "\n",
            r#"{"prefix":"kms","name":"AWS Key Management Service","actions":[{"name":"DisableKey","access":"Write"},{"name":"Decrypt","access":"Write"}]}"#,
            "\n"
        );
        let catalog = Catalog::parse(text.into()).unwrap();
        let kms = KmsActions::load(&catalog).unwrap();
        assert_eq!(
            kms.reached("kms:Disable*", KmsSet::Administration),
            ["kms:DisableKey"]
        );
        assert_eq!(kms.reached("kms:*", KmsSet::Use), ["kms:Decrypt"]);
    }

    #[test]
    fn bits_past_one_word() {
        let bits = Bits::from_positions([3, 70, 130]);
        assert!(bits.contains(70) && bits.contains(130) && !bits.contains(71));
        let rest = bits.complement(131);
        assert!(!rest.contains(130) && rest.contains(129) && !rest.contains(131));
        let mut union = Bits::default();
        union.union_with(&bits);
        assert_eq!(union, bits);
        assert!(Bits::default().is_empty() && !bits.is_empty());
        // Past the capacity nothing is kept, and nothing breaks.
        let past = Bits::from_positions([Bits::CAPACITY, Bits::CAPACITY + 70]);
        assert!(past.is_empty() && !past.contains(Bits::CAPACITY));
    }
}
