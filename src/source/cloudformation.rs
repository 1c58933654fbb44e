//! CloudFormation templates (JSON or YAML, SAM and CDK's synthesized output included): each
//! policy slot of each resource ([`slots`](super::slots)) becomes a document whose kind its
//! resource decides, with the template's intrinsics made strings ([`intrinsics`]) and a
//! pointer that reads as a path in the template
//! (`/Resources/AppKey/Properties/KeyPolicy`).

use super::embedded;
use super::extract::{Body, Consumer, Container, Document, LocalTemplate};
use super::intrinsics::{self, intrinsic};
use super::slots::{self, Holds};
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::json::{Member, Node, Span, Value};
use crate::policy::PolicyKind;
use crate::source::terraform::NOT_CHECKED;
use rustc_hash::FxHashSet;
use std::borrow::Cow;

/// What a template reader found: documents, and problems to report at their place.
#[derive(Default)]
pub struct Reading<'a> {
    pub documents: Vec<Document<'a>>,
    pub problems: Vec<Diagnostic>,
    pub local_templates: Vec<LocalTemplate>,
}

/// Whether a parsed value is a CloudFormation template: it names its format version, or has
/// `Resources` whose entries have a `Type`.
pub fn is_template(root: &Node) -> bool {
    if root.get("AWSTemplateFormatVersion").is_some() {
        return true;
    }
    let Some(resources) = root.get("Resources").and_then(|r| r.value.members()) else {
        return false;
    };
    resources.iter().any(|r| {
        r.value
            .get("Type")
            .is_some_and(|t| t.value.as_str().is_some())
    })
}

/// What to call the template in notes: SAM when it declares SAM's transform.
pub fn format_name(root: &Node) -> &'static str {
    let sam = |n: &Node| n.as_str().is_some_and(|t| t.starts_with("AWS::Serverless"));
    let is_sam = root.get("Transform").is_some_and(|t| match &t.value.value {
        Value::Array(items) => items.iter().any(sam),
        _ => sam(&t.value),
    });
    if is_sam {
        "SAM template"
    } else {
        "CloudFormation template"
    }
}

/// Reads the policies of the template `root`, whose pointer in its file is `prefix` (empty
/// for a whole template; `/resources` for Serverless's CloudFormation section).
pub fn read<'a>(root: &Node<'a>, host: &'a str, prefix: &str, out: &mut Reading<'a>) {
    // Every `Resources` section: a second one is J002 (see `duplicates`), and its policies
    // are still checked rather than lost.
    let resources: Vec<&Member<'a>> = root
        .members()
        .unwrap_or_default()
        .iter()
        .filter(|m| m.key == "Resources")
        .filter_map(|m| m.value.members())
        .flatten()
        .collect();
    notes(root, &resources, prefix, out);
    let boundaries = boundary_targets(&resources);
    for resource in resources {
        let Some(resource_type) = resource.value.get("Type").and_then(|t| t.value.as_str()) else {
            continue;
        };
        let Some(properties) = resource.value.get("Properties") else {
            continue;
        };
        let base = format!("{prefix}/Resources/{}/Properties", escape(&resource.key));
        for slot in slots::of(resource_type) {
            let kind = match slot.holds {
                Holds::Policy(kind) | Holds::Statements(kind) => Some(kind),
                Holds::ManagedPolicy if boundaries.contains(&*resource.key) => {
                    Some(PolicyKind::Boundary)
                }
                Holds::ManagedPolicy => Some(PolicyKind::Identity),
                Holds::OrganizationsPolicy => properties
                    .value
                    .get("Type")
                    .and_then(|t| t.value.as_str())
                    .and_then(slots::organizations_kind),
                Holds::SamPolicies => Some(PolicyKind::Identity),
                Holds::ApiStatements => Some(PolicyKind::Resource),
            };
            let Some(kind) = kind else {
                continue;
            };
            let mut found = Vec::new();
            select(&properties.value, slot.path, base.clone(), &mut found);
            for (node, pointer) in found {
                let consumer = Consumer {
                    kind: Some(kind),
                    reason: format!("template: {resource_type} {}", slot.path.join(".")),
                    resource_type: Some(match slot.holds {
                        Holds::ApiStatements => slots::SAM_API.to_string(),
                        _ => resource_type.to_string(),
                    }),
                    address: resource.key.to_string(),
                    pointer,
                    bare_statements: false,
                    readers: Vec::new(),
                    resource: resource.key_span,
                };
                match slot.holds {
                    Holds::SamPolicies => sam_policies(node, host, consumer, out),
                    Holds::Statements(_) | Holds::ApiStatements => {
                        let statements = intrinsics::normalize(node);
                        out.documents.push(document(
                            wrap_statements(statements, node.span),
                            Consumer {
                                bare_statements: true,
                                readers: Vec::new(),
                                ..consumer
                            },
                        ));
                    }
                    _ => policy(node, host, consumer, out),
                }
            }
        }
    }
}

