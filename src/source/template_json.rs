//! JSON written as a Terraform template: a heredoc body (`<<EOF … EOF`) or a `templatefile`
//! file (`*.json.tpl`, `*.tpl`). It is JSON except for three things, which are read here so the
//! JSON parser can read the rest with every span in place:
//! - `${expr}` interpolations. Inside a JSON string they stay as written (the rules know
//!   `${…}` as a template value); in place of a JSON value (`"Resource": ${jsonencode(arns)}`)
//!   the interpolation becomes a string whose value is the interpolation as written and whose
//!   span is the interpolation itself (as long as its value: an unquoted token).
//! - `%{ … }` directives (`for`, `if`, `endfor`…): blanked out, so the JSON around them is still
//!   checked once; if it then does not parse, the template cannot be checked without the values
//!   of its directives, and the caller says so instead of reporting a syntax error.
//! - `$${` and `%%{`, the escapes of a literal `${` and `%{` (how an IAM policy variable
//!   such as `${aws:username}` is written in a template): unescaped in values.
//!
//! Masking keeps every byte offset, so spans found in the masked copy are spans of the host.

use crate::json::{self, Member, Node, ParseError, Span, Value};
use std::borrow::Cow;

/// What a template's JSON turned out to be.
pub enum TemplateJson<'a> {
    /// Plain JSON text (nothing to mask or unescape): the caller parses it as any document.
    Text,
    /// A value tree with spans in host bytes.
    Tree(Node<'a>),
    /// The masked JSON does not parse. `directives` is where the template's `%{…}` directives
    /// are: with any, the error may be theirs, not the author's.
    Invalid {
        error: ParseError,
        directives: Vec<Span>,
    },
}

/// What the scan found in the body, in host bytes.
struct Masks {
    /// `${…}` in place of a JSON value, to become a string holding it as written.
    bare: Vec<Span>,
    /// Regions whose bytes were changed in the masked copy (bare interpolations, directives,
    /// quotes inside an interpolation), and escapes: a string over one takes its value from
    /// the host text.
    changed: Vec<Span>,
    directives: Vec<Span>,
}

/// Reads `host[start..end]` as template JSON.
pub fn read(host: &str, start: usize, end: usize) -> TemplateJson<'_> {
    let body = &host[start..end];
    let (masked, masks) = match mask(body) {
        Ok(found) => found,
        Err(error) => {
            return TemplateJson::Invalid {
                error: shift_error(error, start),
                directives: Vec::new(),
            }
        }
    };
    let Some(masked) = masked else {
        return TemplateJson::Text;
    };
    match json::parse(&masked) {
        Ok(root) => TemplateJson::Tree(rebase(&root, host, start, &masks)),
        Err(error) => TemplateJson::Invalid {
            error: shift_error(error, start),
            directives: masks
                .directives
                .iter()
                .map(|span| span.shift(start))
                .collect(),
        },
    }
}

fn shift_error(mut error: ParseError, offset: usize) -> ParseError {
    error.span = error.span.shift(offset);
    if let Some((span, _)) = &mut error.opened_at {
        *span = span.shift(offset);
    }
    error
}

