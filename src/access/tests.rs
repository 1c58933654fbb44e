use super::*;
use crate::json;
use crate::policy;

fn with_access(text: &str, f: impl FnOnce(&Access, &Catalog)) {
    let root = json::parse(text).expect("valid JSON");
    let model = policy::build(&root);
    let access = Access::of(&model);
    f(&access, Catalog::embedded());
}

fn target<'c>(catalog: &'c Catalog, name: &str) -> Target<'c> {
    Target::resolve(catalog, name).unwrap_or_else(|| panic!("{name} is in the catalog"))
}

#[test]
fn wildcards_and_not_action_reach_concrete_actions() {
    let text = r#"{"Statement": [
        {"Effect": "Allow", "Action": "iam:*Policy*", "Resource": "*"},
        {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}
    ]}"#;
    with_access(text, |access, catalog| {
        let reaches = access.reaches(&target(catalog, "iam:CreatePolicyVersion"));
        assert_eq!(reaches.len(), 1);
        assert_eq!(reaches[0].token.value, "iam:*Policy*");
        assert!(access.reaches(&target(catalog, "iam:PassRole")).is_empty());
        let lambda = access.reaches(&target(catalog, "lambda:UpdateFunctionCode"));
        assert_eq!(lambda.len(), 1);
        assert_eq!(lambda[0].token.value, "NotAction");
    });
}

