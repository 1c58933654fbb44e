//! `--format json`: findings, the documents with their kind and why, and the summary.
//!
//! Written exactly as `serde_json::to_writer_pretty` writes the whole object, but the
//! findings, by far its largest part, are rendered a file at a time on the thread that
//! checked the file, and written as the files stream past; the documents, which follow
//! them, are kept until the end.

use crate::code::Code;
use crate::diagnostic::{Finding, Severity};
use crate::outcome::DocumentReport;
use crate::outcome::Report;
use crate::policy::PolicyKind;
use crate::rules::RuleMeta;
use crate::sink::Checked;
use serde::Serialize;
use std::borrow::Cow;
use std::io::{self, Write};
use std::sync::OnceLock;

/// A document as the end of the output lists it, kept compact until then: its path is
/// looked up by its input when the list is written.
#[derive(Clone, Debug)]
pub struct Document {
    pub input: usize,
    document: u32,
    line: u32,
    kind: PolicyKind,
    kind_reason: Cow<'static, str>,
    /// A template document's resource: its address and type (rare: boxed).
    template: Option<Box<(Option<String>, Option<String>)>>,
}

impl Document {
    pub fn new(input: usize, d: &DocumentReport) -> Self {
        Document {
            input,
            // Files are at most 16 MiB, so both fit; saturate rather than wrap regardless.
            document: u32::try_from(d.document).unwrap_or(u32::MAX),
            line: u32::try_from(d.line).unwrap_or(u32::MAX),
            kind: d.kind,
            kind_reason: d.kind_reason.clone(),
            template: (d.address.is_some() || d.resource_type.is_some())
                .then(|| Box::new((d.address.clone(), d.resource_type.clone()))),
        }
    }
}

/// The documents of the groups rendered so far, in the order they came. A group's first is
/// kept inline: most groups are one file of one document, and a list of one would be an
/// allocation a file (freed on the writing thread).
#[derive(Default)]
pub struct Documents {
    first: Option<Document>,
    more: Vec<Document>,
}

impl Documents {
    fn push(&mut self, d: Document) {
        if self.first.is_none() && self.more.is_empty() {
            self.first = Some(d);
        } else {
            self.more.push(d);
        }
    }

    /// `other`'s after these.
    pub fn append(&mut self, other: Documents) {
        match (self.first.is_none() && self.more.is_empty(), other.first) {
            (true, first) => {
                self.first = first;
                self.more = other.more;
            }
            (false, first) => {
                self.more.extend(first);
                self.more.extend(other.more);
            }
        }
    }

    /// All of them, sorted by input (stable: one input's keep their order).
    fn sorted(&mut self) -> &[Document] {
        if let Some(first) = self.first.take() {
            self.more.insert(0, first);
        }
        self.more.sort_by_key(|d| d.input);
        &self.more
    }
}

/// Everything after `documents`, in the output's order.
#[derive(Serialize)]
struct Rest<'a> {
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    errors: &'a [crate::outcome::InputError],
    summary: &'a crate::outcome::Summary,
}

pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let style = super::Style::plain();
    super::write(report, super::Format::Json, &style, out)
}

/// The opening of the object, before the first finding.
pub const OPENING: &[u8] = b"{\n  \"findings\": [";

/// Closes `findings` (`any`: whether it has items) and writes the rest of the object: the
/// documents (in input order), the errors and the summary.
pub fn finish(
    out: &mut dyn Write,
    any: bool,
    documents: &[Document],
    end: &super::End,
) -> io::Result<()> {
    out.write_all(if any { b"\n  ]," } else { b"]," })?;
    write_documents(out, documents, end.path_of)?;
    out.write_all(b",")?;
    let rest = Rest {
        errors: end.errors,
        summary: end.summary,
    };
    // Written as its own object without its opening `{`: the members follow `documents`.
    let mut members = WithoutFirstByte {
        out,
        skipped: false,
    };
    serde_json::to_writer_pretty(&mut members, &rest)?;
    writeln!(out)
}

