//! Unfilled placeholders that a human must fill: `ACCOUNT-ID`, `<KEY_ID>`, `YOUR_BUCKET`,
//! and documentation's braces (`{example-region-1}`, `{{account-id}}`).
//! They are their own finding (not a malformed ARN): the fix is to fill them in. A `${...}`
//! is never one: it is an IAM policy variable or a template value that a deployment tool
//! fills in (see [`super::template`]).

use std::ops::Range;

/// Words that make an upper-case token a placeholder rather than a real name.
/// (Not `ROLE` or `KEY` alone: `ADMIN_ROLE` is a real name; `KEY-ID` is not.)
const WORDS: &[&str] = &[
    "ACCOUNT",
    "ACCT",
    "ID",
    "NAME",
    "NUMBER",
    "REGION",
    "PARTITION",
    "ARN",
];

/// The byte ranges of the placeholders in `text`. Linear in the text's length, so a
/// megabyte of `<` or `${` in a hostile policy costs no more than a megabyte of letters.
pub fn find(text: &str) -> Vec<Range<usize>> {
    let mut found: Vec<Range<usize>> = Vec::new();
    // `${...}` parts, in order: see [`super::template`].
    let mut filled: Vec<Range<usize>> = Vec::new();
    let bytes = text.as_bytes();
    // Most strings hold no placeholder: one cheap pass tells, instead of the token scan,
    // and tells the bracket search apart from the word scan.
    let hints = hints(bytes);
    // Once no `>` (or `}`) follows, none follows any later `<` (or `${`, or `{`) either.
    let (mut angle_open, mut brace_open) = (true, true);
    let mut i = 0;
    if hints.bracket {
        // Only `<`, `$` and `{` open a bracketed placeholder: jump from one to the next.
        while let Some(at) = memchr::memchr3(b'<', b'$', b'{', &bytes[i..]) {
            i += at;
            match bytes[i] {
                b'<' if angle_open => match text[i..].find('>') {
                    Some(len) if len > 1 => {
                        found.push(i..i + len + 1);
                        i += len + 1;
                        continue;
                    }
                    Some(_) => {}
                    None => angle_open = false,
                },
                // A template value or policy variable is filled in by a tool or by AWS, not
                // by a human: not a placeholder, and the words inside it are not either.
                b'$' if brace_open && text[i..].starts_with("${") => match text[i..].find('}') {
                    Some(len) => {
                        filled.push(i..i + len + 1);
                        i += len + 1;
                        continue;
                    }
                    None => brace_open = false,
                },
                // Documentation's placeholders, `{example-region-1}` and `{{account-id}}`
                // (not a `${...}`, which the arm above takes whole).
                b'{' if brace_open => match documentation_braces(&text[i..]) {
                    Braces::Placeholder(len) => {
                        found.push(i..i + len);
                        i += len;
                        continue;
                    }
                    Braces::Skip(len) => {
                        i += len;
                        continue;
                    }
                    Braces::Unclosed => brace_open = false,
                },
                _ => {}
            }
            i += 1;
        }
    }
    // Found in order of their start.
    if !hints.word {
        return found;
    }
    // Word-like tokens between ARN and path separators, unless inside a bracketed one
    // (those are sorted by start, so a binary search finds the one that could hold it).
    // Every word [`is_placeholder_word`] takes holds a pair of neighbours that [`hints`]
    // looks for, and no separator is in such a pair: only the tokens around those pairs
    // are looked at, in order, rather than every token of the text.
    let bracketed = found.len();
    // Separators are ASCII, so bytes will do: no byte of a multi-byte character matches.
    let separator = |b: &u8| SEPARATORS[usize::from(*b)];
    let mut from = 0;
    while let Some(pair) = next_word_pair(bytes, from) {
        let start = bytes[..pair]
            .iter()
            .rposition(separator)
            .map_or(0, |at| at + 1);
        let end = bytes[pair..]
            .iter()
            .position(separator)
            .map_or(bytes.len(), |at| pair + at);
        if is_placeholder_word(&text[start..end]) {
            let inside = |ranges: &[Range<usize>]| {
                let before = ranges.partition_point(|r| r.start <= start);
                before > 0 && ranges[before - 1].contains(&start)
            };
            if !inside(&found[..bracketed]) && !inside(&filled) {
                found.push(start..end);
            }
        }
        // The byte at `end` (if any) is a separator: the next token starts after it.
        from = end + 1;
    }
    found.sort_by_key(|r| r.start);
    found
}

