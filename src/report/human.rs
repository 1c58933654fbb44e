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
            .map(|l| LabeledSpan::new_with_span(Some(l.message.to_string()), span(l.span)));
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
    // Text wraps at spaces only, never inside a `code span` (JSON, an ARN template) nor at a
    // hyphen or slash, and a word longer than the line stays whole.
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_links(false)
        .with_break_words(false)
        .with_word_separator(textwrap::WordSeparator::Custom(words_outside_code))
        .with_word_splitter(textwrap::WordSplitter::NoHyphenation);
    let handler = match style.width {
        Some(width) => handler.with_width(width),
        None => handler.with_wrap_lines(false),
    };
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

/// Splits a line into the words text may wrap between: at spaces outside backticks, so that a
/// code span is one word however many spaces it holds.
fn words_outside_code(line: &str) -> Box<dyn Iterator<Item = textwrap::core::Word<'_>> + '_> {
    let mut words = Vec::new();
    let mut start = 0;
    let mut in_code = false;
    let bytes = line.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        match bytes[at] {
            b'`' => in_code = !in_code,
            b' ' if !in_code => {
                // The word takes the spaces after it, as textwrap expects.
                let mut end = at;
                while end < bytes.len() && bytes[end] == b' ' {
                    end += 1;
                }
                words.push(textwrap::core::Word::from(&line[start..end]));
                start = end;
                at = end;
                continue;
            }
            _ => {}
        }
        at += 1;
    }
    if start < line.len() {
        words.push(textwrap::core::Word::from(&line[start..]));
    }
    Box::new(words.into_iter())
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
    writeln!(out, "{}", super::summary_line(end.summary, style.show))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::Span;

    fn finding(source: &str, token: &str, message: &str, help: &str) -> Finding {
        let start = source.find(token).unwrap();
        Finding {
            code: crate::code::Code::C005,
            rule: "C005",
            name: "arn-matches-no-resource-type",
            severity: Severity::Warning,
            message: message.into(),
            path: "p.json".into(),
            line: 1,
            column: start + 1,
            end_line: 1,
            end_column: start + token.len() + 1,
            help: help.to_string().into(),
            document: 0,
            kind: None,
            pointer: "/Statement/0/Resource".into(),
            sid: None,
            snippet: token.into(),
            labels: Vec::new(),
            span: Span::new(start, start + token.len()),
        }
    }

    fn rendered(finding: &Finding, source: &str, width: Option<usize>) -> String {
        let style = crate::report::Style {
            width,
            ..crate::report::Style::plain()
        };
        String::from_utf8(render(&[finding], source, &style).unwrap()).unwrap()
    }

    const SOURCE: &str = r#"{"Resource": "arn:aws:s3:::reports-bucket/some/object-key"}"#;
    const MESSAGE: &str = "`arn:aws:s3:::reports-bucket/some/object-key` matches no resource type of `s3:GetObject`: expected object `arn:${Partition}:s3:::${BucketName}/${ObjectName}`";
    const HELP: &str = r#"add `"Condition": {"StringLike": {"token.actions.githubusercontent.com:sub": "repo:<org>/<repo>:ref:refs/heads/main"}}` to the statement, and keep the rest as it is"#;

    /// Every code span of `text` must sit whole on one line of `out`.
    fn spans_whole(text: &str, out: &str) {
        for (i, span) in text.split('`').enumerate() {
            if i % 2 == 1 {
                assert!(out.contains(span), "`{span}` split in:\n{out}");
            }
        }
    }

    #[test]
    fn wraps_to_the_width_but_never_inside_a_code_span() {
        let f = finding(SOURCE, "arn:aws:s3", MESSAGE, HELP);
        let out = rendered(&f, SOURCE, Some(60));
        spans_whole(MESSAGE, &out);
        spans_whole(HELP, &out);
        // It did wrap: the same finding takes more lines than on a wide terminal.
        let narrow_lines = out.lines().count();
        let wide = rendered(&f, SOURCE, Some(400));
        assert!(narrow_lines > wide.lines().count(), "{out}\n---\n{wide}");
    }

    #[test]
    fn without_a_width_nothing_wraps() {
        let f = finding(SOURCE, "arn:aws:s3", MESSAGE, HELP);
        let out = rendered(&f, SOURCE, None);
        assert!(out.lines().any(|l| l.ends_with(MESSAGE)), "{out}");
        assert!(out.lines().any(|l| l.ends_with(HELP)), "{out}");
    }

    #[test]
    fn words_break_at_spaces_outside_backticks() {
        let words: Vec<String> = words_outside_code("add `a b`  and c")
            .map(|w| format!("{}|{}", w.word, w.whitespace))
            .collect();
        assert_eq!(words, ["add| ", "`a b`|  ", "and| ", "c|"]);
    }
}
