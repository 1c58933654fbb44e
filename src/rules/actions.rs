//! Each statement's `Action` and `NotAction` strings, read once per document: how each
//! splits into service and name, whether it is a pattern, and what it names in the
//! catalog. A dozen rules ask this of every action string; [`super::Context::actions`]
//! answers them all from one parse and one catalog lookup per string.

use super::lookup::{read_action, ActionName, Lookups, Resolved};
use crate::catalog::Catalog;
use crate::json::Member;
use crate::policy::{Policy, Statement, Str};
use std::borrow::Cow;

/// One string of a statement's `Action` or `NotAction`.
#[derive(Clone)]
pub struct ActionEntry<'a> {
    /// The string as written, and where it stands.
    pub text: Str<'a>,
    /// The element it stands in: `Action` or `NotAction`.
    pub member: &'a Member<'a>,
    /// The string split at its first colon; `None` without one (`*`, `s3GetObject`).
    pub name: Option<ActionName<'a>>,
    /// Whether it holds `*` or `?` anywhere.
    pub wildcard: bool,
    /// What it names in the catalog.
    pub resolved: Resolved<'a>,
    /// The actions of the KMS sets it reaches (`rules/kms-actions.toml`).
    pub(super) kms: super::kms::Bits,
}

impl<'a> ActionEntry<'a> {
    fn new(lookups: &Lookups, catalog: &'a Catalog, member: &'a Member<'a>, text: Str<'a>) -> Self {
        // Split, tested for wildcards and looked up through one probe of the run's memo.
        let facts = read_action(lookups, catalog, text.value);
        ActionEntry {
            text,
            member,
            name: facts.colon.and_then(|at| ActionName::split_at(text, at)),
            wildcard: facts.wildcard,
            resolved: facts.resolved,
            kms: facts.kms,
        }
    }
}

/// One statement's entries: `Action`'s, in its order, then `NotAction`'s.
pub struct StatementActions<'s, 'a> {
    entries: Cow<'s, [ActionEntry<'a>]>,
    /// How many of `entries` come from `Action`.
    listed: usize,
}

impl<'s, 'a> StatementActions<'s, 'a> {
    /// A statement's entries, worked out now (for a statement that is not the document's).
    pub fn of(lookups: &Lookups, catalog: &'a Catalog, s: &Statement<'a>) -> Self {
        let mut entries = Vec::new();
        let listed = push_entries(lookups, catalog, s, &mut entries);
        StatementActions {
            entries: Cow::Owned(entries),
            listed,
        }
    }

    /// Every string of `Action` and `NotAction`.
    #[inline]
    pub fn all(&self) -> &[ActionEntry<'a>] {
        &self.entries
    }

    /// `Action`'s strings only, position for position as [`Statement::actions`] holds them.
    #[inline]
    pub fn listed(&self) -> &[ActionEntry<'a>] {
        &self.entries[..self.listed]
    }
}

/// Appends the entries of `s` (`Action`'s, then `NotAction`'s) and returns how many come
/// from `Action`.
fn push_entries<'a>(
    lookups: &Lookups,
    catalog: &'a Catalog,
    s: &Statement<'a>,
    out: &mut Vec<ActionEntry<'a>>,
) -> usize {
    let start = out.len();
    if let Some(member) = s.action {
        // `Action`'s strings as the statement already holds them.
        let entry = |&text| ActionEntry::new(lookups, catalog, member, text);
        out.extend(s.actions().iter().map(entry));
    }
    let listed = out.len() - start;
    if let Some(member) = s.not_action {
        let entry = |&text| ActionEntry::new(lookups, catalog, member, text);
        out.extend(s.strings_of(member).iter().map(entry));
    }
    listed
}

/// The entries of every statement of one document, in statement order.
pub struct Table<'a> {
    entries: Vec<ActionEntry<'a>>,
    /// Per statement: where its entries start and end, and how many come from `Action`
    /// (one read per question: rules ask for a statement's entries tens of times).
    spans: Vec<(usize, usize, usize)>,
}

impl<'a> Table<'a> {
    pub fn new(lookups: &Lookups, catalog: &'a Catalog, policy: &Policy<'a>) -> Self {
        // `NotAction` is rare: `Action`'s strings are nearly all of them.
        let count = policy.statements.iter().map(|s| s.actions().len()).sum();
        let mut entries = Vec::with_capacity(count);
        let mut spans = Vec::with_capacity(policy.statements.len());
        for s in &policy.statements {
            let start = entries.len();
            let listed = push_entries(lookups, catalog, s, &mut entries);
            spans.push((start, entries.len(), listed));
        }
        Table { entries, spans }
    }

    /// The entries of the statement at position `index` of the policy.
    #[inline]
    pub fn of(&self, index: usize) -> Option<StatementActions<'_, 'a>> {
        let (start, end, listed) = *self.spans.get(index)?;
        Some(StatementActions {
            entries: Cow::Borrowed(self.entries.get(start..end)?),
            listed,
        })
    }
}
