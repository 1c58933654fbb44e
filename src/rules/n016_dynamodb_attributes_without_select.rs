//! N016 dynamodb-attributes-without-select: an Allow that limits `dynamodb:Attributes`
//! without a `dynamodb:Select` condition. A `Query` or `Scan` that asks for all attributes
//! (`Select: ALL_ATTRIBUTES`, or no projection) names no attribute for the key to check,
//! so the attribute list restricts nothing for it. Statements that allow neither `Query`
//! nor `Scan` (the actions that take `Select`) are left alone.

use super::Context;
use crate::code::Code;
use crate::diagnostic::Diagnostic;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for s in &cx.policy.statements {
        // The cheap tests first: the action patterns are matched only for a statement
        // that limits the attributes.
        if !s.is_allow()
            || !s.has_condition_key("dynamodb:Attributes")
            || s.has_condition_key("dynamodb:Select")
            || !reads_by_select(s)
        {
            continue;
        }
        for entry in s.conditions() {
            if !entry.key.value.eq_ignore_ascii_case("dynamodb:Attributes") {
                continue;
            }
            out.push(
                Diagnostic::new(
                    Code::N016,
                    entry.key.span,
                    "`dynamodb:Attributes` without `dynamodb:Select`: a query for all attributes still returns every attribute",
                )
                .help("add `\"StringEquals\": {\"dynamodb:Select\": \"SPECIFIC_ATTRIBUTES\"}` to this statement")
                .at(entry.pointer(&s.pointer)),
            );
        }
    }
}

/// Whether the statement's `Action` reaches `dynamodb:Query` or `dynamodb:Scan`.
fn reads_by_select(s: &crate::policy::Statement) -> bool {
    s.actions().iter().any(|a| {
        ["dynamodb:Query", "dynamodb:Scan"]
            .iter()
            .any(|name| crate::pattern::pattern_covers(a.value, name, true))
    })
}
