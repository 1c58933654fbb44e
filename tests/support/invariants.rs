//! What must hold for any input, whatever its bytes: shared by `tests/hostile.rs` and the
//! fuzz target (`fuzz/fuzz_targets/check.rs` includes this file by path).

use iamlint::check::{self, FileReport, Options};
use iamlint::json::Span;
use iamlint::source::{FileFormat, Origin};
use std::path::Path;

/// Runs the whole per-file pipeline on `bytes` as JSON, Markdown, YAML (templates), Terraform
/// HCL and a Terraform JSON template,
/// explicitly named and walked, and checks every finding against the text it points into.
pub fn check_all_ways(bytes: &[u8]) {
    let opts = Options {
        keep_sources: true,
        ..Options::default()
    };
    for format in [
        FileFormat::Json,
        FileFormat::Markdown,
        FileFormat::Yaml,
        FileFormat::Terraform,
        FileFormat::TerraformTemplate,
    ] {
        for origin in [Origin::Explicit, Origin::Walk] {
            let report = check::check_bytes(
                "input",
                Path::new("input"),
                bytes.to_vec(),
                format,
                origin,
                &opts,
            );
            if let Err(problem) = well_placed(&report, bytes) {
                panic!("{format:?}/{origin:?}: {problem}");
            }
        }
    }
}

/// Every span lies inside the text, on character boundaries, with `end >= start`, and the
/// line/column numbers are the ones recomputed here from the span.
pub fn well_placed(report: &FileReport, bytes: &[u8]) -> Result<(), String> {
    // The text the spans point into: the source kept for findings, which is the input
    // itself when it was UTF-8 (lossy text otherwise).
    let lossy = String::from_utf8_lossy(bytes);
    let text = report.source.as_deref().unwrap_or(&lossy);
    // (A fatal encoding problem keeps no text: its finding is then at 0..0.)
    if std::str::from_utf8(bytes).is_ok() && !text.is_empty() && text.as_bytes() != bytes {
        return Err("the kept source differs from the UTF-8 input".into());
    }
    for f in &report.findings {
        let place = |span: Span, line, column, end_line, end_column| -> Result<(), String> {
            if span.end < span.start {
                return Err(format!("{}: span {span:?} ends before it starts", f.rule));
            }
            if span.end > text.len() {
                return Err(format!(
                    "{}: span {span:?} is past the end ({} bytes)",
                    f.rule,
                    text.len()
                ));
            }
            if !text.is_char_boundary(span.start) || !text.is_char_boundary(span.end) {
                return Err(format!("{}: span {span:?} splits a character", f.rule));
            }
            let start = line_column(text, span.start);
            let end = line_column(text, span.end);
            if (line, column, end_line, end_column) != (start.0, start.1, end.0, end.1) {
                return Err(format!(
                    "{}: span {span:?} is at {}:{}-{}:{} but reported as {line}:{column}-{end_line}:{end_column}",
                    f.rule, start.0, start.1, end.0, end.1
                ));
            }
            Ok(())
        };
        place(f.span, f.line, f.column, f.end_line, f.end_column)?;
        if f.snippet != text[f.span.start..f.span.end] {
            return Err(format!("{}: snippet is not the text of the span", f.rule));
        }
        for label in &f.labels {
            place(
                label.span,
                label.line,
                label.column,
                label.end_line,
                label.end_column,
            )?;
        }
    }
    Ok(())
}

/// 1-based line and character column of a byte offset, counted the slow, obvious way.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}