/// Where the first pair of neighbours at or after `from` that a placeholder word holds
/// (see [`Hints::word`]) starts.
fn next_word_pair(bytes: &[u8], from: usize) -> Option<usize> {
    let rest = bytes.get(from..)?;
    let mut previous = 0;
    for (at, &b) in rest.iter().enumerate() {
        if previous & PAIR_ENDS[usize::from(b)] & !BRACKET != 0 {
            return Some(from + at - 1);
        }
        previous = PAIR_STARTS[usize::from(b)];
    }
    None
}

/// The bytes that end a word-like token: one table lookup a byte, rather than a dozen
/// comparisons.
static SEPARATORS: [bool; 256] = {
    let mut table = [false; 256];
    let separators = b":/.<>{}$ ,=@";
    let mut i = 0;
    while i < separators.len() {
        table[separators[i] as usize] = true;
        i += 1;
    }
    table
};

/// What a `{` at the start of `text` opens.
enum Braces {
    /// A `{name}` or `{{name}}` of this length: a name with at least one character other than
    /// a space and no brace, quote, backslash or control character, closed as it was opened.
    Placeholder(usize),
    /// Not one: the next `{` that may open one is this far on (each byte is looked at a
    /// bounded number of times, so a hostile run of braces stays linear).
    Skip(usize),
    /// No `}` follows, so no later `{` opens one either.
    Unclosed,
}

fn documentation_braces(text: &str) -> Braces {
    let double = text.starts_with("{{");
    let open = if double { 2 } else { 1 };
    let Some(at) = memchr::memchr2(b'{', b'}', &text.as_bytes()[open..]) else {
        return Braces::Unclosed;
    };
    let close = open + at;
    if text.as_bytes()[close] == b'{' {
        return Braces::Skip(close);
    }
    let name = &text[open..close];
    if double && !text[close..].starts_with("}}") {
        // `{{name}`: the inner `{name}` may still be one.
        return Braces::Skip(1);
    }
    let plain = !name.trim().is_empty()
        && !name.contains(['"', '\\'])
        && !name.chars().any(char::is_control);
    if plain {
        Braces::Placeholder(close + open)
    } else {
        Braces::Skip(close + 1)
    }
}

/// What one cheap pass tells of the placeholders a text may hold.
#[derive(Clone, Copy, Debug)]
struct Hints {
    /// A `<`, `$` or `{`, which open bracketed ones.
    bracket: bool,
    /// A pair of neighbours that every placeholder word holds: two capitals (each word of
    /// [`WORDS`], `YOUR` and `MY` has them), or `id`, `yo` or `xx` in any case (the lower-case
    /// spellings). Without one the text holds no word [`is_placeholder_word`] takes.
    word: bool,
}

/// Bytes looked at by one step of [`hints`]: sixteen pairs of neighbours.
const WINDOW: usize = 17;

fn hints(bytes: &[u8]) -> Hints {
    // A string shorter than a window (`*`, an account id) is read a byte at a time.
    if bytes.len() < WINDOW {
        return hints_bytewise(bytes);
    }
    // Windows overlap by one byte, so that every pair of neighbours is in one; the last
    // window is the input's final one (pairs looked at again do no harm to a yes-or-no).
    // Each window tests the second byte of each pair for an opening: the first byte here.
    let (mut bracket, mut word) = (matches!(bytes[0], b'<' | b'$' | b'{'), false);
    let mut at = 0;
    loop {
        let start = at.min(bytes.len() - WINDOW);
        let (b, w) = window_hints(&bytes[start..start + WINDOW]);
        bracket |= b;
        word |= w;
        at += WINDOW - 1;
        if start + WINDOW == bytes.len() {
            return Hints { bracket, word };
        }
    }
}

