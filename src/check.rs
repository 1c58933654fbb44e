//! The pipeline for one file: bytes → text → documents → JSON → policy → kind → rules →
//! findings placed in the host file. Each stage hands its result forward only.

use crate::catalog::Catalog;
use crate::code::Code;
use crate::config::Config;
use crate::configs::{ConfigRef, ConfigSet};
use crate::diagnostic::{Diagnostic, Finding};
use crate::filter::inline;
use crate::json::{self, Span};
use crate::location::{Host, Locate};
use crate::outcome::InputError;
pub use crate::outcome::{DocumentReport, FileReport};
use crate::place::RuleSet;
use crate::policy::{self, PolicyKind};
use crate::rules::{self, relate, Context};
use crate::source::extract::{self, Body, Container};
use crate::source::{self, read, FileFormat, Input, Origin};
use std::path::Path;
use std::sync::Arc;

/// How a run is set up, shared by every file.
#[derive(Default)]
pub struct Options {
    /// The run's config: every file's unless `configs` finds one nearer to the file, and the
    /// settings of the whole run.
    pub config: Config,
    /// Each file's nearest config (see [`ConfigSet`]); by default none, so `config` for all.
    pub configs: ConfigSet,
    /// `--kind`: overrides the config's path mapping and detection for every document.
    pub kind: Option<PolicyKind>,
    /// Keep the text of files with findings, for emitters that show source lines.
    pub keep_sources: bool,
    /// `--policies-only`: a file named on the command line is treated like one found by a
    /// walk, so JSON that is not a policy is skipped quietly (hooks pass every changed file).
    pub policies_only: bool,
    /// The catalog (`--catalog FILE`, the config's `catalog`, or the embedded one) and
    /// what the run has looked up in it, shared by every file.
    pub lookups: crate::rules::Lookups,
}

impl Options {
    /// The AWS action catalog the rules consult. Services are parsed on first use.
    pub fn catalog(&self) -> &Catalog {
        self.lookups.catalog()
    }

    /// The config that governs the file at `path`.
    pub fn config_for(&self, path: &Path) -> Result<ConfigRef<'_>, String> {
        self.configs.for_path(path, &self.config, self.catalog())
    }
}

/// Checks one file's bytes. `path` is what findings will show; `file_path` is used to
/// match the config's path globs.
pub fn check_bytes(
    path: &str,
    file_path: &Path,
    bytes: Vec<u8>,
    format: FileFormat,
    origin: Origin,
    opts: &Options,
) -> FileReport {
    check_text(path, file_path, read::decode(bytes), format, origin, opts)
}

/// Checks one file's text (see [`check_bytes`]).
pub fn check_text(
    path: &str,
    file_path: &Path,
    text: read::Text,
    format: FileFormat,
    origin: Origin,
    opts: &Options,
) -> FileReport {
    check_file(
        path,
        file_path,
        text,
        format,
        origin,
        None,
        &opts.config,
        opts,
    )
    .0
}

