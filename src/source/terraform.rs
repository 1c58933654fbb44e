//! Terraform HCL (`.tf`): the policy documents of a module, with spans on its HCL tokens.
//!
//! Where a policy lives in HCL:
//! - `data "aws_iam_policy_document"`: its `statement` blocks are turned into a policy value
//!   tree (`sid` → `Sid`, `actions` → `Action`, `principals {type, identifiers}` →
//!   `Principal`, `condition {test, variable, values}` → `Condition`…) whose spans are the HCL
//!   tokens; `Version` is 2012-10-17 when unset, as Terraform renders it, and so is `Effect`
//!   `Allow`. Its kind comes from the attribute that references it
//!   (`assume_role_policy = data.aws_iam_policy_document.x.json` makes it a trust policy).
//! - a consuming attribute ([`slots::TERRAFORM`]) set to `jsonencode({…})`, a heredoc of JSON,
//!   a local, or `file(…)`/`templatefile(…)` with a literal path (returned as a [`FileUse`]:
//!   the file is read as its own document, with this attribute's kind).
//! - anywhere else, a `jsonencode({…})` or heredoc that holds a `Statement` (a module input,
//!   a local no resource here consumes): kind by detection.
//!
//! Template expressions reach the rules as `${…}` strings: interpolations inside strings stay
//! as written, a bare expression (`var.x`, `aws_iam_role.r.arn`, a function call) becomes
//! `${var.x}` spanning the expression; `$${aws:username}` is IAM's `${aws:username}`.
//!
//! The parser is hcl-edit: it keeps a byte span on every block, attribute and expression,
//! bounds nesting (64 levels) so hostile input cannot overflow the stack, and reports errors
//! with their byte offset. The alternatives were hcl-rs (whose parser is hcl-edit's, and
//! whose values drop the spans) and a parser of our own (the HCL expression and template
//! language is far larger than JSON's). Measured on the bench's 1,000 generated modules
//! (`bench/corpora/iac/tf`, 3.5 MB): hcl-edit's parse alone takes 0.18 s of CPU, iamlint
//! end to end 0.30 s, so parsing is most of the cost, about 20 MB/s; slower than our JSON
//! parser, but the IaC target (3× a floor that parses with the same parser) holds, and one
//! module checks in a few milliseconds.

use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::json::{Member, Node, Span, Value};
use crate::policy::PolicyKind;
use crate::source::extract::{Body, Consumer, Container, Document};
use crate::source::slots::{self, Holds};
use crate::source::template_json::{self, TemplateJson};
use hcl_edit::expr::{Expression, FuncCall, ObjectKey};
use hcl_edit::structure::{Attribute, Block, Body as HclBody, Structure};
use std::borrow::Cow;

/// The kind a Terraform attribute gives the document it holds, or `None` when it holds no
/// IAM document (an organizations policy of another type). `path` is the attribute, with
/// `*` for a nested block (`["inline_policy", "*", "policy"]`); `organizations_type` is the
/// resource's `type` (`SERVICE_CONTROL_POLICY` when unset, as in Terraform).
pub fn slot_kind(
    resource_type: &str,
    path: &[&str],
    organizations_type: Option<&str>,
) -> Option<Option<PolicyKind>> {
    let slot = slots::TERRAFORM
        .iter()
        .find(|s| s.resource_type == resource_type && s.path == path)?;
    match slot.holds {
        Holds::OrganizationsPolicy => Some(slots::organizations_kind(
            organizations_type.unwrap_or("SERVICE_CONTROL_POLICY"),
        ))
        .filter(Option::is_some),
        Holds::Policy(kind) | Holds::Statements(kind) => Some(Some(kind)),
        Holds::ManagedPolicy => Some(Some(PolicyKind::Identity)),
        Holds::SamPolicies | Holds::ApiStatements => None,
    }
}

/// A file a module reads as a policy (`file("${path.module}/key.json")`): checked as its own
/// document, with the kind of the attribute that consumes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileUse {
    /// The path as written, `${path.module}/` and `./` removed: relative to the module.
    pub path: String,
    pub consumer: Consumer,
}

pub struct Read<'a> {
    pub documents: Vec<Document<'a>>,
    /// Findings about the HCL itself (syntax, duplicate attributes) and information about
    /// what could not be checked, in host bytes.
    pub notes: Vec<Diagnostic>,
    pub files: Vec<FileUse>,
}

/// Reads a `.tf` file.
pub fn read(text: &str) -> Read<'_> {
    let mut out = Read {
        documents: Vec::new(),
        notes: Vec::new(),
        files: Vec::new(),
    };
    let body = match hcl_edit::parser::parse_body(text) {
        Ok(body) => body,
        Err(err) => {
            out.notes.push(syntax_error(text, &err));
            return out;
        }
    };
    let mut reader = Reader {
        text,
        out,
        locals: Vec::new(),
        references: Vec::new(),
        data_sources: Vec::new(),
    };
    reader.out.notes.extend(duplicate_blocks(&body));
    reader.collect_locals(&body);
    reader.body(&body, &Place::Top);
    reader.policy_documents();
    reader.out
}

/// J002 for a block or local the file declares twice (`resource "aws_iam_role" "app"`
/// twice, one local in two `locals` blocks): Terraform rejects the module. The parser
/// reports an attribute set twice in one body; these it accepts.
fn duplicate_blocks(body: &HclBody) -> Vec<Diagnostic> {
    let mut first: std::collections::HashMap<String, Span> = std::collections::HashMap::new();
    let mut out = Vec::new();
    let mut declare = |address: String, span: Span, out: &mut Vec<Diagnostic>| match first
        .get(&address)
    {
        Some(&earlier) => out.push(
            Diagnostic::new(
                Code::J002,
                span,
                format!("duplicate `{address}`: Terraform rejects a module that declares it twice"),
            )
            .label(earlier, "first declared here")
            .help(format!("keep one `{address}`, or rename the other")),
        ),
        None => {
            first.insert(address, span);
        }
    };
    for block in body.blocks() {
        let labels: Vec<&str> = block.labels.iter().map(|l| l.as_str()).collect();
        let named = match (block.ident.as_str(), labels.as_slice()) {
            ("resource", [kind, name]) => Some(format!("{kind}.{name}")),
            ("data", [kind, name]) => Some(format!("data.{kind}.{name}")),
            ("module" | "variable" | "output", [name]) => {
                Some(format!("{}.{name}", block.ident.as_str()))
            }
            _ => None,
        };
        if let Some(address) = named {
            let span = match (block.labels.first(), block.labels.last()) {
                (Some(a), Some(b)) => Span::new(span_of(a).start, span_of(b).end),
                _ => span_of(&block.ident),
            };
            declare(address, span, &mut out);
        } else if block.ident.as_str() == "locals" {
            for attr in block.body.attributes() {
                declare(
                    format!("local.{}", attr.key.as_str()),
                    span_of(&attr.key),
                    &mut out,
                );
            }
        }
    }
    out
}

