//! A policy written as a JSON string inside a template (`PolicyDocument: '{"Version"…}'`,
//! a `!Sub |` block holding JSON, a JSON template's escaped string): parsed as JSON, with
//! every span mapped back to the host file's bytes.
//!
//! The string's value and its token in the host differ by quotes, escapes and a block
//! scalar's indentation. Each value byte is matched to the next equal host byte of the token
//! (a greedy alignment): the bytes a value copies from its host line up, and the bytes the
//! host adds (indentation, quotes, the `\` of an escape) are skipped. Where the value does
//! not occur in the token in order (an `Fn::Sub` variable substituted), every span falls
//! back to the whole token.

use crate::json::{self, Member, Node, Span, Value};
use std::borrow::Cow;

/// Whether a string value is meant as JSON: it starts with `{` (leading blanks aside).
pub fn looks_like_json(value: &str) -> bool {
    value.trim_start().starts_with('{')
}

/// The JSON in `value`, whose token in `host` is `token`; `Err` has the syntax error's
/// message and its place in the host.
pub fn parse<'a>(host: &'a str, value: &str, token: Span) -> Result<Node<'a>, (String, Span)> {
    let map = align(
        host.as_bytes().get(token.start..token.end).unwrap_or(&[]),
        value.as_bytes(),
    );
    let place = |span: Span| -> Span {
        match &map {
            Some(map) => {
                let start = map
                    .get(span.start)
                    .copied()
                    .unwrap_or(token.end - token.start);
                let bytes = value.as_bytes();
                let end = if span.end >= span.start + 2 && bytes.get(span.end - 1) == Some(&b'"') {
                    // A string token ends one byte after its content, whatever escapes the
                    // host spells its closing quote with (`\"`): its value then maps exactly.
                    map.get(span.end - 2).map_or(start, |&last| last + 2)
                } else {
                    match span.end.checked_sub(1).and_then(|last| map.get(last)) {
                        Some(&last) if span.end > span.start => last + 1,
                        _ => start,
                    }
                };
                Span::new(token.start + start, token.start + end.max(start))
            }
            None => token,
        }
    };
    match json::parse(value) {
        Ok(node) => Ok(into_host(&node, host, &place)),
        Err(err) => Err((err.message, place(err.span))),
    }
}

/// For each byte of `value`, its offset in `token`; `None` when the value does not occur in
/// the token in order.
fn align(token: &[u8], value: &[u8]) -> Option<Vec<usize>> {
    let mut map = Vec::with_capacity(value.len());
    let mut at = 0;
    for &byte in value {
        match memchr::memchr(byte, token.get(at..).unwrap_or(&[])) {
            Some(found) => {
                map.push(at + found);
                at += found + 1;
            }
            // The token's span leaves out a block scalar's final line break.
            None if byte.is_ascii_whitespace() => map.push(at.min(token.len())),
            None => return None,
        }
    }
    Some(map)
}

/// The parsed tree, its strings owned and its spans placed in the host.
pub(crate) fn into_host<'a>(node: &Node, host: &'a str, place: &dyn Fn(Span) -> Span) -> Node<'a> {
    let span = place(node.span);
    let value = match &node.value {
        Value::Null => Value::Null,
        Value::Bool(b) => Value::Bool(*b),
        // Numbers borrow their text: the host's, where it spells the number.
        Value::Number(n) => match host.get(span.start..span.end) {
            Some(written) if written == *n => Value::Number(written),
            _ => Value::String(Cow::Owned(n.to_string())),
        },
        Value::String(s) => Value::String(Cow::Owned(s.to_string())),
        Value::Array(items) => {
            Value::Array(items.iter().map(|i| into_host(i, host, place)).collect())
        }
        Value::Object(members) => Value::Object(
            members
                .iter()
                .map(|m| Member {
                    key: Cow::Owned(m.key.to_string()),
                    key_span: place(m.key_span),
                    value: into_host(&m.value, host, place),
                })
                .collect(),
        ),
    };
    Node { value, span }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str, span: Span) -> &str {
        &text[span.start..span.end]
    }

    #[test]
    fn block_scalar_json_maps_to_host_tokens() {
        let host = "Doc: |\n  {\n    \"Version\": \"2012-10-17\",\n    \"Statement\": []\n  }\n";
        let value = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": []\n}\n";
        let token = Span::new(5, host.len() - 1);
        let node = parse(host, value, token).unwrap();
        let version = node.get("Version").unwrap();
        assert_eq!(at(host, version.key_span), "\"Version\"");
        assert_eq!(at(host, version.value.span), "\"2012-10-17\"");
        assert_eq!(at(host, node.get("Statement").unwrap().value.span), "[]");
    }

    #[test]
    fn escaped_string_maps_to_host_tokens() {
        let host = r#"{"P": "{\"Effect\": \"Allow\"}"}"#;
        let token = Span::new(6, host.len() - 1);
        let node = parse(host, r#"{"Effect": "Allow"}"#, token).unwrap();
        let effect = node.get("Effect").unwrap();
        // The token ends right after the content, so the value maps byte for byte.
        assert_eq!(at(host, effect.value.span), r#""Allow\"#);
    }

    #[test]
    fn syntax_errors_are_placed_and_substituted_values_fall_back_to_the_token() {
        let host = "x: '{\"a\": }'";
        let (message, span) = parse(host, "{\"a\": }", Span::new(3, host.len())).unwrap_err();
        assert!(message.contains("expected a JSON value"), "{message}");
        assert_eq!(at(host, span), "}");
        let node = parse(host, "{\"b\": 1}", Span::new(3, host.len())).unwrap();
        assert_eq!(node.span, Span::new(3, host.len()));
    }
}
