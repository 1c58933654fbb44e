//! Byte offsets → 1-based lines and character columns.

#![warn(unreachable_pub)]

use crate::json::Span;
use std::cell::Cell;
use std::sync::Arc;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// Line starts of one text, so each lookup is a binary search rather than a rescan.
pub struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
    /// An all-ASCII text's columns are byte differences.
    ascii: bool,
    /// Otherwise the last column counted, as (line, offset, column): positions are asked for
    /// in order along a line, and a minified policy is one long line, so counting on from
    /// here instead of from the line's start keeps many findings on it from being quadratic.
    counted: Cell<Option<(usize, usize, usize)>>,
    /// The line (0-based) of the last position found: findings are placed in the order of
    /// their offsets, so the next one is most often on it, and is looked for there first.
    last_line: Cell<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        Self::with_line_starts(text, line_starts(text.as_bytes()))
    }

    /// With the line starts a reader found on its way through the text (see
    /// [`crate::json::parse_with_line_starts`]): 0, then after every `\n`.
    pub fn with_line_starts(text: &'a str, starts: Vec<usize>) -> Self {
        LineIndex {
            text,
            starts,
            ascii: text.is_ascii(),
            counted: Cell::new(None),
            last_line: Cell::new(0),
        }
    }

    /// The position of byte `offset`; columns count characters, not bytes.
    pub fn position(&self, offset: usize) -> Position {
        self.position_near(offset, self.last_line.get())
    }

    /// The position of byte `offset`; line `near` (0-based) is looked at first, before all
    /// lines are searched.
    fn position_near(&self, offset: usize, near: usize) -> Position {
        let offset = self.floor_char_boundary(offset.min(self.text.len()));
        let on_line = |line: usize| {
            self.starts.get(line).is_some_and(|&s| s <= offset)
                && self.starts.get(line + 1).is_none_or(|&next| offset < next)
        };
        let line = if on_line(near) {
            near
        } else if on_line(near + 1) {
            near + 1
        } else {
            self.starts.partition_point(|&s| s <= offset) - 1
        };
        self.last_line.set(line);
        let start = self.starts[line];
        let column = if self.ascii {
            offset - start + 1
        } else {
            let (from, column) = match self.counted.get() {
                Some((at_line, at, column)) if at_line == line && at <= offset => (at, column),
                _ => (start, 1),
            };
            let column = column + self.text[from..offset].chars().count();
            self.counted.set(Some((line, offset, column)));
            column
        };
        Position {
            line: line + 1,
            column,
        }
    }

    pub fn range(&self, span: Span) -> (Position, Position) {
        let start = self.position(span.start);
        // A token almost always ends on the line it starts on: in an ASCII text its end's
        // column is then the start's plus the bytes between them, without a second lookup.
        let line = start.line - 1;
        let (from, to) = (
            span.start.min(self.text.len()),
            span.end.min(self.text.len()),
        );
        if self.ascii && from <= to && self.starts.get(line + 1).is_none_or(|&next| to < next) {
            let column = start.column + (to - from);
            return (start, Position { column, ..start });
        }
        (start, self.position_near(span.end, line))
    }

    fn floor_char_boundary(&self, mut offset: usize) -> usize {
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    }
}

/// Where each line starts: 0, then after every `\n` (a vectorized search, sized once).
fn line_starts(bytes: &[u8]) -> Vec<usize> {
    let lines = memchr::memchr_iter(b'\n', bytes).count();
    let mut starts = Vec::with_capacity(lines + 1);
    starts.push(0);
    starts.extend(memchr::memchr_iter(b'\n', bytes).map(|i| i + 1));
    starts
}

/// A host file as placement sees it: its path, and lines, columns and text for its spans.
pub(crate) trait Locate {
    fn path(&self) -> &Arc<str>;
    fn range(&mut self, span: Span) -> (Position, Position);
    fn snippet(&self, span: Span) -> &str;
}

/// A host file whose text is at hand; its line index is built on the first finding.
pub struct Host<'t> {
    path: Arc<str>,
    text: &'t str,
    index: Option<LineIndex<'t>>,
}

impl<'t> Host<'t> {
    pub fn new(path: Arc<str>, text: &'t str) -> Self {
        Host {
            path,
            text,
            index: None,
        }
    }

    /// Where each line of the text starts, as a reader found it, for the line index (not
    /// built yet) to use instead of scanning the text again.
    pub fn know_line_starts(&mut self, starts: Vec<usize>) {
        // Every test run holds the reader's lines to the scan's.
        debug_assert_eq!(starts, line_starts(self.text.as_bytes()));
        if self.index.is_none() {
            self.index = Some(LineIndex::with_line_starts(self.text, starts));
        }
    }

