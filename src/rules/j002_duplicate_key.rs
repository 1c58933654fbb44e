//! J002 duplicate-key: an object names the same key twice; AWS silently keeps one.

use super::Context;
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::json::{Node, Value};
use crate::policy::Str;
use rustc_hash::FxHashMap;

/// Past this many members an object's keys are looked up in a map instead of scanned.
const MANY_KEYS: usize = 32;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    walk(cx.policy.root, &mut Vec::new(), out);
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

/// `path` is one stack grown and cut back on the way down, not a string per node.
fn walk<'a>(node: &'a Node, path: &mut Vec<Step<'a>>, out: &mut Vec<Diagnostic>) {
    match &node.value {
        Value::Object(members) => {
            // Each key's first member; a scan of the earlier members is quicker for the few
            // keys most objects have, a map keeps an object of 100,000 keys from being quadratic.
            let mut first_of: FxHashMap<&str, usize> = FxHashMap::default();
            if members.len() > MANY_KEYS {
                for (i, member) in members.iter().enumerate().rev() {
                    first_of.insert(&member.key, i);
                }
            }
            for (i, member) in members.iter().enumerate() {
                let nested = matches!(member.value.value, Value::Object(_) | Value::Array(_));
                let duplicate = if members.len() > MANY_KEYS {
                    first_of
                        .get(&*member.key)
                        .filter(|&&first| first < i)
                        .and_then(|&first| members.get(first))
                } else {
                    members[..i].iter().find(|m| m.key == member.key)
                };
                if !nested && duplicate.is_none() {
                    continue;
                }
                path.push(Step::Key(&member.key));
                if let Some(first) = duplicate {
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
                        .at(pointer(path)),
                    );
                }
                if nested {
                    walk(&member.value, path, out);
                }
                path.pop();
            }
        }
        Value::Array(items) => {
            // Only objects hold keys: the strings that fill most arrays need no step.
            let nested = |(_, item): &(usize, &Node)| {
                matches!(item.value, Value::Object(_) | Value::Array(_))
            };
            for (i, item) in items.iter().enumerate().filter(nested) {
                path.push(Step::Index(i));
                walk(item, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}