/// J011 (information) for what the template makes only at deployment, where policies may
/// be that are not read here: a macro's `Transform`, resources an `Fn::Transform` includes
/// (`AWS::Include`) or `Fn::ForEach` repeats, and nested stacks and SAM applications whose
/// template is elsewhere. Their local templates are listed, to be checked with this one.
fn notes(root: &Node, resources: &[&Member], prefix: &str, out: &mut Reading) {
    let transforms = root.get("Transform").map(|t| match &t.value.value {
        Value::Array(items) => items.iter().collect::<Vec<_>>(),
        _ => vec![&t.value],
    });
    for name in transforms.unwrap_or_default() {
        let Some(macro_name) = name.as_str().filter(|n| !n.starts_with("AWS::")) else {
            continue;
        };
        out.problems.push(
            Diagnostic::new(
                NOT_CHECKED,
                name.span,
                format!("the macro `{macro_name}` rewrites this template at deployment: its policies are checked as written, not as the macro leaves them"),
            )
            .help("check the processed template too (`aws cloudformation get-template --template-stage Processed`)")
            .at(format!("{prefix}/Transform")),
        );
    }
    for resource in resources {
        let pointer = format!("{prefix}/Resources/{}", escape(&resource.key));
        if resource.key == "Fn::Transform" || resource.key.starts_with("Fn::ForEach::") {
            let what = if resource.key == "Fn::Transform" {
                "included by `Fn::Transform`"
            } else {
                "repeated by `Fn::ForEach`"
            };
            out.problems.push(
                Diagnostic::new(
                    NOT_CHECKED,
                    resource.key_span,
                    format!("resources {what} are made at deployment: their policies are not checked"),
                )
                .help("check the processed template too (`aws cloudformation get-template --template-stage Processed`)")
                .at(pointer),
            );
            continue;
        }
        let Some(resource_type) = resource.value.get("Type").and_then(|t| t.value.as_str()) else {
            continue;
        };
        let (property, what, help) = match resource_type {
            "AWS::CloudFormation::Stack" => (
                "TemplateURL",
                "nested stack",
                "check the nested template's file as well",
            ),
            "AWS::Serverless::Application" => (
                "Location",
                "application",
                "check the application's template as well",
            ),
            _ => continue,
        };
        let Some(location) = resource
            .value
            .get("Properties")
            .and_then(|p| p.value.get(property))
        else {
            continue;
        };
        let pointer = format!("{pointer}/Properties/{property}");
        // A SAM application from the Serverless Application Repository.
        if location.value.get("ApplicationId").is_some() {
            out.problems.push(
                Diagnostic::new(
                    NOT_CHECKED,
                    location.value.span,
                    "the application's template is in the Serverless Application Repository, not in this file: its policies are not checked here",
                )
                .help("check the application's template as well")
                .at(pointer),
            );
            continue;
        }
        // A local path (`aws cloudformation package` and `sam build` upload it) is a
        // template of its own, checked with this one; a URL or a computed one is not read.
        let written = intrinsics::normalize(&location.value);
        let Some(shown) = written.as_str() else {
            continue;
        };
        if !shown.contains("://") && !shown.contains("${") {
            out.local_templates.push(LocalTemplate {
                path: shown.to_string(),
                span: location.value.span,
                pointer,
            });
            continue;
        }
        out.problems.push(
            Diagnostic::new(
                NOT_CHECKED,
                location.value.span,
                format!("the {what}'s template is at `{shown}`, not in this file: its policies are not checked here"),
            )
            .help(help)
            .at(pointer),
        );
    }
}

