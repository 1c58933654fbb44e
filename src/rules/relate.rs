//! Documents read together. Per-file checking keeps a few compact facts about each policy
//! (which key accounts it delegates to, which key ARNs it grants, which placeholders it
//! spells); the documents themselves are dropped. This stage then relates the facts of one
//! file (a Markdown guide with a key policy and a role policy) and of files in one directory,
//! and reports what only shows when they are read side by side.
//!
//! A key policy and an identity policy relate when the key ARN's account is the key
//! policy's home account (see [`crate::rules::principals::home_account`]) and exactly one
//! key policy qualifies, first in the same file, then among the other files of the same
//! directory. Placeholders are compared between the documents of one Markdown file (a guide).

use super::principals;
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::json::Span;
use crate::location::{Host, Spot};
use crate::policy::{arn, placeholder, principal_values, strings, Policy, PolicyKind, Statement};
use std::collections::BTreeMap;
use std::sync::Arc;

/// A place in the host file, kept after the document is gone.
#[derive(Clone, Debug, Default)]
pub struct Anchor {
    pub span: Span,
    /// Its lines, columns and text, once the file's line index exists (see [`FileFacts::place`]).
    pub spot: Spot,
    pub pointer: String,
    /// The `Sid` of the statement the place lies in, which anchors baseline fingerprints.
    pub sid: Option<String>,
}

impl Anchor {
    fn new(span: Span, pointer: String, statement: Option<&Statement>) -> Self {
        let sid = statement
            .and_then(|s| s.sid)
            .and_then(|m| m.value.as_str())
            .map(str::to_string);
        Anchor {
            span,
            pointer,
            sid,
            ..Anchor::default()
        }
    }

    fn place(&mut self, host: &mut Host) {
        self.spot = Spot::of(host, self.span);
    }
}

/// What a key policy says about who may use the key.
#[derive(Clone, Debug)]
pub struct KeyFacts {
    /// The account the policy belongs to (a real ID or a placeholder), and how it was found.
    pub home: Option<(String, &'static str)>,
    /// [`account_key`] of the home account.
    pub home_key: Option<String>,
    /// [`account_key`]s of the accounts whose root an Allow statement names: IAM policies
    /// there can grant use.
    pub delegates_to: Vec<String>,
    /// Non-root principals the policy allows, for the message.
    pub principals: Vec<String>,
    /// The template resource that holds the key policy (its logical id), if any.
    pub resource: Option<String>,
    /// An Allow statement names the root of the template's own account
    /// (`arn:${AWS::Partition}:iam::${AWS::AccountId}:root`): IAM policies of the stack's
    /// account can grant use of the key.
    pub delegates_here: bool,
    /// The `Statement` element, where a label points.
    pub anchor: Anchor,
}

/// An identity policy's use of one specific key.
#[derive(Clone, Debug)]
pub struct KeyGrant {
    pub key_arn: String,
    pub account: String,
    /// [`account_key`] of `account`.
    pub account_key: String,
    pub action: String,
    pub anchor: Anchor,
}

#[derive(Clone, Debug)]
pub struct Placeholder {
    pub text: String,
    pub anchor: Anchor,
}

#[derive(Clone, Debug)]
pub struct DocFacts {
    pub document: usize,
    pub kind: PolicyKind,
    pub key: Option<KeyFacts>,
    pub grants: Vec<KeyGrant>,
    /// Grants on a key of the same template, named by its logical id (`!GetAtt AppKey.Arn`):
    /// related within the file only.
    pub template_grants: Vec<(KeyGrant, String)>,
    pub placeholders: Vec<Placeholder>,
}

/// The facts of one file, and whether its config lets the cross-file rule report in it.
#[derive(Clone, Debug, Default)]
pub struct FileFacts {
    pub documents: Vec<DocFacts>,
    pub x001_enabled: bool,
}

impl FileFacts {
    /// Whether another file's facts could add a finding here.
    pub fn may_relate(&self) -> bool {
        self.documents.iter().any(|d| !d.grants.is_empty())
    }

