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
use crate::policy::{
    arn, placeholder, principal_values, strings, template, Policy, PolicyKind, Statement,
};
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
    /// The resources that read it when it is declared apart (a Terraform
    /// `data "aws_iam_policy_document"` that `aws_kms_key.app` takes as its `policy`).
    pub readers: Vec<String>,
    /// An Allow statement names the root of the template's own account
    /// (`arn:${AWS::Partition}:iam::${AWS::AccountId}:root`): IAM policies of the stack's
    /// account can grant use of the key.
    pub delegates_here: bool,
    /// An Allow statement names a principal only known at deploy time (`${var.key_users}`,
    /// `${KeyAdminArn}`): it may be a root, so a grant on the key is not judged.
    pub names_unknown: bool,
    /// The `Statement` element, where a label points.
    pub anchor: Anchor,
}

impl KeyFacts {
    /// Whether this is the policy of the template's key `id` (a logical id or an address).
    fn is_of(&self, id: &str) -> bool {
        self.resource.as_deref() == Some(id) || self.readers.iter().any(|r| r == id)
    }
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
    /// Grants on a key of the same template, named by its logical id (`!GetAtt AppKey.Arn`)
    /// or Terraform address (`aws_kms_key.app.arn`): a CloudFormation template is related
    /// within its file, a Terraform module across the files of its directory
    /// ([`module_scoped`]).
    pub template_grants: Vec<(KeyGrant, String)>,
    pub placeholders: Vec<Placeholder>,
}

/// The facts of one file, and whether its config lets the cross-file rule report in it.
#[derive(Clone, Debug, Default)]
pub struct FileFacts {
    pub documents: Vec<DocFacts>,
    pub x001_enabled: bool,
    /// Lines where a suppression comment in this file accepts X001 (`# iamlint:
    /// ignore[X001] …` on the grant's line or on its resource's first line): a finding
    /// another file's key policy adds here is dropped as one made here would be.
    pub x001_ignored_lines: Vec<usize>,
}

impl FileFacts {
    /// Whether another file's facts could add a finding here.
    pub fn may_relate(&self) -> bool {
        self.documents.iter().any(|d| {
            !d.grants.is_empty() || d.template_grants.iter().any(|(_, id)| module_scoped(id))
        })
    }

    /// Keeps only what other files can relate to: key policies and key grants. (Placeholders
    /// only ever relate within their own file.)
    pub fn shrink(&mut self) {
        for d in &mut self.documents {
            d.placeholders = Vec::new();
            d.template_grants.retain(|(_, id)| module_scoped(id));
        }
        self.documents
            .retain(|d| d.key.is_some() || !d.grants.is_empty() || !d.template_grants.is_empty());
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
    readers: &[String],
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
            let mut names_unknown = false;
            for p in allows().flat_map(|s| s.principals()) {
                if resource.is_some() && p.has_type("AWS") {
                    match template::principal(p.value.value) {
                        template::Principal::Root(template::Account::This) => {
                            delegates_here = true;
                            continue;
                        }
                        template::Principal::Unknown
                        | template::Principal::Root(template::Account::Deployed(_)) => {
                            names_unknown = true
                        }
                        _ => {}
                    }
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
                readers: readers.to_vec(),
                delegates_here,
                names_unknown,
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
                        s.pointer.to_string(),
                        Some(s),
                    ),
                });
            }
        }
    }
    facts
}

/// The key a template names in a grant, by its logical id or Terraform address: the ARN
/// (`!GetAtt Key.Arn` → `${Key.Arn}`, `aws_kms_key.app.arn`), or a key ARN built around its
/// ID (`!Sub arn:…:key/${Key}`, `…:key/${aws_kms_key.app.key_id}`). A key read with
/// `data "aws_kms_key"` exists already: its policy is not in the template.
fn template_key(value: &str) -> Option<&str> {
    let reference = match template::whole(value) {
        Some(expr) => expr
            .strip_suffix(".Arn")
            .or_else(|| terraform_key(expr, "arn"))?,
        None => {
            let parts = arn::split(value).ok()?;
            if parts.service.text != "kms" {
                return None;
            }
            let expr = template::whole(parts.resource.text.strip_prefix("key/")?)?;
            terraform_key(expr, "key_id")
                .or_else(|| terraform_key(expr, "id"))
                .unwrap_or(expr)
        }
    };
    let cloudformation =
        !reference.is_empty() && reference.bytes().all(|b| b.is_ascii_alphanumeric());
    (cloudformation || module_scoped(reference)).then_some(reference)
}

/// `aws_kms_key.NAME` from `aws_kms_key.NAME.<attribute>`.
fn terraform_key<'a>(expr: &'a str, attribute: &str) -> Option<&'a str> {
    let address = expr.strip_suffix(attribute)?.strip_suffix('.')?;
    let name = address.strip_prefix("aws_kms_key.")?;
    let plain = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'-';
    (!name.is_empty() && name.bytes().all(plain)).then_some(address)
}

