//! iamlint: a static analyzer for AWS IAM policy documents and KMS key policies.
//!
//! The library runs the same pipeline as the CLI: [`stream::run`] hands each checked file to
//! a sink in the report's order (the CLI's emitters write it out and drop it); [`run`]
//! collects them into a whole [`Report`]; [`check::check_bytes`] checks one file's bytes.

pub mod catalog;
pub mod check;
pub mod config;
pub mod diagnostic;
pub mod evaluate;
pub mod expand;
pub mod filter;
pub mod json;
pub mod location;
pub mod pattern;
pub mod policy;
pub mod relate;
pub mod report;
pub mod rules;
pub mod source;
pub mod spool;
pub mod stream;
pub mod suggest;

use check::{DocumentReport, FileReport, Options};
use config::FailOn;
use diagnostic::{Finding, Severity};
use serde::Serialize;
use source::{read, Input, Origin};
use std::collections::BTreeMap;

/// A path that could not be read, with why: reported on stderr, exit code 2.
#[derive(Clone, Debug, Serialize)]
pub struct InputError {
    pub path: String,
    pub message: String,
}

#[derive(Debug, Default)]
pub struct Report {
    /// Files in the order they were given and walked.
    pub files: Vec<FileReport>,
    pub errors: Vec<InputError>,
    /// Findings accepted by a `[[suppress]]` entry of the config.
    pub suppressed: usize,
    /// Findings already recorded in the baseline.
    pub baselined: usize,
    /// Baseline entries that no longer occur: the baseline can be tightened.
    pub stale_baseline: usize,
    /// Whether the run walked a folder. A run on named files only (a hook passing the changed
    /// files, maybe in several batches) sees part of the tree, so it cannot call a
    /// suppression unused.
    pub walked: bool,
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
}

impl Report {
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
        let mut summary = Summary {
            files: self.files.len(),
            documents: self.documents().count(),
            suppressed: self.suppressed,
            baselined: self.baselined,
            stale_baseline: self.stale_baseline,
            ..Summary::default()
        };
        for finding in self.files.iter().flat_map(|f| &f.findings) {
            summary.findings += 1;
            match finding.severity {
                Severity::Error => summary.errors += 1,
                Severity::Warning => summary.warnings += 1,
                Severity::Info => summary.infos += 1,
            }
        }
        summary
    }

    /// 2 when an input could not be read, 1 when a finding reaches the threshold, else 0.
    pub fn exit_code(&self, fail_on: FailOn) -> i32 {
        if !self.errors.is_empty() {
            return 2;
        }
        let failing = match fail_on {
            FailOn::Never => false,
            FailOn::Severity(threshold) => self
                .files
                .iter()
                .flat_map(|f| &f.findings)
                .any(|f| f.severity >= threshold),
        };
        i32::from(failing)
    }
}

/// Where the paths come from and which to keep.
pub struct Selection<'a> {
    pub paths: &'a [std::path::PathBuf],
    pub include: &'a [String],
    pub exclude: &'a [String],
}

/// Discovers, reads and checks every file, in parallel, and keeps them all (unfiltered: see
/// [`filter::apply`]); the report's order does not depend on the number of threads. This is
/// [`stream::run`] with a sink that keeps every file.
pub fn run(selection: &Selection, opts: &Options) -> Result<Report, String> {
    let mut collect = stream::Collect::default();
    let outcome = stream::run(selection, opts, None, &mut collect).map_err(|e| e.to_string())?;
    let mut files = collect.files;
    files.sort_by_key(|c| c.input);
    Ok(Report {
        files: files.into_iter().map(|c| c.file).collect(),
        errors: outcome.errors,
        walked: selection.paths.iter().any(|p| p.is_dir()),
        ..Report::default()
    })
}

pub(crate) fn check_input(input: &Input, opts: &Options) -> Result<FileReport, InputError> {
    let error = |message: String| InputError {
        path: input.display().into_owned(),
        message,
    };
    let (bytes, format) = match input.origin {
        Origin::Stdin => {
            let bytes = read::stdin().map_err(error)?;
            let format = match &bytes {
                Ok(b) => source::sniff_format(&String::from_utf8_lossy(&b[..b.len().min(4096)])),
                Err(_) => source::FileFormat::Json,
            };
            (bytes, format)
        }
        Origin::Walk => (
            read::read_walked_file(&input.path).map_err(error)?,
            source::format_of(&input.path),
        ),
        Origin::Explicit => (
            read::read_file(&input.path).map_err(error)?,
            source::format_of(&input.path),
        ),
    };
    let text = match bytes {
        Ok(bytes) => read::decode(bytes),
        Err(size) => read::too_large(size),
    };
    let origin = match input.origin {
        Origin::Explicit if opts.policies_only => Origin::Walk,
        origin => origin,
    };
    Ok(check::check_text(
        &input.display(),
        &input.path,
        text,
        format,
        origin,
        opts,
    ))
}
