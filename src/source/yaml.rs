//! YAML text → the same value tree as JSON ([`json::Node`]), with every span in the host
//! file's bytes, so that the template readers and the rules see one shape for both.
//!
//! The parser is `saphyr-parser`'s event API, chosen over the alternatives because it is
//! YAML 1.2 (`Version: 2012-10-17` stays a string, `on`/`yes` stay strings), gives every
//! event a position, keeps tags as written (`!Sub`, `!GetAtt`, and unknown ones such as
//! `!Rain::Embed` are accepted, not errors), and does not build a tree of its own that we
//! would then copy: we build the `json::Node` tree directly from its events. (serde_yaml is
//! archived and YAML 1.1; yaml-rust2 loses positions in its tree.) `bench/floor` measures
//! this parser alone; see the README's Performance section.
//!
//! Choices a linter needs, not a loader:
//! - a tagged node becomes a one-member object keyed by its tag as written (`!Sub x` →
//!   `{"!Sub": x}`), whose member key spans the tag: the template reader gives tags their
//!   meaning, this module keeps them;
//! - duplicate keys are kept in order, as the JSON parser keeps them (J002 reports them);
//! - aliases are copied, within a budget (an "alias bomb" becomes an error at the alias,
//!   not an exhausted memory), and nesting is bounded like JSON's ([`json::MAX_DEPTH`]);
//! - plain scalars are typed by YAML 1.2's core schema (`true`, `null`, numbers), quoted
//!   ones are strings; a plain scalar's span is exactly its value, a quoted one's includes
//!   its quotes.

use crate::json::{Member, Node, Span, Value, MAX_DEPTH};
use saphyr_parser::{Event, Parser, ScalarStyle};
use std::borrow::Cow;

/// How many values aliases may copy in one file: far more than any template's anchors
/// (CloudFormation has no use for them beyond a few shared blocks), and about 100 MB of
/// tree at most.
pub const ALIAS_BUDGET: usize = 1_000_000;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YamlError {
    pub message: String,
    pub span: Span,
}

/// The first document of a YAML stream (an empty stream is `null`).
pub fn parse(text: &str) -> Result<Node<'_>, YamlError> {
    match Builder::new(text).run() {
        Err(err) if is_indentation(&err) => lenient(text, err),
        done => done,
    }
}

/// The indentation errors CloudFormation's own parser lets pass: a closing bracket, or the
/// next line of a quoted string, indented no deeper than its key (AWS's sample templates
/// have both).
fn is_indentation(err: &YamlError) -> bool {
    err.message.contains("invalid indentation")
}

/// At most this many lines are indented further to read a template as CloudFormation does.
const MAX_REPAIRS: usize = 64;

/// Reads a text with the lines that YAML 1.2 finds under-indented indented further (a copy:
/// the file is never changed), and maps the tree's spans back to the text as written.
fn lenient(text: &str, first: YamlError) -> Result<Node<'_>, YamlError> {
    // (line start in `text`, spaces added there), in text order.
    let mut added: Vec<(usize, usize)> = Vec::new();
    let mut err = first;
    let indent = |at: usize| text[at..].len() - text[at..].trim_start_matches(' ').len();
    let line_of = |at: usize| text[..at.min(text.len())].rfind('\n').map_or(0, |i| i + 1);
    // Each repair reads the whole text again: a large file gets fewer.
    let repairs = MAX_REPAIRS.min((64 << 20) / text.len().max(1)).max(1);
    for _ in 0..repairs {
        let at = err.span.start.min(text.len());
        // A quoted string is reported at its opening quote: its next lines are the ones to
        // indent, deeper than the line it starts on. A bracket is reported on its own line,
        // to be indented deeper than the line before it.
        let lines: Vec<(usize, usize)> = if err.message.contains("quoted scalar") {
            let close = closing_quote(text, at);
            let deeper = indent(line_of(at)) + 1;
            let mut starts = Vec::new();
            let mut from = at;
            while let Some(i) = text[from..close].find('\n') {
                from += i + 1;
                starts.push((from, deeper));
            }
            starts
        } else {
            let line = line_of(at);
            let previous = text[..line.saturating_sub(1)]
                .lines()
                .rev()
                .find(|l| !l.trim().is_empty())
                .map_or(0, |l| l.len() - l.trim_start_matches(' ').len());
            vec![(line, previous + 1)]
        };
        let mut changed = false;
        for (line, want) in lines {
            let have = indent(line) + added.iter().find(|(a, _)| *a == line).map_or(0, |a| a.1);
            let more = want.saturating_sub(have);
            if more == 0 {
                continue;
            }
            changed = true;
            match added.iter_mut().find(|(a, _)| *a == line) {
                Some(entry) => entry.1 += more,
                None => added.push((line, more)),
            }
        }
        if !changed {
            return Err(err);
        }
        added.sort_unstable();
        let repaired = with_spaces(text, &added);
        let to_host = |at: usize| host_offset(at, &added);
        match Builder::new(&repaired).run() {
            Ok(tree) => {
                let place = |span: Span| Span::new(to_host(span.start), to_host(span.end));
                return Ok(super::embedded::into_host(&tree, text, &place));
            }
            Err(next) if is_indentation(&next) => {
                err = YamlError {
                    message: next.message,
                    span: Span::new(to_host(next.span.start), to_host(next.span.end)),
                };
            }
            Err(next) => {
                return Err(YamlError {
                    message: next.message,
                    span: Span::new(to_host(next.span.start), to_host(next.span.end)),
                })
            }
        }
    }
    Err(err)
}