/// Whether a key's template id is a Terraform address: a module is the `.tf` files of one
/// directory, so its grants and keys relate across those files. (A CloudFormation logical id
/// names a resource of its own template only.)
fn module_scoped(id: &str) -> bool {
    id.starts_with("aws_kms_key.")
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
                d.sid = grant.anchor.sid.as_deref().map(Arc::from);
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
                .find(|k| k.is_of(id))
            else {
                continue;
            };
            let where_ = format!("at line {}", key.anchor.spot.start.line);
            if let Some(d) = template_key_unreachable(grant, id, key, &where_) {
                out.push((
                    d.label(key.anchor.span, "this key policy does not delegate to IAM"),
                    doc.document,
                ));
            }
        }
    }
    out
}

/// X001 for a grant on the template's key `id` whose policy (`key`, found `where_`) names no
/// account root, with no label (the caller adds one when the key policy is in the same file).
fn template_key_unreachable(
    grant: &KeyGrant,
    id: &str,
    key: &KeyFacts,
    where_: &str,
) -> Option<Diagnostic> {
    // Any root named (a literal account, or one a parameter fills) may be the deploying
    // account's, and so may a principal only known at deploy time: only a key policy that
    // names no root at all is reported.
    let names_a_root = key.principals.iter().any(|p| p.ends_with(":root"));
    if key.delegates_here || !key.delegates_to.is_empty() || names_a_root || key.names_unknown {
        return None;
    }
    let named = named_principals(key);
    let root = if module_scoped(id) {
        "the deploying account's root (`arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root`)"
    } else {
        "the stack's account root (`arn:${AWS::Partition}:iam::${AWS::AccountId}:root`)"
    };
    let message = format!(
        "`{}` on `{}` has no effect: the key policy of `{id}` {where_} does not allow {root}, so IAM policies cannot grant use of the key; only the principals it names can use it ({named})",
        grant.action, grant.key_arn
    );
    let mut d = Diagnostic::new(Code::X001, grant.anchor.span, message)
        .help(X001_HELP)
        .at(grant.anchor.pointer.clone());
    d.sid = grant.anchor.sid.as_deref().map(Arc::from);
    Some(d)
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
        d.sid = other.anchor.sid.as_deref().map(Arc::from);
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
        .filter(|k| {
            k.home_key.is_some()
                || k.resource.as_deref().is_some_and(module_scoped)
                || k.readers.iter().any(|r| module_scoped(r))
        })
        .map(|key| KeyPolicy {
            file: id,
            path: path.clone(),
            key: key.clone(),
        })
        .collect()
}

/// How many key policies of a directory have come, by home account: enough to tell a grant
/// whose pairing is decided before the directory is complete.
/// (Fx-hashed: asked again for each waiting grant each time a key policy comes.)
#[derive(Debug, Default)]
pub struct KeyCounts(rustc_hash::FxHashMap<String, usize>);

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
    let literal = facts.documents.iter().flat_map(|d| &d.grants).all(|grant| {
        let mine = own(&grant.account_key);
        let all = counts.0.get(&grant.account_key).copied().unwrap_or(0);
        mine == 1 || all.saturating_sub(mine) >= 2
    });
    // A Terraform key may be declared in any file of the module: only one of this file is
    // known to be the one.
    let module = facts
        .documents
        .iter()
        .flat_map(|d| &d.template_grants)
        .all(|(_, id)| own_template_key(facts, id).is_some());
    literal && module
}

/// The key policy of this file that the template id names, if this file declares it.
fn own_template_key<'f>(facts: &'f FileFacts, id: &str) -> Option<&'f KeyFacts> {
    facts
        .documents
        .iter()
        .filter_map(|d| d.key.as_ref())
        .find(|k| k.is_of(id))
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
            if facts
                .x001_ignored_lines
                .contains(&grant.anchor.spot.start.line)
            {
                continue;
            }
            let at = &key.anchor.spot.start;
            let where_ = format!("in {path}:{}:{}", at.line, at.column);
            if let Some(message) = unreachable(grant, key, &where_) {
                // No label: the key policy is in another file.
                let mut d = Diagnostic::new(Code::X001, grant.anchor.span, message)
                    .help(X001_HELP)
                    .at(grant.anchor.pointer.clone());
                d.sid = grant.anchor.sid.as_deref().map(Arc::from);
                added.push(Related {
                    diagnostic: d,
                    spot: grant.anchor.spot.clone(),
                    document: doc.document,
                    kind: doc.kind,
                });
            }
        }
        // A Terraform module's grant on a key another of its files declares.
        for (grant, key_id) in &doc.template_grants {
            if own_template_key(facts, key_id).is_some() {
                continue;
            }
            let mut declared = keys.iter().filter(|k| k.file != id && k.key.is_of(key_id));
            let (Some(key), None) = (declared.next(), declared.next()) else {
                continue;
            };
            if facts
                .x001_ignored_lines
                .contains(&grant.anchor.spot.start.line)
            {
                continue;
            }
            let at = &key.key.anchor.spot.start;
            let where_ = format!("in {}:{}:{}", key.path, at.line, at.column);
            if let Some(d) = template_key_unreachable(grant, key_id, &key.key, &where_) {
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