/// Checks one file; `consumer`, for a file a template reads as a policy (Terraform's
/// `file("key.json")`), decides the kind of its whole-file document; `config` is the file's.
#[allow(clippy::too_many_arguments)]
fn check_file(
    path: &str,
    file_path: &Path,
    text: read::Text,
    format: FileFormat,
    origin: Origin,
    consumer: Option<&extract::Consumer>,
    config: &Config,
    opts: &Options,
) -> (FileReport, relate::FileFacts) {
    let rule_set = RuleSet::for_path(config, file_path);
    let (diagnostics, placed_in) = SPARE_LISTS.take();
    let mut file = FileCheck {
        host: Host::new(Arc::from(path), &text.text),
        diagnostics,
        placed_in,
        documents: Vec::new(),
        format,
        resources: Vec::new(),
        facts: relate::FileFacts {
            x001_enabled: rule_set.enabled(Code::X001).is_some(),
            ..relate::FileFacts::default()
        },
    };

    if let Some(problem) = &text.problem {
        file.push(
            Diagnostic::new(problem.code, problem.span, problem.message.clone()),
            0,
            None,
            None,
        );
        if problem.fatal {
            return file.finish(opts, &rule_set);
        }
    }
    let mut unquoted = std::borrow::Cow::Borrowed("");
    let mut extracted = extract::by_format(&text.text, text.body_offset, format, &mut unquoted);
    if let Some(starts) = extracted.line_starts.take() {
        file.host.know_line_starts(starts);
    }
    for problem in extracted.problems.iter().cloned() {
        file.push(problem, 0, None, None);
    }
    if origin != Origin::Stdin {
        // A nested template given as a local path is checked as a file of its own (see
        // `source::nested`); here its parent learns when it is not there.
        let folder = file_path.parent().unwrap_or(Path::new(""));
        // Named in the message as the file's path is shown.
        let shown_folder = Path::new(path).parent().unwrap_or(Path::new(""));
        for nested in &extracted.local_templates {
            if !folder.join(&nested.path).is_file() {
                let looked_for = source::nested::tidy(&shown_folder.join(&nested.path));
                let d = Diagnostic::new(
                    Code::J012,
                    nested.span,
                    format!(
                        "the nested template `{}` is not there: no file at `{}`",
                        nested.path,
                        looked_for.display()
                    ),
                )
                .at(nested.pointer.clone());
                file.push(d, 0, None, None);
            }
        }
    }
    for open in &extracted.unterminated {
        let d = Diagnostic::new(
            Code::J007,
            *open,
            "this code fence is never closed, so it runs to the end of the file",
        )
        .help("close the fence with a line of the same backticks or tildes");
        file.push(d, 0, None, None);
    }
    if let Some(consumer) = consumer {
        for doc in &mut extracted.documents {
            if doc.container == Container::WholeFile && doc.consumer.is_none() {
                doc.consumer = Some(consumer.clone());
            }
        }
    }
    for (index, doc) in extracted.documents.iter().enumerate() {
        let parsed;
        let (root, facts) = match &doc.body {
            Body::Tree(root) => (root, doc.facts),
            Body::Text(text) => match json::parse_with_facts(text) {
                Ok((root, facts)) => {
                    parsed = root;
                    (&parsed, Some(facts))
                }
                Err(err) => {
                    if reports_syntax_errors(doc, origin) {
                        let mut d = Diagnostic::new(Code::J001, err.span, format!("invalid JSON: {}", err.message))
                        .help("fix the JSON syntax; policy documents are strict JSON (no comments or trailing commas)");
                        if let Some((span, label)) = err.opened_at {
                            d = d.label(span, label);
                        }
                        file.push(d, index, Some(doc.offset), None);
                    }
                    continue;
                }
            },
        };
        if root.members().is_none() || !policy::looks_like_policy(root) {
            if doc.container == Container::WholeFile && origin != Origin::Walk {
                let what = match root.members() {
                    None => format!("its top-level value is {}", root.type_name()),
                    Some(_) => "it has no `Statement`".to_string(),
                };
                let start = root.span.start;
                let d = Diagnostic::new(Code::J005, Span::new(start, start + 1), format!("not a policy document: {what}"))
                    .help("iamlint checks IAM and KMS policy documents, objects with `Version` and `Statement`");
                file.push(d, index, Some(doc.offset), None);
            }
            continue;
        }
        let model = policy::build(root);
        // Flag, then config, then what consumes the document in a template, then detection.
        let consumed = doc
            .consumer
            .as_ref()
            .and_then(|c| Some((c.kind?, c.reason.clone())));
        // Detection cannot tell an SCP from an identity policy: when the document looks like
        // an organization policy, the findings that kind would not raise say how to mark it.
        let mut resembles = None;
        let from_config = config.held_for(file_path);
        let classification = match (
            opts.kind,
            from_config.clone().map(|(kind, reason, _)| (kind, reason)),
            consumed,
        ) {
            (Some(kind), _, _) => policy::Classification {
                kind,
                reason: "flag: --kind".into(),
            },
            (None, Some((kind, reason)), _) => policy::Classification {
                kind,
                reason: reason.into(),
            },
            (None, None, Some((kind, reason))) => policy::Classification {
                kind,
                reason: reason.into(),
            },
            (None, None, None) => {
                let detected = policy::classify(&model);
                resembles = policy::kind::resembles_organization_policy(&model)
                    .filter(|&org| org != detected.kind)
                    .map(|org| (org, detected.kind));
                detected
            }
        };
        let kind = classification.kind;
        let line = file.line_of(doc.offset + root.span.start);
        if let Some(consumer) = &doc.consumer {
            file.resources.push((index, consumer.resource));
        }
        file.documents.push(DocumentReport {
            path: file.host.path().clone(),
            document: index,
            line,
            kind,
            kind_reason: classification.reason,
            address: doc.consumer.as_ref().map(|c| c.address.clone()),
            resource_type: doc.consumer.as_ref().and_then(|c| c.resource_type.clone()),
        });
        let mut cx = Context::new(&model, kind, &opts.lookups, &config.trusted_accounts);
        cx.forbidden = &config.forbidden;
        cx.json_facts = facts;
        // A template's resource, else what the config says holds the file.
        cx.resource_type = doc
            .consumer
            .as_ref()
            .and_then(|c| c.resource_type.as_deref())
            .or(from_config
                .as_ref()
                .filter(|_| opts.kind.is_none())
                .and_then(|(_, _, held)| *held));
        // The rules add their findings to the file's list, where they are finished in place.
        let first = file.diagnostics.len();
        rules::run(
            &cx,
            |m| rule_set.enabled(m.id).is_some(),
            &mut file.diagnostics,
        );
        // Each statement's `Sid` as its findings share it, by the statement's place: copied
        // once, not once a finding.
        let mut sids: Vec<Option<Arc<str>>> = Vec::new();
        for d in &mut file.diagnostics[first..] {
            d.sid = sid_at(&model, &d.pointer).map(|(at, sid)| {
                if sids.len() <= at {
                    sids.resize(at + 1, None);
                }
                sids[at].get_or_insert_with(|| Arc::from(sid)).clone()
            });
            if let Some((org, detected)) = resembles {
                mark_as_hint(d, org, detected);
            }
            in_template(doc.consumer.as_ref(), &mut d.pointer);
            shift(d, doc.offset);
        }
        let placed = file.diagnostics.len();
        file.placed_in.resize(placed, (index, Some(kind)));
        let mut facts = relate::collect(
            &model,
            kind,
            index,
            doc.offset,
            format == FileFormat::Markdown,
            doc.consumer.as_ref().map(|c| c.address.as_str()),
            doc.consumer.as_ref().map_or(&[][..], |c| &c.readers),
        );
        if doc.consumer.is_some() {
            let anchors = facts.key.iter_mut().map(|k| &mut k.anchor);
            let grants = facts.grants.iter_mut().map(|g| &mut g.anchor);
            let template_grants = facts.template_grants.iter_mut().map(|(g, _)| &mut g.anchor);
            for anchor in anchors.chain(grants).chain(template_grants) {
                in_template(doc.consumer.as_ref(), &mut anchor.pointer);
            }
        }
        file.facts.documents.push(facts);
    }
    if let Some(format) = extracted.format {
        // Not when something was said about the file already (a policy that does not parse).
        if file.documents.is_empty() && file.diagnostics.is_empty() && origin != Origin::Walk {
            let d = Diagnostic::new(
                Code::J009,
                Span::new(text.body_offset, text.body_offset),
                format!("{format} recognised, but it holds no policy document"),
            );
            file.push(d, 0, None, None);
        }
    }
    file.relate();
    file.finish(opts, &rule_set)
}

