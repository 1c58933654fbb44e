//! C009 redundant-resource: a resource listed twice in one statement, or covered by another
//! pattern in the same list (`arn:aws:s3:::orders/reports/*` next to `arn:aws:s3:::orders/*`).

use super::Context;
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::pattern::{after_colons, first_colons, first_wildcard, pattern_covers};

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    // ARNs compare with case.
    super::redundant_values(
        cx,
        out,
        Code::C009,
        |s| [s.resource, s.not_resource],
        false,
        super::first_wildcards,
        // An ARN is covered field by field, so its resource alone finds the candidates.
        |text| after_colons(text, 5).map_or(text, |at| &text[at..]),
        arn_covers,
    );
}

/// The end of [`arn_covers`], for a `general` with wildcards and no `${...}`: AWS matches an
/// ARN field by field (a `*` in the Region field never reaches into the resource), so fields
/// are compared in turn; the resource field is the rest after the fifth colon.
fn covers_fields(general: &str, g: Option<[&str; 6]>, s: Option<[&str; 6]>) -> bool {
    if general == "*" {
        return true;
    }
    match (g, s) {
        // ARNs compare case-sensitively.
        (Some(g), Some(s)) => g.iter().zip(&s).all(|(g, s)| pattern_covers(g, s, false)),
        _ => false,
    }
}

/// Whether resource pattern `general` matches everything `specific` does (C009 within a
/// list, C020 across statements), reading each only as far as the answer needs: most
/// candidate pairs are equal values, or have a `general` without wildcards. Values with
/// template or policy variables (`${...}`) are left alone: what they stand for is not known
/// here.
pub(super) fn arn_covers(general: &str, specific: &str) -> bool {
    if general == specific {
        return true;
    }
    // The commonest pattern, and the one most compared: it covers every value it can read.
    if general == "*" {
        return !has_dollar_brace(specific);
    }
    let Some(first) = first_wildcard(general) else {
        return false;
    };
    if has_dollar_brace(general) || has_dollar_brace(specific) {
        return false;
    }
    // Most wildcards lie in the resource field: the five fields before it are then text
    // that `specific` must repeat, and only the resource fields are compared.
    if let Some(at) = after_colons(general, 5) {
        if first >= at {
            let (g, s) = (general.as_bytes(), specific.as_bytes());
            return s.len() >= at
                && g[..at] == s[..at]
                && pattern_covers(&general[at..], &specific[at..], false);
        }
    }
    covers_fields(general, fields(general), fields(specific))
}

/// Whether `text` holds `${` (a template value or policy variable): a byte search for the
/// brace, rarer than the dollar sign, instead of a substring search.
fn has_dollar_brace(text: &str) -> bool {
    let bytes = text.as_bytes();
    memchr::memchr_iter(b'{', bytes).any(|at| at > 0 && bytes[at - 1] == b'$')
}

/// The six colon-separated fields of an ARN, the last one keeping any further colons.
fn fields(arn: &str) -> Option<[&str; 6]> {
    let ends = first_colons::<5>(arn)?;
    let mut out = [""; 6];
    let mut start = 0;
    for (field, end) in out.iter_mut().zip(ends) {
        *field = &arn[start..end];
        start = end + 1;
    }
    out[5] = &arn[start..];
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::{arn_covers, covers_fields, fields, has_dollar_brace};
    use crate::policy::has_wildcard;

    /// The comparison read in full: every value split into its fields first.
    struct Resource<'a> {
        text: &'a str,
        templated: bool,
        wild: bool,
        fields: Option<[&'a str; 6]>,
    }

    impl<'a> Resource<'a> {
        fn new(text: &'a str) -> Resource<'a> {
            Resource {
                text,
                templated: has_dollar_brace(text),
                wild: has_wildcard(text),
                fields: fields(text),
            }
        }

        fn covers(general: &Resource, specific: &Resource) -> bool {
            if general.text == specific.text {
                return true;
            }
            if general.templated || specific.templated || !general.wild {
                return false;
            }
            covers_fields(general.text, general.fields, specific.fields)
        }
    }

    /// The lazy comparison answers what the one on values read in full does.
    #[test]
    fn arn_covers_agrees_with_resource_covers() {
        let values = [
            "*",
            "arn:aws:s3:::orders/*",
            "arn:aws:s3:::orders/a",
            "arn:aws:s3:::orders",
            "arn:aws:s3:::${b}/*",
            "arn:aws:s3:::${b}/a",
            "arn:aws:iam::*",
            "arn:aws:iam::*:role/*",
            "arn:aws:iam::111122223333:role/x",
            "arn:*:iam::111122223333:role/x",
            "arn:aws:s3:::a:b:c",
            "arn:aws:s3:::a:*",
            "arn:aws:s3:::orders/é*",
            "arn:aws:s3:::orders/éa",
            "arn:aws:s3:::orders/a:*",
            "arn:aws:s3:::orders/a:b?",
            "arn:aws:s3::1:x*",
            "arn:aws:s3::1:x:y",
            "arn:aws:s3:::orders",
            "s3*",
            "",
            ":::::",
        ];
        let mut covered = 0;
        for g in values {
            for s in values {
                let expected = Resource::covers(&Resource::new(g), &Resource::new(s));
                covered += usize::from(expected);
                assert_eq!(arn_covers(g, s), expected, "{g} {s}");
            }
        }
        assert!(covered > values.len() + 10, "only {covered} pairs covered");
    }

    #[test]
    fn resources_are_covered_field_by_field() {
        assert!(arn_covers("*", "arn:aws:s3:::orders/*"));
        assert!(arn_covers(
            "arn:aws:s3:::orders/*",
            "arn:aws:s3:::orders/reports/*"
        ));
        assert!(arn_covers("arn:aws:s3:::orders*", "arn:aws:s3:::orders/a"));
        assert!(!arn_covers("arn:aws:s3:::orders/*", "arn:aws:s3:::orders"));
        assert!(!arn_covers(
            "arn:aws:s3:::Orders/*",
            "arn:aws:s3:::orders/a"
        ));
        // A `*` in the Region field does not reach into the account or the resource.
        assert!(!arn_covers(
            "arn:aws:iam::*",
            "arn:aws:iam::111122223333:role/x"
        ));
        assert!(arn_covers(
            "arn:aws:iam::*:role/*",
            "arn:aws:iam::111122223333:role/x"
        ));
        assert!(!arn_covers("arn:aws:s3:::${b}/*", "arn:aws:s3:::${b}/a"));
        assert!(arn_covers("arn:aws:s3:::${b}/a", "arn:aws:s3:::${b}/a"));
    }
}
