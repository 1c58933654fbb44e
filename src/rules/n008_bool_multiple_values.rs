//! N008 bool-multiple-values: a `Bool` condition with a list of values. AWS rejects the
//! policy: a Boolean key is either true or false, so it takes one value.

use super::lookup::OperatorType;
use super::Context;
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::json::Value;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for s in &cx.policy.statements {
        for (entry, facts) in cx.conditions(s) {
            let is_bool = facts.operator.is_some_and(|o| o.kind == OperatorType::Bool);
            let Value::Array(items) = &entry.values.value else {
                continue;
            };
            if !is_bool || items.len() < 2 {
                continue;
            }
            out.push(
                Diagnostic::new(
                    Code::N008,
                    entry.values.span,
                    format!(
                        "`{}` takes one Boolean value, not a list of {}",
                        entry.key.value,
                        items.len()
                    ),
                )
                .help(
                    "keep the one value the condition needs; to allow either, remove the condition",
                )
                .at(entry.pointer(&s.pointer)),
            );
        }
    }
}