/// Reads and checks one input of a run; with the facts its documents leave for relating
/// them to other files' (X001).
pub(crate) fn check_input(
    input: &Input,
    opts: &Options,
) -> Result<(FileReport, relate::FileFacts), InputError> {
    let error = |message: String| InputError {
        path: input.display().into_owned(),
        message,
    };
    let config = match input.origin {
        Origin::Stdin => ConfigRef::Run(&opts.config),
        _ => opts
            .config_for(&input.path)
            .map_err(|e| error(format!("config error: {e}")))?,
    };
    let (bytes, format) = match input.origin {
        Origin::Stdin => {
            let bytes = read::stdin().map_err(error)?;
            let format = match &bytes {
                Ok(b) => source::sniff_format(&String::from_utf8_lossy(&b[..b.len().min(4096)])),
                Err(_) => source::FileFormat::Json,
            };
            (bytes, format)
        }
        Origin::Walk => (
            read::read_walked_file(&input.path).map_err(error)?,
            source::format_of(&input.path),
        ),
        Origin::Explicit => (
            read::read_file(&input.path).map_err(error)?,
            source::format_of(&input.path),
        ),
    };
    let text = match bytes {
        Ok(bytes) => read::decode(bytes),
        Err(size) => read::too_large(size),
    };
    // A file a Terraform module reads (`templatefile("key.json", …)`) is a template.
    let format = match format {
        FileFormat::Json if input.consumer.is_some() => FileFormat::TerraformTemplate,
        format => format,
    };
    let origin = match input.origin {
        Origin::Explicit if opts.policies_only => Origin::Walk,
        origin => origin,
    };
    Ok(check_file(
        &input.display(),
        &input.path,
        text,
        format,
        origin,
        input.consumer.as_deref(),
        &config,
        opts,
    ))
}

