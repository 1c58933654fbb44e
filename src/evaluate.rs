//! AWS's request logic for one concrete request, written plainly and kept apart from the
//! effective-access engine so that it can judge that engine (the policy-diff property test):
//! an explicit `Deny` wins, else an `Allow` is needed; conditions are ANDed across operators
//! and keys and ORed across values; action names match case-insensitively; ARNs match field
//! by field, so a `*` in the Region field never reaches into the resource part.
//!
//! It answers for one request only and makes no attempt to be fast: clarity is the point.

use crate::json::{Node, Value};
use crate::policy::{ConditionEntry, Effect, Policy, PrincipalValue, Statement};
use std::collections::BTreeMap;
use std::net::IpAddr;

/// One request: who asks, for what, on which resource, in which context.
#[derive(Clone, Debug, Default)]
pub struct Request {
    /// `service:Action`, in any case.
    pub action: String,
    /// The resource's ARN (or `*` for actions without resource-level permissions).
    pub resource: String,
    /// Who makes the request; needed by statements with a `Principal` (resource policies).
    pub principal: Option<Principal>,
    /// Context keys, lowercased, with their values (one value for a single-valued key).
    context: BTreeMap<String, Vec<String>>,
}

/// A requester as a resource policy names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Principal {
    /// `AWS`, `Service`, `Federated` or `CanonicalUser`.
    pub kind: String,
    /// An ARN for `AWS`, a service name (`lambda.amazonaws.com`) for `Service`, …
    pub id: String,
}

impl Request {
    pub fn new(action: &str, resource: &str) -> Self {
        Request {
            action: action.to_string(),
            resource: resource.to_string(),
            ..Request::default()
        }
    }

    pub fn principal(mut self, kind: &str, id: &str) -> Self {
        self.principal = Some(Principal {
            kind: kind.to_string(),
            id: id.to_string(),
        });
        self
    }

    /// Sets a context key (condition keys are case-insensitive).
    pub fn context(mut self, key: &str, values: &[&str]) -> Self {
        self.context.insert(
            key.to_ascii_lowercase(),
            values.iter().map(|v| v.to_string()).collect(),
        );
        self
    }

