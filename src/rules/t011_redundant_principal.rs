//! T011 redundant-principal: a principal a statement already names: the same value twice
//! under one principal type, an account given both as its id and as its root ARN, or a role
//! session (`assumed-role/NAME/SESSION`) next to the role it belongs to.

use super::Context;
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::policy::{arn, PrincipalValue, Str};
use rustc_hash::FxHashMap;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for s in &cx.policy.statements {
        let principals = s.principals();
        // A lone entry repeats nothing and is neither an account's root nor a session of
        // another entry's role: most statements stop here.
        if principals.len() < 2 {
            continue;
        }
        let earlier = Earlier::new(principals);
        for (i, p) in principals.iter().enumerate() {
            let Some((by, what, how)) = covering(p, i, &earlier) else {
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

/// Lists this long or shorter are scanned: cheaper than building maps for the few entries
/// most statements have.
const SHORT_LIST: usize = 16;

/// The first entry of a statement's principals with a given value, account or role: looked
/// up in maps for a long list, so thousands of principals stay linear, scanned for a short.
struct Earlier<'p, 'a> {
    principals: &'p [PrincipalValue<'a>],
    maps: Option<Maps<'a>>,
}

#[derive(Default)]
struct Maps<'a> {
    /// By principal type and value.
    first: FxHashMap<(Option<&'a str>, &'a str), usize>,
    /// `AWS` entries that are an account id, by the id.
    accounts: FxHashMap<&'a str, usize>,
    /// `AWS` entries that are a role, by [`role_of`].
    roles: FxHashMap<(&'a str, &'a str, &'a str), usize>,
}

impl<'p, 'a> Earlier<'p, 'a> {
    fn new(principals: &'p [PrincipalValue<'a>]) -> Self {
        let maps = (principals.len() > SHORT_LIST).then(|| {
            let mut maps = Maps::default();
            for (i, p) in principals.iter().enumerate() {
                maps.first
                    .entry((p.kind.map(|k| k.value), p.value.value))
                    .or_insert(i);
                if p.has_type("AWS") {
                    if arn::is_account_id(p.value.value) {
                        maps.accounts.entry(p.value.value).or_insert(i);
                    }
                    if let Some(role) = role_of(p.value) {
                        maps.roles.entry(role).or_insert(i);
                    }
                }
            }
            maps
        });
        Earlier { principals, maps }
    }

    /// The first entry equal to `p`, the `i`th: `i` when none comes before it.
    fn same(&self, p: &PrincipalValue, i: usize) -> usize {
        let key = (p.kind.map(|k| k.value), p.value.value);
        match &self.maps {
            Some(maps) => maps.first[&key],
            None => self
                .principals
                .iter()
                .position(|q| (q.kind.map(|k| k.value), q.value.value) == key)
                .unwrap_or(i),
        }
    }

    /// The first `AWS` entry that is account id `account`.
    fn account(&self, account: &str) -> Option<usize> {
        match &self.maps {
            Some(maps) => maps.accounts.get(account).copied(),
            None => self.principals.iter().position(|q| {
                q.has_type("AWS") && q.value.value == account && arn::is_account_id(account)
            }),
        }
    }

    /// The first `AWS` entry that is role `role` ([`role_of`]).
    fn role(&self, role: (&str, &str, &str)) -> Option<usize> {
        match &self.maps {
            Some(maps) => maps.roles.get(&role).copied(),
            None => self
                .principals
                .iter()
                .position(|q| q.has_type("AWS") && role_of(q.value) == Some(role)),
        }
    }
}

/// The entry that makes principal `i` redundant, with what to say about it. Of two equal
/// entries the later one is redundant; of an account id and its root ARN, the ARN.
fn covering(
    p: &PrincipalValue,
    i: usize,
    earlier: &Earlier,
) -> Option<(usize, &'static str, &'static str)> {
    let first = earlier.same(p, i);
    if first != i {
        return Some((first, "is listed twice", "the same principal"));
    }
    if !p.has_type("AWS") {
        return None;
    }
    if let Some(by) = root_account(p.value).and_then(|a| earlier.account(a)) {
        return Some((
            by,
            "is the same account as another entry",
            "the same account",
        ));
    }
    // `arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION` is one session of `role/.../NAME`.
    let by = session_of(p.value).and_then(|session| earlier.role(session))?;
    Some((by, "is a session of a role the statement names", "its role"))
}

fn root_account<'a>(v: Str<'a>) -> Option<&'a str> {
    // The suffix first: most principals end otherwise, and need no search for `:iam::`.
    let rest = v.value.strip_prefix("arn:")?.strip_suffix(":root")?;
    let (_partition, account) = rest.split_once(":iam::")?;
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

#[cfg(test)]
mod tests {
    use super::root_account;
    use crate::policy::Str;

    /// Stripping `:root` before searching for `:iam::` answers as the search first would.
    #[test]
    fn root_accounts_are_read_whichever_part_is_taken_first() {
        fn searched_first(value: &str) -> Option<&str> {
            let rest = value.strip_prefix("arn:")?;
            let (_partition, rest) = rest.split_once(":iam::")?;
            let account = rest.strip_suffix(":root")?;
            (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit())).then_some(account)
        }
        let values = [
            "arn:aws:iam::111122223333:root",
            "arn:aws-cn:iam::111122223333:root",
            "arn:aws:iam::111122223333:role/root",
            "arn:aws:iam::111122223333:root/x",
            "arn:aws:iam::root",
            "arn:x:iam::root",
            "arn::root",
            "arn:root",
            "arn:aws:iam::iam::111122223333:root",
            "arn:aws:sts::111122223333:root",
            "111122223333",
            "",
        ];
        let mut found = 0;
        for value in values {
            let text = format!("{value:?}");
            let node = crate::json::parse(&text).unwrap();
            let v = Str::of_value(&node).unwrap();
            found += usize::from(searched_first(value).is_some());
            assert_eq!(root_account(v), searched_first(value), "{value}");
        }
        assert_eq!(found, 2);
    }
}
