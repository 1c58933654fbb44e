//! J002 duplicate-key: an object names the same key twice; AWS silently keeps one.

use super::Context;
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::json::{may_repeat_keys, Member, Node, Value};
use crate::policy::Str;
use rustc_hash::FxHashMap;

/// Past this many members an object's keys are looked up in a map instead of scanned.
const MANY_KEYS: usize = 32;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    // The parser saw every object of a JSON text: no walk when none may repeat a key.
    if cx.json_facts.is_some_and(|facts| !facts.repeated_keys) {
        return;
    }
    walk(cx.policy.root, cx.policy.root, out);
}

/// One step of the path from the root to a node.
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

/// The JSON pointer of a path, spelled out only for a duplicate: most documents have none.
fn pointer(path: &[Step]) -> String {
    use std::fmt::Write;
    let mut pointer = String::new();
    for step in path {
        let _ = match step {
            Step::Key(key) => write!(pointer, "/{key}"),
            Step::Index(i) => write!(pointer, "/{i}"),
        };
    }
    pointer
}

/// The path from `node` down to `target` (found by identity), ending with its key: searched
/// only for a finding, so the walk keeps no path of its own.
fn path_to<'a>(node: &'a Node, target: &Member, path: &mut Vec<Step<'a>>) -> bool {
    match &node.value {
        Value::Object(members) => members.iter().any(|member| {
            path.push(Step::Key(&member.key));
            let found = std::ptr::eq(member, target) || path_to(&member.value, target, path);
            if !found {
                path.pop();
            }
            found
        }),
        Value::Array(items) => items.iter().enumerate().any(|(i, item)| {
            path.push(Step::Index(i));
            let found = path_to(item, target, path);
            if !found {
                path.pop();
            }
            found
        }),
        _ => false,
    }
}

/// Whether a value holds members or items of its own, where keys may repeat.
fn is_nested(node: &Node) -> bool {
    matches!(node.value, Value::Object(_) | Value::Array(_))
}

fn walk<'a>(root: &'a Node, node: &'a Node, out: &mut Vec<Diagnostic>) {
    match &node.value {
        Value::Object(members) => {
            let suspect = may_repeat_keys(members);
            // Each key's first member; a scan of the earlier members is quicker for the few
            // keys most objects have, a map keeps an object of 100,000 keys from being quadratic.
            let mut first_of: FxHashMap<&str, usize> = FxHashMap::default();
            if suspect && members.len() > MANY_KEYS {
                for (i, member) in members.iter().enumerate().rev() {
                    first_of.insert(&member.key, i);
                }
            }
            for (i, member) in members.iter().enumerate() {
                let duplicate = match suspect {
                    false => None,
                    true if members.len() > MANY_KEYS => first_of
                        .get(&*member.key)
                        .filter(|&&first| first < i)
                        .and_then(|&first| members.get(first)),
                    true => members[..i].iter().find(|m| m.key == member.key),
                };
                if let Some(first) = duplicate {
                    let mut path = Vec::new();
                    path_to(root, member, &mut path);
                    out.push(
                        Diagnostic::new(
                            Code::J002,
                            Str::of_key(member).span,
                            format!(
                                "duplicate key `{}`: AWS uses only one of the two values",
                                member.key
                            ),
                        )
                        .label(Str::of_key(first).span, "first defined here")
                        .help(format!("merge the two `{}` entries into one", member.key))
                        .at(pointer(&path)),
                    );
                }
                if is_nested(&member.value) {
                    walk(root, &member.value, out);
                }
            }
        }
        Value::Array(items) => {
            // Only objects hold keys: the strings that fill most arrays need no call.
            for item in items.iter().filter(|item| is_nested(item)) {
                walk(root, item, out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every pair of equal keys is suspected, whatever else the object holds.
    #[test]
    fn equal_keys_are_always_suspected() {
        let keys = [
            "Sid",
            "Effect",
            "Action",
            "Resource",
            "Condition",
            "Principal",
            "",
            "a",
            "aws:x",
        ];
        for (i, repeated) in keys.iter().enumerate() {
            let mut members: Vec<String> = keys.iter().map(|k| format!("{k:?}: 1")).collect();
            members.insert(i, format!("{repeated:?}: 2"));
            let text = format!("{{{}}}", members.join(", "));
            let root = crate::json::parse(&text).unwrap();
            assert!(may_repeat_keys(root.members().unwrap()), "{text}");
        }
        let root = crate::json::parse(r#"{"Sid": 1, "Effect": 2, "Action": 3}"#).unwrap();
        assert!(!may_repeat_keys(root.members().unwrap()));
    }

    /// The pointer found by identity is the path of the second key, through objects and
    /// arrays.
    #[test]
    fn the_path_of_a_duplicate_is_found_from_the_root() {
        let text = r#"{"Statement": [{"Sid": "a"}, {"Condition": {"Bool": {"k": 1, "k": 2}}}]}"#;
        let root = crate::json::parse(text).unwrap();
        let mut out = Vec::new();
        walk(&root, &root, &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].pointer, "/Statement/1/Condition/Bool/k");
    }
}