/// The managed policies a role or user names as its permissions boundary (`!Ref X`).
fn boundary_targets<'n>(resources: &[&'n Member]) -> FxHashSet<&'n str> {
    resources
        .iter()
        .filter_map(|r| r.value.get("Properties")?.value.get("PermissionsBoundary"))
        .filter_map(|b| match intrinsic(&b.value)? {
            (name, arg) if name == "Ref" => arg.as_str(),
            _ => None,
        })
        .collect()
}

/// The values at `path` below `node`, with their pointers; `*` steps into every list item.
fn select<'n, 'a>(
    node: &'n Node<'a>,
    path: &[&str],
    pointer: String,
    out: &mut Vec<(&'n Node<'a>, String)>,
) {
    let Some((step, rest)) = path.split_first() else {
        out.push((node, pointer));
        return;
    };
    if *step == "*" {
        if let (Value::Object(entries), None) = (&node.value, intrinsic(node)) {
            for entry in entries {
                let pointer = format!("{pointer}/{}", escape(&entry.key));
                select(&entry.value, rest, pointer, out);
            }
        } else if let Value::Array(items) = &node.value {
            for (i, item) in items.iter().enumerate() {
                // A list item under `Fn::If` stands for each of its branches.
                match intrinsics::branches(item) {
                    Some(both) => {
                        for (b, branch) in both.into_iter().enumerate() {
                            select(branch, rest, format!("{pointer}/{i}/Fn::If/{}", b + 1), out);
                        }
                    }
                    None => select(item, rest, format!("{pointer}/{i}"), out),
                }
            }
        }
    } else if let Some(member) = node.get(step) {
        select(
            &member.value,
            rest,
            format!("{pointer}/{}", escape(step)),
            out,
        );
    }
}

/// One policy slot's value: a document (object or JSON string), each branch of an `Fn::If`,
/// or a value that cannot be known before deployment (`!ImportValue`, `!Ref`), skipped.
fn policy<'a>(node: &Node<'a>, host: &'a str, consumer: Consumer, out: &mut Reading<'a>) {
    if let Some(both) = intrinsics::branches(node) {
        // Whichever branch the condition picks is deployed: each is checked as its own document.
        let arguments = match intrinsic(node) {
            Some((_, arg)) => arg,
            None => node,
        };
        for branch in both {
            let index = match &arguments.value {
                Value::Array(args) => args
                    .iter()
                    .position(|a| std::ptr::eq(a, branch))
                    .unwrap_or(1),
                _ => 1,
            };
            let consumer = Consumer {
                pointer: format!("{}/Fn::If/{index}", consumer.pointer),
                ..consumer.clone()
            };
            policy(branch, host, consumer, out);
        }
        return;
    }
    if let Some(tree) = sub_json(node, host, &consumer, out) {
        if let Some(tree) = tree {
            out.documents.push(document(tree, consumer));
        }
        return;
    }
    let normalized = intrinsics::normalize(node);
    // Statements a macro or another stack makes (`Statement: {Fn::Transform: …}`) cannot be
    // read before deployment: the document is left alone, like a policy given by reference.
    let made_elsewhere = normalized
        .get("Statement")
        .and_then(|s| s.value.as_str())
        .is_some_and(|s| s.starts_with("${Fn::"));
    let slot_made_elsewhere = normalized
        .as_str()
        .is_some_and(|s| s.starts_with("${Fn::Transform"));
    if made_elsewhere || slot_made_elsewhere {
        out.problems.push(
            Diagnostic::new(
                NOT_CHECKED,
                node.span,
                "this policy is made by `Fn::Transform` at deployment: it is not checked",
            )
            .help("check the processed template too (`aws cloudformation get-template --template-stage Processed`)")
            .at(consumer.pointer.clone()),
        );
    }
    match &normalized.value {
        Value::Object(_) if made_elsewhere => {}
        Value::Object(_) => out.documents.push(document(normalized, consumer)),
        Value::String(text) if embedded::looks_like_json(text) => {
            match embedded::parse(host, text, normalized.span) {
                Ok(tree) => out.documents.push(document(tree, consumer)),
                Err((message, span)) => out
                    .problems
                    .push(string_json_error(&message, span, &consumer)),
            }
        }
        _ => {}
    }
}

