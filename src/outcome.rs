//! What a run produces, in one model shared by every stage after checking: each file's
//! result ([`FileReport`]), the run's counts ([`Tally`]) and what it leaves at the end
//! ([`Outcome`]); a whole [`Report`] is the files with their outcome. Below the stages that
//! make these (check, filter, run) and the ones that read them (report), so none of them
//! imports another to reach them.

use crate::config::FailOn;
use crate::diagnostic::{Finding, Severity};
use crate::policy::PolicyKind;
use crate::source::Input;
use serde::Serialize;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

/// A path that could not be read, with why: reported on stderr, exit code 2.
#[derive(Clone, Debug, Serialize)]
pub struct InputError {
    pub path: String,
    pub message: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct DocumentReport {
    pub path: Arc<str>,
    pub document: usize,
    pub line: usize,
    pub kind: PolicyKind,
    pub kind_reason: Cow<'static, str>,
    /// The template resource that holds the document: its logical id or address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// That resource's type (`AWS::KMS::Key`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource_type: Option<String>,
}

/// One checked file: its documents, its findings (sorted) and, for emitters that quote
/// lines, its text.
#[derive(Clone, Debug, Default)]
pub struct FileReport {
    /// Shared with its documents and findings.
    pub path: Arc<str>,
    pub documents: Vec<DocumentReport>,
    pub findings: Vec<Finding>,
    pub source: Option<String>,
}

/// How many findings of a file the config and the baseline accepted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Accepted {
    pub suppressed: usize,
    pub baselined: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
pub struct Summary {
    pub files: usize,
    pub documents: usize,
    pub findings: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    #[serde(skip_serializing_if = "is_zero")]
    pub suppressed: usize,
    #[serde(skip_serializing_if = "is_zero")]
    pub baselined: usize,
    #[serde(skip_serializing_if = "is_zero")]
    pub stale_baseline: usize,
    /// Inputs that could not be read (listed apart, as `errors`, in the JSON report).
    #[serde(skip)]
    pub unread: usize,
    /// `--include` globs that matched no file of a walk.
    #[serde(skip)]
    pub unmatched_includes: Vec<String>,
}

/// Counts of what went out, kept instead of the findings themselves.
#[derive(Clone, Debug, Default)]
pub struct Tally {
    pub files: usize,
    pub documents: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub suppressed: usize,
    pub baselined: usize,
    /// The most severe finding reported.
    pub worst: Option<Severity>,
}

impl Tally {
    pub fn file(&mut self, file: &FileReport, accepted: Accepted) {
        self.files += 1;
        self.documents += file.documents.len();
        self.suppressed += accepted.suppressed;
        self.baselined += accepted.baselined;
        for finding in &file.findings {
            match finding.severity {
                Severity::Error => self.errors += 1,
                Severity::Warning => self.warnings += 1,
                Severity::Info => self.infos += 1,
            }
            self.worst = self.worst.max(Some(finding.severity));
        }
    }

    pub fn add(&mut self, other: &Tally) {
        self.files += other.files;
        self.documents += other.documents;
        self.errors += other.errors;
        self.warnings += other.warnings;
        self.infos += other.infos;
        self.suppressed += other.suppressed;
        self.baselined += other.baselined;
        self.worst = self.worst.max(other.worst);
    }
}

/// What a run leaves besides its files.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Paths that could not be read, in input order.
    pub errors: Vec<InputError>,
    pub tally: Tally,
    pub stale_baseline: usize,
    /// The files of the run, in input order.
    pub inputs: Vec<Input>,
    /// Whether the run walked a folder. A run on named files only (a hook passing the changed
    /// files, maybe in several batches) sees part of the tree, so it cannot call a
    /// suppression unused.
    pub walked: bool,
    /// The folders the run walked whole (no `--include` or `--exclude`): a `[[suppress]]`
    /// entry whose files all lie in one of them can be called unused.
    pub folders: Vec<std::path::PathBuf>,
    /// `--include` globs that matched no walked file.
    pub unmatched_includes: Vec<String>,
}

