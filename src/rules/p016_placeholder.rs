//! P016 placeholder: a template value that was never filled in (`ACCOUNT-ID`, `<KEY_ID>`).
//! AWS rejects such a principal, and such a resource never matches anything.

use super::Context;
use crate::diagnostic::Diagnostic;
use crate::policy::{placeholder, strings, Str};

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for s in &cx.policy.statements {
        let mut values: Vec<(Str, String)> = Vec::new();
        for member in [s.resource, s.not_resource].into_iter().flatten() {
            values.extend(
                strings(&member.value)
                    .into_iter()
                    .map(|v| (v, format!("{}/{}", s.pointer, member.key))),
            );
        }
        for member in [s.principal, s.not_principal].into_iter().flatten() {
            values.extend(
                crate::policy::principal_values(member)
                    .into_iter()
                    .map(|p| (p.value, format!("{}/{}", s.pointer, member.key))),
            );
        }
        for entry in s.conditions() {
            let pointer = format!(
                "{}/Condition/{}/{}",
                s.pointer, entry.operator.value, entry.key.value
            );
            values.extend(
                strings(entry.values)
                    .into_iter()
                    .map(|v| (v, pointer.clone())),
            );
        }
        for (value, pointer) in values {
            for range in placeholder::find(value.value) {
                let word = &value.value[range.clone()];
                out.push(
                    Diagnostic::new(
                        "P016",
                        value.sub_span(range.clone()),
                        format!("unresolved placeholder `{word}`"),
                    )
                    .help(format!(
                        "replace `{word}` with the real value before deploying this policy"
                    ))
                    .at(pointer.clone()),
                );
            }
        }
    }
}
