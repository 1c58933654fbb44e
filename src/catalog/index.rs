//! Case-insensitive lookups of a name's position in one hash probe. Policies name services
//! and actions tens of thousands of times per run, and a binary search with case-folded
//! comparisons over hundreds of names costs several times a probe.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;

/// A [`NameIndex`] built once a list has been searched often enough to pay for it: a run
/// over one file looks a few names up, and a binary search costs it less than an index.
#[derive(Default)]
pub(super) struct LazyIndex {
    lookups: AtomicU32,
    index: OnceLock<NameIndex>,
}

impl LazyIndex {
    /// The index, or `None` for the first `searches` lookups, which the caller makes
    /// without it.
    pub(super) fn get<'a, I: ExactSizeIterator<Item = &'a str>>(
        &self,
        searches: u32,
        names: impl FnOnce() -> I,
    ) -> Option<&NameIndex> {
        if let Some(index) = self.index.get() {
            return Some(index);
        }
        if self.lookups.fetch_add(1, Ordering::Relaxed) < searches {
            return None;
        }
        Some(self.index.get_or_init(|| NameIndex::build(names())))
    }
}

/// Names by a hash that ignores ASCII case, pointing at their position in the caller's list:
/// an open-addressing table of (hash, position), which a probe reads without the general
/// hash map's machinery (the hash is already one).
pub(super) struct NameIndex {
    /// A power of two of slots, at least twice the names, so that runs stay short.
    slots: Box<[(u64, u32)]>,
}

/// Where two names of the list share a hash (or a position would not fit): the caller
/// searches the way it did without the index.
const SHARED: u32 = u32::MAX;
/// A slot no name took.
const FREE: u32 = u32::MAX - 1;

/// What the index knows about a name.
pub(super) enum Probe {
    /// The position of the only name with this hash, still to be compared with the name.
    At(usize),
    /// No name of the list has this hash, so none is equal to it.
    Absent,
    /// Several names share the hash: search another way.
    Unsure,
}

impl NameIndex {
    pub(super) fn build<'a>(names: impl ExactSizeIterator<Item = &'a str>) -> NameIndex {
        let len = (names.len() * 2).next_power_of_two().max(2);
        let mut slots = vec![(0, FREE); len].into_boxed_slice();
        for (i, name) in names.enumerate() {
            let at = u32::try_from(i)
                .ok()
                .filter(|&at| at < FREE)
                .unwrap_or(SHARED);
            let hash = caseless_hash(name);
            let slot = &mut slots[slot_of(&slots, hash)];
            *slot = match slot.1 {
                FREE => (hash, at),
                _ => (hash, SHARED),
            };
        }
        NameIndex { slots }
    }

    pub(super) fn probe(&self, name: &str) -> Probe {
        match self.slots[slot_of(&self.slots, caseless_hash(name))].1 {
            FREE => Probe::Absent,
            SHARED => Probe::Unsure,
            at => Probe::At(at as usize),
        }
    }
}

/// The slot that holds `hash`, or the free one where it would go: linear probing from the
/// hash's top bits (a multiplication mixes those best). The table is never full.
fn slot_of(slots: &[(u64, u32)], hash: u64) -> usize {
    let mask = slots.len() - 1;
    let mut i = (hash >> 32) as usize & mask;
    while slots[i].1 != FREE && slots[i].0 != hash {
        i = (i + 1) & mask;
    }
    i
}

/// A hash equal for names that differ only in ASCII case: eight bytes at a time, each with
/// bit 0x20 set, which folds `A`–`Z` onto `a`–`z` (it folds a few symbols together as well,
/// which only makes a shared hash, never a missed name).
fn caseless_hash(name: &str) -> u64 {
    const FOLD: u64 = 0x2020_2020_2020_2020;
    const SEED: u64 = 0x517c_c1b7_2722_0a95;
    // A multiplication carries differences only upwards: folding its top half back down
    // keeps names that differ in a word's last bytes (`Action104`, `Action204`) apart.
    let mix = |hash: u64, word: u64| {
        let product = (hash.rotate_left(5) ^ word).wrapping_mul(SEED);
        product ^ (product >> 32)
    };
    let bytes = name.as_bytes();
    let mut chunks = bytes.chunks_exact(8);
    let mut hash = bytes.len() as u64;
    for chunk in &mut chunks {
        let mut word = [0; 8];
        word.copy_from_slice(chunk);
        hash = mix(hash, u64::from_le_bytes(word) | FOLD);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut word = [0; 8];
        word[..rest.len()].copy_from_slice(rest);
        hash = mix(hash, u64::from_le_bytes(word) | FOLD);
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_does_not_change_the_hash() {
        assert_eq!(
            caseless_hash("DescribeInstances"),
            caseless_hash("describeINSTANCES")
        );
        assert_ne!(caseless_hash("Describe"), caseless_hash("DescribeX"));
        assert_ne!(caseless_hash("ab"), caseless_hash("ab\0"));
    }

    #[test]
    fn probes() {
        let names = ["Decrypt", "Encrypt", "decrypt"];
        let index = NameIndex::build(names.iter().copied());
        assert!(matches!(index.probe("ENCRYPT"), Probe::At(1)));
        assert!(matches!(index.probe("DECRYPT"), Probe::Unsure));
        assert!(matches!(index.probe("Sign"), Probe::Absent));
        let empty = NameIndex::build(std::iter::empty());
        assert!(matches!(empty.probe("Sign"), Probe::Absent));
    }

    #[test]
    fn every_name_of_a_long_list_is_found() {
        let names: Vec<String> = (0..1000).map(|i| format!("Action{i}")).collect();
        let index = NameIndex::build(names.iter().map(String::as_str));
        for (i, name) in names.iter().enumerate() {
            assert!(matches!(index.probe(&name.to_uppercase()), Probe::At(at) if at == i));
        }
        assert!(matches!(index.probe("Action1000"), Probe::Absent));
    }
}
