//! `iamlint diff`: does a new version of a policy allow a request the old one denies?
//!
//! Built on the access engine ([`crate::access`]): each new `Allow` statement is cut into
//! pieces (one resource value × one principal, with its conditions) and asked, per catalog
//! action it grants, whether an old `Allow` covers the piece (action named, resources and
//! principals wider, conditions implied) and whether every old `Deny` that could take part
//! of it away is still there (a new `Deny` covering it). What stays uncovered is new access:
//! one change per statement token and reason, with an example request found by searching a
//! few candidates and checking them against both documents ([`witness`]).
//!
//! Sound first: every comparison answers "covers" only when it is sure, so anything out of
//! reach (an operator it does not compare, a policy variable, a `NotPrincipal`) comes out
//! as possible new access with the reason, never as a silent pass.

pub mod condition;
pub mod files;
pub mod region;
pub mod render;
pub mod shape;
pub mod witness;

use crate::access::{Actions, Grant, Principals, Resources};
use crate::catalog::Catalog;
use crate::json::Span;
use crate::policy::Str;
use region::{Piece, Side, Where, Who};
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;
use shape::Shape;
pub use witness::Witness;

/// Why a new statement grants something the old document did not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reason {
    /// No old `Allow` names the action.
    WiderAction,
    /// Old statements grant the action, on fewer resources.
    WiderResource,
    /// Old statements grant it, to fewer principals.
    NewPrincipal,
    /// Old statements grant it under a condition the new one drops or loosens.
    LooserCondition,
    /// An old `Deny` that took part of it away is gone or narrower.
    RemovedDeny,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::WiderAction => "wider action",
            Reason::WiderResource => "wider resource",
            Reason::NewPrincipal => "new principal",
            Reason::LooserCondition => "looser condition",
            Reason::RemovedDeny => "removed or narrowed Deny",
        }
    }
}

/// An old statement, for "closest".
#[derive(Clone, Debug)]
pub struct Closest {
    pub pointer: String,
    pub sid: Option<String>,
    pub span: Span,
    /// What it grants or denies, in words.
    pub summary: String,
}

/// One piece of new access, at the new statement's token.
#[derive(Clone, Debug)]
pub struct Change {
    pub reason: Reason,
    /// The new statement's pointer (`/Statement/2`) and Sid.
    pub pointer: String,
    pub sid: Option<String>,
    /// The token that grants it, in the document's coordinates.
    pub span: Span,
    pub token: String,
    /// The catalog actions newly granted through it (names outside the catalog as written).
    pub actions: Vec<String>,
    pub why: String,
    pub witness: Option<Witness>,
    pub closest: Option<Closest>,
}

/// Statements equal in meaning up to order, Sid and the case of action names.
fn canonical(g: &Grant, variables: bool) -> String {
    let sorted = |mut v: Vec<String>| {
        v.sort();
        v.dedup();
        v.join("\u{1}")
    };
    let strs = |v: &[Str], lower: bool| {
        sorted(
            v.iter()
                .map(|s| match lower {
                    true => s.value.to_ascii_lowercase(),
                    false => s.value.to_string(),
                })
                .collect(),
        )
    };
    let actions = match &g.actions {
        Actions::Listed(v) => format!("A{}", strs(v, true)),
        Actions::Except { excluded, .. } => format!("N{}", strs(excluded, true)),
        Actions::Unstated => "-".into(),
    };
    let resources = match &g.resources {
        Resources::Listed(v) => format!("R{}", strs(v, false)),
        Resources::Except { excluded, .. } => format!("N{}", strs(excluded, false)),
        Resources::Unstated => "-".into(),
    };
    let who = |ps: &[crate::policy::PrincipalValue]| {
        sorted(
            ps.iter()
                .map(|p| format!("{}={}", p.kind.map_or("", |k| k.value), p.value.value))
                .collect(),
        )
    };
    let principals = match &g.principals {
        Principals::Listed(ps) => format!("P{}", who(ps)),
        Principals::Except(ps) => format!("N{}", who(ps)),
        Principals::Unstated => "-".into(),
    };
    let conditions = sorted(
        g.conditions
            .iter()
            .map(|c| {
                let values = sorted(c.values.iter().map(|(v, _)| v.clone()).collect());
                format!(
                    "{}\u{2}{}\u{2}{values}",
                    c.operator.value,
                    c.key.value.to_ascii_lowercase()
                )
            })
            .collect(),
    );
    format!("{variables}\u{3}{actions}\u{3}{resources}\u{3}{principals}\u{3}{conditions}")
}

