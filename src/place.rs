//! Where a diagnostic becomes a finding, whoever made it: a single-document rule, a
//! cross-document rule (within a file or across a directory), a pipeline code (J001, J005,
//! J007) or the config's unused suppressions (L001). The rule set in force for the file
//! decides whether the finding is reported and at which severity; the host file gives its
//! place. One function, so the producers cannot drift apart.

#![warn(unreachable_pub)]

use crate::code::Code;
use crate::config::{Config, Selector, SeverityOverride};
use crate::diagnostic::{Diagnostic, Finding, Severity, Snippet};
use crate::location::Locate;
use crate::policy::PolicyKind;
use crate::rules::RuleMeta;
use std::borrow::Cow;
use std::path::Path;
use std::sync::Arc;

/// The rules in force for one file: the config's selection, severity overrides and the
/// per-path ignores whose glob matches the file, resolved once per file.
pub(crate) struct RuleSet<'c> {
    config: &'c Config,
    ignored_here: Vec<&'c Selector>,
    /// Nothing selected, ignored or overridden: known once, as every rule of every document
    /// asks.
    every_rule: bool,
}

impl<'c> RuleSet<'c> {
    /// For the file at `path` (matched against the config's per-path globs).
    pub(crate) fn for_path(config: &'c Config, path: &Path) -> Self {
        let ignored_here = config.ignores_for(path);
        RuleSet {
            config,
            every_rule: config.enables_every_rule(&ignored_here),
            ignored_here,
        }
    }

    /// For the config file itself: no per-path ignore is about it.
    pub(crate) fn for_config(config: &'c Config) -> Self {
        RuleSet {
            config,
            ignored_here: Vec::new(),
            every_rule: config.enables_every_rule(&[]),
        }
    }

    /// The rule's metadata when the rule reports in this file; `None` when it is off here
    /// or unknown.
    pub(crate) fn enabled(&self, code: Code) -> Option<&'static RuleMeta> {
        let meta = code.meta();
        (self.every_rule
            || self
                .config
                .enabled(meta.code, meta.name, &self.ignored_here))
        .then_some(meta)
    }

    /// The config's override, else what the rule found, else the rule's default.
    fn severity(&self, meta: &RuleMeta, found: Option<Severity>) -> Severity {
        if self.every_rule {
            // Nothing is overridden.
            return found.unwrap_or(meta.severity);
        }
        match self.config.severity_override(meta.code, meta.name) {
            Some(SeverityOverride::Set(severity)) => *severity,
            _ => found.unwrap_or(meta.severity),
        }
    }

    /// The one way a diagnostic (spans in host-file coordinates) becomes a finding: `None`
    /// when its rule does not report in this file.
    pub(crate) fn place(
        &self,
        mut d: Diagnostic,
        host: &mut impl Locate,
        document: usize,
        kind: Option<PolicyKind>,
    ) -> Option<Finding> {
        let mut finding = self.place_from(&mut d, host, document, kind)?;
        finding.snippet = Snippet::new(host.snippet(d.span));
        Some(finding)
    }

    /// [`RuleSet::place`] for a diagnostic left where it is (in a file's list): its texts
    /// and labels are taken from it, not copied. The snippet is left empty: the file's
    /// findings share one buffer of them ([`share_snippets`]).
    pub(crate) fn place_from(
        &self,
        d: &mut Diagnostic,
        host: &mut impl Locate,
        document: usize,
        kind: Option<PolicyKind>,
    ) -> Option<Finding> {
        let meta = self.enabled(d.code)?;
        let severity = self.severity(meta, d.severity);
        let (start, end) = host.range(d.span);
        // Placed where they are: the diagnostic's list becomes the finding's.
        let mut labels = std::mem::take(&mut d.labels);
        for label in &mut labels {
            let (s, e) = host.range(label.span);
            (label.line, label.column) = (s.line, s.column);
            (label.end_line, label.end_column) = (e.line, e.column);
        }
        Some(Finding {
            code: meta.id,
            rule: meta.code,
            name: meta.name,
            severity,
            message: shorten_quoted(std::mem::take(&mut d.message)),
            path: host.path().clone(),
            line: start.line,
            column: start.column,
            end_line: end.line,
            end_column: end.column,
            help: d.help.take().unwrap_or(Cow::Borrowed(meta.fix)),
            document,
            kind,
            pointer: std::mem::take(&mut d.pointer),
            sid: d.sid.take(),
            snippet: Snippet::default(),
            labels,
            span: d.span,
        })
    }
}

