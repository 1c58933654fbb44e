//! P016 placeholder: a value a human must fill that never was (`ACCOUNT-ID`, `<KEY_ID>`).
//! AWS rejects such a principal, and such a resource never matches anything.

use super::Context;
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::policy::{each_string, placeholder, Str};

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for s in &cx.policy.statements {
        // The element's pointer is spelled out only for a value that holds a placeholder:
        // most values hold none.
        let mut report = |value: Str, pointer: &dyn Fn() -> String| {
            for range in placeholder::find(value.value) {
                let word = &value.value[range.clone()];
                out.push(
                    Diagnostic::new(
                        Code::P016,
                        value.sub_span(range.clone()),
                        ["unresolved placeholder `", word, "`"].concat(),
                    )
                    .help(
                        [
                            "replace `",
                            word,
                            "` with the real value before deploying this policy",
                        ]
                        .concat(),
                    )
                    .at(pointer()),
                );
            }
        };
        for member in [s.resource, s.not_resource].into_iter().flatten() {
            for &value in s.strings_of(member).iter() {
                report(value, &|| [s.pointer.as_str(), "/", &member.key].concat());
            }
        }
        for member in [s.principal, s.not_principal].into_iter().flatten() {
            for p in s.principals_of(member).iter() {
                report(p.value, &|| [s.pointer.as_str(), "/", &member.key].concat());
            }
        }
        for entry in s.conditions() {
            for value in each_string(entry.values) {
                report(value, &|| entry.pointer(&s.pointer));
            }
        }
    }
}
