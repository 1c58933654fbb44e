//! P010 duplicate-sid: two statements share a `Sid`; AWS requires them to be unique.

use super::Context;
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::policy::Str;
use rustc_hash::FxHashMap;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let sids: Vec<(Str, &str)> = cx
        .policy
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
        out.push(
            Diagnostic::new(
                Code::P010,
                sid.span,
                ["`Sid` `", sid.value, "` is used by an earlier statement"].concat(),
            )
            .label(first.span, "first used here")
            .help("give each statement its own `Sid`")
            .at([&pointer[..], "/Sid"].concat()),
        );
    }
}