/// A document's pointer as a path in its template: the consumer's pointer continued (without
/// the `/Statement` step a reader added around a bare list of statements).
fn in_template(consumer: Option<&extract::Consumer>, pointer: &mut String) {
    let Some(consumer) = consumer else {
        return;
    };
    if consumer.bare_statements {
        if let Some(rest) = pointer.strip_prefix("/Statement") {
            *pointer = rest.to_string();
        }
    }
    pointer.insert_str(0, &consumer.pointer);
}

/// Adds to the help of a finding that `org` (an SCP or RCP kind) would not raise how to
/// check the document as that kind.
fn mark_as_hint(d: &mut Diagnostic, org: PolicyKind, detected: PolicyKind) {
    let meta = d.code.meta();
    let applies = meta.kinds.is_empty() || meta.kinds.contains(&org);
    if applies {
        return;
    }
    let name = org.as_str();
    let hint = format!(
        "this document looks like an {upper} but was detected as {detected}: if it is one, check it \
         with `--kind {name}` or map its path to \"{name}\" under `[kinds]` in iamlint.toml",
        upper = name.to_ascii_uppercase()
    );
    d.help = Some(match d.help.take() {
        Some(help) => format!("{help}; {hint}").into(),
        None => hint.into(),
    });
}

/// The `Sid` of the statement a JSON pointer lies in, if that statement has a string `Sid`,
/// with the statement's place in the model's list.
/// Found by the statement's index, not by comparing pointers: a policy can have 150,000
/// statements, each with a finding.
fn sid_at<'m>(model: &'m policy::Policy, pointer: &str) -> Option<(usize, &'m str)> {
    let (at, statement) = match model.statements.first() {
        // `Statement` is one object: every pointer under it is in that statement.
        Some(only) if only.pointer == "/Statement" => (0, only),
        _ => {
            let rest = pointer.strip_prefix("/Statement/")?;
            // The index's few digits end at the next `/` (a byte search, not a pattern's).
            let digits = rest.bytes().position(|b| b == b'/').unwrap_or(rest.len());
            let index = rest[..digits].parse::<usize>().ok()?;
            // Statements are in array order; items that are not objects are left out.
            let at = model
                .statements
                .binary_search_by_key(&index, |s| s.index)
                .ok()?;
            (at, &model.statements[at])
        }
    };
    let inside = pointer
        .strip_prefix(statement.pointer.as_str())
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'));
    if !inside {
        return None;
    }
    let sid = statement.sid?.value.as_str()?;
    Some((at, sid))
}

/// A syntax error is worth reporting when the text was meant as a policy: a file named on
/// the command line, or a walked file or `json` fence that mentions `Statement`.
fn reports_syntax_errors(doc: &extract::Document, origin: Origin) -> bool {
    match (doc.container, origin) {
        (Container::WholeFile, Origin::Explicit | Origin::Stdin) => true,
        (Container::PlainFence, _) => false,
        (Container::Template, _) => true,
        _ => matches!(doc.body, Body::Text(text) if text.contains("\"Statement\"")),
    }
}

