//! P010 duplicate-sid: two statements share a `Sid`; AWS requires them to be unique.

use super::Context;
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::policy::Str;
use std::collections::HashMap;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let sids: Vec<(Str, &str)> = cx
        .policy
        .statements
        .iter()
        .filter_map(|s| Some((Str::of_value(&s.sid?.value)?, s.pointer.as_str())))
        .filter(|(sid, _)| !sid.value.is_empty())
        .collect();
    // The first statement of each `Sid`, looked up rather than searched for: a policy can
    // have 150,000 statements.
    let mut first_of: HashMap<&str, &Str> = HashMap::with_capacity(sids.len());
    for (sid, pointer) in &sids {
        let Some(first) = first_of.get(sid.value) else {
            first_of.insert(sid.value, sid);
            continue;
        };
        out.push(
            Diagnostic::new(
                Code::P010,
                sid.span,
                format!("`Sid` `{}` is used by an earlier statement", sid.value),
            )
            .label(first.span, "first used here")
            .help("give each statement its own `Sid`")
            .at(format!("{pointer}/Sid")),
        );
    }
}
