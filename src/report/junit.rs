//! `--format junit`: JUnit XML as GitLab, Jenkins and most CI servers read it. Each file is a
//! test suite and each policy document a test case (a file without documents is one test
//! case). A case fails only on findings at or above the run's fail threshold (`--fail-on`),
//! so that a run that exits 0 has no failures; its other findings go to its `system-out`.

use crate::config::FailOn;
use crate::diagnostic::Finding;
use crate::outcome::FileReport;
use crate::outcome::Report;
use crate::sink::Checked;
use std::io::{self, Write};

/// One test case: a document of a file, or the whole file.
struct Case<'a> {
    name: String,
    findings: Vec<&'a Finding>,
}

pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let style = super::Style::plain();
    super::write(report, super::Format::Junit, &style, out)
}

/// One file's test suite, rendered, kept until the end: the XML opens with the totals.
#[derive(Clone, Debug)]
pub struct Suite {
    /// The file's place in the input order, which is the suites' order.
    pub input: usize,
    tests: usize,
    failures: usize,
    text: Vec<u8>,
}

impl Suite {
    pub fn new(input: usize, file: &FileReport, style: &super::Style) -> Self {
        let mut cases = cases(file);
        for case in &mut cases {
            case.findings.retain(|f| f.severity >= style.show);
        }
        let fails = |f: &&Finding| match style.fail_on {
            FailOn::Severity(threshold) => f.severity >= threshold,
            FailOn::Never => false,
        };
        let failures = cases
            .iter()
            .filter(|c| c.findings.iter().any(fails))
            .count();
        let mut text = Vec::new();
        // Writing to a Vec cannot fail.
        let _ = write_suite(&mut text, file, &cases, failures, &fails);
        text.shrink_to_fit();
        Suite {
            input,
            tests: cases.len(),
            failures,
            text,
        }
    }
}

fn write_suite(
    out: &mut dyn Write,
    file: &FileReport,
    cases: &[Case],
    failed: usize,
    fails: &dyn Fn(&&Finding) -> bool,
) -> io::Result<()> {
    writeln!(
        out,
        r#"  <testsuite name="{}" tests="{}" failures="{failed}" errors="0">"#,
        escape(&file.path),
        cases.len()
    )?;
    for case in cases {
        write_case(out, &file.path, case, fails)?;
    }
    writeln!(out, "  </testsuite>")
}

/// Writes the whole document; `suites` are in input order.
pub fn finish(out: &mut dyn Write, suites: &[Suite]) -> io::Result<()> {
    let tests: usize = suites.iter().map(|s| s.tests).sum();
    let failures: usize = suites.iter().map(|s| s.failures).sum();
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="iamlint" tests="{tests}" failures="{failures}" errors="0">"#
    )?;
    for suite in suites {
        out.write_all(&suite.text)?;
    }
    writeln!(out, "</testsuites>")
}

fn cases(file: &FileReport) -> Vec<Case<'_>> {
    if file.documents.is_empty() {
        return vec![Case {
            name: file.path.to_string(),
            findings: file.findings.iter().collect(),
        }];
    }
    // Documents that were checked, plus any that only raised findings (a fence that is not
    // valid JSON has no policy, but its J001 belongs to it).
    let mut indexes: Vec<usize> = file
        .documents
        .iter()
        .map(|d| d.document)
        .chain(file.findings.iter().map(|f| f.document))
        .collect();
    indexes.sort_unstable();
    indexes.dedup();
    indexes
        .into_iter()
        .map(|index| {
            let name = match file.documents.iter().find(|d| d.document == index) {
                Some(d) => format!("document {} ({}, line {})", index + 1, d.kind, d.line),
                None => format!("document {}", index + 1),
            };
            Case {
                name,
                findings: file
                    .findings
                    .iter()
                    .filter(|f| f.document == index)
                    .collect(),
            }
        })
        .collect()
}

fn write_case(
    out: &mut dyn Write,
    path: &str,
    case: &Case,
    fails: &dyn Fn(&&Finding) -> bool,
) -> io::Result<()> {
    let open = format!(
        r#"    <testcase classname="{}" name="{}" file="{}""#,
        escape(path),
        escape(&case.name),
        escape(path)
    );
    if case.findings.is_empty() {
        return writeln!(out, "{open} />");
    }
    writeln!(out, "{open}>")?;
    let line = |f: &Finding| {
        format!(
            "{}:{}:{}: {}[{}] {}\nhelp: {}",
            f.path, f.line, f.column, f.severity, f.rule, f.message, f.help
        )
    };
    let failing: Vec<&Finding> = case.findings.iter().copied().filter(fails).collect();
    // The message quotes the most severe failing finding, the first of them in the file.
    let worst = failing.iter().map(|f| f.severity).max();
    if let (Some(worst), Some(first)) = (worst, failing.iter().find(|f| Some(f.severity) == worst))
    {
        let quoted = format!("{}[{}] {}", first.severity, first.rule, first.message);
        let message = if failing.len() == 1 {
            quoted
        } else {
            format!("{} problems, the most severe: {quoted}", failing.len())
        };
        let body: Vec<String> = failing.iter().map(|f| line(f)).collect();
        writeln!(
            out,
            r#"      <failure message="{}" type="{worst}">{}</failure>"#,
            escape(&message),
            escape(&body.join("\n"))
        )?;
    }
    let passing: Vec<String> = case
        .findings
        .iter()
        .filter(|f| !fails(f))
        .map(|f| line(f))
        .collect();
    if !passing.is_empty() {
        writeln!(
            out,
            "      <system-out>{}</system-out>",
            escape(&passing.join("\n"))
        )?;
    }
    writeln!(out, "    </testcase>")
}

/// XML escaping; characters XML 1.0 cannot hold at all become U+FFFD.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

pub(crate) struct Junit;

impl super::Emit for Junit {
    fn render(
        &self,
        group: &[Checked],
        _: &[&Finding],
        style: &super::Style,
    ) -> io::Result<super::Part> {
        Ok(super::Part::kept(super::Kept {
            suites: group
                .iter()
                .map(|c| Suite::new(c.input, &c.file, style))
                .collect(),
            ..super::Kept::default()
        }))
    }

    fn finish(
        &self,
        out: &mut dyn Write,
        kept: &mut super::Kept,
        _: &super::Style,
        _: &super::End,
    ) -> io::Result<()> {
        kept.suites.sort_by_key(|s| s.input);
        finish(out, &kept.suites)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_markup_and_control_characters() {
        assert_eq!(
            super::escape("a<b>&\"c'\u{1}"),
            "a&lt;b&gt;&amp;&quot;c&apos;\u{FFFD}"
        );
    }
}