    pub fn index(&mut self) -> &LineIndex<'t> {
        let text = self.text;
        self.index.get_or_insert_with(|| LineIndex::new(text))
    }

    pub fn text(&self) -> &'t str {
        self.text
    }
}

impl Locate for Host<'_> {
    fn path(&self) -> &Arc<str> {
        &self.path
    }

    fn range(&mut self, span: Span) -> (Position, Position) {
        self.index().range(span)
    }

    fn snippet(&self, span: Span) -> &str {
        self.text.get(span.start..span.end).unwrap_or("")
    }
}

/// One place of a host file whose text is gone, kept with its lines and columns: what a
/// finding made after the file was checked (X001 across files) can point at.
#[derive(Clone, Debug, Default)]
pub struct Spot {
    pub path: Arc<str>,
    pub span: Span,
    pub start: Position,
    pub end: Position,
    pub snippet: String,
}

impl Spot {
    /// Records `span` of the host file.
    pub fn of(host: &mut Host, span: Span) -> Self {
        let (start, end) = host.range(span);
        Spot {
            path: host.path.clone(),
            span,
            start,
            end,
            snippet: host.snippet(span).to_string(),
        }
    }
}

impl Locate for Spot {
    fn path(&self) -> &Arc<str> {
        &self.path
    }

    /// The spot's own place: the only span it knows.
    fn range(&mut self, _: Span) -> (Position, Position) {
        (self.start, self.end)
    }

    fn snippet(&self, _: Span) -> &str {
        &self.snippet
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters() {
        let index = LineIndex::new("ab\n\u{e9}x\n");
        assert_eq!(index.position(0), Position { line: 1, column: 1 });
        assert_eq!(index.position(3), Position { line: 2, column: 1 });
        assert_eq!(
            index.position(5),
            Position { line: 2, column: 2 },
            "é is one column"
        );
        assert_eq!(index.position(7), Position { line: 3, column: 1 });
    }

    #[test]
    fn line_starts_follow_every_newline_at_every_position() {
        // Newlines at every position of a word and of the tail, next to bytes one bit away
        // from `\n` and to non-ASCII bytes, which a carry could mistake for one.
        for len in 0..40 {
            for at in 0..len {
                let mut bytes: Vec<u8> = b"\x0b\x0ea\xc3\xa9\x8a\x0a"
                    .iter()
                    .copied()
                    .filter(|&b| b != b'\n')
                    .cycle()
                    .take(len)
                    .collect();
                bytes[at] = b'\n';
                if at + 3 < len {
                    bytes[at + 3] = b'\n';
                }
                let expected: Vec<usize> = std::iter::once(0)
                    .chain((0..len).filter(|&i| bytes[i] == b'\n').map(|i| i + 1))
                    .collect();
                assert_eq!(line_starts(&bytes), expected, "{bytes:?}");
            }
        }
    }

    #[test]
    fn a_range_ends_where_its_end_is_found_afresh() {
        // ASCII (where an end on the start's line is counted from the start) and not.
        for text in [
            "{\n  \"a\": \"\u{fc}x\",\n\n  \"b\": [1,\n 2]\n}",
            "{\n  \"a\": \"ux\",\n\n  \"b\": [1,\n 2]\n}",
            "{\"a\": \"ux\"}",
        ] {
            for start in 0..=text.len() + 2 {
                for end in start.saturating_sub(2)..=text.len() + 2 {
                    let (s, e) = LineIndex::new(text).range(Span::new(start, end));
                    assert_eq!(s, LineIndex::new(text).position(start), "{start}");
                    assert_eq!(e, LineIndex::new(text).position(end), "{start}..{end}");
                }
            }
        }
    }

    #[test]
    fn columns_counted_on_from_the_last_are_those_counted_afresh() {
        let text = "é{\"a\": \"ü\", \"b\": 1}\nxé ü\n";
        let index = LineIndex::new(text);
        let afresh = |offset: usize| {
            let fresh = LineIndex::new(text);
            fresh.position(offset)
        };
        // Forwards, backwards, across lines and into the middle of a character.
        let offsets = [0, 2, 5, 9, 3, 14, 1, 24, 26, 25, 27, 2, text.len()];
        for offset in offsets {
            assert_eq!(index.position(offset), afresh(offset), "offset {offset}");
        }
    }
}