/// The document a diagnostic of a file is in, and the document's kind.
type PlacedIn = (usize, Option<PolicyKind>);

thread_local! {
    /// A thread's lists of a file's diagnostics and where they are, kept empty between
    /// files: each is allocated once a thread, not grown anew for each file.
    static SPARE_LISTS: std::cell::Cell<(Vec<Diagnostic>, Vec<PlacedIn>)> =
        const { std::cell::Cell::new((Vec::new(), Vec::new())) };
}

/// A diagnostic of a document moved `offset` bytes later (document → host file).
fn shift(d: &mut Diagnostic, offset: usize) {
    d.span = d.span.shift(offset);
    for label in &mut d.labels {
        label.span = label.span.shift(offset);
    }
}

/// Lists longer than this (a hostile or generated file) are not kept for the next file.
const SPARE_KEPT: usize = 1024;

/// An emptied list to keep for the next file, unless it grew too long.
fn spare<T>(mut list: Vec<T>) -> Vec<T> {
    list.clear();
    if list.capacity() > SPARE_KEPT {
        return Vec::new();
    }
    list
}

struct FileCheck<'a> {
    host: Host<'a>,
    /// Diagnostics in host-file coordinates.
    diagnostics: Vec<Diagnostic>,
    /// Each diagnostic's document and its kind, in the same order.
    placed_in: Vec<PlacedIn>,
    documents: Vec<DocumentReport>,
    format: FileFormat,
    /// Each template document's resource name in the host, for suppression comments.
    resources: Vec<(usize, Span)>,
    facts: relate::FileFacts,
}