/// The `documents` member (in input order, each path looked up as it is written), byte for
/// byte as `serde_json::to_writer_pretty` writes it as a member of the top-level object (a
/// test holds the two equal). By hand for the same reason as the findings: one row a file.
/// Written in chunks, so a run over 100,000 files does not build the whole list in memory.
fn write_documents(
    out: &mut dyn Write,
    documents: &[Document],
    path_of: super::PathOf<'_>,
) -> io::Result<()> {
    const CHUNK: usize = 64 << 10;
    let mut buf = Vec::with_capacity(CHUNK + 1024);
    buf.extend_from_slice(b"\n  \"documents\": [");
    for (i, d) in documents.iter().enumerate() {
        if i > 0 {
            buf.push(b',');
        }
        let path = path_of(d.input).unwrap_or_default();
        string_field(&mut buf, b"\n    {\n      \"path\": ", &path);
        number_field(&mut buf, b",\n      \"document\": ", d.document as usize);
        number_field(&mut buf, b",\n      \"line\": ", d.line as usize);
        string_field(&mut buf, b",\n      \"kind\": ", d.kind.as_str());
        string_field(&mut buf, b",\n      \"kind_reason\": ", &d.kind_reason);
        if let Some(template) = &d.template {
            if let Some(address) = &template.0 {
                string_field(&mut buf, b",\n      \"address\": ", address);
            }
            if let Some(resource_type) = &template.1 {
                string_field(&mut buf, b",\n      \"resource_type\": ", resource_type);
            }
        }
        buf.extend_from_slice(b"\n    }");
        if buf.len() >= CHUNK {
            out.write_all(&buf)?;
            buf.clear();
        }
    }
    buf.extend_from_slice(if documents.is_empty() { b"]" } else { b"\n  ]" });
    out.write_all(&buf)
}

struct WithoutFirstByte<'a> {
    out: &'a mut dyn Write,
    skipped: bool,
}

impl Write for WithoutFirstByte<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.skipped || buf.is_empty() {
            return self.out.write(buf);
        }
        // Skipped only once the rest is accepted: a retried write must skip it again.
        let written = self.out.write(&buf[1..])?;
        self.skipped = true;
        Ok(1 + written)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// Findings as items of the top-level `findings` array: after a comma unless `first`, each
/// on a new line, every line indented two levels.
pub fn render(findings: &[&Finding], first: bool) -> io::Result<Vec<u8>> {
    // Sized once: the members' keys and numbers take under 512 bytes, the strings their
    // length (more only where escaped).
    let size: usize = findings
        .iter()
        .map(|f| {
            let labels: usize = f.labels.iter().map(|l| 256 + l.message.len()).sum();
            let sid = f.sid.as_deref().map_or(0, str::len);
            let strings = f.message.len() + f.help.len() + f.pointer.len() + f.snippet.len();
            512 + f.path.len() + strings + sid + labels
        })
        .sum();
    let mut out = Vec::with_capacity(size);
    // Escaped once: the findings of a group (almost always) share their path, whose run is
    // copied from where the first of them wrote it (no buffer of its own).
    let mut path: Option<(&str, std::ops::Range<usize>)> = None;
    for (k, finding) in findings.iter().enumerate() {
        if !(first && k == 0) {
            out.push(b',');
        }
        out.extend_from_slice(b"\n    ");
        let run = match &path {
            Some((shown, run))
                if std::ptr::eq(*shown, &*finding.path) || **shown == *finding.path =>
            {
                Some(run.clone())
            }
            _ => None,
        };
        let written = write_finding(&mut out, finding, run);
        path = Some((&finding.path, written));
    }
    Ok(out)
}

/// The `path` member of a finding with the key of the `line` member after it.
fn path_run(out: &mut Vec<u8>, path: &str) {
    string_field(out, b",\n      \"path\": ", path);
    out.extend_from_slice(b",\n      \"line\": ");
}

