//! C008 redundant-action: an action listed twice in one statement, or covered by another
//! pattern in the same list (`s3:GetObject` next to `s3:Get*`). Removing it changes nothing.

use super::Context;
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::pattern::{pattern_covers, redundant_patterns};

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for s in &cx.policy.statements {
        for member in [s.action, s.not_action].into_iter().flatten() {
            let values = s.strings_of(member);
            let texts: Vec<&str> = values.iter().map(|v| v.value).collect();
            let covers = |general: &str, specific: &str| pattern_covers(general, specific, true);
            for (i, covering) in redundant_patterns(&texts, true, covers) {
                let (value, by) = (values[i], values[covering]);
                let message = if value.value.eq_ignore_ascii_case(by.value) {
                    format!("`{}` is listed twice in `{}`", value.value, member.key)
                } else {
                    format!(
                        "`{}` is already matched by `{}` in `{}`",
                        value.value, by.value, member.key
                    )
                };
                out.push(
                    Diagnostic::new(Code::C008, value.span, message)
                        .label(by.span, "this covers it")
                        .help(format!("remove `{}`", value.value))
                        .at(format!("{}/{}", s.pointer, member.key)),
                );
            }
        }
    }
}
