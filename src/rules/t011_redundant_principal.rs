//! T011 redundant-principal: a principal a statement already names: the same value twice
//! under one principal type, an account given both as its id and as its root ARN, or a role
//! session (`assumed-role/NAME/SESSION`) next to the role it belongs to.

use super::Context;
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::policy::{arn, PrincipalValue, Str};
use std::collections::HashMap;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for s in &cx.policy.statements {
        let principals = s.principals();
        // Looked up by value, so a statement with thousands of principals stays linear.
        let mut first: HashMap<(Option<&str>, &str), usize> = HashMap::new();
        let mut accounts: HashMap<&str, usize> = HashMap::new();
        let mut roles: HashMap<(&str, &str, &str), usize> = HashMap::new();
        for (i, p) in principals.iter().enumerate() {
            first
                .entry((p.kind.map(|k| k.value), p.value.value))
                .or_insert(i);
            if p.has_type("AWS") {
                if arn::is_account_id(p.value.value) {
                    accounts.entry(p.value.value).or_insert(i);
                }
                if let Some(role) = role_of(p.value) {
                    roles.entry(role).or_insert(i);
                }
            }
        }
        for (i, p) in principals.iter().enumerate() {
            let by = covering(p, i, &first, &accounts, &roles);
            let Some((by, what, how)) = by else {
                continue;
            };
            let by = &principals[by];
            out.push(
                Diagnostic::new(
                    Code::T011,
                    p.value.span,
                    format!("principal `{}` {what}", p.value.value),
                )
                .label(by.value.span, how)
                .at(format!("{}/Principal", s.pointer)),
            );
        }
    }
}

/// The entry that makes principal `i` redundant, with what to say about it. Of two equal
/// entries the later one is redundant; of an account id and its root ARN, the ARN.
fn covering(
    p: &PrincipalValue,
    i: usize,
    first: &HashMap<(Option<&str>, &str), usize>,
    accounts: &HashMap<&str, usize>,
    roles: &HashMap<(&str, &str, &str), usize>,
) -> Option<(usize, &'static str, &'static str)> {
    let earlier = first[&(p.kind.map(|k| k.value), p.value.value)];
    if earlier != i {
        return Some((earlier, "is listed twice", "the same principal"));
    }
    if !p.has_type("AWS") {
        return None;
    }
    if let Some(&by) = root_account(p.value).and_then(|a| accounts.get(a)) {
        return Some((
            by,
            "is the same account as another entry",
            "the same account",
        ));
    }
    // `arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION` is one session of `role/.../NAME`.
    let by = session_of(p.value).and_then(|session| roles.get(&session))?;
    Some((
        *by,
        "is a session of a role the statement names",
        "its role",
    ))
}

fn root_account<'a>(v: Str<'a>) -> Option<&'a str> {
    let rest = v.value.strip_prefix("arn:")?;
    let (_partition, rest) = rest.split_once(":iam::")?;
    let account = rest.strip_suffix(":root")?;
    (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit())).then_some(account)
}

fn session_of<'a>(v: Str<'a>) -> Option<(&'a str, &'a str, &'a str)> {
    let rest = v.value.strip_prefix("arn:")?;
    let (partition, rest) = rest.split_once(":sts::")?;
    let (account, rest) = rest.split_once(":assumed-role/")?;
    let (role, session) = rest.split_once('/')?;
    (!session.is_empty() && !role.contains(['*', '?', '$']) && !account.contains(['*', '?', '$']))
        .then_some((partition, account, role))
}

fn role_of<'a>(v: Str<'a>) -> Option<(&'a str, &'a str, &'a str)> {
    let rest = v.value.strip_prefix("arn:")?;
    let (partition, rest) = rest.split_once(":iam::")?;
    let (account, path) = rest.split_once(":role/")?;
    // The role's name is the path's last segment; the session ARN leaves the path out.
    let name = path.rsplit('/').next()?;
    Some((partition, account, name))
}
