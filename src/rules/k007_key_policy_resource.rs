//! K007 key-policy-resource: a `Resource` other than `"*"` in a key policy. A key policy is
//! attached to one key and `"*"` means *that key*. A key ARN here is at best redundant
//! (information); a value that cannot name a KMS key (an S3 ARN, an alias ARN) makes the
//! statement match nothing, which is a warning. KMS accepts both: AWS documents only that a
//! statement without `Resource` has no effect.

use super::{allows, Context};
use crate::code::Code;
use crate::diagnostic::{Diagnostic, Severity};
use crate::pattern::wildcard_match;
use crate::policy::{arn, Statement};

/// Whether a key-policy `Resource` value can never be the key the policy is attached to:
/// an ARN of another service, or a KMS ARN of something other than a key. Values that are
/// not ARNs (placeholders, template values) may still be, and are given the benefit.
pub fn names_no_key(value: &str) -> bool {
    let Ok(parts) = arn::split(value) else {
        return false;
    };
    if !wildcard_match(parts.service.text, "kms") {
        return true;
    }
    // The text before the first wildcard must agree with `key/` for the value to match a key.
    let resource = parts.resource.text;
    let literal = &resource[..resource.find(['*', '?']).unwrap_or(resource.len())];
    !("key/".starts_with(literal) || literal.starts_with("key/"))
}

/// Whether a key-policy statement can apply to its key: it names `Resource` (AWS: a statement
/// without one has no effect) with a value that may be the key, or uses `NotResource`.
pub fn applies_to_key(s: &Statement) -> bool {
    if s.not_resource.is_some() {
        return true;
    }
    s.resource.is_some() && s.resources().iter().any(|r| !names_no_key(r.value))
}

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for s in allows(cx) {
        for value in s.resources().iter().filter(|r| r.value != "*") {
            let diagnostic = if names_no_key(value.value) {
                Diagnostic::new(
                    Code::K007,
                    value.span,
                    format!(
                        "`{}` in a key policy names no KMS key: a key policy only ever applies to its own key, so this statement applies to nothing",
                        value.value
                    ),
                )
                .severity(Severity::Warning)
            } else {
                Diagnostic::new(
                    Code::K007,
                    value.span,
                    format!(
                        "`{}` in a key policy: a key policy only ever applies to its own key, so this either names that key redundantly or matches nothing",
                        value.value
                    ),
                )
            };
            out.push(
                diagnostic
                    .help("write \"Resource\": \"*\", which in a key policy means this key")
                    .at(format!("{}/Resource", s.pointer)),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::names_no_key;

    #[test]
    fn values_that_cannot_be_the_key() {
        for never in [
            "arn:aws:s3:::my-bucket",
            "arn:aws:kms:us-east-1:111122223333:alias/app",
            "arn:aws:iam::111122223333:root",
        ] {
            assert!(names_no_key(never), "{never}");
        }
        for maybe in [
            "*",
            "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            "arn:aws:kms:*:*:*",
            "arn:aws:kms:us-east-1:111122223333:k*",
            "arn:aws:*:us-east-1:111122223333:key/x",
            "KEY-ARN",
        ] {
            assert!(!names_no_key(maybe), "{maybe}");
        }
    }
}
