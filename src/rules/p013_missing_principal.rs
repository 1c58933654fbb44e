//! P013 missing-principal: a statement of a resource, key or trust policy names nobody.

use super::Context;
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::json::Span;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for s in &cx.policy.statements {
        if s.principal.is_none() && s.not_principal.is_none() {
            let start = s.node.span.start;
            out.push(
                Diagnostic::new(
                    Code::P013,
                    Span::new(start, start + 1),
                    format!("statement of a {} policy has no `Principal`", cx.kind),
                )
                .help("add a `Principal` naming who the statement applies to")
                .at(s.pointer.clone()),
            );
        }
    }
}
