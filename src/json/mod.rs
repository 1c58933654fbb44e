//! Strict JSON (RFC 8259) with a byte span for every key and value.
//!
//! Hand-written rather than borrowed so that we control what matters to a linter:
//! duplicate keys are kept in order (AWS silently uses one of them), errors carry the
//! exact place and the bracket that was left open, and nesting depth is bounded so
//! hostile input cannot overflow the stack. `fuzz/` and `tests/hostile.rs` exercise it.

use std::borrow::Cow;
use std::fmt;

/// A half-open byte range `[start, end)` into the text that was parsed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    /// The same span moved `offset` bytes later (document → host file).
    pub fn shift(self, offset: usize) -> Self {
        Span::new(self.start + offset, self.end + offset)
    }

    /// The span without the quotes of a JSON string token.
    pub fn inner(self) -> Self {
        if self.end >= self.start + 2 {
            Span::new(self.start + 1, self.end - 1)
        } else {
            self
        }
    }
}

/// A JSON value borrowing from the parsed text: strings without escapes (nearly all of
/// them) are slices of it, not copies.
#[derive(Clone, Debug, PartialEq)]
pub enum Value<'t> {
    Null,
    Bool(bool),
    /// The number exactly as written: policies never do arithmetic, and `1e999` must survive.
    Number(&'t str),
    String(Cow<'t, str>),
    Array(Vec<Node<'t>>),
    Object(Vec<Member<'t>>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Node<'t> {
    pub value: Value<'t>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Member<'t> {
    pub key: Cow<'t, str>,
    /// Span of the key token, quotes included.
    pub key_span: Span,
    pub value: Node<'t>,
}

impl<'t> Node<'t> {
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn members(&self) -> Option<&[Member<'t>]> {
        match &self.value {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }

    /// The last member named `key`: with duplicate keys, AWS uses the last one.
    pub fn get(&self, key: &str) -> Option<&Member<'t>> {
        self.members()?.iter().rev().find(|m| m.key == key)
    }

    pub fn type_name(&self) -> &'static str {
        match self.value {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub message: String,
    pub span: Span,
    /// Where the construct that could not be finished began.
    pub opened_at: Option<(Span, String)>,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// What the parser notes about a text while it reads it, for rules that would otherwise
/// walk the whole tree again to learn it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Facts {
    /// Escape sequences in strings (`\n`, `\u00e9`).
    pub escapes: usize,
    /// Whether some object names a key twice ([`repeats_a_key`]).
    pub repeated_keys: bool,
}

/// Whether two of an object's keys may be equal: each key sets one of 64 bits chosen by its
/// length and its first and last bytes, so distinct keys rarely meet and equal keys always
/// do. Most objects have no duplicate and pass with no string compared.
pub fn may_repeat_keys(members: &[Member]) -> bool {
    if members.len() > 64 {
        return true;
    }
    let mut seen = 0u64;
    for member in members {
        let key = member.key.as_bytes();
        let (first, last) = (key.first().copied(), key.last().copied());
        let mix = (key.len() as u32)
            ^ (u32::from(first.unwrap_or(0)) << 8)
            ^ (u32::from(last.unwrap_or(0)) << 16);
        let bit = 1u64 << (mix.wrapping_mul(0x9E37_79B9) >> 26);
        if seen & bit != 0 {
            return true;
        }
        seen |= bit;
    }
    false
}

/// Whether two of an object's keys are equal: compared only where [`may_repeat_keys`] says
/// they may be, so that one object's chance collision does not send a rule over the whole
/// tree.
pub fn repeats_a_key(members: &[Member]) -> bool {
    if !may_repeat_keys(members) {
        return false;
    }
    if members.len() <= 32 {
        return (1..members.len()).any(|i| members[..i].iter().any(|m| m.key == members[i].key));
    }
    let mut seen = rustc_hash::FxHashSet::default();
    !members.iter().all(|m| seen.insert(&*m.key))
}

/// Deeper nesting than any policy needs; bounded so the recursive parser stays safe.
pub const MAX_DEPTH: usize = 128;

pub fn parse(text: &str) -> Result<Node<'_>, ParseError> {
    parse_boxed(text, None)
        .map(|(node, _, _)| node)
        .map_err(|fault| *fault)
}

/// As [`parse`], with what the parser noted on the way.
pub fn parse_with_facts(text: &str) -> Result<(Node<'_>, Facts), ParseError> {
    parse_boxed(text, None)
        .map(|(node, _, facts)| (node, facts))
        .map_err(|fault| *fault)
}

/// As [`parse`], with where each line of `text` starts (0, then after every `\n`). Every
/// line break of a JSON text is white space between tokens, which the parser passes anyway:
/// a caller that needs the lines of a whole file gets them without a scan of its own.
pub fn parse_with_line_starts(text: &str) -> Result<(Node<'_>, Vec<usize>, Facts), ParseError> {
    // Sized for lines of two dozen bytes, as a pretty-printed policy's are: few grow it.
    let mut starts = Vec::with_capacity(text.len() / 24 + 1);
    starts.push(0);
    parse_boxed(text, Some(starts))
        .map(|(node, starts, facts)| (node, starts.unwrap_or_default(), facts))
        .map_err(|fault| *fault)
}

/// A parse error as the parser passes it up: boxed, so that every `Result` a value returns
/// through stays the size of a node (an unboxed error is nearly twice as large, and each
/// value of each file would be moved through it).
type Fault = Box<ParseError>;

fn parse_boxed(
    text: &str,
    line_starts: Option<Vec<usize>>,
) -> Result<(Node<'_>, Option<Vec<usize>>, Facts), Fault> {
    let (open_members, open_items) = SCRATCH.take();
    let mut parser = Parser {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        open_members: reuse(open_members),
        open_items: reuse(open_items),
        line_starts,
        facts: Facts::default(),
    };
    let parsed = parser.document();
    SCRATCH.set((reuse(parser.open_members), reuse(parser.open_items)));
    let node = parsed?;
    Ok((node, parser.line_starts, parser.facts))
}

thread_local! {
    /// The parser's stacks of open members and items, kept empty between the texts a thread
    /// parses: one allocation each per thread rather than per text.
    static SCRATCH: std::cell::Cell<(Vec<Member<'static>>, Vec<Node<'static>>)> =
        std::cell::Cell::new((Vec::with_capacity(32), Vec::with_capacity(64)));
}

/// Stacks longer than this (a hostile or generated text) are not kept for the next text.
const SCRATCH_KEPT: usize = 4096;

/// An emptied stack's allocation, for members or items that borrow another text: the same
/// type but for its lifetime, so that the collect takes the allocation over in place (the
/// stack is empty, so nothing is moved and the closure never runs).
fn reuse<T, U>(mut stack: Vec<T>) -> Vec<U> {
    stack.clear();
    if stack.capacity() > SCRATCH_KEPT {
        return Vec::new();
    }
    stack.into_iter().filter_map(|_| None).collect()
}

/// Past the spaces at `pos`, eight at a time: the first byte of a word that is not a space
/// ends them (a word's bytes XORed with spaces, its lowest set bit). Fewer than eight bytes
/// left at the end of the input are left to the caller's byte-wise loop.
fn indentation_end(bytes: &[u8], mut pos: usize) -> usize {
    const SPACES: u64 = u64::from_le_bytes([b' '; 8]);
    while let Some(word) = bytes.get(pos..pos + 8) {
        let Ok(word) = <[u8; 8]>::try_from(word) else {
            break;
        };
        let others = u64::from_le_bytes(word) ^ SPACES;
        if others != 0 {
            return pos + (others.trailing_zeros() / 8) as usize;
        }
        pos += 8;
    }
    pos
}

/// The members or items of the container closing, moved off the parser's stack into a
/// vector of their exact size in one copy (an item-by-item move costs several times more).
fn close<T>(open: &mut Vec<T>, base: usize) -> Vec<T> {
    if base > 0 {
        return open.split_off(base);
    }
    // `split_off(0)` would hand over the stack itself, with its spare room, and allocate
    // the stack again.
    let mut all = Vec::with_capacity(open.len());
    all.append(open);
    all
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    /// The members and items of the objects and arrays being parsed, innermost last: each
    /// container is moved out into a vector of its exact size when it closes, rather than
    /// grown by doubling.
    open_members: Vec<Member<'a>>,
    open_items: Vec<Node<'a>>,
    /// Where the lines passed so far start, when the caller asked for them.
    line_starts: Option<Vec<usize>>,
    facts: Facts,
}

impl<'a> Parser<'a> {
    /// The whole text: one value between white space.
    fn document(&mut self) -> Result<Node<'a>, Fault> {
        self.skip_ws();
        let node = self.value(0)?;
        self.skip_ws();
        if self.pos < self.bytes.len() {
            return Err(self.error_here("unexpected content after the end of the JSON value"));
        }
        Ok(node)
    }

    /// White space between tokens: most calls find the next token at once (`"key":`).
    #[inline(always)]
    fn skip_ws(&mut self) {
        match self.bytes.get(self.pos) {
            Some(&b) if b > b' ' => return,
            // A single space, as after a key's colon (`"Effect": "Allow"`).
            Some(b' ') if self.bytes.get(self.pos + 1).is_some_and(|&b| b > b' ') => {
                self.pos += 1;
                return;
            }
            _ => {}
        }
        self.skip_some_ws();
    }

    /// A pretty-printed policy is a quarter white space, most of it indentation: after a
    /// line break, spaces are skipped a word at a time ([`indentation_end`]).
    ///
    /// Nearly every call passes one line break and its indentation: the loop keeps its
    /// position in a register and calls nothing (a line start is noted only while the
    /// buffer has room), so that the call costs no saved registers; a full buffer is left to
    /// [`Parser::skip_ws_growing`].
    #[inline(never)]
    fn skip_some_ws(&mut self) {
        let bytes = self.bytes;
        let mut pos = self.pos;
        loop {
            match bytes.get(pos) {
                Some(b'\n') => {
                    if let Some(starts) = &mut self.line_starts {
                        if starts.len() == starts.capacity() {
                            self.pos = pos;
                            return self.skip_ws_growing();
                        }
                        starts.push(pos + 1);
                    }
                    pos = indentation_end(bytes, pos + 1);
                }
                Some(b' ' | b'\t' | b'\r') => pos += 1,
                _ => break,
            }
        }
        self.pos = pos;
    }

    /// [`Parser::skip_some_ws`] when the buffer of line starts must grow.
    #[cold]
    #[inline(never)]
    fn skip_ws_growing(&mut self) {
        loop {
            match self.bytes.get(self.pos) {
                Some(b' ' | b'\t' | b'\r') => self.pos += 1,
                Some(b'\n') => {
                    self.pos += 1;
                    if let Some(starts) = &mut self.line_starts {
                        starts.push(self.pos);
                    }
                    self.pos = indentation_end(self.bytes, self.pos);
                }
                _ => return,
            }
        }
    }

    /// The span of the character at the current position (empty at the end of input).
    fn char_span(&self) -> Span {
        let len = self.text[self.pos..]
            .chars()
            .next()
            .map_or(0, char::len_utf8);
        Span::new(self.pos, self.pos + len)
    }

    fn error_here(&self, message: &str) -> Fault {
        let message = match self.text[self.pos..].chars().next() {
            None => format!("{message}: reached the end of the input"),
            Some(c) if c.is_control() => {
                format!("{message}: found control character U+{:04X}", c as u32)
            }
            Some(c) => format!("{message}: found `{c}`"),
        };
        Box::new(ParseError {
            message,
            span: self.char_span(),
            opened_at: None,
        })
    }

    fn value(&mut self, depth: usize) -> Result<Node<'a>, Fault> {
        let start = self.pos;
        let value = match self.bytes.get(self.pos) {
            Some(b'{') | Some(b'[') if depth >= MAX_DEPTH => {
                return Err(Box::new(ParseError {
                    message: format!("nesting is deeper than {MAX_DEPTH} levels"),
                    span: self.char_span(),
                    opened_at: None,
                }))
            }
            Some(b'{') => self.object(depth)?,
            Some(b'[') => self.array(depth)?,
            Some(b'"') => Value::String(self.string()?),
            Some(b'-' | b'0'..=b'9') => self.number()?,
            Some(b't') => self.literal("true", Value::Bool(true))?,
            Some(b'f') => self.literal("false", Value::Bool(false))?,
            Some(b'n') => self.literal("null", Value::Null)?,
            _ => return Err(self.error_here("expected a JSON value")),
        };
        Ok(Node {
            value,
            span: Span::new(start, self.pos),
        })
    }

    /// A member's value or a list's item, most of which are strings: a string is read here,
    /// without the call through [`Parser::value`] that the other values take.
    #[inline(always)]
    fn item(&mut self, depth: usize) -> Result<Node<'a>, Fault> {
        if self.bytes.get(self.pos) != Some(&b'"') {
            return self.value(depth);
        }
        let start = self.pos;
        let value = Value::String(self.string()?);
        Ok(Node {
            value,
            span: Span::new(start, self.pos),
        })
    }

    /// A comma right before the closing bracket: reported at the comma, whose removal is the
    /// fix, rather than as a construct left open (it is closed).
    fn trailing_comma(&self, comma: usize, what: &str) -> Fault {
        Box::new(ParseError {
            message: format!("trailing comma: JSON allows no comma after the last {what}"),
            span: Span::new(comma, comma + 1),
            opened_at: None,
        })
    }

    fn unclosed(&self, message: &str, open: usize, what: &str) -> Fault {
        let mut err = self.error_here(message);
        err.opened_at = Some((
            Span::new(open, open + 1),
            format!("this {what} is not closed"),
        ));
        err
    }

    fn object(&mut self, depth: usize) -> Result<Value<'a>, Fault> {
        let open = self.pos;
        self.pos += 1;
        let base = self.open_members.len();
        self.skip_ws();
        if self.bytes.get(self.pos) == Some(&b'}') {
            self.pos += 1;
            return Ok(Value::Object(Vec::new()));
        }
        let mut comma = None;
        loop {
            self.skip_ws();
            if self.bytes.get(self.pos) != Some(&b'"') {
                return Err(match (comma, self.bytes.get(self.pos)) {
                    (Some(comma), Some(b'}')) => self.trailing_comma(comma, "member"),
                    _ => self.unclosed("expected a string key in double quotes", open, "object"),
                });
            }
            let key_start = self.pos;
            let key = self.string()?;
            let key_span = Span::new(key_start, self.pos);
            self.skip_ws();
            if self.bytes.get(self.pos) != Some(&b':') {
                return Err(self.unclosed("expected `:` after the key", open, "object"));
            }
            self.pos += 1;
            self.skip_ws();
            let value = self.item(depth + 1)?;
            self.open_members.push(Member {
                key,
                key_span,
                value,
            });
            self.skip_ws();
            match self.bytes.get(self.pos) {
                Some(b',') => {
                    comma = Some(self.pos);
                    self.pos += 1;
                }
                Some(b'}') => {
                    self.pos += 1;
                    self.facts.repeated_keys =
                        self.facts.repeated_keys || repeats_a_key(&self.open_members[base..]);
                    return Ok(Value::Object(close(&mut self.open_members, base)));
                }
                _ => {
                    return Err(self.unclosed(
                        "expected `,` or `}` after an object member",
                        open,
                        "object",
                    ))
                }
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<Value<'a>, Fault> {
        let open = self.pos;
        self.pos += 1;
        let base = self.open_items.len();
        self.skip_ws();
        if self.bytes.get(self.pos) == Some(&b']') {
            self.pos += 1;
            return Ok(Value::Array(Vec::new()));
        }
        let mut comma = None;
        loop {
            self.skip_ws();
            if let (Some(comma), Some(b']')) = (comma, self.bytes.get(self.pos)) {
                return Err(self.trailing_comma(comma, "item"));
            }
            if self.pos >= self.bytes.len() {
                return Err(self.unclosed("expected a JSON value", open, "array"));
            }
            let item = self.item(depth + 1)?;
            self.open_items.push(item);
            self.skip_ws();
            match self.bytes.get(self.pos) {
                Some(b',') => {
                    comma = Some(self.pos);
                    self.pos += 1;
                }
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Value::Array(close(&mut self.open_items, base)));
                }
                _ => {
                    return Err(self.unclosed(
                        "expected `,` or `]` after an array item",
                        open,
                        "array",
                    ))
                }
            }
        }
    }

    /// A string token: borrowed from the text when it has no escape, as nearly all have.
    #[inline(always)]
    fn string(&mut self) -> Result<Cow<'a, str>, Fault> {
        let open = self.pos;
        let end = crate::bytes::plain_run_end(self.bytes, open + 1);
        if self.bytes.get(end) == Some(&b'"') {
            self.pos = end + 1;
            return Ok(Cow::Borrowed(&self.text[open + 1..end]));
        }
        self.escaped_string()
    }

    /// A string token with an escape (or an error): kept out of line, so that the plain
    /// strings' path stays short.
    #[inline(never)]
    fn escaped_string(&mut self) -> Result<Cow<'a, str>, Fault> {
        let open = self.pos;
        self.pos += 1;
        // Borrowed until the first escape; only then is the decoded text copied.
        let mut out: Option<String> = None;
        loop {
            let run_start = self.pos;
            self.pos = crate::bytes::plain_run_end(self.bytes, self.pos);
            let run = &self.text[run_start..self.pos];
            match self.bytes.get(self.pos) {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(match out {
                        None => Cow::Borrowed(run),
                        Some(mut decoded) => {
                            decoded.push_str(run);
                            Cow::Owned(decoded)
                        }
                    });
                }
                Some(b'\\') => {
                    self.facts.escapes += 1;
                    let decoded = out.get_or_insert_with(String::new);
                    decoded.push_str(run);
                    let c = self.escape()?;
                    out.get_or_insert_with(String::new).push(c);
                }
                Some(_) => {
                    return Err(self.unclosed(
                        "control characters must be escaped inside a string",
                        open,
                        "string",
                    ))
                }
                None => return Err(self.unclosed("unterminated string", open, "string")),
            }
        }
    }

    fn escape(&mut self) -> Result<char, Fault> {
        let start = self.pos;
        self.pos += 1;
        let c = match self.bytes.get(self.pos) {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                self.pos += 1;
                let high = self.hex4(start)?;
                if (0xD800..0xDC00).contains(&high) && self.text[self.pos..].starts_with("\\u") {
                    let save = self.pos;
                    self.pos += 2;
                    let low = self.hex4(start)?;
                    if (0xDC00..0xE000).contains(&low) {
                        let code = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
                        return Ok(char::from_u32(code).unwrap_or('\u{FFFD}'));
                    }
                    self.pos = save;
                }
                // A lone surrogate is legal JSON but not a character; keep going with U+FFFD.
                return Ok(char::from_u32(high).unwrap_or('\u{FFFD}'));
            }
            _ => {
                self.pos = start;
                let len = 1 + self.text[start + 1..]
                    .chars()
                    .next()
                    .map_or(0, char::len_utf8);
                return Err(Box::new(ParseError {
                    message: "invalid escape sequence in string".into(),
                    span: Span::new(start, start + len),
                    opened_at: None,
                }));
            }
        };
        self.pos += 1;
        Ok(c)
    }

    fn hex4(&mut self, escape_start: usize) -> Result<u32, Fault> {
        let digits = self
            .bytes
            .get(self.pos..self.pos + 4)
            .filter(|d| d.iter().all(u8::is_ascii_hexdigit));
        match digits {
            Some(d) => {
                self.pos += 4;
                // The digits are ASCII hex, so both conversions succeed.
                Ok(std::str::from_utf8(d)
                    .ok()
                    .and_then(|s| u32::from_str_radix(s, 16).ok())
                    .unwrap_or(0))
            }
            None => Err(Box::new(ParseError {
                message: "`\\u` must be followed by four hexadecimal digits".into(),
                span: Span::new(escape_start, self.pos),
                opened_at: None,
            })),
        }
    }

    fn number(&mut self) -> Result<Value<'a>, Fault> {
        let start = self.pos;
        self.eat(b'-');
        match self.bytes.get(self.pos) {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.error_here("expected a digit in the number")),
        }
        if self.eat(b'.') {
            if !self.bytes.get(self.pos).is_some_and(u8::is_ascii_digit) {
                return Err(self.error_here("expected a digit after the decimal point"));
            }
            self.digits();
        }
        if self.eat(b'e') || self.eat(b'E') {
            let _ = self.eat(b'+') || self.eat(b'-');
            if !self.bytes.get(self.pos).is_some_and(u8::is_ascii_digit) {
                return Err(self.error_here("expected a digit in the exponent"));
            }
            self.digits();
        }
        Ok(Value::Number(&self.text[start..self.pos]))
    }

    fn digits(&mut self) {
        while self.bytes.get(self.pos).is_some_and(u8::is_ascii_digit) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, b: u8) -> bool {
        let hit = self.bytes.get(self.pos) == Some(&b);
        if hit {
            self.pos += 1;
        }
        hit
    }

    fn literal(&mut self, word: &str, value: Value<'a>) -> Result<Value<'a>, Fault> {
        if self.text[self.pos..].starts_with(word) {
            self.pos += word.len();
            Ok(value)
        } else {
            Err(self.error_here(&format!("expected `{word}`")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_cover_keys_and_values() {
        let text = r#"{"a": [1, "x"], "a": true}"#;
        let root = parse(text).unwrap();
        let members = root.members().unwrap();
        assert_eq!(members.len(), 2, "duplicate keys are kept");
        assert_eq!(
            &text[members[0].key_span.start..members[0].key_span.end],
            "\"a\""
        );
        assert_eq!(
            &text[members[0].value.span.start..members[0].value.span.end],
            "[1, \"x\"]"
        );
        assert_eq!(
            root.get("a").unwrap().value.value,
            Value::Bool(true),
            "last duplicate wins"
        );
    }

    #[test]
    fn escapes_and_surrogates_decode() {
        let root = parse(r#""a\n\u00e9\ud83d\ude00""#).unwrap();
        assert_eq!(root.as_str(), Some("a\né😀"));
    }

    #[test]
    fn errors_point_at_the_offending_character() {
        let err = parse("{\"a\": 1,\n}").unwrap_err();
        assert_eq!(err.span, Span::new(7, 8), "at the comma");
        assert!(err.message.starts_with("trailing comma"), "{}", err.message);
        assert!(!err.message.contains("not closed"));
        assert!(err.opened_at.is_none(), "the object is closed");
        let err = parse("[1, 2 , ]").unwrap_err();
        assert_eq!(err.span, Span::new(6, 7));
        assert!(err.message.contains("last item"), "{}", err.message);
        let err = parse("{\"a\": [1, 2").unwrap_err();
        assert_eq!(err.span, Span::new(11, 11));
        assert_eq!(err.opened_at.unwrap().0, Span::new(6, 7));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = "[".repeat(100_000);
        let err = parse(&text).unwrap_err();
        assert!(err.message.contains("deeper"), "{}", err.message);
    }

    #[test]
    fn indentation_of_every_width_is_white_space() {
        for width in 0..40 {
            let pad = " ".repeat(width);
            let text = format!("{{\n{pad}\"a\":\n{pad}\t[\n{pad}1\r\n{pad}]\n{pad}}}\n{pad}");
            let root = parse(&text).unwrap();
            let a = &root.members().unwrap()[0];
            assert_eq!(a.key_span.start, 2 + width, "width {width}");
            let items = match &a.value.value {
                Value::Array(items) => items,
                other => panic!("{other:?}"),
            };
            assert_eq!(&text[items[0].span.start..items[0].span.end], "1");
            assert!(width - indentation_end(pad.as_bytes(), 0) < 8);
            for next in [b'"', b'\t', b'\n', b'!', 0xc3] {
                let mut line = pad.clone().into_bytes();
                line.extend([next; 8]);
                assert_eq!(indentation_end(&line, 0), width, "{width} then {next}");
            }
        }
        let err = parse("{\n        x").unwrap_err();
        assert_eq!(err.span, Span::new(10, 11), "{}", err.message);
    }

    #[test]
    fn line_starts_are_those_of_the_whole_text() {
        for text in [
            "{}",
            "\n\n{\"a\": [1,\n 2]}\n",
            "{\r\n  \"é\": \"ü\",\r\n          \"b\":\n\n\t{}\n}",
            "[\n        \n]",
        ] {
            let (node, starts, _) = parse_with_line_starts(text).unwrap();
            assert_eq!(node, parse(text).unwrap());
            let expected: Vec<usize> = std::iter::once(0)
                .chain(text.match_indices('\n').map(|(i, _)| i + 1))
                .collect();
            assert_eq!(starts, expected, "{text:?}");
        }
    }

    #[test]
    fn facts_note_escapes_and_objects_that_may_repeat_a_key() {
        let (_, facts) = parse_with_facts(r#"{"a": ["x\n", {"b": "\u00e9\\"}]}"#).unwrap();
        assert_eq!(facts.escapes, 3);
        assert!(!facts.repeated_keys);
        let (_, facts) = parse_with_facts(r#"{"a": [{"b": 1, "c": 2, "b": 3}], "d": 4}"#).unwrap();
        assert!(facts.repeated_keys, "a nested object repeats `b`");
        let (_, _, with_lines) = parse_with_line_starts("{\"a\": 1,\n \"a\": 2}").unwrap();
        assert!(with_lines.repeated_keys);
        // Distinct keys, some sharing a signature, in objects small and large.
        for count in [2, 40, 100] {
            let distinct: Vec<String> = (0..count).map(|i| format!("\"k{i:03}k\": {i}")).collect();
            let text = format!("{{{}}}", distinct.join(", "));
            let (_, facts) = parse_with_facts(&text).unwrap();
            assert!(!facts.repeated_keys, "{count} distinct keys");
            let text = format!("{{{}, \"k000k\": 0}}", distinct.join(", "));
            let (_, facts) = parse_with_facts(&text).unwrap();
            assert!(facts.repeated_keys, "{count} keys and a repeat");
        }
    }

    #[test]
    fn the_stacks_are_kept_for_the_next_text() {
        let stack: Vec<Node<'static>> = Vec::with_capacity(100);
        let at = stack.as_ptr() as usize;
        let kept: Vec<Node<'_>> = reuse(stack);
        assert_eq!((kept.capacity(), kept.as_ptr() as usize), (100, at));
        let mut large: Vec<Member<'static>> = Vec::with_capacity(SCRATCH_KEPT + 1);
        large.push(Member {
            key: "k".into(),
            key_span: Span::default(),
            value: Node {
                value: Value::Null,
                span: Span::default(),
            },
        });
        assert_eq!(reuse::<_, Member<'_>>(large).capacity(), 0);
        // A text that fails leaves its half-built containers behind: the next starts clean.
        assert!(parse(r#"{"a": [1, {"b": 2, "c": [3"#).is_err());
        let root = parse(r#"{"d": [4]}"#).unwrap();
        assert_eq!(root.members().unwrap().len(), 1);
        let (members, items) = SCRATCH.take();
        assert!(members.is_empty() && items.is_empty());
        assert!(members.capacity() >= 32 && items.capacity() >= 64);
        SCRATCH.set((members, items));
    }

    #[test]
    fn numbers_are_kept_as_written() {
        assert_eq!(parse("1e999").unwrap().value, Value::Number("1e999"));
        assert!(parse("01").is_err());
        assert!(parse("1.").is_err());
        assert!(parse("-").is_err());
    }
}