/// The end of the quoted string opening at `at` (`'…'` with `''` inside, `"…"` with
/// backslash escapes), or the end of the text.
fn closing_quote(text: &str, at: usize) -> usize {
    let bytes = text.as_bytes();
    let Some(&quote) = bytes.get(at) else {
        return text.len();
    };
    let mut i = at + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if quote == b'"' => i += 1,
            b'\'' if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') => i += 1,
            b if b == quote => return i,
            _ => {}
        }
        i += 1;
    }
    text.len()
}

fn with_spaces(text: &str, added: &[(usize, usize)]) -> String {
    let mut out = String::with_capacity(text.len() + added.iter().map(|a| a.1).sum::<usize>());
    let mut from = 0;
    for &(at, n) in added {
        out.push_str(&text[from..at]);
        out.extend(std::iter::repeat_n(' ', n));
        from = at;
    }
    out.push_str(&text[from..]);
    out
}

/// An offset in the repaired text as an offset in the text as written (added spaces map to
/// the start of their line).
fn host_offset(at: usize, added: &[(usize, usize)]) -> usize {
    let mut shift = 0;
    for &(line, n) in added {
        if at < line + shift {
            break;
        }
        if at < line + shift + n {
            return line;
        }
        shift += n;
    }
    at - shift
}

/// A collection's tag as written (`!Sub`) and its span.
type Tag<'a> = Option<(Cow<'a, str>, Span)>;

/// Where a node being built stands: where its items or members so far begin on the
/// builder's stacks.
enum Frame<'a> {
    Sequence {
        start: usize,
        anchor: usize,
        tag: Tag<'a>,
        items_from: usize,
    },
    Mapping {
        start: usize,
        anchor: usize,
        tag: Tag<'a>,
        members_from: usize,
        key: Option<(Cow<'a, str>, Span)>,
    },
}

struct Builder<'a> {
    text: &'a str,
    positions: Positions<'a>,
    stack: Vec<Frame<'a>>,
    /// The items and members of the collections being built, innermost last: each
    /// collection is moved out into a vector of its exact size when it closes, rather than
    /// grown by doubling (as the JSON parser does).
    items: Vec<Node<'a>>,
    members: Vec<Member<'a>>,
    anchors: rustc_hash::FxHashMap<usize, (Node<'a>, usize)>,
    /// Values copied for aliases so far; past [`ALIAS_BUDGET`] the input is refused. (Values
    /// written out are bounded by the file's size; copies are not.)
    made: usize,
    root: Option<Node<'a>>,
}

impl<'a> Builder<'a> {
    fn new(text: &'a str) -> Self {
        Builder {
            text,
            positions: Positions::new(text),
            stack: Vec::new(),
            items: Vec::new(),
            members: Vec::new(),
            anchors: Default::default(),
            made: 0,
            root: None,
        }
    }

