//! Baselines: `--write-baseline FILE` records today's findings; `--baseline FILE` drops the
//! findings recorded there, so only new ones are reported and fail the run. Findings are
//! matched by [`Finding::fingerprint`] (rule, path, policy element, offending text), never
//! by line, and counted: two identical findings in the baseline absorb two, not more.

use crate::diagnostic::{normalize_path, Finding};
use crate::Report;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

const VERSION: u32 = 1;

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub version: u32,
    pub findings: Vec<Entry>,
}

/// One recorded finding. Only the fingerprint is matched; the rest is for the reader of
/// the file and of its diffs.
#[derive(Debug, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub path: String,
    pub rule: String,
    pub element: String,
    pub snippet: String,
    pub message: String,
    pub fingerprint: String,
}

impl Baseline {
    /// Every finding of the report, ordered by path, rule and element (not by line, so the
    /// file's diff stays small when lines move).
    pub fn from_report(report: &Report) -> Baseline {
        let mut findings: Vec<Entry> = report.findings().into_iter().map(entry).collect();
        findings.sort();
        Baseline {
            version: VERSION,
            findings,
        }
    }

    pub fn parse(text: &str) -> Result<Baseline, String> {
        let baseline: Baseline =
            serde_json::from_str(text).map_err(|e| format!("not an iamlint baseline: {e}"))?;
        if baseline.version != VERSION {
            return Err(format!(
                "baseline version {} is not supported (expected {VERSION})",
                baseline.version
            ));
        }
        Ok(baseline)
    }

    pub fn load(path: &std::path::Path) -> Result<Baseline, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        Baseline::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }
}

fn entry(finding: &Finding) -> Entry {
    Entry {
        path: normalize_path(&finding.path),
        rule: finding.rule.to_string(),
        element: finding.element(),
        snippet: finding.snippet.clone(),
        message: finding.message.clone(),
        fingerprint: finding.fingerprint(),
    }
}

pub fn apply(report: &mut Report, baseline: &Baseline) {
    let mut remaining: HashMap<&str, usize> = HashMap::new();
    for entry in &baseline.findings {
        *remaining.entry(entry.fingerprint.as_str()).or_default() += 1;
    }
    let mut baselined = 0;
    for file in &mut report.files {
        file.findings.retain(|finding| {
            let fingerprint = finding.fingerprint();
            match remaining.get_mut(fingerprint.as_str()) {
                Some(left) if *left > 0 => {
                    *left -= 1;
                    baselined += 1;
                    false
                }
                _ => true,
            }
        });
    }
    report.baselined += baselined;
    // Only entries for files this run checked can be called stale: a pre-commit hook checks
    // the changed files, and says nothing about the others.
    let checked: HashSet<String> = report
        .files
        .iter()
        .map(|f| normalize_path(&f.path))
        .collect();
    report.stale_baseline += baseline
        .findings
        .iter()
        .filter(|e| checked.contains(&e.path))
        .filter(|e| {
            remaining
                .get_mut(e.fingerprint.as_str())
                .is_some_and(|left| {
                    let stale = *left > 0;
                    *left = left.saturating_sub(1);
                    stale
                })
        })
        .count();
}
