//! C001 unknown-service: an action whose service prefix is not an AWS service. The
//! statement then grants or denies nothing for it.

use super::lookup::ActionName;
use super::Context;
use crate::diagnostic::Diagnostic;
use crate::policy::strings;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for s in &cx.policy.statements {
        for member in [s.action, s.not_action].into_iter().flatten() {
            for value in strings(&member.value) {
                let Some(name) = ActionName::parse(value) else {
                    continue;
                };
                let wild = name.service.contains(['*', '?']);
                if wild || name.service.is_empty() || cx.catalog.service(name.service).is_some() {
                    continue;
                }
                let close = cx.catalog.suggest_service(name.service);
                let guess = close
                    .map(|c| format!("; did you mean `{c}`?"))
                    .unwrap_or_default();
                let help = match close {
                    Some(close) => format!("replace it with `{close}:{}`", name.name),
                    None => "use a service prefix from the Service Authorization Reference, such as `s3` or `kms`".to_string(),
                };
                out.push(
                    Diagnostic::new(
                        "C001",
                        value.sub_span(name.service_range()),
                        format!(
                            "`{}` is not an AWS service prefix, so `{}` matches no action{guess}",
                            name.service, value.value
                        ),
                    )
                    .help(help)
                    .at(format!("{}/{}", s.pointer, member.key)),
                );
            }
        }
    }
}
