//! Emitters: one file per output format, all reading the same [`Report`].

pub mod concise;
pub mod human;
pub mod json;

use crate::Report;
use std::io::{self, Write};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Diagnostics with the source underlined (the default).
    Human,
    /// One `path:line:col: severity[CODE] message` line per finding.
    Concise,
    /// Machine-readable findings, documents and summary.
    Json,
}

pub struct Style {
    pub color: bool,
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
