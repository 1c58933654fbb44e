//! Condition entries read once and asked about many times: each document's keys as the
//! catalog knows them and its operators' parts ([`DocumentKeys`], worked out once per entry
//! for the N rules that ask, nine for the key and fourteen for the operator), and which
//! condition keys each action of a service documents ([`ServiceKeys`], a bit per key and
//! action, built once per run and service).

use super::lookup::{condition_key, operator, KeyLookup, Operator};
use crate::catalog::{Action, Catalog, Service};
use crate::pattern::cmp_ignore_case;
use crate::policy::{ConditionEntry, Policy, Statement};
use rustc_hash::FxHashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

/// What the rules ask of one condition entry.
#[derive(Clone, Copy)]
pub struct EntryFacts<'c> {
    /// The key as the catalog knows it ([`condition_key`]).
    pub key: KeyLookup<'c>,
    /// The operator's parts ([`operator`]); `None` for an operator P014 reports.
    pub operator: Option<Operator>,
}

impl<'c> EntryFacts<'c> {
    pub fn of(catalog: &'c Catalog, s: &Statement, entry: &ConditionEntry) -> Self {
        EntryFacts {
            key: condition_key(catalog, s, entry.key.value),
            operator: operator(entry.operator.value),
        }
    }
}

/// The [`EntryFacts`] of every condition entry of one document, in statement then entry
/// order.
pub struct DocumentKeys<'c> {
    /// Where each statement's entries start in `keys`, and one past the last.
    starts: Vec<usize>,
    keys: Vec<EntryFacts<'c>>,
}

impl<'c> DocumentKeys<'c> {
    pub fn new(catalog: &'c Catalog, policy: &Policy) -> Self {
        let mut starts = Vec::with_capacity(policy.statements.len() + 1);
        let mut keys = Vec::new();
        for s in &policy.statements {
            starts.push(keys.len());
            keys.extend(
                s.conditions()
                    .iter()
                    .map(|entry| EntryFacts::of(catalog, s, entry)),
            );
        }
        starts.push(keys.len());
        DocumentKeys { starts, keys }
    }

    /// The facts of the statement at `index` of the policy, one per entry of its `Condition`.
    pub fn of(&self, index: usize) -> Option<&[EntryFacts<'c>]> {
        let (start, end) = (*self.starts.get(index)?, *self.starts.get(index + 1)?);
        self.keys.get(start..end)
    }
}

/// Where `s` stands in `policy.statements`, found by identity: the statement's own
/// `index` first (a statement array's position), then a search.
pub fn statement_position(policy: &Policy, s: &Statement) -> Option<usize> {
    let all = &policy.statements;
    if all.get(s.index).is_some_and(|at| std::ptr::eq(at, s)) {
        return Some(s.index);
    }
    all.iter().position(|at| std::ptr::eq(at, s))
}

/// Which condition keys each action of one service documents, itself or through one of its
/// resource types, as [`super::lookup::action_supports_key`] defines it: N002, N020 and N022
/// ask it for every action of every statement with a condition, and the catalog answers it
/// with a search per resource type and key.
pub struct ServiceKeys {
    /// The distinct key names the service's actions and resource types list, sorted
    /// ignoring case (as AWS compares keys).
    names: Vec<&'static str>,
    /// The exact spellings met, each with its name's place in `names`.
    spellings: FxHashMap<&'static str, usize>,
    /// `u64`s per action in `bits`.
    words: usize,
    /// Per action (in [`Service::actions`] order), a bit per name: set when it documents it.
    bits: Vec<u64>,
}

