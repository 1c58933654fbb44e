//! Unfilled template placeholders: `ACCOUNT-ID`, `<KEY_ID>`, `YOUR_BUCKET`, `${AccountId}`.
//! They are their own finding (not a malformed ARN): the fix is to fill them in.

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

/// The byte ranges of the placeholders in `text`.
pub fn find(text: &str) -> Vec<Range<usize>> {
    let mut found = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'<' => {
                if let Some(len) = text[i..].find('>') {
                    if len > 1 {
                        found.push(i..i + len + 1);
                        i += len + 1;
                        continue;
                    }
                }
            }
            b'$' if text[i..].starts_with("${") => {
                if let Some(len) = text[i..].find('}') {
                    if !is_policy_variable(&text[i + 2..i + len]) {
                        found.push(i..i + len + 1);
                    }
                    i += len + 1;
                    continue;
                }
            }
            _ => {}
        }
        i += 1;
    }
    // Word-like tokens between ARN and path separators.
    let mut start = 0;
    for (pos, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ':')))
    {
        if matches!(
            c,
            ':' | '/' | '.' | '<' | '>' | '{' | '}' | '$' | ' ' | ',' | '=' | '@'
        ) {
            if start < pos
                && is_placeholder_word(&text[start..pos])
                && !found.iter().any(|r| r.contains(&start))
            {
                found.push(start..pos);
            }
            start = pos + c.len_utf8();
        }
    }
    found.sort_by_key(|r| r.start);
    found
}

/// `${aws:username}`, `${s3:prefix}`, `${*}`: variables AWS substitutes, not placeholders.
fn is_policy_variable(inner: &str) -> bool {
    matches!(inner, "*" | "?" | "$") || inner.contains(':')
}

fn is_placeholder_word(word: &str) -> bool {
    let upper_token = word.len() >= 3
        && word
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        && word.bytes().filter(u8::is_ascii_alphabetic).count() >= 2;
    if upper_token {
        let parts: Vec<&str> = word.split(['-', '_']).collect();
        if parts.iter().any(|p| WORDS.contains(p)) || parts[0] == "YOUR" || parts[0] == "MY" {
            return true;
        }
    }
    let lower = word.to_ascii_lowercase();
    // Lower-case spellings seen in runbooks: `account-id`, `your-bucket-name`, `xxxxxxxxxxxx`.
    matches!(
        lower.as_str(),
        "account-id" | "account_id" | "accountid" | "aws-account-id" | "key-id" | "key_id"
    ) || lower.starts_with("your-")
        || lower.starts_with("your_")
        || (lower.len() >= 4 && lower.bytes().all(|b| b == b'x'))
}

#[cfg(test)]
mod tests {
    use super::find;

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
        assert_eq!(words("arn:aws:s3:::b/${AccountId}"), vec!["${AccountId}"]);
        assert_eq!(
            words("arn:aws:iam::xxxxxxxxxxxx:root"),
            vec!["xxxxxxxxxxxx"]
        );
    }

    #[test]
    fn leaves_real_values_and_policy_variables_alone() {
        assert!(find("arn:aws:iam::123456789012:role/paypollen-api-role").is_empty());
        assert!(find("arn:aws:s3:::bucket/${aws:username}/*").is_empty());
        assert!(find("arn:aws:iam::123456789012:role/API_ROLE").is_empty());
        assert!(find("AWS").is_empty());
    }
}
