//! N015 list-prefix-bypass: an `s3:prefix` condition that a `ListBucket` request without a
//! `prefix` parameter steps around. Such a request carries no `s3:prefix`, so a positive
//! operator in a `Deny` does not match (nothing is denied) and a negated operator in an
//! `Allow` matches (everything is listed).

use super::lookup::OperatorType;
use super::Context;
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::policy::Effect;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for s in &cx.policy.statements {
        let effect = s.effect();
        for (entry, facts) in cx.conditions(s) {
            if !entry.key.value.eq_ignore_ascii_case("s3:prefix") {
                continue;
            }
            let Some(op) = facts.operator else {
                continue;
            };
            if op.kind == OperatorType::Null {
                continue;
            }
            let text = entry.operator.value;
            let negated = op.base.contains("Not");
            // Both `IfExists` and `ForAllValues:` match when the key is absent.
            let matches_absent =
                negated || text.ends_with("IfExists") || op.set == Some("ForAllValues");
            let message = match (effect, matches_absent) {
                (Effect::Deny, false) => format!(
                    "a request without a `prefix` carries no `s3:prefix`, so this `{text}` does not match and the Deny is stepped around by listing the whole bucket"
                ),
                (Effect::Allow, true) if negated => format!(
                    "a request without a `prefix` carries no `s3:prefix`, and `{text}` matches an absent key: this Allow lets anyone list the whole bucket"
                ),
                _ => continue,
            };
            let help = if effect == Effect::Deny {
                "use a negated operator for what stays allowed (`StringNotLike`), or add `Null: {\"s3:prefix\": \"true\"}` in a Deny of its own"
            } else {
                "list the allowed prefixes with `StringLike` or `StringEquals` instead of excluding some"
            };
            out.push(
                Diagnostic::new(Code::N015, entry.key.span, message)
                    .help(help)
                    .at(entry.pointer(&s.pointer)),
            );
        }
    }
}
