//! N001 unknown-condition-key: a condition key that neither AWS's global keys nor the
//! service's keys define. A missing key makes most operators fail, so the condition
//! never holds (or, with `...IfExists` and negated operators, always holds).

use super::lookup::{key_suggestion, KeyLookup};
use super::Context;
use crate::code::Code;
use crate::diagnostic::Diagnostic;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for s in &cx.policy.statements {
        for (entry, facts) in cx.conditions(s) {
            let KeyLookup::Unknown = facts.key else {
                continue;
            };
            let suggestion = key_suggestion(cx, entry.key.value);
            let guess = suggestion
                .as_ref()
                .map(|close| format!("; did you mean `{close}`?"))
                .unwrap_or_default();
            let help = match suggestion {
                Some(close) => format!("replace it with `{close}`"),
                None => format!(
                    "see the global condition keys and the service's keys in the Service Authorization Reference (catalog {})",
                    cx.catalog().source_version()
                ),
            };
            out.push(
                Diagnostic::new(
                    Code::N001,
                    entry.key.span,
                    format!("`{}` is not a known condition key{guess}", entry.key.value),
                )
                .help(help)
                .at(format!("{}/Condition/{}", s.pointer, entry.operator.value)),
            );
        }
    }
}