/// Which statements name an action, found by the literal service part of their patterns:
/// one statement with a thousand patterns is asked about thousands of actions.
struct Namer<'g> {
    grants: Vec<Index<'g>>,
}

enum Index<'g> {
    Listed {
        by_service: FxHashMap<String, Vec<&'g str>>,
        /// Patterns whose service part has a wildcard.
        any: Vec<&'g str>,
    },
    /// `NotAction` or no action element: asked of the statement itself.
    Other,
}

impl<'g> Namer<'g> {
    fn of(grants: &'g [Grant]) -> Namer<'g> {
        let index = |g: &'g Grant| match &g.actions {
            Actions::Listed(patterns) => {
                let mut by_service: FxHashMap<String, Vec<&'g str>> = FxHashMap::default();
                let mut any = Vec::new();
                for p in patterns.iter() {
                    match p.value.split_once(':') {
                        Some((service, _)) if !service.contains(['*', '?']) => by_service
                            .entry(service.to_ascii_lowercase())
                            .or_default()
                            .push(p.value),
                        _ => any.push(p.value),
                    }
                }
                Index::Listed { by_service, any }
            }
            _ => Index::Other,
        };
        Namer {
            grants: grants.iter().map(index).collect(),
        }
    }

    fn names(&self, grants: &[Grant], i: usize, action: &str) -> bool {
        match &self.grants[i] {
            Index::Listed { by_service, any } => {
                let service = action.split_once(':').map_or(action, |(s, _)| s);
                let matches = |p: &&str| crate::access::action_matches(p, action);
                let listed = match service.bytes().any(|b| b.is_ascii_uppercase()) {
                    true => by_service.get(&service.to_ascii_lowercase()),
                    false => by_service.get(service),
                };
                listed.is_some_and(|ps| ps.iter().any(matches)) || any.iter().any(matches)
            }
            Index::Other => grants[i].token_for(action).is_some(),
        }
    }
}

struct Prepared<'s, 'a> {
    piece: Piece<'s, 'a>,
    /// Old `Allow` statements that cover the piece whatever the action.
    covering: Vec<usize>,
    /// New `Deny` statements that take the whole piece away.
    removed: Vec<usize>,
    /// The piece cut by a condition's values, each with its covering statements.
    splits: Vec<Vec<usize>>,
    /// For each old `Allow`: whether its resources, principals and conditions cover the
    /// piece (for saying why it is new).
    fits: Vec<[bool; 3]>,
}

#[derive(Default)]
struct Group {
    /// In the order met, possibly repeated across pieces: sorted once at the end.
    actions: Vec<String>,
    /// (action, piece) pairs to search an example request in.
    samples: Vec<(String, usize)>,
    closest: Option<usize>,
    closest_is_deny: bool,
    span: Option<Span>,
    token: String,
    note: Option<String>,
}

/// Every piece of access `new` grants that `old` did not.
pub fn compare(old: &Side, new: &Side, catalog: &Catalog) -> Vec<Change> {
    let old_allows: FxHashSet<String> = old
        .access
        .allows
        .iter()
        .map(|g| canonical(g, old.variables))
        .collect();
    let new_denies: FxHashSet<String> = new
        .access
        .denies
        .iter()
        .map(|g| canonical(g, new.variables))
        .collect();
    let (old_namer, deny_namer) = (Namer::of(&old.access.allows), Namer::of(&new.access.denies));
    let mut groups: FxHashMap<(usize, usize, Reason), Group> = FxHashMap::default();
    for (si, s) in new.access.allows.iter().enumerate() {
        let covering = |piece: &Piece| -> Vec<usize> {
            (old.access.allows.iter().enumerate())
                .filter(|(_, t)| region::covers(t, old, piece, new))
                .map(|(i, _)| i)
                .collect()
        };
        let prepared: Vec<Prepared> = if old_allows.contains(&canonical(s, new.variables)) {
            Vec::new()
        } else {
            Piece::all(s)
                .into_iter()
                .map(|piece| Prepared {
                    covering: covering(&piece),
                    removed: (new.access.denies.iter().enumerate())
                        .filter(|(_, d)| region::covers(d, new, &piece, new))
                        .map(|(i, _)| i)
                        .collect(),
                    splits: piece.split().iter().map(covering).collect(),
                    fits: old
                        .access
                        .allows
                        .iter()
                        .map(|t| fit(t, &piece, old, new))
                        .collect(),
                    piece,
                })
                .collect()
        };
        if !prepared.is_empty() {
            for name in actions_of(s, catalog) {
                let a = name.as_str();
                for (pi, p) in prepared.iter().enumerate() {
                    let named_by = |ids: &[usize]| {
                        ids.iter()
                            .any(|&t| old_namer.names(&old.access.allows, t, a))
                    };
                    if p.removed
                        .iter()
                        .any(|&d| deny_namer.names(&new.access.denies, d, a))
                        || named_by(&p.covering)
                        || (!p.splits.is_empty() && p.splits.iter().all(|c| named_by(c)))
                    {
                        continue;
                    }
                    record(&mut groups, si, pi, a, s, &p.piece, &p.fits, old, new);
                }
            }
            outside_catalog(&mut groups, si, s, &prepared, old, new, catalog);
        }
    }
    removed_denies(&mut groups, old, new, &new_denies, catalog);
    finish(groups, old, new)
}