/// `!Sub [JSON, {variables}]`: the JSON is parsed as written, so every token keeps its
/// place, and the variables are then substituted in its strings (a string that changes is
/// placed on its whole token). `None` when the node is not such an `Fn::Sub`; `Some(None)`
/// when its JSON has a syntax error (reported).
fn sub_json<'a>(
    node: &Node<'a>,
    host: &'a str,
    consumer: &Consumer,
    out: &mut Reading<'a>,
) -> Option<Option<Node<'a>>> {
    let (name, arg) = intrinsic(node)?;
    let Value::Array(parts) = &arg.value else {
        return None;
    };
    let [template, vars] = parts.as_slice() else {
        return None;
    };
    let written = template.as_str().filter(|t| embedded::looks_like_json(t))?;
    if name != "Fn::Sub" {
        return None;
    }
    match embedded::parse(host, written, template.span) {
        Ok(mut tree) => {
            substitute_all(&mut tree, vars);
            Some(Some(tree))
        }
        Err((message, span)) => {
            out.problems
                .push(string_json_error(&message, span, consumer));
            Some(None)
        }
    }
}

/// J001 for a policy written as a JSON string that does not parse.
fn string_json_error(message: &str, span: Span, consumer: &Consumer) -> Diagnostic {
    Diagnostic::new(
        Code::J001,
        span,
        format!("invalid JSON in a policy string: {message}"),
    )
    .help("fix the JSON syntax of the policy written as a string, or write it as a YAML or JSON object")
    .at(consumer.pointer.clone())
}

fn substitute_all(node: &mut Node, vars: &Node) {
    match &mut node.value {
        Value::String(s) if s.contains("${") => {
            *s = Cow::Owned(intrinsics::substitute(s, vars));
        }
        Value::Array(items) => items.iter_mut().for_each(|i| substitute_all(i, vars)),
        Value::Object(members) => {
            for m in members {
                if m.key.contains("${") {
                    m.key = Cow::Owned(intrinsics::substitute(&m.key, vars));
                }
                substitute_all(&mut m.value, vars);
            }
        }
        _ => {}
    }
}

/// SAM's `Policies`: inline documents are checked; managed policy names and ARNs and SAM
/// policy templates (`S3ReadPolicy: {BucketName: …}`) are SAM's to expand, not errors.
fn sam_policies<'a>(node: &Node<'a>, host: &'a str, consumer: Consumer, out: &mut Reading<'a>) {
    match &node.value {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                // An item under `Fn::If` stands for each of its branches (`/Fn::If/1`, `/2`).
                let choices: Vec<(String, &Node<'a>)> = match intrinsic(item) {
                    Some((
                        name,
                        Node {
                            value: Value::Array(args),
                            ..
                        },
                    )) if name == "Fn::If" => args
                        .iter()
                        .enumerate()
                        .skip(1)
                        .map(|(b, branch)| (format!("/{i}/Fn::If/{b}"), branch))
                        .collect(),
                    _ => vec![(format!("/{i}"), item)],
                };
                for (step, choice) in choices {
                    if choice.get("Statement").is_some() {
                        let consumer = Consumer {
                            pointer: format!("{}{step}", consumer.pointer),
                            ..consumer.clone()
                        };
                        policy(choice, host, consumer, out);
                    }
                }
            }
        }
        Value::Object(_) if node.get("Statement").is_some() => policy(node, host, consumer, out),
        _ => {}
    }
}