    /// Keeps only what other files can relate to: key policies and key grants. (Placeholders
    /// only ever relate within their own file.)
    pub fn shrink(&mut self) {
        self.documents
            .retain(|d| d.key.is_some() || !d.grants.is_empty());
        for d in &mut self.documents {
            d.placeholders = Vec::new();
            d.template_grants = Vec::new();
        }
        // Kept until the run ends, for every file: most keep nothing, and should hold nothing.
        self.documents.shrink_to_fit();
    }

    /// Fills in lines and columns once the file's line index exists.
    pub fn place(&mut self, host: &mut Host) {
        for doc in &mut self.documents {
            if let Some(key) = &mut doc.key {
                key.anchor.place(host);
            }
            for grant in &mut doc.grants {
                grant.anchor.place(host);
            }
            for (grant, _) in &mut doc.template_grants {
                grant.anchor.place(host);
            }
            for p in &mut doc.placeholders {
                p.anchor.place(host);
            }
        }
    }
}

/// Collects one document's facts; `offset` moves its spans into host-file coordinates;
/// `resource` is the template resource that holds the document, if any.
/// Placeholders are collected only for hosts of several documents (`guide`: Markdown),
/// the only place two spellings of one blank can meet.
pub fn collect(
    policy: &Policy,
    kind: PolicyKind,
    document: usize,
    offset: usize,
    guide: bool,
    resource: Option<&str>,
) -> DocFacts {
    let mut facts = DocFacts {
        document,
        kind,
        key: None,
        grants: Vec::new(),
        template_grants: Vec::new(),
        placeholders: Vec::new(),
    };
    let allows = || policy.statements.iter().filter(|s| s.is_allow());
    if kind == PolicyKind::KmsKey {
        if let Some(statement) = policy.statement {
            let span = crate::policy::Str::of_key(statement).span.shift(offset);
            let home = principals::home_account(policy, true);
            let mut delegates_to = Vec::new();
            let mut named = Vec::new();
            let mut delegates_here = false;
            for p in allows().flat_map(|s| s.principals()) {
                if resource.is_some() && p.has_type("AWS") && is_stack_root(p.value.value) {
                    delegates_here = true;
                    continue;
                }
                match principals::root_account(p.value.value) {
                    Some(account) if principals::is_root(p) => {
                        delegates_to.push(account_key(account))
                    }
                    _ => named.push(p.value.value.to_string()),
                }
            }
            facts.key = Some(KeyFacts {
                home_key: home.as_ref().map(|h| account_key(&h.account)),
                home: home.map(|h| (h.account, h.how)),
                delegates_to,
                principals: named,
                resource: resource.map(str::to_string),
                delegates_here,
                anchor: Anchor::new(span, "/Statement".into(), None),
            });
        }
    }
    let resource_is_some = resource.is_some();
    if kind == PolicyKind::Identity {
        for s in allows() {
            let Some(action) = s
                .actions()
                .iter()
                // Compared in place: this looks at every action of every identity policy.
                .find(|a| {
                    a.value
                        .get(..4)
                        .is_some_and(|service| service.eq_ignore_ascii_case("kms:"))
                })
            else {
                continue;
            };
            for resource in s.resources() {
                if let Some(key) = template_key(resource.value).filter(|_| resource_is_some) {
                    let grant = KeyGrant {
                        key_arn: resource.value.to_string(),
                        account: String::new(),
                        account_key: String::new(),
                        action: action.value.to_string(),
                        anchor: Anchor::new(
                            resource.span.shift(offset),
                            format!("{}/Resource", s.pointer),
                            Some(s),
                        ),
                    };
                    facts.template_grants.push((grant, key.to_string()));
                    continue;
                }
                let Ok(parts) = arn::split(resource.value) else {
                    continue;
                };
                let account = parts.account.text;
                let real = arn::is_account_id(account)
                    || !placeholder::find(account).is_empty()
                    || crate::policy::template::account(account).is_some();
                if parts.service.text == "kms"
                    && parts.resource.text.starts_with("key/")
                    && !resource.value.contains(['*', '?'])
                    && real
                {
                    facts.grants.push(KeyGrant {
                        key_arn: resource.value.to_string(),
                        account: account.to_string(),
                        account_key: account_key(account),
                        action: action.value.to_string(),
                        anchor: Anchor::new(
                            resource.span.shift(offset),
                            format!("{}/Resource", s.pointer),
                            Some(s),
                        ),
                    });
                }
            }
        }
    }
    for s in policy.statements.iter().filter(|_| guide) {
        let mut values = Vec::new();
        for member in [s.principal, s.not_principal].into_iter().flatten() {
            values.extend(principal_values(member).into_iter().map(|p| p.value));
        }
        for member in [s.resource, s.not_resource].into_iter().flatten() {
            values.extend(strings(&member.value));
        }
        values.extend(s.conditions().iter().flat_map(|c| strings(c.values)));
        for value in values {
            for hole in placeholder::find(value.value) {
                let Some(text) = value.value.get(hole.clone()) else {
                    continue;
                };
                facts.placeholders.push(Placeholder {
                    text: text.to_string(),
                    anchor: Anchor::new(
                        value.sub_span(hole).shift(offset),
                        s.pointer.clone(),
                        Some(s),
                    ),
                });
            }
        }
    }
    facts
}

/// The root of the stack's own account, as a template writes it.
fn is_stack_root(value: &str) -> bool {
    matches!(
        value,
        "${AWS::AccountId}"
            | "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"
            | "arn:aws:iam::${AWS::AccountId}:root"
    )
}

/// The logical id of a key a template names by `${Key.Arn}` (what `!GetAtt Key.Arn`
/// becomes).
fn template_key(value: &str) -> Option<&str> {
    let id = value.strip_prefix("${")?.strip_suffix(".Arn}")?;
    (!id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric())).then_some(id)
}

