//! CloudFormation intrinsic functions → values the rules can read. Every template expression
//! reaches the rules as a string in `Fn::Sub` syntax: `!Ref X` → `${X}`, `!GetAtt X.Arn` →
//! `${X.Arn}`, `!Sub "…"` → the string as written (its variables substituted), `Fn::Join` →
//! the parts joined with `${…}` for parts that are not literal, and what cannot be known
//! (`Fn::ImportValue`, `Fn::Select`, `Fn::FindInMap`…) → an opaque `${Fn::ImportValue}`.
//!
//! `Fn::If` where a list item is expected (a statement, an action) stands for both of its
//! branches, each checked as an item of its own (a branch that is `AWS::NoValue` drops out):
//! whichever the condition picks is then checked. Where a single value is expected it is
//! opaque (`${Fn::If}`). A whole policy under `Fn::If` is split by the template reader
//! ([`branches`]).
//!
//! The long form (`{"Fn::Sub": …}`) and the YAML short form (`!Sub …`, which the YAML reader
//! keeps as `{"!Sub": …}`) are the same here.

use crate::json::{Member, Node, Span, Value};
use std::borrow::Cow;

/// The intrinsic function a one-member object stands for, by its long name (`Ref`,
/// `Fn::Sub`), with its argument.
pub fn intrinsic<'n, 'a>(node: &'n Node<'a>) -> Option<(Cow<'n, str>, &'n Node<'a>)> {
    let [member] = node.members()? else {
        return None;
    };
    let key: &str = &member.key;
    let name = match key.strip_prefix('!') {
        Some("Ref") => Cow::Borrowed("Ref"),
        Some("Condition") => Cow::Borrowed("Condition"),
        // Asked of every node a template reader visits: the functions CloudFormation has
        // are named without making a string each time.
        Some(short) => match LONG_NAMES.iter().find(|long| long[4..] == *short) {
            Some(long) => Cow::Borrowed(*long),
            None => Cow::Owned(format!("Fn::{short}")),
        },
        None if key == "Ref" || key.starts_with("Fn::") => Cow::Borrowed(key),
        None => return None,
    };
    Some((name, &member.value))
}

/// CloudFormation's intrinsic functions with a short form (`!Sub` for `Fn::Sub`).
const LONG_NAMES: [&str; 19] = [
    "Fn::Sub",
    "Fn::GetAtt",
    "Fn::Join",
    "Fn::If",
    "Fn::ImportValue",
    "Fn::Select",
    "Fn::Split",
    "Fn::FindInMap",
    "Fn::GetAZs",
    "Fn::Base64",
    "Fn::Cidr",
    "Fn::Equals",
    "Fn::And",
    "Fn::Or",
    "Fn::Not",
    "Fn::Length",
    "Fn::ToJsonString",
    "Fn::Transform",
    "Fn::ForEach",
];

/// The value tree with every intrinsic replaced (see the module doc).
pub fn normalize<'a>(node: &Node<'a>) -> Node<'a> {
    if intrinsic(node).is_some() {
        return scalar(node);
    }
    match &node.value {
        Value::Array(items) => {
            let mut values = Vec::with_capacity(items.len());
            for item in items {
                push_items(item, &mut values);
            }
            Node {
                value: Value::Array(values),
                span: node.span,
            }
        }
        Value::Object(members) => Node {
            value: Value::Object(
                members
                    .iter()
                    .map(|m| Member {
                        key: m.key.clone(),
                        key_span: m.key_span,
                        value: match branches(&m.value) {
                            Some(both) => either(&m.key, both, &m.value),
                            None => normalize(&m.value),
                        },
                    })
                    .collect(),
            ),
            span: node.span,
        },
        _ => node.clone(),
    }
}

/// An element whose value is an `Fn::If`: the one branch left when the other is
/// `AWS::NoValue`; both, as one list, when either is a list (`Action`, `Resource`) or both
/// are statements; else a value that cannot be known (`Effect: !If […]`).
fn either<'a>(key: &str, both: Vec<&Node<'a>>, node: &Node<'a>) -> Node<'a> {
    let is_list = |n: &&Node| matches!(n.value, Value::Array(_));
    let statements = key == "Statement" && both.iter().all(|n| n.members().is_some());
    match both.as_slice() {
        [one] => normalize(one),
        _ if statements || both.iter().any(is_list) => {
            let mut values = Vec::new();
            for branch in both.iter() {
                match &branch.value {
                    Value::Array(items) => {
                        for item in items {
                            push_items(item, &mut values);
                        }
                    }
                    _ => push_items(branch, &mut values),
                }
            }
            Node {
                value: Value::Array(values),
                span: node.span,
            }
        }
        _ => scalar(node),
    }
}

