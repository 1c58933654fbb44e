//! C020 redundant-statement: a statement that another statement of the same policy already
//! makes: same effect, same principals and conditions, and actions and resources that the
//! other's cover. Removing it changes nothing the policy allows or denies.

use super::actions::{ActionEntry, StatementActions};
use super::c009_redundant_resource::arn_covers;
use super::Context;
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::json::{Node, Value};
use crate::pattern::pattern_covers;
use crate::policy::{Effect, Statement, Str};
use rustc_hash::FxHasher;
use std::hash::{Hash, Hasher};

/// Statements compared at most: pairs grow with the square of their number, and real
/// policies have a few dozen (an SCP or bucket policy at its size quota, about a hundred).
const MAX_STATEMENTS: usize = 300;
/// Pattern comparisons at most per document: far more than any real policy needs (AWS's
/// managed policies, the largest there are, need under a million), so hostile input with
/// huge lists stays bounded; past it the rule says nothing more.
const MAX_COMPARISONS: usize = 4_000_000;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let statements = &cx.policy.statements;
    for s in statements {
        never_matching_conditions(s, out);
    }
    if statements.len() > MAX_STATEMENTS {
        return;
    }
    // Only statements of one signature can cover one another: sorted by it, each statement
    // is compared with the others of its group (in list order), not with every statement.
    let mut keyed: Vec<(u64, usize)> = statements
        .iter()
        .enumerate()
        .filter(|(_, s)| comparable(s))
        .map(|(i, s)| (signature(s), i))
        .collect();
    if keyed.len() < 2 {
        return;
    }
    keyed.sort_unstable();
    // Each statement that has a group read once, not once per pair, with its group.
    let mut reaches: Vec<Option<Reach>> = Vec::new();
    let mut start = 0;
    for end in 1..=keyed.len() {
        if end == keyed.len() || keyed[end].0 != keyed[start].0 {
            if end - start > 1 {
                if reaches.is_empty() {
                    reaches.resize_with(statements.len(), || None);
                }
                for &(_, i) in &keyed[start..end] {
                    reaches[i] = Some(Reach::new(cx, &statements[i], start..end));
                }
            }
            start = end;
        }
    }
    let mut budget = MAX_COMPARISONS;
    for i in 0..reaches.len() {
        let Some(group) = reaches[i].as_ref().map(|r| r.group.clone()) else {
            continue;
        };
        // Of two identical statements the later one is redundant.
        let mut by = None;
        for &(_, j) in &keyed[group.clone()] {
            if j == i || !covers_in(&reaches, j, i, &mut budget) {
                continue;
            }
            let mutual = covers_in(&reaches, i, j, &mut budget);
            if j < i || !mutual {
                by = Some((&statements[j], mutual));
                break;
            }
        }
        if budget == 0 {
            return;
        }
        let Some((by, mutual)) = by else {
            continue;
        };
        let s = &statements[i];
        let (span, by_span) = (anchor(s), anchor(by));
        let what = if mutual { "repeats" } else { "is covered by" };
        out.push(
            Diagnostic::new(
                Code::C020,
                span,
                [
                    "this statement ",
                    what,
                    " statement ",
                    itoa::Buffer::new().format(by.index),
                    ": it allows or denies nothing more",
                ]
                .concat(),
            )
            .label(by_span, "this statement covers it")
            .help("remove the statement, or merge what differs into the other one")
            .at(s.pointer.clone()),
        );
    }
}

/// A statement that never applies because a condition's wildcard leaves no value that
/// matches: under `ForAnyValue:StringNotLike` (or `ArnNotLike`, `ArnNotEquals`), a `*` among
/// the values matches every value of the request, so no value is "not like" the list and a
/// missing key does not match either (`ForAnyValue` needs one value). Access Analyzer's
/// *Redundant statement due to wildcard in condition*. With `…IfExists` a missing key
/// matches, so the statement can apply.
fn never_matching_conditions(s: &Statement, out: &mut Vec<Diagnostic>) {
    use super::lookup::{condition_values, operator};
    for entry in s.conditions() {
        let text = entry.operator.value;
        let Some(op) = operator(text) else { continue };
        let negated_pattern = matches!(op.base, "StringNotLike" | "ArnNotLike" | "ArnNotEquals");
        if op.set != Some("ForAnyValue") || !negated_pattern || text.ends_with("IfExists") {
            continue;
        }
        let values = condition_values(entry.values);
        if !values.iter().any(|(v, _)| v == "*") {
            continue;
        }
        out.push(
            Diagnostic::new(
                Code::C020,
                entry.key.span,
                format!(
                    "`{}` with `*` never matches: no value of `{}` is unlike `*`, so this statement never applies",
                    text, entry.key.value
                ),
            )
            .help("remove the statement, or the `*` value if the other values were meant")
            .at(entry.pointer(&s.pointer)),
        );
    }
}

