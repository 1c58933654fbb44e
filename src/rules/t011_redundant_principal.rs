//! T011 redundant-principal: a principal a statement already names: the same value twice
//! under one principal type, an account given both as its id and as its root ARN, or a role
//! session (`assumed-role/NAME/SESSION`) next to the role it belongs to.

use super::Context;
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::policy::{PrincipalValue, Str};

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for s in &cx.policy.statements {
        let principals = s.principals();
        for (i, p) in principals.iter().enumerate() {
            let covering = principals
                .iter()
                .enumerate()
                .filter(|&(j, _)| j != i)
                .find(|&(j, other)| covers(other, p, j < i));
            let Some((_, by)) = covering else {
                continue;
            };
            let (what, how) = if same_value(by, p) {
                ("is listed twice", "the same principal")
            } else if by.value.value.contains(":role/") {
                ("is a session of a role the statement names", "its role")
            } else {
                ("is the same account as another entry", "the same account")
            };
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

fn same_value(a: &PrincipalValue, b: &PrincipalValue) -> bool {
    a.kind.map(|k| k.value) == b.kind.map(|k| k.value) && a.value.value == b.value.value
}

/// Whether `by` makes `p` redundant. Of two equal entries the later one is redundant.
fn covers(by: &PrincipalValue, p: &PrincipalValue, by_is_earlier: bool) -> bool {
    if same_value(by, p) {
        return by_is_earlier;
    }
    if !(by.has_type("AWS") && p.has_type("AWS")) {
        return false;
    }
    // An account id and that account's root ARN are one principal: the ARN is the redundant one.
    if let Some(account) = root_account(p.value) {
        if by.value.value == account {
            return true;
        }
    }
    // `arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION` is one session of `role/.../NAME`.
    session_of(p.value).is_some_and(|(partition, account, role)| {
        role_of(by.value).is_some_and(|(bp, ba, br)| bp == partition && ba == account && br == role)
    })
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
