//! `[[suppress]]` entries of `iamlint.toml`: each accepts the findings of one rule in the
//! files matching a glob (optionally in one statement), with a recorded reason. An entry
//! that accepts nothing is reported (L001), so stale suppressions do not pile up — in runs
//! that walk a folder, since a run on named files sees only part of the tree.

use crate::check::FileReport;
use crate::config::{Config, SeverityOverride, Suppression};
use crate::diagnostic::{Finding, Severity};
use crate::json::Span;
use crate::location::LineIndex;
use crate::{rules, Report};
use std::path::Path;

pub const UNUSED_SUPPRESSION: &str = "L001";

pub fn apply(report: &mut Report, config: &Config) {
    if config.suppressions.is_empty() {
        return;
    }
    let mut used = vec![false; config.suppressions.len()];
    let mut suppressed = 0;
    for file in &mut report.files {
        let relative = config.relative(Path::new(&*file.path)).into_owned();
        let before = file.findings.len();
        file.findings.retain(|finding| {
            let mut accepted = false;
            for (entry, used) in config.suppressions.iter().zip(used.iter_mut()) {
                if matches(entry, finding, &relative) {
                    *used = true;
                    accepted = true;
                }
            }
            !accepted
        });
        suppressed += before - file.findings.len();
    }
    report.suppressed += suppressed;
    if !report.walked {
        return;
    }
    let unused: Vec<&Suppression> = config
        .suppressions
        .iter()
        .zip(&used)
        .filter(|(_, used)| !**used)
        .map(|(entry, _)| entry)
        .collect();
    report_unused(report, config, &unused);
}

fn matches(entry: &Suppression, finding: &Finding, relative: &Path) -> bool {
    if !entry.rule.matches(finding.rule, finding.name) || !entry.path.is_match(relative) {
        return false;
    }
    match entry.statement.as_deref() {
        None => true,
        Some(pointer) if pointer.starts_with('/') => finding
            .pointer
            .strip_prefix(pointer)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/')),
        Some(sid) => finding.sid.as_deref() == Some(sid),
    }
}

/// Raises L001 at each unused entry, in a report entry for the config file itself.
fn report_unused(report: &mut Report, config: &Config, unused: &[&Suppression]) {
    let Some(meta) = rules::meta(UNUSED_SUPPRESSION) else {
        return;
    };
    if unused.is_empty() || !config.enabled(meta.code, meta.name, &[]) {
        return;
    }
    let severity = match config.severity_override(meta.code, meta.name) {
        Some(SeverityOverride::Set(severity)) => *severity,
        _ => meta.severity,
    };
    let path = display_path(config);
    let index = LineIndex::new(&config.source);
    let findings = unused
        .iter()
        .map(|entry| place(entry, meta, severity, &path, &config.source, &index))
        .collect();
    report.files.push(FileReport {
        path: path.into(),
        documents: Vec::new(),
        findings,
        source: Some(config.source.clone()),
        facts: Default::default(),
    });
}

fn place(
    entry: &Suppression,
    meta: &'static rules::RuleMeta,
    severity: Severity,
    path: &str,
    source: &str,
    index: &LineIndex,
) -> Finding {
    // Underline the entry's first line (its `[[suppress]]` header), not the whole table.
    let start = entry.span.start.min(source.len());
    let line_end = source[start..]
        .find('\n')
        .map_or(source.len(), |n| start + n);
    let span = Span::new(start, line_end.min(entry.span.end.max(start)));
    let (from, to) = index.range(span);
    let statement = entry
        .statement
        .as_deref()
        .map(|s| format!(" in statement `{s}`"))
        .unwrap_or_default();
    Finding {
        rule: meta.code,
        name: meta.name,
        severity,
        message: format!(
            "this suppression of `{}` for `{}`{statement} matched no finding",
            entry.rule.as_str(),
            entry.path.glob()
        ),
        path: path.into(),
        line: from.line,
        column: from.column,
        end_line: to.line,
        end_column: to.column,
        help: meta.fix.into(),
        document: 0,
        kind: None,
        pointer: String::new(),
        sid: None,
        snippet: source.get(span.start..span.end).unwrap_or("").to_string(),
        labels: Vec::new(),
        span,
    }
}

/// The config's path as the user would write it: relative to the working folder if inside it.
fn display_path(config: &Config) -> String {
    let Some(path) = &config.path else {
        return crate::config::FILE_NAME.to_string();
    };
    let relative = std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf));
    relative
        .as_deref()
        .unwrap_or(path)
        .to_string_lossy()
        .into_owned()
}