/// [`hints`] of one window: the tests of [`hints_bytewise`]'s tables written as comparisons
/// of each byte with its neighbour, a fold without early exit that compiles to a few dozen
/// vector instructions for all sixteen pairs.
#[inline(always)]
fn window_hints(window: &[u8]) -> (bool, bool) {
    let (mut bracket, mut word) = (0u8, 0u8);
    let upper = |b: u8| b.wrapping_sub(b'A') < 26;
    let opens = |b: u8| u8::from(b == b'<') | u8::from(b == b'$') | u8::from(b == b'{');
    for (&c, &n) in window[..WINDOW - 1].iter().zip(&window[1..WINDOW]) {
        // ASCII letters in lower case; no other byte becomes one of these letters.
        let (lc, ln) = (c | 0x20, n | 0x20);
        bracket |= opens(n);
        word |= u8::from(upper(c) & upper(n))
            | u8::from((lc == b'i') & (ln == b'd'))
            | u8::from((lc == b'y') & (ln == b'o'))
            | u8::from((lc == b'x') & (ln == b'x'));
    }
    (bracket != 0, word != 0)
}

// One table lookup a byte: which pairs a byte may start and which it may end. Every byte
// "starts" the `BRACKET` pair, which `<`, `$` and `{` end, so one walk tells both.
const UPPER: u8 = 1;
const ID: u8 = 2;
const YO: u8 = 4;
const XX: u8 = 8;
const BRACKET: u8 = 16;
const fn pair_table(ends: bool) -> [u8; 256] {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let byte = b as u8;
        let lower = byte.to_ascii_lowercase();
        let mut bits = if byte.is_ascii_uppercase() { UPPER } else { 0 };
        bits |= match (ends, lower) {
            (false, b'i') | (true, b'd') => ID,
            (false, b'y') | (true, b'o') => YO,
            (_, b'x') => XX,
            _ => 0,
        };
        if !ends || byte == b'<' || byte == b'$' || byte == b'{' {
            bits |= BRACKET;
        }
        t[b] = bits;
        b += 1;
    }
    t
}
static PAIR_STARTS: [u8; 256] = pair_table(false);
static PAIR_ENDS: [u8; 256] = pair_table(true);

fn hints_bytewise(bytes: &[u8]) -> Hints {
    let (mut previous, mut seen) = (BRACKET, 0);
    for &b in bytes {
        seen |= previous & PAIR_ENDS[usize::from(b)];
        previous = PAIR_STARTS[usize::from(b)];
    }
    Hints {
        bracket: seen & BRACKET != 0,
        word: seen & !BRACKET != 0,
    }
}

