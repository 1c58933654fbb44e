//! `iamlint diff` judged by the independent evaluator (`iamlint::evaluate`): for generated
//! pairs of policies, a "no new access" answer must survive every generated request (none
//! allowed by NEW and denied by OLD), and every example request a change gives must be
//! allowed by NEW and denied by OLD. Deterministic (a fixed seed), a few hundred pairs.

use iamlint::catalog::Catalog;
use iamlint::diff::region::Side;
use iamlint::evaluate::{evaluate, Decision, Request};
use iamlint::json;
use iamlint::policy;

/// xorshift64*: enough randomness for generating cases, and the same cases every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

const ACTION_PATTERNS: &[&str] = &[
    "s3:GetObject",
    "s3:getobject",
    "s3:PutObject",
    "s3:ListBucket",
    "s3:DeleteObject",
    "s3:Get*",
    "s3:*Object",
    "s3:*",
    "kms:Decrypt",
    "kms:*",
    "iam:PassRole",
    "*",
];
const ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:PutObject",
    "s3:ListBucket",
    "s3:DeleteObject",
    "s3:GetBucketPolicy",
    "kms:Decrypt",
    "kms:Encrypt",
    "iam:PassRole",
];
const RESOURCE_PATTERNS: &[&str] = &[
    "*",
    "arn:aws:s3:::data/*",
    "arn:aws:s3:::data/logs/*",
    "arn:aws:s3:::data/a",
    "arn:aws:s3:::data",
    "arn:aws:s3:::*",
    "arn:aws:s3:::d*",
    "arn:aws:s3:::data/${aws:username}/*",
    "arn:aws:iam::111122223333:role/*",
    "arn:aws:iam::*:role/app",
    "arn:aws:kms:*:111122223333:key/*",
    "arn:aws:kms:*:key/*",
    "arn:aws:kms:us-east-1:*",
];
const RESOURCES: &[&str] = &[
    "arn:aws:s3:::data/x",
    "arn:aws:s3:::data/logs/y",
    "arn:aws:s3:::data/a",
    "arn:aws:s3:::data",
    "arn:aws:s3:::other/x",
    "arn:aws:s3:::data/zq9-user/f",
    "arn:aws:iam::111122223333:role/app",
    "arn:aws:iam::444455556666:role/app",
    "arn:aws:kms:us-east-1:111122223333:key/k",
    "arn:aws:kms:eu-west-1:444455556666:key/k",
];
const PRINCIPALS: &[&str] = &[
    r#""*""#,
    r#"{"AWS": "*"}"#,
    r#"{"AWS": "111122223333"}"#,
    r#"{"AWS": "arn:aws:iam::111122223333:root"}"#,
    r#"{"AWS": "arn:aws:iam::111122223333:role/app"}"#,
    r#"{"AWS": ["arn:aws:iam::111122223333:role/app", "arn:aws:iam::444455556666:root"]}"#,
    r#"{"Service": "lambda.amazonaws.com"}"#,
];
const REQUESTERS: &[(&str, &str)] = &[
    ("AWS", "arn:aws:iam::111122223333:role/app"),
    ("AWS", "arn:aws:iam::111122223333:role/other"),
    ("AWS", "arn:aws:iam::444455556666:role/app"),
    ("Service", "lambda.amazonaws.com"),
];
const CONDITIONS: &[&str] = &[
    r#""StringEquals": {"aws:PrincipalTag/team": "red"}"#,
    r#""StringEquals": {"aws:PrincipalTag/team": ["red", "blue"]}"#,
    r#""StringLike": {"aws:PrincipalTag/team": "r*"}"#,
    r#""StringLike": {"aws:PrincipalTag/team": "red"}"#,
    r#""StringEqualsIfExists": {"aws:PrincipalTag/team": "red"}"#,
    r#""StringNotEquals": {"aws:SourceVpc": "vpc-1"}"#,
    r#""StringEquals": {"aws:SourceVpc": "vpc-1"}"#,
    r#""Bool": {"aws:SecureTransport": "true"}"#,
    r#""Bool": {"aws:SecureTransport": "false"}"#,
    r#""IpAddress": {"aws:SourceIp": "10.0.0.0/8"}"#,
    r#""IpAddress": {"aws:SourceIp": "10.1.0.0/16"}"#,
    r#""NotIpAddress": {"aws:SourceIp": "10.1.0.0/16"}"#,
    r#""ForAnyValue:StringEquals": {"aws:TagKeys": ["env", "team"]}"#,
    r#""ForAllValues:StringEquals": {"aws:TagKeys": ["env"]}"#,
    r#""NumericLessThan": {"s3:max-keys": "10"}"#,
    r#""Null": {"aws:PrincipalTag/team": "false"}"#,
];
const CONTEXTS: &[(&str, &[&str])] = &[
    ("aws:PrincipalTag/team", &["red"]),
    ("aws:PrincipalTag/team", &["blue"]),
    ("aws:PrincipalTag/team", &["rose"]),
    ("aws:SourceVpc", &["vpc-1"]),
    ("aws:SourceVpc", &["vpc-2"]),
    ("aws:SecureTransport", &["true"]),
    ("aws:SecureTransport", &["false"]),
    ("aws:SourceIp", &["10.1.2.3"]),
    ("aws:SourceIp", &["10.2.0.1"]),
    ("aws:SourceIp", &["192.168.0.1"]),
    ("aws:TagKeys", &["env"]),
    ("aws:TagKeys", &["env", "cost"]),
    ("s3:max-keys", &["5"]),
    ("s3:max-keys", &["20"]),
    ("aws:username", &["zq9-user"]),
];

