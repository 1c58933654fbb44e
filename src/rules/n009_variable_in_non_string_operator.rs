//! N009 variable-in-non-string-operator: a policy variable (`${aws:CurrentTime}`) as the value
//! of any operator but a String or ARN one: Numeric, Date, Bool, IpAddress, BinaryEquals or
//! Null. AWS substitutes variables only in String and ARN comparisons (and in `Resource`),
//! and rejects the policy.

use super::lookup::OperatorType;
use super::Context;
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::policy::strings;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for s in &cx.policy.statements {
        for (entry, facts) in cx.conditions(s) {
            let Some(op) = facts.operator else {
                continue;
            };
            if matches!(op.kind, OperatorType::String | OperatorType::Arn) {
                continue;
            }
            for value in strings(entry.values) {
                let Some(range) = policy_variable(value.value) else {
                    continue;
                };
                out.push(
                    Diagnostic::new(
                        Code::N009,
                        value.sub_span(range.clone()),
                        format!(
                            "policy variable `{}` under `{}`: AWS substitutes variables only for String and ARN operators",
                            &value.value[range],
                            entry.operator.value
                        ),
                    )
                    .help(literal(op.kind))
                    .at(entry.pointer(&s.pointer)),
                );
            }
        }
    }
}

/// What to write instead: a literal of the operator's type.
fn literal(kind: OperatorType) -> &'static str {
    match kind {
        OperatorType::Numeric => "write a literal Numeric value",
        OperatorType::Date => "write a literal Date value",
        OperatorType::Bool => "write `true` or `false`",
        OperatorType::IpAddress => "write a literal IP address or CIDR range",
        OperatorType::Binary => "write literal base64-encoded bytes",
        OperatorType::Null => "write `true` (the key is absent) or `false` (the key is present)",
        OperatorType::String | OperatorType::Arn => "use a String or ARN operator",
    }
}

/// The first IAM policy variable in `text`: `${namespace:name}` with a lower-case namespace
/// and one colon (`${aws:CurrentTime}`), not a template value (`${AWS::AccountId}`,
/// `${var.limit}`), which the deploy tool fills in before AWS sees the policy.
fn policy_variable(text: &str) -> Option<std::ops::Range<usize>> {
    let mut from = 0;
    while let Some(offset) = text[from..].find("${") {
        let start = from + offset;
        let end = start + text[start..].find('}')? + 1;
        let inner = &text[start + 2..end - 1];
        if let Some((namespace, name)) = inner.split_once(':') {
            let namespace_ok = !namespace.is_empty()
                && namespace
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
            if namespace_ok && !name.is_empty() && !name.starts_with(':') {
                return Some(start..end);
            }
        }
        from = end;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::policy_variable;

    #[test]
    fn policy_variables_but_not_template_values() {
        assert_eq!(policy_variable("${aws:CurrentTime}"), Some(0..18));
        assert_eq!(policy_variable("x-${aws:EpochTime}"), Some(2..18));
        assert_eq!(policy_variable("${AWS::AccountId}"), None);
        assert_eq!(policy_variable("${var.limit}"), None);
        assert_eq!(policy_variable("${aws:username"), None);
        assert_eq!(policy_variable("42"), None);
    }
}
