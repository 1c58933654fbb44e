//! The one finding type every stage shares: rules produce [`Diagnostic`]s against a
//! document; the pipeline places them in the host file as [`Finding`]s; emitters print them.

use crate::code::Code;
use crate::json::Span;
use crate::policy::PolicyKind;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::sync::Arc;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(word: &str) -> Option<Self> {
        match word {
            "info" => Some(Severity::Info),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a rule says about one place in one document (spans relative to the document).
#[derive(Clone, Debug)]
pub struct Diagnostic {
    pub code: Code,
    pub span: Span,
    pub message: String,
    /// Borrowed when it is fixed text, so most findings do not copy it.
    pub help: Option<Cow<'static, str>>,
    /// Other places that explain this one (the first of two duplicate keys, say); their
    /// lines and columns are filled in where the finding is placed, in the same list.
    pub labels: Vec<Label>,
    /// JSON pointer of the policy element, for baselines that survive edits elsewhere.
    pub pointer: String,
    /// For rules whose severity depends on what they found; the config still overrides it.
    pub severity: Option<Severity>,
    /// The `Sid` of the statement the pointer lies in, filled in by the pipeline (shared by
    /// the statement's findings).
    pub sid: Option<Arc<str>>,
    /// Findings of other rules that this one says in full (E001 on a method that passes a
    /// role says what A007 says of that `iam:PassRole`): when both rules run, only this one
    /// is reported (`rules::run`).
    pub folds: Vec<(Code, Span)>,
}

impl Diagnostic {
    pub fn new(code: Code, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            span,
            message: message.into(),
            help: None,
            labels: Vec::new(),
            pointer: String::new(),
            severity: None,
            sid: None,
            folds: Vec::new(),
        }
    }

    pub fn help(mut self, help: impl Into<Cow<'static, str>>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn label(mut self, span: Span, message: impl Into<Cow<'static, str>>) -> Self {
        self.labels.push(Label {
            message: message.into(),
            line: 0,
            column: 0,
            end_line: 0,
            end_column: 0,
            span,
        });
        self
    }

    pub fn at(mut self, pointer: impl Into<String>) -> Self {
        self.pointer = pointer.into();
        self
    }

    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = Some(severity);
        self
    }

    /// This finding takes the place of `code`'s finding at `span`.
    pub fn folds(mut self, code: Code, span: Span) -> Self {
        self.folds.push((code, span));
        self
    }
}

/// A label's place is its `span` (relative to the document, then to the host file); its
/// lines and columns are 0 until the finding is placed.
#[derive(Clone, Debug, Serialize)]
pub struct Label {
    /// Borrowed when it is fixed text ("this covers it"), so most labels do not copy it.
    pub message: Cow<'static, str>,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    #[serde(skip)]
    pub span: Span,
}

/// A diagnostic placed in its host file: 1-based lines and character columns, with the end
/// just past the last character of the offending token.
#[derive(Clone, Debug, Serialize)]
pub struct Finding {
    /// The rule, typed; `rule` and `name` are its page's spelling.
    #[serde(skip)]
    pub code: Code,
    pub rule: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub message: String,
    /// Shared by every finding of the file.
    pub path: Arc<str>,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    /// The rule page's `fix` line unless the finding brings its own: borrowed, not copied.
    pub help: Cow<'static, str>,
    /// Which document of the file (0-based; Markdown files can hold several).
    pub document: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<PolicyKind>,
    pub pointer: String,
    /// The `Sid` of the statement the finding lies in, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sid: Option<Arc<str>>,
    /// The offending text itself.
    pub snippet: Snippet,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub labels: Vec<Label>,
    /// Byte range in the host file.
    #[serde(skip)]
    pub span: Span,
}

/// A finding's offending text: a range of a buffer that the findings of one file share
/// (`place::share_snippets`), so that a file's findings make one allocation for their
/// snippets rather than one each. Reads as a `&str`.
#[derive(Clone, Default)]
pub struct Snippet {
    /// `None` for the empty snippet.
    shared: Option<Arc<str>>,
    range: std::ops::Range<usize>,
}

impl Snippet {
    /// A snippet with a buffer of its own.
    pub fn new(text: &str) -> Self {
        Snippet {
            shared: (!text.is_empty()).then(|| Arc::from(text)),
            range: 0..text.len(),
        }
    }

    /// `range` of a buffer others share (a `char` boundary at both ends).
    pub fn shared(buffer: &Arc<str>, range: std::ops::Range<usize>) -> Self {
        Snippet {
            shared: Some(buffer.clone()),
            range,
        }
    }

