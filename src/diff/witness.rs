//! Example requests: one request a new policy allows and the old one denies, built from the
//! piece of the new statement that no old statement covers, and checked against both
//! documents statement by statement with the access engine's grants.

use super::condition::{self, Context};
use super::region::{principal_matches, Side};
use super::shape::{variable_key, Shape};
use crate::access::{Access, Grant, Principals, Resources};
use serde::Serialize;

/// A request: who, what, on which resource, with which context values.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Witness {
    pub action: String,
    pub resource: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub principal: Option<(String, String)>,
    #[serde(skip_serializing_if = "Context::is_empty")]
    pub context: Context,
}

impl Witness {
    /// `s3:PutObject on arn:aws:s3:::b/x by AWS arn:… with aws:SourceVpc=vpc-1`.
    pub fn describe(&self) -> String {
        let mut text = format!("`{}` on `{}`", self.action, self.resource);
        if let Some((kind, id)) = &self.principal {
            text.push_str(&format!(" by {kind} `{id}`"));
        }
        if !self.context.is_empty() {
            let pairs: Vec<String> = self
                .context
                .iter()
                .map(|(k, v)| format!("`{k}` = `{}`", v.join("`, `")))
                .collect();
            text.push_str(&format!(" with {}", pairs.join(", ")));
        } else {
            text.push_str(" with no condition keys set");
        }
        text
    }
}

/// A policy variable's value from the context (IAM's substitution), `None` when its key is
/// missing and it has no default.
pub fn substitute(text: &str, context: &Context, variables: bool) -> Option<String> {
    if !variables || !text.contains("${") {
        return Some(text.to_string());
    }
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let Some(len) = rest[start..].find('}') else {
            out.push_str(&rest[start..]);
            return Some(out);
        };
        let body = &rest[start + 2..start + len];
        let value = match body {
            "*" | "?" | "$" => Some(body.to_string()),
            // A template value stands for itself.
            _ if !crate::policy::template::is_policy_variable(body) => Some(format!("${{{body}}}")),
            _ => {
                let key = variable_key(body).to_ascii_lowercase();
                context
                    .get(&key)
                    .and_then(|v| v.first().cloned())
                    .or_else(|| {
                        body.split_once(',')
                            .map(|(_, d)| d.trim().trim_matches('\'').to_string())
                    })
            }
        };
        out.push_str(&value?);
        rest = &rest[start + len + 1..];
    }
    out.push_str(rest);
    Some(out)
}

/// Whether a statement applies to the request; `None` when a condition's operator is one
/// this check does not evaluate.
pub fn applies(g: &Grant, w: &Witness, variables: bool) -> Option<bool> {
    if g.token_for(&w.action).is_none() {
        return Some(false);
    }
    let matches = |pattern: &str| match substitute(pattern, &w.context, variables) {
        Some(p) => p == "*" || Shape::arn(&p, false).covers(&Shape::literal(&w.resource)),
        None => false,
    };
    let resource = match &g.resources {
        Resources::Listed(vs) => vs.iter().any(|v| matches(v.value)),
        Resources::Except { excluded, .. } => !excluded.iter().any(|v| matches(v.value)),
        Resources::Unstated => true,
    };
    if !resource {
        return Some(false);
    }
    let principal = match (&g.principals, &w.principal) {
        (Principals::Unstated, _) => true,
        (Principals::Listed(ps), Some((k, id))) => ps.iter().any(|p| principal_matches(p, k, id)),
        (Principals::Except(ps), Some((k, id))) => !ps.iter().any(|p| principal_matches(p, k, id)),
        (_, None) => false,
    };
    if !principal {
        return Some(false);
    }
    for c in &g.conditions {
        if !condition::holds(c, &w.context, variables)? {
            return Some(false);
        }
    }
    Some(true)
}

/// Whether the document allows the request (an explicit `Deny` wins).
pub fn allows(access: &Access, w: &Witness, variables: bool) -> Option<bool> {
    let mut unknown = false;
    for d in &access.denies {
        match applies(d, w, variables) {
            Some(true) => return Some(false),
            Some(false) => {}
            None => unknown = true,
        }
    }
    let mut allowed = false;
    for a in &access.allows {
        match applies(a, w, variables) {
            Some(true) => allowed = true,
            Some(false) => {}
            None => unknown = true,
        }
    }
    match (allowed, unknown) {
        (false, false) => Some(false),
        (true, false) => Some(true),
        // A statement it cannot evaluate could change the answer either way.
        _ => None,
    }
}