/// One finding, byte for byte as `serde_json::to_writer_pretty` writes it with each line
/// indented two more levels (a test holds the two equal). `earlier` is where `out` already
/// holds the finding's [`path_run`], if it does; the range of the run it wrote is returned.
/// Written by hand because the findings are most of a large report and serde's generic path
/// is most of its cost.
fn write_finding(
    out: &mut Vec<u8>,
    f: &Finding,
    earlier: Option<std::ops::Range<usize>>,
) -> std::ops::Range<usize> {
    // The members that depend only on the rule, the severity or the kind, with the keys
    // around them, are runs built once a run (see `Fixed`): most of the output, one copy.
    let fixed = Fixed::of(f);
    match fixed.map(|fixed| fixed.head(f.severity)) {
        Some(head) => out.extend_from_slice(head),
        None => {
            // A rule's code and name are identifiers (a test holds every one plain).
            plain_field(out, b"{\n      \"rule\": ", f.rule);
            plain_field(out, b",\n      \"name\": ", f.name);
            plain_field(out, b",\n      \"severity\": ", f.severity.as_str());
            out.extend_from_slice(b",\n      \"message\": ");
        }
    }
    write_string(out, &f.message);
    let at = out.len();
    match earlier {
        Some(run) => out.extend_from_within(run),
        None => path_run(out, &f.path),
    }
    let written = at..out.len();
    digits(out, f.line);
    number_field(out, b",\n      \"column\": ", f.column);
    number_field(out, b",\n      \"end_line\": ", f.end_line);
    number_field(out, b",\n      \"end_column\": ", f.end_column);
    let fixed_text = match f.help {
        Cow::Borrowed(text) => Some(text),
        Cow::Owned(_) => None,
    };
    match fixed.and_then(|fixed| fixed.help(&f.help, fixed_text)) {
        Some(help) => out.extend_from_slice(help),
        None => {
            string_field(out, b",\n      \"help\": ", &f.help);
            out.extend_from_slice(b",\n      \"document\": ");
        }
    }
    digits(out, f.document);
    out.extend_from_slice(kind_run(f.kind));
    write_string(out, &f.pointer);
    if let Some(sid) = &f.sid {
        string_field(out, b",\n      \"sid\": ", sid);
    }
    string_field(out, b",\n      \"snippet\": ", &f.snippet);
    if !f.labels.is_empty() {
        out.extend_from_slice(b",\n      \"labels\": [");
        for (i, label) in f.labels.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            string_field(out, b"\n        {\n          \"message\": ", &label.message);
            number_field(out, b",\n          \"line\": ", label.line);
            number_field(out, b",\n          \"column\": ", label.column);
            number_field(out, b",\n          \"end_line\": ", label.end_line);
            number_field(out, b",\n          \"end_column\": ", label.end_column);
            out.extend_from_slice(b"\n        }");
        }
        out.extend_from_slice(b"\n      ]");
    }
    out.extend_from_slice(b"\n    }");
    written
}

const SEVERITIES: usize = 3;

/// The runs of one rule's findings that are the same in all of them: from the opening brace
/// to the `message` key (one for each severity), and the rule's own help with the key of the
/// `document` member after it. Each is built on its first use in a run and kept for the rest.
#[derive(Clone, Copy)]
struct Fixed {
    meta: &'static RuleMeta,
    heads: &'static [OnceLock<Box<[u8]>>; SEVERITIES],
    help: &'static OnceLock<Box<[u8]>>,
    other_helps: &'static [OnceLock<OtherHelp>; OTHER_HELPS],
}

/// A help of a rule's own other than its page's, fixed text (`Diagnostic::help` given a
/// `&'static str`): known by its address and length, with its run.
type OtherHelp = (usize, usize, Box<[u8]>);

/// How many such helps are kept for each rule (the first to come in a run).
const OTHER_HELPS: usize = 2;

/// Each rule's [`Fixed`] runs, in code order.
static HEADS: [[OnceLock<Box<[u8]>>; SEVERITIES]; Code::ALL.len()] =
    [const { [const { OnceLock::new() }; SEVERITIES] }; Code::ALL.len()];
static HELPS: [OnceLock<Box<[u8]>>; Code::ALL.len()] = [const { OnceLock::new() }; Code::ALL.len()];
static OTHERS: [[OnceLock<OtherHelp>; OTHER_HELPS]; Code::ALL.len()] =
    [const { [const { OnceLock::new() }; OTHER_HELPS] }; Code::ALL.len()];