fn fit(t: &Grant, piece: &Piece, old: &Side, new: &Side) -> [bool; 3] {
    [
        region::resource_covered(&t.resources, old.variables, &piece.resource, new.variables),
        region::principal_covered(&t.principals, &piece.principal),
        region::conditions_implied(
            &t.conditions,
            &piece.conditions,
            old.variables == new.variables,
        ),
    ]
}

/// The catalog actions a statement names (`NotAction`: all the others), as `service:Action`.
fn actions_of(g: &Grant, catalog: &Catalog) -> Vec<String> {
    match &g.actions {
        Actions::Listed(patterns) => {
            let mut out: Vec<String> = patterns
                .iter()
                .flat_map(|p| catalog.expand(p.value))
                .map(|(s, a)| format!("{}:{}", s.prefix, a.name))
                .collect();
            out.sort_unstable();
            out.dedup();
            out
        }
        Actions::Except { .. } => catalog
            .services()
            .flat_map(|s| {
                s.actions
                    .iter()
                    .map(move |a| format!("{}:{}", s.prefix, a.name))
            })
            .filter(|name| g.token_for(name).is_some())
            .collect(),
        Actions::Unstated => Vec::new(),
    }
}

/// Which old statement comes closest to granting `a` in `piece`, and so why it is new.
#[allow(clippy::too_many_arguments)]
fn record(
    groups: &mut FxHashMap<(usize, usize, Reason), Group>,
    si: usize,
    pi: usize,
    a: &str,
    s: &Grant,
    piece: &Piece,
    fits: &[[bool; 3]],
    old: &Side,
    new: &Side,
) {
    let action_token = s.token_for(a);
    let mut best: Option<(usize, [bool; 3])> = None;
    for (ti, t) in old.access.allows.iter().enumerate() {
        if t.token_for(a).is_none() {
            continue;
        }
        let fit = fits[ti];
        let score = |f: &[bool; 3]| f.iter().filter(|x| **x).count();
        if best.as_ref().is_none_or(|(_, b)| score(&fit) > score(b)) {
            best = Some((ti, fit));
        }
    }
    let fallback = action_token.map(|t| (t.span, t.value.to_string()));
    let (reason, token, closest, note) = match best {
        None => (Reason::WiderAction, fallback, None, None),
        Some((ti, [false, ..])) => {
            let token = match piece.resource {
                Where::Value(v) => Some((v.span, v.value.to_string())),
                Where::Except(_) => s
                    .statement
                    .not_resource
                    .map(|m| (m.key_span, m.key.to_string())),
                Where::Any => fallback,
            };
            let note = piece
                .resource_text()
                .filter(|r| r.contains("${"))
                .map(|_| "a policy variable in a resource is compared as written".to_string());
            (Reason::WiderResource, token, Some(ti), note)
        }
        Some((ti, [true, false, _])) => {
            let token = match piece.principal {
                Who::Value(p) => Some((p.value.span, p.value.value.to_string())),
                Who::Except(_) => s
                    .statement
                    .not_principal
                    .map(|m| (m.key_span, m.key.to_string())),
                Who::Anyone => fallback,
            };
            (Reason::NewPrincipal, token, Some(ti), None)
        }
        Some((ti, _)) => {
            let t = &old.access.allows[ti];
            let missing = t.conditions.iter().find(|w| {
                !piece
                    .conditions
                    .iter()
                    .any(|g| condition::implies(g, w, old.variables == new.variables))
            });
            let loosened = missing.and_then(|w| {
                piece
                    .conditions
                    .iter()
                    .find(|g| g.key.value.eq_ignore_ascii_case(w.key.value))
            });
            let token = match loosened {
                Some(c) => Some((c.key.span, c.key.value.to_string())),
                None => s
                    .statement
                    .condition
                    .or(s.statement.effect)
                    .map(|m| (m.key_span, m.key.to_string()))
                    .or(fallback),
            };
            let note = missing.map(|w| match loosened {
                Some(c) => format!("{} is looser than the old {}", c.describe(), w.describe()),
                None => format!("the old condition {} is gone", w.describe()),
            });
            (Reason::LooserCondition, token, Some(ti), note)
        }
    };
    let Some((span, text)) = token else { return };
    let group = groups.entry((si, span.start, reason)).or_default();
    if group.actions.last().is_none_or(|l| l != a) {
        if group.samples.len() < 3 {
            group.samples.push((a.to_string(), pi));
        }
        group.actions.push(a.to_string());
    }
    if group.span.is_none() {
        group.span = Some(span);
        group.token = text;
        group.closest = closest;
        group.note = note;
    }
}

