//! Condition entries read once and asked about many times: each document's keys as the
//! catalog knows them and its operators' parts ([`DocumentKeys`], worked out once per entry
//! for the N rules that ask, nine for the key and fourteen for the operator), and which
//! actions of a service document a condition key ([`KeyActions`], a bit per action, built
//! once per run, service and key).

use super::lookup::{condition_key, operator, KeyLookup, Matches, Operator};
use super::Lookups;
use crate::catalog::{Action, Service};
use crate::policy::{ConditionEntry, Policy, Statement};
use std::ops::Range;
use std::sync::Arc;

/// What the rules ask of one condition entry.
#[derive(Clone, Copy)]
pub struct EntryFacts<'c> {
    /// The key as the catalog knows it ([`condition_key`]).
    pub key: KeyLookup<'c>,
    /// The operator's parts ([`operator`]); `None` for an operator P014 reports.
    pub operator: Option<Operator>,
}

impl<'c> EntryFacts<'c> {
    pub fn of(lookups: &'c Lookups, s: &Statement, entry: &ConditionEntry) -> Self {
        EntryFacts {
            key: condition_key(lookups, s, entry.key.value),
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
    pub fn new(lookups: &'c Lookups, policy: &Policy) -> Self {
        let mut starts = Vec::with_capacity(policy.statements.len() + 1);
        let mut keys = Vec::new();
        for s in &policy.statements {
            starts.push(keys.len());
            keys.extend(
                s.conditions()
                    .iter()
                    .map(|entry| EntryFacts::of(lookups, s, entry)),
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
#[inline]
pub fn statement_position(policy: &Policy, s: &Statement) -> Option<usize> {
    let all = &policy.statements;
    if all.get(s.index).is_some_and(|at| std::ptr::eq(at, s)) {
        return Some(s.index);
    }
    all.iter().position(|at| std::ptr::eq(at, s))
}

/// Which actions of one service document one condition key, itself or through one of its
/// resource types, as [`super::lookup::action_supports_key`] defines it: a bit per action.
/// N002, N020 and N022 ask it of every action of every statement with a condition; a
/// statement's conditions use a few keys, so a column per key and service is built once
/// per run, when first asked.
pub struct KeyActions {
    /// Per action (in [`Service::actions`] order), a bit: set when it documents the key.
    bits: Vec<u64>,
}

impl KeyActions {
    pub fn build(service: &Service, key: &str) -> KeyActions {
        let same = |k: &&str| k.eq_ignore_ascii_case(key);
        // The resource types that list the key, each the first of its name (ignoring case),
        // as `Service::resource_type` finds it: usually none, and then only the actions' own
        // lists are read.
        let types: Vec<&str> = service
            .resource_types
            .iter()
            .filter(|t| t.condition_keys.iter().any(same))
            .filter(|t| {
                service
                    .resource_type(t.name)
                    .is_some_and(|first| std::ptr::eq(first, *t))
            })
            .map(|t| t.name)
            .collect();
        let mut bits = vec![0u64; service.actions.len().div_ceil(64)];
        for (i, action) in service.actions.iter().enumerate() {
            let through_type = || {
                action
                    .resource_types
                    .iter()
                    .any(|r| types.iter().any(|t| t.eq_ignore_ascii_case(r.name)))
            };
            if action.condition_keys.iter().any(same) || !types.is_empty() && through_type() {
                bits[i / 64] |= 1 << (i % 64);
            }
        }
        KeyActions { bits }
    }

    /// Whether the action at `action` in [`Service::actions`] documents the key.
    pub fn supports(&self, action: usize) -> bool {
        self.bits
            .get(action / 64)
            .is_some_and(|word| word & (1 << (action % 64)) != 0)
    }

    /// Whether any action at a position in `actions` documents the key: a word at a time.
    pub fn any_in(&self, actions: Range<usize>) -> bool {
        let (start, end) = (actions.start, actions.end);
        if start >= end {
            return false;
        }
        let (first, last) = (start / 64, (end - 1) / 64);
        (first..=last).any(|w| {
            let Some(&word) = self.bits.get(w) else {
                return false;
            };
            // The bits of the word inside `start..end`.
            let low = if w == first { start % 64 } else { 0 };
            let high = if w == last { (end - 1) % 64 } else { 63 };
            let mask = (u64::MAX >> (63 - high)) & (u64::MAX << low);
            word & mask != 0
        })
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

/// Asks whether actions document one condition key, finding the key's column of the
/// service once per run of actions of the same service (a statement's resolved actions
/// come grouped by service).
pub struct KeySupport<'c> {
    lookups: &'c super::Lookups,
    key: &'c str,
    /// The service asked about last, and the key's column for it.
    last: Option<(&'c Service, Arc<KeyActions>)>,
}

impl<'c> KeySupport<'c> {
    pub fn new(lookups: &'c super::Lookups, key: &'c str) -> Self {
        KeySupport {
            lookups,
            key,
            last: None,
        }
    }

    /// The key's column for `service`, kept while the same service is asked again.
    fn column(&mut self, service: &'c Service) -> &KeyActions {
        if !matches!(&self.last, Some((last, _)) if std::ptr::eq(*last, service)) {
            self.last = None;
        }
        let (lookups, key) = (self.lookups, self.key);
        let (_, column) = self
            .last
            .get_or_insert_with(|| (service, lookups.key_actions(service, key)));
        column
    }

    /// Whether `action` of `service` documents the key, itself or through one of its
    /// resource types.
    pub fn supports(&mut self, service: &'c Service, action: &'c Action) -> bool {
        match action_position(service, action) {
            Some(i) => self.column(service).supports(i),
            // Not one of the service's own actions: asked the slow way.
            None => super::lookup::action_supports_key(service, action, self.key),
        }
    }

    /// Whether any of the actions `found` matches documents the key: a run of a service's
    /// actions (`s3:*`) is answered a word of bits at a time.
    pub fn supports_any(&mut self, found: &Matches<'c>) -> bool {
        found
            .runs()
            .any(|(service, actions)| self.column(service).any_in(actions))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;
    use crate::rules::lookup::action_supports_key;

    /// The columns answer as the definition does for every action of every service of the
    /// embedded catalog, for each key the service lists, a global key it may not, and a
    /// spelling in another case; and a range of actions as its actions one by one.
    #[test]
    fn the_columns_agree_with_the_definition_on_the_whole_catalog() {
        let catalog = Catalog::embedded();
        let mut asked = 0;
        for service in catalog.services() {
            let of_actions = service.actions.iter().flat_map(|a| a.condition_keys.iter());
            let of_types = service
                .resource_types
                .iter()
                .flat_map(|r| r.condition_keys.iter());
            let mut keys: Vec<String> = of_actions.chain(of_types).map(|n| n.to_string()).collect();
            keys.sort_unstable();
            keys.dedup();
            keys.extend(keys.first().map(|n| n.to_ascii_uppercase()));
            keys.extend(
                ["aws:RequestTag/${TagKey}", "aws:SourceIp", "nosuch:Key"].map(String::from),
            );
            for key in &keys {
                let column = KeyActions::build(service, key);
                let one_by_one: Vec<bool> = service
                    .actions
                    .iter()
                    .map(|action| action_supports_key(service, action, key))
                    .collect();
                for (i, action) in service.actions.iter().enumerate() {
                    assert_eq!(
                        column.supports(i),
                        one_by_one[i],
                        "{}:{} {key}",
                        service.prefix,
                        action.name
                    );
                    assert_eq!(action_position(service, action), Some(i));
                    asked += 1;
                }
                // Ranges that start and end inside, at and across words.
                let n = service.actions.len();
                for (start, end) in [(0, n), (1, n), (0, n / 2), (n / 3, n), (63, 65), (64, 128)] {
                    let (start, end) = (start.min(n), end.min(n));
                    assert_eq!(
                        column.any_in(start..end),
                        one_by_one[start..end].iter().any(|&b| b),
                        "{} {key} {start}..{end}",
                        service.prefix
                    );
                }
            }
        }
        assert!(asked > 100_000, "only {asked} questions");
    }

    /// A range is answered by the bits inside it only, whatever words it spans.
    #[test]
    fn any_in_reads_only_the_range() {
        for set in [0, 1, 62, 63, 64, 65, 127, 128, 190] {
            let mut column = KeyActions { bits: vec![0; 3] };
            column.bits[set / 64] |= 1 << (set % 64);
            for start in 0..=192 {
                for end in start..=192 {
                    assert_eq!(
                        column.any_in(start..end),
                        (start..end).contains(&set),
                        "{set} in {start}..{end}"
                    );
                }
            }
            // A range that ends before it starts holds nothing.
            let (start, end) = (150, 140);
            assert!(!column.any_in(start..end));
            assert!(column.any_in(0..1000));
        }
    }

    /// Through the run's lookups: one action at a time, or a whole pattern's matches, the
    /// same answers as the definition.
    #[test]
    fn key_support_answers_as_the_definition() {
        let lookups = crate::rules::Lookups::new(None);
        let catalog = lookups.catalog();
        let mut answers = [0; 2];
        for (pattern, key) in [
            ("kms:*", "kms:EncryptionContextKeys"),
            ("s3:Get*", "s3:TlsVersion"),
            ("s3:*", "kms:ViaService"),
            ("ec2:*", "aws:ResourceTag/${TagKey}"),
            ("ec2:RunInstances", "ec2:InstanceType"),
            ("*:Get*", "iam:PassedToService"),
        ] {
            let found = match super::super::lookup::resolve_in(&lookups, catalog, pattern) {
                super::super::lookup::Resolved::Actions(found) => found,
                _ => panic!("{pattern} names actions"),
            };
            assert!(!found.is_empty(), "{pattern}");
            let mut support = KeySupport::new(&lookups, key);
            let mut any = false;
            for (service, action) in found.iter() {
                let expected = action_supports_key(service, action, key);
                assert_eq!(
                    support.supports(service, action),
                    expected,
                    "{}",
                    action.name
                );
                any |= expected;
            }
            assert_eq!(
                KeySupport::new(&lookups, key).supports_any(&found),
                any,
                "{pattern} {key}"
            );
            answers[usize::from(any)] += 1;
        }
        assert!(answers.iter().all(|&n| n > 0), "{answers:?}");
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
