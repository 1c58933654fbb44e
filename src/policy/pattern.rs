//! IAM's wildcard matching: `*` any run of characters, `?` any one; action names compare
//! case-insensitively, as AWS compares them.

pub fn matches(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (
        pattern.chars().map(|c| c.to_ascii_lowercase()).collect(),
        text.chars().map(|c| c.to_ascii_lowercase()).collect(),
    );
    // Iterative matcher with one backtrack point: linear in practice, no recursion.
    let (mut pi, mut ti, mut star, mut mark) = (0, 0, None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

pub fn has_wildcard(text: &str) -> bool {
    text.contains(['*', '?'])
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn wildcards_match_case_insensitively() {
        assert!(matches("kms:GenerateDataKey*", "kms:generatedatakeypair"));
        assert!(matches("iam:Pass?ole", "iam:PassRole"));
        assert!(matches("*", "anything"));
        assert!(!matches("kms:Re*", "kms:Decrypt"));
        assert!(!matches("kms:Decrypt", "kms:DecryptX"));
    }
}
