//! P017 invalid-element-type: an element whose value has the wrong JSON type or shape
//! (an `Action` that is a number, a `Principal` string other than `*`, a `Condition`
//! that is a list). AWS rejects such a policy. A string that is one template value
//! (`"${Fn::If}"`, a CloudFormation condition choosing a whole statement) may become an
//! object or a list at deploy time: it is not judged.

use super::Context;
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::json::{Member, Node, Value};
use crate::policy::{template, Str};

const PRINCIPAL_TYPES: &[&str] = &["AWS", "Service", "Federated", "CanonicalUser"];

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let policy = cx.policy;
    for member in [policy.version, policy.id].into_iter().flatten() {
        expect_string(member, "", out);
    }
    if let Some(statement) = policy.statement {
        match &statement.value.value {
            Value::Object(_) => {}
            Value::Array(items) => {
                for (i, item) in items
                    .iter()
                    .enumerate()
                    .filter(|(_, n)| n.members().is_none() && !is_template_value(n))
                {
                    out.push(wrong(
                        item,
                        "a statement",
                        "an object",
                        &format!("/Statement/{i}"),
                    ));
                }
            }
            _ if is_template_value(&statement.value) => {}
            _ => out.push(wrong(
                &statement.value,
                "`Statement`",
                "an object or a list of objects",
                "/Statement",
            )),
        }
    }
    for s in &policy.statements {
        for member in [s.sid, s.effect].into_iter().flatten() {
            expect_string(member, &s.pointer, out);
        }
        for member in [s.action, s.not_action, s.resource, s.not_resource]
            .into_iter()
            .flatten()
        {
            expect_strings(
                &member.value,
                &member.key,
                &|| format!("{}/{}", s.pointer, member.key),
                out,
            );
        }
        for member in [s.principal, s.not_principal].into_iter().flatten() {
            principal(member, &s.pointer, out);
        }
        if let Some(member) = s.condition {
            condition(member, &s.pointer, out);
        }
    }
}

/// A string that is one template value, which a deployment tool fills with any JSON.
fn is_template_value(node: &Node) -> bool {
    node.as_str().and_then(template::whole).is_some()
}

fn wrong(node: &Node, what: &str, expected: &str, pointer: &str) -> Diagnostic {
    Diagnostic::new(
        Code::P017,
        node.span,
        format!("{what} must be {expected}, not {}", node.type_name()),
    )
    .help(format!("write {what} as {expected}"))
    .at(pointer.to_string())
}

fn expect_string(member: &Member, pointer: &str, out: &mut Vec<Diagnostic>) {
    if member.value.as_str().is_none() {
        out.push(wrong(
            &member.value,
            &format!("`{}`", member.key),
            "a string",
            &format!("{pointer}/{}", member.key),
        ));
    }
}

/// `pointer` is only worked out for a finding: most values are fine.
fn expect_strings(node: &Node, key: &str, pointer: &dyn Fn() -> String, out: &mut Vec<Diagnostic>) {
    match &node.value {
        Value::String(_) => {}
        Value::Array(items) => {
            for item in items.iter().filter(|i| i.as_str().is_none()) {
                out.push(wrong(
                    item,
                    &format!("each item of `{key}`"),
                    "a string",
                    &pointer(),
                ));
            }
        }
        _ => out.push(wrong(
            node,
            &format!("`{key}`"),
            "a string or a list of strings",
            &pointer(),
        )),
    }
}

fn principal(member: &Member, statement: &str, out: &mut Vec<Diagnostic>) {
    let pointer = || format!("{statement}/{}", member.key);
    match &member.value.value {
        Value::String(s) if s == "*" || template::whole(s).is_some() => {}
        Value::String(s) => out.push(
            Diagnostic::new(
                Code::P017,
                Str::of_value(&member.value).map_or(member.value.span, |v| v.span),
                format!("a `{}` string must be `*`, not `{s}`", member.key),
            )
            .help(format!(
                "name the principal by its type, as in {{\"AWS\": \"{s}\"}}"
            ))
            .at(pointer()),
        ),
        Value::Object(entries) => {
            for entry in entries {
                // A type a template fills in (`type = var.trusted_entity_type`) is known only
                // at deploy time.
                if !PRINCIPAL_TYPES.contains(&&*entry.key)
                    && !crate::policy::template::has_template(&entry.key)
                {
                    let help = match crate::suggest::closest(
                        &entry.key,
                        PRINCIPAL_TYPES.iter().copied(),
                    ) {
                        Some(name) => {
                            format!("did you mean `{name}`? principal types are case-sensitive")
                        }
                        None => format!("use one of {}", PRINCIPAL_TYPES.join(", ")),
                    };
                    out.push(
                        Diagnostic::new(
                            Code::P017,
                            Str::of_key(entry).span,
                            format!("`{}` is not a principal type", entry.key),
                        )
                        .help(help)
                        .at(pointer()),
                    );
                }
                expect_strings(&entry.value, &entry.key, &pointer, out);
            }
        }
        _ => out.push(wrong(
            &member.value,
            &format!("`{}`", member.key),
            "`\"*\"` or an object",
            &pointer(),
        )),
    }
}

fn condition(member: &Member, statement: &str, out: &mut Vec<Diagnostic>) {
    let pointer = || format!("{statement}/Condition");
    if is_template_value(&member.value) {
        return;
    }
    let Some(operators) = member.value.members() else {
        out.push(wrong(
            &member.value,
            "`Condition`",
            "an object of operators",
            &pointer(),
        ));
        return;
    };
    for op in operators {
        if is_template_value(&op.value) {
            continue;
        }
        let Some(keys) = op.value.members() else {
            out.push(wrong(
                &op.value,
                &format!("`{}`", op.key),
                "an object of condition keys",
                &pointer(),
            ));
            continue;
        };
        for key in keys {
            let scalar = |n: &Node| {
                matches!(
                    n.value,
                    Value::String(_) | Value::Number(_) | Value::Bool(_)
                )
            };
            let bad: Vec<&Node> = match &key.value.value {
                Value::Array(items) => items.iter().filter(|n| !scalar(n)).collect(),
                _ if scalar(&key.value) => Vec::new(),
                _ => vec![&key.value],
            };
            for node in bad {
                out.push(wrong(
                    node,
                    &format!("a value of `{}`", key.key),
                    "a string, number or boolean",
                    &pointer(),
                ));
            }
            // One list, one JSON type (IAM Access Analyzer's *Invalid condition data type*):
            // each value whose type differs from the first value's.
            if let Value::Array(items) = &key.value.value {
                let mut scalars = items.iter().filter(|n| scalar(n));
                if let Some(first) = scalars.next() {
                    let kind = std::mem::discriminant(&first.value);
                    for node in scalars.filter(|n| std::mem::discriminant(&n.value) != kind) {
                        out.push(
                            Diagnostic::new(
                                Code::P017,
                                crate::policy::Str::of_value(node).map_or(node.span, |s| s.span),
                                format!(
                                    "the values of `{}` mix JSON types: this is {} where the first is {}",
                                    key.key,
                                    node.type_name(),
                                    first.type_name()
                                ),
                            )
                            .help(format!(
                                "write every value of `{}` as {}",
                                key.key,
                                first.type_name()
                            ))
                            .at(pointer()),
                        );
                    }
                }
            }
        }
    }
}
