//! Suppression comments in YAML templates and Terraform HCL (`#` comments), with a required
//! reason:
//!
//! ```yaml
//! Action: kms:*  # iamlint: ignore[K002] the key's admin role, reviewed in SEC-123
//! AppKey:        # iamlint: ignore[K002, P016] on the resource: every policy it holds
//! ```
//!
//! A comment applies to its own line when it follows content there, else to the next line
//! that is not a comment; a comment on the line of a resource's logical id applies to every
//! finding in that resource's policies. Rules are named by code or name. A comment without a
//! reason suppresses nothing and is reported (L002): the reason is what a reviewer reads.
//!
//! Only YAML and HCL have comments among the formats read here (JSON has none); the text is
//! searched for `iamlint:` first, so files without such comments cost one byte search.

use crate::diagnostic::Diagnostic;
use crate::json::Span;
use crate::location::LineIndex;

pub const MISSING_REASON: crate::code::Code = crate::code::Code::L002;

/// One `# iamlint: ignore[…] reason` comment.
#[derive(Debug, PartialEq, Eq)]
pub struct Comment {
    /// The 1-based line the comment applies to.
    pub target: usize,
    /// The rules it names, by code or name, as written.
    pub rules: Vec<String>,
    pub reason: bool,
    /// The comment itself, from `#`.
    pub span: Span,
}

impl Comment {
    pub fn names(&self, code: &str, name: &str) -> bool {
        self.rules
            .iter()
            .any(|r| r.eq_ignore_ascii_case(code) || crate::code::current_rule_name(r) == name)
    }
}

/// Which comment syntax a text has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Syntax {
    /// `#` comments.
    Yaml,
    /// `#` and `//` comments (`/* */` blocks are not read for suppressions).
    Hcl,
}

/// The suppression comments of a YAML or HCL text.
pub fn comments(text: &str, index: &LineIndex, syntax: Syntax) -> Vec<Comment> {
    const MARK: &str = "iamlint:";
    let mut out = Vec::new();
    if memchr::memmem::find(text.as_bytes(), MARK.as_bytes()).is_none() {
        return out;
    }
    let lines: Vec<(usize, &str)> = line_starts(text).collect();
    for (i, &(start, line)) in lines.iter().enumerate() {
        let Some(hash) = comment_start(line, syntax) else {
            continue;
        };
        let comment = &line[hash..];
        let Some(rest) = comment
            .trim_start_matches(['#', '/'])
            .trim_start()
            .strip_prefix(MARK)
        else {
            continue;
        };
        let Some(rest) = rest.trim_start().strip_prefix("ignore[") else {
            continue;
        };
        let Some((rules, reason)) = rest.split_once(']') else {
            continue;
        };
        let rules = rules
            .split(',')
            .map(|r| r.trim().to_string())
            .filter(|r| !r.is_empty())
            .collect();
        let own_line = line[..hash].trim().is_empty();
        let target = if own_line {
            // The next line that is not blank or a comment.
            lines[i + 1..]
                .iter()
                .find(|(_, l)| {
                    let t = l.trim();
                    !t.is_empty() && comment_start(t, syntax) != Some(0)
                })
                .map_or(start, |(s, _)| *s)
        } else {
            start
        };
        let span = Span::new(start + hash, start + line.trim_end().len());
        out.push(Comment {
            target: index.position(target).line,
            rules,
            reason: !reason.trim_start_matches(':').trim().is_empty(),
            span,
        });
    }
    out
}

/// The L002 findings for comments that give no reason.
pub fn missing_reasons(comments: &[Comment]) -> Vec<Diagnostic> {
    comments
        .iter()
        .filter(|c| !c.reason)
        .map(|c| {
            Diagnostic::new(
                MISSING_REASON,
                c.span,
                "this suppression comment gives no reason, so it suppresses nothing",
            )
            .help("say why after the rules: `# iamlint: ignore[K002] break-glass role, reviewed in SEC-123`")
        })
        .collect()
}

fn line_starts(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut start = 0;
    text.split_inclusive('\n').map(move |line| {
        let at = start;
        start += line.len();
        (at, line.trim_end_matches(['\n', '\r']))
    })
}

/// Where a comment starts on a line: a `#` (or in HCL `//`) at its start or after a blank,
/// outside quotes.
fn comment_start(line: &str, syntax: Syntax) -> Option<usize> {
    let bytes = line.as_bytes();
    let hcl = syntax == Syntax::Hcl;
    let mut quote = None;
    for (i, &b) in bytes.iter().enumerate() {
        let after = |set: &[u8]| i == 0 || set.contains(&bytes[i - 1]);
        match (quote, b) {
            (None, b'"') if hcl => quote = Some(b),
            (None, b'\'' | b'"') if !hcl && after(b" \t:[{,") => quote = Some(b),
            // HCL strings escape with a backslash.
            (Some(b'"'), b'"') if hcl && i > 0 && bytes[i - 1] == b'\\' => {}
            (Some(q), _) if b == q => quote = None,
            (None, b'#') if after(b" \t") => return Some(i),
            (None, b'/') if hcl && bytes.get(i + 1) == Some(&b'/') && after(b" \t") => {
                return Some(i)
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailing_and_own_line_comments_find_their_targets() {
        let text = "a: 1  # iamlint: ignore[K002] reviewed\n# iamlint: ignore[P016, placeholder]: why\n\n# other\nb: '#x'\nc: 2 # iamlint: ignore[K002]\nd: '# iamlint: ignore[K002] no'\n";
        let index = LineIndex::new(text);
        let found = comments(text, &index, Syntax::Yaml);
        assert_eq!(found.len(), 3);
        assert_eq!((found[0].target, found[0].reason), (1, true));
        assert_eq!(found[0].rules, ["K002"]);
        assert_eq!((found[1].target, found[1].reason), (5, true));
        assert!(found[1].names("P016", "x") && found[1].names("Z", "placeholder"));
        assert_eq!((found[2].target, found[2].reason), (6, false));
        assert_eq!(
            &text[found[2].span.start..found[2].span.end],
            "# iamlint: ignore[K002]"
        );
        assert_eq!(missing_reasons(&found).len(), 1);
    }

    #[test]
    fn no_mark_no_work() {
        let text = "a: 1 # a comment\n";
        assert!(comments(text, &LineIndex::new(text), Syntax::Yaml).is_empty());
    }

    #[test]
    fn hcl_comments_start_with_a_hash_or_two_slashes_outside_strings() {
        let text = "a = \"http://x # y\" // iamlint: ignore[A002] why\n// iamlint: ignore[C007] because\n# other\n// more\nb = 1\nc = \"\\\" // iamlint: ignore[X] no\"\n";
        let found = comments(text, &LineIndex::new(text), Syntax::Hcl);
        let at: Vec<(usize, &str)> = found
            .iter()
            .map(|c| (c.target, c.rules[0].as_str()))
            .collect();
        assert_eq!(at, [(1, "A002"), (5, "C007")]);
        assert!(
            comments(text, &LineIndex::new(text), Syntax::Yaml).is_empty(),
            "`//` is no YAML comment"
        );
    }
}
