//! The comparison's output: human text, JSON, SARIF, GitHub workflow commands and a
//! Markdown summary for a pull-request comment.

use super::files::{FileDiff, Placed, Status};
use serde_json::{json, Value};
use std::fmt::Write as _;

/// How many newly granted actions a change lists by name.
const LISTED: usize = 20;

/// Counts for the summary line and the exit code.
pub struct Totals {
    pub files: usize,
    pub documents: usize,
    pub added: usize,
    pub removed: usize,
    pub changed: usize,
    /// Documents that may grant new access, and the changes in them.
    pub widened: usize,
    pub changes: usize,
}

pub fn totals(files: &[FileDiff]) -> Totals {
    let docs = || files.iter().flat_map(|f| &f.documents);
    let count = |s: Status| docs().filter(|d| d.status == s).count();
    Totals {
        files: files.iter().filter(|f| !f.documents.is_empty()).count(),
        documents: docs().count(),
        added: count(Status::Added),
        removed: count(Status::Removed),
        changed: count(Status::Changed),
        widened: docs().filter(|d| !d.changes.is_empty()).count(),
        changes: docs().map(|d| d.changes.len()).sum(),
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

pub fn summary_line(files: &[FileDiff]) -> String {
    let t = totals(files);
    let compared = format!(
        "{} in {} ({} changed, {} added, {} removed)",
        plural(t.documents, "document", "documents"),
        plural(t.files, "file", "files"),
        t.changed,
        t.added,
        t.removed
    );
    match t.changes {
        0 => format!("No new access: {compared}."),
        n => format!(
            "May grant new access: {} in {} of {compared}.",
            plural(n, "change", "changes"),
            t.widened,
        ),
    }
}

fn each(
    files: &[FileDiff],
) -> impl Iterator<Item = (&FileDiff, &super::files::DocumentDiff, &Placed)> {
    files.iter().flat_map(|f| {
        f.documents
            .iter()
            .flat_map(move |d| d.changes.iter().map(move |c| (f, d, c)))
    })
}

fn closest_text(p: &Placed) -> Option<String> {
    let c = p.change.closest.as_ref()?;
    let sid = c
        .sid
        .as_ref()
        .map(|s| format!(" (`{s}`)"))
        .unwrap_or_default();
    let line = p
        .closest_line
        .map(|l| format!("line {l}"))
        .unwrap_or_else(|| c.pointer.clone());
    Some(format!("{line}{sid}: {}", c.summary))
}

pub fn human(files: &[FileDiff]) -> String {
    let mut out = String::new();
    for f in files {
        for d in f.documents.iter().filter(|d| !d.changes.is_empty()) {
            let _ = writeln!(
                out,
                "{}: {} [{}, {}]: may grant new access",
                f.path,
                d.label,
                d.kind.as_str(),
                match d.status {
                    Status::Added => "added",
                    _ => "changed",
                }
            );
            for p in &d.changes {
                let _ = writeln!(
                    out,
                    "  {}:{}:{}: {}: {}",
                    f.path,
                    p.line,
                    p.column,
                    p.change.reason.as_str(),
                    p.change.why
                );
                if let Some(w) = &p.change.witness {
                    let _ = writeln!(
                        out,
                        "    example: {} is allowed now, denied before",
                        w.describe()
                    );
                }
                if let Some(c) = closest_text(p) {
                    let _ = writeln!(out, "    closest old statement: {c}");
                }
            }
        }
    }
    out.push_str(&summary_line(files));
    out.push('\n');
    out
}

fn change_json(f: &FileDiff, d: &super::files::DocumentDiff, p: &Placed) -> Value {
    let c = &p.change;
    json!({
        "path": f.path,
        "document": d.label,
        "kind": d.kind.as_str(),
        "status": d.status,
        "reason": c.reason,
        "line": p.line, "column": p.column, "end_line": p.end_line, "end_column": p.end_column,
        "pointer": c.pointer,
        "sid": c.sid,
        "token": c.token,
        "message": c.why,
        "action_count": c.actions.len(),
        "actions": c.actions.iter().take(LISTED).collect::<Vec<_>>(),
        "example": c.witness,
        "closest": c.closest.as_ref().map(|o| json!({
            "line": p.closest_line, "pointer": o.pointer, "sid": o.sid, "statement": o.summary,
        })),
    })
}

pub fn json(files: &[FileDiff]) -> String {
    let t = totals(files);
    let changes: Vec<Value> = each(files).map(|(f, d, p)| change_json(f, d, p)).collect();
    let documents: Vec<Value> = files
        .iter()
        .flat_map(|f| {
            f.documents.iter().map(move |d| {
                json!({"path": f.path, "document": d.label, "kind": d.kind.as_str(),
                       "status": d.status, "changes": d.changes.len()})
            })
        })
        .collect();
    let value = json!({
        "new_access": t.changes > 0,
        "changes": changes,
        "documents": documents,
        "summary": {"files": t.files, "documents": t.documents, "changed": t.changed,
                    "added": t.added, "removed": t.removed, "changes": t.changes},
    });
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}

fn full_message(p: &Placed) -> String {
    let mut m = p.change.why.clone();
    if let Some(w) = &p.change.witness {
        m.push_str(&format!(
            ". Example: {} is allowed now, denied before",
            w.describe()
        ));
    }
    if let Some(c) = closest_text(p) {
        m.push_str(&format!(". Closest old statement: {c}"));
    }
    m
}

pub fn sarif(files: &[FileDiff]) -> String {
    let reasons = [
        super::Reason::WiderAction,
        super::Reason::WiderResource,
        super::Reason::NewPrincipal,
        super::Reason::LooserCondition,
        super::Reason::RemovedDeny,
    ];
    let id = |r: super::Reason| format!("new-access/{}", r.as_str().replace(' ', "-"));
    let rules: Vec<Value> = reasons
        .iter()
        .map(|r| {
            json!({"id": id(*r), "shortDescription": {"text": format!("new access: {}", r.as_str())},
                   "defaultConfiguration": {"level": "warning"}})
        })
        .collect();
    let results: Vec<Value> = each(files)
        .map(|(f, _, p)| {
            json!({
                "ruleId": id(p.change.reason),
                "level": "warning",
                "message": {"text": full_message(p)},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": f.path},
                    "region": {"startLine": p.line, "startColumn": p.column,
                               "endLine": p.end_line, "endColumn": p.end_column}
                }}],
            })
        })
        .collect();
    let value = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{"tool": {"driver": {"name": "iamlint diff", "informationUri": "https://github.com/iamlint/iamlint", "rules": rules}},
                  "results": results}],
    });
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}