impl ServiceKeys {
    pub fn build(service: &Service) -> ServiceKeys {
        let listed = || {
            let of_actions = service.actions.iter().flat_map(|a| a.condition_keys.iter());
            of_actions.chain(
                service
                    .resource_types
                    .iter()
                    .flat_map(|r| r.condition_keys.iter()),
            )
        };
        // Names repeat from action to action: each spelling is sorted once.
        let mut spellings: FxHashMap<&'static str, usize> = FxHashMap::default();
        for &name in listed() {
            spellings.entry(name).or_default();
        }
        let mut names: Vec<&'static str> = spellings.keys().copied().collect();
        names.sort_unstable_by(|a, b| cmp_ignore_case(a, b));
        names.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
        for (spelling, place) in spellings.iter_mut() {
            *place = names
                .binary_search_by(|n| cmp_ignore_case(n, spelling))
                .unwrap_or_default();
        }
        let words = names.len().div_ceil(64);
        let set = |row: &mut [u64], name: &str| {
            if let Some(&i) = spellings.get(name) {
                row[i / 64] |= 1 << (i % 64);
            }
        };
        // Each resource type's keys as a row of bits, OR-ed into its actions' rows.
        let mut by_type = vec![0u64; service.resource_types.len() * words];
        for (row, r) in by_type
            .chunks_mut(words.max(1))
            .zip(service.resource_types.iter())
        {
            for name in r.condition_keys.iter() {
                set(row, name);
            }
        }
        // Each resource type spelling an action names, found as `Service::resource_type`
        // finds it (the first of that name, ignoring case) once.
        let mut types: FxHashMap<&str, Option<usize>> = FxHashMap::default();
        let mut bits = vec![0u64; service.actions.len() * words];
        for (row, action) in bits.chunks_mut(words.max(1)).zip(service.actions.iter()) {
            for name in action.condition_keys.iter() {
                set(row, name);
            }
            for r in action.resource_types.iter() {
                let found = *types.entry(r.name).or_insert_with(|| {
                    let all = &service.resource_types;
                    all.iter().position(|t| t.name.eq_ignore_ascii_case(r.name))
                });
                let Some(t) = found else {
                    continue;
                };
                for (word, from) in row.iter_mut().zip(&by_type[t * words..(t + 1) * words]) {
                    *word |= from;
                }
            }
        }
        ServiceKeys {
            names,
            spellings,
            words,
            bits,
        }
    }

    /// Where `key` (a catalog name) stands among the service's names: `None` when no action
    /// or resource type of the service lists it.
    pub fn key_position(&self, key: &str) -> Option<usize> {
        if let Some(&i) = self.spellings.get(key) {
            return Some(i);
        }
        self.names
            .binary_search_by(|n| cmp_ignore_case(n, key))
            .ok()
    }

    /// Whether the action at `action` in [`Service::actions`] documents the key at `key`
    /// (from [`ServiceKeys::key_position`]).
    pub fn supports(&self, action: usize, key: usize) -> bool {
        self.bits
            .get(action * self.words + key / 64)
            .is_some_and(|word| word & (1 << (key % 64)) != 0)
    }
}

/// A service's [`ServiceKeys`], built once the service has been asked about often enough to
/// pay for it: a statement with a condition asks about a few of its actions, and building
/// reads every key of every action.
#[derive(Default)]
pub struct ServiceSlot {
    /// Actions asked about without the index.
    asked: AtomicUsize,
    index: OnceLock<ServiceKeys>,
}

impl ServiceSlot {
    /// The index, or `None` while the service has been asked about fewer times than it has
    /// actions (roughly what building costs).
    fn index(&self, service: &Service) -> Option<&ServiceKeys> {
        if let Some(index) = self.index.get() {
            return Some(index);
        }
        if self.asked.fetch_add(1, Ordering::Relaxed) < service.actions.len() {
            return None;
        }
        Some(self.index.get_or_init(|| ServiceKeys::build(service)))
    }
}

/// Where `action` stands in `service.actions`, found by identity; `None` for an action
/// that is not the service's.
pub fn action_position(service: &Service, action: &Action) -> Option<usize> {
    let size = std::mem::size_of::<Action>();
    let offset = (action as *const Action as usize).wrapping_sub(service.actions.as_ptr() as usize);
    let i = offset / size;
    (offset.is_multiple_of(size)
        && service
            .actions
            .get(i)
            .is_some_and(|a| std::ptr::eq(a, action)))
    .then_some(i)
}

