//! Keys a template defines twice outside its policies: two `Resources` sections, two
//! resources with one logical id, a property set twice. CloudFormation and the YAML and JSON
//! parsers behind it keep at most one of the two, so the other definition is silently not
//! deployed; reported as J002 at the second key, with a label on the first, as J002 does
//! inside a policy (whose duplicates the rule reports, not this walk).

use super::extract::{Body, Document};
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::json::{Node, Span, Value};
use rustc_hash::FxHashMap;

/// J002 for each key defined twice in `root`, outside the documents read from it.
pub fn outside_policies(root: &Node, documents: &[Document], prefix: &str) -> Vec<Diagnostic> {
    let mut policies: Vec<Span> = documents
        .iter()
        .filter_map(|d| match &d.body {
            Body::Tree(tree) => Some(tree.span),
            Body::Text(_) => None,
        })
        .collect();
    policies.sort_by_key(|s| (s.start, std::cmp::Reverse(s.end)));
    let mut out = Vec::new();
    walk(root, &policies, &mut prefix.to_string(), &mut out);
    out
}

/// Whether `span` lies inside one of the (sorted) policy spans.
fn in_policy(span: Span, policies: &[Span]) -> bool {
    let after = policies.partition_point(|p| p.start <= span.start);
    policies[..after].iter().rev().any(|p| p.end >= span.end)
}

fn walk(node: &Node, policies: &[Span], pointer: &mut String, out: &mut Vec<Diagnostic>) {
    if in_policy(node.span, policies) {
        return;
    }
    let depth = pointer.len();
    match &node.value {
        Value::Object(members) => {
            let mut first: FxHashMap<&str, usize> = FxHashMap::default();
            for (i, member) in members.iter().enumerate() {
                pointer.push('/');
                pointer.push_str(&super::cloudformation::escape(&member.key));
                match first.get(&*member.key) {
                    Some(&earlier) => {
                        let line_of = &members[earlier];
                        out.push(
                            Diagnostic::new(
                                Code::J002,
                                member.key_span,
                                format!(
                                    "duplicate key `{}`: the template defines it twice, and only one definition is deployed (CloudFormation rejects or drops the other)",
                                    member.key
                                ),
                            )
                            .label(line_of.key_span, "first defined here")
                            .help(format!("merge the two `{}` entries into one, or rename one", member.key))
                            .at(pointer.clone()),
                        );
                    }
                    None => {
                        first.insert(&member.key, i);
                    }
                }
                walk(&member.value, policies, pointer, out);
                pointer.truncate(depth);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                if matches!(item.value, Value::Object(_) | Value::Array(_)) {
                    pointer.push('/');
                    pointer.push_str(&i.to_string());
                    walk(item, policies, pointer, out);
                    pointer.truncate(depth);
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_second_key_is_reported_with_the_first_labelled() {
        let text = r#"{"Resources": {"A": {"Type": "X"}, "A": {"Type": "Y"}}, "Resources": {}}"#;
        let root = crate::json::parse(text).unwrap();
        let found = outside_policies(&root, &[], "");
        let at: Vec<(&str, &str)> = found
            .iter()
            .map(|d| (&text[d.span.start..d.span.end], d.pointer.as_str()))
            .collect();
        assert_eq!(
            at,
            [("\"A\"", "/Resources/A"), ("\"Resources\"", "/Resources")]
        );
        assert_eq!(
            &text[found[0].labels[0].span.start..found[0].labels[0].span.end],
            "\"A\""
        );
    }

    #[test]
    fn keys_inside_a_policy_are_left_to_the_rule() {
        let text = r#"{"P": {"Statement": [], "Statement": []}, "Q": 1, "Q": 2}"#;
        let root = crate::json::parse(text).unwrap();
        let policy = root.get("P").unwrap().value.clone();
        let documents = [Document {
            body: Body::Tree(policy),
            offset: 0,
            container: super::super::extract::Container::Template,
            consumer: None,
            facts: None,
        }];
        let found = outside_policies(&root, &documents, "");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].pointer, "/Q");
    }
}
