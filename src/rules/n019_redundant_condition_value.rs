//! N019 redundant-condition-value: a value of a condition list that another value of the
//! same list already covers, so removing it changes nothing: the same value twice, a
//! `StringLike` pattern inside a wider one (`home/alice/*` next to `home/*`), an address
//! range inside a wider one, or under `NumericLessThan`/`NumericGreaterThan` every bound but
//! the loosest (any value matches, so only the loosest counts).

use super::lookup::{condition_scalars, OperatorType};
use super::Context;
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::json::{Span, Value};
use crate::pattern::{pattern_covers, redundant_patterns};
use std::net::IpAddr;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for s in &cx.policy.statements {
        for (entry, facts) in cx.conditions(s) {
            // Most entries have one value: told without collecting them.
            let listed = matches!(&entry.values.value, Value::Array(items) if items.len() >= 2);
            let Some(op) = facts.operator.filter(|_| listed) else {
                continue;
            };
            let values: Vec<(&str, Span)> = condition_scalars(entry.values).collect();
            if values.len() < 2 {
                continue;
            }
            let texts: Vec<&str> = values.iter().map(|&(v, _)| v).collect();
            let found: Vec<(usize, usize)> = match (op.kind, op.base) {
                (OperatorType::String, "StringLike" | "StringNotLike") => {
                    redundant_patterns(&texts, false, |g, s| like_covers(texts[g], texts[s]))
                }
                (OperatorType::String, b) if b.contains("IgnoreCase") => {
                    redundant_patterns(&texts, true, |g, s| texts[g].eq_ignore_ascii_case(texts[s]))
                }
                (OperatorType::Numeric, b) if b.contains("Less") || b.contains("Greater") => {
                    loosest_bound(&texts, b.contains("Less"))
                }
                (OperatorType::IpAddress, _) => covered_ranges(&texts),
                _ => redundant_patterns(&texts, false, |g, s| texts[g] == texts[s]),
            };
            for (i, by) in found {
                let (value, span): &(&str, Span) = &values[i];
                let (other, other_span) = &values[by];
                let message = if value == other {
                    format!("`{value}` is listed twice for `{}`", entry.key.value)
                } else if op.kind == OperatorType::Numeric {
                    format!(
                        "`{value}` is redundant: with `{}` any value may match, so only the loosest, `{other}`, counts",
                        entry.operator.value
                    )
                } else {
                    format!("`{value}` is already matched by `{other}`")
                };
                out.push(
                    Diagnostic::new(Code::N019, *span, message)
                        .label(*other_span, "this covers it")
                        .help(format!("remove `{value}`"))
                        .at(entry.pointer(&s.pointer)),
                );
            }
        }
    }
}

/// `StringLike` patterns; a policy variable or template value stands for text not known
/// here, so such values only cover their equal.
fn like_covers(general: &str, specific: &str) -> bool {
    if general.contains("${") || specific.contains("${") {
        return general == specific;
    }
    pattern_covers(general, specific, false)
}

/// Under a Numeric less/greater operator (any value may match), every value but the
/// loosest bound, each with that bound. Only when every value is a number.
fn loosest_bound(texts: &[&str], less: bool) -> Vec<(usize, usize)> {
    let numbers: Option<Vec<f64>> = texts.iter().map(|t| t.trim().parse().ok()).collect();
    let Some(numbers) = numbers.filter(|n| n.iter().all(|v: &f64| v.is_finite())) else {
        return Vec::new();
    };
    let mut best = 0;
    for (i, &n) in numbers.iter().enumerate() {
        if (less && n > numbers[best]) || (!less && n < numbers[best]) {
            best = i;
        }
    }
    // `best` is the first of the loosest: an equal value after it is redundant too.
    (0..numbers.len())
        .filter(|&i| i != best)
        .map(|i| (i, best))
        .collect()
}

/// Address ranges inside another range of the list; of two equal ranges, the later.
fn covered_ranges(texts: &[&str]) -> Vec<(usize, usize)> {
    let nets: Vec<Option<(IpAddr, u8)>> = texts.iter().map(|t| network(t.trim())).collect();
    let mut out = Vec::new();
    for (i, inner) in nets.iter().enumerate() {
        let Some(inner) = inner else { continue };
        let by = nets.iter().enumerate().position(|(j, outer)| {
            j != i && outer.is_some_and(|o| contains(o, *inner) && (o.1 < inner.1 || j < i))
        });
        if let Some(j) = by {
            out.push((i, j));
        }
    }
    out
}

fn network(text: &str) -> Option<(IpAddr, u8)> {
    let (address, prefix) = match text.split_once('/') {
        Some((a, p)) => (a.parse::<IpAddr>().ok()?, p.parse::<u8>().ok()?),
        None => {
            let a = text.parse::<IpAddr>().ok()?;
            (a, if a.is_ipv4() { 32 } else { 128 })
        }
    };
    let max = if address.is_ipv4() { 32 } else { 128 };
    (prefix <= max).then_some((address, prefix))
}

fn contains(outer: (IpAddr, u8), inner: (IpAddr, u8)) -> bool {
    if outer.1 > inner.1 {
        return false;
    }
    match (outer.0, inner.0) {
        (IpAddr::V4(o), IpAddr::V4(i)) => {
            let mask = u32::MAX.checked_shl(32 - u32::from(outer.1)).unwrap_or(0);
            u32::from(o) & mask == u32::from(i) & mask
        }
        (IpAddr::V6(o), IpAddr::V6(i)) => {
            let mask = u128::MAX.checked_shl(128 - u32::from(outer.1)).unwrap_or(0);
            u128::from(o) & mask == u128::from(i) & mask
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_and_ranges() {
        assert_eq!(loosest_bound(&["2700", "3600"], true), [(0, 1)]);
        assert_eq!(loosest_bound(&["2700", "3600"], false), [(1, 0)]);
        assert!(loosest_bound(&["1", "x"], true).is_empty());
        assert_eq!(covered_ranges(&["10.0.0.0/8", "10.1.0.0/16"]), [(1, 0)]);
        assert_eq!(covered_ranges(&["203.0.113.7", "203.0.113.0/24"]), [(0, 1)]);
        assert_eq!(covered_ranges(&["10.0.0.0/8", "10.0.0.0/8"]), [(1, 0)]);
        assert!(covered_ranges(&["10.0.0.0/8", "11.0.0.0/8", "2001:db8::/32"]).is_empty());
        assert!(like_covers("home/*", "home/alice/*"));
        assert!(!like_covers("home/${aws:username}/*", "home/alice/*"));
    }
}