/// Action names the catalog does not list: a new pattern or `NotAction` must be covered by
/// an old one as a pattern.
fn outside_catalog(
    groups: &mut FxHashMap<(usize, usize, Reason), Group>,
    si: usize,
    s: &Grant,
    prepared: &[Prepared],
    old: &Side,
    _new: &Side,
    catalog: &Catalog,
) {
    let lower = |t: &str| Shape::text(&t.to_ascii_lowercase(), false);
    let covered_by = |t: &Grant, wanted: &Actions| match (&t.actions, wanted) {
        (Actions::Listed(ts), Actions::Listed(ws)) => ws
            .iter()
            .all(|w| ts.iter().any(|t| lower(t.value).covers(&lower(w.value)))),
        (Actions::Listed(ts), Actions::Except { .. }) => ts.iter().any(|t| t.value == "*"),
        (Actions::Except { excluded: ys, .. }, Actions::Except { excluded: xs, .. }) => ys
            .iter()
            .all(|y| xs.iter().any(|x| lower(x.value).covers(&lower(y.value)))),
        (Actions::Except { excluded: ys, .. }, Actions::Listed(ws)) => ws.iter().all(|w| {
            !ys.iter().any(|y| {
                crate::pattern::patterns_intersect(
                    &y.value.to_ascii_lowercase(),
                    &w.value.to_ascii_lowercase(),
                )
            })
        }),
        _ => false,
    };
    let unknown: Vec<Str> = match &s.actions {
        Actions::Listed(tokens) => tokens
            .iter()
            .filter(|t| catalog.expand(t.value).is_empty())
            .copied()
            .collect(),
        Actions::Except { key, .. } => vec![*key],
        Actions::Unstated => Vec::new(),
    };
    for token in unknown {
        let wanted = match &s.actions {
            Actions::Listed(_) => Actions::Listed(vec![token].into()),
            other => other.clone(),
        };
        for p in prepared {
            if p.covering
                .iter()
                .any(|&t| covered_by(&old.access.allows[t], &wanted))
            {
                continue;
            }
            let group = groups
                .entry((si, token.span.start, Reason::WiderAction))
                .or_default();
            let name = match &s.actions {
                Actions::Listed(_) => token.value.to_string(),
                _ => "actions outside the catalog".to_string(),
            };
            group.actions.push(name);
            if group.span.is_none() {
                group.span = Some(token.span);
                group.token = token.value.to_string();
                group.note = Some("names actions the AWS catalog does not list".to_string());
            }
            break;
        }
    }
}