/// The key a `key_id` expression names: `aws_kms_key.app` from `aws_kms_key.app.id`,
/// `.key_id` or `.arn` (also inside `"${…}"`).
fn key_address(expression: &str) -> Option<String> {
    let inner = expression
        .strip_prefix("\"${")
        .and_then(|e| e.strip_suffix("}\""))
        .unwrap_or(expression);
    let address = ["id", "key_id", "arn"]
        .iter()
        .find_map(|attribute| inner.strip_suffix(attribute)?.strip_suffix('.'))?;
    let name = address.strip_prefix("aws_kms_key.")?;
    let plain = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'-';
    (!name.is_empty() && name.bytes().all(plain)).then(|| address.to_string())
}

fn syntax_error(text: &str, err: &hcl_edit::parser::Error) -> Diagnostic {
    let at = err.location().offset().min(text.len());
    let message = err.message().lines().next().unwrap_or("").trim();
    // The parser stops at a key defined twice, which Terraform rejects: J002, as for JSON.
    if message.contains("redefined") {
        let rest = &text[at..];
        let len = match rest.strip_prefix('"') {
            Some(quoted) => quoted.find('"').map_or(rest.len(), |i| i + 2),
            None => rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
                .unwrap_or(rest.len()),
        };
        let key = &rest[..len];
        return Diagnostic::new(
            Code::J002,
            Span::new(at, at + len),
            format!(
                "duplicate key `{}`: Terraform rejects the file",
                key.trim_matches('"')
            ),
        )
        .help(format!("keep one `{}`", key.trim_matches('"')));
    }
    let len = text[at..].chars().next().map_or(0, char::len_utf8);
    let mut d = Diagnostic::new(
        HCL_SYNTAX,
        Span::new(at, at + len),
        format!("invalid HCL: {message}"),
    )
    .help("fix the HCL syntax (`terraform validate` shows the same error)");
    if message.contains("heredoc") {
        if let Some(open) = text[..at].rfind("<<") {
            let line_end = text[open..].find('\n').map_or(text.len(), |i| open + i);
            d = d.label(Span::new(open, line_end), "this heredoc is never closed");
        }
    }
    d
}

/// HCL that cannot be read: nothing in the file can be checked.
const HCL_SYNTAX: Code = Code::J010;
/// What a reader could not check: information, never a defect.
pub const NOT_CHECKED: Code = Code::J011;

fn span_of(item: &impl hcl_edit::Span) -> Span {
    item.span()
        .map_or(Span::default(), |r| Span::new(r.start, r.end))
}

/// Where the attribute being read sits.
enum Place<'b> {
    Top,
    /// `resource "type" "name"`, with the `type` attribute of an organizations policy.
    Resource {
        kind: &'b str,
        name: &'b str,
        block: &'b Block,
    },
    /// Any other block (`module`, `locals`, `output`…), by its address.
    Other(String),
}

/// A `data.aws_iam_policy_document.NAME` read by an attribute that decides its kind.
struct Reference {
    name: String,
    consumer: Consumer,
}

struct Reader<'a, 'b> {
    text: &'a str,
    out: Read<'a>,
    locals: Vec<(&'b str, &'b Expression)>,
    references: Vec<Reference>,
    data_sources: Vec<&'b Block>,
}

