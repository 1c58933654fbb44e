//! Which documents a text holds: the whole text for a JSON file; each ```json fence (and
//! each unlabelled fence that holds a JSON object) for Markdown; each policy slot of an
//! infrastructure template. A document is either a slice of its host text, whose offset maps
//! every span back to the host's lines, or a value tree a template reader built with its
//! spans already in the host file.

use crate::diagnostic::Diagnostic;
use crate::json::{Node, Span};
use crate::policy::PolicyKind;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Container {
    WholeFile,
    /// A fence labelled `json`: a syntax error in it is worth reporting if it looks like a policy.
    JsonFence,
    /// An unlabelled fence: only a candidate when it parses as a JSON object.
    PlainFence,
    /// A policy slot of a template (`KeyPolicy`, `assume_role_policy`…): meant as a policy,
    /// so its errors are always reported. Its [`Consumer`] says what it is.
    Template,
}

/// A document's content, as its reader found it.
#[derive(Clone, Debug)]
pub enum Body<'a> {
    /// JSON text, still to be parsed: spans are relative to the document's `offset`.
    Text(&'a str),
    /// A value tree a template reader built (YAML, HCL, an intrinsic-bearing JSON template),
    /// with every span already in host-file bytes (`offset` is 0). Template expressions
    /// reach it as strings in CloudFormation `Fn::Sub` syntax (`${AWS::AccountId}`,
    /// `${MyRole.Arn}`, `${var.x}`), which the rules know as template values.
    Tree(Node<'a>),
}

#[derive(Clone, Debug)]
pub struct Document<'a> {
    pub body: Body<'a>,
    /// Byte offset of a `Body::Text` in the host file (0 for a tree).
    pub offset: usize,
    pub container: Container,
    /// Who consumes the document, for documents found inside templates.
    pub consumer: Option<Consumer>,
    /// What the JSON parser noted, for a tree that is a JSON text parsed as written (its
    /// root the whole text's); `None` for other trees, and for text not parsed yet.
    pub facts: Option<crate::json::Facts>,
}

impl<'a> Document<'a> {
    /// A slice of the host text that is not inside a template.
    pub fn text(text: &'a str, offset: usize, container: Container) -> Self {
        Document {
            body: Body::Text(text),
            offset,
            container,
            consumer: None,
            facts: None,
        }
    }
}

/// What consumes a document embedded in a template: the resource that holds it and the
/// property it fills. The kind comes from here, not from guessing (`AssumeRolePolicyDocument`
/// is a trust policy, `KeyPolicy` a key policy).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Consumer {
    /// The kind the consumer decides, if it decides one.
    pub kind: Option<PolicyKind>,
    /// Why, as `--format json` shows it: `template: AWS::KMS::Key KeyPolicy`.
    pub reason: String,
    /// The consuming resource's type (`AWS::S3::BucketPolicy`, `aws_s3_bucket_policy`).
    pub resource_type: Option<String>,
    /// The resource's logical id or Terraform address (`AppKey`, `aws_kms_key.app`): with the
    /// pointer, it identifies the document independently of line numbers.
    pub address: String,
    /// Where the document sits in its template, as a JSON pointer
    /// (`/Resources/AppKey/Properties/KeyPolicy`); findings' pointers continue it.
    pub pointer: String,
    /// The reader wrapped a bare list of statements in a policy (Serverless's
    /// `iam.role.statements`, `EventBusPolicy` `Statement`): findings' pointers continue the
    /// consumer's pointer without the wrapper's `/Statement` step.
    pub bare_statements: bool,
    /// The resources whose attributes read this document, when it is declared apart from
    /// them (`policy = data.aws_iam_policy_document.key.json` in `aws_kms_key.app`): a grant
    /// on `aws_kms_key.app.arn` relates to it (X001).
    pub readers: Vec<String>,
    /// The resource's name in the host (a logical id's key): a suppression comment there
    /// covers every finding in the resource's documents.
    pub resource: Span,
}

