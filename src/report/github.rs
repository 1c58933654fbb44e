//! `--format github`: GitHub Actions workflow commands, which the runner turns into
//! annotations on the pull request's changed lines:
//! `::error file=…,line=…,endLine=…,col=…,endColumn=…,title=…::message`.

use crate::diagnostic::{normalize_path, Finding, Severity};
use crate::outcome::Report;
use crate::sink::Checked;
use std::io::{self, Write};

pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let style = super::Style {
        quiet: true,
        ..super::Style::plain()
    };
    super::write(report, super::Format::Github, &style, out)
}

pub fn render(findings: &[&Finding]) -> Vec<u8> {
    let mut out = Vec::new();
    for finding in findings {
        out.extend_from_slice(command(finding).as_bytes());
        out.push(b'\n');
    }
    out
}

fn command(f: &Finding) -> String {
    let level = match f.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    };
    let mut properties = vec![
        ("file", normalize_path(&f.path)),
        ("line", f.line.to_string()),
        ("endLine", f.end_line.to_string()),
    ];
    // The runner rejects columns on an annotation that spans several lines.
    if f.line == f.end_line {
        properties.push(("col", f.column.to_string()));
        properties.push(("endColumn", f.end_column.to_string()));
    }
    properties.push(("title", format!("iamlint {} ({})", f.rule, f.name)));
    let properties: Vec<String> = properties
        .iter()
        .map(|(key, value)| format!("{key}={}", escape_property(value)))
        .collect();
    let message = format!("{}\nhelp: {}", f.message, f.help);
    format!(
        "::{level} {}::{}",
        properties.join(","),
        escape_data(&message)
    )
}

/// The runner's escaping for a command's message: `%`, CR and LF.
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A property value also must not contain the `:` and `,` that delimit properties.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

pub(crate) struct Github;

impl super::Emit for Github {
    fn render(
        &self,
        _: &[Checked],
        found: &[&Finding],
        _: &super::Style,
    ) -> io::Result<super::Part> {
        Ok(super::Part::text(render(found)))
    }

    fn finish(
        &self,
        _: &mut dyn Write,
        _: &mut super::Kept,
        _: &super::Style,
        _: &super::End,
    ) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_and_properties_are_escaped() {
        assert_eq!(escape_data("100% a:b,c\r\nd"), "100%25 a:b,c%0D%0Ad");
        assert_eq!(escape_property("100% a:b,c\nd"), "100%25 a%3Ab%2Cc%0Ad");
    }
}