    fn run(mut self) -> Result<Node<'a>, YamlError> {
        let mut parser = Parser::new_from_str(self.text);
        loop {
            let (event, span) = match parser.next_event() {
                None => break,
                Some(Ok(next)) => next,
                Some(Err(err)) => {
                    let mut at = self.positions.byte(err.marker().index());
                    // The scanner stops past the tab it complains about: point at the tab.
                    if err.info().contains("tab") && self.text[..at].ends_with('\t') {
                        at -= 1;
                    }
                    return Err(YamlError {
                        message: format!("invalid YAML: {}", err.info()),
                        span: self.char_span(at),
                    });
                }
            };
            let start = self.positions.byte(span.start.index());
            let end = self.positions.byte(span.end.index());
            match event {
                Event::StreamEnd => break,
                Event::DocumentEnd if self.root.is_some() => break,
                Event::Scalar(value, style, anchor, tag) => {
                    let node = self.scalar(value, style, tag.as_deref(), start, end)?;
                    self.finish(node, anchor)?;
                }
                Event::SequenceStart(anchor, tag) => {
                    let (start, tag) = self.open(start, tag.as_deref())?;
                    self.stack.push(Frame::Sequence {
                        start,
                        anchor,
                        tag,
                        items_from: self.items.len(),
                    });
                }
                Event::MappingStart(anchor, tag) => {
                    let (start, tag) = self.open(start, tag.as_deref())?;
                    self.stack.push(Frame::Mapping {
                        start,
                        anchor,
                        tag,
                        members_from: self.members.len(),
                        key: None,
                    });
                }
                Event::SequenceEnd | Event::MappingEnd => self.close(end)?,
                Event::Alias(id) => {
                    let Some((node, size)) = self.anchors.get(&id) else {
                        return Err(YamlError {
                            message: "invalid YAML: alias to an unknown anchor".into(),
                            span: Span::new(start, end),
                        });
                    };
                    if self.made + size > ALIAS_BUDGET {
                        return Err(YamlError {
                            message: format!(
                                "YAML aliases expand to more than {} values; refused as an alias bomb",
                                ALIAS_BUDGET
                            ),
                            span: Span::new(start, end),
                        });
                    }
                    self.made += size;
                    let mut copy = node.clone();
                    // The copy stands where the alias is written.
                    copy.span = Span::new(start, end);
                    self.attach(copy)?;
                }
                _ => {}
            }
        }
        Ok(self.root.unwrap_or(Node {
            value: Value::Null,
            span: Span::new(0, 0),
        }))
    }

    fn char_span(&self, at: usize) -> Span {
        let len = self.text[at..].chars().next().map_or(0, char::len_utf8);
        Span::new(at, at + len)
    }

    /// The span of a tag written at `start`: `!` up to the first blank.
    fn tag_span(&self, start: usize) -> Span {
        let rest = &self.text[start..];
        let len = rest
            .find(|c: char| c.is_whitespace() || c == '[' || c == '{')
            .unwrap_or(rest.len());
        Span::new(start, start + len)
    }

    /// A collection opens at `at`: where its content starts, and its tag with the tag's span.
    fn open(
        &mut self,
        at: usize,
        tag: Option<&saphyr_parser::Tag>,
    ) -> Result<(usize, Tag<'a>), YamlError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(YamlError {
                message: format!("nesting is deeper than {MAX_DEPTH} levels"),
                span: self.char_span(at),
            });
        }
        let content = content_start(self.text, at);
        let tag_at = start_of_tag(self.text, content);
        Ok((
            content,
            tag.map(|t| {
                let span = self.tag_span(tag_at);
                (self.tag_name(t, span), span)
            }),
        ))
    }

    /// `!Sub` for the local tag `!Sub`, borrowed from the text where it is written as is;
    /// `!<verbatim>` tags keep their text.
    fn tag_name(&self, tag: &saphyr_parser::Tag, span: Span) -> Cow<'a, str> {
        let written = &self.text[span.start..span.end];
        let (handle, suffix) = (tag.handle.as_str(), tag.suffix.as_str());
        if written.len() == handle.len() + suffix.len()
            && written.starts_with(handle)
            && written.ends_with(suffix)
        {
            Cow::Borrowed(written)
        } else {
            Cow::Owned(format!("{handle}{suffix}"))
        }
    }

    fn scalar(
        &mut self,
        value: Cow<'a, str>,
        style: ScalarStyle,
        tag: Option<&saphyr_parser::Tag>,
        start: usize,
        end: usize,
    ) -> Result<Node<'a>, YamlError> {
        let text = self.text;
        // An empty scalar after a tag (`!GetAZs ]`) ends where its tag does.
        let start = content_start(text, start).min(end);
        // Block scalars' events run over the blank lines after them, quoted ones over a
        // comment after them: a quoted scalar ends at its closing quote.
        let end = match style {
            ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => {
                (closing_quote(text, start) + 1).min(end)
            }
            _ => end,
        };
        // A block scalar's value is its content lines: its span starts at the content, after
        // the `|` or `>` line (so a one-line `!Sub |-` value spans exactly its text).
        let start = match style {
            ScalarStyle::Literal | ScalarStyle::Folded
                if text[start..end].starts_with(['|', '>']) =>
            {
                match text[start..end].find('\n') {
                    Some(i) => {
                        let content = start + i + 1;
                        content + (text[content..end].len() - text[content..end].trim_start().len())
                    }
                    None => start,
                }
            }
            _ => start,
        };
        let end = start.max(start + text[start..end].trim_end().len());
        let span = Span::new(start, end);
        let core = tag.filter(|t| t.handle == "!!").map(|t| t.suffix.as_str());
        let value = match (style, core) {
            (ScalarStyle::Plain, None) => plain(value, &text[start..end]),
            (_, Some("int" | "float")) => match &value {
                Cow::Borrowed(v) => Value::Number(v),
                Cow::Owned(_) => Value::Number(&text[start..end]),
            },
            (_, Some("bool")) => Value::Bool(value == "true"),
            (_, Some("null")) => Value::Null,
            _ => Value::String(as_written(value, &text[start..end], style)),
        };
        let node = Node { value, span };
        match tag {
            Some(tag) if tag.handle != "!!" => {
                let tag_span = self.tag_span(start_of_tag(text, start));
                Ok(tagged(self.tag_name(tag, tag_span), tag_span, node))
            }
            _ => Ok(node),
        }
    }

    /// A scalar or an alias's copy is done: it goes where the frame on top expects it.
    fn finish(&mut self, node: Node<'a>, anchor: usize) -> Result<(), YamlError> {
        if anchor != 0 {
            let size = size_of(&node);
            self.anchors.insert(anchor, (node.clone(), size));
        }
        self.attach(node)
    }

    fn attach(&mut self, node: Node<'a>) -> Result<(), YamlError> {
        match self.stack.last_mut() {
            None => {
                if self.root.is_none() {
                    self.root = Some(node);
                }
            }
            Some(Frame::Sequence { .. }) => self.items.push(node),
            Some(Frame::Mapping { key, .. }) => match key.take() {
                None => {
                    let name = match node.value {
                        Value::String(s) => s,
                        Value::Number(n) => Cow::Borrowed(n),
                        _ => Cow::Borrowed(&self.text[node.span.start..node.span.end]),
                    };
                    *key = Some((name, node.span));
                }
                Some((key, key_span)) => self.members.push(Member {
                    key,
                    key_span,
                    value: node,
                }),
            },
        }
        Ok(())
    }

    fn close(&mut self, end: usize) -> Result<(), YamlError> {
        let Some(frame) = self.stack.pop() else {
            return Ok(());
        };
        let (value, start, anchor, tag) = match frame {
            Frame::Sequence {
                start,
                anchor,
                tag,
                items_from,
            } => (
                Value::Array(self.items.drain(items_from..).collect()),
                start,
                anchor,
                tag,
            ),
            Frame::Mapping {
                start,
                anchor,
                tag,
                members_from,
                ..
            } => (
                Value::Object(self.members.drain(members_from..).collect()),
                start,
                anchor,
                tag,
            ),
        };
        // A flow collection ends at its bracket; a block one at its last value (its end event
        // stands at the next token, past comments and blank lines).
        let last = match &value {
            Value::Array(items) => items.last().map(|n| n.span.end),
            Value::Object(members) => members.last().map(|m| m.value.span.end),
            _ => None,
        };
        let closes_bracket = matches!(
            self.text.as_bytes().get(end.wrapping_sub(1)),
            Some(b']' | b'}')
        );
        let end = match (closes_bracket, last) {
            (true, _) | (false, None) => end.max(start),
            (false, Some(last)) => last,
        };
        let mut node = Node {
            value,
            span: Span::new(start, end),
        };
        if let Some((name, tag_span)) = tag {
            node = tagged(name, tag_span, node);
        }
        self.finish(node, anchor)
    }
}

