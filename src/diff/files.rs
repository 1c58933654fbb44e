//! Which documents to compare: two files, or each policy file of the working tree against
//! its blob at a git revision (through the `git` binary). Documents pair by identity within
//! a file: a template's resource and property (its pointer), else their order among the
//! file's policies (Markdown fences, the one document of a JSON file).

use super::region::Side;
use super::{compare, Change};
use crate::catalog::Catalog;
use crate::json::{self, Node};
use crate::location::LineIndex;
use crate::policy::{self, PolicyKind};
use crate::source::{extract, read, FileFormat};
use serde::Serialize;
use std::borrow::Cow;
use std::path::Path;
use std::process::Command;

/// One policy document of a file version.
struct Doc<'t> {
    key: String,
    label: String,
    kind: Option<PolicyKind>,
    root: Node<'t>,
    offset: usize,
}

fn documents<'t>(
    text: &'t str,
    body_offset: usize,
    format: FileFormat,
    unquoted: &'t mut Cow<'t, str>,
) -> Vec<Doc<'t>> {
    let extracted = extract::by_format(text, body_offset, format, unquoted);
    let lines = LineIndex::new(text);
    let mut out = Vec::new();
    for doc in extracted.documents {
        let root = match doc.body {
            extract::Body::Tree(root) => root,
            extract::Body::Text(body) => match json::parse(body) {
                Ok(root) => root,
                Err(_) => continue,
            },
        };
        if root.members().is_none() || !policy::looks_like_policy(&root) {
            continue;
        }
        let line = lines.position(doc.offset + root.span.start).line;
        let (key, label) = match &doc.consumer {
            Some(c) => (c.pointer.clone(), format!("{} ({})", c.address, c.pointer)),
            None => (
                format!("#{}", out.len()),
                format!("policy {} (line {line})", out.len() + 1),
            ),
        };
        out.push(Doc {
            key,
            label,
            kind: doc.consumer.as_ref().and_then(|c| c.kind),
            root,
            offset: doc.offset,
        });
    }
    out
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Added,
    Changed,
    Unchanged,
    Removed,
}

/// A change placed in the new file, with the closest old statement's line.
#[derive(Debug)]
pub struct Placed {
    pub change: Change,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub closest_line: Option<usize>,
}

#[derive(Debug)]
pub struct DocumentDiff {
    pub label: String,
    pub kind: PolicyKind,
    pub status: Status,
    pub changes: Vec<Placed>,
}

#[derive(Debug)]
pub struct FileDiff {
    pub path: String,
    pub documents: Vec<DocumentDiff>,
}

/// One version of a file: its text, where documents may start, and how to read it.
pub struct Version {
    pub text: String,
    pub body_offset: usize,
}

impl Version {
    pub fn read(path: &Path) -> Result<Version, String> {
        let bytes = read::read_file(path)?
            .map_err(|_| format!("{}: the file is too large to compare", path.display()))?;
        Ok(Version::of(bytes))
    }

    pub fn of(bytes: Vec<u8>) -> Version {
        let text = read::decode(bytes);
        Version {
            text: text.text,
            body_offset: text.body_offset,
        }
    }
}

