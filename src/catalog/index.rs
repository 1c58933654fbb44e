//! Case-insensitive lookups of a name's position in one hash probe. Policies name services
//! and actions tens of thousands of times per run, and a binary search with case-folded
//! comparisons over hundreds of names costs several times a probe.

use rustc_hash::FxHashMap;
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

/// Names by a hash that ignores ASCII case, pointing at their position in the caller's list.
pub(super) struct NameIndex {
    positions: FxHashMap<u64, u32>,
}

/// Where two names of the list share a hash (or a position would not fit): the caller
/// searches the way it did without the index.
const SHARED: u32 = u32::MAX;

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
        let mut positions = FxHashMap::default();
        positions.reserve(names.len());
        for (i, name) in names.enumerate() {
            let at = u32::try_from(i).unwrap_or(SHARED);
            positions
                .entry(caseless_hash(name))
                .and_modify(|p| *p = SHARED)
                .or_insert(at);
        }
        NameIndex { positions }
    }

    pub(super) fn probe(&self, name: &str) -> Probe {
        match self.positions.get(&caseless_hash(name)) {
            None => Probe::Absent,
            Some(&SHARED) => Probe::Unsure,
            Some(&at) => Probe::At(at as usize),
        }
    }
}

/// A hash equal for names that differ only in ASCII case: eight bytes at a time, each with
/// bit 0x20 set, which folds `A`–`Z` onto `a`–`z` (it folds a few symbols together as well,
/// which only makes a shared hash, never a missed name).
fn caseless_hash(name: &str) -> u64 {
    const FOLD: u64 = 0x2020_2020_2020_2020;
    const SEED: u64 = 0x517c_c1b7_2722_0a95;
    let mix = |hash: u64, word: u64| (hash.rotate_left(5) ^ word).wrapping_mul(SEED);
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
    }
}
