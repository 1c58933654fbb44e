//! Emitters: one file per output format, all reading the same [`Report`].

pub mod concise;
pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod sarif;
pub mod statistics;

use crate::Report;
use std::io::{self, Write};
use std::path::Path;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Diagnostics with the source underlined (the default).
    Human,
    /// One `path:line:col: severity[CODE] message` line per finding.
    Concise,
    /// Machine-readable findings, documents and summary.
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// GitHub Actions workflow commands: annotations on the pull request.
    Github,
    /// JUnit XML: one test case per policy document, for GitLab, Jenkins and others.
    Junit,
}

pub struct Style {
    pub color: bool,
    /// Findings only: no summary line.
    pub quiet: bool,
}

pub fn write(
    report: &Report,
    format: Format,
    style: &Style,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Human => human::write(report, style, out),
        Format::Concise => concise::write(report, out),
        Format::Json => json::write(report, out),
        Format::Sarif => sarif::write(report, out),
        Format::Github => github::write(report, out),
        Format::Junit => junit::write(report, out),
    }
}

/// "1 error, 2 warnings": counts with their nouns, skipping zeros.
pub fn counts(summary: &crate::Summary) -> String {
    let mut parts = Vec::new();
    for (n, one, many) in [
        (summary.errors, "error", "errors"),
        (summary.warnings, "warning", "warnings"),
        (summary.infos, "info", "infos"),
    ] {
        if n > 0 {
            parts.push(format!("{n} {}", if n == 1 { one } else { many }));
        }
    }
    parts.join(", ")
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The one-line summary: what was found, in how much, and what the config and the
/// baseline accepted (shown only when they accepted something).
pub fn summary_line(report: &Report) -> String {
    let summary = report.summary();
    let files = plural(summary.files, "file", "files");
    let documents = plural(summary.documents, "policy", "policies");
    let mut line = if summary.findings == 0 {
        format!("No problems found in {documents} ({files}).")
    } else {
        format!(
            "Found {} ({}) in {documents} ({files}).",
            plural(summary.findings, "problem", "problems"),
            counts(&summary)
        )
    };
    let mut accepted = Vec::new();
    if summary.suppressed > 0 {
        accepted.push(format!("{} suppressed by the config", summary.suppressed));
    }
    if summary.baselined > 0 {
        accepted.push(format!("{} in the baseline", summary.baselined));
    }
    if !accepted.is_empty() {
        line.push_str(&format!(" Not shown: {}.", accepted.join(", ")));
    }
    if summary.stale_baseline > 0 {
        let (entries, verb) = if summary.stale_baseline == 1 {
            ("entry", "occurs")
        } else {
            ("entries", "occur")
        };
        line.push_str(&format!(
            " {} baseline {entries} no longer {verb}; rewrite the baseline to tighten it.",
            summary.stale_baseline
        ));
    }
    line
}

/// Writes `bytes` to `path` so that readers see the old file or the new one, never half of
/// one: a temporary file in the same folder, then a rename over the target.
pub fn save(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::other("the output path names no file"))?;
    let temp = folder.join(format!(
        ".{}.{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    let written = std::fs::File::create(&temp).and_then(|mut file| {
        file.write_all(bytes)?;
        file.sync_all()
    });
    let renamed = written.and_then(|()| std::fs::rename(&temp, path));
    if renamed.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    renamed
}
