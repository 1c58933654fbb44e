//! `iamlint explain`: a reviewer's view of each document's effective access, built on the
//! access engine. Per document: the methods it completes (escalation, takeover, credentials,
//! bulk reads, key destruction), what it grants by access level with the lines it comes
//! from, what a `Deny` removes and what stays conditional; for a KMS key policy, who
//! administers, uses, grants and deletes the key, and who outside the account has access.
//! One model ([`Explanation`]), three renderings: human text, JSON, Markdown.

use crate::access::{Access, Grant, Scope, Target};
use crate::catalog::{AccessLevel, Catalog};
use crate::json;
use crate::location::LineIndex;
use crate::policy::{self, PolicyKind, PrincipalValue, Str};
use crate::rules::{kms, methods, principals, Context, Lookups};
use crate::source::{extract, read, FileFormat};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// A token reaching more actions than this is summarised by access level.
const LISTED: usize = 12;

#[derive(Debug, Serialize)]
pub struct Explanation {
    pub path: String,
    pub documents: Vec<DocumentAccess>,
}

#[derive(Debug, Serialize)]
pub struct DocumentAccess {
    /// Which document of the file (0-based), and the line it starts on.
    pub document: usize,
    pub line: usize,
    pub kind: PolicyKind,
    /// Methods the document completes on its own.
    pub methods: Vec<MethodLine>,
    /// What the `Allow` statements grant, by AWS access level (`List` ... `Tagging`).
    pub levels: BTreeMap<&'static str, Vec<Entry>>,
    /// Grants an unconditional `Deny` takes away.
    pub removed: Vec<Entry>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<KeyRoles>,
}

#[derive(Debug, Serialize)]
pub struct MethodLine {
    pub id: String,
    pub family: methods::Family,
    pub name: String,
    pub reference: String,
    /// The actions of the method and the line of the token that grants each.
    pub steps: Vec<(String, usize)>,
}

#[derive(Debug, Serialize)]
pub struct Entry {
    /// A concrete action, or a summary such as "24 actions of `s3:*`".
    pub action: String,
    pub line: usize,
    /// Where: "every resource (`*`)", "`arn:...`", "own resources".
    pub resources: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub principals: Vec<String>,
    /// The statement's conditions, as `key operator values`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<String>,
    /// Conditions under which a `Deny` takes it away.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub denied_when: Vec<String>,
    /// The line of the `Deny` that removes it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub removed_by: Option<usize>,
}

/// Who does what with a KMS key, from its key policy.
#[derive(Debug, Default, Serialize)]
pub struct KeyRoles {
    /// Account roots granted every action: IAM policies in that account decide the rest.
    pub delegated_to_iam: Vec<Who>,
    pub administers: Vec<Who>,
    pub uses: Vec<Who>,
    pub grants: Vec<Who>,
    pub deletes: Vec<Who>,
    pub outside_account: Vec<Who>,
}

#[derive(Debug, Serialize)]
pub struct Who {
    pub principal: String,
    pub line: usize,
    /// The key actions of this role it holds (short names).
    pub actions: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<String>,
}

/// Reads and explains one file; `Err` says why it could not be read.
pub fn explain_file(
    path: &std::path::Path,
    kind: Option<PolicyKind>,
    lookups: &Lookups,
) -> Result<Explanation, String> {
    let bytes = read::read_file(path)?.map_err(|_| "the file is too large to check".to_string())?;
    let text = read::decode(bytes);
    let format = crate::source::format_of(path);
    Ok(explain_text(
        &path.display().to_string(),
        &text.text,
        text.body_offset,
        format,
        kind,
        lookups,
    ))
}

