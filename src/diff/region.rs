//! What part of the request space a statement covers, one resource value and one principal
//! at a time (a "piece"), and when an old statement covers a piece of a new one: resources
//! field by field, principals as AWS matches them, conditions by implication.

use super::condition::implies;
use super::shape::Shape;
use super::witness::account_of;
use crate::access::{Access, Condition, Grant, Principals, Resources};
use crate::pattern::Glob;
use crate::policy::{Policy, PrincipalValue, Str};

/// One document, read for comparison.
pub struct Side<'a> {
    pub access: Access<'a>,
    /// Whether `${…}` are policy variables (version 2012-10-17).
    pub variables: bool,
}

impl<'a> Side<'a> {
    pub fn of(policy: &'a Policy<'a>) -> Side<'a> {
        Side {
            access: Access::of(policy),
            variables: policy
                .version
                .and_then(|m| m.value.as_str())
                .is_some_and(|v| v == "2012-10-17"),
        }
    }
}

/// Which resources a piece is about.
#[derive(Clone, Copy, Debug)]
pub enum Where<'s, 'a> {
    Value(Str<'a>),
    /// `NotResource`: all but these.
    Except(&'s [Str<'a>]),
    /// No resource element.
    Any,
}

/// Who a piece is about.
#[derive(Clone, Copy, Debug)]
pub enum Who<'s, 'a> {
    Value(&'s PrincipalValue<'a>),
    Except(&'s [PrincipalValue<'a>]),
    Anyone,
}

/// One resource value × one principal × the statement's conditions.
#[derive(Clone, Debug)]
pub struct Piece<'s, 'a> {
    pub resource: Where<'s, 'a>,
    pub principal: Who<'s, 'a>,
    pub conditions: Vec<Condition<'a>>,
}

impl<'s, 'a> Piece<'s, 'a> {
    /// The pieces of a statement.
    pub fn all(g: &'s Grant<'a>) -> Vec<Piece<'s, 'a>> {
        let resources: Vec<Where> = match &g.resources {
            Resources::Listed(vs) => vs.iter().map(|v| Where::Value(*v)).collect(),
            Resources::Except { excluded, .. } => vec![Where::Except(excluded)],
            Resources::Unstated => vec![Where::Any],
        };
        let principals: Vec<Who> = match &g.principals {
            Principals::Listed(ps) => ps.iter().map(Who::Value).collect(),
            Principals::Except(ps) => vec![Who::Except(ps)],
            Principals::Unstated => vec![Who::Anyone],
        };
        let mut out = Vec::with_capacity(resources.len() * principals.len());
        for r in &resources {
            for p in &principals {
                out.push(Piece {
                    resource: *r,
                    principal: *p,
                    conditions: g.conditions.clone(),
                });
            }
        }
        out
    }

    /// The piece once per value of its first positive condition with several values
    /// (values are ORed: two old statements may cover one value each).
    pub fn split(&self) -> Vec<Piece<'s, 'a>> {
        let Some(at) = self.conditions.iter().position(|c| {
            c.values.len() > 1
                && c.narrows == crate::access::Narrows::Target
                && !c
                    .operator
                    .value
                    .to_ascii_lowercase()
                    .starts_with("forallvalues")
        }) else {
            return Vec::new();
        };
        self.conditions[at]
            .values
            .iter()
            .map(|v| {
                let mut piece = self.clone();
                piece.conditions[at].values = vec![v.clone()];
                piece
            })
            .collect()
    }

    pub fn resource_text(&self) -> Option<&'a str> {
        match self.resource {
            Where::Value(v) => Some(v.value),
            _ => None,
        }
    }
}

/// Whether every request of `piece` (in `new`) meets `t` (in `old`), the action aside.
pub fn covers(t: &Grant, old: &Side, piece: &Piece, new: &Side) -> bool {
    resource_covered(&t.resources, old.variables, &piece.resource, new.variables)
        && principal_covered(&t.principals, &piece.principal)
        && conditions_implied(
            &t.conditions,
            &piece.conditions,
            old.variables == new.variables,
        )
}

/// Every condition of `wanted` is implied by one of `given`.
pub fn conditions_implied(wanted: &[Condition], given: &[Condition], variables: bool) -> bool {
    wanted
        .iter()
        .all(|w| given.iter().any(|g| implies(g, w, variables)))
}

/// Whether no request meets both sets of conditions (a sound "never").
pub fn conditions_exclusive(xs: &[Condition], ys: &[Condition]) -> bool {
    xs.iter()
        .any(|x| ys.iter().any(|y| super::condition::excludes(x, y)))
}

pub fn resource_covered(outer: &Resources, ov: bool, inner: &Where, iv: bool) -> bool {
    let star = |vs: &[Str]| vs.iter().any(|v| v.value == "*");
    match (outer, inner) {
        (Resources::Unstated, _) => true,
        (Resources::Listed(ts), Where::Value(r)) => {
            let inner = Shape::arn(r.value, iv);
            ts.iter()
                .any(|t| t.value == "*" || Shape::arn(t.value, ov).covers(&inner))
        }
        (Resources::Listed(ts), _) => star(ts),
        (Resources::Except { excluded, .. }, Where::Value(r)) => {
            let reached = Glob::new(&crate::access::scope::without_variables(r.value));
            !excluded.iter().any(|x| {
                Glob::new(&crate::access::scope::without_variables(x.value)).intersects(&reached)
            })
        }
        (Resources::Except { excluded: ys, .. }, Where::Except(xs)) => ys.iter().all(|y| {
            let y = Shape::arn(y.value, ov);
            xs.iter().any(|x| Shape::arn(x.value, iv).covers(&y))
        }),
        (Resources::Except { excluded, .. }, Where::Any) => excluded.is_empty(),
    }
}

