//! The default output: each finding drawn by miette with the offending token underlined,
//! then a one-line summary.

use crate::diagnostic::{Finding, Severity};
use crate::Report;
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan};
use std::fmt;
use std::io::{self, Write};

/// One finding as miette sees it.
struct Shown<'a> {
    finding: &'a Finding,
    source: NamedSource<String>,
}

impl fmt::Debug for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.finding.message)
    }
}

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.finding.message)
    }
}

impl std::error::Error for Shown<'_> {}

fn span(s: crate::json::Span) -> SourceSpan {
    SourceSpan::new(s.start.into(), s.end - s.start)
}

impl miette::Diagnostic for Shown<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(format!(
            "{}[{}]",
            self.finding.rule, self.finding.name
        )))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.finding.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(&self.finding.help))
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let primary = LabeledSpan::new_primary_with_span(
            Some(self.finding.severity.to_string()),
            span(self.finding.span),
        );
        let others = self
            .finding
            .labels
            .iter()
            .map(|l| LabeledSpan::new_with_span(Some(l.message.clone()), span(l.span)));
        Some(Box::new(std::iter::once(primary).chain(others)))
    }
}

pub fn write(report: &Report, style: &super::Style, out: &mut dyn Write) -> io::Result<()> {
    let theme = if style.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_links(false);
    let sources = report.sources();
    for finding in report.findings() {
        let text = sources.get(&*finding.path).copied().unwrap_or("");
        let shown = Shown {
            finding,
            source: NamedSource::new(&finding.path, text.to_string()),
        };
        let mut rendered = String::new();
        handler
            .render_report(&mut rendered, &shown)
            .map_err(io::Error::other)?;
        writeln!(out, "{}", rendered.trim_end())?;
        writeln!(out)?;
    }
    if style.quiet {
        return Ok(());
    }
    writeln!(out, "{}", super::summary_line(report))
}