    /// Its length in bytes, known without reading the buffer.
    pub fn len(&self) -> usize {
        self.range.len()
    }

    pub fn is_empty(&self) -> bool {
        self.range.is_empty()
    }

    pub fn as_str(&self) -> &str {
        self.shared
            .as_deref()
            .and_then(|text| text.get(self.range.clone()))
            .unwrap_or("")
    }
}

impl std::ops::Deref for Snippet {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl From<&str> for Snippet {
    fn from(text: &str) -> Self {
        Snippet::new(text)
    }
}

impl From<String> for Snippet {
    fn from(text: String) -> Self {
        Snippet::new(&text)
    }
}

impl PartialEq<str> for Snippet {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Snippet {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl std::fmt::Debug for Snippet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

impl std::fmt::Display for Snippet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Snippet {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl Finding {
    /// The order of every report: by path, then place, then rule.
    pub fn sort_key(&self) -> (&str, usize, usize, &str, &str) {
        (&self.path, self.line, self.column, self.rule, &self.message)
    }

    /// The policy element the finding is about: its pointer without list positions
    /// (`/Statement/3/Action/1` -> `/Statement/Action`). A template's document continues
    /// its resource's pointer, so the logical id or address stays
    /// (`/Resources/AppKey/Properties/KeyPolicy/Statement/Principal`). Without positions,
    /// reordering statements or removing an action before this one leaves it unchanged;
    /// the statement's `Sid` is left out, so renaming it does too.
    pub fn element(&self) -> String {
        let mut element = String::with_capacity(self.pointer.len());
        for step in self.pointer.split('/').skip(1) {
            if !step.is_empty() && step.bytes().all(|b| b.is_ascii_digit()) {
                continue;
            }
            element.push('/');
            element.push_str(step);
        }
        element
    }

    /// The offending text as the fingerprint reads it: without white space, so that
    /// reformatting leaves it unchanged, and empty for a whole object or list (a statement
    /// whose content changes as its other findings are fixed).
    pub fn token(&self) -> String {
        let text = self.snippet.trim_start();
        if text.starts_with(['{', '[']) {
            return String::new();
        }
        text.chars().filter(|c| !c.is_whitespace()).collect()
    }

    /// A line-independent identity: rule, path, policy element and offending text. Edits
    /// elsewhere in the file leave it unchanged, and so do renaming a `Sid`, reordering
    /// statements, reformatting and fixing another finding; SARIF's `partialFingerprints`
    /// use it with the path as shown.
    pub fn fingerprint(&self) -> String {
        self.fingerprint_in(&normalize_path(&self.path))
    }

