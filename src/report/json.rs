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
/// on a new line, every line indented two levels.
fn render(findings: &[&Finding], first: bool) -> io::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(findings.len() * 768);
    for (k, finding) in findings.iter().enumerate() {
        if !(first && k == 0) {
            out.push(b',');
        }
        out.extend_from_slice(b"\n    ");
        write_finding(&mut out, finding);
    }
    Ok(out)
}

/// One finding, byte for byte as `serde_json::to_writer_pretty` writes it with each line
/// indented two more levels (a test holds the two equal). Written by hand because the
/// findings are most of a large report and serde's generic path is most of its cost.
fn write_finding(out: &mut Vec<u8>, f: &Finding) {
    const FIELD: &[u8] = b"\n      ";
    out.push(b'{');
    for (name, value) in [
        ("rule", f.rule),
        ("name", f.name),
        ("severity", f.severity.as_str()),
        ("message", &f.message),
        ("path", &f.path),
    ] {
        string_field(out, FIELD, name, value);
        out.push(b',');
    }
    for (name, value) in [
        ("line", f.line),
        ("column", f.column),
        ("end_line", f.end_line),
        ("end_column", f.end_column),
    ] {
        number_field(out, FIELD, name, value);
        out.push(b',');
    }
    string_field(out, FIELD, "help", &f.help);
    out.push(b',');
    number_field(out, FIELD, "document", f.document);
    out.push(b',');
    if let Some(kind) = f.kind {
        string_field(out, FIELD, "kind", kind.as_str());
        out.push(b',');
    }
    string_field(out, FIELD, "pointer", &f.pointer);
    out.push(b',');
    if let Some(sid) = &f.sid {
        string_field(out, FIELD, "sid", sid);
        out.push(b',');
    }
    string_field(out, FIELD, "snippet", &f.snippet);
    if !f.labels.is_empty() {
        out.push(b',');
        out.extend_from_slice(FIELD);
        out.extend_from_slice(b"\"labels\": [");
        for (i, label) in f.labels.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            const LABEL_FIELD: &[u8] = b"\n          ";
            out.extend_from_slice(b"\n        {");
            string_field(out, LABEL_FIELD, "message", &label.message);
            for (name, value) in [
                ("line", label.line),
                ("column", label.column),
                ("end_line", label.end_line),
                ("end_column", label.end_column),
            ] {
                out.push(b',');
                number_field(out, LABEL_FIELD, name, value);
            }
            out.extend_from_slice(b"\n        }");
        }
        out.extend_from_slice(b"\n      ]");
    }
    out.extend_from_slice(b"\n    }");
}

fn string_field(out: &mut Vec<u8>, indent: &[u8], name: &str, value: &str) {
    out.extend_from_slice(indent);
    write_string(out, name);
    out.extend_from_slice(b": ");
    write_string(out, value);
}

fn number_field(out: &mut Vec<u8>, indent: &[u8], name: &str, value: usize) {
    out.extend_from_slice(indent);
    write_string(out, name);
    out.extend_from_slice(b": ");
    out.extend_from_slice(itoa::Buffer::new().format(value).as_bytes());
}

/// A JSON string as serde_json escapes it: `"`, `\\` and control characters only.
fn write_string(out: &mut Vec<u8>, value: &str) {
    out.push(b'"');
    let bytes = value.as_bytes();
    // Almost every string needs no escape: one pass without early exit, which the compiler
    // turns into vector compares, then one copy.
    let needs_escape = |b: u8| b < 0x20 || b == b'"' || b == b'\\';
    if !bytes.iter().fold(false, |any, &b| any | needs_escape(b)) {
        out.extend_from_slice(bytes);
        out.push(b'"');
        return;
    }
    let mut clean = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escaped: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0c => b"\\f",
            0x00..=0x1f => b"",
            _ => continue,
        };
        out.extend_from_slice(&bytes[clean..i]);
        if escaped.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.extend_from_slice(b"\\u00");
            out.push(HEX[usize::from(b >> 4)]);
            out.push(HEX[usize::from(b & 0xf)]);
        } else {
            out.extend_from_slice(escaped);
        }
        clean = i + 1;
    }
    out.extend_from_slice(&bytes[clean..]);
    out.push(b'"');
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
    fn a_finding_with_every_field_and_every_kind_of_character_matches_serde() {
        let tricky: String = (0u8..0x80)
            .map(char::from)
            .chain("é→😀\u{2028}".chars())
            .collect();
        let finding = Finding {
            rule: "K006",
            name: "cross-account-principal",
            severity: crate::diagnostic::Severity::Info,
            message: tricky.clone(),
            path: "dir/\"quoted\"\\file.json".into(),
            line: 1,
            column: 22,
            end_line: 333,
            end_column: 4444,
            help: tricky.clone().into(),
            document: 7,
            kind: Some(crate::policy::PolicyKind::KmsKey),
            pointer: "/Statement/0/Principal/AWS".into(),
            sid: Some(tricky.clone()),
            snippet: tricky.clone(),
            labels: vec![
                crate::diagnostic::Label {
                    message: tricky.clone(),
                    line: 5,
                    column: 6,
                    end_line: 7,
                    end_column: 8,
                    span: Default::default(),
                },
                crate::diagnostic::Label {
                    message: "second".into(),
                    line: 9,
                    column: 10,
                    end_line: 11,
                    end_column: 12,
                    span: Default::default(),
                },
            ],
            span: Default::default(),
        };
        let mut bare = finding.clone();
        bare.kind = None;
        bare.sid = None;
        bare.labels.clear();
        for finding in [finding, bare] {
            let mut written = Vec::new();
            write_finding(&mut written, &finding);
            let expected = serde_json::to_string_pretty(&finding)
                .unwrap()
                .replace('\n', "\n    ");
            assert_eq!(String::from_utf8(written).unwrap(), expected);
        }
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