/// Explains every policy document of a file's text.
pub fn explain_text(
    path: &str,
    text: &str,
    body_offset: usize,
    format: FileFormat,
    kind: Option<PolicyKind>,
    lookups: &Lookups,
) -> Explanation {
    let mut unquoted = std::borrow::Cow::Borrowed("");
    let extracted = extract::by_format(text, body_offset, format, &mut unquoted);
    let lines = LineIndex::new(text);
    let mut documents = Vec::new();
    for (index, doc) in extracted.documents.iter().enumerate() {
        let parsed;
        let root = match &doc.body {
            extract::Body::Tree(root) => root,
            extract::Body::Text(text) => match json::parse(text) {
                Ok(root) => {
                    parsed = root;
                    &parsed
                }
                Err(_) => continue,
            },
        };
        if root.members().is_none() || !policy::looks_like_policy(root) {
            continue;
        }
        let model = policy::build(root);
        // Flag, then what consumes the document in a template, then detection.
        let consumed = doc.consumer.as_ref().and_then(|c| c.kind);
        let kind = kind
            .or(consumed)
            .unwrap_or_else(|| policy::classify(&model).kind);
        let cx = Context::new(&model, kind, lookups, &[]);
        let line_of = |span: json::Span| lines.position(doc.offset + span.start).line;
        documents.push(document(&cx, index, line_of(root.span), &line_of));
    }
    Explanation {
        path: path.to_string(),
        documents,
    }
}

fn document(
    cx: &Context,
    index: usize,
    line: usize,
    line_of: &dyn Fn(json::Span) -> usize,
) -> DocumentAccess {
    let access = methods::access(cx);
    let mut out = DocumentAccess {
        document: index,
        line,
        kind: cx.kind,
        methods: Vec::new(),
        levels: BTreeMap::new(),
        removed: Vec::new(),
        key: None,
    };
    if matches!(cx.kind, PolicyKind::Identity) {
        let mut memo = methods::Standing::default();
        for method in methods::all() {
            if let Some(done) = methods::complete(method, access, cx.catalog(), &mut memo) {
                out.methods.push(MethodLine {
                    id: method.id.clone(),
                    family: method.family,
                    name: method.name.clone(),
                    reference: method.reference(),
                    steps: done
                        .steps
                        .iter()
                        .map(|s| (s.action.clone(), line_of(s.reach.token.span)))
                        .collect(),
                });
            }
        }
    }
    for grant in &access.allows {
        for (token, actions) in reached(grant, cx.catalog()) {
            entries(
                access,
                grant,
                token,
                &actions,
                cx.catalog(),
                line_of,
                &mut out,
            );
        }
    }
    if cx.kind == PolicyKind::KmsKey {
        // In a key policy, `Resource` can only be the key itself, whatever it says.
        for entry in out.levels.values_mut().flatten().chain(&mut out.removed) {
            entry.resources = "this key".to_string();
        }
    }
    if cx.kind == PolicyKind::KmsKey {
        out.key = Some(key_roles(cx, access, line_of));
    }
    out
}

/// Each action token of the grant (or its `NotAction` key) and the catalog actions it
/// reaches, as `(service prefix, action name, level)`.
fn reached<'a>(grant: &Grant<'a>, catalog: &Catalog) -> Vec<(Str<'a>, Vec<(String, AccessLevel)>)> {
    let named = |service: &str, action: &str| format!("{service}:{action}");
    match &grant.actions {
        crate::access::Actions::Listed(tokens) => tokens
            .iter()
            .map(|t| {
                let actions = catalog
                    .expand(t.value)
                    .into_iter()
                    .map(|(s, a)| (named(s.prefix, a.name), a.access_level))
                    .collect();
                (*t, actions)
            })
            .collect(),
        crate::access::Actions::Except { key, .. } => {
            let mut actions = Vec::new();
            for service in catalog.services() {
                for a in &service.actions {
                    let name = named(service.prefix, a.name);
                    if grant.token_for(&name).is_some() {
                        actions.push((name, a.access_level));
                    }
                }
            }
            vec![(*key, actions)]
        }
        crate::access::Actions::Unstated => Vec::new(),
    }
}