impl FileCheck<'_> {
    /// Places the documents' facts and relates the documents of this file to each other.
    fn relate(&mut self) {
        let mut facts = std::mem::take(&mut self.facts);
        facts.place(&mut self.host);
        for (d, document) in relate::within_file(&facts.documents) {
            let kind = facts
                .documents
                .iter()
                .find(|f| f.document == document)
                .map(|f| f.kind);
            self.push(d, document, None, kind);
        }
        facts.shrink();
        self.facts = facts;
    }

    fn push(
        &mut self,
        mut d: Diagnostic,
        document: usize,
        offset: Option<usize>,
        kind: Option<PolicyKind>,
    ) {
        shift(&mut d, offset.unwrap_or(0));
        self.diagnostics.push(d);
        self.placed_in.push((document, kind));
    }

    fn line_of(&mut self, offset: usize) -> usize {
        self.host.index().position(offset).line
    }

    fn finish(mut self, opts: &Options, rule_set: &RuleSet) -> (FileReport, relate::FileFacts) {
        let comments = match self.format {
            FileFormat::Yaml | FileFormat::Terraform => {
                let syntax = match self.format {
                    FileFormat::Terraform => inline::Syntax::Hcl,
                    _ => inline::Syntax::Yaml,
                };
                let text = self.host.text();
                inline::comments(text, self.host.index(), syntax)
            }
            _ => Vec::new(),
        };
        for d in inline::missing_reasons(&comments) {
            self.push(d, 0, None, None);
        }
        // Placed in the order of their offsets and codes, which is nearly the report's:
        // the small keys are sorted, not the findings (see `sort_placed`).
        let mut diagnostics = std::mem::take(&mut self.diagnostics);
        let placed_in = std::mem::take(&mut self.placed_in);
        // Each key is (start, code, place among those made) as one number, which sorts
        // faster than a tuple of the three.
        let mut order: Vec<u128> = diagnostics
            .iter()
            .zip(0u32..)
            .map(|(d, made)| {
                (d.span.start as u128) << 64 | (d.code as u128) << 32 | u128::from(made)
            })
            .collect();
        order.sort_unstable();
        let mut findings = Vec::with_capacity(diagnostics.len());
        let mut made = Vec::with_capacity(diagnostics.len());
        for key in order {
            let at = key as u32;
            // Each placed where it lies in the list (taken from it, not moved out whole).
            let (Some(d), Some(&(document, kind))) =
                (diagnostics.get_mut(at as usize), placed_in.get(at as usize))
            else {
                continue;
            };
            if let Some(finding) = rule_set.place_from(d, &mut self.host, document, kind) {
                findings.push(finding);
                made.push(at);
            }
        }
        SPARE_LISTS.set((spare(diagnostics), spare(placed_in)));
        // The report's order; every finding of one file shares the path, so it is not
        // compared.
        crate::diagnostic::sort_placed(&mut findings, &made);
        if comments.iter().any(|c| c.reason) {
            self.facts.x001_ignored_lines = self.x001_ignored_lines(&comments);
            self.drop_commented(&mut findings, &comments);
        }
        crate::place::share_snippets(&mut findings, &self.host);
        // A file whose grants another file's key policy may judge keeps its text too.
        let source = (opts.keep_sources && (!findings.is_empty() || self.facts.may_relate()))
            .then(|| self.host.text().to_string());
        let file = FileReport {
            path: self.host.path().clone(),
            documents: self.documents,
            findings,
            source,
        };
        (file, self.facts)
    }

    /// Drops the findings a suppression comment with a reason names, on the finding's line
    /// or on its resource's.
    /// The lines whose grants X001 may not be reported on, by this file's comments: a
    /// comment's own target line, and every line of a resource whose first line it targets.
    /// (Only a file with grants needs them: they judge findings other files add.)
    fn x001_ignored_lines(&mut self, comments: &[inline::Comment]) -> Vec<usize> {
        let x001 = Code::X001.meta();
        let targets: Vec<usize> = comments
            .iter()
            .filter(|c| c.reason && c.names(x001.code, x001.name))
            .map(|c| c.target)
            .collect();
        if targets.is_empty() || !self.facts.may_relate() {
            return Vec::new();
        }
        let mut lines = targets.clone();
        let resource_lines: Vec<(usize, usize)> = self
            .resources
            .clone()
            .into_iter()
            .map(|(document, span)| (document, self.line_of(span.start)))
            .collect();
        for doc in &self.facts.documents {
            let Some(&(_, line)) = resource_lines.iter().find(|(d, _)| *d == doc.document) else {
                continue;
            };
            if targets.contains(&line) {
                let grants = doc
                    .grants
                    .iter()
                    .chain(doc.template_grants.iter().map(|(g, _)| g));
                lines.extend(grants.map(|g| g.anchor.spot.start.line));
            }
        }
        lines
    }

    fn drop_commented(&mut self, findings: &mut Vec<Finding>, comments: &[inline::Comment]) {
        let resource_lines: Vec<(usize, usize)> = std::mem::take(&mut self.resources)
            .into_iter()
            .map(|(document, span)| (document, self.line_of(span.start)))
            .collect();
        findings.retain(|f| {
            let resource = resource_lines
                .iter()
                .find(|(document, _)| *document == f.document)
                .map(|(_, line)| *line);
            !comments.iter().any(|c| {
                c.reason
                    && c.names(f.rule, f.name)
                    && (c.target == f.line || Some(c.target) == resource)
            })
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sid_at_finds_the_statement_by_its_index() {
        let array =
            json::parse(r#"{"Statement": [{"Sid": "A"}, 7, {"Effect": "Allow"}, {"Sid": "D"}]}"#)
                .unwrap();
        let model = policy::build(&array);
        assert_eq!(sid_at(&model, "/Statement/0/Resource"), Some((0, "A")));
        assert_eq!(sid_at(&model, "/Statement/3"), Some((2, "D")));
        // Not an object, no `Sid`, no such statement, not a statement's pointer.
        assert_eq!(sid_at(&model, "/Statement/1/Sid"), None);
        assert_eq!(sid_at(&model, "/Statement/2/Effect"), None);
        assert_eq!(sid_at(&model, "/Statement/9"), None);
        assert_eq!(sid_at(&model, "/Statement/03"), None);
        assert_eq!(sid_at(&model, "/Version"), None);
        let object = json::parse(r#"{"Statement": {"Sid": "One", "Action": "s3:*"}}"#).unwrap();
        let model = policy::build(&object);
        assert_eq!(sid_at(&model, "/Statement/Action"), Some((0, "One")));
        assert_eq!(sid_at(&model, "/Statementx"), None);
    }
}