/// Statements whose reach iamlint can compare: a valid effect, `Action` (not `NotAction`),
/// no `NotResource` or `NotPrincipal`.
fn comparable(s: &Statement) -> bool {
    s.effect() != Effect::Invalid
        && s.action.is_some()
        && s.not_action.is_none()
        && s.not_resource.is_none()
        && s.not_principal.is_none()
}

/// A statement as [`covers`] compares it, read once: which services its actions name and
/// reach, so that most pairs are told apart without comparing a pattern, and its actions as
/// the document's action table read them (which have wildcards).
struct Reach<'s, 'a> {
    statement: &'s Statement<'a>,
    /// The range of the signature-sorted statements that holds its group.
    group: std::ops::Range<usize>,
    effect: Effect,
    actions: StatementActions<'s, 'a>,
    /// A bit per service prefix its actions name ([`service_bit`]).
    names: u64,
    /// The bits of the service prefixes its actions can cover: all of them when one has a
    /// wildcard in its prefix (`*`, `s3*:Get*`).
    reaches: u64,
}

impl<'s, 'a> Reach<'s, 'a> {
    fn new(
        cx: &'s Context<'a>,
        statement: &'s Statement<'a>,
        group: std::ops::Range<usize>,
    ) -> Self {
        let (mut names, mut reaches) = (0, 0);
        // Neighbouring actions mostly share a service: the last prefix's bit is kept (the
        // text before the first colon decides it).
        let mut last: Option<(&str, (u64, bool))> = None;
        for a in statement.actions() {
            let action = a.value;
            let (bit, literal) = match last {
                Some((prefix, known))
                    if action.as_bytes().get(prefix.len()) == Some(&b':')
                        && action.as_bytes()[..prefix.len()] == *prefix.as_bytes() =>
                {
                    known
                }
                _ => {
                    let known = service_bit(action);
                    last = memchr::memchr(b':', action.as_bytes()).map(|at| (&action[..at], known));
                    known
                }
            };
            names |= bit;
            reaches |= if literal { bit } else { u64::MAX };
        }
        Reach {
            statement,
            group,
            effect: statement.effect(),
            actions: cx.actions(statement),
            names,
            reaches,
        }
    }
}

/// One of 64 bits for an action's service prefix (the text before its first colon, or all
/// of it), the same whatever its case, and whether the prefix is free of wildcards: then a
/// pattern covers only actions with that prefix. A prefix with a wildcard covers only
/// prefixes with one, so its bit may be any.
fn service_bit(action: &str) -> (u64, bool) {
    match crate::pattern::service_prefix_hash(action) {
        Some(hash) => (1 << (hash >> 58), true),
        None => (1, false),
    }
}

/// [`covers`] for the `general`th and `specific`th statements of `reaches` (both read).
fn covers_in(
    reaches: &[Option<Reach>],
    general: usize,
    specific: usize,
    budget: &mut usize,
) -> bool {
    match (&reaches[general], &reaches[specific]) {
        (Some(general), Some(specific)) => covers(general, specific, budget),
        _ => false,
    }
}

/// Whether `general` allows (or denies) everything `specific` does.
fn covers(general: &Reach, specific: &Reach, budget: &mut usize) -> bool {
    let (g, s) = (general.statement, specific.statement);
    general.effect == specific.effect
        // An action of a service that no pattern of `general` reaches is not covered.
        && specific.names & !general.reaches == 0
        && same_node(g.principal.map(|m| &m.value), s.principal.map(|m| &m.value))
        && same_node(g.condition.map(|m| &m.value), s.condition.map(|m| &m.value))
        && g.resource.is_some() == s.resource.is_some()
        && all_covered(
            s.actions(),
            general.actions.listed(),
            budget,
            |g: &ActionEntry, s: &Str| {
                // Most actions are names, which cover only themselves.
                if g.wildcard {
                    pattern_covers(g.text.value, s.value, true)
                } else {
                    g.text.value.eq_ignore_ascii_case(s.value)
                }
            },
        )
        && all_covered(s.resources(), g.resources(), budget, |g: &Str, s: &Str| {
            arn_covers(g.value, s.value)
        })
}