/// Called for every token of every string: decides without allocating.
fn is_placeholder_word(word: &str) -> bool {
    // Every placeholder starts with a capital, a digit or `_`, or one of the lower-case
    // spellings below (`account-id`, `key_id`, `your-…`, `xxxx`): most tokens stop here.
    match word.as_bytes() {
        [] | [_] | [_, _] => return false,
        [b'a' | b'k' | b'y' | b'x', ..] => {}
        [b, ..] if b.is_ascii_lowercase() => return false,
        _ => {}
    }
    let upper_token = word
        .bytes()
        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        && word.bytes().filter(u8::is_ascii_alphabetic).count() >= 2;
    if upper_token {
        let mut parts = word.split(['-', '_']);
        let first = parts.next().unwrap_or("");
        if first == "YOUR"
            || first == "MY"
            || matches!(
                word,
                "REPLACE_ME" | "REPLACE-ME" | "REPLACEME" | "CHANGE_ME" | "CHANGEME"
            )
            || WORDS.contains(&first)
            || parts.any(|p| WORDS.contains(&p))
        {
            return true;
        }
    }
    // Lower-case spellings seen in runbooks: `account-id`, `your-bucket-name`, `xxxxxxxxxxxx`.
    const SPELLINGS: &[&str] = &[
        "account-id",
        "account_id",
        "accountid",
        "aws-account-id",
        "key-id",
        "key_id",
    ];
    let starts_with = |prefix: &str| {
        word.get(..prefix.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
    };
    SPELLINGS.iter().any(|s| word.eq_ignore_ascii_case(s))
        || starts_with("your-")
        || starts_with("your_")
        || (word.len() >= 4 && word.bytes().all(|b| b.eq_ignore_ascii_case(&b'x')))
}

#[cfg(test)]
mod tests {
    use super::find;
    use crate::seeded::numbers;

    fn words(text: &str) -> Vec<&str> {
        find(text).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn finds_common_placeholders() {
        assert_eq!(words("arn:aws:iam::ACCOUNT-ID:root"), vec!["ACCOUNT-ID"]);
        assert_eq!(
            words("arn:aws:kms:us-east-1:ACCOUNT-ID:key/KEY-ID"),
            vec!["ACCOUNT-ID", "KEY-ID"]
        );
        assert_eq!(words("<KEY_ID>"), vec!["<KEY_ID>"]);
        assert_eq!(words("arn:aws:s3:::YOUR_BUCKET/*"), vec!["YOUR_BUCKET"]);
        assert_eq!(
            words("arn:aws:s3:::${ACCOUNT_ID}/REPLACE_ME"),
            vec!["REPLACE_ME"]
        );
        assert_eq!(
            words("arn:aws:iam::xxxxxxxxxxxx:root"),
            vec!["xxxxxxxxxxxx"]
        );
    }

    #[test]
    fn finds_documentation_braces() {
        assert_eq!(words("{example-region-1}"), vec!["{example-region-1}"]);
        assert_eq!(
            words("arn:aws:s3:::{{amzn-s3-demo-bucket}}/*"),
            vec!["{{amzn-s3-demo-bucket}}"]
        );
        assert_eq!(words("{{ account_id }}"), vec!["{{ account_id }}"]);
        // The words inside are the braces' own, not found again.
        assert_eq!(
            words("arn:aws:iam::{ACCOUNT-ID}:root"),
            vec!["{ACCOUNT-ID}"]
        );
        // A `${...}` stays a template value; empty or unclosed braces are not placeholders.
        assert!(find("arn:aws:s3:::b/${aws:username}/*").is_empty());
        assert!(find("${{ secrets.ROLE }}").is_empty());
        for text in ["{}", "{ }", "a{b", "{\"a\":1}", "{{}}"] {
            assert!(find(text).is_empty(), "{text}");
        }
        assert_eq!(words("{{a}"), vec!["{a}"]);
    }

    #[test]
    fn leaves_real_values_and_policy_variables_alone() {
        assert!(find("arn:aws:iam::123456789012:role/paypollen-api-role").is_empty());
        assert!(find("arn:aws:s3:::bucket/${aws:username}/*").is_empty());
        // Template values are filled in at deploy time, words inside them included.
        assert!(find("arn:aws:s3:::b/${AccountId}").is_empty());
        assert!(find("arn:${AWS::Partition}:iam::${AWS::AccountId}:root").is_empty());
        assert!(find("arn:aws:iam::${ACCOUNT_ID}:root").is_empty());
        assert!(find("arn:aws:iam::${var.account_id}:role/${YOUR_ROLE}").is_empty());
        assert!(find("arn:aws:iam::123456789012:role/API_ROLE").is_empty());
        assert!(find("AWS").is_empty());
    }

    /// The pre-filter never hides a placeholder: every token the scan takes as a word passes
    /// it, and so does every `<` or `$`.
    #[test]
    fn prefilter_passes_every_placeholder() {
        let parts = [
            "ACCOUNT", "ID", "MY", "YOUR", "NAME", "-", "_", "id", "Id", "key", "your", "yo", "x",
            "X", "XX", "acc", "ount", "A", "b", "1", "aws", "é",
        ];
        let mut next = numbers(3);
        let mut words = 0;
        for _ in 0..100_000 {
            let token: String = (0..next(6)).map(|_| parts[next(parts.len())]).collect();
            let word = super::is_placeholder_word(&token);
            words += usize::from(word);
            assert!(!word || super::hints(token.as_bytes()).word, "{token:?}");
        }
        assert!(words > 1000, "only {words} tokens were placeholder words");
        let clean = super::hints(b"arn:aws:s3:::app-analytics-sw5wjf/*");
        assert!(!clean.word && !clean.bracket);
        for bracketed in [
            "<",
            "$",
            "{",
            "a<",
            "arn:aws:s3:::b/${x}",
            "ab<KEY>",
            "a{b}",
        ] {
            assert!(super::hints(bracketed.as_bytes()).bracket, "{bracketed}");
        }
        assert!(!super::hints(b"ab>KEY}").bracket);
        assert!(find(&"{".repeat(1 << 20)).is_empty());
        assert!(find(&format!("{}}}", "{".repeat(1 << 20))).is_empty());
        assert_eq!(find(&"{{a}".repeat(1 << 18)).len(), 1 << 18);
    }

    /// The window scan tells what the byte-wise scan tells, wherever the pair that decides
    /// stands (in a window, across two, in the overlap of the last).
    #[test]
    fn window_hints_agree_with_the_bytewise_scan() {
        let bytes: &[u8] = b"aAiIdDyYoOxX<${:-_ \xc3\xa9Zz";
        let mut next = numbers(7);
        let (mut words, mut brackets) = (0, 0);
        for _ in 0..50_000 {
            let len = next(60);
            // Mostly one filler byte, so that a single pair or bracket decides.
            let text: Vec<u8> = (0..len)
                .map(|_| match next(8) {
                    0 => bytes[next(bytes.len())],
                    _ => b'a',
                })
                .collect();
            let (fast, slow) = (super::hints(&text), super::hints_bytewise(&text));
            assert_eq!(
                (fast.word, fast.bracket),
                (slow.word, slow.bracket),
                "{text:?}"
            );
            words += usize::from(slow.word);
            brackets += usize::from(slow.bracket);
        }
        assert!(words > 1000 && brackets > 1000, "{words} {brackets}");
        assert!(words < 49_000 && brackets < 49_000, "{words} {brackets}");
    }

    /// The word scan, which looks only at the tokens around a pair of neighbours that
    /// [`super::hints`] looks for, finds what a test of every token finds.
    #[test]
    fn word_scan_agrees_with_a_test_of_every_token() {
        // Every token, in order, by the separators alone; bracketed text is left out of
        // the texts below, so no token is inside one.
        fn every_token(text: &str) -> Vec<std::ops::Range<usize>> {
            let mut found = Vec::new();
            let mut start = 0;
            for (pos, b) in text.bytes().chain([b':']).enumerate() {
                if super::SEPARATORS[usize::from(b)] {
                    if start < pos && super::is_placeholder_word(&text[start..pos]) {
                        found.push(start..pos);
                    }
                    start = pos + 1;
                }
            }
            found
        }
        let parts = [
            "ACCOUNT",
            "ID",
            "MY",
            "YOUR",
            "-",
            "_",
            "id",
            "key",
            "your",
            "x",
            "XX",
            "CI",
            "a",
            "1",
            ":",
            "/",
            ".",
            " ",
            "=",
            "@",
            ",",
            "arn:aws:iam::",
            "role/",
            "é",
        ];
        let mut next = numbers(11);
        let mut placeholders = 0;
        for _ in 0..50_000 {
            let text: String = (0..next(12)).map(|_| parts[next(parts.len())]).collect();
            let expected = every_token(&text);
            placeholders += expected.len();
            assert_eq!(find(&text), expected, "{text:?}");
        }
        assert!(placeholders > 3_000, "only {placeholders} placeholders");
    }

    #[test]
    fn unclosed_brackets_and_many_placeholders_stay_linear() {
        assert!(find(&"<".repeat(1 << 20)).is_empty());
        assert!(find(&"${".repeat(1 << 19)).is_empty());
        let many = "<ACCOUNT-ID>/".repeat(1 << 16);
        assert_eq!(
            find(&many).len(),
            1 << 16,
            "the word inside each `<...>` is not repeated"
        );
    }
}