impl<'a, 'b> Reader<'a, 'b> {
    fn raw(&self, span: Span) -> &'a str {
        self.text.get(span.start..span.end).unwrap_or("")
    }

    /// A reference as written, without the spaces HCL allows in it (`data.x . y`).
    fn reference(&self, span: Span) -> String {
        self.raw(span)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect()
    }

    fn collect_locals(&mut self, body: &'b HclBody) {
        for block in body.blocks().filter(|b| b.has_ident("locals")) {
            for attr in block.body.attributes() {
                self.locals.push((attr.key.as_str(), &attr.value));
            }
        }
    }

    fn body(&mut self, body: &'b HclBody, place: &Place<'b>) {
        for structure in body.iter() {
            match structure {
                Structure::Attribute(attr) => self.attribute(attr, None, place),
                Structure::Block(block) => self.block(block, place),
            }
        }
    }

    fn block(&mut self, block: &'b Block, place: &Place<'b>) {
        let labels: Vec<&str> = block.labels.iter().map(|l| l.as_str()).collect();
        match (block.ident.as_str(), labels.as_slice(), place) {
            ("resource", [kind, name], Place::Top) => {
                let place = Place::Resource { kind, name, block };
                for structure in block.body.iter() {
                    match structure {
                        Structure::Attribute(attr) => self.attribute(attr, None, &place),
                        Structure::Block(nested) => {
                            for attr in nested.body.attributes() {
                                self.attribute(attr, Some(nested), &place);
                            }
                        }
                    }
                }
            }
            ("data", ["aws_iam_policy_document", _], Place::Top) => {
                self.data_sources.push(block);
            }
            ("locals", _, Place::Top) => self.body(&block.body, &Place::Other("local".into())),
            (ident, labels, _) => {
                let mut address = match place {
                    Place::Other(address) => format!("{address}."),
                    _ => String::new(),
                };
                address.push_str(ident);
                for label in labels {
                    address.push('.');
                    address.push_str(label);
                }
                self.body(&block.body, &Place::Other(address));
            }
        }
    }

    fn attribute(&mut self, attr: &'b Attribute, nested: Option<&'b Block>, place: &Place<'b>) {
        let key = attr.key.as_str();
        let (consumer, decided) = match place {
            Place::Resource { kind, name, block } => {
                let (attribute, path) = match nested {
                    Some(nested) => (
                        format!("{}.{key}", nested.ident.as_str()),
                        vec![nested.ident.as_str(), "*", key],
                    ),
                    None => (key.to_string(), vec![key]),
                };
                let organizations_type = block
                    .body
                    .get_attribute("type")
                    .and_then(|a| a.value.as_str());
                let slot = slot_kind(kind, &path, organizations_type);
                let pointer = match nested {
                    Some(nested) => {
                        let index = block
                            .body
                            .blocks()
                            .filter(|b| b.ident.as_str() == nested.ident.as_str())
                            .position(|b| std::ptr::eq(b, nested))
                            .unwrap_or(0);
                        format!(
                            "/resource/{kind}/{name}/{}/{index}/{key}",
                            nested.ident.as_str()
                        )
                    }
                    None => format!("/resource/{kind}/{name}/{key}"),
                };
                // `aws_kms_key_policy` sets the policy of the key its `key_id` names: a grant
                // on that key relates to this policy (X001).
                let readers = match (*kind, block.body.get_attribute("key_id")) {
                    ("aws_kms_key_policy", Some(key_id)) => {
                        key_address(&self.reference(span_of(&key_id.value)))
                            .into_iter()
                            .collect()
                    }
                    _ => Vec::new(),
                };
                let consumer = Consumer {
                    kind: slot.flatten(),
                    reason: format!("terraform: {kind}.{attribute}"),
                    resource_type: Some(kind.to_string()),
                    address: format!("{kind}.{name}"),
                    pointer,
                    bare_statements: false,
                    readers,
                    resource: span_of(&block.ident),
                };
                (consumer, slot.is_some())
            }
            Place::Other(address) => (
                Consumer {
                    kind: None,
                    reason: String::new(),
                    resource_type: None,
                    address: address.clone(),
                    pointer: format!("/{}/{key}", address.replace('.', "/")),
                    bare_statements: false,
                    readers: Vec::new(),
                    resource: span_of(&attr.key),
                },
                false,
            ),
            Place::Top => return,
        };
        self.value(&attr.value, consumer, decided, 0);
    }

    /// Reads the value of a policy attribute. `decided`: the attribute is one that holds a
    /// policy, so whatever it holds is checked as one; else only what looks like a policy.
    fn value(&mut self, expr: &'b Expression, consumer: Consumer, decided: bool, depth: usize) {
        match expr {
            Expression::FuncCall(call) => match call.name.name.as_str() {
                "jsonencode" => {
                    let Some(arg) = call.args.iter().next() else {
                        return;
                    };
                    if !decided && !looks_like_policy(arg) {
                        return;
                    }
                    let root = self.node(arg);
                    self.push(Body::Tree(root), consumer);
                }
                "file" | "templatefile" if decided => self.file_use(call, consumer),
                _ => {}
            },
            Expression::HeredocTemplate(heredoc) => {
                let span = span_of(heredoc.as_ref());
                let (start, end) = heredoc_body(self.text, span);
                let body = &self.text[start..end];
                let policy_like = body.contains("\"Statement\"")
                    && (body.contains("\"Effect\"") || body.contains("Action\""));
                if !decided && !policy_like {
                    return;
                }
                self.template_text(start, end, consumer);
            }
            Expression::Traversal(_) | Expression::Variable(_) if decided => {
                let reference = self.reference(span_of(expr));
                if let Some(name) = policy_document_name(&reference) {
                    self.references.push(Reference {
                        name: name.to_string(),
                        consumer,
                    });
                } else if let Some(local) = reference.strip_prefix("local.") {
                    let found = self.locals.iter().rev().find(|(k, _)| *k == local);
                    if let Some(&(_, value)) = found {
                        if depth < 4 {
                            self.value(value, consumer, true, depth + 1);
                        }
                    }
                }
            }
            Expression::Parenthesis(inner) => self.value(inner.inner(), consumer, decided, depth),
            _ => {}
        }
    }

    fn push(&mut self, body: Body<'a>, consumer: Consumer) {
        self.out.documents.push(Document {
            body,
            offset: 0,
            container: Container::Template,
            consumer: Some(consumer),
            facts: None,
        });
    }

    /// JSON written as template text (a heredoc body), at `start..end` of the host.
    fn template_text(&mut self, start: usize, end: usize, consumer: Consumer) {
        match template_json::read(self.text, start, end) {
            TemplateJson::Text => self.out.documents.push(Document {
                body: Body::Text(&self.text[start..end]),
                offset: start,
                container: Container::Template,
                consumer: Some(consumer),
                facts: None,
            }),
            TemplateJson::Tree(root) => self.push(Body::Tree(root), consumer),
            TemplateJson::Invalid { error, directives } => {
                self.out.notes.push(template_error(error, &directives))
            }
        }
    }

    fn file_use(&mut self, call: &FuncCall, consumer: Consumer) {
        let Some(arg @ (Expression::String(_) | Expression::StringTemplate(_))) =
            call.args.iter().next()
        else {
            return;
        };
        let raw = self.raw(span_of(arg));
        let written = raw.trim().trim_matches('"');
        let path = written
            .strip_prefix("${path.module}/")
            .unwrap_or(written)
            .trim_start_matches("./");
        // Only a literal path (after the module's own folder) names one file.
        if path.contains("${") || path.is_empty() {
            return;
        }
        self.out.files.push(FileUse {
            path: path.to_string(),
            consumer,
        });
    }

    /// Builds the `aws_iam_policy_document` data sources, each with the kind of the
    /// attribute that references it (directly, or through another document's
    /// `source_policy_documents`/`override_policy_documents`).
    fn policy_documents(&mut self) {
        let data_sources = std::mem::take(&mut self.data_sources);
        // Kinds flow from a document to the ones it merges in: a few rounds cover any chain.
        for _ in 0..4 {
            for block in &data_sources {
                let Some(consumer) = self.consumer_of(label(block)).cloned() else {
                    continue;
                };
                for name in self.merged_documents(block) {
                    let known = self
                        .references
                        .iter()
                        .any(|r| r.name == name && r.consumer.address == consumer.address);
                    if !known {
                        self.references.push(Reference {
                            name,
                            consumer: consumer.clone(),
                        });
                    }
                }
            }
        }
        for block in data_sources {
            let name = label(block);
            let address = format!("data.aws_iam_policy_document.{name}");
            let by = self.consumer_of(name);
            let mut readers: Vec<String> = self
                .references
                .iter()
                .filter(|r| r.name == name)
                .flat_map(|r| std::iter::once(&r.consumer.address).chain(&r.consumer.readers))
                .cloned()
                .collect();
            readers.sort();
            readers.dedup();
            let consumer = Consumer {
                kind: by.and_then(|c| c.kind),
                reason: by.map_or(String::new(), |c| format!("{} (via {address})", c.reason)),
                resource_type: by.and_then(|c| c.resource_type.clone()),
                address,
                pointer: format!("/data/aws_iam_policy_document/{name}"),
                bare_statements: false,
                readers,
                resource: span_of(&block.ident),
            };
            if let Some(root) = self.policy_document(block) {
                self.push(Body::Tree(root), consumer);
            }
        }
    }

    /// The documents a data source merges in by `source_policy_documents` and
    /// `override_policy_documents`.
    fn merged_documents(&self, block: &Block) -> Vec<String> {
        let mut names = Vec::new();
        for key in ["source_policy_documents", "override_policy_documents"] {
            let Some(Expression::Array(items)) = block.body.get_attribute(key).map(|a| &a.value)
            else {
                continue;
            };
            for item in items.iter() {
                let reference = self.reference(span_of(item));
                if let Some(name) = policy_document_name(&reference) {
                    names.push(name.to_string());
                }
            }
        }
        names
    }

    /// The attribute that decides a data source's kind, if the attributes that read it agree.
    fn consumer_of(&self, name: &str) -> Option<&Consumer> {
        let mut consumers = self
            .references
            .iter()
            .filter(|r| r.name == name)
            .map(|r| &r.consumer);
        let first = consumers.next()?;
        // Read by attributes of different kinds: detection decides.
        consumers.all(|c| c.kind == first.kind).then_some(first)
    }

    /// The JSON a `data "aws_iam_policy_document"` renders, with the HCL tokens' spans.
    fn policy_document(&mut self, block: &'b Block) -> Option<Node<'a>> {
        let block_span = span_of(block);
        let ident = span_of(&block.ident);
        let mut members = Vec::new();
        let body = &block.body;
        let version = match body.get_attribute("version") {
            Some(attr) => member("Version", span_of(&attr.key), self.node(&attr.value)),
            None => member("Version", ident, synthetic("2012-10-17", ident)),
        };
        members.push(version);
        if let Some(attr) = body.get_attribute("policy_id") {
            members.push(member("Id", span_of(&attr.key), self.node(&attr.value)));
        }
        for key in ["source_policy_documents", "override_policy_documents"] {
            if let Some(attr) = body.get_attribute(key) {
                self.out.notes.push(
                    Diagnostic::new(
                        NOT_CHECKED,
                        span_of(&attr.key),
                        format!(
                            "`{key}` are merged by Terraform at plan time: each is checked on its own, not merged into this document"
                        ),
                    ),
                );
            }
        }
        let mut statements = Vec::new();
        for nested in body.blocks() {
            let label = nested.labels.first().map(|l| l.as_str());
            let (statement, dynamic) = match (nested.ident.as_str(), label) {
                ("statement", None) => (nested, None),
                ("dynamic", Some("statement")) => {
                    match nested.body.blocks().find(|b| b.has_ident("content")) {
                        Some(content) => (content, Some(nested)),
                        None => continue,
                    }
                }
                _ => continue,
            };
            let place = dynamic.map_or(span_of(&nested.ident), |d| span_of(&d.ident));
            match unknowable(statement, dynamic.is_some()) {
                Some(why) => self.out.notes.push(Diagnostic::new(
                    NOT_CHECKED,
                    place,
                    format!("this statement is not checked: {why}"),
                )),
                None => {
                    statements.push(self.statement(statement, dynamic.is_some()));
                    if dynamic.is_some() {
                        self.out.notes.push(Diagnostic::new(
                            NOT_CHECKED,
                            place,
                            "a `dynamic \"statement\"` block: its content is checked once, for every value of its `for_each`",
                        ));
                    }
                }
            }
        }
        if statements.is_empty() {
            // Nothing of its own to check (its statements are dynamic or merged in).
            return None;
        }
        let statement_key = body.blocks().next().map_or(ident, |b| span_of(&b.ident));
        members.push(member(
            "Statement",
            statement_key,
            Node {
                value: Value::Array(statements),
                span: block_span,
            },
        ));
        Some(Node {
            value: Value::Object(members),
            span: block_span,
        })
    }

    /// A `statement` block, or a `dynamic "statement"`'s `content`: rendered any number of
    /// times, so its literal `sid` may repeat or not appear; it is left out.
    fn statement(&mut self, block: &'b Block, dynamic: bool) -> Node<'a> {
        let ident = span_of(&block.ident);
        let mut members: Vec<Member<'a>> = Vec::new();
        let mut has_effect = false;
        let attrs: Vec<&Attribute> = block.body.attributes().collect();
        for attr in attrs {
            // `try(x, null)`, `cond ? x : null`: the attribute may not be set at all.
            if is_opaque(&attr.value) && self.raw(span_of(&attr.value)).contains("null") {
                continue;
            }
            let key = match attr.key.as_str() {
                "sid" if dynamic => continue,
                "sid" => "Sid",
                "effect" => {
                    has_effect = true;
                    "Effect"
                }
                "actions" => "Action",
                "not_actions" => "NotAction",
                "resources" => "Resource",
                "not_resources" => "NotResource",
                _ => continue,
            };
            members.push(member(key, span_of(&attr.key), self.node(&attr.value)));
        }
        if !has_effect {
            members.insert(0, member("Effect", ident, synthetic("Allow", ident)));
        }
        for (block_name, key) in [
            ("principals", "Principal"),
            ("not_principals", "NotPrincipal"),
        ] {
            if let Some(principal) = self.principals(block, block_name) {
                members.push(principal.with_key(key));
            }
        }
        if let Some(condition) = self.conditions(block) {
            members.push(condition);
        }
        Node {
            value: Value::Object(members),
            span: span_of(block),
        }
    }

    /// `principals { type = "AWS" identifiers = [...] }` blocks, merged by type as Terraform
    /// does; `type = "*"` is the `"*"` principal.
    fn principals(&mut self, statement: &'b Block, name: &str) -> Option<Member<'a>> {
        let blocks: Vec<&Block> = statement
            .body
            .blocks()
            .filter(|b| b.has_ident(name))
            .collect();
        let first = blocks.first()?;
        let mut by_type: Vec<Member<'a>> = Vec::new();
        for block in &blocks {
            let Some(kind) = block.body.get_attribute("type") else {
                continue;
            };
            let identifiers = block
                .body
                .get_attribute("identifiers")
                .map(|a| self.node(&a.value));
            let Some(identifiers) = identifiers else {
                continue;
            };
            if kind.value.as_str() == Some("*") {
                return Some(member(
                    "Principal",
                    span_of(&first.ident),
                    identifiers_star(identifiers),
                ));
            }
            let type_node = self.node(&kind.value);
            let type_name = type_node.as_str().unwrap_or("").to_string();
            match by_type.iter_mut().find(|m| m.key == type_name) {
                Some(existing) => append(&mut existing.value, identifiers),
                None => by_type.push(Member {
                    key: Cow::Owned(type_name),
                    key_span: type_node.span,
                    value: identifiers,
                }),
            }
        }
        Some(member(
            "Principal",
            span_of(&first.ident),
            Node {
                value: Value::Object(by_type),
                span: span_of(*first),
            },
        ))
    }

    /// `condition { test variable values }` blocks as `{test: {variable: values}}`.
    fn conditions(&mut self, statement: &'b Block) -> Option<Member<'a>> {
        let blocks: Vec<&Block> = statement
            .body
            .blocks()
            .filter(|b| b.has_ident("condition"))
            .collect();
        let first = blocks.first()?;
        let mut operators: Vec<Member<'a>> = Vec::new();
        for block in &blocks {
            let get = |key| block.body.get_attribute(key);
            let (Some(test), Some(variable), Some(values)) =
                (get("test"), get("variable"), get("values"))
            else {
                continue;
            };
            let test = self.node(&test.value);
            let variable = self.node(&variable.value);
            let entry = Member {
                key: Cow::Owned(variable.as_str().unwrap_or("").to_string()),
                key_span: variable.span,
                value: self.node(&values.value),
            };
            let operator = test.as_str().unwrap_or("").to_string();
            match operators.iter_mut().find(|m| m.key == operator) {
                Some(existing) => {
                    if let Value::Object(entries) = &mut existing.value.value {
                        entries.push(entry);
                    }
                }
                None => operators.push(Member {
                    key: Cow::Owned(operator),
                    key_span: test.span,
                    value: Node {
                        value: Value::Object(vec![entry]),
                        span: span_of(*block),
                    },
                }),
            }
        }
        Some(member(
            "Condition",
            span_of(&first.ident),
            Node {
                value: Value::Object(operators),
                span: span_of(*first),
            },
        ))
    }

    /// The value of `local.NAME` written at `span`, when that local is a string (with
    /// interpolations kept as written).
    fn local_string(&self, span: Span) -> Option<String> {
        let reference = self.raw(span).trim();
        let name = reference.strip_prefix("local.")?;
        let (_, value) = self.locals.iter().rev().find(|(k, _)| *k == name)?;
        let value_span = span_of(*value);
        match value {
            Expression::String(s) => Some(s.value().clone()),
            Expression::StringTemplate(_) => Some(unescape_template(self.raw(value_span.inner()))),
            _ => None,
        }
    }

    /// An HCL expression as the JSON value Terraform would encode, spans on its tokens.
    fn node(&self, expr: &Expression) -> Node<'a> {
        let span = span_of(expr);
        let value = match expr {
            Expression::Null(_) => Value::Null,
            Expression::Bool(b) => Value::Bool(*b.value()),
            Expression::Number(_) => Value::Number(self.raw(span)),
            Expression::String(s) => Value::String(Cow::Owned(s.value().clone())),
            Expression::StringTemplate(_) => {
                Value::String(Cow::Owned(unescape_template(self.raw(span.inner()))))
            }
            Expression::Array(items) => Value::Array(items.iter().map(|i| self.node(i)).collect()),
            Expression::Object(object) => Value::Object(
                object
                    .iter()
                    .map(|(key, value)| {
                        let (key, key_span) = match key {
                            ObjectKey::Ident(ident) => {
                                (Cow::Owned(ident.as_str().to_string()), span_of(ident))
                            }
                            ObjectKey::Expression(expr) => {
                                let node = self.node(expr);
                                let text = node.as_str().unwrap_or("").to_string();
                                (Cow::Owned(text), node.span)
                            }
                        };
                        Member {
                            key,
                            key_span,
                            value: self.node(value.expr()),
                        }
                    })
                    .collect(),
            ),
            Expression::Parenthesis(inner) => return self.node(inner.inner()),
            // `local.root`, a local set to a string here: its value, at the reference.
            Expression::Traversal(_) if self.local_string(span).is_some() => {
                let value = self.local_string(span).unwrap_or_default();
                Value::String(Cow::Owned(value))
            }
            // `concat([…], var.extra)`: the literal lists' items are known, the rest is not.
            Expression::FuncCall(call)
                if call.name.name.as_str() == "concat"
                    && call.args.iter().any(|a| matches!(a, Expression::Array(_))) =>
            {
                let mut items = Vec::new();
                for arg in call.args.iter() {
                    if let Expression::Array(array) = arg {
                        items.extend(array.iter().map(|i| self.node(i)));
                    }
                }
                Value::Array(items)
            }
            _ => Value::String(Cow::Owned(format!("${{{}}}", self.raw(span).trim()))),
        };
        Node { value, span }
    }
}

/// Why a statement block cannot be checked from the files alone, if it cannot: a nested
/// `dynamic` block (its principals or conditions are known only when rendered), or, in a
/// `dynamic "statement"`, an attribute whose whole value comes from the iterator.
fn unknowable(statement: &Block, in_dynamic: bool) -> Option<String> {
    if let Some(nested) = statement.body.blocks().find(|b| b.has_ident("dynamic")) {
        let label = nested.labels.first().map_or("", |l| l.as_str());
        return Some(format!(
            "its `dynamic \"{label}\"` blocks are known only when Terraform renders them"
        ));
    }
    let computed = statement
        .body
        .attributes()
        .find(|a| is_opaque(&a.value))
        .filter(|_| in_dynamic)?;
    Some(format!(
        "its `{}` comes from the `for_each` values, known only when Terraform renders them",
        computed.key.as_str()
    ))
}

/// An expression whose value cannot be read from the file (a reference, a call, a
/// conditional), as opposed to a literal or a string with interpolations.
fn is_opaque(expr: &Expression) -> bool {
    !matches!(
        expr,
        Expression::Null(_)
            | Expression::Bool(_)
            | Expression::Number(_)
            | Expression::String(_)
            | Expression::StringTemplate(_)
            | Expression::Array(_)
            | Expression::Object(_)
            | Expression::HeredocTemplate(_)
    )
}

/// A block's second label: a data source's or resource's name.
fn label(block: &Block) -> &str {
    block.labels.get(1).map_or("", |l| l.as_str())
}

fn member<'a>(key: &'static str, key_span: Span, value: Node<'a>) -> Member<'a> {
    Member {
        key: Cow::Borrowed(key),
        key_span,
        value,
    }
}

trait WithKey<'a> {
    fn with_key(self, key: &'static str) -> Member<'a>;
}

impl<'a> WithKey<'a> for Member<'a> {
    fn with_key(mut self, key: &'static str) -> Member<'a> {
        self.key = Cow::Borrowed(key);
        self
    }
}

/// A value Terraform fills in when it is not written (`Version`, `Effect`), placed on the
/// block that leaves it out.
fn synthetic<'a>(value: &'static str, span: Span) -> Node<'a> {
    Node {
        value: Value::String(Cow::Borrowed(value)),
        span,
    }
}

