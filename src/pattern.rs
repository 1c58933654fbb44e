//! Case-insensitive string matching used by catalog lookups: IAM wildcards
//! (`*`, `?`) and condition-key templates (`${TagKey}`, `<key>`).

use std::cmp::Ordering;

/// Orders strings as if both were lowercased (ASCII), without allocating.
pub fn cmp_ignore_case(a: &str, b: &str) -> Ordering {
    a.bytes()
        .map(|c| c.to_ascii_lowercase())
        .cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
}

/// One element of a compiled pattern.
#[derive(Clone, Copy)]
enum Tok {
    Char(char),
    /// `?`: exactly one character.
    One,
    /// `*`: any run of characters, possibly empty.
    Many,
}

/// IAM-style wildcard match: `*` matches any run, `?` one character, and
/// everything else matches case-insensitively.
pub fn wildcard_match(pattern: &str, text: &str) -> bool {
    let toks: Vec<Tok> = pattern
        .chars()
        .map(|c| match c {
            '*' => Tok::Many,
            '?' => Tok::One,
            c => Tok::Char(c),
        })
        .collect();
    matches(&toks, text)
}

/// No IAM service prefix or action name is this long (the longest are under 130).
const LONGEST_NAME: usize = 256;

/// `pattern` with runs of `*` merged, or `None` when it needs more characters than any IAM
/// name has. Policies can hold megabyte-long patterns: simplify once, then match many names.
pub fn simplify_name_pattern(pattern: &str) -> Option<std::borrow::Cow<'_, str>> {
    if pattern.chars().filter(|&c| c != '*').count() > LONGEST_NAME {
        return None;
    }
    if !pattern.contains("**") {
        return Some(pattern.into());
    }
    let mut out = String::with_capacity(LONGEST_NAME);
    for c in pattern.chars() {
        if !(c == '*' && out.ends_with('*')) {
            out.push(c);
        }
    }
    Some(out.into())
}

/// Does `key` instantiate `template`? A `${Name}` or `<name>` placeholder
/// stands for one or more characters; the rest matches case-insensitively.
/// A name without placeholders never matches here (callers compare exactly).
pub fn template_match(template: &str, key: &str) -> bool {
    let mut toks = Vec::new();
    let mut rest = template;
    let mut placeholders = 0;
    while let Some(c) = rest.chars().next() {
        let close = match c {
            '$' if rest.starts_with("${") => rest.find('}'),
            '<' => rest.find('>'),
            _ => None,
        };
        match close {
            Some(end) if end > 1 => {
                // "one or more" = one character followed by any run.
                toks.push(Tok::One);
                toks.push(Tok::Many);
                placeholders += 1;
                rest = &rest[end + 1..];
            }
            _ => {
                toks.push(Tok::Char(c));
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    placeholders > 0 && matches(&toks, key)
}

/// Classic dynamic programme over (pattern tokens x text characters); the
/// strings are short, so O(n*m) is fine and avoids backtracking blow-ups.
/// A pattern comes from the policy, so it may be a megabyte long: runs of `*`
/// are merged and a pattern needing more characters than the text has fails at
/// once, which keeps the work within O(m^2) for any pattern.
fn matches(toks: &[Tok], text: &str) -> bool {
    let text: Vec<char> = text.chars().collect();
    let needed = toks.iter().filter(|t| !matches!(t, Tok::Many)).count();
    if needed > text.len() {
        return false;
    }
    let mut merged: Vec<Tok> = Vec::with_capacity(toks.len());
    for tok in toks {
        if !(matches!(tok, Tok::Many) && matches!(merged.last(), Some(Tok::Many))) {
            merged.push(*tok);
        }
    }
    let toks = merged;
    // row[j]: do the tokens seen so far match text[..j]?
    let mut row = vec![false; text.len() + 1];
    row[0] = true;
    for tok in &toks {
        let mut next = vec![false; text.len() + 1];
        for j in 0..=text.len() {
            next[j] = match tok {
                Tok::Many => row[j] || (j > 0 && next[j - 1]),
                Tok::One => j > 0 && row[j - 1],
                Tok::Char(c) => j > 0 && row[j - 1] && eq_ignore_case(*c, text[j - 1]),
            };
        }
        row = next;
    }
    row[text.len()]
}

fn eq_ignore_case(a: char, b: char) -> bool {
    a == b || a.to_lowercase().eq(b.to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards() {
        assert!(wildcard_match("GenerateDataKey*", "generatedatakeypair"));
        assert!(wildcard_match("*", ""));
        assert!(wildcard_match("Get?bject", "GetObject"));
        assert!(!wildcard_match("Get?bject", "GetObjects"));
        assert!(!wildcard_match("Decrypt", "Encrypt"));
        assert!(wildcard_match(
            "*Key*Pair*",
            "GenerateDataKeyPairWithoutPlaintext"
        ));
    }

    #[test]
    fn huge_patterns_fail_fast() {
        let stars = "*".repeat(1 << 20);
        assert!(wildcard_match(&stars, "GetObject"));
        assert!(!wildcard_match(&"*a".repeat(1 << 19), "GetObject"));
        assert!(wildcard_match(&format!("Get{stars}ct"), "GetObject"));
    }

    #[test]
    fn simplified_patterns_match_the_same_names() {
        let stars = "*".repeat(1 << 20);
        assert_eq!(simplify_name_pattern(&stars).as_deref(), Some("*"));
        assert_eq!(
            simplify_name_pattern("Get**Obj***").as_deref(),
            Some("Get*Obj*")
        );
        assert_eq!(simplify_name_pattern(&"*a".repeat(300)), None);
    }

    #[test]
    fn templates() {
        assert!(template_match(
            "aws:RequestTag/${TagKey}",
            "AWS:requesttag/Team"
        ));
        assert!(!template_match(
            "aws:RequestTag/${TagKey}",
            "aws:RequestTag/"
        ));
        assert!(template_match(
            "s3:ExistingObjectTag/<key>",
            "s3:ExistingObjectTag/a/b"
        ));
        assert!(template_match(
            "codebuild:fileSystemLocations/${identifier}.location",
            "codebuild:fileSystemLocations/efs1.location"
        ));
        assert!(!template_match(
            "kms:EncryptionContextKeys",
            "kms:EncryptionContextKeys"
        ));
        assert!(!template_match(
            "kms:EncryptionContext:${K}",
            "kms:EncryptionContextKeys"
        ));
    }

    #[test]
    fn ordering_ignores_case() {
        assert_eq!(cmp_ignore_case("Decrypt", "decrypt"), Ordering::Equal);
        assert_eq!(cmp_ignore_case("a", "B"), Ordering::Less);
    }
}