/// The body with interpolations outside strings and directives masked, or `None` when there
/// is nothing to mask or unescape. Spans in `Masks` are relative to the body.
fn mask(body: &str) -> Result<(Option<String>, Masks), ParseError> {
    let bytes = body.as_bytes();
    let mut masks = Masks {
        bare: Vec::new(),
        changed: Vec::new(),
        directives: Vec::new(),
    };
    let mut out: Option<Vec<u8>> = None;
    let mut in_string = false;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let opens = matches!(b, b'$' | b'%') && bytes.get(i + 1) == Some(&b'{');
        if in_string && b == b'\\' {
            i += 2;
            continue;
        }
        if b == b'"' {
            in_string = !in_string;
            i += 1;
            continue;
        }
        if !opens {
            i += 1;
            continue;
        }
        // `$${` / `%%{`: a literal `${` / `%{`, unescaped in the value.
        if i > 0 && bytes[i - 1] == b {
            masks.changed.push(Span::new(i - 1, i + 2));
            out.get_or_insert_with(|| bytes.to_vec());
            i += 2;
            continue;
        }
        let close = closing_brace(bytes, i + 2).ok_or_else(|| ParseError {
            message: format!(
                "this `{}{{` is never closed with `}}`",
                if b == b'$' { '$' } else { '%' }
            ),
            span: Span::new(i, i + 2),
            opened_at: None,
        })?;
        let span = Span::new(i, close + 1);
        let breaks = || {
            bytes[span.start + 2..span.end - 1]
                .iter()
                .any(|&c| breaks_string(c))
        };
        if b == b'$' && in_string && !breaks() {
            // Inside a string and harmless to it: the JSON parser reads it as written.
            i = close + 1;
            continue;
        }
        let copy = out.get_or_insert_with(|| bytes.to_vec());
        if b == b'%' {
            // A directive: blanked, newlines kept so nothing else moves.
            for byte in &mut copy[span.start..span.end] {
                if *byte != b'\n' {
                    *byte = b' ';
                }
            }
            masks.directives.push(span);
            masks.changed.push(span);
        } else if in_string {
            // Inside a string: only characters that would end or break it are masked.
            let inner = &mut copy[span.start + 2..span.end - 1];
            if mask_breaking(inner) {
                masks.changed.push(span);
            }
        } else {
            // A JSON value of its own: `${x}` becomes `"{x"`, the same length.
            copy[span.start] = b'"';
            copy[span.end - 1] = b'"';
            mask_breaking(&mut copy[span.start + 1..span.end - 1]);
            masks.bare.push(span);
            masks.changed.push(span);
        }
        i = close + 1;
    }
    // Only ASCII bytes were replaced with ASCII bytes, so the copy is still UTF-8.
    let masked = out.map(|bytes| String::from_utf8_lossy(&bytes).into_owned());
    Ok((masked, masks))
}

/// Replaces the bytes that would end or break a JSON string; says whether there were any.
fn mask_breaking(bytes: &mut [u8]) -> bool {
    let mut changed = false;
    for byte in bytes {
        if breaks_string(*byte) {
            *byte = b'_';
            changed = true;
        }
    }
    changed
}

fn breaks_string(byte: u8) -> bool {
    matches!(byte, b'"' | b'\\') || byte < 0x20
}

/// The `}` that closes an interpolation or directive whose content starts at `from`,
/// skipping nested braces and quoted strings (`${jsonencode({a = "}"})}`).
fn closing_brace(bytes: &[u8], from: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = from;
    let mut in_string = false;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if in_string => i += 1,
            b'"' => in_string = !in_string,
            b'{' if !in_string => depth += 1,
            b'}' if !in_string => {
                if depth == 0 {
                    return Some(i);
                }
                depth -= 1;
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// The parsed tree moved to host bytes, its strings taken from the host where masking
/// changed them.
fn rebase<'a>(node: &Node<'_>, host: &'a str, start: usize, masks: &Masks) -> Node<'a> {
    let span = node.span.shift(start);
    let value = match &node.value {
        Value::Null => Value::Null,
        Value::Bool(b) => Value::Bool(*b),
        Value::Number(_) => Value::Number(&host[span.start..span.end]),
        Value::String(s) => Value::String(string_value(s, node.span, host, start, masks)),
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|item| rebase(item, host, start, masks))
                .collect(),
        ),
        Value::Object(members) => Value::Object(
            members
                .iter()
                .map(|m| Member {
                    key: string_value(&m.key, m.key_span, host, start, masks),
                    key_span: m.key_span.shift(start),
                    value: rebase(&m.value, host, start, masks),
                })
                .collect(),
        ),
    };
    Node { value, span }
}

