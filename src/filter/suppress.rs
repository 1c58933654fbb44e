//! `[[suppress]]` entries of `iamlint.toml`: each accepts the findings of one rule in the
//! files matching a glob (optionally in one statement), with a recorded reason. An entry
//! that accepts nothing is reported (L001), so stale suppressions do not pile up — by runs
//! that walked every file the entry's path can match, since a run on named files or on a
//! subfolder sees only part of the tree.

use crate::code::Code;
use crate::config::{Config, Suppression};
use crate::diagnostic::{Diagnostic, Finding};
use crate::json::Span;
use crate::location::Host;
use crate::outcome::FileReport;
use crate::place::RuleSet;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

pub const UNUSED_SUPPRESSION: Code = Code::L001;

/// Drops the findings of one file that a `[[suppress]]` entry accepts, marks those entries
/// used, and says how many it dropped. Files can be filtered on any thread, in any order.
pub fn filter(config: &Config, used: &[AtomicBool], file: &mut FileReport) -> usize {
    if config.suppressions.is_empty() || file.findings.is_empty() {
        return 0;
    }
    let relative = config.relative(Path::new(&*file.path)).into_owned();
    let before = file.findings.len();
    file.findings.retain(|finding| {
        let mut accepted = false;
        for (entry, used) in config.suppressions.iter().zip(used) {
            if matches(entry, finding, &relative) {
                used.store(true, Ordering::Relaxed);
                accepted = true;
            }
        }
        !accepted
    });
    before - file.findings.len()
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

/// The L001 findings about the entries not `used`, in a report entry for the config file
/// itself; `None` when every entry was used (or L001 is off). Only entries whose files all
/// lie in the walked folders `scopes` (see [`Config::scopes`]) can be called unused: a run on
/// named files or on a subfolder sees part of the tree.
pub fn unused_report(
    config: &Config,
    used: &[AtomicBool],
    scopes: &[std::path::PathBuf],
) -> Option<FileReport> {
    let rule_set = RuleSet::for_config(config);
    rule_set.enabled(UNUSED_SUPPRESSION)?;
    let unused: Vec<&Suppression> = config
        .suppressions
        .iter()
        .zip(used)
        .filter(|(entry, used)| !used.load(Ordering::Relaxed) && entry.within(scopes))
        .map(|(entry, _)| entry)
        .collect();
    if unused.is_empty() {
        return None;
    }
    let path: std::sync::Arc<str> = display_path(config).into();
    let mut host = Host::new(path.clone(), &config.source);
    let findings = unused
        .iter()
        .filter_map(|entry| rule_set.place(unused_entry(entry, &config.source), &mut host, 0, None))
        .collect();
    Some(FileReport {
        path,
        documents: Vec::new(),
        findings,
        source: Some(config.source.clone()),
    })
}

/// L001 about one entry.
fn unused_entry(entry: &Suppression, source: &str) -> Diagnostic {
    // Underline the entry's first line (its `[[suppress]]` header), not the whole table.
    let start = entry.span.start.min(source.len());
    let line_end = source[start..]
        .find('\n')
        .map_or(source.len(), |n| start + n);
    let span = Span::new(start, line_end.min(entry.span.end.max(start)));
    let statement = entry
        .statement
        .as_deref()
        .map(|s| format!(" in statement `{s}`"))
        .unwrap_or_default();
    Diagnostic::new(
        UNUSED_SUPPRESSION,
        span,
        format!(
            "this suppression of `{}` for `{}`{statement} matched no finding",
            entry.rule.as_str(),
            entry.path.glob()
        ),
    )
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
