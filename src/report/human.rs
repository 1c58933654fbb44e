//! The default output: each finding drawn by miette with the offending token underlined,
//! then a one-line summary.

use crate::diagnostic::{Finding, Severity};
use crate::sink::Checked;
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan};
use std::fmt;
use std::io::{self, Write};
use std::sync::Arc;

/// One finding as miette sees it: with its source, or without when miette could not draw
/// the line (see [`drawable`]).
struct Shown<'a> {
    finding: &'a Finding,
    source: Option<NamedSource<Arc<str>>>,
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
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.source.as_ref()?;
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

/// Draws each finding with `source`, the text of the file it is in.
pub fn render(findings: &[&Finding], source: &str, style: &super::Style) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    if findings.is_empty() {
        return Ok(out);
    }
    let theme = if style.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_links(false);
    // One copy of the text for all the findings of the file.
    let source: Arc<str> = Arc::from(source);
    let mut rendered = String::new();
    for &finding in findings {
        let quoted = drawable(&source, finding) && short_lines(&source, finding);
        let shown = Shown {
            finding,
            source: quoted.then(|| NamedSource::new(&finding.path, source.clone())),
        };
        rendered.clear();
        handler
            .render_report(&mut rendered, &shown)
            .map_err(io::Error::other)?;
        writeln!(out, "{}", rendered.trim_end())?;
        if !quoted {
            writeln!(
                out,
                "  at {}:{}:{} (its line is too long to quote)",
                finding.path, finding.line, finding.column
            )?;
        }
        writeln!(out)?;
    }
    Ok(out)
}

/// The longest line quoted. A minified policy is one line: quoting it for each of its
/// findings would print the file once per finding (and hold it all until the file is written).
const QUOTED_LINE_BYTES: usize = 4096;

/// Whether every line miette would draw for the finding (its spans' lines and one on either
/// side) is short enough to quote.
fn short_lines(source: &str, finding: &Finding) -> bool {
    let bytes = source.as_bytes();
    std::iter::once(finding.span)
        .chain(finding.labels.iter().map(|l| l.span))
        .all(|span| {
            let start = span.start.min(bytes.len());
            let end = span.end.clamp(start, bytes.len());
            // From the start of the line before the span's first to the end of the line
            // after its last.
            let line_start = |at: usize| memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |n| n + 1);
            let line_end =
                |at: usize| memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |n| at + n);
            let first = line_start(start);
            let from = line_start(first.saturating_sub(1));
            let last = line_end(end);
            let to = line_end((last + 1).min(bytes.len()));
            let mut line = from;
            for newline in memchr::memchr_iter(b'\n', &bytes[from..to]).map(|n| from + n) {
                if newline - line > QUOTED_LINE_BYTES {
                    return false;
                }
                line = newline + 1;
            }
            to - line <= QUOTED_LINE_BYTES
        })
}

/// miette pads an underline to its column with a format width, which must fit in 16 bits:
/// a place further right on its line than that (a minified megabyte) is shown without its
/// source rather than panic.
fn drawable(source: &str, finding: &Finding) -> bool {
    std::iter::once(finding.span)
        .chain(finding.labels.iter().map(|l| l.span))
        .all(|span| {
            let end = span.end.min(source.len());
            let line_start = source
                .get(..end)
                .and_then(|before| before.rfind('\n'))
                .map_or(0, |n| n + 1);
            let Some(prefix) = source.get(line_start..end) else {
                return false;
            };
            // A tab is drawn four columns wide, a wide character (CJK, emoji) two; a
            // character is at most four bytes.
            const WIDEST: usize = u16::MAX as usize - 8;
            if prefix.len() <= WIDEST / 4 {
                return true;
            }
            if prefix.len() / 4 > WIDEST {
                return false;
            }
            let width: usize = prefix
                .chars()
                .map(|c| match c {
                    '\t' => 4,
                    c if c.is_ascii() => 1,
                    _ => 2,
                })
                .sum();
            width <= WIDEST
        })
}

/// The summary line, unless the style is quiet.
pub fn finish(out: &mut dyn Write, style: &super::Style, end: &super::End) -> io::Result<()> {
    if style.quiet {
        return Ok(());
    }
    writeln!(out, "{}", super::summary_line(end.summary))
}

pub(crate) struct Human;

impl super::Emit for Human {
    fn render(
        &self,
        group: &[Checked],
        found: &[&Finding],
        style: &super::Style,
    ) -> io::Result<super::Part> {
        let source = group.iter().rev().find_map(|c| c.file.source.as_deref());
        Ok(super::Part::text(render(
            found,
            source.unwrap_or(""),
            style,
        )?))
    }

    fn finish(
        &self,
        out: &mut dyn Write,
        _: &mut super::Kept,
        style: &super::Style,
        end: &super::End,
    ) -> io::Result<()> {
        finish(out, style, end)
    }
}
