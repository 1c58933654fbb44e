//! Byte offsets → 1-based lines and character columns.

use crate::json::Span;
use std::cell::Cell;

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
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        // Built for every file that has a policy: a vectorized search, sized once.
        let lines = memchr::memchr_iter(b'\n', text.as_bytes()).count();
        let mut starts = Vec::with_capacity(lines + 1);
        starts.push(0);
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex {
            text,
            starts,
            ascii: text.is_ascii(),
            counted: Cell::new(None),
        }
    }

    /// The position of byte `offset`; columns count characters, not bytes.
    pub fn position(&self, offset: usize) -> Position {
        let offset = self.floor_char_boundary(offset.min(self.text.len()));
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
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
        (self.position(span.start), self.position(span.end))
    }

    fn floor_char_boundary(&self, mut offset: usize) -> usize {
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
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