/// Old `Deny` statements that no new `Deny` keeps, where a new `Allow` meets them.
fn removed_denies(
    groups: &mut FxHashMap<(usize, usize, Reason), Group>,
    old: &Side,
    new: &Side,
    new_denies: &FxHashSet<String>,
    catalog: &Catalog,
) {
    for (di, d0) in old.access.denies.iter().enumerate() {
        if new_denies.contains(&canonical(d0, old.variables)) {
            continue;
        }
        let d0_pieces = Piece::all(d0);
        let keeping: Vec<&Grant> = new
            .access
            .denies
            .iter()
            .filter(|d1| d0_pieces.iter().all(|p| region::covers(d1, new, p, old)))
            .collect();
        // The first piece of each new `Allow` that the old `Deny` may meet.
        let meets: Vec<Option<usize>> = (new.access.allows.iter())
            .map(|s| {
                Piece::all(s).iter().position(|p| {
                    region::resource_meets(&d0.resources, &p.resource)
                        && region::principal_meets_all(&d0.principals, &p.principal)
                        && !region::conditions_exclusive(&d0.conditions, &p.conditions)
                })
            })
            .collect();
        if meets.iter().all(Option::is_none) {
            continue;
        }
        outside_catalog_denied(groups, di, d0, &keeping, &meets, new, catalog);
        for name in actions_of(d0, catalog) {
            let a = name.as_str();
            if keeping.iter().any(|d1| d1.token_for(a).is_some()) {
                continue;
            }
            for (si, s) in new.access.allows.iter().enumerate() {
                let Some(pi) = meets[si] else { continue };
                let Some(token) = s.token_for(a) else {
                    continue;
                };
                let group = groups
                    .entry((si, token.span.start, Reason::RemovedDeny))
                    .or_default();
                if group.actions.last().is_none_or(|l| l != a) {
                    if group.samples.len() < 3 {
                        group.samples.push((a.to_string(), pi));
                    }
                    group.actions.push(a.to_string());
                }
                if group.span.is_none() {
                    group.span = Some(token.span);
                    group.token = token.value.to_string();
                    group.closest = Some(di);
                    group.closest_is_deny = true;
                }
            }
        }
    }
}

/// An old `Deny` of actions the catalog does not list (a new service): a new `Allow` whose
/// patterns may name them gains them unless a kept `Deny` names the same patterns.
fn outside_catalog_denied(
    groups: &mut FxHashMap<(usize, usize, Reason), Group>,
    di: usize,
    d0: &Grant,
    keeping: &[&Grant],
    meets: &[Option<usize>],
    new: &Side,
    catalog: &Catalog,
) {
    let Actions::Listed(patterns) = &d0.actions else {
        return;
    };
    let lower = |t: &str| Shape::text(&t.to_ascii_lowercase(), false);
    for p in patterns
        .iter()
        .filter(|p| catalog.expand(p.value).is_empty())
    {
        let kept = keeping.iter().any(|d1| match &d1.actions {
            Actions::Listed(ts) => ts.iter().any(|t| lower(t.value).covers(&lower(p.value))),
            _ => false,
        });
        if kept {
            continue;
        }
        for (si, s) in new.access.allows.iter().enumerate() {
            if meets[si].is_none() {
                continue;
            }
            let token = match &s.actions {
                Actions::Listed(ts) => ts.iter().copied().find(|t| {
                    crate::pattern::patterns_intersect(
                        &t.value.to_ascii_lowercase(),
                        &p.value.to_ascii_lowercase(),
                    )
                }),
                Actions::Except { key, .. } => Some(*key),
                Actions::Unstated => None,
            };
            let Some(token) = token else { continue };
            let group = groups
                .entry((si, token.span.start, Reason::RemovedDeny))
                .or_default();
            group.actions.push(p.value.to_string());
            if group.span.is_none() {
                group.span = Some(token.span);
                group.token = token.value.to_string();
                group.closest = Some(di);
                group.closest_is_deny = true;
                group.note = Some("names actions the AWS catalog does not list".to_string());
            }
        }
    }
}

fn summary(g: &Grant) -> String {
    let list = |v: &[Str]| {
        let mut shown: Vec<String> = v.iter().take(3).map(|s| format!("`{}`", s.value)).collect();
        if v.len() > 3 {
            shown.push(format!("{} more", v.len() - 3));
        }
        shown.join(", ")
    };
    let actions = match &g.actions {
        Actions::Listed(v) => list(v),
        Actions::Except { excluded, .. } => format!("every action but {}", list(excluded)),
        Actions::Unstated => "no action".into(),
    };
    let resources = match &g.resources {
        Resources::Listed(v) => format!(" on {}", list(v)),
        Resources::Except { excluded, .. } => format!(" on every resource but {}", list(excluded)),
        Resources::Unstated => String::new(),
    };
    let principals = match &g.principals {
        Principals::Listed(ps) => {
            let v: Vec<Str> = ps.iter().map(|p| p.value).collect();
            format!(" to {}", list(&v))
        }
        Principals::Except(_) => " to everyone but those listed".into(),
        Principals::Unstated => String::new(),
    };
    let conditions = match g.conditions.len() {
        0 => String::new(),
        _ => format!(
            " when {}",
            g.conditions
                .iter()
                .map(|c| c.describe())
                .collect::<Vec<_>>()
                .join(" and ")
        ),
    };
    format!("{actions}{resources}{principals}{conditions}")
}

