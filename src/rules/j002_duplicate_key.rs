//! J002 duplicate-key: an object names the same key twice; AWS silently keeps one.

use super::Context;
use crate::diagnostic::Diagnostic;
use crate::json::{Node, Value};
use crate::policy::Str;
use rustc_hash::FxHashMap;

/// Past this many members an object's keys are looked up in a map instead of scanned.
const MANY_KEYS: usize = 32;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    walk(cx.policy.root, &mut String::new(), out);
}

/// `pointer` is one buffer grown and cut back on the way down, not a string per node.
fn walk(node: &Node, pointer: &mut String, out: &mut Vec<Diagnostic>) {
    let depth = pointer.len();
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
                pointer.push('/');
                pointer.push_str(&member.key);
                if let Some(first) = duplicate {
                    out.push(
                        Diagnostic::new(
                            "J002",
                            Str::of_key(member).span,
                            format!(
                                "duplicate key `{}`: AWS uses only one of the two values",
                                member.key
                            ),
                        )
                        .label(Str::of_key(first).span, "first defined here")
                        .help(format!("merge the two `{}` entries into one", member.key))
                        .at(pointer.as_str()),
                    );
                }
                walk(&member.value, pointer, out);
                pointer.truncate(depth);
            }
        }
        Value::Array(items) => {
            // Only objects hold keys: the strings that fill most arrays need no pointer.
            let nested = |(_, item): &(usize, &Node)| {
                matches!(item.value, Value::Object(_) | Value::Array(_))
            };
            for (i, item) in items.iter().enumerate().filter(nested) {
                use std::fmt::Write;
                let _ = write!(pointer, "/{i}");
                walk(item, pointer, out);
                pointer.truncate(depth);
            }
        }
        _ => {}
    }
}
