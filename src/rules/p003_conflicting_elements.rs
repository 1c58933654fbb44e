//! P003 conflicting-elements: `Action` with `NotAction` (or the Resource/Principal pairs).

use super::Context;
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::policy::Str;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for s in &cx.policy.statements {
        for (yes, no) in [
            (s.action, s.not_action),
            (s.resource, s.not_resource),
            (s.principal, s.not_principal),
        ] {
            if let (Some(yes), Some(no)) = (yes, no) {
                out.push(
                    Diagnostic::new(
                        Code::P003,
                        Str::of_key(no).span,
                        format!(
                            "a statement cannot have both `{}` and `{}`",
                            yes.key, no.key
                        ),
                    )
                    .label(Str::of_key(yes).span, format!("`{}` is here", yes.key))
                    .help(format!(
                        "keep one of `{}` and `{}`; split the statement if both are meant",
                        yes.key, no.key
                    ))
                    .at(format!("{}/{}", s.pointer, no.key)),
                );
            }
        }
    }
}