fn closest_of(g: &Grant) -> Closest {
    Closest {
        pointer: g.statement.pointer.clone(),
        sid: g
            .statement
            .sid
            .and_then(|m| m.value.as_str())
            .map(str::to_string),
        span: g.statement.node.span,
        summary: summary(g),
    }
}

/// A document that is new altogether: one change per statement, its tokens together.
fn per_statement(
    groups: FxHashMap<(usize, usize, Reason), Group>,
) -> FxHashMap<(usize, usize, Reason), Group> {
    let mut keys: Vec<_> = groups.keys().copied().collect();
    keys.sort();
    let mut groups = groups;
    let mut out: FxHashMap<(usize, usize, Reason), Group> = FxHashMap::default();
    for key in keys {
        let Some(g) = groups.remove(&key) else {
            continue;
        };
        match out.get_mut(&(key.0, 0, key.2)) {
            Some(first) => {
                first.token.push_str(&format!("`, `{}", g.token));
                for a in g.actions {
                    first.actions.push(a);
                }
            }
            None => {
                out.insert((key.0, 0, key.2), g);
            }
        }
    }
    out
}

fn finish(groups: FxHashMap<(usize, usize, Reason), Group>, old: &Side, new: &Side) -> Vec<Change> {
    let added = old.access.allows.is_empty() && old.access.denies.is_empty();
    let mut groups = match added {
        true => per_statement(groups),
        false => groups,
    };
    let mut keys: Vec<_> = groups.keys().copied().collect();
    keys.sort();
    let mut out = Vec::new();
    for key in keys {
        let Some(g) = groups.remove(&key) else {
            continue;
        };
        let (si, _, reason) = key;
        let s = &new.access.allows[si];
        let pieces = Piece::all(s);
        let mut witness = None;
        for (a, pi) in &g.samples {
            let Some(piece) = pieces.get(*pi) else {
                continue;
            };
            let principal = match piece.principal {
                Who::Value(p) => Some(p),
                _ => None,
            };
            witness = witness::find(a, s, piece.resource_text(), principal, new, old);
            if witness.is_some() {
                break;
            }
        }
        let closest = g.closest.map(|i| match g.closest_is_deny {
            true => closest_of(&old.access.denies[i]),
            false => closest_of(&old.access.allows[i]),
        });
        let mut actions = g.actions;
        actions.sort_unstable();
        actions.dedup();
        let what = match actions.as_slice() {
            [one] => format!("`{one}`"),
            [first, ..] => format!("{} actions (such as `{first}`)", actions.len()),
            [] => "access".to_string(),
        };
        let mut why = match reason {
            Reason::WiderAction if added => format!("a new policy: `{}` grants {what}", g.token),
            Reason::WiderAction => {
                format!("`{}` grants {what} that no old statement allowed", g.token)
            }
            Reason::WiderResource => format!(
                "`{}` grants {what} on resources the old policy did not",
                g.token
            ),
            Reason::NewPrincipal => format!("`{}` is a new principal for {what}", g.token),
            Reason::LooserCondition => format!("grants {what} under looser conditions than before"),
            Reason::RemovedDeny => format!("an old Deny that took away {what} is gone or narrower"),
        };
        if let Some(note) = &g.note {
            why.push_str(&format!(": {note}"));
        }
        if witness.is_none() {
            why.push_str(" (no example request could be confirmed, so this may be new access)");
        }
        out.push(Change {
            reason,
            pointer: s.statement.pointer.clone(),
            sid: s
                .statement
                .sid
                .and_then(|m| m.value.as_str())
                .map(str::to_string),
            span: g.span.unwrap_or(s.statement.node.span),
            token: g.token,
            actions,
            why,
            witness,
            closest,
        });
    }
    out
}

#[cfg(test)]
mod tests;