/// An account as compared between documents: the ID, or "" for any placeholder. A guide's
/// `ACCOUNT-ID` and a real ID are not comparable, but two placeholders stand for the same
/// blank.
fn account_key(account: &str) -> String {
    if arn::is_account_id(account) {
        account.to_string()
    } else {
        String::new()
    }
}

/// The key policy a grant is about, when exactly one candidate's home account matches.
fn key_for<'f>(grant: &KeyGrant, candidates: &[&'f KeyFacts]) -> Option<&'f KeyFacts> {
    let mut matching = candidates
        .iter()
        .filter(|k| k.home_key.as_ref() == Some(&grant.account_key));
    let first = matching.next()?;
    matching.next().is_none().then_some(*first)
}

/// The principals a key policy names, for a message: those who can still use the key.
fn named_principals(key: &KeyFacts) -> String {
    if key.principals.is_empty() {
        return "no one".to_string();
    }
    key.principals
        .iter()
        .map(|p| format!("`{p}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Why a grant cannot take effect, if it cannot.
fn unreachable(grant: &KeyGrant, key: &KeyFacts, where_: &str) -> Option<String> {
    if key.delegates_to.contains(&grant.account_key) {
        return None;
    }
    let named = named_principals(key);
    // Say why these two documents were paired, so a wrong pairing is easy to spot.
    let paired = key
        .home
        .as_ref()
        .map(|(account, how)| format!(" (account {account}: {how})"))
        .unwrap_or_default();
    Some(format!(
        "`{}` on `{}` has no effect: the key policy {where_}{paired} does not allow `arn:aws:iam::{}:root`, so IAM policies in that account cannot grant use of the key; only the principals it names can use it ({named})",
        grant.action, grant.key_arn, grant.account
    ))
}

const X001_HELP: &str = "add AWS's root delegation statement to the key policy, or name this role in the key policy's key-users statement";

/// Relations inside one file, as diagnostics in host-file coordinates with the document
/// they belong to.
pub fn within_file(facts: &[DocFacts]) -> Vec<(Diagnostic, usize)> {
    let mut out = Vec::new();
    let keys: Vec<&KeyFacts> = facts.iter().filter_map(|d| d.key.as_ref()).collect();
    for doc in facts {
        for grant in &doc.grants {
            let Some(key) = key_for(grant, &keys) else {
                continue;
            };
            let where_ = format!("at line {}", key.anchor.spot.start.line);
            if let Some(message) = unreachable(grant, key, &where_) {
                let mut d = Diagnostic::new(Code::X001, grant.anchor.span, message)
                    .label(key.anchor.span, "this key policy does not delegate to IAM")
                    .help(X001_HELP)
                    .at(grant.anchor.pointer.clone());
                d.sid = grant.anchor.sid.clone();
                out.push((d, doc.document));
            }
        }
    }
    out.extend(template_key_grants(facts));
    out.extend(inconsistent_placeholders(facts));
    out
}

/// Grants on a key of the same template (`!GetAtt AppKey.Arn`) whose key policy delegates to
/// no account root: only the principals it names can use the key.
fn template_key_grants(facts: &[DocFacts]) -> Vec<(Diagnostic, usize)> {
    let mut out = Vec::new();
    for doc in facts {
        for (grant, id) in &doc.template_grants {
            let Some(key) = facts
                .iter()
                .filter_map(|d| d.key.as_ref())
                .find(|k| k.resource.as_deref() == Some(id.as_str()))
            else {
                continue;
            };
            // Any root named (a literal account, or one a parameter fills) may be the stack's
            // own: only a key policy that names no root at all is reported.
            let names_a_root = key.principals.iter().any(|p| p.ends_with(":root"));
            if key.delegates_here || !key.delegates_to.is_empty() || names_a_root {
                continue;
            }
            let named = named_principals(key);
            let message = format!(
                "`{}` on `{}` has no effect: the key policy of `{id}` at line {} does not allow the stack's account root (`arn:${{AWS::Partition}}:iam::${{AWS::AccountId}}:root`), so IAM policies cannot grant use of the key; only the principals it names can use it ({named})",
                grant.action, grant.key_arn, key.anchor.spot.start.line
            );
            let mut d = Diagnostic::new(Code::X001, grant.anchor.span, message)
                .label(key.anchor.span, "this key policy does not delegate to IAM")
                .help(X001_HELP)
                .at(grant.anchor.pointer.clone());
            d.sid = grant.anchor.sid.clone();
            out.push((d, doc.document));
        }
    }
    out
}

/// `ACCOUNT-ID` here, `ACCOUNT_ID` there: one blank spelled two ways, reported once per
/// blank at the first place that spells it differently from the first spelling.
fn inconsistent_placeholders(facts: &[DocFacts]) -> Vec<(Diagnostic, usize)> {
    let normal = |s: &str| -> String {
        s.chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_uppercase())
            .collect()
    };
    let mut groups: BTreeMap<String, Vec<(&Placeholder, usize)>> = BTreeMap::new();
    for doc in facts {
        for p in &doc.placeholders {
            groups
                .entry(normal(&p.text))
                .or_default()
                .push((p, doc.document));
        }
    }
    let mut out = Vec::new();
    for places in groups.values() {
        let mut sorted = places.clone();
        sorted.sort_by_key(|(p, _)| p.anchor.span.start);
        let Some((first, _)) = sorted.first() else {
            continue;
        };
        // Between documents: each document of a guide is copied and filled in on its own.
        let documents: std::collections::BTreeSet<usize> = sorted.iter().map(|(_, d)| *d).collect();
        if documents.len() < 2 {
            continue;
        }
        let Some((other, document)) = sorted.iter().find(|(p, _)| p.text != first.text) else {
            continue;
        };
        let mut d = Diagnostic::new(
            Code::X002,
            other.anchor.span,
            format!(
                "placeholder `{}` is spelled `{}` elsewhere in this file: a find-and-replace for one spelling misses the other",
                other.text, first.text
            ),
        )
        .label(first.anchor.span, format!("first spelled `{}` here", first.text))
        .help(format!("spell every occurrence `{}`", first.text))
        .at(other.anchor.pointer.clone());
        d.sid = other.anchor.sid.clone();
        out.push((d, *document));
    }
    out
}

/// The directory a file's policies are related in: the parent of its path as shown.
pub fn directory_of(path: &str) -> String {
    std::path::Path::new(path)
        .parent()
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// A key policy of a directory, kept while the directory's other files are checked.
#[derive(Clone, Debug)]
pub struct KeyPolicy {
    /// Which file of the run holds it (any number unique per file).
    pub file: usize,
    pub path: Arc<str>,
    pub key: KeyFacts,
}

/// The key policies of a file that grants in other files can relate to.
pub fn key_policies(facts: &FileFacts, path: &Arc<str>, id: usize) -> Vec<KeyPolicy> {
    facts
        .documents
        .iter()
        .filter_map(|d| d.key.as_ref())
        .filter(|k| k.home_key.is_some())
        .map(|key| KeyPolicy {
            file: id,
            path: path.clone(),
            key: key.clone(),
        })
        .collect()
}

/// How many key policies of a directory have come, by home account: enough to tell a grant
/// whose pairing is decided before the directory is complete.
#[derive(Debug, Default)]
pub struct KeyCounts(std::collections::HashMap<String, usize>);

impl KeyCounts {
    pub fn add(&mut self, keys: &[KeyPolicy]) {
        for key in keys {
            if let Some(home) = &key.key.home_key {
                *self.0.entry(home.clone()).or_default() += 1;
            }
        }
    }
}

/// Whether no file still to come can change what [`with_directory`] finds for this file,
/// given the key policies `counts` of its directory so far (its own among them): each grant
/// pairs with the one key policy of its own file, or with none because two or more others
/// qualify. Such a file need not wait for the rest of its directory.
pub fn settled(facts: &FileFacts, counts: &KeyCounts) -> bool {
    let own = |account: &str| {
        facts
            .documents
            .iter()
            .filter_map(|d| d.key.as_ref())
            .filter(|k| k.home_key.as_deref() == Some(account))
            .count()
    };
    facts.documents.iter().flat_map(|d| &d.grants).all(|grant| {
        let mine = own(&grant.account_key);
        let all = counts.0.get(&grant.account_key).copied().unwrap_or(0);
        mine == 1 || all.saturating_sub(mine) >= 2
    })
}

/// Whether the file's findings depend on the other files of its directory.
pub fn needs_directory(facts: &FileFacts) -> bool {
    facts.x001_enabled && facts.may_relate()
}

/// X001 across files, still to place: at a spot of the file holding the grant, in one of
/// its documents.
pub struct Related {
    pub diagnostic: Diagnostic,
    pub spot: Spot,
    pub document: usize,
    pub kind: PolicyKind,
}

/// Relates the grants of file `id` (its `facts`) to `keys`, the key policies of every file
/// of its directory (its own included).
pub fn with_directory(facts: &FileFacts, id: usize, keys: &[KeyPolicy]) -> Vec<Related> {
    if !needs_directory(facts) {
        return Vec::new();
    }
    let mut added = Vec::new();
    for doc in &facts.documents {
        for grant in &doc.grants {
            let nearby = keys
                .iter()
                .filter(|k| k.key.home_key.as_ref() == Some(&grant.account_key));
            let own: Vec<&KeyFacts> = nearby
                .clone()
                .filter(|k| k.file == id)
                .map(|k| &k.key)
                .collect();
            let others: Vec<&KeyPolicy> = nearby.filter(|k| k.file != id).collect();
            // A key policy in the same file is related by `within_file`.
            if key_for(grant, &own).is_some() {
                continue;
            }
            let candidates: Vec<&KeyFacts> = others.iter().map(|k| &k.key).collect();
            let Some(key) = key_for(grant, &candidates) else {
                continue;
            };
            let Some(path) = others
                .iter()
                .find(|k| std::ptr::eq(&k.key, key))
                .map(|k| &*k.path)
            else {
                continue;
            };
            let at = &key.anchor.spot.start;
            let where_ = format!("in {path}:{}:{}", at.line, at.column);
            if let Some(message) = unreachable(grant, key, &where_) {
                // No label: the key policy is in another file.
                let mut d = Diagnostic::new(Code::X001, grant.anchor.span, message)
                    .help(X001_HELP)
                    .at(grant.anchor.pointer.clone());
                d.sid = grant.anchor.sid.clone();
                added.push(Related {
                    diagnostic: d,
                    spot: grant.anchor.spot.clone(),
                    document: doc.document,
                    kind: doc.kind,
                });
            }
        }
    }
    added
}