fn entries(
    access: &Access,
    grant: &Grant,
    token: Str,
    actions: &[(String, AccessLevel)],
    catalog: &Catalog,
    line_of: &dyn Fn(json::Span) -> usize,
    out: &mut DocumentAccess,
) {
    let line = line_of(token.span);
    let principals: Vec<String> = match &grant.principals {
        crate::access::Principals::Listed(ps) => ps.iter().map(principal_text).collect(),
        crate::access::Principals::Except(ps) => {
            vec![format!(
                "everyone but {}",
                ps.iter().map(principal_text).collect::<Vec<_>>().join(", ")
            )]
        }
        crate::access::Principals::Unstated => Vec::new(),
    };
    let conditions: Vec<String> = grant.conditions.iter().map(|c| c.describe()).collect();
    let describe_denies = |denies: &[&Grant]| -> Vec<String> {
        denies
            .iter()
            .flat_map(|d| {
                d.conditions
                    .iter()
                    .map(|c| format!("{} (line {})", c.describe(), line_of(d.statement.node.span)))
            })
            .collect()
    };
    if actions.len() <= LISTED {
        for (name, level) in actions {
            let resources = Target::resolve(catalog, name)
                .and_then(|t| grant.scope(&t))
                .map_or_else(|| resources_text(grant), |s| scope_text(&s));
            let (removed, when) = access.denial(grant, name);
            let entry = Entry {
                action: name.clone(),
                line,
                resources,
                principals: principals.clone(),
                conditions: conditions.clone(),
                denied_when: describe_denies(&when),
                removed_by: removed.map(|d| line_of(d.statement.node.span)),
            };
            push(out, *level, entry);
        }
        return;
    }
    // Summaries: per level, how many actions stand and how many a Deny removes.
    let mut by_level: BTreeMap<AccessLevel, (usize, usize, Option<usize>)> = BTreeMap::new();
    let mut when_all = Vec::new();
    for (name, level) in actions {
        let (removed, when) = access.denial(grant, name);
        let slot = by_level.entry(*level).or_default();
        match removed {
            Some(d) => {
                slot.1 += 1;
                slot.2 = Some(line_of(d.statement.node.span));
            }
            None => slot.0 += 1,
        }
        for text in describe_denies(&when) {
            if !when_all.contains(&text) {
                when_all.push(text);
            }
        }
    }
    for (level, (standing, removed, deny_line)) in by_level {
        let summary = |n: usize| format!("{n} {} actions of `{}`", level.as_str(), token.value);
        let base = Entry {
            action: String::new(),
            line,
            resources: resources_text(grant),
            principals: principals.clone(),
            conditions: conditions.clone(),
            denied_when: when_all.clone(),
            removed_by: None,
        };
        if standing > 0 {
            push(
                out,
                level,
                Entry {
                    action: summary(standing),
                    ..base_clone(&base)
                },
            );
        }
        if removed > 0 {
            out.removed.push(Entry {
                action: summary(removed),
                removed_by: deny_line,
                ..base
            });
        }
    }
}

fn base_clone(e: &Entry) -> Entry {
    Entry {
        action: e.action.clone(),
        line: e.line,
        resources: e.resources.clone(),
        principals: e.principals.clone(),
        conditions: e.conditions.clone(),
        denied_when: e.denied_when.clone(),
        removed_by: e.removed_by,
    }
}

fn push(out: &mut DocumentAccess, level: AccessLevel, entry: Entry) {
    if entry.removed_by.is_some() {
        out.removed.push(entry);
    } else {
        out.levels.entry(level.as_str()).or_default().push(entry);
    }
}

fn principal_text(p: &PrincipalValue) -> String {
    match p.kind {
        _ if p.is_wildcard() => "everyone (`*`)".to_string(),
        Some(kind) if kind.value != "AWS" => format!("{} {}", kind.value, p.value.value),
        _ => p.value.value.to_string(),
    }
}