impl Fixed {
    /// The runs of the finding's rule; `None` for a finding whose rule and name are not its
    /// code's (made by hand), which is written member by member.
    #[inline]
    fn of(f: &Finding) -> Option<Fixed> {
        let meta = f.code.meta();
        let at = f.code as usize;
        (std::ptr::eq(meta.code, f.rule) && std::ptr::eq(meta.name, f.name)).then(|| Fixed {
            meta,
            heads: &HEADS[at],
            help: &HELPS[at],
            other_helps: &OTHERS[at],
        })
    }

    fn head(&self, severity: Severity) -> &'static [u8] {
        self.heads[severity as usize].get_or_init(|| {
            let mut run = Vec::new();
            plain_field(&mut run, b"{\n      \"rule\": ", self.meta.code);
            plain_field(&mut run, b",\n      \"name\": ", self.meta.name);
            plain_field(&mut run, b",\n      \"severity\": ", severity.as_str());
            run.extend_from_slice(b",\n      \"message\": ");
            run.into_boxed_slice()
        })
    }

    /// The `help` member and the `document` key when the help is the rule's own: the
    /// page's `fix`, or fixed text the rule gives (`fixed_text`: the help when it is
    /// borrowed, not built).
    fn help(&self, help: &str, fixed_text: Option<&'static str>) -> Option<&'static [u8]> {
        // The same text where the page's is: a copy, even of the same words, is elsewhere.
        if std::ptr::eq(help, self.meta.fix) {
            return Some(self.help.get_or_init(|| help_run(self.meta.fix)));
        }
        // Fixed text never changes: the same address and length are the same words.
        let text = fixed_text?;
        let key = (text.as_ptr() as usize, text.len());
        self.other_helps.iter().find_map(|slot| {
            let (at, len, run) = slot.get_or_init(|| (key.0, key.1, help_run(text)));
            ((*at, *len) == key).then_some(&**run)
        })
    }
}

/// The `help` member with the key of the `document` member after it.
fn help_run(help: &str) -> Box<[u8]> {
    let mut run = Vec::new();
    string_field(&mut run, b",\n      \"help\": ", help);
    run.extend_from_slice(b",\n      \"document\": ");
    run.into_boxed_slice()
}

/// The `kind` member, when there is one, and the `pointer` key after it.
fn kind_run(kind: Option<PolicyKind>) -> &'static [u8] {
    static RUNS: [OnceLock<Box<[u8]>>; PolicyKind::ALL.len()] =
        [const { OnceLock::new() }; PolicyKind::ALL.len()];
    const POINTER: &[u8] = b",\n      \"pointer\": ";
    let Some(kind) = kind else {
        return POINTER;
    };
    RUNS[kind as usize].get_or_init(|| {
        let mut run = Vec::new();
        plain_field(&mut run, b",\n      \"kind\": ", kind.as_str());
        run.extend_from_slice(POINTER);
        run.into_boxed_slice()
    })
}

// Inlined: each key is then a constant of known length, copied without a call.
#[inline(always)]
fn string_field(out: &mut Vec<u8>, key: &[u8], value: &str) {
    out.extend_from_slice(key);
    write_string(out, value);
}

/// A string of the program's own that needs no escape (a rule's code and name, a severity,
/// a kind: a test holds every one of them plain), copied without looking.
#[inline(always)]
fn plain_field(out: &mut Vec<u8>, key: &[u8], value: &str) {
    out.extend_from_slice(key);
    out.push(b'"');
    out.extend_from_slice(value.as_bytes());
    out.push(b'"');
}

#[inline(always)]
fn number_field(out: &mut Vec<u8>, key: &[u8], value: usize) {
    out.extend_from_slice(key);
    digits(out, value);
}