/// The one-member object that stands for a tagged node: `{"!Sub": node}`.
fn tagged<'a>(name: Cow<'a, str>, tag_span: Span, node: Node<'a>) -> Node<'a> {
    let span = Span::new(tag_span.start, node.span.end.max(tag_span.end));
    Node {
        value: Value::Object(vec![Member {
            key: name,
            key_span: tag_span,
            value: node,
        }]),
        span,
    }
}

/// Where a node's content starts: after its anchor (`&a`) and tag (`!Sub`) and the blanks
/// after them.
fn content_start(text: &str, start: usize) -> usize {
    let mut at = start;
    loop {
        let rest = &text[at..];
        if rest.starts_with('!') || rest.starts_with('&') {
            let len = rest
                .find(|c: char| c.is_whitespace() || c == '[' || c == '{')
                .unwrap_or(rest.len());
            at += len;
            at += text[at..].len() - text[at..].trim_start().len();
        } else {
            return at;
        }
    }
}

/// Where the tag of a node whose content starts at `content` was written: the event began
/// at the anchor or the tag, whichever came first; the tag is the `!` word before `content`.
fn start_of_tag(text: &str, content: usize) -> usize {
    let before = text[..content].trim_end();
    let word = before
        .rfind(|c: char| c.is_whitespace())
        .map_or(0, |i| i + 1);
    if before[word..].starts_with('!') {
        word
    } else {
        content
    }
}