fn scope_text(scope: &Scope) -> String {
    match scope {
        Scope::Every(t) if t.value == "NotResource" => {
            "every resource but those excluded".to_string()
        }
        Scope::Every(t) => format!("every resource (`{}`)", t.value),
        Scope::Unscoped(_) => "`*` (no resource-level permissions)".to_string(),
        Scope::OwnOnly(ts) | Scope::Named(ts) => ts
            .iter()
            .map(|t| format!("`{}`", t.value))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

fn resources_text(grant: &Grant) -> String {
    match &grant.resources {
        crate::access::Resources::Listed(vs) => vs
            .iter()
            .map(|t| format!("`{}`", t.value))
            .collect::<Vec<_>>()
            .join(", "),
        crate::access::Resources::Except { excluded, .. } => format!(
            "every resource but {}",
            excluded
                .iter()
                .map(|t| format!("`{}`", t.value))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        crate::access::Resources::Unstated => "no resource".to_string(),
    }
}

/// The key policy's principals by what they can do with the key.
fn key_roles(cx: &Context, access: &Access, line_of: &dyn Fn(json::Span) -> usize) -> KeyRoles {
    let home = principals::home_account(cx.policy, true);
    let mut roles = KeyRoles::default();
    let deletes: &[&str] = &["kms:ScheduleKeyDeletion", "kms:DeleteImportedKeyMaterial"];
    for grant in &access.allows {
        let crate::access::Principals::Listed(ps) = &grant.principals else {
            continue;
        };
        let holds = |set: &mut dyn Iterator<Item = &str>| -> Vec<String> {
            set.filter(|a| grant.token_for(a).is_some() && access.denial(grant, a).0.is_none())
                .map(|a| kms::short(a).to_string())
                .collect()
        };
        let sets = cx.kms();
        let everything = grant
            .statement
            .actions()
            .iter()
            .any(|a| a.value == "*" || a.value.eq_ignore_ascii_case("kms:*"));
        let conditions: Vec<String> = grant.conditions.iter().map(|c| c.describe()).collect();
        let line = line_of(grant.statement.node.span);
        for p in ps {
            let who = |actions: Vec<String>| Who {
                principal: principal_text(p),
                line,
                actions,
                conditions: conditions.clone(),
            };
            let root = principals::is_root(p);
            let outside = p.is_wildcard()
                || principals::account(p)
                    .is_some_and(|a| home.as_ref().is_some_and(|h| h.account != a));
            if root && everything && !outside {
                roles.delegated_to_iam.push(who(vec!["kms:*".to_string()]));
                continue;
            }
            let (admin, crypto, grants, delete) = (
                holds(&mut sets.members(kms::KmsSet::Administration)),
                holds(&mut sets.members(kms::KmsSet::Use)),
                holds(&mut ["kms:CreateGrant"].into_iter()),
                holds(&mut deletes.iter().copied()),
            );
            let any: Vec<String> = admin
                .iter()
                .chain(&crypto)
                .chain(&grants)
                .cloned()
                .collect();
            if outside && !any.is_empty() {
                let mut all = any.clone();
                all.dedup();
                roles.outside_account.push(who(all));
            }
            if !admin.is_empty() {
                roles.administers.push(who(admin));
            }
            if !crypto.is_empty() {
                roles.uses.push(who(crypto));
            }
            if !grants.is_empty() {
                roles.grants.push(who(grants));
            }
            if !delete.is_empty() {
                roles.deletes.push(who(delete));
            }
        }
    }
    roles
}

// ---- Rendering -------------------------------------------------------------------------

fn level_order(level: &str) -> usize {
    ["Permissions management", "Write", "Tagging", "Read", "List"]
        .iter()
        .position(|l| *l == level)
        .unwrap_or(5)
}

fn levels_in_order(doc: &DocumentAccess) -> Vec<(&&'static str, &Vec<Entry>)> {
    let mut levels: Vec<_> = doc.levels.iter().collect();
    levels.sort_by_key(|(level, _)| level_order(level));
    levels
}

fn entry_text(e: &Entry) -> String {
    let mut text = format!("{} on {}", e.action, e.resources);
    if !e.principals.is_empty() {
        let _ = write!(text, " to {}", e.principals.join(", "));
    }
    let _ = write!(text, " (line {})", e.line);
    if !e.conditions.is_empty() {
        let _ = write!(text, " when {}", e.conditions.join(" and "));
    }
    if !e.denied_when.is_empty() {
        let _ = write!(text, "; denied when {}", e.denied_when.join(" or "));
    }
    if let Some(line) = e.removed_by {
        let _ = write!(text, "; removed by the Deny at line {line}");
    }
    text
}

fn who_text(w: &Who) -> String {
    let mut text = format!(
        "{} (line {}): {}",
        w.principal,
        w.line,
        w.actions.join(", ")
    );
    if !w.conditions.is_empty() {
        let _ = write!(text, " when {}", w.conditions.join(" and "));
    }
    text
}

fn key_sections(key: &KeyRoles) -> [(&'static str, &Vec<Who>, &'static str); 6] {
    [
        (
            "Delegated to IAM (the account's IAM policies decide who else administers and uses the key)",
            &key.delegated_to_iam,
            "nobody: no account root holds every action",
        ),
        ("Administers", &key.administers, "nobody else named in the policy"),
        ("Uses", &key.uses, "nobody else named in the policy"),
        ("Creates grants", &key.grants, "nobody else named in the policy"),
        ("Deletes", &key.deletes, "nobody else named in the policy"),
        ("Outside the account", &key.outside_account, "nobody"),
    ]
}

/// Plain text for a terminal.
pub fn human(explanations: &[Explanation]) -> String {
    let mut out = String::new();
    for e in explanations {
        if e.documents.is_empty() {
            let _ = writeln!(out, "{}: no policy document\n", e.path);
        }
        for doc in &e.documents {
            let _ = writeln!(
                out,
                "{}, document {} (line {}): {} policy",
                e.path,
                doc.document + 1,
                doc.line,
                doc.kind
            );
            if let Some(key) = &doc.key {
                for (title, who, none) in key_sections(key) {
                    let _ = writeln!(out, "  {title}");
                    if who.is_empty() {
                        let _ = writeln!(out, "    {none}");
                    }
                    for w in who {
                        let _ = writeln!(out, "    {}", who_text(w));
                    }
                }
            }
            for family in families(&doc.methods) {
                let _ = writeln!(out, "  {}", family.title());
                for m in doc.methods.iter().filter(|m| m.family == family) {
                    let steps: Vec<String> = m
                        .steps
                        .iter()
                        .map(|(a, l)| format!("{a} (line {l})"))
                        .collect();
                    let _ = writeln!(
                        out,
                        "    {} {} [{}]: {}",
                        m.id,
                        m.name,
                        m.reference,
                        steps.join(", ")
                    );
                }
            }
            for (level, entries) in levels_in_order(doc) {
                let _ = writeln!(out, "  {level}");
                for entry in entries {
                    let _ = writeln!(out, "    {}", entry_text(entry));
                }
            }
            if !doc.removed.is_empty() {
                let _ = writeln!(out, "  Removed by a Deny");
                for entry in &doc.removed {
                    let _ = writeln!(out, "    {}", entry_text(entry));
                }
            }
            out.push('\n');
        }
    }
    out
}

fn families(methods: &[MethodLine]) -> Vec<methods::Family> {
    let mut seen = Vec::new();
    for m in methods {
        if !seen.contains(&m.family) {
            seen.push(m.family);
        }
    }
    seen
}

/// Markdown for a pull-request comment.
pub fn markdown(explanations: &[Explanation]) -> String {
    let mut out = String::from("## iamlint explain\n\n");
    for e in explanations {
        for doc in &e.documents {
            let _ = writeln!(
                out,
                "### `{}`, document {} (line {}): {} policy\n",
                e.path,
                doc.document + 1,
                doc.line,
                doc.kind
            );
            if let Some(key) = &doc.key {
                out.push_str("| Role | Who | Line | Actions |\n|---|---|---|---|\n");
                for (title, who, none) in key_sections(key) {
                    if who.is_empty() {
                        let _ = writeln!(out, "| {title} | {none} | | |");
                    }
                    for w in who {
                        let mut actions = w.actions.join(", ");
                        if !w.conditions.is_empty() {
                            let _ = write!(actions, " when {}", w.conditions.join(" and "));
                        }
                        let _ = writeln!(
                            out,
                            "| {title} | {} | {} | {} |",
                            w.principal, w.line, actions
                        );
                    }
                }
                out.push('\n');
            }
            for family in families(&doc.methods) {
                let _ = writeln!(out, "**{}**\n", family.title());
                for m in doc.methods.iter().filter(|m| m.family == family) {
                    let steps: Vec<String> = m
                        .steps
                        .iter()
                        .map(|(a, l)| format!("`{a}` (line {l})"))
                        .collect();
                    let _ = writeln!(
                        out,
                        "- **{}** {} ({}): {}",
                        m.id,
                        m.name,
                        m.reference,
                        steps.join(", ")
                    );
                }
                out.push('\n');
            }
            for (level, entries) in levels_in_order(doc) {
                let _ = writeln!(out, "**{level}**\n");
                for entry in entries {
                    let _ = writeln!(out, "- {}", entry_text(entry));
                }
                out.push('\n');
            }
            if !doc.removed.is_empty() {
                out.push_str("**Removed by a Deny**\n\n");
                for entry in &doc.removed {
                    let _ = writeln!(out, "- {}", entry_text(entry));
                }
                out.push('\n');
            }
        }
    }
    out
}

/// JSON: one object per file.
pub fn json(explanations: &[Explanation]) -> String {
    serde_json::to_string_pretty(explanations).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
        + "\n"
}