/// A statement as its JSON members, so that a mutation can change one of them.
#[derive(Clone)]
struct Statement {
    effect: &'static str,
    action: (bool, Vec<&'static str>),
    resource: (bool, Vec<&'static str>),
    principal: Option<&'static str>,
    conditions: Vec<&'static str>,
}

fn list(rng: &mut Rng, items: &[&'static str], most: usize) -> Vec<&'static str> {
    (0..1 + rng.below(most)).map(|_| rng.pick(items)).collect()
}

fn statement(rng: &mut Rng, with_principal: bool) -> Statement {
    Statement {
        effect: if rng.chance(80) { "Allow" } else { "Deny" },
        action: (rng.chance(8), list(rng, ACTION_PATTERNS, 3)),
        resource: (rng.chance(8), list(rng, RESOURCE_PATTERNS, 2)),
        principal: with_principal.then(|| rng.pick(PRINCIPALS)),
        conditions: (0..rng.below(3)).map(|_| rng.pick(CONDITIONS)).collect(),
    }
}

fn mutate(rng: &mut Rng, s: &mut Statement, with_principal: bool) {
    match rng.below(7) {
        0 => s.action.1 = list(rng, ACTION_PATTERNS, 3),
        1 => s.resource.1 = list(rng, RESOURCE_PATTERNS, 2),
        2 => {
            if !s.conditions.is_empty() {
                s.conditions.remove(rng.below(s.conditions.len()));
            }
        }
        3 => s.conditions.push(rng.pick(CONDITIONS)),
        4 if with_principal => s.principal = Some(rng.pick(PRINCIPALS)),
        5 => s.effect = if s.effect == "Allow" { "Deny" } else { "Allow" },
        _ => s.action.1.push(rng.pick(ACTION_PATTERNS)),
    }
}

fn render(statements: &[Statement]) -> String {
    let quoted = |v: &[&str]| {
        let items: Vec<String> = v.iter().map(|s| format!("\"{s}\"")).collect();
        format!("[{}]", items.join(", "))
    };
    let body: Vec<String> = statements
        .iter()
        .map(|s| {
            let mut members = vec![format!("\"Effect\": \"{}\"", s.effect)];
            let key = |not: bool, name: &str| format!("{}{name}", if not { "Not" } else { "" });
            members.push(format!(
                "\"{}\": {}",
                key(s.action.0, "Action"),
                quoted(&s.action.1)
            ));
            members.push(format!(
                "\"{}\": {}",
                key(s.resource.0, "Resource"),
                quoted(&s.resource.1)
            ));
            if let Some(p) = s.principal {
                members.push(format!("\"Principal\": {p}"));
            }
            if !s.conditions.is_empty() {
                // One block per operator, as JSON wants unique keys.
                let mut blocks: Vec<&str> = Vec::new();
                for c in &s.conditions {
                    let op = c.split(':').next().unwrap_or("");
                    if !blocks.iter().any(|b| b.split(':').next() == Some(op)) {
                        blocks.push(c);
                    }
                }
                members.push(format!("\"Condition\": {{{}}}", blocks.join(", ")));
            }
            format!("{{{}}}", members.join(", "))
        })
        .collect();
    format!(
        r#"{{"Version": "2012-10-17", "Statement": [{}]}}"#,
        body.join(", ")
    )
}

fn request(rng: &mut Rng, with_principal: bool) -> Request {
    let mut r = Request::new(rng.pick(ACTIONS), rng.pick(RESOURCES));
    if with_principal {
        let (kind, id) = REQUESTERS[rng.below(REQUESTERS.len())];
        r = r.principal(kind, id);
    }
    for _ in 0..rng.below(4) {
        let (key, values) = CONTEXTS[rng.below(CONTEXTS.len())];
        r = r.context(key, values);
    }
    r
}

fn allowed(policy: &policy::Policy, r: &Request) -> Option<bool> {
    evaluate(policy, r).ok().map(|d| d == Decision::Allow)
}

#[test]
fn no_new_access_survives_the_evaluator_and_examples_are_confirmed() {
    let catalog = Catalog::embedded();
    let mut rng = Rng(0x1a2b_3c4d_5e6f_7788);
    let (mut same, mut widened, mut examples) = (0, 0, 0);
    for case in 0..300 {
        let with_principal = rng.chance(40);
        let old: Vec<Statement> = (0..1 + rng.below(3))
            .map(|_| statement(&mut rng, with_principal))
            .collect();
        let mut new = old.clone();
        match rng.below(4) {
            0 => {
                new = (0..1 + rng.below(3))
                    .map(|_| statement(&mut rng, with_principal))
                    .collect()
            }
            1 => new.push(statement(&mut rng, with_principal)),
            2 => new.reverse(),
            _ => {}
        }
        for _ in 0..rng.below(3) {
            let i = rng.below(new.len());
            mutate(&mut rng, &mut new[i], with_principal);
        }
        let (old_text, new_text) = (render(&old), render(&new));
        let (old_root, new_root) = (
            json::parse(&old_text).unwrap(),
            json::parse(&new_text).unwrap(),
        );
        let (old_policy, new_policy) = (policy::build(&old_root), policy::build(&new_root));
        let changes =
            iamlint::diff::compare(&Side::of(&old_policy), &Side::of(&new_policy), catalog);
        if changes.is_empty() {
            same += 1;
            for _ in 0..150 {
                let r = request(&mut rng, with_principal);
                let (Some(n), Some(o)) = (allowed(&new_policy, &r), allowed(&old_policy, &r))
                else {
                    continue;
                };
                assert!(
                    !n || o,
                    "case {case}: diff says no new access, but NEW allows and OLD denies {r:?}\nOLD {old_text}\nNEW {new_text}"
                );
            }
        } else {
            widened += 1;
        }
        for c in &changes {
            let Some(w) = &c.witness else { continue };
            examples += 1;
            let mut r = Request::new(&w.action, &w.resource);
            if let Some((kind, id)) = &w.principal {
                r = r.principal(kind, id);
            }
            for (key, values) in &w.context {
                let values: Vec<&str> = values.iter().map(String::as_str).collect();
                r = r.context(key, &values);
            }
            assert_eq!(
                (allowed(&new_policy, &r), allowed(&old_policy, &r)),
                (Some(true), Some(false)),
                "case {case}: the example {w:?} is not allowed by NEW and denied by OLD\nOLD {old_text}\nNEW {new_text}"
            );
        }
    }
    // Both answers occur, and examples were checked: the test exercises what it claims.
    assert!(
        same > 50 && widened > 50 && examples > 50,
        "{same} same, {widened} widened, {examples} examples"
    );
}
