//! Serverless Framework files (`serverless.yml`): the role statements of
//! `provider.iam.role.statements` (and the older `provider.iamRoleStatements`, and
//! `functions.<name>.iamRoleStatements` of the per-function roles plugin) are identity
//! policies; `resources` is CloudFormation.
//!
//! Serverless variables are deploy-time values and stay as written (`${self:…}`, `${opt:…}`,
//! `${env:…}`, `${sls:…}`, `${ssm:…}`, `${cf:…}`, `${file(…)}`, `${param:…}`), except
//! `${aws:accountId}`, `${aws:region}` and `${aws:partition}`, which read like IAM policy
//! variables: they become the CloudFormation pseudo parameters they stand for.

use super::cloudformation::{self, Reading};
use super::extract::Consumer;
use super::intrinsics;
use crate::json::{Member, Node, Value};
use crate::policy::PolicyKind;
use std::borrow::Cow;

/// Whether a parsed YAML value is a Serverless Framework service: `service` and `provider`.
pub fn is_service(root: &Node) -> bool {
    root.get("service").is_some() && root.get("provider").is_some()
}

pub fn read<'a>(root: &Node<'a>, host: &'a str, out: &mut Reading<'a>) {
    let provider = root.get("provider").map(|p| &p.value);
    let role_statements = provider
        .and_then(|p| p.get("iam"))
        .and_then(|iam| iam.value.get("role"))
        .and_then(|role| role.value.get("statements"));
    if let Some(statements) = role_statements {
        statements_document(
            statements,
            "/provider/iam/role/statements".into(),
            "provider.iam.role.statements",
            &ROLE_POLICY,
            out,
        );
    }
    if let Some(statements) = provider.and_then(|p| p.get("iamRoleStatements")) {
        statements_document(
            statements,
            "/provider/iamRoleStatements".into(),
            "provider.iamRoleStatements",
            &ROLE_POLICY,
            out,
        );
    }
    // The REST API's resource policy: `provider.apiGateway.resourcePolicy`, and the older
    // `provider.resourcePolicy`.
    let api_policies = [
        (
            provider
                .and_then(|p| p.get("apiGateway"))
                .and_then(|a| a.value.get("resourcePolicy")),
            "/provider/apiGateway/resourcePolicy",
            "provider.apiGateway.resourcePolicy",
        ),
        (
            provider.and_then(|p| p.get("resourcePolicy")),
            "/provider/resourcePolicy",
            "provider.resourcePolicy",
        ),
    ];
    for (statements, pointer, property) in api_policies {
        if let Some(statements) = statements {
            statements_document(statements, pointer.into(), property, &API_POLICY, out);
        }
    }
    if let Some(functions) = root.get("functions").and_then(|f| f.value.members()) {
        for function in functions {
            if let Some(statements) = function.value.get("iamRoleStatements") {
                let pointer = format!(
                    "/functions/{}/iamRoleStatements",
                    cloudformation::escape(&function.key)
                );
                statements_document(
                    statements,
                    pointer,
                    "functions.*.iamRoleStatements",
                    &ROLE_POLICY,
                    out,
                );
            }
        }
    }
    if let Some(resources) = root.get("resources") {
        let mut section = Reading::default();
        cloudformation::read(&resources.value, host, "/resources", &mut section);
        out.problems.extend(section.problems);
        out.local_templates.extend(section.local_templates);
        for mut document in section.documents {
            if let super::extract::Body::Tree(tree) = &mut document.body {
                rewrite_variables(tree);
            }
            out.documents.push(document);
        }
    }
}

/// The resource that Serverless makes to hold a list of statements.
struct Holder {
    kind: PolicyKind,
    resource_type: &'static str,
    /// Its logical id in the template Serverless makes.
    address: &'static str,
}

const ROLE_POLICY: Holder = Holder {
    kind: PolicyKind::Identity,
    resource_type: "AWS::IAM::Role",
    address: "IamRoleLambdaExecution",
};

const API_POLICY: Holder = Holder {
    kind: PolicyKind::Resource,
    resource_type: "AWS::ApiGateway::RestApi",
    address: "ApiGatewayRestApi",
};

fn statements_document<'a>(
    statements: &Member<'a>,
    pointer: String,
    property: &str,
    holder: &Holder,
    out: &mut Reading<'a>,
) {
    if !matches!(statements.value.value, Value::Array(_)) {
        return;
    }
    let mut list = intrinsics::normalize(&statements.value);
    rewrite_variables(&mut list);
    let tree = cloudformation::wrap_statements(list, statements.key_span);
    let consumer = Consumer {
        kind: Some(holder.kind),
        reason: format!("serverless: {property}"),
        resource_type: Some(holder.resource_type.into()),
        address: holder.address.into(),
        pointer,
        bare_statements: true,
        readers: Vec::new(),
        resource: statements.key_span,
    };
    out.documents.push(cloudformation::document(tree, consumer));
}

/// `${aws:accountId}` → `${AWS::AccountId}` and its kin, in every string of a tree.
fn rewrite_variables(node: &mut Node) {
    match &mut node.value {
        Value::String(s) if s.contains("${aws:") => {
            *s = Cow::Owned(rewrite(s));
        }
        Value::Array(items) => items.iter_mut().for_each(rewrite_variables),
        Value::Object(members) => members
            .iter_mut()
            .for_each(|m| rewrite_variables(&mut m.value)),
        _ => {}
    }
}

fn rewrite(text: &str) -> String {
    text.replace("${aws:accountId}", "${AWS::AccountId}")
        .replace("${aws:region}", "${AWS::Region}")
        .replace("${aws:partition}", "${AWS::Partition}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::extract::Body;
    use crate::source::yaml;

    #[test]
    fn role_statements_and_resources_are_read() {
        let text = "\
service: app
provider:
  name: aws
  iam:
    role:
      statements:
        - Effect: Allow
          Action: dynamodb:GetItem
          Resource: arn:aws:dynamodb:${aws:region}:${aws:accountId}:table/${self:service}
  iamRoleStatements:
    - Effect: Allow
      Action: s3:GetObject
      Resource: '*'
resources:
  Resources:
    Key:
      Type: AWS::KMS::Key
      Properties:
        KeyPolicy: {Statement: []}
";
        let root = yaml::parse(text).unwrap();
        assert!(is_service(&root));
        let mut out = Reading::default();
        read(&root, text, &mut out);
        let pointers: Vec<&str> = out
            .documents
            .iter()
            .map(|d| d.consumer.as_ref().unwrap().pointer.as_str())
            .collect();
        assert_eq!(
            pointers,
            [
                "/provider/iam/role/statements",
                "/provider/iamRoleStatements",
                "/resources/Resources/Key/Properties/KeyPolicy"
            ]
        );
        let Body::Tree(tree) = &out.documents[0].body else {
            panic!("a tree")
        };
        let Value::Array(statements) = &tree.get("Statement").unwrap().value.value else {
            panic!("a list")
        };
        assert_eq!(
            statements[0].get("Resource").unwrap().value.as_str(),
            Some("arn:aws:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${self:service}")
        );
    }
}
