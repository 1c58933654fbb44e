//! Conditions for comparing policies: when one condition entry implies another (so a
//! statement that adds or tightens a condition grants nothing new), whether a condition
//! holds for one example request, and a value that makes it hold.

use super::shape::Shape;
use crate::access::Condition;
use std::cmp::Ordering;
use std::collections::BTreeMap;

/// The context keys of an example request (lower case) and their values.
pub type Context = BTreeMap<String, Vec<String>>;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Set {
    Single,
    All,
    Any,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Compare {
    Equals,
    EqualsIgnoreCase,
    Like,
    Arn,
    Bool,
    Binary,
    Numeric(Ordering, bool),
    NumericEquals,
    Date,
    Ip,
    Null,
}

/// An operator taken apart: `ForAnyValue:StringNotLikeIfExists`.
#[derive(Clone, Copy, Debug)]
struct Operator {
    set: Set,
    compare: Compare,
    negated: bool,
    if_exists: bool,
}

fn operator(text: &str) -> Option<Operator> {
    let lower = text.to_ascii_lowercase();
    let (set, rest) = if let Some(r) = lower.strip_prefix("forallvalues:") {
        (Set::All, r)
    } else if let Some(r) = lower.strip_prefix("foranyvalue:") {
        (Set::Any, r)
    } else {
        (Set::Single, lower.as_str())
    };
    // AWS spells operators exactly; a wrongly cased one is not an operator.
    let exact = &text[text.len() - rest.len()..];
    let (base, if_exists) = match exact.strip_suffix("IfExists") {
        Some(b) => (b, true),
        None => (exact, false),
    };
    use Ordering::{Greater, Less};
    let (compare, negated) = match base {
        "StringEquals" => (Compare::Equals, false),
        "StringNotEquals" => (Compare::Equals, true),
        "StringEqualsIgnoreCase" => (Compare::EqualsIgnoreCase, false),
        "StringNotEqualsIgnoreCase" => (Compare::EqualsIgnoreCase, true),
        "StringLike" => (Compare::Like, false),
        "StringNotLike" => (Compare::Like, true),
        "ArnEquals" | "ArnLike" => (Compare::Arn, false),
        "ArnNotEquals" | "ArnNotLike" => (Compare::Arn, true),
        "Bool" => (Compare::Bool, false),
        "BinaryEquals" => (Compare::Binary, false),
        "NumericEquals" => (Compare::NumericEquals, false),
        "NumericNotEquals" => (Compare::NumericEquals, true),
        "NumericLessThan" => (Compare::Numeric(Less, false), false),
        "NumericLessThanEquals" => (Compare::Numeric(Less, true), false),
        "NumericGreaterThan" => (Compare::Numeric(Greater, false), false),
        "NumericGreaterThanEquals" => (Compare::Numeric(Greater, true), false),
        "DateEquals"
        | "DateNotEquals"
        | "DateLessThan"
        | "DateLessThanEquals"
        | "DateGreaterThan"
        | "DateGreaterThanEquals" => (Compare::Date, base == "DateNotEquals"),
        "IpAddress" => (Compare::Ip, false),
        "NotIpAddress" => (Compare::Ip, true),
        "Null" if set == Set::Single && !if_exists => (Compare::Null, false),
        _ => return None,
    };
    Some(Operator {
        set,
        compare,
        negated,
        if_exists,
    })
}

fn values<'c>(c: &'c Condition) -> impl Iterator<Item = &'c str> {
    c.values.iter().map(|(v, _)| v.as_str())
}