/// Whether a piece's resources may meet a statement's (a sound "maybe").
pub fn resource_meets(outer: &Resources, inner: &Where) -> bool {
    let glob = |v: &str| Glob::new(&crate::access::scope::without_variables(v));
    match (outer, inner) {
        (Resources::Listed(ts), Where::Value(r)) => {
            let r = glob(r.value);
            ts.iter().any(|t| glob(t.value).intersects(&r))
        }
        (Resources::Except { excluded, .. }, Where::Value(r)) => {
            // Unless every excluded value... covers `r` entirely, some resource is left.
            let r_shape = Shape::arn(r.value, true);
            !excluded
                .iter()
                .any(|x| Shape::arn(x.value, true).covers(&r_shape))
        }
        _ => true,
    }
}

pub fn principal_covered(outer: &Principals, inner: &Who) -> bool {
    match (outer, inner) {
        (Principals::Unstated, _) => true,
        (Principals::Listed(ts), Who::Value(p)) => ts.iter().any(|t| principal_covers(t, p)),
        (Principals::Listed(ts), Who::Except(_)) => {
            ts.iter().any(|t| t.value.value == "*" && t.kind.is_none())
        }
        (Principals::Except(ys), Who::Value(p)) => {
            p.value.value != "*" && !ys.iter().any(|y| principal_meets(y, p))
        }
        (Principals::Except(ys), Who::Except(xs)) => ys.iter().all(|y| {
            xs.iter().any(|x| {
                x.value.value == y.value.value && x.kind.map(|k| k.value) == y.kind.map(|k| k.value)
            })
        }),
        (_, Who::Anyone) => false,
    }
}

/// Whether a principal may meet what a statement names (a sound "maybe").
pub fn principal_meets_all(outer: &Principals, inner: &Who) -> bool {
    match (outer, inner) {
        (Principals::Listed(ts), Who::Value(p)) => ts.iter().any(|t| principal_meets(t, p)),
        // Unless an excluded value takes in every requester of `p`.
        (Principals::Except(ys), Who::Value(p)) => !ys.iter().any(|y| principal_covers(y, p)),
        _ => true,
    }
}

/// How AWS matches a principal value against a requester (`AWS` ARN, `Service` name…):
/// an account (its ID or root ARN) stands for every principal of that account.
pub fn principal_matches(p: &PrincipalValue, kind: &str, id: &str) -> bool {
    let pk = p.kind.map_or("*", |k| k.value);
    let named = p.value.value;
    if named == "*" {
        return pk == "*" || pk == kind;
    }
    if pk != kind {
        return false;
    }
    match kind {
        "AWS" => match whole_account(named) {
            Some(account) => crate::policy::arn::split(id).is_ok_and(|a| a.account.text == account),
            None => named == id,
        },
        "Service" => named.eq_ignore_ascii_case(id),
        _ => named == id,
    }
}

/// The account a value names as a whole: a 12-digit ID or `arn:…:iam::ID:root`.
fn whole_account(value: &str) -> Option<&str> {
    if crate::policy::arn::is_account_id(value) {
        return Some(value);
    }
    crate::policy::arn::split(value)
        .ok()
        .filter(|a| a.resource.text == "root")
        .map(|a| a.account.text)
}

/// Whether every requester `inner` matches is matched by `outer`.
pub fn principal_covers(outer: &PrincipalValue, inner: &PrincipalValue) -> bool {
    let ok = outer.kind.map(|k| k.value);
    let ik = inner.kind.map(|k| k.value);
    if outer.value.value == "*" {
        return ok.is_none() || ok == ik;
    }
    if ok != ik || ok.is_none() || inner.value.value == "*" {
        return false;
    }
    let (o, i) = (outer.value.value, inner.value.value);
    match ok {
        Some("AWS") => {
            if o == i {
                return true;
            }
            match (whole_account(o), whole_account(i)) {
                (Some(a), Some(b)) => a == b,
                // A role or user ARN of the account.
                (Some(a), None) => account_of(i) == Some(a) && i.starts_with("arn:"),
                _ => false,
            }
        }
        Some("Service") => o.eq_ignore_ascii_case(i),
        _ => o == i,
    }
}

/// Whether some requester may be matched by both values (a sound "maybe").
pub fn principal_meets(a: &PrincipalValue, b: &PrincipalValue) -> bool {
    let (ak, bk) = (a.kind.map(|k| k.value), b.kind.map(|k| k.value));
    if a.value.value == "*" || b.value.value == "*" {
        return ak.is_none() || bk.is_none() || ak == bk;
    }
    if ak != bk {
        return false;
    }
    principal_covers(a, b)
        || principal_covers(b, a)
        || (ak == Some("AWS") && account_of(a.value.value) == account_of(b.value.value))
}