/// `type = "*"` renders `"Principal": "*"`; the identifiers' node keeps its span.
fn identifiers_star(identifiers: Node<'_>) -> Node<'_> {
    let span = match &identifiers.value {
        Value::Array(items) if items.len() == 1 => items[0].span,
        _ => identifiers.span,
    };
    Node {
        value: Value::String(Cow::Borrowed("*")),
        span,
    }
}

/// Adds the identifiers of a second `principals` block of the same type to the first's.
fn append<'a>(existing: &mut Node<'a>, more: Node<'a>) {
    let mut items = match std::mem::replace(&mut existing.value, Value::Null) {
        Value::Array(items) => items,
        other => vec![Node {
            value: other,
            span: existing.span,
        }],
    };
    match more.value {
        Value::Array(more) => items.extend(more),
        other => items.push(Node {
            value: other,
            span: more.span,
        }),
    }
    existing.value = Value::Array(items);
}

/// Whether an HCL object reads as an IAM policy: a `Statement` whose statements (where
/// written out) have an `Effect` or an action, and no other policy language's `Version`.
/// SNS data protection policies, for one, have statements without either.
fn looks_like_policy(expr: &Expression) -> bool {
    let Expression::Object(object) = expr else {
        return false;
    };
    let key_is = |key: &ObjectKey, name: &str| match key {
        ObjectKey::Ident(ident) => ident.as_str() == name,
        ObjectKey::Expression(expr) => expr.as_str() == Some(name),
    };
    let get = |name: &str| {
        object
            .iter()
            .find(|(key, _)| key_is(key, name))
            .map(|(_, v)| v.expr())
    };
    if let Some(version) = get("Version").and_then(Expression::as_str) {
        if version != "2012-10-17" && version != "2008-10-17" {
            return false;
        }
    }
    let is_statement = |item: &Expression| match item {
        Expression::Object(statement) => statement.iter().any(|(key, _)| {
            ["Effect", "Action", "NotAction"]
                .iter()
                .any(|name| key_is(key, name))
        }),
        _ => true,
    };
    match get("Statement") {
        None => false,
        Some(Expression::Array(items)) => items.iter().all(is_statement),
        Some(statement) => is_statement(statement),
    }
}

