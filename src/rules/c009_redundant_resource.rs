//! C009 redundant-resource: a resource listed twice in one statement, or covered by another
//! pattern in the same list (`arn:aws:s3:::orders/reports/*` next to `arn:aws:s3:::orders/*`).

use super::Context;
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::pattern::{pattern_covers, redundant_patterns};

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for s in &cx.policy.statements {
        for member in [s.resource, s.not_resource].into_iter().flatten() {
            let values = s.strings_of(member);
            let texts: Vec<&str> = values.iter().map(|v| v.value).collect();
            for (i, covering) in redundant_patterns(&texts, false, arn_covers) {
                let (value, by) = (values[i], values[covering]);
                let message = if value.value == by.value {
                    format!("`{}` is listed twice in `{}`", value.value, member.key)
                } else {
                    format!(
                        "`{}` is already matched by `{}` in `{}`",
                        value.value, by.value, member.key
                    )
                };
                out.push(
                    Diagnostic::new(Code::C009, value.span, message)
                        .label(by.span, "this covers it")
                        .help(format!("remove `{}`", value.value))
                        .at(format!("{}/{}", s.pointer, member.key)),
                );
            }
        }
    }
}

/// Whether resource pattern `general` matches everything `specific` does. AWS matches an ARN
/// field by field (a `*` in the Region field never reaches into the resource), so fields
/// are compared in turn; the resource field is the rest after the fifth colon. Values with
/// template or policy variables (`${...}`) are left alone: what they stand for is not known
/// here.
pub(super) fn arn_covers(general: &str, specific: &str) -> bool {
    if general.contains("${") || specific.contains("${") {
        return general == specific;
    }
    if general == "*" {
        return true;
    }
    let (g, s): (Vec<&str>, Vec<&str>) = (
        general.splitn(6, ':').collect(),
        specific.splitn(6, ':').collect(),
    );
    if g.len() != 6 || s.len() != 6 {
        return general == specific;
    }
    // ARNs compare case-sensitively.
    g.iter().zip(&s).all(|(g, s)| pattern_covers(g, s, false))
}

#[cfg(test)]
mod tests {
    use super::arn_covers;

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