/// YAML 1.2 core schema for a plain scalar: `null`, booleans and numbers are typed; all else
/// is a string (`2012-10-17`, `yes`, `on` included).
fn plain<'a>(value: Cow<'a, str>, source: &'a str) -> Value<'a> {
    match &*value {
        "" | "~" | "null" | "Null" | "NULL" => Value::Null,
        "true" | "True" | "TRUE" => Value::Bool(true),
        "false" | "False" | "FALSE" => Value::Bool(false),
        v if is_core_number(v) => Value::Number(source),
        _ => Value::String(as_written(value, source, ScalarStyle::Plain)),
    }
}

/// A scalar's value borrowed from the text where the text spells it as is (no escape,
/// folded line or quote to undo): the parser hands over every scalar as a new string, and a
/// tree of borrowed strings is copied and dropped without allocating. `written` is the
/// scalar's span, quotes included.
fn as_written<'a>(value: Cow<'a, str>, written: &'a str, style: ScalarStyle) -> Cow<'a, str> {
    let Cow::Owned(owned) = &value else {
        return value;
    };
    let unquoted = match style {
        ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => {
            written.get(1..written.len().saturating_sub(1))
        }
        _ => Some(written),
    };
    match unquoted {
        Some(unquoted) if unquoted == owned.as_str() => Cow::Borrowed(unquoted),
        _ => value,
    }
}

fn is_core_number(v: &str) -> bool {
    // Every form below starts with a digit, a sign or a dot; most scalars are words.
    if !v
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.'))
    {
        return false;
    }
    let digits = v.strip_prefix(['-', '+']).unwrap_or(v);
    if let Some(hex) = v.strip_prefix("0x") {
        return !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit());
    }
    if let Some(oct) = v.strip_prefix("0o") {
        return !oct.is_empty() && oct.bytes().all(|b| (b'0'..=b'7').contains(&b));
    }
    if matches!(digits, ".inf" | ".Inf" | ".INF" | ".nan" | ".NaN" | ".NAN") {
        return true;
    }
    // [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
    let (mantissa, exponent) = match digits.find(['e', 'E']) {
        Some(i) => (&digits[..i], Some(&digits[i + 1..])),
        None => (digits, None),
    };
    let (whole, fraction) = match mantissa.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (mantissa, None),
    };
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match fraction {
        None => !whole.is_empty() && all_digits(whole),
        Some(f) if whole.is_empty() => !f.is_empty() && all_digits(f),
        Some(f) => all_digits(whole) && all_digits(f),
    };
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && all_digits(e)
    });
    mantissa_ok && exponent_ok
}

