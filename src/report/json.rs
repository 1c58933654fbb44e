//! `--format json`: findings, the documents with their kind and why, and the summary.
//!
//! Written exactly as `serde_json::to_writer_pretty` writes the whole object, but the
//! findings, by far its largest part, are rendered in parallel a batch at a time rather
//! than on one core after all the checking is done.

use crate::diagnostic::Finding;
use crate::Report;
use rayon::prelude::*;
use serde::Serialize;
use std::io::{self, Write};

/// Everything after `findings`, in the output's order.
#[derive(Serialize)]
struct Rest<'a> {
    documents: Vec<&'a crate::check::DocumentReport>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    errors: &'a [crate::InputError],
    summary: crate::Summary,
}

/// Findings rendered per batch: enough work to share out, little memory held at once.
const BATCH: usize = 1024;

pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let findings = report.findings();
    out.write_all(b"{\n  \"findings\": [")?;
    for (i, batch) in findings.chunks(BATCH).enumerate() {
        let parts: Vec<Vec<u8>> = batch
            .par_chunks(32)
            .enumerate()
            .map(|(j, run)| render(run, i == 0 && j == 0))
            .collect::<io::Result<_>>()?;
        for part in parts {
            out.write_all(&part)?;
        }
    }
    out.write_all(if findings.is_empty() {
        b"],"
    } else {
        b"\n  ],"
    })?;
    let rest = Rest {
        documents: report.documents().collect(),
        errors: &report.errors,
        summary: report.summary(),
    };
    // Written as its own object without its opening `{`: the members follow `findings`.
    let mut members = WithoutFirstByte {
        out,
        skipped: false,
    };
    serde_json::to_writer_pretty(&mut members, &rest)?;
    writeln!(out)
}

struct WithoutFirstByte<'a> {
    out: &'a mut dyn Write,
    skipped: bool,
}

impl Write for WithoutFirstByte<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.skipped || buf.is_empty() {
            return self.out.write(buf);
        }
        // Skipped only once the rest is accepted: a retried write must skip it again.
        let written = self.out.write(&buf[1..])?;
        self.skipped = true;
        Ok(1 + written)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// Findings as items of the top-level `findings` array: after a comma unless `first`, each
/// on a new line, every line indented two levels (strings hold no raw newlines).
fn render(findings: &[&Finding], first: bool) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut one = Vec::new();
    for (k, finding) in findings.iter().enumerate() {
        if !(first && k == 0) {
            out.push(b',');
        }
        out.extend_from_slice(b"\n    ");
        one.clear();
        serde_json::to_writer_pretty(&mut one, finding)?;
        for &b in &one {
            out.push(b);
            if b == b'\n' {
                out.extend_from_slice(b"    ");
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{check_bytes, Options};
    use crate::source::{FileFormat, Origin};

    /// The whole object as one `to_writer_pretty` call writes it: what `write` must match.
    #[derive(Serialize)]
    struct Whole<'a> {
        findings: Vec<&'a Finding>,
        documents: Vec<&'a crate::check::DocumentReport>,
        #[serde(skip_serializing_if = "<[_]>::is_empty")]
        errors: &'a [crate::InputError],
        summary: crate::Summary,
    }

    fn report_of(policy: &str) -> Report {
        let file = check_bytes(
            "p.json",
            std::path::Path::new("p.json"),
            policy.as_bytes().to_vec(),
            FileFormat::Json,
            Origin::Explicit,
            &Options::default(),
        );
        Report {
            files: vec![file],
            ..Report::default()
        }
    }

    fn both(report: &Report) -> (String, String) {
        let mut written = Vec::new();
        write(report, &mut written).unwrap();
        let whole = Whole {
            findings: report.findings(),
            documents: report.documents().collect(),
            errors: &report.errors,
            summary: report.summary(),
        };
        let mut expected = serde_json::to_string_pretty(&whole).unwrap();
        expected.push('\n');
        (String::from_utf8(written).unwrap(), expected)
    }

    #[test]
    fn output_is_what_one_pretty_print_of_the_whole_report_writes() {
        // More findings than one batch, with labels and escapes in their strings.
        let resources: Vec<String> = (0..BATCH + 300)
            .map(|i| format!("\"arn:aws:s3:::YOUR_BUCKET_{i}/\\\"x\\\"\""))
            .collect();
        let policy = format!(
            "{{\"Version\": \"2012-10-17\", \"Statement\": [{{\"Effect\": \"Allow\", \"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": [{}]}}]}}",
            resources.join(", ")
        );
        let report = report_of(&policy);
        assert!(report.summary().findings > BATCH);
        let (written, expected) = both(&report);
        assert_eq!(written, expected);
    }

    #[test]
    fn a_report_without_findings_matches_too() {
        let mut report = report_of("{\"Version\": \"2012-10-17\", \"Statement\": []}");
        for file in &mut report.files {
            file.findings.clear();
        }
        let (written, expected) = both(&report);
        assert_eq!(written, expected);
        let (written, expected) = both(&Report::default());
        assert_eq!(written, expected);
    }
}
