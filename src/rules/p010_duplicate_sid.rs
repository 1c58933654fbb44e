//! P010 duplicate-sid: two statements share a `Sid`; AWS requires them to be unique.

use super::Context;
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::policy::Str;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let sids: Vec<(Str, &str)> = cx
        .policy
        .statements
        .iter()
        .filter_map(|s| Some((Str::of_value(&s.sid?.value)?, s.pointer.as_str())))
        .filter(|(sid, _)| !sid.value.is_empty())
        .collect();
    for (i, (sid, pointer)) in sids.iter().enumerate() {
        if let Some((first, _)) = sids[..i].iter().find(|(other, _)| other.value == sid.value) {
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
}
