//! P008 invalid-sid: IAM and Organizations accept only letters and digits in a `Sid`
//! (key and other resource policies are looser: see P009). In a template, only the literal
//! text around a template value (`${Environment}ReadAccess`) is checked: the tool fills it.

use super::Context;
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::policy::Str;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for s in &cx.policy.statements {
        let Some(sid) = s.sid.and_then(|m| Str::of_value(&m.value)) else {
            continue;
        };
        // Most Sids are plain letters and digits, and need no look for template values.
        if sid.value.bytes().all(|b| b.is_ascii_alphanumeric()) {
            continue;
        }
        let literal = crate::policy::template::literal(sid.value);
        if literal.chars().all(|c| c.is_ascii_alphanumeric()) {
            continue;
        }
        // Letters with accents are spelt in ASCII rather than dropped: `Größe` -> `Groesse`.
        let suggestion: String = crate::suggest::to_ascii(sid.value)
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(|w| w[..1].to_ascii_uppercase() + &w[1..])
            .collect();
        let mut diagnostic = Diagnostic::new(
            Code::P008,
            sid.span,
            format!(
                "`Sid` `{}` has characters other than letters and digits",
                sid.value
            ),
        )
        .at(format!("{}/Sid", s.pointer));
        if !suggestion.is_empty() {
            diagnostic = diagnostic.help(format!("rename it, for example to `{suggestion}`"));
        }
        out.push(diagnostic);
    }
}