/// `data.aws_iam_policy_document.NAME.json` (also `[0]`-indexed, and `.minified_json`).
fn policy_document_name(reference: &str) -> Option<&str> {
    let rest = reference.strip_prefix("data.aws_iam_policy_document.")?;
    let end = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(rest.len());
    let (name, tail) = rest.split_at(end);
    let tail = match tail.strip_prefix('[') {
        Some(indexed) => &indexed[indexed.find(']')? + 1..],
        None => tail,
    };
    matches!(tail, ".json" | ".minified_json").then_some(name)
}

/// The body of a heredoc (`<<EOF\n…\nEOF`): from after the opening line to the start of the
/// closing delimiter's line.
fn heredoc_body(text: &str, span: Span) -> (usize, usize) {
    let raw = &text[span.start..span.end];
    let start = raw.find('\n').map_or(raw.len(), |i| i + 1);
    let end = raw
        .trim_end()
        .rfind('\n')
        .map_or(start, |i| i + 1)
        .max(start);
    (span.start + start, span.start + end)
}

/// The value of a quoted HCL string with interpolations, from its text between the quotes:
/// interpolations stay as written, escapes are decoded.
fn unescape_template(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('r') => out.push('\r'),
                Some(other) => out.push(other),
                None => out.push('\\'),
            },
            '$' | '%' if chars.peek() == Some(&c) => {
                // `$${` is a literal `${`; `$$` before anything else is two dollars.
                chars.next();
                out.push(c);
                if chars.peek() != Some(&'{') {
                    out.push(c);
                }
            }
            _ => out.push(c),
        }
    }
    out
}