/// Workflow-command escaping: data, then property values.
fn escape(text: &str, property: bool) -> String {
    let mut out = text
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    if property {
        out = out.replace(':', "%3A").replace(',', "%2C");
    }
    out
}

pub fn github(files: &[FileDiff]) -> String {
    let mut out = String::new();
    for (f, _, p) in each(files) {
        let _ = writeln!(
            out,
            "::warning file={},line={},col={},endLine={},endColumn={},title={}::{}",
            escape(&f.path, true),
            p.line,
            p.column,
            p.end_line,
            p.end_column,
            escape(&format!("new access ({})", p.change.reason.as_str()), true),
            escape(&full_message(p), false)
        );
    }
    out.push_str(&summary_line(files));
    out.push('\n');
    out
}

/// Markdown table cells: no pipes or line breaks.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

pub fn markdown(files: &[FileDiff]) -> String {
    let t = totals(files);
    let mut out = String::new();
    if t.changes == 0 {
        let _ = writeln!(
            out,
            "### iamlint diff: no new access\n\n{}",
            summary_line(files)
        );
        return out;
    }
    let _ = writeln!(out, "### iamlint diff: this change may grant new access\n");
    let _ = writeln!(
        out,
        "| where | document | reason | what | example request (allowed now, denied before) |"
    );
    let _ = writeln!(out, "| --- | --- | --- | --- | --- |");
    for (f, d, p) in each(files) {
        let example = p
            .change
            .witness
            .as_ref()
            .map_or_else(|| "none confirmed".to_string(), |w| w.describe());
        let _ = writeln!(
            out,
            "| `{}:{}` | {} ({}) | {} | {} | {} |",
            cell(&f.path),
            p.line,
            cell(&d.label),
            d.kind.as_str(),
            p.change.reason.as_str(),
            cell(&p.change.why),
            cell(&example)
        );
    }
    let _ = writeln!(out, "\n{}", summary_line(files));
    out
}