/// Gives each finding its snippet, the text of its span in the host file: one buffer holds
/// them all and each finding a range of it (one allocation a file, not one a finding).
pub(crate) fn share_snippets(findings: &mut [Finding], host: &impl Locate) {
    let len: usize = findings.iter().map(|f| host.snippet(f.span).len()).sum();
    if len == 0 {
        return;
    }
    let mut buffer = String::with_capacity(len);
    for f in findings.iter() {
        buffer.push_str(host.snippet(f.span));
    }
    let shared: Arc<str> = buffer.into();
    let mut start = 0;
    for f in findings {
        let end = start + host.snippet(f.span).len();
        f.snippet = Snippet::shared(&shared, start..end);
        start = end;
    }
}

/// Messages quote the offending value in backticks; a hostile policy's value can be a
/// megabyte long, and one line of output must not be. Quotes longer than this many
/// characters keep their start and end around an ellipsis.
const QUOTE_LIMIT: usize = 120;

fn shorten_quoted(message: String) -> String {
    if message.len() <= QUOTE_LIMIT || !has_long_quote(&message) {
        return message;
    }
    let mut out = String::with_capacity(message.len());
    for (i, part) in message.split('`').enumerate() {
        if i > 0 {
            out.push('`');
        }
        let chars = part.chars().count();
        if i % 2 == 1 && chars > QUOTE_LIMIT {
            out.extend(part.chars().take(QUOTE_LIMIT - 20));
            out.push('…');
            out.extend(part.chars().skip(chars - 19));
        } else {
            out.push_str(part);
        }
    }
    out
}