/// How many values a node holds, itself included (what copying it for an alias costs).
fn size_of(node: &Node) -> usize {
    let mut size = 0;
    let mut pending = vec![node];
    while let Some(node) = pending.pop() {
        size += 1;
        match &node.value {
            Value::Array(items) => pending.extend(items),
            Value::Object(members) => pending.extend(members.iter().map(|m| &m.value)),
            _ => {}
        }
    }
    size
}

/// The parser counts characters; spans count bytes. For ASCII text they agree; otherwise a
/// cursor walks from the last position asked (events come nearly in order).
struct Positions<'a> {
    text: &'a str,
    ascii: bool,
    char_at: usize,
    byte_at: usize,
}

impl<'a> Positions<'a> {
    fn new(text: &'a str) -> Self {
        Positions {
            text,
            ascii: text.is_ascii(),
            char_at: 0,
            byte_at: 0,
        }
    }

    fn byte(&mut self, chars: usize) -> usize {
        if self.ascii {
            return chars.min(self.text.len());
        }
        while self.char_at < chars && self.byte_at < self.text.len() {
            let len = self.text[self.byte_at..]
                .chars()
                .next()
                .map_or(1, char::len_utf8);
            self.byte_at += len;
            self.char_at += 1;
        }
        while self.char_at > chars {
            let len = self.text[..self.byte_at]
                .chars()
                .next_back()
                .map_or(1, char::len_utf8);
            self.byte_at -= len;
            self.char_at -= 1;
        }
        self.byte_at
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str, span: Span) -> &str {
        &text[span.start..span.end]
    }

    #[test]
    fn plain_scalars_span_their_value_and_quoted_ones_their_quotes() {
        let text = "Version: 2012-10-17\nSid: 'a b'\nN: 12\nB: false\n";
        let root = parse(text).unwrap();
        let v = root.get("Version").unwrap();
        assert_eq!(v.value.as_str(), Some("2012-10-17"), "YAML 1.2: a string");
        assert_eq!(at(text, v.key_span), "Version");
        assert_eq!(at(text, v.value.span), "2012-10-17");
        assert_eq!(at(text, root.get("Sid").unwrap().value.span), "'a b'");
        assert_eq!(root.get("N").unwrap().value.value, Value::Number("12"));
        assert_eq!(root.get("B").unwrap().value.value, Value::Bool(false));
    }

    #[test]
    fn tags_become_one_member_objects_keyed_by_the_tag() {
        let text = "R: !GetAtt Role.Arn\nS: !Sub\n  - x\nU: !Rain::Embed f\n";
        let root = parse(text).unwrap();
        let empty = parse("z: !Select [0, !GetAZs ]\n").unwrap();
        let args = &empty.get("z").unwrap().value.members().unwrap()[0].value;
        let Value::Array(items) = &args.value else {
            panic!("a list")
        };
        assert_eq!(items[1].members().unwrap()[0].key, "!GetAZs");
        let r = &root.get("R").unwrap().value;
        let tag = &r.members().unwrap()[0];
        assert_eq!(tag.key, "!GetAtt");
        assert_eq!(at(text, tag.key_span), "!GetAtt");
        assert_eq!(at(text, tag.value.span), "Role.Arn");
        assert_eq!(at(text, r.span), "!GetAtt Role.Arn");
        let s = &root.get("S").unwrap().value.members().unwrap()[0];
        assert_eq!(s.key, "!Sub");
        assert_eq!(at(text, s.value.span), "- x");
        assert_eq!(
            root.get("U").unwrap().value.members().unwrap()[0].key,
            "!Rain::Embed"
        );
    }

    #[test]
    fn quoted_scalars_end_at_their_quote_not_at_a_comment() {
        let text = "S:\n  - 'rds.amazonaws.com' # Allow RDS\n  - \"a\\\"b\" # d\n  - 'it''s' #e\n";
        let root = parse(text).unwrap();
        let Value::Array(items) = &root.get("S").unwrap().value.value else {
            panic!("a list")
        };
        let spans: Vec<&str> = items.iter().map(|i| at(text, i.span)).collect();
        assert_eq!(spans, ["'rds.amazonaws.com'", "\"a\\\"b\"", "'it''s'"]);
    }