/// Whether every request that meets `new` meets `old` (same key). Sound: `false` whenever
/// it cannot tell. `variables`: both policies read `${…}` the same way.
pub fn implies(new: &Condition, old: &Condition, variables: bool) -> bool {
    if !new.key.value.eq_ignore_ascii_case(old.key.value) {
        return false;
    }
    let same_text = new.operator.value == old.operator.value && {
        let mut a: Vec<&str> = values(new).collect();
        let mut b: Vec<&str> = values(old).collect();
        a.sort_unstable();
        b.sort_unstable();
        a.dedup();
        b.dedup();
        a == b
    };
    let (Some(n), Some(o)) = (operator(new.operator.value), operator(old.operator.value)) else {
        return same_text && variables;
    };
    if same_text && (variables || !values(new).any(|v| v.contains("${"))) {
        return true;
    }
    // `Null: true` (the key is absent) implies whatever holds without the key.
    if n.compare == Compare::Null && o.compare != Compare::Null {
        return values(new).all(|v| v.eq_ignore_ascii_case("true")) && holds_when_absent(&o);
    }
    // Date operators differ in direction under one comparison: only the same text implies.
    if n.compare == Compare::Date || o.compare == Compare::Date {
        return false;
    }
    if n.set != o.set || n.negated != o.negated || (n.if_exists && !o.if_exists) {
        return false;
    }
    if n.compare == Compare::Null || o.compare == Compare::Null {
        return n.compare == o.compare
            && values(new).all(|v| values(old).any(|w| v.eq_ignore_ascii_case(w)));
    }
    let tricky = |v: &str| v.contains("${") && !variables;
    if values(new).chain(values(old)).any(tricky) {
        return false;
    }
    if !n.negated {
        // Each value `new` accepts is accepted by some value of `old`.
        values(new).all(|v| values(old).any(|w| value_implies(n.compare, v, o.compare, w)))
    } else {
        // What `old` rules out, `new` rules out too.
        values(old).all(|w| values(new).any(|v| value_implies(o.compare, w, n.compare, v)))
    }
}

fn holds_when_absent(op: &Operator) -> bool {
    op.if_exists || op.set == Set::All || (op.negated && op.set == Set::Single)
}

/// Whether the condition can only hold when its key is present (`Some(true)`), only when it
/// is absent (`Some(false)`), or either way (`None`).
fn needs_key(c: &Condition) -> Option<bool> {
    let op = operator(c.operator.value)?;
    if op.compare == Compare::Null {
        let mut vs = values(c).map(|v| v.eq_ignore_ascii_case("true"));
        let first = vs.next()?;
        return vs.all(|v| v == first).then_some(!first);
    }
    (!holds_when_absent(&op)).then_some(true)
}

/// Whether no request meets both conditions: one needs the key absent, the other present.
pub fn excludes(a: &Condition, b: &Condition) -> bool {
    a.key.value.eq_ignore_ascii_case(b.key.value)
        && matches!((needs_key(a), needs_key(b)), (Some(x), Some(y)) if x != y)
}

/// Whether every request value that `a` accepts (compared as `ca`) is accepted by `b`.
fn value_implies(ca: Compare, a: &str, cb: Compare, b: &str) -> bool {
    if ca == cb && a == b {
        return true;
    }
    // A value holding a variable is equal only to itself.
    if a.contains("${") || b.contains("${") {
        return false;
    }
    match (ca, cb) {
        (Compare::Equals, Compare::Like) => Shape::text(b, true).covers(&Shape::literal(a)),
        (Compare::Like, Compare::Like) => Shape::text(b, true).covers(&Shape::text(a, true)),
        (Compare::Like, Compare::Equals) => !a.contains(['*', '?']) && a == b,
        (Compare::Equals | Compare::EqualsIgnoreCase, Compare::EqualsIgnoreCase) => {
            a.to_lowercase() == b.to_lowercase()
        }
        (Compare::Arn, Compare::Arn) => Shape::arn(b, true).covers(&Shape::arn(a, true)),
        (Compare::Bool, Compare::Bool) => a.eq_ignore_ascii_case(b),
        (Compare::NumericEquals, Compare::NumericEquals) => number(a) == number(b),
        (Compare::NumericEquals, Compare::Numeric(order, or_equal)) => {
            match (number(a), number(b)) {
                (Some(x), Some(y)) => x
                    .partial_cmp(&y)
                    .is_some_and(|c| c == order || (or_equal && c.is_eq())),
                _ => false,
            }
        }
        (Compare::Numeric(oa, ea), Compare::Numeric(ob, eb)) if oa == ob => {
            let (Some(x), Some(y)) = (number(a), number(b)) else {
                return false;
            };
            // `< x` within `< y`: x <= y; `<= x` within `< y`: x < y.
            let c = match oa {
                Ordering::Less => x.partial_cmp(&y),
                _ => y.partial_cmp(&x),
            };
            match c {
                Some(Ordering::Less) => true,
                Some(Ordering::Equal) => eb || !ea,
                _ => false,
            }
        }
        (Compare::Ip, Compare::Ip) => ip_within(a, b),
        _ => false,
    }
}

