//! P004 invalid-effect: `Effect` is a string other than exactly `Allow` or `Deny`.

use super::Context;
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::policy::Str;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for s in &cx.policy.statements {
        let Some(effect) = s.effect.and_then(|m| Str::of_value(&m.value)) else {
            continue;
        };
        if effect.value == "Allow" || effect.value == "Deny" {
            continue;
        }
        let help = match effect.value.trim().to_ascii_lowercase().as_str() {
            "allow" => "write `Allow`: the value is case-sensitive".to_string(),
            "deny" => "write `Deny`: the value is case-sensitive".to_string(),
            _ => "use `Allow` or `Deny`".to_string(),
        };
        out.push(
            Diagnostic::new(
                Code::P004,
                effect.span,
                format!("`Effect` must be `Allow` or `Deny`, not `{}`", effect.value),
            )
            .help(help)
            .at(format!("{}/Effect", s.pointer)),
        );
    }
}
