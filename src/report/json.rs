//! `--format json`: findings, the documents with their kind and why, and the summary.

use crate::Report;
use serde::Serialize;
use std::io::{self, Write};

#[derive(Serialize)]
struct Output<'a> {
    findings: Vec<&'a crate::diagnostic::Finding>,
    documents: Vec<&'a crate::check::DocumentReport>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    errors: &'a [crate::InputError],
    summary: crate::Summary,
}

pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let output = Output {
        findings: report.findings(),
        documents: report.documents().collect(),
        errors: &report.errors,
        summary: report.summary(),
    };
    serde_json::to_writer_pretty(&mut *out, &output)?;
    writeln!(out)
}
