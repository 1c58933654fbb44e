//! N007 key-case-duplicate: one operator names the same condition key twice, spelled with
//! different capitals. AWS compares keys case-insensitively and rejects the policy. Keys
//! spelled identically are J002's (a duplicate JSON key).

use super::Context;
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::policy::Str;
use std::collections::{HashMap, HashSet};

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for s in &cx.policy.statements {
        let Some(block) = s.condition.and_then(|c| c.value.members()) else {
            continue;
        };
        for op in block {
            let keys = op.value.members().unwrap_or_default();
            // Most operators name one key: nothing to repeat, and no maps to build.
            if keys.len() < 2 {
                continue;
            }
            // Each key, lower-cased, to its first member; and every spelling seen. Maps, not
            // a scan of the earlier keys: a generated block can have thousands.
            let mut first_of: HashMap<String, usize> = HashMap::new();
            let mut spellings: HashSet<&str> = HashSet::new();
            for (i, key) in keys.iter().enumerate() {
                let first = *first_of.entry(key.key.to_ascii_lowercase()).or_insert(i);
                // A spelling seen before is J002's duplicate; a new spelling of a seen key is ours.
                if !spellings.insert(&key.key) || first == i {
                    continue;
                }
                let first = &keys[first];
                out.push(
                    Diagnostic::new(
                        Code::N007,
                        Str::of_key(key).span,
                        format!(
                            "`{}` repeats `{}` under `{}` with different capitals; AWS compares keys without regard to case",
                            key.key, first.key, op.key
                        ),
                    )
                    .label(Str::of_key(first).span, "first spelled here")
                    .help("keep one spelling and merge the two lists of values")
                    .at(format!("{}/Condition/{}/{}", s.pointer, op.key, key.key)),
                );
            }
        }
    }
}
