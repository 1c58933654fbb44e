//! Which template a file is, and its documents: a YAML file (CloudFormation, SAM,
//! Serverless, or a policy written in YAML) or a JSON file that is a CloudFormation template
//! (CDK's `cdk.out/*.template.json` included). Every format's reader hands back the same
//! [`Extracted`]: documents with their consumer, the format recognised (for the note on a
//! file without policies), and problems at their place.
//!
//! A cheap byte search comes first, so that a plain JSON policy is parsed once, as before,
//! and a YAML file that is no template (a CI workflow, a Kubernetes manifest) is not parsed
//! at all.

use super::cloudformation::{self, Reading};
use super::extract::{Body, Container, Document, Extracted};
use super::{serverless, yaml};
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::json::{self, Node, Value};
use memchr::memmem;

/// Whether JSON text may be a CloudFormation template rather than a policy: it names
/// `"Resources"` or `"AWSTemplateFormatVersion"`, which no policy does.
pub fn may_be_json_template(text: &str) -> bool {
    let bytes = text.as_bytes();
    memmem::find(bytes, b"\"Resources\"").is_some()
        || memmem::find(bytes, b"\"AWSTemplateFormatVersion\"").is_some()
}

/// Whether YAML text may hold policies: a CloudFormation template, a Serverless service or
/// a policy document. Checked before parsing.
fn may_hold_policies(text: &str) -> bool {
    let bytes = text.as_bytes();
    let has = |word: &[u8]| memmem::find(bytes, word).is_some();
    has(b"AWSTemplateFormatVersion")
        || (has(b"Resources") && has(b"AWS::"))
        || (has(b"service") && has(b"provider"))
        || has(b"Statement")
}

fn extracted(format: &'static str) -> Extracted<'static> {
    Extracted {
        documents: Vec::new(),
        unterminated: Vec::new(),
        format: Some(format),
        problems: Vec::new(),
        local_templates: Vec::new(),
        line_starts: None,
    }
}

/// A JSON file's documents when it is a CloudFormation template; `None` when it is not
/// (it is then checked as one JSON document).
pub fn read_json(text: &str, offset: usize) -> Option<Extracted<'_>> {
    if !may_be_json_template(&text[offset..]) {
        return None;
    }
    let root = json::parse(&text[offset..]).ok()?;
    read_json_tree(text, offset, root).ok()
}

/// As [`read_json`], for a file already parsed (`root`, its spans relative to `offset`);
/// the tree comes back when the file is not a template.
pub fn read_json_tree<'a>(
    text: &'a str,
    offset: usize,
    mut root: Node<'a>,
) -> Result<Extracted<'a>, Node<'a>> {
    // The byte search too: a template names its sections as written, not through escapes.
    if !cloudformation::is_template(&root) || !may_be_json_template(&text[offset..]) {
        return Err(root);
    }
    if offset != 0 {
        shift(&mut root, offset);
    }
    let mut reading = Reading::default();
    cloudformation::read(&root, text, "", &mut reading);
    let duplicates = super::duplicates::outside_policies(&root, &reading.documents, "");
    reading.problems.extend(duplicates);
    Ok(finish(cloudformation::format_name(&root), reading))
}

/// A YAML file's documents (a `.template` file that holds JSON is read as JSON).
pub fn read_yaml(text: &str, offset: usize) -> Extracted<'_> {
    let body = &text[offset..];
    if body.trim_start().starts_with('{') {
        return match read_json(text, offset) {
            Some(found) => found,
            None => json_policy(text, offset),
        };
    }
    if !may_hold_policies(body) {
        return extracted("YAML file");
    }
    let root = match yaml::parse(text) {
        Ok(root) => root,
        Err(err) => {
            let mut out = extracted("YAML file");
            out.problems
                .push(Diagnostic::new(Code::J008, err.span, err.message).help(
                "fix the YAML syntax (indent with spaces, not tabs; close every bracket and quote)",
            ));
            return out;
        }
    };
    let mut reading = Reading::default();
    let format = if cloudformation::is_template(&root) {
        cloudformation::read(&root, text, "", &mut reading);
        let duplicates = super::duplicates::outside_policies(&root, &reading.documents, "");
        reading.problems.extend(duplicates);
        cloudformation::format_name(&root)
    } else if serverless::is_service(&root) {
        serverless::read(&root, text, &mut reading);
        let duplicates = super::duplicates::outside_policies(&root, &reading.documents, "");
        reading.problems.extend(duplicates);
        "Serverless Framework service"
    } else if root.members().is_some() && crate::policy::looks_like_policy(&root) {
        // A policy written in YAML: checked as it stands, its kind detected.
        reading.documents.push(Document {
            body: Body::Tree(super::intrinsics::normalize(&root)),
            offset: 0,
            container: Container::WholeFile,
            consumer: None,
            facts: None,
        });
        "YAML policy"
    } else {
        "YAML file"
    };
    finish(format, reading)
}

/// A `.template` file holding JSON that is not a template: one JSON document.
fn json_policy(text: &str, offset: usize) -> Extracted<'_> {
    let mut whole = super::extract::whole(text, offset);
    whole.format = Some("JSON file");
    whole
}

fn finish<'a>(format: &'static str, reading: Reading<'a>) -> Extracted<'a> {
    Extracted {
        documents: reading.documents,
        unterminated: Vec::new(),
        format: Some(format),
        problems: reading.problems,
        local_templates: reading.local_templates,
        line_starts: None,
    }
}

/// Moves every span of a tree `offset` bytes later (a JSON text parsed after its BOM).
fn shift(node: &mut Node, offset: usize) {
    node.span = node.span.shift(offset);
    match &mut node.value {
        Value::Array(items) => items.iter_mut().for_each(|i| shift(i, offset)),
        Value::Object(members) => {
            for m in members {
                m.key_span = m.key_span.shift(offset);
                shift(&mut m.value, offset);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_json_policy_is_not_a_template() {
        let policy = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}"#;
        assert!(!may_be_json_template(policy));
        assert!(read_json(policy, 0).is_none());
        let not_cfn = r#"{"Resources": 3}"#;
        assert!(read_json(not_cfn, 0).is_none());
    }

    #[test]
    fn a_json_template_after_a_bom_keeps_host_spans() {
        let text = "\u{feff}{\"Resources\": {\"K\": {\"Type\": \"AWS::KMS::Key\", \"Properties\": {\"KeyPolicy\": {\"Statement\": []}}}}}";
        let found = read_json(text, 3).unwrap();
        assert_eq!(found.format, Some("CloudFormation template"));
        let Body::Tree(tree) = &found.documents[0].body else {
            panic!("a tree")
        };
        let key = &tree.members().unwrap()[0];
        assert_eq!(&text[key.key_span.start..key.key_span.end], "\"Statement\"");
    }

    #[test]
    fn yaml_without_policies_is_recognised_unparsed_and_errors_are_placed() {
        let found = read_yaml("on: push\njobs: {}\n", 0);
        assert!(found.documents.is_empty());
        assert_eq!(found.format, Some("YAML file"));
        let found = read_yaml("Resources:\n  K:\n\tType: AWS::KMS::Key\n", 0);
        assert_eq!(found.problems[0].code, crate::code::Code::J008);
        let found = read_yaml("Version: 2012-10-17\nStatement:\n  - Effect: Allow\n", 0);
        assert_eq!(found.format, Some("YAML policy"));
        assert_eq!(found.documents.len(), 1);
    }
}