/// Asks, action by action, whether actions document one condition key, finding the
/// service's index and the key's place in it once per run of actions of the same service
/// (a statement's resolved actions come grouped by service).
pub struct KeySupport<'c> {
    lookups: &'c super::Lookups,
    key: &'c str,
    /// The service asked about last, its slot, and the key's place in its index once built.
    last: Option<Asked<'c>>,
}

/// A service, its slot, and the key's place in the slot's index once it is built.
type Asked<'c> = (&'c Service, Arc<ServiceSlot>, Option<Option<usize>>);

impl<'c> KeySupport<'c> {
    pub fn new(lookups: &'c super::Lookups, key: &'c str) -> Self {
        KeySupport {
            lookups,
            key,
            last: None,
        }
    }

    /// Whether `action` of `service` documents the key, itself or through one of its
    /// resource types.
    pub fn supports(&mut self, service: &'c Service, action: &'c Action) -> bool {
        let (slot, position) = match &mut self.last {
            Some((last, slot, position)) if std::ptr::eq(*last, service) => (slot, position),
            last => {
                let slot = self.lookups.service_slot(service.prefix);
                let (_, slot, position) = last.insert((service, slot, None));
                (slot, position)
            }
        };
        let index = match slot.index(service) {
            Some(index) => index,
            None => return super::lookup::action_supports_key(service, action, self.key),
        };
        let key = *position.get_or_insert_with(|| index.key_position(self.key));
        match (key, action_position(service, action)) {
            (None, _) => false,
            (Some(key), Some(i)) => index.supports(i, key),
            // Not one of the service's own actions: asked the slow way.
            (Some(_), None) => super::lookup::action_supports_key(service, action, self.key),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::lookup::action_supports_key;

    /// The index answers as the definition does for every action of every service of the
    /// embedded catalog, for each key the service lists, a global key it may not, and a
    /// spelling in another case.
    #[test]
    fn the_index_agrees_with_the_definition_on_the_whole_catalog() {
        let catalog = Catalog::embedded();
        let mut asked = 0;
        for service in catalog.services() {
            let index = ServiceKeys::build(service);
            let mut keys: Vec<String> = index.names.iter().map(|n| n.to_string()).collect();
            keys.extend(index.names.first().map(|n| n.to_ascii_uppercase()));
            keys.extend(
                ["aws:RequestTag/${TagKey}", "aws:SourceIp", "nosuch:Key"].map(String::from),
            );
            for key in &keys {
                let position = index.key_position(key);
                for (i, action) in service.actions.iter().enumerate() {
                    let fast = position.is_some_and(|k| index.supports(i, k));
                    assert_eq!(
                        fast,
                        action_supports_key(service, action, key),
                        "{}:{} {key}",
                        service.prefix,
                        action.name
                    );
                    assert_eq!(action_position(service, action), Some(i));
                    asked += 1;
                }
            }
        }
        assert!(asked > 100_000, "only {asked} questions");
    }

    /// Asked the slow way until the service has been asked about as often as it has
    /// actions, then through the index; the same answers either way.
    #[test]
    fn the_index_is_built_once_a_service_is_asked_enough() {
        let lookups = crate::rules::Lookups::new(None);
        let kms = lookups.catalog().service("kms").unwrap();
        let key = "kms:EncryptionContextKeys";
        let mut support = KeySupport::new(&lookups, key);
        for round in 0..2 {
            for action in kms.actions.iter() {
                assert_eq!(
                    support.supports(kms, action),
                    action_supports_key(kms, action, key),
                    "{}",
                    action.name
                );
            }
            let slot = lookups.service_slot("kms");
            assert_eq!(slot.index.get().is_some(), round == 1, "round {round}");
        }
    }

    #[test]
    fn an_action_of_another_service_has_no_position() {
        let catalog = Catalog::embedded();
        let (kms, s3) = (
            catalog.service("kms").unwrap(),
            catalog.service("s3").unwrap(),
        );
        assert_eq!(action_position(kms, &s3.actions[0]), None);
        let copy = kms.actions[0].clone();
        assert_eq!(action_position(kms, &copy), None);
    }
}