fn number(text: &str) -> Option<f64> {
    text.trim().parse().ok()
}

/// A network and its prefix length, as 128 bits (IPv4 mapped).
fn network(text: &str) -> Option<(u128, u32, bool)> {
    let (addr, bits) = match text.split_once('/') {
        Some((a, b)) => (a, Some(b.parse::<u32>().ok()?)),
        None => (text, None),
    };
    match addr.parse::<std::net::IpAddr>().ok()? {
        std::net::IpAddr::V4(v4) => Some((
            u128::from(u32::from(v4)) << 96,
            bits.unwrap_or(32).min(32),
            true,
        )),
        std::net::IpAddr::V6(v6) => Some((u128::from(v6), bits.unwrap_or(128).min(128), false)),
    }
}

fn mask(addr: u128, bits: u32) -> u128 {
    if bits == 0 {
        0
    } else {
        addr & (u128::MAX << (128 - bits))
    }
}

/// Whether the range `inner` lies within `outer`.
fn ip_within(inner: &str, outer: &str) -> bool {
    let (Some((a, abits, a4)), Some((b, bbits, b4))) = (network(inner), network(outer)) else {
        return false;
    };
    // IPv4 sits in the top 32 bits, so its prefix lengths count from the top as they are.
    a4 == b4 && abits >= bbits && mask(a, bbits) == mask(b, bbits)
}

/// Whether the condition holds for a request with this context; `None` when the operator
/// is one this check does not evaluate (dates).
pub fn holds(c: &Condition, context: &Context, variables: bool) -> Option<bool> {
    let op = operator(c.operator.value)?;
    let present = context
        .get(&c.key.value.to_ascii_lowercase())
        .filter(|v| !v.is_empty());
    if op.compare == Compare::Null {
        return Some(values(c).any(|w| w.eq_ignore_ascii_case("true") == present.is_none()));
    }
    if op.compare == Compare::Date {
        return None;
    }
    let wanted: Vec<String> = values(c)
        .filter_map(|w| super::witness::substitute(w, context, variables))
        .collect();
    let Some(present) = present else {
        return Some(op.if_exists || op.set == Set::All || (op.negated && op.set == Set::Single));
    };
    let one = |v: &String| wanted.iter().any(|w| compares(op.compare, v, w));
    Some(match op.set {
        Set::All => present.iter().all(|v| one(v) != op.negated),
        Set::Any => present.iter().any(|v| one(v) != op.negated),
        Set::Single => present.iter().any(one) != op.negated,
    })
}

fn compares(compare: Compare, value: &str, wanted: &str) -> bool {
    match compare {
        Compare::Equals | Compare::Binary => value == wanted,
        Compare::EqualsIgnoreCase => value.to_lowercase() == wanted.to_lowercase(),
        Compare::Like => Shape::text(wanted, false).covers(&Shape::literal(value)),
        Compare::Arn => Shape::arn(wanted, false).covers(&Shape::literal(value)),
        Compare::Bool => value.eq_ignore_ascii_case(wanted),
        Compare::NumericEquals => number(value)
            .zip(number(wanted))
            .is_some_and(|(a, b)| a == b),
        Compare::Numeric(order, or_equal) => number(value)
            .zip(number(wanted))
            .and_then(|(a, b)| a.partial_cmp(&b))
            .is_some_and(|o| o == order || (or_equal && o.is_eq())),
        // A request carries one address, not a range.
        Compare::Ip => !value.contains('/') && ip_within(value, wanted),
        Compare::Date | Compare::Null => false,
    }
}

