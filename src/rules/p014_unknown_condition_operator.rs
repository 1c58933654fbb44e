//! P014 unknown-condition-operator: AWS rejects a condition operator it does not know.

use super::Context;
use crate::code::Code;
use crate::diagnostic::Diagnostic;

/// Every base operator; each but `Null` also takes an `IfExists` suffix, and any may take
/// a `ForAllValues:` or `ForAnyValue:` prefix.
pub const OPERATORS: &[&str] = &[
    "StringEquals",
    "StringNotEquals",
    "StringEqualsIgnoreCase",
    "StringNotEqualsIgnoreCase",
    "StringLike",
    "StringNotLike",
    "NumericEquals",
    "NumericNotEquals",
    "NumericLessThan",
    "NumericLessThanEquals",
    "NumericGreaterThan",
    "NumericGreaterThanEquals",
    "DateEquals",
    "DateNotEquals",
    "DateLessThan",
    "DateLessThanEquals",
    "DateGreaterThan",
    "DateGreaterThanEquals",
    "Bool",
    "BinaryEquals",
    "IpAddress",
    "NotIpAddress",
    "ArnEquals",
    "ArnLike",
    "ArnNotEquals",
    "ArnNotLike",
    "Null",
];

/// The operator without its set prefix and `IfExists` suffix, if it is a known one.
pub fn base_operator(operator: &str) -> Option<&'static str> {
    // Most operators are written as listed, with no set prefix or suffix: one pass of
    // exact comparisons (a length test each) before the case-folding one.
    if let Some(op) = OPERATORS.iter().copied().find(|op| *op == operator) {
        return Some(op);
    }
    let rest = set_prefix(operator).map_or(operator, |(_, rest)| rest);
    let (rest, if_exists) = match strip_suffix_ignore_case(rest, "ifexists") {
        Some(base) => (base, true),
        None => (rest, false),
    };
    OPERATORS
        .iter()
        .copied()
        .find(|op| op.eq_ignore_ascii_case(rest))
        .filter(|op| !(if_exists && *op == "Null"))
}

/// The set operator an operator starts with (`ForAllValues`, `ForAnyValue`, in any case)
/// and the rest after its colon.
pub fn set_prefix(operator: &str) -> Option<(&'static str, &str)> {
    ["ForAllValues", "ForAnyValue"].into_iter().find_map(|set| {
        let head = operator.get(..set.len() + 1)?;
        let named = head.ends_with(':')
            && head
                .get(..set.len())
                .is_some_and(|name| name.eq_ignore_ascii_case(set));
        named.then(|| (set, &operator[set.len() + 1..]))
    })
}

fn strip_suffix_ignore_case<'t>(text: &'t str, suffix: &str) -> Option<&'t str> {
    let at = text.len().checked_sub(suffix.len())?;
    let tail = text.get(at..)?;
    tail.eq_ignore_ascii_case(suffix).then(|| &text[..at])
}

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for s in &cx.policy.statements {
        let Some(block) = s.condition.and_then(|m| m.value.members()) else {
            continue;
        };
        for op in block {
            // An operator a template fills in (`test = var.trust_condition_test`) is known
            // only at deploy time.
            if base_operator(&op.key).is_some() || crate::policy::template::has_template(&op.key) {
                continue;
            }
            let bare = op.key.rsplit(':').next().unwrap_or(&op.key);
            let help = match crate::suggest::closest(bare, OPERATORS.iter().copied()) {
                Some(name) => format!("did you mean `{name}`?"),
                None => "see the condition operators in the IAM JSON policy reference".to_string(),
            };
            out.push(
                Diagnostic::new(
                    Code::P014,
                    crate::policy::Str::of_key(op).span,
                    format!("`{}` is not a condition operator", op.key),
                )
                .help(help)
                .at(format!("{}/Condition/{}", s.pointer, op.key)),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operators_are_read_in_any_case_with_their_set_and_if_exists() {
        assert_eq!(base_operator("StringEquals"), Some("StringEquals"));
        assert_eq!(
            base_operator("forallvalues:stringlikeIFEXISTS"),
            Some("StringLike")
        );
        assert_eq!(base_operator("ForAnyValue:ArnLike"), Some("ArnLike"));
        assert_eq!(base_operator("NullIfExists"), None);
        assert_eq!(base_operator("ForAllValues"), None);
        assert_eq!(
            set_prefix("FORANYVALUE:StringEquals"),
            Some(("ForAnyValue", "StringEquals"))
        );
        assert_eq!(set_prefix("ForAllValuesStringEquals"), None);
        // Multi-byte characters where the set's name or colon would be: no panic, no match.
        for text in [
            "ForAllValueé:x",
            "ForAllValuesé",
            "ForAnyValuéx",
            "é",
            "IfExisté",
        ] {
            assert_eq!(set_prefix(text), None, "{text}");
            assert_eq!(base_operator(text), None, "{text}");
        }
    }
}