    /// The fingerprint with the path spelled as the caller keeps it (a baseline: relative
    /// to its own folder).
    pub fn fingerprint_in(&self, path: &str) -> String {
        let element = self.element();
        let token = self.token();
        let parts: [&str; 4] = [self.rule, path, &element, &token];
        format!("{:016x}", fnv1a(&parts))
    }
}

/// Sorts the findings of one file into the report's order ([`Finding::sort_key`]). They
/// share the file's path, so that order is by place, rule and message: the findings, large
/// to move, are sorted once by a small key of place and rule and moved once, and only
/// findings equal in that key are compared by message.
pub fn sort_file_findings(findings: &mut [Finding]) {
    let one_path = findings.first().is_none_or(|first| {
        findings
            .iter()
            .all(|f| Arc::ptr_eq(&f.path, &first.path) || f.path == first.path)
    });
    if !one_path {
        findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        return;
    }
    let place = |f: &Finding| (f.line, f.column, f.rule);
    // Stable: findings equal in every part of the order keep the order they were made in.
    findings.sort_by_cached_key(place);
    sort_ties_by_message(findings);
}

/// Puts the findings of one host file, placed in the order of their diagnostics' start offset
/// and code (each with its diagnostic's place among those made, `made`), in the report's
/// order: by line, column, rule, message, then as made (what [`sort_file_findings`] does
/// from the order they were made in). Lines and columns grow with the offset and codes
/// sort as rules do, so only findings equal in place and rule are left to sort, by message;
/// when a place is shared by two offsets (an offset inside a character, or past the end)
/// the findings are sorted whole.
pub fn sort_placed(findings: &mut Vec<Finding>, made: &[u32]) {
    let place = |f: &Finding| (f.line, f.column, f.rule);
    let mut ties = false;
    let in_order = findings
        .windows(2)
        .all(|pair| match place_order(&pair[0], &pair[1]) {
            std::cmp::Ordering::Less => true,
            // Equal in place and rule, and made at one offset: in the order they were made.
            std::cmp::Ordering::Equal => {
                ties = true;
                pair[0].span.start == pair[1].span.start
            }
            std::cmp::Ordering::Greater => false,
        });
    if !in_order || findings.len() != made.len() {
        let mut order: Vec<usize> = (0..findings.len()).collect();
        order.sort_by(|&a, &b| {
            let (x, y) = (&findings[a], &findings[b]);
            (place(x), &x.message, made.get(a)).cmp(&(place(y), &y.message, made.get(b)))
        });
        let mut slots: Vec<Option<Finding>> =
            std::mem::take(findings).into_iter().map(Some).collect();
        findings.extend(order.into_iter().filter_map(|i| slots[i].take()));
        return;
    }
    // Only findings equal in place and rule are left to sort, if there are any.
    if ties {
        sort_ties_by_message(findings);
    }
}

/// Sorts each run of findings equal in line, column and rule by message; stable, so equal
/// messages keep the order they were made in.
fn sort_ties_by_message(findings: &mut [Finding]) {
    let mut start = 0;
    while let Some(first) = findings.get(start) {
        let same = findings[start..]
            .iter()
            .take_while(|f| place_order(first, f).is_eq())
            .count();
        if same > 1 {
            findings[start..start + same].sort_by(|a, b| a.message.cmp(&b.message));
        }
        start += same;
    }
}

/// How two findings compare by line, column and rule. A rule's code is one static string,
/// so two findings of one rule are known equal in it by its address, without reading it.
fn place_order(a: &Finding, b: &Finding) -> std::cmp::Ordering {
    (a.line, a.column).cmp(&(b.line, b.column)).then_with(|| {
        if std::ptr::eq(a.rule, b.rule) {
            std::cmp::Ordering::Equal
        } else {
            a.rule.cmp(b.rule)
        }
    })
}

/// The repository-relative spelling of a path: forward slashes, no leading `./`.
pub fn normalize_path(path: &str) -> String {
    let path = path.replace('\\', "/");
    let mut rest = path.as_str();
    while let Some(tail) = rest.strip_prefix("./") {
        rest = tail;
    }
    rest.to_string()
}

/// FNV-1a (64 bit) over the parts, each followed by a NUL so that ("ab", "c") and ("a", "bc")
/// differ. Chosen over `std`'s hasher because its output is fixed by specification.
fn fnv1a(parts: &[&str]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.bytes().chain(std::iter::once(0)) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(pointer: &str, sid: Option<&str>) -> Finding {
        Finding {
            code: Code::P016,
            rule: "P016",
            name: "placeholder",
            severity: Severity::Warning,
            message: String::new(),
            path: "./a.json".into(),
            line: 1,
            column: 1,
            end_line: 1,
            end_column: 2,
            help: Cow::Borrowed(""),
            document: 0,
            kind: None,
            pointer: pointer.into(),
            sid: sid.map(Arc::from),
            snippet: "X".into(),
            labels: Vec::new(),
            span: Span::new(0, 1),
        }
    }

    #[test]
    fn element_leaves_out_list_positions_and_the_sid() {
        assert_eq!(
            finding("/Statement/12/Resource/0", Some("Read")).element(),
            "/Statement/Resource"
        );
        assert_eq!(
            finding("/Statement/Resource", Some("Read")).element(),
            "/Statement/Resource"
        );
        assert_eq!(
            finding(
                "/Resources/AppKey/Properties/KeyPolicy/Statement/2/Principal",
                Some("Use")
            )
            .element(),
            "/Resources/AppKey/Properties/KeyPolicy/Statement/Principal"
        );
        assert_eq!(
            finding(
                "/Statement/0/Condition/StringEquals/aws:SourceAccount",
                None
            )
            .element(),
            "/Statement/Condition/StringEquals/aws:SourceAccount"
        );
    }

    #[test]
    fn fingerprint_ignores_place_sid_and_layout_but_not_content() {
        let a = finding("/Statement/0/Resource", Some("Read"));
        let mut moved = finding("/Statement/4/Resource/2", Some("Renamed"));
        moved.line = 40;
        moved.path = "a.json".into();
        assert_eq!(a.fingerprint(), moved.fingerprint());
        let mut other = finding("/Statement/0/Resource", Some("Read"));
        other.snippet = "Y".into();
        assert_ne!(a.fingerprint(), other.fingerprint());
        let mut elsewhere = finding("/Statement/0/Action", Some("Read"));
        elsewhere.snippet = "X".into();
        assert_ne!(a.fingerprint(), elsewhere.fingerprint());
        assert_ne!(a.fingerprint(), a.fingerprint_in("other/a.json"));
    }

    #[test]
    fn a_file_s_findings_are_sorted_as_the_whole_report_sorts_them() {
        // Every order of findings that tie on place, rule or message, in one path and two.
        let mut findings = Vec::new();
        for (i, (line, column, rule, message)) in [
            (2, 1, "P016", "b"),
            (1, 5, "P016", "a"),
            (2, 1, "C001", "z"),
            (2, 1, "P016", "a"),
            (1, 5, "P016", "a"),
            (1, 4, "Z999", "a"),
            (2, 1, "P016", "b"),
            (3, 1, "LONGCODE2", "a"),
            (3, 1, "LONGCODE1", "b"),
            (3, 1, "LONGCODE", "c"),
        ]
        .into_iter()
        .enumerate()
        {
            let mut f = finding(&format!("/Statement/{i}"), None);
            (f.line, f.column, f.rule, f.message) = (line, column, rule, message.into());
            findings.push(f);
        }
        let order = |findings: &[Finding]| -> Vec<String> {
            findings
                .iter()
                .map(|f| format!("{} {:?} {}", f.path, f.sort_key(), f.pointer))
                .collect()
        };
        let mut other_path = findings.clone();
        other_path[3].path = "./b.json".into();
        for findings in [findings, other_path] {
            let mut expected = findings.clone();
            expected.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
            let mut sorted = findings;
            sort_file_findings(&mut sorted);
            assert_eq!(order(&sorted), order(&expected));
        }
    }

    #[test]
    fn findings_placed_by_offset_end_in_the_order_sorting_them_gives() {
        // (offset, line, column, rule, message): ties in place at one offset and at two
        // (an offset inside a character), and messages that tie too, made in any order.
        let made = [
            (30, 2, 5, "P016", "b"),
            (10, 1, 5, "P016", "a"),
            (30, 2, 5, "C001", "z"),
            (30, 2, 5, "P016", "a"),
            (10, 1, 5, "P016", "a"),
            (9, 1, 4, "Z999", "a"),
            (30, 2, 5, "P016", "b"),
            (40, 3, 1, "C002", "a"),
            (40, 3, 1, "C001", "b"),
        ];
        let shared_place = [(31, 2, 5, "P016", "a"), (32, 2, 5, "C001", "a")];
        for extra in [&[][..], &shared_place[..1], &shared_place[..]] {
            let findings: Vec<Finding> = made
                .iter()
                .chain(extra)
                .enumerate()
                .map(|(i, &(start, line, column, rule, message))| {
                    let mut f = finding(&format!("/Statement/{i}"), None);
                    (f.line, f.column, f.rule, f.message) = (line, column, rule, message.into());
                    f.span = Span::new(start, start + 1);
                    f
                })
                .collect();
            let mut expected = findings.clone();
            sort_file_findings(&mut expected);
            let mut order: Vec<(usize, &str, u32)> = findings
                .iter()
                .zip(0u32..)
                .map(|(f, i)| (f.span.start, f.rule, i))
                .collect();
            order.sort_unstable();
            let mut placed: Vec<Finding> = order
                .iter()
                .map(|&(_, _, i)| findings[i as usize].clone())
                .collect();
            let made: Vec<u32> = order.iter().map(|&(_, _, i)| i).collect();
            sort_placed(&mut placed, &made);
            let pointers = |f: &[Finding]| f.iter().map(|f| f.pointer.clone()).collect::<Vec<_>>();
            assert_eq!(pointers(&placed), pointers(&expected));
        }
    }

    #[test]
    fn token_ignores_white_space_and_whole_objects() {
        let mut spaced = finding("/Statement/0/Action", None);
        spaced.snippet = "s3:Get Object\n ".into();
        assert_eq!(spaced.token(), "s3:GetObject");
        let mut statement = finding("/Statement/0", Some("A"));
        statement.snippet = "{ \"Sid\": \"A\", \"Effect\": \"Allow\" }".into();
        assert_eq!(statement.token(), "");
        statement.snippet = "[\"a\"]".into();
        assert_eq!(statement.token(), "");
    }
}