/// Whether a quote (the text between the odd and even backticks) has more than
/// [`QUOTE_LIMIT`] characters. Every finding's message comes through here and almost none
/// has one: characters are counted only in a quote with more bytes than the limit.
fn has_long_quote(message: &str) -> bool {
    let ends = memchr::memchr_iter(b'`', message.as_bytes()).chain([message.len()]);
    let mut start = 0;
    for (i, end) in ends.enumerate() {
        if i % 2 == 1
            && end - start > QUOTE_LIMIT
            && message[start..end].chars().count() > QUOTE_LIMIT
        {
            return true;
        }
        start = end + 1;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::Span;
    use crate::location::{Host, Spot};

    #[test]
    fn long_quotes_are_shortened_short_ones_kept() {
        let long = format!("`Sid` `{}` is odd", "a".repeat(10_000));
        let short = shorten_quoted(long);
        assert_eq!(
            short.chars().count(),
            "`Sid` `` is odd".chars().count() + QUOTE_LIMIT
        );
        assert!(short.starts_with("`Sid` `aaa") && short.ends_with("a` is odd"));
        let kept = format!("`{}` `b`", "é".repeat(100));
        assert_eq!(shorten_quoted(kept.clone()), kept);
        // Only quotes count: a long text outside backticks, or an unclosed quote's tail
        // outside them, is kept as it is.
        let outside = format!("`a` {} `b`", "x".repeat(500));
        assert_eq!(shorten_quoted(outside.clone()), outside);
        let unclosed = format!("`a` `{}", "x".repeat(500));
        assert_ne!(shorten_quoted(unclosed.clone()), unclosed);
        let even = format!("`a` `b` {}", "x".repeat(500));
        assert_eq!(shorten_quoted(even.clone()), even);
    }

    #[test]
    fn a_long_quote_is_found_wherever_its_backticks_fall() {
        // Quotes at every position of the message's first bytes, just within and just over
        // the limit, in bytes and in characters, closed and not.
        for lead in 0..40 {
            for (body, long) in [
                ("x".repeat(QUOTE_LIMIT), false),
                ("x".repeat(QUOTE_LIMIT + 1), true),
                ("é".repeat(QUOTE_LIMIT), false),
                ("é".repeat(QUOTE_LIMIT + 1), true),
            ] {
                let before = format!("{}`a` ", "y".repeat(lead));
                assert_eq!(has_long_quote(&format!("{before}`{body}` `b`")), long);
                assert_eq!(has_long_quote(&format!("{before}`{body}")), long);
                // Outside the quotes, length does not count.
                assert!(!has_long_quote(&format!("{before}{body} `b`")));
            }
        }
    }

    #[test]
    fn a_long_quote_is_found_however_the_backticks_are_spaced() {
        // Backticks every `gap` bytes after `lead` bytes, for gaps on both sides of the
        // limit, in messages ending inside a quote and outside one.
        for gap in [1, 58, 59, 60, 61, 118, 119, 120, 121, 122, 200] {
            for lead in 0..70 {
                for len in [gap + lead, 2 * gap + lead + 3, 400] {
                    let message: String = (0..len)
                        .map(|i| {
                            if i >= lead && (i - lead) % (gap + 1) == 0 {
                                '`'
                            } else {
                                'x'
                            }
                        })
                        .collect();
                    let measured = message
                        .split('`')
                        .enumerate()
                        .any(|(i, quote)| i % 2 == 1 && quote.chars().count() > QUOTE_LIMIT);
                    assert_eq!(
                        has_long_quote(&message),
                        measured,
                        "gap {gap}, lead {lead}, length {len}"
                    );
                }
            }
        }
    }

    fn config(text: &str) -> Config {
        Config::parse(text).unwrap()
    }

    #[test]
    fn selection_severity_and_per_path_ignores_apply_to_every_producer() {
        let config =
            config("[severity]\nP016 = \"error\"\n[per-path-ignores]\n\"legacy/*\" = [\"P016\"]\n");
        let text = "ab\n\"ACCOUNT-ID\"";
        let d = || Diagnostic::new(Code::P016, Span::new(4, 14), "`x` is a placeholder");
        let here = RuleSet::for_path(&config, Path::new("new/a.json"));
        let mut host = Host::new("new/a.json".into(), text);
        let f = here.place(d(), &mut host, 0, None).expect("reported");
        assert_eq!((f.rule, f.severity), ("P016", Severity::Error));
        assert_eq!((f.line, f.column, f.end_column), (2, 2, 12));
        assert_eq!(f.snippet, "ACCOUNT-ID");
        let legacy = RuleSet::for_path(&config, Path::new("legacy/a.json"));
        assert!(legacy.place(d(), &mut host, 0, None).is_none());
    }

    #[test]
    fn a_file_s_findings_share_one_buffer_of_their_snippets() {
        let config = config("");
        let text = "{\"a\": \"ACCOUNT-ID\", \"b\": \"\u{e9}t\u{e9}\", \"c\": \"\"}";
        let at = |token: &str| {
            let start = text.find(token).unwrap();
            Span::new(start, start + token.len())
        };
        // Overlapping, empty, with characters of two bytes, and past the end.
        let spans = [
            at("ACCOUNT-ID"),
            at("\u{e9}t\u{e9}"),
            at("\"\"}"),
            Span::new(text.len() - 1, text.len() - 1),
            at("\"a\": \"ACCOUNT"),
            Span::new(text.len(), text.len() + 4),
        ];
        let rules = RuleSet::for_path(&config, Path::new("a.json"));
        let mut host = Host::new("a.json".into(), text);
        let mut findings: Vec<Finding> = spans
            .iter()
            .map(|&span| {
                let mut d = Diagnostic::new(Code::P016, span, "`x` is a placeholder");
                rules.place_from(&mut d, &mut host, 0, None).unwrap()
            })
            .collect();
        share_snippets(&mut findings, &host);
        for (f, span) in findings.iter().zip(spans) {
            assert_eq!(f.snippet, *text.get(span.start..span.end).unwrap_or(""));
            let one = rules.place(
                Diagnostic::new(Code::P016, span, "`x` is a placeholder"),
                &mut host,
                0,
                None,
            );
            assert_eq!(one.unwrap().snippet.as_str(), f.snippet.as_str());
        }
        // Each snippet follows the one before it in one buffer.
        for pair in findings.windows(2) {
            let (a, b) = (&pair[0].snippet, &pair[1].snippet);
            assert_eq!(a.as_ptr().wrapping_add(a.len()), b.as_ptr());
        }
    }

    #[test]
    fn a_spot_places_a_finding_after_its_text_is_gone() {
        let config = config("");
        let text = String::from("{\n  \"k\": \"`long`\"\n}");
        let mut host = Host::new("a.json".into(), &text);
        let span = Span::new(10, 16);
        let mut spot = Spot::of(&mut host, span);
        drop(text);
        let message = format!("`{}` is quoted", "x".repeat(500));
        let d = Diagnostic::new(Code::P016, span, message);
        let f = RuleSet::for_path(&config, Path::new("a.json"))
            .place(d, &mut spot, 0, None)
            .unwrap();
        assert_eq!((f.line, f.column), (2, 9));
        assert_eq!(f.snippet, "`long`");
        assert!(
            f.message.chars().count() < 200,
            "shortened like any finding"
        );
    }
}