pub struct Extracted<'a> {
    pub documents: Vec<Document<'a>>,
    /// Opening fences that are never closed (CommonMark runs them to the end of the file).
    pub unterminated: Vec<Span>,
    /// The template format a reader recognised (`CloudFormation template`, `YAML file`),
    /// for the note on a named file that holds no policy.
    pub format: Option<&'static str>,
    /// Problems a reader found (YAML syntax, a policy string that is not JSON), in host bytes.
    pub problems: Vec<crate::diagnostic::Diagnostic>,
    /// The templates of nested stacks and SAM applications given as local paths.
    pub local_templates: Vec<LocalTemplate>,
    /// Where each line of the host file starts, when the reader learned it on the way (the
    /// JSON parser passes every line break of a whole JSON file): the check's line index
    /// then needs no scan of its own.
    pub line_starts: Option<Vec<usize>>,
}

/// A nested stack's `TemplateURL` or a SAM application's `Location` given as a local path
/// (`./child.yaml`, which `aws cloudformation package` and `sam build` upload): a template
/// of its own, relative to its parent's folder, checked with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LocalTemplate {
    /// As written.
    pub path: String,
    /// The value's token in the parent.
    pub span: Span,
    pub pointer: String,
}

impl<'a> Extracted<'a> {
    fn of(format: &'static str, documents: Vec<Document<'a>>, problems: Vec<Diagnostic>) -> Self {
        Extracted {
            documents,
            unterminated: Vec::new(),
            format: Some(format),
            problems,
            local_templates: Vec::new(),
            line_starts: None,
        }
    }
}

/// A Terraform module file.
/// The documents of a file's text, read as its format says: the one reading that `check`,
/// `explain` and `diff` share. Markdown in block quotes (`> ```json`) is read through
/// `unquoted`, which the caller keeps alive as long as the documents.
pub fn by_format<'a>(
    text: &'a str,
    body_offset: usize,
    format: super::FileFormat,
    unquoted: &'a mut std::borrow::Cow<'a, str>,
) -> Extracted<'a> {
    use super::FileFormat;
    match format {
        FileFormat::Json => json(text, body_offset),
        FileFormat::Markdown => {
            *unquoted = unquote(text);
            markdown(unquoted)
        }
        FileFormat::Yaml => super::template::read_yaml(text, body_offset),
        FileFormat::Terraform => terraform(text),
        FileFormat::TerraformTemplate => terraform_template(text, body_offset),
    }
}

pub fn terraform(text: &str) -> Extracted<'_> {
    let read = super::terraform::read(text);
    Extracted::of("Terraform module", read.documents, read.notes)
}

/// A `templatefile` template of JSON: the whole file, with its template syntax read.
pub fn terraform_template(text: &str, offset: usize) -> Extracted<'_> {
    use super::template_json::{self, TemplateJson};
    match template_json::read(text, offset, text.len()) {
        TemplateJson::Text => whole(text, offset),
        TemplateJson::Tree(root) => Extracted::of(
            "Terraform template",
            vec![Document {
                body: Body::Tree(root),
                offset: 0,
                container: Container::WholeFile,
                consumer: None,
                facts: None,
            }],
            Vec::new(),
        ),
        TemplateJson::Invalid { error, directives } => Extracted::of(
            "Terraform template",
            Vec::new(),
            vec![super::terraform::template_error(error, &directives)],
        ),
    }
}

/// A JSON file: a policy, the output of `terraform show -json` (told by its first key, so a
/// policy is not parsed twice) or a CloudFormation template.
pub fn json(text: &str, offset: usize) -> Extracted<'_> {
    // Parsed once, for the plan and template readers and, when the file is neither, for
    // the check itself; one that does not parse is left to the check to report.
    let Ok((root, starts, facts)) = crate::json::parse_with_line_starts(&text[offset..]) else {
        return whole(text, offset);
    };
    // The lines of the body are the file's unless a byte order mark comes first (rare).
    let line_starts = (offset == 0).then_some(starts);
    // Bytes, not text: 512 bytes may end inside a character. The tree is asked first: a
    // look at the root's few keys rules out a policy for less than the search costs.
    let head = &text.as_bytes()[offset..text.len().min(offset + 512)];
    if super::tfplan::is_plan(&root) && memchr::memmem::find(head, b"\"format_version\"").is_some()
    {
        // The tree's spans are relative to the body (after a byte order mark).
        let read = super::tfplan::read(text, &root, offset);
        let mut plan = Extracted::of("Terraform plan", read.documents, read.notes);
        plan.line_starts = line_starts;
        return plan;
    }
    match super::template::read_json_tree(text, offset, root) {
        Ok(mut template) => {
            template.line_starts = line_starts;
            template
        }
        // A tree's spans are the host file's: after a byte order mark, the text is parsed
        // again by the check.
        Err(root) if offset == 0 => {
            let mut file = whole(text, 0);
            file.documents[0].body = Body::Tree(root);
            file.documents[0].facts = Some(facts);
            file.line_starts = line_starts;
            file
        }
        Err(_) => whole(text, offset),
    }
}