/// Statements without their document (`EventBusPolicy` `Statement`, Serverless's
/// `iam.role.statements`) as a policy: Version 2012-10-17, which the service writes itself.
pub fn wrap_statements<'a>(statements: Node<'a>, key_span: Span) -> Node<'a> {
    let at = Span::new(statements.span.start, statements.span.start);
    let span = statements.span;
    Node {
        value: Value::Object(vec![
            Member {
                key: Cow::Borrowed("Version"),
                key_span: at,
                value: Node {
                    value: Value::String(Cow::Borrowed("2012-10-17")),
                    span: at,
                },
            },
            Member {
                key: Cow::Borrowed("Statement"),
                key_span,
                value: statements,
            },
        ]),
        span,
    }
}

pub fn document<'a>(tree: Node<'a>, consumer: Consumer) -> Document<'a> {
    Document {
        body: Body::Tree(tree),
        offset: 0,
        container: Container::Template,
        consumer: Some(consumer),
        facts: None,
    }
}

/// A JSON pointer step: `~` and `/` escaped.
pub fn escape(step: &str) -> Cow<'_, str> {
    if step.contains(['~', '/']) {
        Cow::Owned(step.replace('~', "~0").replace('/', "~1"))
    } else {
        Cow::Borrowed(step)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::yaml;

    fn read_yaml(text: &str) -> Reading<'_> {
        let root = yaml::parse(text).unwrap();
        assert!(is_template(&root));
        let mut out = Reading::default();
        read(&root, text, "", &mut out);
        out
    }

    #[test]
    fn each_slot_is_a_document_with_its_consumer() {
        let text = "\
Resources:
  AppKey:
    Type: AWS::KMS::Key
    Properties:
      KeyPolicy:
        Version: 2012-10-17
        Statement: []
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {Statement: []}
      PermissionsBoundary: !Ref Boundary
      Policies:
        - PolicyName: a
          PolicyDocument: {Statement: []}
        - !If [C, {PolicyName: b, PolicyDocument: {Statement: []}}, !Ref AWS::NoValue]
  Boundary:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument: {Statement: []}
  Other:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument: !ImportValue Shared
";
        let found = read_yaml(text);
        let got: Vec<(String, Option<PolicyKind>, String)> = found
            .documents
            .iter()
            .map(|d| {
                let c = d.consumer.as_ref().unwrap();
                (c.pointer.clone(), c.kind, c.address.clone())
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "/Resources/AppKey/Properties/KeyPolicy".into(),
                    Some(PolicyKind::KmsKey),
                    "AppKey".into()
                ),
                (
                    "/Resources/Role/Properties/AssumeRolePolicyDocument".into(),
                    Some(PolicyKind::Trust),
                    "Role".into()
                ),
                (
                    "/Resources/Role/Properties/Policies/0/PolicyDocument".into(),
                    Some(PolicyKind::Identity),
                    "Role".into()
                ),
                (
                    "/Resources/Role/Properties/Policies/1/Fn::If/1/PolicyDocument".into(),
                    Some(PolicyKind::Identity),
                    "Role".into()
                ),
                (
                    "/Resources/Boundary/Properties/PolicyDocument".into(),
                    Some(PolicyKind::Boundary),
                    "Boundary".into()
                ),
            ]
        );
        let key = found.documents[0].consumer.as_ref().unwrap();
        assert_eq!(key.resource_type.as_deref(), Some("AWS::KMS::Key"));
        assert_eq!(key.reason, "template: AWS::KMS::Key KeyPolicy");
    }

    #[test]
    fn sam_inline_documents_are_read_and_templates_skipped() {
        let text = "\
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Policies:
        - AWSLambdaBasicExecutionRole
        - S3ReadPolicy: {BucketName: !Ref B}
        - Statement:
            - Effect: Allow
              Action: s3:GetObject
              Resource: !Sub 'arn:aws:s3:::${B}/*'
        - !If
          - Debug
          - Statement: [{Effect: Allow, Action: logs:*, Resource: '*'}]
          - S3ReadPolicy: {BucketName: !Ref B}
";
        let root = yaml::parse(text).unwrap();
        assert_eq!(format_name(&root), "SAM template");
        let found = read_yaml(text);
        assert_eq!(found.documents.len(), 2);
        let c = found.documents[0].consumer.as_ref().unwrap();
        assert_eq!(c.pointer, "/Resources/Fn/Properties/Policies/2");
        let branch = found.documents[1].consumer.as_ref().unwrap();
        assert_eq!(
            branch.pointer,
            "/Resources/Fn/Properties/Policies/3/Fn::If/1"
        );
        let Body::Tree(tree) = &found.documents[0].body else {
            panic!("a tree");
        };
        let statement = &tree.get("Statement").unwrap().value;
        let Value::Array(items) = &statement.value else {
            panic!("a list")
        };
        let resource = &items[0].get("Resource").unwrap().value;
        assert_eq!(resource.as_str(), Some("arn:aws:s3:::${B}/*"));
    }

    #[test]
    fn sub_with_variables_keeps_json_tokens_in_place() {
        let text = "Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument: !Sub\n        - |\n          {\"Statement\": [{\"Action\": \"sts:AssumeRole\", \"Sid\": \"${Name}\"}]}\n        - Name: lit\n";
        let found = read_yaml(text);
        let Body::Tree(tree) = &found.documents[0].body else {
            panic!("a tree")
        };
        let Value::Array(statements) = &tree.get("Statement").unwrap().value.value else {
            panic!("a list")
        };
        let action = &statements[0].get("Action").unwrap().value;
        assert_eq!(
            &text[action.span.start..action.span.end],
            "\"sts:AssumeRole\""
        );
        let sid = &statements[0].get("Sid").unwrap().value;
        assert_eq!(sid.as_str(), Some("lit"));
        assert_eq!(&text[sid.span.start..sid.span.end], "\"${Name}\"");
    }

    #[test]
    fn json_strings_and_organizations_types() {
        let text = r#"
Resources:
  Logs:
    Type: AWS::Logs::ResourcePolicy
    Properties:
      PolicyDocument: '{"Version": "2012-10-17", "Statement": []}'
  Scp:
    Type: AWS::Organizations::Policy
    Properties:
      Type: SERVICE_CONTROL_POLICY
      Content: {Statement: []}
  Tags:
    Type: AWS::Organizations::Policy
    Properties:
      Type: TAG_POLICY
      Content: {tags: {}}
  Bad:
    Type: AWS::SQS::QueuePolicy
    Properties:
      PolicyDocument: '{"Statement": [}'
"#;
        let found = read_yaml(text);
        let kinds: Vec<_> = found
            .documents
            .iter()
            .map(|d| d.consumer.as_ref().unwrap().kind.unwrap())
            .collect();
        assert_eq!(kinds, vec![PolicyKind::Resource, PolicyKind::Scp]);
        let Body::Tree(logs) = &found.documents[0].body else {
            panic!("a tree")
        };
        let version = logs.get("Version").unwrap();
        assert_eq!(
            &text[version.value.span.start..version.value.span.end],
            "\"2012-10-17\""
        );
        assert_eq!(found.problems.len(), 1);
        assert_eq!(found.problems[0].code, Code::J001);
        assert_eq!(
            &text[found.problems[0].span.start..found.problems[0].span.end],
            "}"
        );
    }
}
