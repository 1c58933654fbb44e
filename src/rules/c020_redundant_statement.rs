//! C020 redundant-statement: a statement that another statement of the same policy already
//! makes: same effect, same principals and conditions, and actions and resources that the
//! other's cover. Removing it changes nothing the policy allows or denies.

use super::c009_redundant_resource::arn_covers;
use super::Context;
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::json::{Node, Value};
use crate::pattern::pattern_covers;
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
    if statements.len() > MAX_STATEMENTS {
        return;
    }
    let mut budget = MAX_COMPARISONS;
    for (i, s) in statements.iter().enumerate() {
        if !comparable(s) {
            continue;
        }
        // Of two identical statements the later one is redundant.
        let mut by = None;
        for (j, other) in statements.iter().enumerate() {
            if j == i || !comparable(other) || !covers(other, s, &mut budget) {
                continue;
            }
            let mutual = covers(s, other, &mut budget);
            if j < i || !mutual {
                by = Some((other, mutual));
                break;
            }
        }
        if budget == 0 {
            return;
        }
        let Some((by, mutual)) = by else {
            continue;
        };
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

/// Statements whose reach iamlint can compare: a valid effect, `Action` (not `NotAction`),
/// no `NotResource` or `NotPrincipal`.
fn comparable(s: &Statement) -> bool {
    s.effect() != Effect::Invalid
        && s.action.is_some()
        && s.not_action.is_none()
        && s.not_resource.is_none()
        && s.not_principal.is_none()
}

/// Whether `general` allows (or denies) everything `specific` does.
fn covers(general: &Statement, specific: &Statement, budget: &mut usize) -> bool {
    general.effect() == specific.effect()
        && same_node(
            general.principal.map(|m| &m.value),
            specific.principal.map(|m| &m.value),
        )
        && same_node(
            general.condition.map(|m| &m.value),
            specific.condition.map(|m| &m.value),
        )
        && general.resource.is_some() == specific.resource.is_some()
        && all_covered(specific.actions(), general.actions(), budget, |g, s| {
            pattern_covers(g, s, true)
        })
        && all_covered(
            specific.resources(),
            general.resources(),
            budget,
            arn_covers,
        )
}

/// Whether every pattern of `specific` is covered by one of `general`; `false` once the
/// budget of comparisons is spent.
fn all_covered(
    specific: &[Str],
    general: &[Str],
    budget: &mut usize,
    covers: impl Fn(&str, &str) -> bool,
) -> bool {
    specific.iter().all(|s| {
        general.iter().any(|g| {
            *budget = budget.saturating_sub(1);
            *budget > 0 && covers(g.value, s.value)
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
