//! C002 unknown-action: an action name the service does not have (`kms:Decrpyt`). AWS
//! accepts the policy, and the statement silently grants or denies nothing for it. An action
//! AWS grants in its own managed policies is real though undocumented: information.

use super::lookup::{closest_action, Resolved};
use super::Context;
use crate::catalog::undocumented;
use crate::code::Code;
use crate::diagnostic::{Diagnostic, Severity};

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for s in &cx.policy.statements {
        for entry in cx.actions(s).all() {
            let (Some(name), member) = (entry.name, entry.member) else {
                continue;
            };
            let value = name.text;
            if entry.wildcard || name.service.is_empty() {
                continue;
            }
            if name.name.is_empty() {
                if cx.catalog().service(name.service).is_some() {
                    out.push(
                        Diagnostic::new(
                            Code::C002,
                            value.span,
                            format!("`{}` names no action after the colon", value.value),
                        )
                        .help(format!(
                            "write `{}ActionName`, or `{}*` for every action",
                            value.value, value.value
                        ))
                        .at(format!("{}/{}", s.pointer, member.key)),
                    );
                }
                continue;
            }
            let Resolved::Actions(found) = &entry.resolved else {
                continue;
            };
            if !found.is_empty() {
                continue;
            }
            if let Some(policy) = undocumented::managed_policy_using_action(name.service, name.name)
            {
                out.push(
                    Diagnostic::new(
                        Code::C002,
                        value.sub_span(name.name_range()),
                        format!(
                            "`{}` is not in AWS's service reference for `{}`, but AWS's own managed policy {policy} grants it: an undocumented action, which iamlint cannot check further",
                            name.name, name.service
                        ),
                    )
                    .help("nothing to fix if you meant this action")
                    .severity(Severity::Info)
                    .at(format!("{}/{}", s.pointer, member.key)),
                );
                continue;
            }
            let close = closest_action(cx, &name);
            let help = match close {
                    Some(close) => ["replace it with `", name.service, ":", close, "`"].concat(),
                    None => format!(
                        "`iamlint expand '{}:*'` lists the actions of `{}`; if the action is newer than the catalog ({}), pass a newer one with `--catalog`",
                        name.service,
                        name.service,
                        cx.catalog().source_version()
                    ),
                };
            out.push(
                Diagnostic::new(
                    Code::C002,
                    value.sub_span(name.name_range()),
                    // Joined, not `format!`ted: C002 fires by the hundred.
                    [
                        "`",
                        name.name,
                        "` is not an action of `",
                        name.service,
                        "`, so this matches nothing",
                        close.map_or("", |_| "; did you mean `"),
                        close.map_or("", |_| name.service),
                        close.map_or("", |_| ":"),
                        close.unwrap_or(""),
                        close.map_or("", |_| "`?"),
                    ]
                    .concat(),
                )
                .help(help)
                .at([s.pointer.as_str(), "/", &member.key].concat()),
            );
        }
    }
}