#[inline(always)]
fn digits(out: &mut Vec<u8>, value: usize) {
    // Lines, columns and document numbers are nearly all under 10,000: their digits go
    // out as one copy of known length, two at a time from a table, not through a buffer
    // and a copy of any length.
    const PAIRS: &[u8; 200] = b"0001020304050607080910111213141516171819\
        2021222324252627282930313233343536373839\
        4041424344454647484950515253545556575859\
        6061626364656667686970717273747576777879\
        8081828384858687888990919293949596979899";
    let pair = |n: usize| [PAIRS[2 * n], PAIRS[2 * n + 1]];
    match value {
        0..=9 => out.push(PAIRS[2 * value + 1]),
        10..=99 => out.extend_from_slice(&pair(value)),
        100..=999 => {
            let [b, c] = pair(value % 100);
            out.extend_from_slice(&[PAIRS[2 * (value / 100) + 1], b, c]);
        }
        1000..=9999 => {
            let ([a, b], [c, d]) = (pair(value / 100), pair(value % 100));
            out.extend_from_slice(&[a, b, c, d]);
        }
        _ => out.extend_from_slice(itoa::Buffer::new().format(value).as_bytes()),
    }
}

/// A JSON string as serde_json escapes it: `"`, `\\` and control characters only.
/// Inlined: almost every string needs no escape, and for those the check and one copy cost
/// less than a call would.
#[inline(always)]
fn write_string(out: &mut Vec<u8>, value: &str) {
    let bytes = value.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    if crate::bytes::is_plain(bytes) {
        out.extend_from_slice(bytes);
    } else {
        write_escaped(out, bytes);
    }
    out.push(b'"');
}

/// The inside of a string that needs an escape: the clean runs between escapes are found as
/// the parser finds a string's plain runs, and copied whole.
#[inline(never)]
fn write_escaped(out: &mut Vec<u8>, bytes: &[u8]) {
    let mut clean = 0;
    loop {
        let i = crate::bytes::escape_end(bytes, clean);
        out.extend_from_slice(&bytes[clean..i]);
        let Some(&b) = bytes.get(i) else {
            break;
        };
        let escaped: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0c => b"\\f",
            _ => b"",
        };
        if escaped.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.extend_from_slice(b"\\u00");
            out.push(HEX[usize::from(b >> 4)]);
            out.push(HEX[usize::from(b & 0xf)]);
        } else {
            out.extend_from_slice(escaped);
        }
        clean = i + 1;
    }
}

pub(crate) struct Json;