/// Whether every pattern of `specific` is covered by one of `general`; `false` once the
/// budget of comparisons is spent.
fn all_covered<G, S>(
    specific: &[S],
    general: &[G],
    budget: &mut usize,
    covers: impl Fn(&G, &S) -> bool,
) -> bool {
    specific.iter().all(|s| {
        general.iter().any(|g| {
            *budget = budget.saturating_sub(1);
            *budget > 0 && covers(g, s)
        })
    })
}

/// A hash of what [`covers`] requires to be the same before it compares a pattern: the
/// effect, whether there is a `Resource`, the principals and the conditions. Statements
/// whose signatures differ never cover one another.
fn signature(s: &Statement) -> u64 {
    let mut hasher = FxHasher::default();
    std::mem::discriminant(&s.effect()).hash(&mut hasher);
    s.resource.is_some().hash(&mut hasher);
    for node in [s.principal, s.condition] {
        match node {
            Some(member) => hash_value(&member.value, &mut hasher),
            None => hasher.write_u8(0),
        }
    }
    hasher.finish()
}

/// Feeds `hasher` what [`same_value`] compares, so that values it finds the same hash the
/// same: arrays item by item, an object by its one member or else by its length alone
/// (`same_value` matches several members in any order, and a repeated key may stand in for
/// another).
fn hash_value(node: &Node, hasher: &mut FxHasher) {
    match &node.value {
        Value::Null => hasher.write_u8(1),
        Value::Bool(b) => {
            hasher.write_u8(2);
            b.hash(hasher);
        }
        Value::Number(text) => {
            hasher.write_u8(3);
            text.hash(hasher);
        }
        Value::String(text) => {
            hasher.write_u8(4);
            text.hash(hasher);
        }
        Value::Array(items) => {
            hasher.write_u8(5);
            hasher.write_usize(items.len());
            for item in items {
                hash_value(item, hasher);
            }
        }
        Value::Object(members) => {
            hasher.write_u8(6);
            hasher.write_usize(members.len());
            if let [member] = &members[..] {
                member.key.hash(hasher);
                hash_value(&member.value, hasher);
            }
        }
    }
}

/// The same JSON value, wherever it stands; object members in any order.
fn same_node(a: Option<&Node>, b: Option<&Node>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => same_value(a, b),
        _ => false,
    }
}

fn same_value(a: &Node, b: &Node) -> bool {
    match (&a.value, &b.value) {
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_value(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter().all(|m| {
                    y.iter()
                        .any(|n| n.key == m.key && same_value(&m.value, &n.value))
                })
        }
        (x, y) => x == y,
    }
}