#[test]
fn resources_are_every_named_or_own() {
    let text = r#"{"Statement": [
        {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::111122223333:role/*"},
        {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::111122223333:role/app"},
        {"Effect": "Allow", "Action": "iam:CreateAccessKey", "Resource": "arn:aws:iam::*:user/${aws:username}"},
        {"Effect": "Allow", "Action": "iam:CreateAccessKey", "Resource": "arn:aws:s3:::*/*"},
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::*/*"},
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::orders/*"},
        {"Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"}
    ]}"#;
    with_access(text, |access, catalog| {
        let pass = access.reaches(&target(catalog, "iam:PassRole"));
        assert!(matches!(pass[0].scope, Scope::Every(t) if t.value.ends_with("role/*")));
        assert!(matches!(pass[1].scope, Scope::Named(_)));
        // The S3 pattern cannot name a user: only the self-reference counts.
        let keys = access.reaches(&target(catalog, "iam:CreateAccessKey"));
        assert_eq!(keys.len(), 1);
        assert!(matches!(keys[0].scope, Scope::OwnOnly(_)));
        let objects = access.reaches(&target(catalog, "s3:GetObject"));
        assert!(objects[0].scope.is_open());
        assert!(!objects[1].scope.is_open());
        let token = access.reaches(&target(catalog, "ecr:GetAuthorizationToken"));
        assert!(matches!(token[0].scope, Scope::Unscoped(_)));
    });
}

#[test]
fn a_deny_removes_only_what_it_covers_without_condition() {
    let text = r#"{"Statement": [
        {"Effect": "Allow", "Action": ["iam:PassRole", "iam:CreatePolicyVersion", "iam:AttachRolePolicy"], "Resource": "*"},
        {"Effect": "Deny", "Action": "iam:PassRole", "Resource": "*"},
        {"Effect": "Deny", "Action": "iam:CreatePolicyVersion", "Resource": "*",
         "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}},
        {"Effect": "Deny", "Action": "iam:AttachRolePolicy", "Resource": "arn:aws:iam::*:role/admin"}
    ]}"#;
    with_access(text, |access, catalog| {
        assert!(access.standing(&target(catalog, "iam:PassRole")).is_empty());
        let versions = access.standing(&target(catalog, "iam:CreatePolicyVersion"));
        assert_eq!(versions.len(), 1);
        assert_eq!(versions[0].denied_when.len(), 1);
        // The Deny names one role; the Allow every role.
        assert_eq!(
            access
                .standing(&target(catalog, "iam:AttachRolePolicy"))
                .len(),
            1
        );
    });
}

#[test]
fn a_deny_with_every_listed_resource_covers_each() {
    let text = r#"{"Statement": [
        {"Effect": "Allow", "Action": "iam:PassRole", "Resource": ["arn:aws:iam::1:role/*", "arn:aws:iam::2:role/*"]},
        {"Effect": "Deny", "Action": "iam:*", "Resource": "arn:aws:iam::1:role/*"}
    ]}"#;
    with_access(text, |access, catalog| {
        assert_eq!(access.standing(&target(catalog, "iam:PassRole")).len(), 1);
    });
}

#[test]
fn conditions_are_target_or_context() {
    let text = r#"{"Statement": [
        {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*", "Condition": {
            "StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"},
            "IpAddress": {"aws:SourceIp": "10.0.0.0/8"},
            "StringNotEquals": {"iam:PolicyARN": "arn:aws:iam::aws:policy/AdministratorAccess"}
        }}
    ]}"#;
    with_access(text, |access, _| {
        let kinds: Vec<(&str, Narrows)> = access.allows[0]
            .conditions
            .iter()
            .map(|c| (c.key.value, c.narrows))
            .collect();
        assert_eq!(
            kinds,
            [
                ("iam:PassedToService", Narrows::Target),
                ("aws:SourceIp", Narrows::Context),
                ("iam:PolicyARN", Narrows::Context)
            ]
        );
    });
}

#[test]
fn expand_lists_concrete_actions_once() {
    let text = r#"{"Statement": [
        {"Effect": "Allow", "Action": ["kms:GenerateDataKey*", "kms:GenerateDataKey"], "Resource": "*"}
    ]}"#;
    with_access(text, |access, catalog| {
        let names: Vec<String> = Access::expand(&access.allows[0], catalog)
            .into_iter()
            .map(|t| t.name)
            .collect();
        assert_eq!(names.len(), 4, "{names:?}");
        assert!(names.contains(&"kms:GenerateDataKeyPairWithoutPlaintext".to_string()));
    });
}

#[test]
fn names_finds_actions_through_the_service_index() {
    let text = r#"{"Statement": [
        {"Effect": "Allow", "Action": ["S3:GetObject", "ec2:*"], "Resource": "*"},
        {"Effect": "Allow", "Action": "*:PassRole", "Resource": "*"},
        {"Effect": "Allow", "NotAction": "sqs:*", "Resource": "*"},
        {"Effect": "Deny", "Action": "kms:Decrypt", "Resource": "*"}
    ]}"#;
    with_access(text, |access, _| {
        assert!(access.names("s3:GetObject"));
        assert!(access.names("ec2:RunInstances"));
        assert!(access.names("iam:PassRole"));
        // The NotAction grants it; the Deny is not asked.
        assert!(access.names("kms:Decrypt"));
        assert!(!access.names("sqs:SendMessage"));
        // Asked again: the memo answers the same.
        assert!(!access.names("sqs:SendMessage"));
    });
    with_access(
        r#"{"Statement": {"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}}"#,
        |access, _| {
            assert!(access.names("s3:GetObject"));
            assert!(!access.names("s3:PutObject"));
            assert!(!access.names("s3x:GetObject"));
        },
    );
}

#[test]
fn names_each_answers_as_names_does_for_every_name() {
    let list = ActionList::new([
        "s3:GetObject",
        "S3:getobject",
        "s3:PutObject",
        "ec2:RunInstances",
        "iam:PassRole",
        "kms:Decrypt",
        "sqs:SendMessage",
        "lambda:InvokeFunction",
    ]);
    // A name repeated in another case keeps its first place.
    assert_eq!(list.len(), 7);
    assert_eq!(list.position("S3:GETOBJECT"), Some(0));
    let documents = [
        r#"{"Statement": [
            {"Effect": "Allow", "Action": ["S3:GetObject", "ec2:*"], "Resource": "*"},
            {"Effect": "Allow", "Action": "*:PassRole", "Resource": "*"},
            {"Effect": "Deny", "Action": "sqs:*", "Resource": "*"}
        ]}"#,
        r#"{"Statement": {"Effect": "Allow", "NotAction": ["sqs:*", "s3:Put*"], "Resource": "*"}}"#,
        r#"{"Statement": {"Effect": "Allow", "Action": ["lambda:Invoke?unction", "kms:decrypt"]}}"#,
        r#"{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}"#,
        r#"{"Statement": {"Effect": "Deny", "Action": "*", "Resource": "*"}}"#,
    ];
    let mut seen_named = 0;
    for text in documents {
        with_access(text, |access, _| {
            let named = access.names_each(&list);
            for (at, name) in list.names.iter().enumerate() {
                assert_eq!(named[at], access.names(name), "{name} in {text}");
                seen_named += usize::from(named[at]);
            }
        });
    }
    // 3 + 5 + 2 + 7 + 0 of the seven names.
    assert_eq!(seen_named, 17);
}
