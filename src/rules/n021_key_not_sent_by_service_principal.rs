//! N021 key-not-sent-by-service-principal: in a statement whose principals are all AWS
//! services, a condition that needs a key AWS never puts in a service principal's request
//! (the organization and tags of an IAM principal, an IAM user's name, a role session's
//! properties). The condition never holds, so the statement never applies.

use super::lookup::list_names;
use super::Context;
use crate::catalog::GlobalConditionKey;
use crate::code::Code;
use crate::diagnostic::Diagnostic;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for s in &cx.policy.statements {
        let principals = s.principals();
        if s.not_principal.is_some()
            || principals.is_empty()
            || !principals.iter().all(|p| p.has_type("Service"))
        {
            continue;
        }
        for entry in s.conditions() {
            // A negation, `IfExists`, `ForAllValues:` or `Null` holds when the key is absent.
            if !entry.requires_match()
                || !cx
                    .catalog()
                    .global_condition_key(entry.key.value)
                    .is_some_and(never_for_services)
            {
                continue;
            }
            let services: Vec<String> = principals
                .iter()
                .map(|p| format!("`{}`", p.value.value))
                .collect();
            out.push(
                Diagnostic::new(
                    Code::N021,
                    entry.key.span,
                    format!(
                        "AWS never sends `{}` for a service principal, so this condition never holds for {} and the statement never applies",
                        entry.key.value,
                        list_names(&services, 3),
                    ),
                )
                .at(entry.pointer(&s.pointer)),
            );
        }
    }
}

/// Keys AWS's global condition keys page documents as present only for IAM principals: the
/// role-session properties ("only available when a request is made by a principal with role
/// session or federated user principal credentials"), the organization of the principal's
/// account, its tags, and an IAM user's name.
fn never_for_services(key: &GlobalConditionKey) -> bool {
    key.category == "session"
        || [
            "aws:PrincipalOrgID",
            "aws:PrincipalOrgPaths",
            "aws:PrincipalTag/${TagKey}",
            "aws:username",
        ]
        .contains(&key.name.as_str())
}