/// The statement's `Sid` value where it has one, else its opening brace.
fn anchor(s: &Statement) -> crate::json::Span {
    s.sid
        .and_then(|m| Str::of_value(&m.value))
        .map(|v| v.span)
        .unwrap_or_else(|| crate::json::Span::new(s.node.span.start, s.node.span.start + 1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pattern::pattern_covers;

    /// What `covers` must answer: every action and resource of `specific` compared with
    /// every one of `general`, without the services' bits.
    fn plain_covers(general: &Statement, specific: &Statement) -> bool {
        let all = |s: &[Str], g: &[Str], ignore_case: bool, arn: bool| {
            s.iter().all(|s| {
                g.iter().any(|g| {
                    if arn {
                        arn_covers(g.value, s.value)
                    } else {
                        pattern_covers(g.value, s.value, ignore_case)
                    }
                })
            })
        };
        general.effect() == specific.effect()
            && general.resource.is_some() == specific.resource.is_some()
            && all(specific.actions(), general.actions(), true, false)
            && all(specific.resources(), general.resources(), false, true)
    }

    #[test]
    fn services_bits_never_hide_a_covering_statement() {
        let actions = [
            "*",
            "s3:*",
            "S3:Get*",
            "s3:GetObject",
            "s3:getobject",
            "s3*:Get*",
            "s?:Get*",
            "sts:AssumeRole",
            "sts:*",
            "st*",
            "kms:Decrypt",
            "KMS:decrypt",
            "kms:De*",
            "nocolon",
            "nocolon*",
            "",
            "é:x",
            "É:x",
        ];
        let mut next = crate::seeded::numbers(17);
        let lookups = crate::rules::Lookups::new(None);
        let mut covered = 0;
        for _ in 0..400 {
            let statement = |next: &mut dyn FnMut(usize) -> usize| {
                let list: Vec<String> = (0..1 + next(3))
                    .map(|_| format!("{:?}", actions[next(actions.len())]))
                    .collect();
                format!(
                    r#"{{"Effect": "Allow", "Action": [{}], "Resource": "*"}}"#,
                    list.join(", ")
                )
            };
            let text = format!(
                r#"{{"Statement": [{}, {}]}}"#,
                statement(&mut next),
                statement(&mut next)
            );
            let root = crate::json::parse(&text).unwrap();
            let policy = crate::policy::build(&root);
            let cx = Context::new(&policy, crate::policy::PolicyKind::Identity, &lookups, &[]);
            let [a, b] = &policy.statements[..] else {
                panic!("two statements")
            };
            let reaches = [
                Some(Reach::new(&cx, a, 0..2)),
                Some(Reach::new(&cx, b, 0..2)),
            ];
            for (g, s, gi, si) in [(a, b, 0, 1), (b, a, 1, 0)] {
                let expected = plain_covers(g, s);
                covered += usize::from(expected);
                let mut budget = usize::MAX;
                assert_eq!(covers_in(&reaches, gi, si, &mut budget), expected, "{text}");
            }
        }
        assert!(covered > 50, "only {covered} covering pairs");
    }

    /// Statements that `same_node` finds alike in principals and conditions share a
    /// signature, so grouping by it never hides a covering statement.
    #[test]
    fn alike_statements_share_a_signature() {
        let principals = [
            "",
            r#", "Principal": "*""#,
            r#", "Principal": {"AWS": "111122223333"}"#,
            r#", "Principal": {"AWS": ["111122223333", "444455556666"]}"#,
            r#", "Principal": {"AWS": ["444455556666", "111122223333"]}"#,
            r#", "Principal": {"AWS": "111122223333", "Service": "s3.amazonaws.com"}"#,
            r#", "Principal": {"Service": "s3.amazonaws.com", "AWS": "111122223333"}"#,
        ];
        let conditions = [
            "",
            r#", "Condition": {"Bool": {"aws:SecureTransport": "true"}}"#,
            r#", "Condition": {"Bool": {"aws:SecureTransport": true}}"#,
            r#", "Condition": {"StringEquals": {"a:b": "1", "c:d": "2"}}"#,
            r#", "Condition": {"StringEquals": {"c:d": "2", "a:b": "1"}}"#,
            r#", "Condition": {"StringEquals": {"a:b": "1", "a:b": "1"}}"#,
            r#", "Condition": {"StringEquals": {"a:b": "1"}, "Null": {"x:y": "true"}}"#,
            r#", "Condition": {"Null": {"x:y": "true"}, "StringEquals": {"a:b": "1"}}"#,
            r#", "Condition": {"NumericLessThan": {"a:n": 1}}"#,
            r#", "Condition": {"NumericLessThan": {"a:n": 1.0}}"#,
        ];
        let statement = |p: &str, c: &str, effect: &str| {
            format!(r#"{{"Effect": "{effect}", "Action": "s3:GetObject", "Resource": "*"{p}{c}}}"#)
        };
        let (mut alike, mut apart) = (0, 0);
        for (p1, c1, e1) in principals.iter().flat_map(|p| {
            conditions
                .iter()
                .flat_map(move |c| ["Allow", "Deny"].map(move |e| (p, c, e)))
        }) {
            for (p2, c2) in principals
                .iter()
                .flat_map(|p| conditions.iter().map(move |c| (p, c)))
            {
                let text = format!(
                    r#"{{"Statement": [{}, {}]}}"#,
                    statement(p1, c1, e1),
                    statement(p2, c2, "Allow")
                );
                let root = crate::json::parse(&text).unwrap();
                let policy = crate::policy::build(&root);
                let [a, b] = &policy.statements[..] else {
                    panic!("two statements")
                };
                let same = a.effect() == b.effect()
                    && same_node(a.principal.map(|m| &m.value), b.principal.map(|m| &m.value))
                    && same_node(a.condition.map(|m| &m.value), b.condition.map(|m| &m.value));
                if same {
                    alike += 1;
                    assert_eq!(signature(a), signature(b), "{text}");
                } else if signature(a) != signature(b) {
                    apart += 1;
                }
            }
        }
        // Each statement is alike with itself, and reordered or repeated members with
        // their other spelling.
        assert!(alike > 70, "only {alike} alike pairs");
        assert!(apart > 4000, "only {apart} pairs told apart");
    }
}
