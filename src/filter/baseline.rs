//! Baselines: `--write-baseline FILE` records today's findings; `--baseline FILE` drops the
//! findings recorded there, so only new ones are reported and fail the run. Findings are
//! matched by [`Finding::fingerprint`] (rule, path, policy element, offending text), never
//! by line, and counted: two identical findings in the baseline absorb two, not more.

use crate::diagnostic::{normalize_path, Finding};
use crate::outcome::FileReport;
use crate::sink::{Checked, Sink};
use crate::spool::Spool;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

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
    /// Every finding given, ordered by path, rule and element (not by line, so the file's
    /// diff stays small when lines move).
    pub fn from_entries(mut findings: Vec<Entry>) -> Baseline {
        findings.sort();
        Baseline {
            version: VERSION,
            findings,
        }
    }

    /// Every finding of the report (see [`Baseline::from_entries`]).
    pub fn from_report(report: &crate::outcome::Report) -> Baseline {
        Baseline::from_entries(report.findings().into_iter().map(entry).collect())
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

pub fn entry(finding: &Finding) -> Entry {
    Entry {
        path: normalize_path(&finding.path),
        rule: finding.rule.to_string(),
        element: finding.element(),
        snippet: finding.snippet.clone(),
        message: finding.message.clone(),
        fingerprint: finding.fingerprint(),
    }
}

/// Collects every finding of a run as a baseline entry (`--write-baseline`).
#[derive(Default)]
pub struct Recorder {
    pub entries: Vec<Entry>,
}

impl Sink for Recorder {
    type Part = Vec<Entry>;
    type Renderer = ();

    fn renderer(&self) {}

    fn render(_: &(), group: &mut Vec<Checked>) -> std::io::Result<Vec<Entry>> {
        Ok(group
            .iter()
            .flat_map(|c| &c.file.findings)
            .map(entry)
            .collect())
    }

    fn accept(&mut self, part: Vec<Entry>, _: &mut Spool) -> std::io::Result<()> {
        self.entries.extend(part);
        Ok(())
    }
}

/// A baseline being matched against a run's findings. Every recorded entry absorbs one
/// finding with its fingerprint; files can be matched on any thread. A fingerprint names
/// its path, so only files that share a path (`a.json` and `./a.json`) compete for the
/// same entries: their order is fixed with [`Matcher::reserve`] before they are matched.
pub struct Matcher<'a> {
    baseline: &'a Baseline,
    /// Entries not yet matched, by fingerprint.
    remaining: Mutex<HashMap<&'a str, usize>>,
    /// What each file that shares its path with another input may absorb, by input.
    reserved: HashMap<usize, Mutex<HashMap<String, usize>>>,
    /// The paths the baseline names, and whether this run checked a file there.
    checked: HashMap<&'a str, AtomicBool>,
}

impl<'a> Matcher<'a> {
    pub fn new(baseline: &'a Baseline) -> Self {
        let mut remaining: HashMap<&str, usize> = HashMap::new();
        for entry in &baseline.findings {
            *remaining.entry(entry.fingerprint.as_str()).or_default() += 1;
        }
        Matcher {
            baseline,
            remaining: Mutex::new(remaining),
            reserved: HashMap::new(),
            checked: baseline
                .findings
                .iter()
                .map(|e| (e.path.as_str(), AtomicBool::new(false)))
                .collect(),
        }
    }

    /// Lets input `input`, when it is matched, absorb what it would absorb if the inputs
    /// were matched one after another in the order `reserve` is called.
    pub fn reserve(&mut self, input: usize, fingerprints: &[String]) {
        let remaining = self.remaining.get_mut().unwrap_or_else(|e| e.into_inner());
        let mut mine: HashMap<String, usize> = HashMap::new();
        for fingerprint in fingerprints {
            if let Some(left) = remaining.get_mut(fingerprint.as_str()).filter(|l| **l > 0) {
                *left -= 1;
                *mine.entry(fingerprint.clone()).or_default() += 1;
            }
        }
        self.reserved.insert(input, Mutex::new(mine));
    }

    /// Drops the findings of file `input` the baseline records; returns how many.
    pub fn filter(&self, file: &mut FileReport, input: usize) -> usize {
        if let Some(checked) = self.checked.get(normalize_path(&file.path).as_str()) {
            checked.store(true, Ordering::Relaxed);
        }
        if file.findings.is_empty() || self.baseline.findings.is_empty() {
            return 0;
        }
        let fingerprints: Vec<String> = file.findings.iter().map(Finding::fingerprint).collect();
        let mut keep = Vec::with_capacity(fingerprints.len());
        {
            let mut reserved = self.reserved.get(&input).map(lock);
            let mut remaining = lock(&self.remaining);
            for fingerprint in &fingerprints {
                let left = match reserved.as_mut() {
                    Some(mine) => mine.get_mut(fingerprint.as_str()),
                    None => remaining.get_mut(fingerprint.as_str()),
                };
                keep.push(match left {
                    Some(left) if *left > 0 => {
                        *left -= 1;
                        false
                    }
                    _ => true,
                });
            }
        }
        let before = file.findings.len();
        let mut keep = keep.into_iter();
        file.findings.retain(|_| keep.next().unwrap_or(true));
        before - file.findings.len()
    }

    /// Entries for files this run checked that matched no finding: the baseline can be
    /// tightened. (Entries for other files say nothing: a hook checks the changed files.)
    pub fn stale(&self) -> usize {
        let mut remaining = lock(&self.remaining);
        self.baseline
            .findings
            .iter()
            .filter(|e| {
                self.checked
                    .get(e.path.as_str())
                    .is_some_and(|c| c.load(Ordering::Relaxed))
            })
            .filter(|e| {
                remaining
                    .get_mut(e.fingerprint.as_str())
                    .is_some_and(|left| {
                        let stale = *left > 0;
                        *left = left.saturating_sub(1);
                        stale
                    })
            })
            .count()
    }
}

/// The guarded value even if another thread panicked while holding it: the counts stay
/// consistent, since each update is a single decrement.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}