    #[test]
    fn block_scalars_span_their_content() {
        let text = "R: !Sub |-\n  arn:aws:s3:::${Bucket}\nS: >\n  folded\n  text\n";
        let root = parse(text).unwrap();
        let r = &root.get("R").unwrap().value.members().unwrap()[0].value;
        assert_eq!(at(text, r.span), "arn:aws:s3:::${Bucket}");
        assert_eq!(
            at(text, root.get("S").unwrap().value.span),
            "folded\n  text"
        );
    }

    #[test]
    fn collections_span_their_content_without_trailing_comments() {
        let text = "A:\n  - x\n  - y   # note\n\nB: {c: [1, 2]}\n";
        let root = parse(text).unwrap();
        assert_eq!(at(text, root.get("A").unwrap().value.span), "- x\n  - y");
        assert_eq!(at(text, root.get("B").unwrap().value.span), "{c: [1, 2]}");
    }

    #[test]
    fn non_ascii_text_gets_byte_spans() {
        let text = "é: ü\nk: 'ß'\n";
        let root = parse(text).unwrap();
        let k = root.get("k").unwrap();
        assert_eq!(at(text, k.key_span), "k");
        assert_eq!(at(text, k.value.span), "'ß'");
    }

    #[test]
    fn duplicate_keys_are_kept() {
        let root = parse("a: 1\na: 2\n").unwrap();
        assert_eq!(root.members().unwrap().len(), 2);
    }

    #[test]
    fn aliases_are_copied_and_bombs_refused() {
        let root = parse("a: &x [1, 2]\nb: *x\n").unwrap();
        let (a, b) = (&root.get("a").unwrap().value, &root.get("b").unwrap().value);
        assert_eq!(a.value, b.value);
        assert_eq!(b.span, Span::new(16, 18), "the copy stands at the alias");
        let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = i - 1;
            bomb.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let err = parse(&bomb).unwrap_err();
        assert!(err.message.contains("alias bomb"), "{}", err.message);
        assert!(at(&bomb, err.span).starts_with("*a"));
    }

    #[test]
    fn syntax_errors_and_deep_nesting_have_a_place() {
        let text = "a:\n\tb: 1\n";
        let err = parse(text).unwrap_err();
        assert!(err.message.contains("tab"), "{}", err.message);
        assert_eq!(err.span.start, 3, "at the tab");
        let deep = "[".repeat(10_000);
        let err = parse(&deep).unwrap_err();
        assert!(
            err.message.contains("nesting") || err.message.contains("recursion"),
            "{}",
            err.message
        );
    }

    #[test]
    fn under_indented_brackets_and_strings_are_read_as_cloudformation_reads_them() {
        let text = "Resources:\n  K:\n    KeyPolicy: {\n      \"Version\": \"2012-10-17\",\n      \"Statement\": [\n        {\"Action\": \"kms:*\"}\n      ]\n    }\n    Value: 'a long\n    string'\nNext: x\n";
        let root = parse(text).unwrap();
        let k = &root.get("Resources").unwrap().value.get("K").unwrap().value;
        let policy = &k.get("KeyPolicy").unwrap().value;
        let version = policy.get("Version").unwrap();
        assert_eq!(at(text, version.value.span), "\"2012-10-17\"");
        assert_eq!(at(text, version.key_span), "\"Version\"");
        let action = &policy.get("Statement").unwrap().value;
        let Value::Array(items) = &action.value else {
            panic!("a list")
        };
        assert_eq!(
            at(text, items[0].get("Action").unwrap().value.span),
            "\"kms:*\""
        );
        assert_eq!(
            k.get("Value").unwrap().value.as_str(),
            Some("a long string")
        );
        assert_eq!(root.get("Next").unwrap().value.as_str(), Some("x"));
        // Other errors stay errors.
        assert!(parse("a: [\n").is_err());
    }

    #[test]
    fn core_schema_numbers() {
        for n in ["0", "-1", "3.5", ".5", "1e3", "0x1F", "0o7", ".inf"] {
            assert!(is_core_number(n), "{n}");
        }
        for s in [
            "2012-10-17",
            "1.2.3",
            "e3",
            "",
            "-",
            "0x",
            "1e",
            "x1",
            "inf",
            " 1",
        ] {
            assert!(!is_core_number(s), "{s}");
        }
    }
}
