//! E005 permissions-management: actions of the catalog's "Permissions management" level
//! (`s3:PutBucketPolicy`, `kms:PutKeyPolicy`, `lambda:AddPermission`, ...) and key
//! destruction (`kms:ScheduleKeyDeletion`) on every resource of their type: the holder can
//! open any such resource to anyone, or destroy it. Actions that are an escalation,
//! takeover or credentials method by themselves are those rules' findings; wildcards that
//! reach permissions management are C004's.

use super::lookup::{list_first, Resolved};
use super::methods::{self, check_family, Family};
use super::principals;
use super::Context;
use crate::access::{Actions, Target};
use crate::catalog::AccessLevel;
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::policy::{arn, PolicyKind, PrincipalValue};

/// How many actions a message names.
const SHOWN: usize = 5;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    if cx.kind == PolicyKind::Resource {
        return resource_policy(cx, out);
    }
    check_family(cx, out, Family::Destruction);
    // Most documents name no permissions-management action outright: settled from the
    // statements' looked-up actions before the document's access is read.
    if !super::allows(cx).any(|s| s.action.is_some() && names_management(cx, s)) {
        return;
    }
    let access = methods::access(cx);
    for grant in &access.allows {
        // `NotAction` is A003's finding, `"*"` A001's.
        let Actions::Listed(_) = &grant.actions else {
            continue;
        };
        if grant.narrowing().next().is_some() {
            continue;
        }
        // `Action`'s strings (the grant's tokens), each looked up once per document.
        let actions = cx.actions(grant.statement);
        // Wildcards are C004's finding, which already says when they reach permissions
        // management (and `svc:*` A002's, `*` A001's).
        for entry in actions.listed().iter().filter(|e| !e.wildcard) {
            let token = &entry.text;
            let Resolved::Actions(found) = &entry.resolved else {
                continue;
            };
            let mut open: Vec<String> = Vec::new();
            // Conditions under which a Deny takes some of it away, with where they stand.
            let mut conditional: Vec<(crate::json::Span, String)> = Vec::new();
            for (service, action) in found.iter() {
                if !manages_resources(action) {
                    continue;
                }
                let name = [service.prefix, ":", action.name].concat();
                if methods::is_method_alone(&name) {
                    continue;
                }
                let Some(target) = Target::resolve(cx.catalog(), &name) else {
                    continue;
                };
                if !grant.may_reach_every(&target) {
                    continue;
                }
                // This statement's grant of it, if it stands on every resource.
                let mine = access
                    .reach_of(grant, &target)
                    .filter(|r| r.stands() && r.token.span == token.span && r.scope.is_open());
                if let Some(reach) = mine {
                    for c in reach.denied_when.iter().flat_map(|d| &d.conditions) {
                        if !conditional.iter().any(|(span, _)| *span == c.key.span) {
                            conditional.push((c.key.span, c.describe()));
                        }
                    }
                    open.push(name);
                }
            }
            if open.is_empty() {
                continue;
            }
            let count = open.len();
            let mut message = if count == 1 && token.value.eq_ignore_ascii_case(&open[0]) {
                [
                    "`",
                    token.value,
                    "` on every resource lets the holder change the permissions of any of them",
                ]
                .concat()
            } else {
                let names = open.into_iter().map(|n| ["`", &n, "`"].concat());
                [
                    "`",
                    token.value,
                    "` grants ",
                    &list_first(names, count, SHOWN),
                    " on every resource: the holder can change the permissions of any of them",
                ]
                .concat()
            };
            if !conditional.is_empty() {
                let when: Vec<&str> = conditional.iter().map(|(_, w)| w.as_str()).collect();
                message.push_str(&format!(
                    " (a Deny applies only when {})",
                    when.join(" and ")
                ));
            }
            let mut d = Diagnostic::new(Code::E005, token.span, message)
                .help("name the resources in `Resource`, or keep permissions management with administrators")
                .at([grant.statement.pointer.as_str(), "/Action"].concat());
            for (span, when) in conditional {
                d = d.label(span, format!("denied only when {when}"));
            }
            out.push(d);
        }
    }
}

/// Whether a wildcard-free token of `s`'s `Action` names an action of the "Permissions
/// management" level that has resources: what `check` reports, before anything else.
fn names_management<'a>(cx: &Context<'a>, s: &crate::policy::Statement<'a>) -> bool {
    let actions = cx.actions(s);
    actions.listed().iter().any(|entry| {
        !entry.wildcard
            && matches!(&entry.resolved,
            Resolved::Actions(found) if found.runs().any(|(service, run)| {
                run.filter_map(|at| service.actions.get(at)).any(manages_resources)
            }))
    })
}

/// An action of the "Permissions management" level that has resources: what E005 reports.
fn manages_resources(action: &crate::catalog::Action) -> bool {
    action.access_level == AccessLevel::PermissionsManagement && !action.resource_types.is_empty()
}

/// In a resource policy the resource is the owner's: permissions management granted to a
/// principal of another account, or to everyone, hands over who may use it.
fn resource_policy(cx: &Context, out: &mut Vec<Diagnostic>) {
    let access = methods::access(cx);
    let owner = owner_account(cx);
    for grant in &access.allows {
        let (Actions::Listed(tokens), crate::access::Principals::Listed(who)) =
            (&grant.actions, &grant.principals)
        else {
            continue;
        };
        // `aws:PrincipalOrgID`, `aws:SourceAccount` and the like pin who may call.
        if grant.narrowing().next().is_some() {
            continue;
        }
        let others: Vec<&PrincipalValue> = who
            .iter()
            .filter(|p| {
                p.is_wildcard()
                    || principals::account(p)
                        .is_some_and(|a| owner.as_deref().is_some_and(|o| o != a))
            })
            .collect();
        let Some(first) = others.first() else {
            continue;
        };
        for token in tokens
            .iter()
            .filter(|t| !crate::policy::has_wildcard(t.value))
        {
            let Some(target) = Target::resolve(cx.catalog(), token.value) else {
                continue;
            };
            if target.action.access_level != AccessLevel::PermissionsManagement
                || !access.reach_of(grant, &target).is_some_and(|r| r.stands())
            {
                continue;
            }
            let whom = if first.is_wildcard() {
                "everyone (`*`)".to_string()
            } else {
                format!("`{}`, outside the owner's account", first.value.value)
            };
            out.push(
                Diagnostic::new(
                    Code::E005,
                    token.span,
                    format!(
                        "`{}` is granted to {whom}: it can change who may access this resource",
                        token.value
                    ),
                )
                .label(first.value.span, "not the owner")
                .help("grant permissions management only to principals of the owner's account")
                .at(format!("{}/Action", grant.statement.pointer)),
            );
        }
    }
}

/// The account that owns the resource: the one its ARNs name, else the one most of the
/// policy's principals belong to.
fn owner_account(cx: &Context) -> Option<String> {
    let from_arn = cx
        .policy
        .statements
        .iter()
        .flat_map(|s| s.resources())
        .find_map(|r| {
            let parts = arn::split(r.value).ok()?;
            arn::is_account_id(parts.account.text).then(|| parts.account.text.to_string())
        });
    from_arn.or_else(|| principals::home_account(cx.policy, false).map(|h| h.account))
}