/// Sets, in `context`, a value under which the condition holds, when it needs one: a
/// negation, `…IfExists` and `ForAllValues:` already hold with the key absent.
pub fn satisfy(c: &Condition, context: &mut Context) {
    let key = c.key.value.to_ascii_lowercase();
    if context.contains_key(&key) {
        return;
    }
    let Some(op) = operator(c.operator.value) else {
        return;
    };
    let Some(first) = values(c).next() else {
        return;
    };
    let value = match op.compare {
        Compare::Null => match first.eq_ignore_ascii_case("false") {
            true => "zq9".to_string(),
            false => return,
        },
        _ if op.negated || op.if_exists || op.set == Set::All => return,
        Compare::Like => Shape::text(first, true).instance("zq9", &mut |_| "zq9".into()),
        Compare::Arn => Shape::arn(first, true).instance("zq9", &mut |_| "zq9".into()),
        Compare::Numeric(order, or_equal) => {
            let Some(n) = number(first) else { return };
            let step = if or_equal { 0.0 } else { 1.0 };
            let v = if order == Ordering::Less {
                n - step
            } else {
                n + step
            };
            format!("{v}")
        }
        Compare::Ip => first.split('/').next().unwrap_or(first).to_string(),
        _ => first.to_string(),
    };
    context.insert(key, vec![value]);
}

/// A value under which the condition fails, for an example request that the old policy
/// denies: one of a negation's values.
pub fn violate(c: &Condition, context: &mut Context) {
    let key = c.key.value.to_ascii_lowercase();
    if context.contains_key(&key) {
        return;
    }
    if let (Some(op), Some(first)) = (operator(c.operator.value), values(c).next()) {
        let value = match op.compare {
            Compare::Ip if op.negated => first.split('/').next().unwrap_or(first).to_string(),
            _ if op.negated => first.to_string(),
            Compare::Null => return,
            _ => "zq9-other".to_string(),
        };
        context.insert(key, vec![value]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;
    use crate::policy;

    fn with_conditions(new: &str, old: &str) -> bool {
        let text = |c: &str| {
            format!(
                r#"{{"Statement": [{{"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {c}}}]}}"#
            )
        };
        let (a, b) = (text(new), text(old));
        let (ra, rb) = (json::parse(&a).unwrap(), json::parse(&b).unwrap());
        let (pa, pb) = (policy::build(&ra), policy::build(&rb));
        let n = Condition::of(&pa.statements[0].conditions()[0]);
        let o = Condition::of(&pb.statements[0].conditions()[0]);
        implies(&n, &o, true)
    }

    #[test]
    fn tighter_conditions_imply_looser_ones() {
        let eq = r#"{"StringEquals": {"aws:PrincipalTag/team": "red"}}"#;
        let like = r#"{"StringLike": {"aws:principaltag/team": "red"}}"#;
        assert!(with_conditions(like, eq));
        assert!(with_conditions(eq, like));
        let both = r#"{"StringEquals": {"aws:PrincipalTag/team": ["red", "blue"]}}"#;
        assert!(with_conditions(eq, both));
        assert!(!with_conditions(both, eq));
        let sub = |v: &str| {
            format!(r#"{{"StringLike": {{"token.actions.githubusercontent.com:sub": "{v}"}}}}"#)
        };
        assert!(with_conditions(
            &sub("repo:org/app:ref:refs/heads/main"),
            &sub("repo:org/app:*")
        ));
        assert!(!with_conditions(&sub("repo:org/*"), &sub("repo:org/app:*")));
        let ip = |v: &str| format!(r#"{{"IpAddress": {{"aws:SourceIp": "{v}"}}}}"#);
        assert!(with_conditions(&ip("10.1.0.0/16"), &ip("10.0.0.0/8")));
        assert!(!with_conditions(&ip("10.0.0.0/8"), &ip("10.1.0.0/16")));
        let not = |v: &str| format!(r#"{{"StringNotEquals": {{"aws:SourceVpc": {v}}}}}"#);
        assert!(with_conditions(&not(r#"["a", "b"]"#), &not(r#""a""#)));
        assert!(!with_conditions(&not(r#""a""#), &not(r#"["a", "b"]"#)));
        let lt = |v: &str| format!(r#"{{"NumericLessThan": {{"s3:max-keys": "{v}"}}}}"#);
        assert!(with_conditions(&lt("5"), &lt("10")));
        assert!(!with_conditions(&lt("10"), &lt("5")));
        let exists = r#"{"StringEqualsIfExists": {"aws:PrincipalTag/team": "red"}}"#;
        assert!(with_conditions(eq, exists));
        assert!(!with_conditions(exists, eq));
    }
}
