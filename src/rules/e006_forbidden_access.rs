//! E006 forbidden-access: the document grants an action that a `[[forbid]]` entry of the
//! config (or `--forbid`) says no policy may grant, after its `Deny` statements: the
//! offline form of IAM Access Analyzer's `CheckAccessNotGranted`. One finding per action
//! token, naming the forbidden actions it reaches and why they are forbidden.

use super::lookup::list_first;
use super::methods::access;
use super::Context;
use crate::access::forbid::{Forbidden, Hit};
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::json::Span;

/// How many forbidden actions a message names before "and N more".
const SHOWN: usize = 3;

/// What one action token grants against the config's entries.
struct Group<'h, 's, 'a> {
    span: Span,
    hits: Vec<&'h Hit<'s, 'a>>,
    entries: Vec<&'h Forbidden>,
}

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    // A VPC endpoint's policy filters and grants nothing.
    if cx.forbidden.is_empty() || cx.is_vpc_endpoint_policy() {
        return;
    }
    let access = access(cx);
    if access.allows.is_empty() {
        return;
    }
    let found: Vec<(&Forbidden, Vec<Hit>)> = cx
        .forbidden
        .iter()
        .map(|entry| (entry, access.forbidden(entry, cx.catalog())))
        .collect();
    let mut groups: Vec<Group> = Vec::new();
    for (entry, hits) in &found {
        for hit in hits {
            let at = match groups.iter().position(|g| g.span == hit.token.span) {
                Some(at) => at,
                None => {
                    groups.push(Group {
                        span: hit.token.span,
                        hits: Vec::new(),
                        entries: Vec::new(),
                    });
                    groups.len() - 1
                }
            };
            let group = &mut groups[at];
            if !group.hits.iter().any(|h| h.action == hit.action) {
                group.hits.push(hit);
            }
            if !group.entries.iter().any(|e| std::ptr::eq(*e, *entry)) {
                group.entries.push(entry);
            }
        }
    }
    for group in groups {
        out.push(diagnostic(&group));
    }
}

fn diagnostic(group: &Group) -> Diagnostic {
    let first = group.hits[0];
    let grant = first.grant;
    let token = first.token.value;
    let actions: Vec<String> = group
        .hits
        .iter()
        .map(|h| format!("`{}`", h.action))
        .collect();
    let reasons: Vec<&str> = group.entries.iter().map(|e| e.reason.as_str()).collect();
    // Where and to whom, when one entry says it (several would each say something else).
    let mut scope = String::new();
    if let [entry] = group.entries.as_slice() {
        if !entry.resources.is_empty() {
            scope.push_str(&format!(" on {}", quoted(&entry.resources)));
        }
        if !entry.principals.is_empty() {
            scope.push_str(&format!(" for {}", quoted(&entry.principals)));
        }
    }
    let mut message = match actions.as_slice() {
        // `iam:PassRole` needs no "grants `iam:PassRole`".
        [_] if token.eq_ignore_ascii_case(&first.action) => {
            format!("`{token}`{scope} is forbidden")
        }
        [one] => format!("`{token}` grants {one}{scope}, which is forbidden"),
        many => format!(
            "`{token}` grants {} forbidden actions{scope} ({})",
            many.len(),
            list_first(many.iter().cloned(), many.len(), SHOWN)
        ),
    };
    message.push_str(&format!(": {}", reasons.join("; ")));
    let mut d = Diagnostic::new(Code::E006, first.token.span, "");
    let mut labelled = vec![first.token.span];
    let allow_conditions: Vec<String> = grant.conditions.iter().map(described).collect();
    if !allow_conditions.is_empty() {
        message.push_str(&format!(
            " (granted when {})",
            allow_conditions.join(" and ")
        ));
        for c in &grant.conditions {
            if !labelled.contains(&c.key.span) {
                labelled.push(c.key.span);
                d = d.label(c.key.span, "granted only when this holds");
            }
        }
    }
    let mut denied: Vec<String> = Vec::new();
    for hit in &group.hits {
        for deny in &hit.denied_when {
            let when: Vec<String> = deny.conditions.iter().map(described).collect();
            let when = when.join(" and ");
            if !denied.contains(&when) {
                denied.push(when);
            }
            for c in &deny.conditions {
                if !labelled.contains(&c.key.span) {
                    labelled.push(c.key.span);
                    d = d.label(c.key.span, format!("denied only when {}", described(c)));
                }
            }
        }
    }
    if !denied.is_empty() {
        message.push_str(&format!(
            "; a Deny takes it away only when {}",
            denied.join(", or when ")
        ));
    }
    let origins: Vec<&str> = group.entries.iter().map(|e| e.origin.as_str()).collect();
    d.message = message;
    let key = if grant.statement.action.is_some() {
        "Action"
    } else {
        "NotAction"
    };
    d.help(format!(
        "remove the forbidden actions from this statement or add a Deny that covers them (forbidden by {})",
        origins.join(", ")
    ))
    .at(format!("{}/{key}", grant.statement.pointer))
}

fn quoted(values: &[String]) -> String {
    values
        .iter()
        .map(|v| format!("`{v}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A condition in words; one whose values a template fills in (`{"Ref": …}` in a JSON
/// template) says so rather than showing no value.
fn described(c: &crate::access::Condition) -> String {
    match c.values.is_empty() {
        true => format!(
            "`{}` {} a value set at deployment",
            c.key.value, c.operator.value
        ),
        false => c.describe(),
    }
}
