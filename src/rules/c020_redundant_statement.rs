//! C020 redundant-statement: a statement that another statement of the same policy already
//! makes: same effect, same principals and conditions, and actions and resources that the
//! other's cover. Removing it changes nothing the policy allows or denies.

use super::c009_redundant_resource::Resource;
use super::Context;
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::json::{Node, Value};
use crate::pattern::Covering;
use crate::policy::{Effect, Statement, Str};

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
    if statements.iter().filter(|s| comparable(s)).count() < 2 {
        return;
    }
    // Each comparable statement read once, not once per pair.
    let reaches: Vec<Option<Reach>> = statements
        .iter()
        .map(|s| comparable(s).then(|| Reach::new(s)))
        .collect();
    let mut budget = MAX_COMPARISONS;
    for (i, s) in reaches.iter().enumerate() {
        let Some(s) = s else { continue };
        // Of two identical statements the later one is redundant.
        let mut by = None;
        for (j, other) in reaches.iter().enumerate() {
            let Some(other) = other else { continue };
            if j == i || !covers(other, s, &mut budget) {
                continue;
            }
            let mutual = covers(s, other, &mut budget);
            if j < i || !mutual {
                by = Some((other.statement, mutual));
                break;
            }
        }
        if budget == 0 {
            return;
        }
        let Some((by, mutual)) = by else {
            continue;
        };
        let s = s.statement;
        let (span, by_span) = (anchor(s), anchor(by));
        let what = if mutual { "repeats" } else { "is covered by" };
        out.push(
            Diagnostic::new(
                Code::C020,
                span,
                format!(
                    "this statement {what} statement {}: it allows or denies nothing more",
                    by.index
                ),
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

/// A statement as [`covers`] compares it, read once: its actions ready for many
/// comparisons, and which services they name and reach, so that most pairs are told apart
/// without comparing a pattern.
struct Reach<'s, 'a> {
    statement: &'s Statement<'a>,
    effect: Effect,
    actions: Vec<Covering<'a>>,
    /// A bit per service prefix its actions name ([`service_bit`]).
    names: u64,
    /// The bits of the service prefixes its actions can cover: all of them when one has a
    /// wildcard in its prefix (`*`, `s3*:Get*`).
    reaches: u64,
}

impl<'s, 'a> Reach<'s, 'a> {
    fn new(statement: &'s Statement<'a>) -> Self {
        let (mut names, mut reaches) = (0, 0);
        let actions = statement
            .actions()
            .iter()
            .map(|a| {
                let (bit, literal) = service_bit(a.value);
                names |= bit;
                reaches |= if literal { bit } else { u64::MAX };
                Covering::new(a.value)
            })
            .collect();
        Reach {
            statement,
            effect: statement.effect(),
            actions,
            names,
            reaches,
        }
    }
}

/// One of 64 bits for an action's service prefix (the text before its first colon, or all
/// of it), the same whatever its case, and whether the prefix is free of wildcards: then a
/// pattern covers only actions with that prefix.
fn service_bit(action: &str) -> (u64, bool) {
    let mut hash = 0xcbf2_9ce4_8422_2325_u64;
    let mut literal = true;
    for &b in action.as_bytes() {
        if b == b':' {
            break;
        }
        literal &= b != b'*' && b != b'?';
        hash = (hash ^ u64::from(b.to_ascii_lowercase())).wrapping_mul(0x0100_0000_01b3);
    }
    (1 << (hash >> 58), literal)
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
        && all_covered(&specific.actions, &general.actions, budget, |g, s| {
            g.covers(s.text(), true)
        })
        && all_covered(s.resources(), g.resources(), budget, |g, s| {
            Resource::covers(&Resource::new(g.value), &Resource::new(s.value))
        })
}

/// Whether every pattern of `specific` is covered by one of `general`; `false` once the
/// budget of comparisons is spent.
fn all_covered<T>(
    specific: &[T],
    general: &[T],
    budget: &mut usize,
    covers: impl Fn(&T, &T) -> bool,
) -> bool {
    specific.iter().all(|s| {
        general.iter().any(|g| {
            *budget = budget.saturating_sub(1);
            *budget > 0 && covers(g, s)
        })
    })
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
                        Resource::covers(&Resource::new(g.value), &Resource::new(s.value))
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
        let mut seed = 17_u64;
        let mut next = |n: usize| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as usize % n
        };
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
            let [a, b] = &policy.statements[..] else {
                panic!("two statements")
            };
            let (ra, rb) = (Reach::new(a), Reach::new(b));
            for (g, s, rg, rs) in [(a, b, &ra, &rb), (b, a, &rb, &ra)] {
                let expected = plain_covers(g, s);
                covered += usize::from(expected);
                let mut budget = usize::MAX;
                assert_eq!(covers(rg, rs, &mut budget), expected, "{text}");
            }
        }
        assert!(covered > 50, "only {covered} covering pairs");
    }
}
