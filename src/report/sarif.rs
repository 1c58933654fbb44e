//! `--format sarif`: SARIF 2.1.0 as GitHub code scanning accepts it. Each rule that fired is
//! described from its rulebook page; each result carries a line-independent fingerprint
//! (the one baselines use), so an alert survives edits elsewhere in the file.

use crate::diagnostic::{normalize_path, Finding, Severity};
use crate::outcome::Report;
use crate::rules::{self, RuleMeta};
use crate::sink::Checked;
use serde_json::{json, Value};
use std::io::{self, Write};
use std::sync::Arc;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let style = super::Style::plain();
    super::write(report, super::Format::Sarif, &style, out)
}

/// What a result needs of a finding, kept until the end of the run: the rules, which
/// results point into by index, are known only then.
#[derive(Clone, Debug)]
pub struct Record {
    rule: &'static str,
    severity: Severity,
    /// The message, a newline and `help: ` with the help.
    text: String,
    path: Arc<str>,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    fingerprint: String,
}

impl Record {
    pub fn new(f: &Finding) -> Self {
        let mut text = format!("{}\nhelp: {}", f.message, f.help);
        text.shrink_to_fit();
        Record {
            rule: f.rule,
            severity: f.severity,
            text,
            path: f.path.clone(),
            line: f.line,
            column: f.column,
            end_line: f.end_line,
            end_column: f.end_column,
            fingerprint: f.fingerprint(),
        }
    }
}

/// Writes the whole log: `records` are the run's results in the report's order.
pub fn finish(out: &mut dyn Write, records: &[Record], end: &super::End) -> io::Result<()> {
    let mut codes: Vec<&str> = records.iter().map(|r| r.rule).collect();
    codes.sort_unstable();
    codes.dedup();
    let metas: Vec<&RuleMeta> = codes.iter().filter_map(|c| rules::meta(c)).collect();
    // The log with no results, split where they go: results are written one by one.
    let mut skeleton = serde_json::to_string_pretty(&log(&metas, end.errors, Vec::new()))?;
    let marker = "\"results\": []";
    let at = skeleton.find(marker).map(|i| i + marker.len() - 1);
    let Some(at) = at else {
        return Err(io::Error::other("the SARIF skeleton has no results"));
    };
    let tail = skeleton.split_off(at);
    out.write_all(skeleton.as_bytes())?;
    let mut one = Vec::new();
    for (i, record) in records.iter().enumerate() {
        let index = metas.iter().position(|m| m.code == record.rule);
        out.write_all(if i == 0 {
            b"\n        "
        } else {
            b",\n        "
        })?;
        one.clear();
        serde_json::to_writer_pretty(&mut one, &result(record, index))?;
        for line in one.split_inclusive(|&b| b == b'\n') {
            out.write_all(line)?;
            if line.ends_with(b"\n") {
                out.write_all(b"        ")?;
            }
        }
    }
    if !records.is_empty() {
        out.write_all(b"\n      ")?;
    }
    out.write_all(tail.as_bytes())?;
    writeln!(out)
}

fn log(metas: &[&RuleMeta], errors: &[crate::outcome::InputError], results: Vec<Value>) -> Value {
    let notifications: Vec<Value> = errors
        .iter()
        .map(|e| {
            json!({
                "level": "error",
                "message": { "text": format!("{}: {}", e.path, e.message) },
            })
        })
        .collect();
    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "iamlint",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "informationUri": env!("CARGO_PKG_REPOSITORY"),
                "rules": metas.iter().map(|m| rule(m)).collect::<Vec<_>>(),
            }},
            "invocations": [{
                "executionSuccessful": errors.is_empty(),
                "toolExecutionNotifications": notifications,
            }],
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    })
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// GitHub's security-severity scale: 7.0 and up is high, 4.0 medium, below that low.
fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "8.0",
        Severity::Warning => "5.0",
        Severity::Info => "2.0",
    }
}

fn rule(meta: &RuleMeta) -> Value {
    let flags = section(meta.body, "## What it flags").unwrap_or(meta.summary);
    json!({
        "id": meta.code,
        "name": meta.name,
        "shortDescription": { "text": meta.summary },
        "fullDescription": { "text": flags },
        "help": { "text": meta.body, "markdown": meta.body },
        "helpUri": format!("{}/blob/main/rules/{}.md", env!("CARGO_PKG_REPOSITORY"), meta.code),
        "defaultConfiguration": { "level": level(meta.severity) },
        "properties": properties(meta),
    })
}

/// Tags, and for rules about policies a security severity, which is what makes GitHub
/// list the alerts as security alerts; the linter's own rules (about its config) get none.
fn properties(meta: &RuleMeta) -> Value {
    if meta.category == "linter" {
        return json!({ "tags": ["iamlint", meta.category] });
    }
    json!({
        "tags": ["security", "iam", meta.category],
        "security-severity": security_severity(meta.severity),
    })
}

/// The text under a `## ` heading of a rule page, up to the next heading.
fn section<'a>(body: &'a str, heading: &str) -> Option<&'a str> {
    let start = body.find(heading)? + heading.len();
    let rest = &body[start..];
    let end = rest.find("\n## ").unwrap_or(rest.len());
    Some(rest[..end].trim())
}

fn result(f: &Record, rule_index: Option<usize>) -> Value {
    let mut location = json!({ "uri": uri(&f.path) });
    if !f.path.starts_with('/') {
        location["uriBaseId"] = json!("%SRCROOT%");
    }
    let mut value = json!({
        "ruleId": f.rule,
        "level": level(f.severity),
        "message": { "text": f.text },
        "locations": [{
            "physicalLocation": {
                "artifactLocation": location,
                "region": {
                    "startLine": f.line,
                    "startColumn": f.column,
                    "endLine": f.end_line,
                    "endColumn": f.end_column,
                },
            },
        }],
        "partialFingerprints": { "iamlint/v2": f.fingerprint },
    });
    if let Some(index) = rule_index {
        value["ruleIndex"] = json!(index);
    }
    value
}

/// A URI reference for a path: relative paths stay relative (to `%SRCROOT%`), absolute ones
/// become `file://` URIs; anything but unreserved characters and `/` is percent-encoded.
fn uri(path: &str) -> String {
    let path = normalize_path(path);
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    if path.starts_with('/') {
        format!("file://{out}")
    } else {
        out
    }
}

pub(crate) struct Sarif;

impl super::Emit for Sarif {
    fn render(
        &self,
        _: &[Checked],
        found: &[&Finding],
        _: &super::Style,
    ) -> io::Result<super::Part> {
        Ok(super::Part::kept(super::Kept {
            sarif: found.iter().map(|f| Record::new(f)).collect(),
            ..super::Kept::default()
        }))
    }

    fn finish(
        &self,
        out: &mut dyn Write,
        kept: &mut super::Kept,
        _: &super::Style,
        end: &super::End,
    ) -> io::Result<()> {
        finish(out, &kept.sarif, end)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn paths_become_uri_references() {
        assert_eq!(super::uri("./docs/my guide.md"), "docs/my%20guide.md");
        assert_eq!(super::uri("/tmp/a#b.json"), "file:///tmp/a%23b.json");
    }
}