pub fn whole(text: &str, offset: usize) -> Extracted<'_> {
    Extracted {
        documents: vec![Document::text(
            &text[offset..],
            offset,
            Container::WholeFile,
        )],
        unterminated: Vec::new(),
        format: None,
        problems: Vec::new(),
        local_templates: Vec::new(),
        line_starts: None,
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
        format: None,
        problems: Vec::new(),
        local_templates: Vec::new(),
        line_starts: None,
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
                    out.documents
                        .push(Document::text(body, fence.body_start, container));
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
            out.documents
                .push(Document::text(body, fence.body_start, container));
        }
    }
    out
}

/// The Markdown text with the block-quote markers of quoted lines blanked out, when a fence
/// opens inside a block quote (`> ```json`), so that [`markdown`] finds the fence and the
/// policy in it. Each `>` becomes a space: every byte keeps its place, so spans, lines and
/// columns are the host file's. Borrowed, without a copy, when no fence is quoted.
pub fn unquote(text: &str) -> std::borrow::Cow<'_, str> {
    let quoted_fence = text.split_inclusive('\n').any(|line| {
        let (marks, rest) = quote_prefix(line);
        marks > 0 && {
            let rest = rest.trim_start_matches(' ');
            rest.starts_with("```") || rest.starts_with("~~~")
        }
    });
    if !quoted_fence {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let (marks, _) = quote_prefix(line);
        let mut seen = 0;
        for c in line.chars() {
            if seen < marks && c == '>' {
                seen += 1;
                out.push(' ');
            } else {
                out.push(c);
            }
        }
    }
    std::borrow::Cow::Owned(out)
}

/// How many block-quote markers open a line (`> > text` has two; at most three spaces before
/// each), and the text after them.
fn quote_prefix(line: &str) -> (usize, &str) {
    let mut marks = 0;
    let mut rest = line;
    loop {
        let trimmed = rest.trim_start_matches(' ');
        if rest.len() - trimmed.len() > 3 {
            return (marks, rest);
        }
        match trimmed.strip_prefix('>') {
            Some(after) => {
                marks += 1;
                rest = after;
            }
            None => return (marks, rest),
        }
    }
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
        assert!(matches!(found.documents[0].body, Body::Text("{\"a\":1}\n")));
        assert_eq!(&text[found.documents[0].offset..][..7], "{\"a\":1}");
        assert_eq!(found.documents[0].container, Container::JsonFence);
        assert_eq!(found.documents[1].container, Container::PlainFence);
        assert!(found.unterminated.is_empty());
    }

    #[test]
    fn a_fence_in_a_block_quote_is_found_in_place() {
        let text = "# T\n> Note:\n> ```json\n> {\"a\": 1}\n> ```\n>\n>~~~\n>{}\n>~~~\n";
        let unquoted = unquote(text);
        assert_eq!(unquoted.len(), text.len());
        let found = markdown(&unquoted);
        assert_eq!(found.documents.len(), 2);
        let first = &found.documents[0];
        assert!(matches!(first.body, Body::Text("  {\"a\": 1}\n")));
        assert_eq!(&text[first.offset + 2..][..8], "{\"a\": 1}");
        assert!(matches!(found.documents[1].body, Body::Text(" {}\n")));
        assert!(found.unterminated.is_empty());
        // Without a quoted fence nothing is copied.
        assert!(matches!(
            unquote("> quote\n```json\n{}\n```\n"),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    #[test]
    fn unterminated_fence_runs_to_the_end() {
        let found = markdown("text\n```json\n{\"a\":\n");
        assert_eq!(found.unterminated, vec![Span::new(5, 8)]);
        assert!(matches!(found.documents[0].body, Body::Text("{\"a\":\n")));
    }
}