/// Adds the values a list item stands for to `out`: one, or each branch of an `Fn::If`.
fn push_items<'a>(item: &Node<'a>, out: &mut Vec<Node<'a>>) {
    match branches(item) {
        Some(both) => {
            for branch in both {
                push_items(branch, out);
            }
        }
        None => out.push(normalize(item)),
    }
}

/// The branches of an `Fn::If` that are values (`AWS::NoValue` drops out); `None` when the
/// node is not an `Fn::If` of three arguments.
pub fn branches<'n, 'a>(node: &'n Node<'a>) -> Option<Vec<&'n Node<'a>>> {
    let (name, arg) = intrinsic(node)?;
    if name != "Fn::If" {
        return None;
    }
    let Value::Array(args) = &arg.value else {
        return None;
    };
    let [_, yes, no] = args.as_slice() else {
        return None;
    };
    Some([yes, no].into_iter().filter(|b| !is_no_value(b)).collect())
}

fn is_no_value(node: &Node) -> bool {
    matches!(intrinsic(node), Some((name, arg)) if name == "Ref" && arg.as_str() == Some("AWS::NoValue"))
}

/// An intrinsic as the string it stands for, spanning what best shows it: the name a `Ref`
/// or `GetAtt` names, the string an `Fn::Sub` writes, else the function's name (`!Join`,
/// `"Fn::ImportValue"`). These spans are shorter than the value's quoted form, so the rules
/// take them whole (see `policy::Str`).
fn scalar<'a>(node: &Node<'a>) -> Node<'a> {
    let Some((name, arg)) = intrinsic(node) else {
        return normalize(node);
    };
    let function = node.members().map_or(node.span, |m| m[0].key_span);
    let text = |value: String, span: Span| Node {
        value: Value::String(Cow::Owned(value)),
        span,
    };
    match (&*name, &arg.value) {
        ("Ref", Value::String(target)) => text(format!("${{{target}}}"), arg.span),
        ("Fn::GetAtt", Value::String(path)) => text(format!("${{{path}}}"), arg.span),
        ("Fn::GetAtt", Value::Array(parts)) => match parts.as_slice() {
            [id, attribute] => match (id.as_str(), attribute.as_str()) {
                (Some(id_text), Some(attr)) => text(format!("${{{id_text}.{attr}}}"), id.span),
                _ => opaque(&name, function),
            },
            _ => opaque(&name, function),
        },
        ("Fn::Sub", Value::String(_)) => (*arg).clone(),
        ("Fn::Sub", Value::Array(parts)) => match parts.as_slice() {
            [template, vars] => match template.as_str() {
                Some(written) => {
                    let value = substitute(written, vars);
                    if value == written {
                        (*template).clone()
                    } else {
                        text(value, template.span)
                    }
                }
                None => opaque(&name, function),
            },
            [template] if template.as_str().is_some() => (*template).clone(),
            _ => opaque(&name, function),
        },
        ("Fn::Join", Value::Array(parts)) => match parts.as_slice() {
            [delimiter, list] => match (delimiter.as_str(), &list.value) {
                (Some(delimiter), Value::Array(items)) => {
                    let joined: Vec<String> = items.iter().map(part_text).collect();
                    text(joined.join(delimiter), function)
                }
                _ => opaque(&name, function),
            },
            _ => opaque(&name, function),
        },
        _ => opaque(&name, function),
    }
}

/// A value that cannot be known before deployment, named after the function that makes it.
fn opaque<'a>(name: &str, span: Span) -> Node<'a> {
    Node {
        value: Value::String(Cow::Owned(format!("${{{name}}}"))),
        span,
    }
}

/// One part of an `Fn::Join` or one variable of an `Fn::Sub`, as text.
fn part_text(node: &Node) -> String {
    match &node.value {
        Value::String(s) => s.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => match scalar(node).value {
            Value::String(s) => s.into_owned(),
            _ => "${Fn::Unknown}".to_string(),
        },
    }
}