impl super::Emit for Json {
    fn opening(&self) -> &'static [u8] {
        OPENING
    }

    fn render(
        &self,
        group: &[Checked],
        found: &[&Finding],
        _: &super::Style,
    ) -> io::Result<super::Part> {
        let mut part = super::Part::text(render(found, false)?);
        for c in group {
            for d in &c.file.documents {
                part.kept.documents.push(Document::new(c.input, d));
            }
        }
        Ok(part)
    }

    /// Rendered as if after another finding: the first drops its comma.
    fn dropped_prefix(&self, text: &[u8], first: bool) -> usize {
        usize::from(first && text.first() == Some(&b','))
    }

    fn finish(
        &self,
        out: &mut dyn Write,
        kept: &mut super::Kept,
        _: &super::Style,
        end: &super::End,
    ) -> io::Result<()> {
        finish(out, kept.wrote, kept.documents.sorted(), end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{check_bytes, Options};
    use crate::diagnostic::Severity;
    use crate::source::{FileFormat, Origin};

    /// More findings than this is more than one 1024-finding buffer of the old writer.
    const BATCH: usize = 1024;

    /// The whole object as one `to_writer_pretty` call writes it: what `write` must match.
    #[derive(Serialize)]
    struct Whole<'a> {
        findings: Vec<&'a Finding>,
        documents: Vec<&'a crate::outcome::DocumentReport>,
        #[serde(skip_serializing_if = "<[_]>::is_empty")]
        errors: &'a [crate::outcome::InputError],
        summary: crate::outcome::Summary,
    }

    fn report_of(policy: &str) -> Report {
        let file = check_bytes(
            "p.json",
            std::path::Path::new("p.json"),
            policy.as_bytes().to_vec(),
            FileFormat::Json,
            Origin::Explicit,
            &Options::default(),
        );
        Report::of_files(vec![file])
    }

    fn both(report: &Report) -> (String, String) {
        let mut written = Vec::new();
        write(report, &mut written).unwrap();
        let whole = Whole {
            findings: report.findings(),
            documents: report.documents().collect(),
            errors: &report.outcome.errors,
            summary: report.summary(),
        };
        let mut expected = serde_json::to_string_pretty(&whole).unwrap();
        expected.push('\n');
        (String::from_utf8(written).unwrap(), expected)
    }

    #[test]
    fn output_is_what_one_pretty_print_of_the_whole_report_writes() {
        // More findings than one batch, with labels and escapes in their strings.
        let resources: Vec<String> = (0..BATCH + 300)
            .map(|i| format!("\"arn:aws:s3:::YOUR_BUCKET_{i}/\\\"x\\\"\""))
            .collect();
        let policy = format!(
            "{{\"Version\": \"2012-10-17\", \"Statement\": [{{\"Effect\": \"Allow\", \"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": [{}]}}]}}",
            resources.join(", ")
        );
        let report = report_of(&policy);
        assert!(report.summary().findings > BATCH);
        let (written, expected) = both(&report);
        assert_eq!(written, expected);
    }

    #[test]
    fn a_finding_with_every_field_and_every_kind_of_character_matches_serde() {
        let tricky: String = (0u8..0x80)
            .map(char::from)
            .chain("é→😀\u{2028}".chars())
            .collect();
        let finding = Finding {
            code: crate::code::Code::K006,
            rule: "K006",
            name: "cross-account-principal",
            severity: crate::diagnostic::Severity::Info,
            message: tricky.clone(),
            path: "dir/\"quoted\"\\file.json".into(),
            line: 1,
            column: 22,
            end_line: 333,
            end_column: 4444,
            help: tricky.clone().into(),
            document: 7,
            kind: Some(crate::policy::PolicyKind::KmsKey),
            pointer: "/Statement/0/Principal/AWS".into(),
            sid: Some(tricky.as_str().into()),
            snippet: tricky.as_str().into(),
            labels: vec![
                crate::diagnostic::Label {
                    message: tricky.clone().into(),
                    line: 5,
                    column: 6,
                    end_line: 7,
                    end_column: 8,
                    span: Default::default(),
                },
                crate::diagnostic::Label {
                    message: "second".into(),
                    line: 9,
                    column: 10,
                    end_line: 11,
                    end_column: 12,
                    span: Default::default(),
                },
            ],
            span: Default::default(),
        };
        let mut bare = finding.clone();
        bare.kind = None;
        bare.sid = None;
        bare.labels.clear();
        for finding in [finding, bare] {
            assert_written_as_serde_writes(&finding);
        }
    }

    /// `write_finding` writes `f` byte for byte as serde does, indented as a report nests it:
    /// with its path written afresh, and copied from where it wrote it the first time.
    fn assert_written_as_serde_writes(f: &Finding) {
        let mut written = Vec::new();
        let run = write_finding(&mut written, f, None);
        let first = written.len();
        write_finding(&mut written, f, Some(run));
        let expected = serde_json::to_string_pretty(f)
            .unwrap()
            .replace('\n', "\n    ");
        assert_eq!(String::from_utf8_lossy(&written[..first]), expected);
        assert_eq!(String::from_utf8_lossy(&written[first..]), expected);
    }

    #[test]
    fn the_runs_kept_for_a_rule_are_what_serde_writes() {
        // Every rule at every severity, with its own help and another, in every kind; and a
        // finding whose rule is not its code's, written member by member.
        let placed = report_of("{\"Version\": \"2012-10-17\", \"Statement\": {\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"*\"}}")
            .files
            .remove(0)
            .findings
            .remove(0);
        let kinds = PolicyKind::ALL.map(Some);
        for code in Code::ALL {
            let meta = code.meta();
            for severity in [Severity::Info, Severity::Warning, Severity::Error] {
                for (i, kind) in kinds.iter().chain([&None]).enumerate() {
                    let mut f = placed.clone();
                    (f.code, f.rule, f.name, f.severity, f.kind) =
                        (code, meta.code, meta.name, severity, *kind);
                    // More fixed helps than are kept a rule, one the start of another (at
                    // the same address), and copies.
                    let other = "another \"help\"";
                    let helps = [
                        Cow::Borrowed(meta.fix),
                        Cow::Owned(meta.fix.to_string()),
                        Cow::Borrowed(other),
                        Cow::Borrowed(&other[..7]),
                        Cow::Borrowed("a third\n"),
                        Cow::Owned(other.to_string()),
                    ];
                    for help in helps.into_iter().cycle().skip(i).take(3) {
                        f.help = help;
                        let mut odd = f.clone();
                        odd.rule = "ZZZ9";
                        for f in [f.clone(), odd] {
                            assert_written_as_serde_writes(&f);
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn documents_gathered_group_by_group_come_out_sorted_by_input_in_arrival_order() {
        let document = |input: usize, line: u32| Document {
            input,
            document: 0,
            line,
            kind: PolicyKind::Identity,
            kind_reason: Cow::Borrowed(""),
            template: None,
        };
        // Groups of none, one and several documents, their inputs out of order, one input
        // in two groups (its documents keep the order they came in).
        let groups: [&[(usize, u32)]; 6] = [
            &[(3, 1)],
            &[],
            &[(1, 2), (1, 3), (0, 4)],
            &[(3, 5)],
            &[(2, 6)],
            &[(0, 7), (5, 8)],
        ];
        let mut all = Documents::default();
        let mut expected = Vec::new();
        for group in groups {
            let mut part = Documents::default();
            for &(input, line) in group {
                part.push(document(input, line));
                expected.push((input, line));
            }
            all.append(part);
        }
        expected.sort_by_key(|&(input, _)| input);
        let got: Vec<(usize, u32)> = all.sorted().iter().map(|d| (d.input, d.line)).collect();
        assert_eq!(got, expected);
    }

    #[test]
    fn the_documents_member_matches_serde_for_every_kind_and_character() {
        #[derive(Serialize)]
        struct Row<'a> {
            path: &'a str,
            document: u32,
            line: u32,
            kind: PolicyKind,
            kind_reason: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            address: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            resource_type: Option<&'a str>,
        }
        #[derive(Serialize)]
        struct Member<'a> {
            documents: Vec<Row<'a>>,
        }
        let tricky: String = (0u8..0x80)
            .map(char::from)
            .chain("é→😀\u{2028}".chars())
            .collect();
        let paths = ["dir/\"quoted\"\\file.json".to_string(), tricky.clone()];
        let documents: Vec<Document> = PolicyKind::ALL
            .iter()
            .enumerate()
            .map(|(i, &kind)| Document {
                input: i % 3,
                document: if i == 0 { u32::MAX } else { i as u32 },
                line: if i == 1 { u32::MAX } else { i as u32 * 10 },
                kind,
                kind_reason: if i % 2 == 0 {
                    Cow::Borrowed("a \"reason\"")
                } else {
                    Cow::Owned(tricky.clone())
                },
                template: match i % 3 {
                    0 => None,
                    1 => Some(Box::new((
                        Some(tricky.clone()),
                        Some("AWS::KMS::Key".into()),
                    ))),
                    _ => Some(Box::new((Some("Role".into()), None))),
                },
            })
            .collect();
        // Input 2 has no path: written empty, as before.
        let path_of = |input: usize| paths.get(input).map(|p| Cow::Borrowed(p.as_str()));
        // Enough rows to be written in several chunks.
        let many: Vec<Document> = documents.iter().cycle().take(3_000).cloned().collect();
        for documents in [&documents[..], &documents[..1], &[], &many[..]] {
            let mut written = Vec::new();
            write_documents(&mut written, documents, &path_of).unwrap();
            let rows = documents
                .iter()
                .map(|d| Row {
                    path: paths.get(d.input).map_or("", String::as_str),
                    document: d.document,
                    line: d.line,
                    kind: d.kind,
                    kind_reason: &d.kind_reason,
                    address: d.template.as_ref().and_then(|t| t.0.as_deref()),
                    resource_type: d.template.as_ref().and_then(|t| t.1.as_deref()),
                })
                .collect();
            let whole = serde_json::to_string_pretty(&Member { documents: rows }).unwrap();
            // The member as it sits in the object: without the object's braces.
            let expected = &whole[1..whole.len() - 2];
            assert_eq!(String::from_utf8(written).unwrap(), expected);
        }
    }

    #[test]
    fn every_byte_in_every_position_is_escaped_as_serde_escapes_it() {
        // Each byte value alone and between clean runs of every length around a word.
        for b in 0u8..0x80 {
            for before in 0..18 {
                for after in [0, 1, 7, 8, 9] {
                    let text: String = std::iter::repeat_n('a', before)
                        .chain([char::from(b)])
                        .chain(std::iter::repeat_n('\u{e9}', after))
                        .collect();
                    let mut written = Vec::new();
                    write_string(&mut written, &text);
                    let expected = serde_json::to_string(&text).unwrap();
                    assert_eq!(String::from_utf8(written).unwrap(), expected, "{b:#x}");
                }
            }
        }
    }

    #[test]
    fn strings_with_many_escapes_are_written_as_serde_writes_them() {
        // Escapes side by side, across the sixteen-byte chunks the stops are found in.
        let escapes = ["\"", "\\", "\n", "\u{1}", "\t\"", "x"];
        for len in 0..60 {
            for step in 1..5 {
                let text: String = (0..len)
                    .map(|i| {
                        if i % step == 0 {
                            escapes[i % escapes.len()]
                        } else {
                            "é"
                        }
                    })
                    .collect();
                let mut written = Vec::new();
                write_string(&mut written, &text);
                let expected = serde_json::to_string(&text).unwrap();
                assert_eq!(String::from_utf8(written).unwrap(), expected, "{text:?}");
            }
        }
    }

    #[test]
    fn numbers_are_written_as_serde_writes_them() {
        let edges = [
            0, 1, 9, 10, 42, 99, 100, 999, 1000, 4321, 9999, 10_000, 123_456,
        ];
        for value in edges.into_iter().chain([usize::MAX]) {
            let mut written = Vec::new();
            number_field(&mut written, b"", value);
            assert_eq!(written, serde_json::to_vec(&value).unwrap(), "{value}");
        }
    }

    #[test]
    fn codes_names_severities_and_kinds_need_no_escape() {
        let severities = [Severity::Info, Severity::Warning, Severity::Error].map(Severity::as_str);
        let kinds = PolicyKind::ALL.iter().map(|k| k.as_str());
        let rules = crate::code::Code::ALL
            .iter()
            .flat_map(|code| [code.meta().code, code.meta().name]);
        for word in kinds.chain(severities).chain(rules) {
            let mut escaped = Vec::new();
            write_string(&mut escaped, word);
            let mut plain = Vec::new();
            plain_field(&mut plain, b"", word);
            assert_eq!(escaped, plain, "{word}");
        }
    }

    #[test]
    fn findings_of_several_paths_each_show_their_own() {
        let finding = |path: &str| {
            let mut report = report_of("{\"Version\": \"2012-10-17\", \"Statement\": {\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"*\"}}");
            let mut f = report.files.remove(0).findings.remove(0);
            f.path = path.into();
            f
        };
        let findings = [
            finding("a\"b.json"),
            finding("a\"b.json"),
            finding("c.json"),
        ];
        let rendered = render(&findings.iter().collect::<Vec<_>>(), true).unwrap();
        let expected: Vec<String> = findings
            .iter()
            .map(|f| {
                serde_json::to_string_pretty(f)
                    .unwrap()
                    .replace('\n', "\n    ")
            })
            .collect();
        let expected = format!("\n    {}", expected.join(",\n    "));
        assert_eq!(String::from_utf8(rendered).unwrap(), expected);
    }

    #[test]
    fn a_report_without_findings_matches_too() {
        let mut report = report_of("{\"Version\": \"2012-10-17\", \"Statement\": []}");
        for file in &mut report.files {
            file.findings.clear();
        }
        let (written, expected) = both(&report);
        assert_eq!(written, expected);
        let (written, expected) = both(&Report::default());
        assert_eq!(written, expected);
    }
}