    fn values_of(&self, key: &str) -> Option<&[String]> {
        self.context
            .get(&key.to_ascii_lowercase())
            .map(Vec::as_slice)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// A `Deny` statement applies.
    ExplicitDeny,
    /// An `Allow` statement applies and no `Deny` does.
    Allow,
    /// Nothing applies: denied by default.
    ImplicitDeny,
}

/// Why a request could not be decided: AWS would have rejected the policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Undecidable(pub String);

/// The policy's decision on the request.
pub fn evaluate(policy: &Policy, request: &Request) -> Result<Decision, Undecidable> {
    let variables = policy
        .version
        .and_then(|m| m.value.as_str())
        .is_some_and(|v| v == "2012-10-17");
    let mut allowed = false;
    for statement in &policy.statements {
        let effect = statement.effect();
        if effect == Effect::Invalid {
            continue;
        }
        if applies(statement, request, variables)? {
            match effect {
                Effect::Deny => return Ok(Decision::ExplicitDeny),
                _ => allowed = true,
            }
        }
    }
    Ok(if allowed {
        Decision::Allow
    } else {
        Decision::ImplicitDeny
    })
}

fn applies(s: &Statement, request: &Request, variables: bool) -> Result<bool, Undecidable> {
    let action = match (s.action, s.not_action) {
        (Some(m), _) => listed(&m.value)
            .iter()
            .any(|p| action_matches(p, &request.action)),
        (None, Some(m)) => !listed(&m.value)
            .iter()
            .any(|p| action_matches(p, &request.action)),
        (None, None) => false,
    };
    if !action {
        return Ok(false);
    }
    let resource_matches = |pattern: &String| match substitute(pattern, request, variables) {
        Some(pattern) => arn_matches(&pattern, &request.resource),
        // A variable whose key the request lacks matches nothing.
        None => false,
    };
    let resource = match (s.resource, s.not_resource) {
        (Some(m), _) => listed(&m.value).iter().any(resource_matches),
        (None, Some(m)) => !listed(&m.value).iter().any(resource_matches),
        // No resource element (trust policies, some resource policies): the resource is the
        // one the policy is attached to.
        (None, None) => true,
    };
    if !resource {
        return Ok(false);
    }
    let principal = match (s.principal, s.not_principal, &request.principal) {
        (None, None, _) => true,
        (Some(m), _, Some(p)) => s.principals_of(m).iter().any(|v| principal_matches(v, p)),
        (None, Some(m), Some(p)) => !s.principals_of(m).iter().any(|v| principal_matches(v, p)),
        (_, _, None) => false,
    };
    if !principal {
        return Ok(false);
    }
    for entry in s.conditions() {
        if !condition_holds(entry, request, variables)? {
            return Ok(false);
        }
    }
    Ok(true)
}

/// The strings of a string-or-list element; numbers and booleans as written.
fn listed(node: &Node) -> Vec<String> {
    let one = |n: &Node| match &n.value {
        Value::String(s) => Some(s.to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    };
    match &node.value {
        Value::Array(items) => items.iter().filter_map(one).collect(),
        _ => one(node).into_iter().collect(),
    }
}

fn action_matches(pattern: &str, action: &str) -> bool {
    glob(&pattern.to_ascii_lowercase(), &action.to_ascii_lowercase())
}

/// `*` (any run) and `?` (one character), case-sensitive: callers lowercase where AWS ignores
/// case, and cut ARNs into fields first.
fn glob(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    // matches[j]: the pattern so far matches the first j characters of the text.
    let mut matches = vec![false; t.len() + 1];
    matches[0] = true;
    for &c in &p {
        let mut next = vec![false; t.len() + 1];
        for j in 0..=t.len() {
            next[j] = match c {
                '*' => matches[j] || (j > 0 && next[j - 1]),
                '?' => j > 0 && matches[j - 1],
                c => j > 0 && matches[j - 1] && t[j - 1] == c,
            };
        }
        matches = next;
    }
    matches[t.len()]
}

/// ARN matching as AWS does it for `Resource` and `ArnLike`: case-sensitive, each of the
/// first five colon-separated fields matched on its own, the resource part (which may hold
/// colons) as a whole. A pattern with fewer fields lets its last field match the rest.
fn arn_matches(pattern: &str, arn: &str) -> bool {
    if pattern == "*" {
        return true;
    }
    let fields: Vec<&str> = pattern.splitn(6, ':').collect();
    let mut rest = arn;
    for (i, field) in fields.iter().enumerate() {
        if i + 1 == fields.len() {
            return glob(field, rest);
        }
        let Some((head, tail)) = rest.split_once(':') else {
            return false;
        };
        if !glob(field, head) {
            return false;
        }
        rest = tail;
    }
    false
}

/// A policy's `${…}` variables replaced by the request's values (policy version 2012-10-17
/// only: the older version reads them literally). `None` when a variable's key is missing
/// and has no default.
fn substitute(text: &str, request: &Request, variables: bool) -> Option<String> {
    if !variables || !text.contains("${") {
        return Some(text.to_string());
    }
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let Some(len) = rest[start..].find('}') else {
            out.push_str(&rest[start..]);
            return Some(out);
        };
        let body = &rest[start + 2..start + len];
        let (key, default) = match body.split_once(',') {
            Some((key, default)) => (
                key.trim(),
                Some(default.trim().trim_matches('\'').to_string()),
            ),
            None => (body.trim(), None),
        };
        let value = match key {
            "*" | "?" | "$" => Some(key.to_string()),
            _ => request
                .values_of(key)
                .and_then(|v| v.first().cloned())
                .or(default),
        };
        out.push_str(&value?);
        rest = &rest[start + len + 1..];
    }
    out.push_str(rest);
    Some(out)
}

fn principal_matches(value: &PrincipalValue, requester: &Principal) -> bool {
    let kind = value.kind.map_or("*", |k| k.value);
    let named = value.value.value;
    if named == "*" {
        return kind == "*" || kind == requester.kind;
    }
    if kind != requester.kind {
        return false;
    }
    match kind {
        "AWS" => {
            // An account (its ID or its root) stands for every principal of that account.
            let account = if crate::policy::arn::is_account_id(named) {
                Some(named)
            } else {
                named
                    .strip_prefix("arn:")
                    .and_then(|_| crate::policy::arn::split(named).ok())
                    .filter(|arn| arn.resource.text == "root")
                    .map(|arn| arn.account.text)
            };
            match account {
                Some(account) => crate::policy::arn::split(&requester.id)
                    .is_ok_and(|arn| arn.account.text == account),
                None => named == requester.id,
            }
        }
        "Service" => named.eq_ignore_ascii_case(&requester.id),
        _ => named == requester.id,
    }
}

/// An operator's parts: `ForAllValues:StringLikeIfExists` → (all, `StringLike`, if-exists).
struct Operator<'a> {
    set: Option<SetQualifier>,
    base: &'a str,
    if_exists: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum SetQualifier {
    All,
    Any,
}

fn operator(text: &str) -> Operator<'_> {
    let (set, rest) = if let Some(rest) = strip_prefix_ignore_case(text, "ForAllValues:") {
        (Some(SetQualifier::All), rest)
    } else if let Some(rest) = strip_prefix_ignore_case(text, "ForAnyValue:") {
        (Some(SetQualifier::Any), rest)
    } else {
        (None, text)
    };
    let (base, if_exists) = match rest.strip_suffix("IfExists") {
        Some(base) => (base, true),
        None => (rest, false),
    };
    Operator {
        set,
        base,
        if_exists,
    }
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

/// A comparison, positive form (`StringNotEquals` is the negation of `StringEquals`).
#[derive(Clone, Copy)]
enum Compare {
    StringEquals,
    StringEqualsIgnoreCase,
    StringLike,
    Numeric(std::cmp::Ordering, bool),
    NumericEquals,
    Date(std::cmp::Ordering, bool),
    DateEquals,
    Bool,
    Binary,
    Ip,
    Arn,
}

/// The comparison an operator makes and whether it is negated.
fn comparison(base: &str) -> Option<(Compare, bool)> {
    use std::cmp::Ordering::{Greater, Less};
    Some(match base {
        "StringEquals" => (Compare::StringEquals, false),
        "StringNotEquals" => (Compare::StringEquals, true),
        "StringEqualsIgnoreCase" => (Compare::StringEqualsIgnoreCase, false),
        "StringNotEqualsIgnoreCase" => (Compare::StringEqualsIgnoreCase, true),
        "StringLike" => (Compare::StringLike, false),
        "StringNotLike" => (Compare::StringLike, true),
        "NumericEquals" => (Compare::NumericEquals, false),
        "NumericNotEquals" => (Compare::NumericEquals, true),
        "NumericLessThan" => (Compare::Numeric(Less, false), false),
        "NumericLessThanEquals" => (Compare::Numeric(Less, true), false),
        "NumericGreaterThan" => (Compare::Numeric(Greater, false), false),
        "NumericGreaterThanEquals" => (Compare::Numeric(Greater, true), false),
        "DateEquals" => (Compare::DateEquals, false),
        "DateNotEquals" => (Compare::DateEquals, true),
        "DateLessThan" => (Compare::Date(Less, false), false),
        "DateLessThanEquals" => (Compare::Date(Less, true), false),
        "DateGreaterThan" => (Compare::Date(Greater, false), false),
        "DateGreaterThanEquals" => (Compare::Date(Greater, true), false),
        "Bool" => (Compare::Bool, false),
        "BinaryEquals" => (Compare::Binary, false),
        "IpAddress" => (Compare::Ip, false),
        "NotIpAddress" => (Compare::Ip, true),
        "ArnEquals" | "ArnLike" => (Compare::Arn, false),
        "ArnNotEquals" | "ArnNotLike" => (Compare::Arn, true),
        _ => return None,
    })
}

fn condition_holds(
    entry: &ConditionEntry,
    request: &Request,
    variables: bool,
) -> Result<bool, Undecidable> {
    let op = operator(entry.operator.value);
    let wanted: Vec<String> = listed(entry.values);
    let present = request.values_of(entry.key.value);
    if op.base == "Null" {
        let absent = present.is_none_or(<[String]>::is_empty);
        return Ok(wanted
            .iter()
            .any(|w| w.eq_ignore_ascii_case("true") == absent));
    }
    let (compare, negated) = comparison(op.base).ok_or_else(|| {
        Undecidable(format!(
            "unknown condition operator `{}`",
            entry.operator.value
        ))
    })?;
    let wanted: Vec<String> = wanted
        .iter()
        .filter_map(|w| substitute(w, request, variables))
        .collect();
    // One request value against the policy's values: ORed.
    let matches_one = |value: &String| wanted.iter().any(|w| compares(compare, value, w));
    let Some(values) = present.filter(|v| !v.is_empty()) else {
        // The key is missing: `…IfExists` and `ForAllValues:` hold, a negated operator holds,
        // anything else does not.
        return Ok(op.if_exists
            || op.set == Some(SetQualifier::All)
            || (negated && op.set.is_none()));
    };
    Ok(match op.set {
        // Every request value must pass the (possibly negated) test.
        Some(SetQualifier::All) => values.iter().all(|v| matches_one(v) != negated),
        // Some request value must pass it.
        Some(SetQualifier::Any) => values.iter().any(|v| matches_one(v) != negated),
        // A single-valued key: the test, negated as the operator says.
        None => values.iter().any(matches_one) != negated,
    })
}

fn compares(compare: Compare, value: &str, wanted: &str) -> bool {
    match compare {
        Compare::StringEquals | Compare::Binary => value == wanted,
        Compare::StringEqualsIgnoreCase => value.to_lowercase() == wanted.to_lowercase(),
        Compare::StringLike => glob(wanted, value),
        Compare::NumericEquals => number(value)
            .zip(number(wanted))
            .is_some_and(|(a, b)| a == b),
        Compare::Numeric(order, or_equal) => number(value)
            .zip(number(wanted))
            .and_then(|(a, b)| a.partial_cmp(&b))
            .is_some_and(|o| o == order || (or_equal && o.is_eq())),
        Compare::DateEquals => date(value).zip(date(wanted)).is_some_and(|(a, b)| a == b),
        Compare::Date(order, or_equal) => date(value)
            .zip(date(wanted))
            .is_some_and(|(a, b)| a.cmp(&b) == order || (or_equal && a == b)),
        Compare::Bool => value.eq_ignore_ascii_case(wanted),
        Compare::Ip => in_range(value, wanted),
        Compare::Arn => arn_matches(wanted, value),
    }
}

fn number(text: &str) -> Option<f64> {
    text.trim().parse().ok()
}

/// A date as seconds since the epoch: epoch seconds as written, or ISO 8601 in UTC
/// (`2026-01-31`, `2026-01-31T12:00:00Z`).
fn date(text: &str) -> Option<i64> {
    if let Ok(seconds) = text.parse::<i64>() {
        return Some(seconds);
    }
    let (day, time) = text.split_once('T').unwrap_or((text, "00:00:00Z"));
    let mut parts = day.split('-').map(|p| p.parse::<i64>().ok());
    let (y, m, d) = (parts.next()??, parts.next()??, parts.next()??);
    let time = time.trim_end_matches('Z');
    let time = time.split('.').next()?;
    let mut hms = time.split(':').map(|p| p.parse::<i64>().ok());
    let (h, min) = (hms.next()??, hms.next()??);
    let s = hms.next().flatten().unwrap_or(0);
    // Days since 1970-01-01 (the civil-from-days inverse, proleptic Gregorian).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + h * 3_600 + min * 60 + s)
}

/// Whether an address lies in a CIDR range (or equals a bare address).
fn in_range(address: &str, range: &str) -> bool {
    let (net, bits) = match range.split_once('/') {
        Some((net, bits)) => (net, bits.parse::<u32>().ok()),
        None => (range, None),
    };
    let (Ok(address), Ok(net)) = (address.parse::<IpAddr>(), net.parse::<IpAddr>()) else {
        return false;
    };
    match (address, net) {
        (IpAddr::V4(a), IpAddr::V4(n)) => {
            let bits = bits.unwrap_or(32).min(32);
            let mask = if bits == 0 {
                0
            } else {
                u32::MAX << (32 - bits)
            };
            u32::from(a) & mask == u32::from(n) & mask
        }
        (IpAddr::V6(a), IpAddr::V6(n)) => {
            let bits = bits.unwrap_or(128).min(128);
            let mask = if bits == 0 {
                0
            } else {
                u128::MAX << (128 - bits)
            };
            u128::from(a) & mask == u128::from(n) & mask
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;
    use crate::policy;

    fn decide(policy_json: &str, request: &Request) -> Decision {
        let root = json::parse(policy_json).unwrap();
        let model = policy::build(&root);
        evaluate(&model, request).unwrap()
    }

    const S3_READ: &str = r#"{"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:Get*", "Resource": "arn:aws:s3:::data/*"}]}"#;

    #[test]
    fn an_allow_is_needed_and_actions_match_in_any_case() {
        let get = Request::new("S3:GETOBJECT", "arn:aws:s3:::data/a.txt");
        assert_eq!(decide(S3_READ, &get), Decision::Allow);
        let put = Request::new("s3:PutObject", "arn:aws:s3:::data/a.txt");
        assert_eq!(decide(S3_READ, &put), Decision::ImplicitDeny);
        let other = Request::new("s3:GetObject", "arn:aws:s3:::other/a.txt");
        assert_eq!(decide(S3_READ, &other), Decision::ImplicitDeny);
    }

    #[test]
    fn an_explicit_deny_wins() {
        let policy = r#"{"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "*", "Resource": "*"},
            {"Effect": "Deny", "Action": "s3:*", "Resource": "arn:aws:s3:::secret/*"}]}"#;
        let secret = Request::new("s3:GetObject", "arn:aws:s3:::secret/k");
        assert_eq!(decide(policy, &secret), Decision::ExplicitDeny);
        let open = Request::new("s3:GetObject", "arn:aws:s3:::open/k");
        assert_eq!(decide(policy, &open), Decision::Allow);
    }

    #[test]
    fn a_star_in_an_arn_field_stays_in_that_field() {
        let policy = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Action": "ec2:RunInstances", "Resource": "arn:aws:ec2:*:123456789012:instance/*"}]}"#;
        let inside = Request::new(
            "ec2:RunInstances",
            "arn:aws:ec2:us-east-1:123456789012:instance/i-1",
        );
        assert_eq!(decide(policy, &inside), Decision::Allow);
        // The region field's `*` cannot swallow `us-east-1:123456789012:instance`.
        let pattern = "arn:aws:ec2:*:instance/*";
        assert!(!arn_matches(
            pattern,
            "arn:aws:ec2:us-east-1:123456789012:instance/i-1"
        ));
        // ARNs are case-sensitive.
        assert!(!arn_matches("arn:aws:s3:::Data/*", "arn:aws:s3:::data/x"));
        // A short pattern's last field matches the rest.
        assert!(arn_matches("arn:aws:*", "arn:aws:s3:::data/x"));
    }

    #[test]
    fn not_action_and_not_resource_grant_what_they_do_not_name() {
        let policy = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "NotAction": "iam:*", "NotResource": "arn:aws:s3:::secret/*"}]}"#;
        assert_eq!(
            decide(policy, &Request::new("s3:GetObject", "arn:aws:s3:::open/k")),
            Decision::Allow
        );
        assert_eq!(
            decide(policy, &Request::new("iam:CreateUser", "*")),
            Decision::ImplicitDeny
        );
        assert_eq!(
            decide(
                policy,
                &Request::new("s3:GetObject", "arn:aws:s3:::secret/k")
            ),
            Decision::ImplicitDeny
        );
    }

    #[test]
    fn conditions_are_anded_across_keys_and_ored_across_values() {
        let policy = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Action": "s3:GetObject", "Resource": "*",
            "Condition": {"StringEquals": {"aws:PrincipalTag/team": ["red", "blue"]},
                          "Bool": {"aws:SecureTransport": "true"}}}]}"#;
        let base = || Request::new("s3:GetObject", "arn:aws:s3:::b/k");
        let both = base()
            .context("aws:principaltag/team", &["blue"])
            .context("aws:SecureTransport", &["true"]);
        assert_eq!(decide(policy, &both), Decision::Allow);
        let insecure = base()
            .context("aws:PrincipalTag/team", &["blue"])
            .context("aws:SecureTransport", &["false"]);
        assert_eq!(decide(policy, &insecure), Decision::ImplicitDeny);
        let missing = base().context("aws:PrincipalTag/team", &["red"]);
        assert_eq!(decide(policy, &missing), Decision::ImplicitDeny);
    }

    #[test]
    fn missing_keys_follow_the_operator() {
        let holds = |op: &str, request: &Request| {
            let policy = format!(
                r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": "*",
                "Resource": "*", "Condition": {{"{op}": {{"aws:SourceVpc": "vpc-1"}}}}}}]}}"#
            );
            decide(&policy, request) == Decision::Allow
        };
        let none = Request::new("s3:GetObject", "*");
        assert!(!holds("StringEquals", &none));
        assert!(holds("StringNotEquals", &none));
        assert!(holds("StringEqualsIfExists", &none));
        assert!(holds("ForAllValues:StringEquals", &none));
        assert!(!holds("ForAnyValue:StringEquals", &none));
        let other = Request::new("s3:GetObject", "*").context("aws:SourceVpc", &["vpc-2"]);
        assert!(!holds("StringEqualsIfExists", &other));
        assert!(holds("StringNotEquals", &other));
    }

    #[test]
    fn set_qualifiers_read_multivalued_keys() {
        let policy = |op: &str| {
            format!(
                r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": "*",
                "Resource": "*", "Condition": {{"{op}": {{"aws:TagKeys": ["env", "team"]}}}}}}]}}"#
            )
        };
        let keys = Request::new("ec2:CreateTags", "*").context("aws:TagKeys", &["env", "cost"]);
        assert_eq!(
            decide(&policy("ForAnyValue:StringEquals"), &keys),
            Decision::Allow
        );
        assert_eq!(
            decide(&policy("ForAllValues:StringEquals"), &keys),
            Decision::ImplicitDeny
        );
    }

    #[test]
    fn operators_compare_by_type() {
        assert!(compares(
            Compare::StringLike,
            "repo:org/app:ref:main",
            "repo:org/*"
        ));
        assert!(!compares(Compare::StringEquals, "Red", "red"));
        assert!(compares(Compare::StringEqualsIgnoreCase, "Red", "red"));
        let less = Compare::Numeric(std::cmp::Ordering::Less, false);
        assert!(compares(less, "3", "10"));
        let before = Compare::Date(std::cmp::Ordering::Less, false);
        assert!(compares(before, "2026-01-01T00:00:00Z", "2026-06-01"));
        assert!(!compares(before, "2027-01-01", "2026-06-01"));
        assert_eq!(date("1970-01-02T00:00:00Z"), Some(86_400));
        assert!(compares(Compare::Ip, "10.1.2.3", "10.0.0.0/8"));
        assert!(!compares(Compare::Ip, "11.1.2.3", "10.0.0.0/8"));
        assert!(compares(Compare::Ip, "2001:db8::1", "2001:db8::/32"));
        assert!(compares(
            Compare::Arn,
            "arn:aws:sns:us-east-1:111122223333:topic",
            "arn:aws:sns:*:111122223333:*"
        ));
    }

    #[test]
    fn principals_match_by_account_role_and_service() {
        let policy = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::111122223333:root",
                          "Service": "logs.amazonaws.com"},
            "Action": "kms:Decrypt", "Resource": "*"}]}"#;
        let request = |kind: &str, id: &str| Request::new("kms:Decrypt", "*").principal(kind, id);
        let role = request("AWS", "arn:aws:iam::111122223333:role/App");
        assert_eq!(decide(policy, &role), Decision::Allow);
        let stranger = request("AWS", "arn:aws:iam::444455556666:role/App");
        assert_eq!(decide(policy, &stranger), Decision::ImplicitDeny);
        assert_eq!(
            decide(policy, &request("Service", "logs.amazonaws.com")),
            Decision::Allow
        );
        // A statement with a Principal never applies to a request without one.
        assert_eq!(
            decide(policy, &Request::new("kms:Decrypt", "*")),
            Decision::ImplicitDeny
        );
    }

    #[test]
    fn policy_variables_are_filled_from_the_request() {
        let policy = |version: &str| {
            format!(
                r#"{{"Version": "{version}", "Statement": [{{"Effect": "Allow",
                "Action": "s3:*", "Resource": "arn:aws:s3:::home/${{aws:username}}/*"}}]}}"#
            )
        };
        let alice = Request::new("s3:GetObject", "arn:aws:s3:::home/alice/f")
            .context("aws:username", &["alice"]);
        assert_eq!(decide(&policy("2012-10-17"), &alice), Decision::Allow);
        // The old version reads the variable literally.
        assert_eq!(
            decide(&policy("2008-10-17"), &alice),
            Decision::ImplicitDeny
        );
        let nobody = Request::new("s3:GetObject", "arn:aws:s3:::home/alice/f");
        assert_eq!(
            decide(&policy("2012-10-17"), &nobody),
            Decision::ImplicitDeny
        );
    }

    #[test]
    fn an_unknown_operator_is_undecidable() {
        let root = json::parse(
            r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*",
            "Resource": "*", "Condition": {"StringSorta": {"aws:SourceVpc": "v"}}}]}"#,
        )
        .unwrap();
        let model = policy::build(&root);
        assert!(evaluate(&model, &Request::new("s3:GetObject", "*")).is_err());
    }
}
