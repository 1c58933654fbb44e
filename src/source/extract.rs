//! Which documents a text holds: the whole text for a JSON file; each ```json fence (and
//! each unlabelled fence that holds a JSON object) for Markdown. A document is a slice of
//! its host text, so its offset maps every span back to the host's lines.

use crate::json::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Container {
    WholeFile,
    /// A fence labelled `json`: a syntax error in it is worth reporting if it looks like a policy.
    JsonFence,
    /// An unlabelled fence: only a candidate when it parses as a JSON object.
    PlainFence,
}

#[derive(Clone, Copy, Debug)]
pub struct Document<'a> {
    pub text: &'a str,
    /// Byte offset of `text` in the host file.
    pub offset: usize,
    pub container: Container,
}

pub struct Extracted<'a> {
    pub documents: Vec<Document<'a>>,
    /// Opening fences that are never closed (CommonMark runs them to the end of the file).
    pub unterminated: Vec<Span>,
}

pub fn whole(text: &str, offset: usize) -> Extracted<'_> {
    Extracted {
        documents: vec![Document {
            text: &text[offset..],
            offset,
            container: Container::WholeFile,
        }],
        unterminated: Vec::new(),
    }
}

struct Fence {
    marker: u8,
    len: usize,
    container: Option<Container>,
    open_span: Span,
    body_start: usize,
}

pub fn markdown(text: &str) -> Extracted<'_> {
    let mut out = Extracted {
        documents: Vec::new(),
        unterminated: Vec::new(),
    };
    let mut open: Option<Fence> = None;
    let mut line_start = 0;
    while line_start < text.len() {
        let line_end = text[line_start..]
            .find('\n')
            .map_or(text.len(), |i| line_start + i + 1);
        let line = &text[line_start..line_end];
        match &open {
            None => open = opening_fence(line, line_start, line_end),
            Some(fence) if closes(line, fence) => {
                if let Some(container) = fence.container {
                    let body = &text[fence.body_start..line_start];
                    out.documents.push(Document {
                        text: body,
                        offset: fence.body_start,
                        container,
                    });
                }
                open = None;
            }
            Some(_) => {}
        }
        line_start = line_end;
    }
    if let Some(fence) = open {
        out.unterminated.push(fence.open_span);
        if let Some(container) = fence.container {
            let body = &text[fence.body_start..];
            out.documents.push(Document {
                text: body,
                offset: fence.body_start,
                container,
            });
        }
    }
    out
}

/// A fence opens with three or more backticks or tildes, indented at most three spaces.
fn opening_fence(line: &str, line_start: usize, line_end: usize) -> Option<Fence> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 {
        return None;
    }
    let rest = &line[indent..];
    let marker = *rest.as_bytes().first()?;
    if marker != b'`' && marker != b'~' {
        return None;
    }
    let len = rest.bytes().take_while(|&b| b == marker).count();
    if len < 3 {
        return None;
    }
    let info = rest[len..].trim();
    if marker == b'`' && info.contains('`') {
        return None;
    }
    let language = info
        .split(|c: char| c.is_whitespace() || c == '{' || c == ',')
        .next()
        .unwrap_or("");
    let container = match language.to_ascii_lowercase().as_str() {
        "json" | "jsonc" | "json5" => Some(Container::JsonFence),
        "" => Some(Container::PlainFence),
        _ => None,
    };
    let start = line_start + indent;
    Some(Fence {
        marker,
        len,
        container,
        open_span: Span::new(start, start + len),
        body_start: line_end,
    })
}

fn closes(line: &str, fence: &Fence) -> bool {
    let trimmed = line.trim_start_matches(' ');
    if line.len() - trimmed.len() > 3 {
        return false;
    }
    let run = trimmed.bytes().take_while(|&b| b == fence.marker).count();
    run >= fence.len && trimmed[run..].trim().is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_json_and_plain_fences_with_offsets() {
        let text = "# T\n```json\n{\"a\":1}\n```\n```bash\nls\n```\n~~~\n{}\n~~~\n";
        let found = markdown(text);
        assert_eq!(found.documents.len(), 2);
        assert_eq!(found.documents[0].text, "{\"a\":1}\n");
        assert_eq!(&text[found.documents[0].offset..][..7], "{\"a\":1}");
        assert_eq!(found.documents[0].container, Container::JsonFence);
        assert_eq!(found.documents[1].container, Container::PlainFence);
        assert!(found.unterminated.is_empty());
    }

    #[test]
    fn unterminated_fence_runs_to_the_end() {
        let found = markdown("text\n```json\n{\"a\":\n");
        assert_eq!(found.unterminated, vec![Span::new(5, 8)]);
        assert_eq!(found.documents[0].text, "{\"a\":\n");
    }
}
