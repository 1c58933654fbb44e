//! Q001 policy-size-quota: a document larger than AWS accepts for its kind (and, in a
//! template, for the resource that holds it). Counted as IAM counts: every character
//! except whitespace outside strings, so the finding holds however the file is laid out.

use super::policy_types::{identity_quota, resource_policy};
use super::Context;
use crate::code::Code;
use crate::diagnostic::{Diagnostic, Severity};
use crate::json::{Node, Span, Value};
use crate::policy::PolicyKind;

/// Role trust policies: 2,048 characters by default, raised on request. AWS's quotas page
/// gave 4,096 as the highest raise (2023 copy), later guidance 8,192, so only a policy over
/// 8,192 is refused in every account
/// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html).
const TRUST_DEFAULT: usize = 2048;
const TRUST_MAX: usize = 8192;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let Some((quota, what)) = quota(cx) else {
        return;
    };
    let root = cx.policy.root.span;
    // Written compactly, a JSON text is never longer than as written, but for an escape that
    // is (`\b` as `\u0008`, four characters more): without the walk when that fits.
    if cx
        .json_facts
        .is_some_and(|facts| root.end - root.start + 4 * facts.escapes <= quota)
    {
        return;
    }
    let size = compact_len(cx.policy.root);
    if size <= quota {
        return;
    }
    let at = Span::new(root.start, root.start + 1);
    let d = if cx.kind == PolicyKind::Trust && size > TRUST_MAX {
        Diagnostic::new(Code::Q001, at, format!("the policy has {size} characters without whitespace, over the {TRUST_MAX} AWS accepts for a role trust policy even with a raised quota"))
    } else if cx.kind == PolicyKind::Trust {
        Diagnostic::new(Code::Q001, at, format!("the policy has {size} characters without whitespace, over the {quota} AWS accepts for {what}"))
            .severity(Severity::Warning)
            .help("AWS accepts it only where the account's quota for role trust policies was raised (to at most 8,192); otherwise shorten it")
    } else {
        Diagnostic::new(Code::Q001, at, format!("the policy has {size} characters without whitespace, over the {quota} AWS accepts for {what}"))
    };
    out.push(d);
}

fn quota(cx: &Context) -> Option<(usize, &'static str)> {
    let held_by = cx.resource_type;
    Some(match cx.kind {
        // Only where the holder says which quota applies: AWS managed policies, the usual
        // JSON files without one, are not held to the customer quotas.
        PolicyKind::Identity => identity_quota(held_by?)?,
        PolicyKind::Boundary => (6144, "a managed policy (a permissions boundary is one)"),
        PolicyKind::Trust => (TRUST_DEFAULT, "a role trust policy (the default quota)"),
        // AWS Organizations quotas: SCPs 10,240 characters (5,120 in earlier copies of the page), RCPs 5,120
        // (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html).
        PolicyKind::Scp => (10240, "a service control policy"),
        PolicyKind::Rcp => (5120, "a resource control policy"),
        // 32 KB, 32,768 bytes (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html).
        PolicyKind::KmsKey => (32 * 1024, "a KMS key policy"),
        PolicyKind::Resource => {
            let t = held_by.and_then(resource_policy)?;
            (t.quota?, t.article_name)
        }
    })
}

/// The characters of the document written compactly: whitespace between tokens dropped,
/// strings with their quotes and escapes.
pub fn compact_len(node: &Node) -> usize {
    match &node.value {
        Value::Null => 4,
        Value::Bool(b) => {
            if *b {
                4
            } else {
                5
            }
        }
        Value::Number(n) => n.len(), // ASCII
        Value::String(s) => string_len(s),
        // The brackets, and a comma between items.
        Value::Array(items) => {
            2 + items.len().saturating_sub(1) + items.iter().map(compact_len).sum::<usize>()
        }
        Value::Object(members) => {
            2 + members.len().saturating_sub(1)
                + members
                    .iter()
                    .map(|m| string_len(&m.key) + 1 + compact_len(&m.value))
                    .sum::<usize>()
        }
    }
}

fn string_len(s: &str) -> usize {
    let bytes = s.as_bytes();
    // Most strings are printable ASCII without a quote or backslash, one character a byte:
    // a pass without early exit, which compiles to vector compares, tells them apart.
    let unusual = bytes.iter().fold(false, |unusual, &b| {
        unusual | !(0x20..0x80).contains(&b) | (b == b'"') | (b == b'\\')
    });
    if !unusual {
        return 2 + bytes.len();
    }
    // By bytes, not chars: a UTF-8 continuation byte adds nothing to its character's count.
    2 + bytes
        .iter()
        .map(|&b| match b {
            b'"' | b'\\' | b'\n' | b'\t' | b'\r' => 2,
            0x00..=0x1f => 6,
            0x80..=0xbf => 0,
            _ => 1,
        })
        .sum::<usize>()
}

#[cfg(test)]
mod tests {
    use super::compact_len;

    #[test]
    fn counts_a_document_as_written_without_whitespace() {
        let text = r#"{ "Version" : "2012-10-17",
            "Statement": [ {"Effect": "Allow", "Action": ["s3:Get*", "a\"b"], "Resource": "*"} ] }"#;
        let compact: String = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*","a\"b"],"Resource":"*"}]}"#.into();
        let root = crate::json::parse(text).unwrap();
        assert_eq!(compact_len(&root), compact.chars().count());
    }

    /// The bound Q001 checks first holds: a text's compact length is at most its length
    /// in bytes plus four per escape.
    #[test]
    fn compact_length_is_within_the_text_and_its_escapes() {
        for text in [
            r#"{ "a" : [ 1 , true , null , "x" ] }"#,
            "{\"Sid\": \"\\b\\f\\b\"}",
            "{\"é€\": \"\\u00e9\\ud83d\\ude00\\\"\\/\"}",
            "[\"\\u0001\\t\", {\"\\b\": \"\u{1F600}\"}]",
        ] {
            let (root, facts) = crate::json::parse_with_facts(text).unwrap();
            let size = compact_len(&root);
            assert!(
                size <= text.len() + 4 * facts.escapes,
                "{text}: {size} > {} + 4 * {}",
                text.len(),
                facts.escapes
            );
        }
        let (_, facts) = crate::json::parse_with_facts("\"\\b\\f\"").unwrap();
        assert_eq!(facts.escapes, 2);
    }

    #[test]
    fn counts_characters_not_bytes_and_escapes_as_written() {
        // `é` and `€` are one character each; the quote, the backslash and the newline are
        // written escaped (two), the control character as `\u0001` (six).
        let text = "{\"Sid\": \"\u{e9}\u{20ac}\\\" \\\\ \\n \\u0001\"}";
        let root = crate::json::parse(text).unwrap();
        let compact = "{\"Sid\":\"é€\\\" \\\\ \\n \\u0001\"}";
        assert_eq!(compact_len(&root), compact.chars().count());
    }
}