/// Searches a few candidate requests in `piece` of `grant` (new) for one that `new` allows
/// and `old` denies.
pub fn find(
    action: &str,
    grant: &Grant,
    resource: Option<&str>,
    principal: Option<&crate::policy::PrincipalValue>,
    new: &Side,
    old: &Side,
) -> Option<Witness> {
    // The context that meets the new statement's conditions.
    let mut base = Context::new();
    for c in &grant.conditions {
        condition::satisfy(c, &mut base);
    }
    let mut contexts = vec![base.clone()];
    let old_conditions = old
        .access
        .allows
        .iter()
        .chain(&old.access.denies)
        .filter(|g| g.token_for(action).is_some())
        .flat_map(|g| g.conditions.iter());
    let mut all = base.clone();
    for c in old_conditions.take(8) {
        let mut one = base.clone();
        condition::violate(c, &mut one);
        condition::violate(c, &mut all);
        if !contexts.contains(&one) {
            contexts.push(one);
        }
    }
    if !contexts.contains(&all) {
        contexts.push(all);
    }
    // Where an old `Deny` is what denied it: the context under which that Deny applies.
    let mut denied = base.clone();
    for d in old
        .access
        .denies
        .iter()
        .filter(|d| d.token_for(action).is_some())
    {
        for c in &d.conditions {
            condition::satisfy(c, &mut denied);
        }
    }
    if !contexts.contains(&denied) {
        contexts.push(denied);
    }
    let mut resources = resource_candidates(grant, resource, new.variables);
    // Where an old `Deny` denied it: resources inside that Deny.
    for d in old
        .access
        .denies
        .iter()
        .filter(|d| d.token_for(action).is_some())
    {
        if let Resources::Listed(values) = &d.resources {
            for v in values.iter().take(4) {
                let mut vars = Vec::new();
                let value = Shape::arn(v.value, old.variables)
                    .instance("zq9-new", &mut |b| fill(b, &mut vars));
                resources.push((value, vars));
            }
        }
    }
    let principals = principal_candidates(&grant.principals, principal);
    for context in &contexts {
        for (r, vars) in &resources {
            for p in &principals {
                let mut context = context.clone();
                for (k, v) in vars {
                    context.entry(k.clone()).or_insert_with(|| vec![v.clone()]);
                }
                let w = Witness {
                    action: action.to_string(),
                    resource: r.clone(),
                    principal: p.clone(),
                    context,
                };
                if allows(&new.access, &w, new.variables) == Some(true)
                    && allows(&old.access, &w, old.variables) == Some(false)
                {
                    return Some(w);
                }
            }
        }
    }
    None
}

type Candidate = (String, Vec<(String, String)>);

/// A value for a `${…}` in an example resource: a policy variable gets one, set in the
/// request's context; a template value (`${AWS::AccountId}`) stays as written.
fn fill(body: &str, vars: &mut Vec<(String, String)>) -> String {
    if !crate::policy::template::is_policy_variable(body) {
        return format!("${{{body}}}");
    }
    vars.push((
        variable_key(body).to_ascii_lowercase(),
        "zq9-user".to_string(),
    ));
    "zq9-user".to_string()
}

fn resource_candidates(grant: &Grant, resource: Option<&str>, variables: bool) -> Vec<Candidate> {
    let generic = [
        "*",
        "arn:aws:s3:::zq9-new/zq9",
        "arn:aws:iam::999988887777:role/zq9-new",
    ];
    match (resource, &grant.resources) {
        (Some(r), _) => ["zq9-new", "", "zq9/zq9"]
            .iter()
            .map(|filler| {
                let mut vars = Vec::new();
                let value = Shape::arn(r, variables).instance(filler, &mut |b| fill(b, &mut vars));
                (value, vars)
            })
            .collect(),
        (None, _) => generic
            .iter()
            .map(|r| (r.to_string(), Vec::new()))
            .collect(),
    }
}

const STRANGER: &str = "999988887777";

fn principal_candidates(
    principals: &Principals,
    value: Option<&crate::policy::PrincipalValue>,
) -> Vec<Option<(String, String)>> {
    let stranger = || {
        (
            "AWS".to_string(),
            format!("arn:aws:iam::{STRANGER}:role/zq9-new"),
        )
    };
    let of_kind = |kind: &str| -> (String, String) {
        match kind {
            "AWS" => stranger(),
            "Service" => (kind.to_string(), "zq9.amazonaws.com".to_string()),
            "Federated" => (kind.to_string(), "zq9-idp.example.com".to_string()),
            other => (other.to_string(), "zq9".to_string()),
        }
    };
    match (principals, value) {
        (Principals::Unstated, _) => vec![None],
        (_, Some(p)) => {
            let kind = p.kind.map(|k| k.value);
            let v = p.value.value;
            match kind {
                None if v == "*" => vec![Some(stranger()), Some(of_kind("Service"))],
                Some(k) if v == "*" => vec![Some(of_kind(k))],
                Some("AWS") | None => {
                    let account = account_of(v);
                    let mut out = Vec::new();
                    if let Some(a) =
                        account.filter(|_| !v.contains(":role/") && !v.contains(":user/"))
                    {
                        out.push(Some((
                            "AWS".to_string(),
                            format!("arn:aws:iam::{a}:role/zq9-new"),
                        )));
                        out.push(Some(("AWS".to_string(), format!("arn:aws:iam::{a}:root"))));
                    } else {
                        out.push(Some(("AWS".to_string(), v.to_string())));
                    }
                    out
                }
                Some(k) => vec![Some((k.to_string(), v.to_string()))],
            }
        }
        (_, None) => vec![Some(stranger()), Some(of_kind("Service"))],
    }
}

/// The account an AWS principal value names: a 12-digit ID or an ARN's account field.
pub fn account_of(value: &str) -> Option<&str> {
    if crate::policy::arn::is_account_id(value) {
        return Some(value);
    }
    crate::policy::arn::split(value)
        .ok()
        .map(|arn| arn.account.text)
        .filter(|a| !a.is_empty())
}