/// `Fn::Sub`'s second form: each `${name}` the map defines is replaced by its value (a
/// literal as written, an intrinsic as its `${…}` string).
pub(crate) fn substitute(template: &str, vars: &Node) -> String {
    let Some(members) = vars.members() else {
        return template.to_string();
    };
    let mut out = template.to_string();
    for member in members {
        let pattern = format!("${{{}}}", member.key);
        if out.contains(&pattern) {
            out = out.replace(&pattern, &part_text(&member.value));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::yaml;

    fn normalized(yaml_text: &str) -> String {
        let root = yaml::parse(yaml_text).unwrap();
        let value = &root.get("v").unwrap().value;
        let n = normalize(value);
        match n.value {
            Value::String(s) => s.into_owned(),
            Value::Array(items) => items
                .iter()
                .map(|i| i.as_str().unwrap_or("?").to_string())
                .collect::<Vec<_>>()
                .join(" | "),
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn short_and_long_forms_become_sub_strings() {
        let cases = [
            ("v: !Ref Bucket", "${Bucket}"),
            ("v: !Ref AWS::AccountId", "${AWS::AccountId}"),
            ("v: {Ref: AWS::AccountId}", "${AWS::AccountId}"),
            ("v: !GetAtt Role.Arn", "${Role.Arn}"),
            ("v: {'Fn::GetAtt': [Role, Arn]}", "${Role.Arn}"),
            ("v: !Sub 'arn:${AWS::Partition}:s3:::b'", "arn:${AWS::Partition}:s3:::b"),
            (
                "v: !Sub ['arn:aws:s3:::${B}/*', {B: !Ref Bucket}]",
                "arn:aws:s3:::${Bucket}/*",
            ),
            ("v: !Sub ['${A}-${C}', {A: lit, C: !GetAtt K.Arn}]", "lit-${K.Arn}"),
            (
                "v: !Join ['', ['arn:', !Ref AWS::Partition, ':iam::', !Ref AWS::AccountId, ':root']]",
                "arn:${AWS::Partition}:iam::${AWS::AccountId}:root",
            ),
            (
                "v: {'Fn::Join': [':', [a, {'Fn::Sub': '${X}'}]]}",
                "a:${X}",
            ),
            ("v: !ImportValue Shared", "${Fn::ImportValue}"),
            ("v: !Select [0, [a, b]]", "${Fn::Select}"),
            ("v: !FindInMap [M, a, b]", "${Fn::FindInMap}"),
            ("v: !If [C, a, b]", "${Fn::If}"),
            ("v: !Rain::Embed x", "${Fn::Rain::Embed}"),
            ("v: [a, !If [C, b, !Ref AWS::NoValue], !If [D, c, d]]", "a | b | c | d"),
            ("v: !If [C, [a, b], c]", "${Fn::If}"),
        ];
        for (text, want) in cases {
            assert_eq!(normalized(text), want, "{text}");
        }
    }

    #[test]
    fn spans_show_the_name_or_the_written_string() {
        let text = "v: !Ref Bucket\nw: !Sub 'x${A}'\n";
        let root = yaml::parse(text).unwrap();
        let v = normalize(&root.get("v").unwrap().value);
        assert_eq!(&text[v.span.start..v.span.end], "Bucket");
        let w = normalize(&root.get("w").unwrap().value);
        assert_eq!(&text[w.span.start..w.span.end], "'x${A}'");
    }

    #[test]
    fn an_element_under_if_stands_for_its_branches() {
        let text = "Statement: !If [C, [{Sid: a}], [{Sid: b}, {Sid: c}]]\nAction: !If [C, [x, y], z]\nEffect: !If [C, Allow, Deny]\nCondition: !If [C, {Bool: {k: v}}, !Ref AWS::NoValue]\n";
        let root = normalize(&yaml::parse(text).unwrap());
        let len = |key: &str| match &root.get(key).unwrap().value.value {
            Value::Array(items) => items.len(),
            other => panic!("{key}: {other:?}"),
        };
        assert_eq!(len("Statement"), 3);
        assert_eq!(len("Action"), 3);
        assert_eq!(
            root.get("Effect").unwrap().value.as_str(),
            Some("${Fn::If}")
        );
        assert!(root.get("Condition").unwrap().value.get("Bool").is_some());
    }

    #[test]
    fn branches_of_a_whole_value() {
        let root = yaml::parse("v: !If [C, {a: 1}, !Ref AWS::NoValue]\n").unwrap();
        let both = branches(&root.get("v").unwrap().value).unwrap();
        assert_eq!(both.len(), 1);
        assert!(branches(&root).is_none());
    }
}