/// Compares the documents of two versions of one file (`None`: the file is absent).
pub fn diff_versions(
    path: &str,
    format: FileFormat,
    old: Option<&Version>,
    new: Option<&Version>,
    kind: Option<PolicyKind>,
    catalog: &Catalog,
) -> FileDiff {
    let (mut old_unquoted, mut new_unquoted) = (Cow::Borrowed(""), Cow::Borrowed(""));
    let old_docs = old.map_or_else(Vec::new, |v| {
        documents(&v.text, v.body_offset, format, &mut old_unquoted)
    });
    let new_docs = new.map_or_else(Vec::new, |v| {
        documents(&v.text, v.body_offset, format, &mut new_unquoted)
    });
    let empty_root = json::parse(r#"{"Statement": []}"#).expect("valid JSON");
    let empty_policy = policy::build(&empty_root);
    let old_lines = old.map(|v| LineIndex::new(&v.text));
    let new_lines = new.map(|v| LineIndex::new(&v.text));
    let mut documents = Vec::new();
    for doc in &new_docs {
        let before = old_docs.iter().find(|d| d.key == doc.key);
        let new_policy = policy::build(&doc.root);
        let old_policy = before.map(|d| policy::build(&d.root));
        let kind = kind
            .or(doc.kind)
            .unwrap_or_else(|| policy::classify(&new_policy).kind);
        let status = match before {
            None => Status::Added,
            Some(b) if b.root == doc.root => Status::Unchanged,
            Some(_) => Status::Changed,
        };
        let changes = if status == Status::Unchanged {
            Vec::new()
        } else {
            let old_side = Side::of(old_policy.as_ref().unwrap_or(&empty_policy));
            let new_side = Side::of(&new_policy);
            compare(&old_side, &new_side, catalog)
        };
        let placed = changes
            .into_iter()
            .map(|change| {
                let at = |offset: usize| {
                    new_lines
                        .as_ref()
                        .map(|l| l.position(doc.offset + offset))
                        .map_or((0, 0), |p| (p.line, p.column))
                };
                let (line, column) = at(change.span.start);
                let (end_line, end_column) = at(change.span.end);
                let closest_line = match (&change.closest, before, &old_lines) {
                    (Some(c), Some(b), Some(lines)) => {
                        Some(lines.position(b.offset + c.span.start).line)
                    }
                    _ => None,
                };
                Placed {
                    change,
                    line,
                    column,
                    end_line,
                    end_column,
                    closest_line,
                }
            })
            .collect();
        documents.push(DocumentDiff {
            label: doc.label.clone(),
            kind,
            status,
            changes: placed,
        });
    }
    for doc in &old_docs {
        if !new_docs.iter().any(|d| d.key == doc.key) {
            let model = policy::build(&doc.root);
            documents.push(DocumentDiff {
                label: doc.label.clone(),
                kind: kind
                    .or(doc.kind)
                    .unwrap_or_else(|| policy::classify(&model).kind),
                status: Status::Removed,
                changes: Vec::new(),
            });
        }
    }
    FileDiff {
        path: path.to_string(),
        documents,
    }
}

/// The extensions a directory walk reads as policies or templates.
fn is_policy_file(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    [
        ".json",
        ".md",
        ".markdown",
        ".mdx",
        ".yaml",
        ".yml",
        ".template",
        ".tf",
        ".tpl",
        ".tftpl",
    ]
    .iter()
    .any(|e| lower.ends_with(e))
}

fn git(args: &[&str]) -> Result<Vec<u8>, String> {
    let out = Command::new("git")
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "git {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(out.stdout)
}

fn lines(bytes: Vec<u8>) -> Vec<String> {
    String::from_utf8_lossy(&bytes)
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

/// Each policy file under `paths` in the working tree (tracked or not ignored) or at
/// `rev`, compared: the working tree's version against the revision's.
pub fn diff_git(
    rev: &str,
    paths: &[String],
    kind: Option<PolicyKind>,
    catalog: &Catalog,
) -> Result<(Vec<FileDiff>, Vec<String>), String> {
    let commit = format!("{rev}^{{commit}}");
    git(&["rev-parse", "--verify", "--quiet", &commit])
        .map_err(|_| format!("`{rev}` is not a git revision here"))?;
    let mut spec: Vec<&str> = vec!["--"];
    if paths.is_empty() {
        spec.push(".");
    } else {
        spec.extend(paths.iter().map(String::as_str));
    }
    let mut current = vec!["ls-files", "--cached", "--others", "--exclude-standard"];
    current.extend(&spec);
    let mut before = vec!["ls-tree", "-r", "--name-only", rev];
    before.extend(&spec);
    let mut all: Vec<String> = lines(git(&current)?);
    let old_names = lines(git(&before)?);
    all.extend(old_names.iter().cloned());
    all.retain(|p| is_policy_file(p));
    all.sort();
    all.dedup();
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for path in all {
        let new = match Path::new(&path).exists() {
            true => match Version::read(Path::new(&path)) {
                Ok(v) => Some(v),
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            },
            false => None,
        };
        let old = match old_names.contains(&path) {
            true => match git(&["cat-file", "blob", &format!("{rev}:./{path}")]) {
                Ok(bytes) if bytes.len() as u64 <= read::MAX_FILE_BYTES => Some(Version::of(bytes)),
                Ok(_) => {
                    errors.push(format!("{path} at {rev}: the file is too large to compare"));
                    continue;
                }
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            },
            false => None,
        };
        let format = crate::source::format_of(Path::new(&path));
        files.push(diff_versions(
            &path,
            format,
            old.as_ref(),
            new.as_ref(),
            kind,
            catalog,
        ));
    }
    Ok((files, errors))
}

/// The policy files under a directory, as paths relative to it (sorted).
fn walk(root: &Path) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries = std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        for entry in entries {
            let entry = entry.map_err(|e| format!("{}: {e}", dir.display()))?;
            let kind = entry
                .file_type()
                .map_err(|e| format!("{}: {e}", dir.display()))?;
            let path = entry.path();
            if kind.is_dir() {
                stack.push(path);
            } else if kind.is_file() {
                let relative = path
                    .strip_prefix(root)
                    .unwrap_or(&path)
                    .to_string_lossy()
                    .into_owned();
                if is_policy_file(&relative) {
                    out.push(relative);
                }
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Two directories compared file by file, paired by their path inside each (in parallel;
/// the report keeps the paths' order).
pub fn diff_dirs(
    old: &Path,
    new: &Path,
    kind: Option<PolicyKind>,
    catalog: &Catalog,
) -> Result<(Vec<FileDiff>, Vec<String>), String> {
    use rayon::prelude::*;
    let (before, after) = (walk(old)?, walk(new)?);
    let mut all: Vec<&String> = before.iter().chain(&after).collect();
    all.sort();
    all.dedup();
    let results: Vec<Result<FileDiff, String>> = all
        .par_iter()
        .map(|relative| {
            let read = |root: &Path, list: &[String]| -> Result<Option<Version>, String> {
                match list.binary_search(relative) {
                    Ok(_) => Version::read(&root.join(relative)).map(Some),
                    Err(_) => Ok(None),
                }
            };
            let (o, n) = (read(old, &before)?, read(new, &after)?);
            let shown = new.join(relative).display().to_string();
            let format = crate::source::format_of(Path::new(relative.as_str()));
            Ok(diff_versions(
                &shown,
                format,
                o.as_ref(),
                n.as_ref(),
                kind,
                catalog,
            ))
        })
        .collect();
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for r in results {
        match r {
            Ok(f) => files.push(f),
            Err(e) => errors.push(e),
        }
    }
    Ok((files, errors))
}
