//! Baselines: `--write-baseline FILE` records today's findings; `--baseline FILE` drops the
//! findings recorded there, so only new ones are reported and fail the run. Findings are
//! matched by [`Finding::fingerprint_in`] (rule, path, policy element without list positions,
//! offending text), never by line or `Sid`, and counted: two identical findings in the
//! baseline absorb two, not more. Paths are relative to the baseline file's folder, so a
//! baseline matches the same files whichever folder iamlint runs from.

use crate::diagnostic::{normalize_path, Finding};
use crate::outcome::FileReport;
use crate::sink::{Checked, Sink};
use crate::spool::Spool;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

/// 2: paths relative to the baseline's folder, fingerprints without `Sid` or list positions.
/// (1: paths relative to the folder it was written from, elements anchored at the `Sid`.)
const VERSION: u32 = 2;

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub version: u32,
    pub findings: Vec<Entry>,
    /// The folder the entries' paths are relative to: the baseline file's, once loaded;
    /// empty for the working folder.
    #[serde(skip)]
    pub root: PathBuf,
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
            root: PathBuf::new(),
        }
    }

    /// Every finding of the report (see [`Baseline::from_entries`]), for a baseline file
    /// in `root` (see [`folder_of`]).
    pub fn from_report(report: &crate::outcome::Report, root: &Path) -> Baseline {
        let findings = report
            .findings()
            .into_iter()
            .map(|f| entry(f, &relative_to(root, &f.path)))
            .collect();
        Baseline::from_entries(findings)
    }

    /// A baseline's text; its paths are read as relative to the working folder (see
    /// [`Baseline::load`] for a file's).
    pub fn parse(text: &str) -> Result<Baseline, String> {
        #[derive(Deserialize)]
        struct Version {
            version: Option<u32>,
        }
        // Asked first, so that an old baseline is named as such rather than as malformed.
        if let Ok(Version { version: Some(1) }) = serde_json::from_str(text) {
            return Err(
                "a baseline of iamlint's first format (its paths relative to the \
                        folder it was written from, its entries keyed by `Sid`): record it \
                        again with --write-baseline, from any folder"
                    .to_string(),
            );
        }
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

    /// A baseline file, its paths relative to its folder.
    pub fn load(path: &Path) -> Result<Baseline, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut baseline =
            Baseline::parse(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        baseline.root = folder_of(path);
        Ok(baseline)
    }

    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }
}

/// The entry for `finding`, whose file the baseline calls `path` (see [`relative_to`]).
pub fn entry(finding: &Finding, path: &str) -> Entry {
    Entry {
        path: path.to_string(),
        rule: finding.rule.to_string(),
        element: finding.element(),
        snippet: finding.snippet.to_string(),
        message: finding.message.clone(),
        fingerprint: finding.fingerprint_in(path),
    }
}

/// The folder a baseline file's paths are relative to: its own, resolved (symbolic links
/// too), so that the same file is spelt the same way from any working folder.
pub fn folder_of(baseline: &Path) -> PathBuf {
    let parent = match baseline.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    parent
        .canonicalize()
        .or_else(|_| std::path::absolute(parent))
        .unwrap_or_else(|_| parent.to_path_buf())
}

/// A checked file's path as a baseline in `root` spells it: relative to `root`, with `/`
/// and `..` where the file is outside it. An empty `root` (and standard input, `-`) keeps
/// the path as shown.
pub fn relative_to(root: &Path, shown: &str) -> String {
    if root.as_os_str().is_empty() || shown == "-" {
        return normalize_path(shown);
    }
    let path = Path::new(shown);
    let resolved = match (path.parent(), path.file_name()) {
        (Some(parent), Some(name)) => {
            let parent = if parent.as_os_str().is_empty() {
                Path::new(".")
            } else {
                parent
            };
            parent.canonicalize().ok().map(|p| p.join(name))
        }
        _ => None,
    };
    let Some(absolute) = resolved.or_else(|| std::path::absolute(path).ok()) else {
        return normalize_path(shown);
    };
    let from: Vec<Component> = root.components().collect();
    let to: Vec<Component> = absolute.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    if common == 0 {
        // Another drive, or a path that cannot be resolved against the root.
        return normalize_path(shown);
    }
    let mut steps: Vec<String> = vec!["..".to_string(); from.len() - common];
    steps.extend(
        to[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    steps.join("/")
}

/// Collects every finding of a run as a baseline entry (`--write-baseline FILE`).
pub struct Recorder {
    /// The folder of the baseline file being written.
    root: PathBuf,
    pub entries: Vec<Entry>,
}

impl Recorder {
    /// A recorder for the baseline file `path`, whose entries' paths are relative to its folder.
    pub fn new(path: &Path) -> Self {
        Recorder {
            root: folder_of(path),
            entries: Vec::new(),
        }
    }
}

impl Sink for Recorder {
    type Part = Vec<Entry>;
    type Renderer = PathBuf;

    fn renderer(&self) -> PathBuf {
        self.root.clone()
    }

    fn render(root: &PathBuf, group: &mut Vec<Checked>) -> std::io::Result<Vec<Entry>> {
        let mut entries = Vec::new();
        for checked in group.iter() {
            let path = relative_to(root, &checked.file.path);
            entries.extend(checked.file.findings.iter().map(|f| entry(f, &path)));
        }
        Ok(entries)
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

    /// The folder the baseline's paths are relative to.
    pub fn root(&self) -> &Path {
        &self.baseline.root
    }

    /// Drops the findings of file `input` the baseline records; returns how many.
    pub fn filter(&self, file: &mut FileReport, input: usize) -> usize {
        if self.baseline.findings.is_empty() {
            return 0;
        }
        let path = relative_to(self.root(), &file.path);
        if let Some(checked) = self.checked.get(path.as_str()) {
            checked.store(true, Ordering::Relaxed);
        }
        if file.findings.is_empty() {
            return 0;
        }
        let fingerprints: Vec<String> = file
            .findings
            .iter()
            .map(|f| f.fingerprint_in(&path))
            .collect();
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

impl Matcher<'_> {
    /// Whether the baseline names files but this run checked none of them: most likely it
    /// was recorded for other files, and every finding it was meant to absorb is back.
    pub fn matched_no_file(&self) -> bool {
        !self.checked.is_empty() && !self.checked.values().any(|c| c.load(Ordering::Relaxed))
    }

    /// Whether any file the baseline names exists (relative to its folder).
    pub fn names_an_existing_file(&self) -> bool {
        self.checked
            .keys()
            .any(|path| *path != "-" && self.root().join(path).exists())
    }
}

/// The guarded value even if another thread panicked while holding it: the counts stay
/// consistent, since each update is a single decrement.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}