/// A string's value: as parsed, unless its token covers a masked region, where it is the
/// host's text (a bare interpolation whole, quotes included; else the text between the
/// quotes, with `$${` and `%%{` unescaped).
fn string_value<'a>(
    parsed: &str,
    span: Span,
    host: &'a str,
    start: usize,
    masks: &Masks,
) -> Cow<'a, str> {
    if masks.bare.contains(&span) {
        return Cow::Borrowed(&host[span.start + start..span.end + start]);
    }
    let touched = masks
        .changed
        .iter()
        .any(|m| m.start < span.end && span.start < m.end);
    if !touched {
        return Cow::Owned(parsed.to_string());
    }
    let raw = &host[span.inner().start + start..span.inner().end + start];
    Cow::Owned(raw.replace("$${", "${").replace("%%{", "%{"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(text: &str) -> Node<'_> {
        match read(text, 0, text.len()) {
            TemplateJson::Tree(node) => node,
            TemplateJson::Text => panic!("expected a tree"),
            TemplateJson::Invalid { error, .. } => panic!("{}", error.message),
        }
    }

    fn at(text: &str, span: Span) -> &str {
        &text[span.start..span.end]
    }

    #[test]
    fn plain_json_is_left_to_the_json_parser() {
        let text = r#"{"Resource": "arn:aws:s3:::${var.bucket}/*"}"#;
        assert!(matches!(read(text, 0, text.len()), TemplateJson::Text));
    }

    #[test]
    fn bare_interpolation_is_a_string_spanning_itself() {
        let text = r#"{"Resource": ${jsonencode(["a", "b"])}, "X": 1}"#;
        let root = tree(text);
        let resource = &root.get("Resource").unwrap().value;
        assert_eq!(resource.as_str(), Some(r#"${jsonencode(["a", "b"])}"#));
        assert_eq!(at(text, resource.span), r#"${jsonencode(["a", "b"])}"#);
        assert_eq!(at(text, root.get("X").unwrap().value.span), "1");
    }

    #[test]
    fn escaped_policy_variables_are_unescaped_with_host_spans() {
        let text = "  {\"Resource\": \"arn:aws:s3:::b/$${aws:username}/*\"}";
        let root = match read(text, 2, text.len()) {
            TemplateJson::Tree(node) => node,
            _ => panic!("expected a tree"),
        };
        let resource = &root.get("Resource").unwrap().value;
        assert_eq!(resource.as_str(), Some("arn:aws:s3:::b/${aws:username}/*"));
        assert_eq!(
            at(text, resource.span),
            "\"arn:aws:s3:::b/$${aws:username}/*\""
        );
    }

    #[test]
    fn directives_are_blanked_and_the_rest_checked() {
        let text =
            "{\"Statement\": [\n%{ for a in arns ~}\n{\"Action\": \"s3:*\"}\n%{ endfor ~}\n]}";
        let root = tree(text);
        let statements = &root.get("Statement").unwrap().value;
        let Value::Array(items) = &statements.value else {
            panic!("array")
        };
        assert_eq!(items.len(), 1);
        assert_eq!(at(text, items[0].span), "{\"Action\": \"s3:*\"}");
    }

    #[test]
    fn directive_that_breaks_the_json_is_reported_with_its_place() {
        let text = "{\"A\": [%{ for a in x ~}\"${a}\",%{ endfor ~}]}";
        match read(text, 0, text.len()) {
            TemplateJson::Invalid { directives, .. } => {
                assert_eq!(at(text, directives[0]), "%{ for a in x ~}")
            }
            _ => panic!("expected the directives to be blamed"),
        }
    }

    #[test]
    fn quotes_inside_an_interpolation_in_a_string_do_not_end_it() {
        let text = r#"{"Resource": "arn:${join(":", ["a"])}:x"}"#;
        let root = tree(text);
        assert_eq!(
            root.get("Resource").unwrap().value.as_str(),
            Some(r#"arn:${join(":", ["a"])}:x"#)
        );
    }

    #[test]
    fn unclosed_interpolation_is_an_error_at_its_opening() {
        let text = "{\"A\": ${var.x\n}";
        let text = &text[..text.len() - 1];
        match read(text, 0, text.len()) {
            TemplateJson::Invalid { error, .. } => assert_eq!(error.span, Span::new(6, 8)),
            _ => panic!("expected an error"),
        }
    }
}