/// A template's JSON that does not parse: a syntax error, or, where directives were
/// blanked out, information that the template cannot be checked without their values.
pub fn template_error(error: crate::json::ParseError, directives: &[Span]) -> Diagnostic {
    match directives.first() {
        Some(&first) => Diagnostic::new(
            NOT_CHECKED,
            first,
            format!(
                "this template's JSON depends on its `%{{…}}` directives and cannot be checked without their values ({})",
                error.message
            ),
        )
        .help("render the template (`terraform plan`) and check the plan JSON, or write the policy with jsonencode"),
        None => {
            let mut d = Diagnostic::new(
                Code::J001,
                error.span,
                format!("invalid JSON: {}", error.message),
            )
            .help("fix the JSON syntax; policy documents are strict JSON (no comments or trailing commas)");
            if let Some((span, label)) = error.opened_at {
                d = d.label(span, label);
            }
            d
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree<'a>(doc: &'a Document) -> &'a Node<'a> {
        match &doc.body {
            Body::Tree(root) => root,
            Body::Text(_) => panic!("expected a tree"),
        }
    }

    fn at(text: &str, span: Span) -> &str {
        &text[span.start..span.end]
    }

    fn path<'a>(node: &'a Node<'a>, steps: &[&str]) -> &'a Node<'a> {
        let mut node = node;
        for step in steps {
            node = match (&node.value, step.parse::<usize>()) {
                (Value::Array(items), Ok(i)) => &items[i],
                _ => &node.get(step).unwrap_or_else(|| panic!("no {step}")).value,
            };
        }
        node
    }

    const ROLE: &str = r#"
resource "aws_iam_role" "app" {
  name               = "app"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

data "aws_iam_policy_document" "assume" {
  statement {
    sid     = "Assume"
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [var.account_id]
    }
  }
}
"#;

    #[test]
    fn policy_document_takes_its_kind_from_the_attribute_that_reads_it() {
        let read = read(ROLE);
        assert!(read.notes.is_empty(), "{:?}", read.notes);
        assert_eq!(read.documents.len(), 1);
        let doc = &read.documents[0];
        let consumer = doc.consumer.as_ref().unwrap();
        assert_eq!(consumer.kind, Some(PolicyKind::Trust));
        assert_eq!(consumer.address, "data.aws_iam_policy_document.assume");
        assert_eq!(consumer.pointer, "/data/aws_iam_policy_document/assume");
        assert!(consumer.reason.contains("aws_iam_role.assume_role_policy"));
        let root = tree(doc);
        assert_eq!(path(root, &["Version"]).as_str(), Some("2012-10-17"));
        let statement = path(root, &["Statement", "0"]);
        assert_eq!(path(statement, &["Effect"]).as_str(), Some("Allow"));
        let action = path(statement, &["Action", "0"]);
        assert_eq!(at(ROLE, action.span), "\"sts:AssumeRole\"");
        let services = path(statement, &["Principal", "Service"]);
        let Value::Array(items) = &services.value else {
            panic!("identifiers are merged into one list")
        };
        assert_eq!(items.len(), 2);
        assert_eq!(at(ROLE, items[1].span), "\"lambda.amazonaws.com\"");
        let account = path(
            statement,
            &["Condition", "StringEquals", "aws:SourceAccount", "0"],
        );
        assert_eq!(account.as_str(), Some("${var.account_id}"));
        assert_eq!(at(ROLE, account.span), "var.account_id");
        let key = statement.get("Action").unwrap().key_span;
        assert_eq!(at(ROLE, key), "actions");
    }

    #[test]
    fn unreferenced_policy_document_is_left_to_detection() {
        let text = "data \"aws_iam_policy_document\" \"x\" {\n  statement {\n    effect = \"Deny\"\n    actions = [\"*\"]\n    resources = [\"*\"]\n  }\n}\n";
        let read = read(text);
        let consumer = read.documents[0].consumer.as_ref().unwrap();
        assert_eq!(consumer.kind, None);
        let effect = path(tree(&read.documents[0]), &["Statement", "0", "Effect"]);
        assert_eq!(at(text, effect.span), "\"Deny\"");
    }

    #[test]
    fn jsonencode_in_a_key_policy_is_a_key_policy_with_hcl_spans() {
        let text = r#"resource "aws_kms_key" "app" {
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "Root"
      Effect    = "Allow"
      Principal = { AWS = "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root" }
      Action    = "kms:*"
      Resource  = "*"
    }]
  })
}
"#;
        let read = read(text);
        assert_eq!(read.documents.len(), 1);
        let consumer = read.documents[0].consumer.as_ref().unwrap();
        assert_eq!(consumer.kind, Some(PolicyKind::KmsKey));
        assert_eq!(consumer.resource_type.as_deref(), Some("aws_kms_key"));
        assert_eq!(consumer.address, "aws_kms_key.app");
        assert_eq!(consumer.pointer, "/resource/aws_kms_key/app/policy");
        let root = tree(&read.documents[0]);
        let statement = path(root, &["Statement", "0"]);
        assert_eq!(at(text, path(statement, &["Resource"]).span), "\"*\"");
        assert_eq!(
            at(text, statement.get("Resource").unwrap().key_span),
            "Resource"
        );
        assert_eq!(
            path(statement, &["Principal", "AWS"]).as_str(),
            Some("arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root")
        );
    }

    #[test]
    fn heredoc_json_keeps_spans_inside_the_heredoc() {
        let text = "resource \"aws_s3_bucket_policy\" \"b\" {\n  bucket = aws_s3_bucket.b.id\n  policy = <<-EOF\n    {\n      \"Version\": \"2012-10-17\",\n      \"Statement\": [{\"Effect\": \"Allow\", \"Principal\": \"*\", \"Action\": \"s3:GetObject\",\n        \"Resource\": \"arn:aws:s3:::${var.bucket}/$${aws:username}/*\"}]\n    }\n  EOF\n}\n";
        let read = read(text);
        assert!(read.notes.is_empty(), "{:?}", read.notes);
        let doc = &read.documents[0];
        assert_eq!(
            doc.consumer.as_ref().unwrap().kind,
            Some(PolicyKind::Resource)
        );
        let resource = path(tree(doc), &["Statement", "0", "Resource"]);
        assert_eq!(
            resource.as_str(),
            Some("arn:aws:s3:::${var.bucket}/${aws:username}/*")
        );
        assert_eq!(
            at(text, resource.span),
            "\"arn:aws:s3:::${var.bucket}/$${aws:username}/*\""
        );
    }

    #[test]
    fn plain_heredoc_is_json_text_at_its_offset() {
        let text = "resource \"aws_iam_policy\" \"p\" {\n  policy = <<EOF\n{\"Version\": \"2012-10-17\", \"Statement\": []}\nEOF\n}\n";
        let read = read(text);
        let doc = &read.documents[0];
        let Body::Text(json) = doc.body else {
            panic!("expected text")
        };
        assert_eq!(json, "{\"Version\": \"2012-10-17\", \"Statement\": []}\n");
        assert_eq!(&text[doc.offset..doc.offset + 1], "{");
    }

    #[test]
    fn file_and_templatefile_with_a_literal_path_are_file_uses() {
        let text = r#"resource "aws_kms_key" "k" {
  policy = templatefile("${path.module}/policies/key.json.tpl", { account_id = var.account })
}
resource "aws_iam_role" "r" {
  assume_role_policy = file("./trust.json")
}
resource "aws_iam_policy" "p" {
  policy = file(var.path)
}
"#;
        let read = read(text);
        let files: Vec<(&str, Option<PolicyKind>)> = read
            .files
            .iter()
            .map(|f| (f.path.as_str(), f.consumer.kind))
            .collect();
        assert_eq!(
            files,
            vec![
                ("policies/key.json.tpl", Some(PolicyKind::KmsKey)),
                ("trust.json", Some(PolicyKind::Trust)),
            ]
        );
    }

    #[test]
    fn organizations_policy_kind_follows_its_type() {
        let text = r#"resource "aws_organizations_policy" "rcp" {
  type    = "RESOURCE_CONTROL_POLICY"
  content = jsonencode({ Version = "2012-10-17", Statement = [] })
}
resource "aws_organizations_policy" "scp" {
  content = jsonencode({ Version = "2012-10-17", Statement = [] })
}
resource "aws_organizations_policy" "tag" {
  type    = "TAG_POLICY"
  content = jsonencode({ tags = {} })
}
"#;
        let kinds: Vec<Option<PolicyKind>> = read(text)
            .documents
            .iter()
            .map(|d| d.consumer.as_ref().unwrap().kind)
            .collect();
        assert_eq!(kinds, vec![Some(PolicyKind::Rcp), Some(PolicyKind::Scp)]);
    }

    #[test]
    fn policy_through_a_local_and_a_module_input() {
        let text = r#"locals {
  key_policy = jsonencode({ Version = "2012-10-17", Statement = [] })
}
resource "aws_kms_key" "k" {
  policy = local.key_policy
}
module "bucket" {
  source = "./bucket"
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "s3:*", Resource = "*" }] })
}
"#;
        let read = read(text);
        let found: Vec<(Option<PolicyKind>, &str)> = read
            .documents
            .iter()
            .map(|d| {
                let c = d.consumer.as_ref().unwrap();
                (c.kind, c.address.as_str())
            })
            .collect();
        // The local is read where a resource consumes it (with its kind), and the walk of the
        // `locals` block finds it too only when nothing decides it: here it holds a Statement.
        assert!(found.contains(&(Some(PolicyKind::KmsKey), "aws_kms_key.k")));
        assert!(found.contains(&(None, "module.bucket")));
    }

    #[test]
    fn kind_flows_into_source_policy_documents() {
        let text = r#"resource "aws_iam_policy" "p" {
  policy = data.aws_iam_policy_document.combined.json
}
data "aws_iam_policy_document" "combined" {
  source_policy_documents = [data.aws_iam_policy_document.base.json]
}
data "aws_iam_policy_document" "base" {
  statement {
    actions   = ["s3:GetObject"]
    resources = ["*"]
  }
}
"#;
        let read = read(text);
        let base = read
            .documents
            .iter()
            .find(|d| d.consumer.as_ref().unwrap().address.ends_with(".base"))
            .unwrap();
        assert_eq!(
            base.consumer.as_ref().unwrap().kind,
            Some(PolicyKind::Identity)
        );
        assert!(read
            .notes
            .iter()
            .any(|n| n.code == NOT_CHECKED && n.message.contains("source_policy_documents")));
    }

    #[test]
    fn duplicate_attributes_and_syntax_errors_are_reported_at_their_place() {
        let text = "resource \"aws_iam_policy\" \"p\" {\n  name = \"a\"\n  name = \"b\"\n}\n";
        let read = read(text);
        assert_eq!(read.notes.len(), 1);
        assert_eq!(read.notes[0].code, Code::J002);
        assert_eq!(at(text, read.notes[0].span), "name");
        assert!(read.notes[0].message.contains("`name`"));
        assert_eq!(read.notes[0].span.start, text.rfind("name").unwrap());

        let text = "resource \"aws_iam_policy\" \"p\" {\n  policy = <<EOF\n{}\n";
        let read = super::read(text);
        assert_eq!(read.notes.len(), 1);
        assert_eq!(read.notes[0].code, HCL_SYNTAX);
        assert!(read.notes[0].message.starts_with("invalid HCL"));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = format!("x = {}{}", "[".repeat(50_000), "]".repeat(50_000));
        let read = read(&text);
        assert_eq!(read.notes[0].code, HCL_SYNTAX);
    }

    #[test]
    fn statements_known_only_when_rendered_are_noted_not_guessed() {
        let text = r#"resource "aws_sqs_queue_policy" "q" {
  policy = data.aws_iam_policy_document.q.json
}
data "aws_iam_policy_document" "q" {
  statement {
    actions       = ["sqs:SendMessage"]
    resources     = try(var.resources, null)
    not_resources = try(var.not_resources, null)
    principals {
      type        = "Service"
      identifiers = ["sns.amazonaws.com"]
    }
  }
  statement {
    actions = ["sqs:ReceiveMessage"]
    dynamic "principals" {
      for_each = var.readers
      content {
        type        = principals.value.type
        identifiers = principals.value.identifiers
      }
    }
  }
  dynamic "statement" {
    for_each = var.statements
    content {
      sid     = "Same"
      actions = statement.value.actions
    }
  }
}
"#;
        let read = read(text);
        let notes: Vec<&str> = read.notes.iter().map(|n| n.message.as_str()).collect();
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert!(notes[0].contains("`dynamic \"principals\"`"));
        assert!(notes[1].contains("`actions` comes from the `for_each`"));
        let root = tree(&read.documents[0]);
        let Value::Array(statements) = &path(root, &["Statement"]).value else {
            panic!("statements")
        };
        assert_eq!(statements.len(), 1, "only the statement that can be read");
        // `try(…, null)` may leave the attribute unset: neither Resource nor NotResource.
        assert!(statements[0].get("Resource").is_none());
        assert!(statements[0].get("NotResource").is_none());
    }

    #[test]
    fn concat_keeps_the_literal_lists() {
        let text = r#"resource "aws_iam_policy" "p" {
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = concat([{ Effect = "Allow", Action = "s3:GetObject", Resource = "*" }], var.more)
  })
}
"#;
        let read = read(text);
        let action = path(tree(&read.documents[0]), &["Statement", "0", "Action"]);
        assert_eq!(at(text, action.span), "\"s3:GetObject\"");
    }

    #[test]
    fn other_policy_languages_are_not_read_as_iam() {
        let text = r#"module "sns" {
  data_protection_policy = jsonencode({
    Name    = "x"
    Version = "2021-06-01"
    Statement = [{ DataDirection = "Inbound", Principal = ["*"], Operation = { Deny = {} } }]
  })
  topic_policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "sns:Publish" }] })
}
"#;
        let read = read(text);
        let addresses: Vec<&str> = read
            .documents
            .iter()
            .map(|d| d.consumer.as_ref().unwrap().pointer.as_str())
            .collect();
        assert_eq!(addresses, vec!["/module/sns/topic_policy"]);
    }

    #[test]
    fn a_local_string_is_read_at_its_reference() {
        let text = "locals {\n  root = \"arn:aws:iam::${var.account}:root\"\n}\nresource \"aws_kms_key\" \"k\" {\n  policy = jsonencode({ Statement = [{ Principal = { AWS = local.root } }] })\n}\n";
        let read = read(text);
        let aws = path(
            tree(&read.documents[0]),
            &["Statement", "0", "Principal", "AWS"],
        );
        assert_eq!(aws.as_str(), Some("arn:aws:iam::${var.account}:root"));
        assert_eq!(at(text, aws.span), "local.root");
    }

    #[test]
    fn reference_names() {
        assert_eq!(
            policy_document_name("data.aws_iam_policy_document.a_b.json"),
            Some("a_b")
        );
        assert_eq!(
            policy_document_name("data.aws_iam_policy_document.x[0].minified_json"),
            Some("x")
        );
        assert_eq!(
            policy_document_name("data.aws_iam_policy_document.x.id"),
            None
        );
        assert_eq!(unescape_template(r#"a\"b$${x}$$y%%{z"#), "a\"b${x}$$y%{z");
    }
}