impl Outcome {
    /// The path input `i` is shown with.
    pub fn path_of(&self, i: usize) -> Option<Cow<'_, str>> {
        self.inputs.get(i).map(Input::display)
    }

    pub fn summary(&self) -> Summary {
        let t = &self.tally;
        Summary {
            files: t.files,
            documents: t.documents,
            findings: t.errors + t.warnings + t.infos,
            errors: t.errors,
            warnings: t.warnings,
            infos: t.infos,
            suppressed: t.suppressed,
            baselined: t.baselined,
            stale_baseline: self.stale_baseline,
            unread: self.errors.len(),
            unmatched_includes: self.unmatched_includes.clone(),
        }
    }

    /// 2 when an input could not be read, 1 when a finding reaches the threshold, else 0.
    pub fn exit_code(&self, fail_on: FailOn) -> i32 {
        if !self.errors.is_empty() {
            return 2;
        }
        match fail_on {
            FailOn::Never => 0,
            FailOn::Severity(threshold) => i32::from(self.tally.worst >= Some(threshold)),
        }
    }
}

/// A whole run kept in memory: its files (filtered) and its outcome.
#[derive(Debug, Default)]
pub struct Report {
    /// Files in the order they were given and walked; the config file's entry (L001) last.
    pub files: Vec<FileReport>,
    pub outcome: Outcome,
}

impl Report {
    /// A report of these files, counted as the run counts them; nothing accepted.
    pub fn of_files(files: Vec<FileReport>) -> Report {
        let mut outcome = Outcome::default();
        for file in &files {
            outcome.tally.file(file, Accepted::default());
        }
        Report { files, outcome }
    }

    /// Every finding, sorted by path, line, column and rule.
    pub fn findings(&self) -> Vec<&Finding> {
        let mut all: Vec<&Finding> = self.files.iter().flat_map(|f| &f.findings).collect();
        all.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        all
    }

    pub fn documents(&self) -> impl Iterator<Item = &DocumentReport> {
        self.files.iter().flat_map(|f| &f.documents)
    }

    pub fn sources(&self) -> BTreeMap<&str, &str> {
        self.files
            .iter()
            .filter_map(|f| Some((&*f.path, f.source.as_deref()?)))
            .collect()
    }

    pub fn summary(&self) -> Summary {
        self.outcome.summary()
    }

    pub fn exit_code(&self, fail_on: FailOn) -> i32 {
        self.outcome.exit_code(fail_on)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::Span;

    fn finding(severity: Severity) -> Finding {
        Finding {
            code: crate::code::Code::P016,
            rule: "P016",
            name: "placeholder",
            severity,
            message: String::new(),
            path: "a.json".into(),
            line: 1,
            column: 1,
            end_line: 1,
            end_column: 2,
            help: Cow::Borrowed(""),
            document: 0,
            kind: None,
            pointer: String::new(),
            sid: None,
            snippet: Default::default(),
            labels: Vec::new(),
            span: Span::new(0, 1),
        }
    }

    #[test]
    fn a_report_counts_and_fails_as_a_streamed_run() {
        let file = FileReport {
            path: "a.json".into(),
            findings: vec![finding(Severity::Warning), finding(Severity::Info)],
            ..FileReport::default()
        };
        let report = Report::of_files(vec![file, FileReport::default()]);
        let summary = report.summary();
        assert_eq!((summary.files, summary.findings), (2, 2));
        assert_eq!((summary.warnings, summary.infos, summary.errors), (1, 1, 0));
        assert_eq!(report.exit_code(FailOn::Severity(Severity::Warning)), 1);
        assert_eq!(report.exit_code(FailOn::Severity(Severity::Error)), 0);
        assert_eq!(report.exit_code(FailOn::Never), 0);
    }
}
