//! C001 unknown-service: an action whose service prefix is not an AWS service. The
//! statement then grants or denies nothing for it. A prefix the catalog lacks but that AWS
//! retired, or that AWS's own managed policies use, is said as such, as information.

use super::lookup::{is_templated, Resolved};
use super::Context;
use crate::catalog::undocumented;
use crate::code::Code;
use crate::diagnostic::{Diagnostic, Severity};

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for s in &cx.policy.statements {
        for entry in cx.actions(s).all() {
            let (value, member) = (entry.text, entry.member);
            let name = match entry.name {
                Some(name) if !name.service.is_empty() => name,
                // A template value (`${Action}`) is some action, known at deploy time.
                _ if value.value == "*" || is_templated(value.value) => continue,
                _ => {
                    out.push(
                        Diagnostic::new(
                            Code::C001,
                            value.span,
                            format!(
                                "`{}` has no service prefix, so it matches no action",
                                value.value
                            ),
                        )
                        .help("write actions as `service:Action`, such as `s3:GetObject`")
                        .at(format!("{}/{}", s.pointer, member.key)),
                    );
                    continue;
                }
            };
            // Only a string with a wildcard can have one in its prefix.
            if entry.wildcard && crate::policy::has_wildcard(name.service) {
                continue;
            }
            // The lookup already found the service, or found it unknown; a string it could
            // not read as an action (`kms:`, `s3:${Verb}`) is asked about its prefix alone.
            let known = match &entry.resolved {
                Resolved::UnknownService => false,
                Resolved::Malformed => cx.catalog().service(name.service).is_some(),
                Resolved::Actions(_) | Resolved::Everything => true,
            };
            if known || is_templated(value.value) {
                continue;
            }
            let pointer = format!("{}/{}", s.pointer, member.key);
            let span = value.sub_span(name.service_range());
            if let Some(retired) = undocumented::retired_service(name.service) {
                out.push(
                    Diagnostic::new(
                        Code::C001,
                        span,
                        format!(
                            "`{}` is {}, which AWS retired ({}): `{}` grants nothing today",
                            name.service, retired.name, retired.retired, value.value
                        ),
                    )
                    .help(format!(
                        "remove the action; the retirement is documented at {}",
                        retired.source
                    ))
                    .severity(Severity::Info)
                    .at(pointer),
                );
                continue;
            }
            if let Some(policy) = undocumented::managed_policy_using_service(name.service) {
                out.push(
                        Diagnostic::new(
                            Code::C001,
                            span,
                            format!(
                                "`{}` is not in AWS's service reference, but AWS's own managed policy {policy} uses it: an undocumented AWS service, which iamlint cannot check further",
                                name.service
                            ),
                        )
                        .help("nothing to fix if you meant this service; the catalog cannot say which actions it has")
                        .severity(Severity::Info)
                        .at(pointer),
                    );
                continue;
            }
            let close = super::lookup::closest_service(cx, name.service);
            let guess = close
                .map(|c| format!("; did you mean `{c}`?"))
                .unwrap_or_default();
            let help = match close {
                    Some(close) => format!("replace it with `{close}:{}`", name.name),
                    None => "use a service prefix from the Service Authorization Reference, such as `s3` or `kms`".to_string(),
                };
            out.push(
                Diagnostic::new(
                    Code::C001,
                    span,
                    format!(
                        "`{}` is not an AWS service prefix, so `{}` matches no action{guess}",
                        name.service, value.value
                    ),
                )
                .help(help)
                .at(pointer),
            );
        }
    }
}
