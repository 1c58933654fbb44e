//! P010 duplicate-sid: two statements share a `Sid`; AWS requires them to be unique.

use super::Context;
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::policy::{Policy, Statement, Str};
use rustc_hash::FxHashMap;

/// Up to this many statements, each `Sid` is compared with the earlier ones: fewer
/// comparisons than building a table costs (most policies have a handful of statements).
const FEW: usize = 16;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    if cx.policy.statements.len() <= FEW {
        compared(cx.policy, out);
    } else {
        hashed(cx.policy, out);
    }
}

/// Each `Sid` compared with the earlier statements'.
fn compared<'a>(policy: &Policy<'a>, out: &mut Vec<Diagnostic>) {
    let statements = &policy.statements;
    for (i, s) in statements.iter().enumerate() {
        let Some(sid) = sid_of(s) else {
            continue;
        };
        let mut earlier = statements[..i].iter().filter_map(sid_of);
        if let Some(first) = earlier.find(|first| first.value == sid.value) {
            report(&sid, &first, &s.pointer, out);
        }
    }
}

/// A statement's `Sid`, unless it has none or an empty one (P019's).
fn sid_of<'a>(s: &Statement<'a>) -> Option<Str<'a>> {
    Str::of_value(&s.sid?.value).filter(|sid| !sid.value.is_empty())
}

/// Each `Sid` looked up among the earlier statements'.
fn hashed(policy: &Policy, out: &mut Vec<Diagnostic>) {
    let sids: Vec<(Str, &str)> = policy
        .statements
        .iter()
        .filter_map(|s| Some((Str::of_value(&s.sid?.value)?, s.pointer.as_str())))
        .filter(|(sid, _)| !sid.value.is_empty())
        .collect();
    // The first statement of each `Sid`, looked up rather than searched for: a policy can
    // have 150,000 statements. Fx-hashed, as J002 hashes keys: SipHash costs more than a
    // short `Sid` is long.
    let mut first_of: FxHashMap<&str, &Str> =
        FxHashMap::with_capacity_and_hasher(sids.len(), Default::default());
    for (sid, pointer) in &sids {
        let Some(first) = first_of.get(sid.value) else {
            first_of.insert(sid.value, sid);
            continue;
        };
        report(sid, first, pointer, out);
    }
}

fn report(sid: &Str, first: &Str, pointer: &str, out: &mut Vec<Diagnostic>) {
    out.push(
        Diagnostic::new(
            Code::P010,
            sid.span,
            ["`Sid` `", sid.value, "` is used by an earlier statement"].concat(),
        )
        .label(first.span, "first used here")
        .help("give each statement its own `Sid`")
        .at([pointer, "/Sid"].concat()),
    );
}

#[cfg(test)]
mod tests {
    #[test]
    fn comparing_and_hashing_find_the_same_duplicates() {
        let sids = ["A", "B", "", "A", "C", "B", "A", "D"];
        for count in 0..40 {
            let statements: Vec<String> = (0..count)
                .map(|i| match i % 5 {
                    4 => r#"{"Effect": "Allow"}"#.to_string(),
                    _ => format!(r#"{{"Sid": "{}"}}"#, sids[(i * 7) % sids.len()]),
                })
                .collect();
            let text = format!(r#"{{"Statement": [{}]}}"#, statements.join(","));
            let root = crate::json::parse(&text).unwrap();
            let policy = crate::policy::build(&root);
            let (mut compared, mut hashed) = (Vec::new(), Vec::new());
            super::compared(&policy, &mut compared);
            super::hashed(&policy, &mut hashed);
            let seen = |found: &[crate::diagnostic::Diagnostic]| -> Vec<String> {
                found.iter().map(|d| format!("{d:?}")).collect()
            };
            assert_eq!(seen(&compared), seen(&hashed), "{count} statements");
            assert!(count < 10 || !compared.is_empty(), "{count}");
        }
    }
}
