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
fn naming_each_answers_as_naming_does_for_every_name() {
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
        // Several statements name one action, a later pattern of a statement again, and a
        // `NotAction` between them: statement order, each statement's first pattern.
        r#"{"Statement": [
            {"Effect": "Allow", "Action": ["dynamodb:GetItem", "ecr:GetAuthorizationToken", "s3:*", "s3:GetObject", "Ec2:RunInstances", "E*:RunInstances"], "Resource": "*"},
            {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"},
            {"Effect": "Allow", "Action": ["iam:Pass*", "iam:PassRole", "s3:getobject"]}
        ]}"#,
    ];
    let mut seen_named = 0;
    for text in documents {
        with_access(text, |access, _| {
            let naming = access.naming_each(&list);
            for (at, name) in list.names.iter().enumerate() {
                let each: Vec<_> = naming[at]
                    .iter()
                    .map(|(g, token)| (g.statement.pointer.clone(), token.span))
                    .collect();
                let one: Vec<_> = access
                    .naming(name)
                    .iter()
                    .map(|(g, token)| (g.statement.pointer.clone(), token.span))
                    .collect();
                assert_eq!(each, one, "{name} in {text}");
                assert_eq!(!each.is_empty(), access.names(name), "{name} in {text}");
                seen_named += usize::from(!each.is_empty());
            }
            // Asked again once `naming` has compiled every pattern: the same answer.
            let spans = |naming: &[Vec<(&Grant, Str)>]| -> Vec<Vec<_>> {
                naming
                    .iter()
                    .map(|n| n.iter().map(|(_, token)| token.span).collect())
                    .collect()
            };
            assert_eq!(spans(&access.naming_each(&list)), spans(&naming), "{text}");
        });
    }
    // 3 + 5 + 2 + 7 + 0 + 7 of the seven names.
    assert_eq!(seen_named, 24);
}

#[test]
fn a_target_condition_that_admits_any_value_narrows_nothing() {
    let text = r#"{"Statement": [
        {"Effect": "Allow", "Action": "iam:AttachRolePolicy", "Resource": "*", "Condition": {
            "ArnLike": {"iam:PolicyARN": "arn:aws:iam::*:policy/*"},
            "ArnEquals": {"iam:PermissionsBoundary": [
                "arn:aws:iam::111122223333:policy/dev-boundary", "arn:aws:iam::111122223333:policy/*"
            ]},
            "StringLike": {"iam:PassedToService": "*", "aws:ResourceTag/team": "*"},
            "StringEquals": {"cloudformation:RoleArn": "arn:aws:iam::*:role/*"}
        }},
        {"Effect": "Allow", "Action": "iam:AttachRolePolicy", "Resource": "*", "Condition": {
            "ArnLike": {"iam:PolicyARN": [
                "arn:aws:iam::aws:policy/ReadOnly*", "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"
            ]},
            "StringLike": {"cloudformation:RoleArn": "arn:aws:iam::*:role/cfn/*"}
        }}
    ]}"#;
    with_access(text, |access, _| {
        let kinds = |g: usize| -> Vec<(&str, Narrows)> {
            access.allows[g]
                .conditions
                .iter()
                .map(|c| (c.key.value, c.narrows))
                .collect()
        };
        assert_eq!(
            kinds(0),
            [
                ("iam:PolicyARN", Narrows::Context),
                ("iam:PermissionsBoundary", Narrows::Context),
                ("iam:PassedToService", Narrows::Context),
                // The tag must still be there.
                ("aws:ResourceTag/team", Narrows::Target),
                // `StringEquals` reads `*` as a character.
                ("cloudformation:RoleArn", Narrows::Target),
            ]
        );
        // Named values, a name prefix and a path prefix pin.
        assert_eq!(
            kinds(1),
            [
                ("iam:PolicyARN", Narrows::Target),
                ("cloudformation:RoleArn", Narrows::Target),
            ]
        );
    });
}

#[test]
fn a_deny_on_all_but_named_resources_leaves_those_named() {
    let text = r#"{"Statement": [
        {"Effect": "Allow", "Action": ["iam:PassRole", "s3:GetObject"], "Resource": "*"},
        {"Effect": "Deny", "Action": "iam:PassRole", "NotResource": [
            "arn:aws:iam::111122223333:role/orders-lambda", "arn:aws:s3:::orders/*"
        ]},
        {"Effect": "Deny", "Action": "s3:GetObject", "NotResource": "arn:aws:iam::111122223333:role/orders-lambda"}
    ]}"#;
    with_access(text, |access, catalog| {
        let pass = access.standing(&target(catalog, "iam:PassRole"));
        assert_eq!(pass.len(), 1);
        let named: Vec<&str> = match &pass[0].scope {
            Scope::Named(ts) => ts.iter().map(|t| t.value).collect(),
            other => panic!("expected named roles, got {other:?}"),
        };
        assert_eq!(named, ["arn:aws:iam::111122223333:role/orders-lambda"]);
        // The exclusion names no object: nothing of `s3:GetObject` is left.
        assert!(access.standing(&target(catalog, "s3:GetObject")).is_empty());
    });
}

#[test]
fn a_string_condition_holds_for_one_value() {
    let text = r#"{"Statement": [
        {"Effect": "Deny", "Action": "iam:PassRole", "Resource": "*", "Condition": {
            "StringNotEquals": {"iam:PassedToService": "lambda.amazonaws.com"},
            "StringLikeIfExists": {"iam:PassedToService": "*.amazonaws.com"},
            "ForAnyValue:StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}
        }}
    ]}"#;
    with_access(text, |access, _| {
        let c = &access.denies[0].conditions;
        assert_eq!(c[0].holds_for("ec2.amazonaws.com"), Some(true));
        assert_eq!(c[0].holds_for("lambda.amazonaws.com"), Some(false));
        assert_eq!(c[1].holds_for("ec2.amazonaws.com"), Some(true));
        assert_eq!(c[1].holds_for("example.com"), Some(false));
        assert_eq!(c[2].holds_for("ec2.amazonaws.com"), None);
    });
}

#[test]
fn a_grant_asked_again_answers_for_the_templates_asked() {
    // One statement, asked about actions of different resource types in turn and again:
    // each answer is the one for that action's templates, not the one asked first.
    let text = r#"{"Statement": [
        {"Effect": "Allow", "Action": ["iam:PassRole", "iam:CreateAccessKey", "s3:GetObject"],
         "Resource": ["arn:aws:iam::111122223333:role/*", "arn:aws:iam::*:user/${aws:username}"]}
    ]}"#;
    with_access(text, |access, catalog| {
        for _ in 0..2 {
            let pass = access.reaches(&target(catalog, "iam:PassRole"));
            assert!(matches!(pass[0].scope, Scope::Every(t) if t.value.ends_with("role/*")));
            let keys = access.reaches(&target(catalog, "iam:CreateAccessKey"));
            assert!(matches!(&keys[0].scope, Scope::OwnOnly(ts) if ts.len() == 1));
            assert!(access.reaches(&target(catalog, "s3:GetObject")).is_empty());
        }
    });
}

#[test]
fn naming_keeps_statement_order_with_and_without_not_action() {
    let listed = r#"{"Statement": [
        {"Effect": "Allow", "Action": ["s3:Get*", "s3:GetObject"], "Resource": "*"},
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
    ]}"#;
    with_access(listed, |access, _| {
        let tokens: Vec<&str> = access
            .naming("s3:GetObject")
            .iter()
            .map(|(_, t)| t.value)
            .collect();
        assert_eq!(tokens, ["s3:Get*", "s3:GetObject"]);
    });
    let mixed = r#"{"Statement": [
        {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"},
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
        {"Effect": "Allow", "NotAction": "s3:*", "Resource": "*"}
    ]}"#;
    with_access(mixed, |access, _| {
        let tokens: Vec<&str> = access
            .naming("s3:GetObject")
            .iter()
            .map(|(_, t)| t.value)
            .collect();
        assert_eq!(tokens, ["NotAction", "s3:GetObject"]);
    });
}

#[test]
fn naming_finds_through_the_index_what_each_statement_names() {
    // The index must find what `token_for` finds statement by statement, in any case and
    // through wildcards of any part, asked once or again.
    let text = r#"{"Statement": [
        {"Effect": "Allow", "Action": ["IAM:passrole", "iam:Get*", "*:List*"], "Resource": "*"},
        {"Effect": "Allow", "Action": ["s3:GetObject", "s3:*", "iam:PassRole"], "Resource": "*"},
        {"Effect": "Allow", "NotAction": ["iam:*"], "Resource": "*"},
        {"Effect": "Allow", "Action": "ec2:RunInstances", "Resource": "*"}
    ]}"#;
    let actions = [
        "iam:PassRole",
        "iam:GetRole",
        "iam:ListRoles",
        "s3:GetObject",
        "s3:ListBucket",
        "ec2:RunInstances",
        "lambda:InvokeFunction",
    ];
    with_access(text, |access, _| {
        for _ in 0..3 {
            for action in actions {
                let found: Vec<&str> = access.naming(action).iter().map(|(_, t)| t.value).collect();
                let expected: Vec<&str> = access
                    .allows
                    .iter()
                    .filter_map(|g| g.token_for(action))
                    .map(|t| t.value)
                    .collect();
                assert_eq!(found, expected, "{action}");
                assert!(!found.is_empty(), "{action}");
            }
        }
        assert!(
            access.index.get().is_some(),
            "later questions use the index"
        );
    });
}

#[test]
fn may_reach_every_is_false_only_where_the_scope_names_resources() {
    let values = [
        "*",
        "arn:aws:iam::111122223333:role/app",
        "arn:aws:iam::111122223333:role/*",
        "arn:aws:iam::111122223333:role/app-*",
        "arn:aws:iam::111122223333:user/${aws:username}",
        "arn:aws:iam::111122223333:role/zq9-ANY-name",
        "arn:aws:account::111122223333:account",
        "arn:aws:s3:::orders/report.csv",
        "arn:aws:s3:::orders/*",
    ];
    let actions = [
        "iam:PassRole",
        "iam:CreateAccessKey",
        "s3:GetObject",
        "account:CloseAccount",
        "ecr:GetAuthorizationToken",
    ];
    let mut settled = 0;
    for value in values {
        let text = format!(
            r#"{{"Statement": [{{"Effect": "Allow", "Action": "*", "Resource": "{value}"}}]}}"#
        );
        with_access(&text, |access, catalog| {
            let grant = &access.allows[0];
            for action in actions {
                let target = target(catalog, action);
                let scope = grant.scope(&target);
                if !grant.may_reach_every(&target) {
                    settled += 1;
                    assert!(
                        matches!(scope, None | Some(Scope::Named(_))),
                        "{value} for {action}: {scope:?}"
                    );
                }
            }
        });
    }
    // The test settles literal names of other types, not only what is open anyway.
    assert!(settled >= 10, "{settled}");
    // A literal ARN is every resource of a template without a name part.
    with_access(
        r#"{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "arn:aws:account::111122223333:account"}]}"#,
        |access, catalog| {
            let close = target(catalog, "account:CloseAccount");
            assert!(access.allows[0].may_reach_every(&close));
            assert!(matches!(
                access.allows[0].scope(&close),
                Some(Scope::Every(_))
            ));
        },
    );
}

#[test]
fn every_compares_the_value_with_a_probe_of_each_template() {
    let catalog = Catalog::embedded();
    let roles = target(catalog, "iam:PassRole");
    let roles = roles.templates.as_deref().expect("role templates");
    assert!(scope::is_every("arn:aws:iam::*:role/*", roles));
    assert!(scope::is_every("ARN:AWS:IAM::111122223333:ROLE/*", roles));
    assert!(scope::is_every("arn:aws:iam::*:*", roles));
    assert!(scope::is_every("arn:*:iam::*:role/?*", roles));
    assert!(!scope::is_every("arn:aws:iam::*:role/app-*", roles));
    assert!(!scope::is_every("arn:aws:iam::*:role/*-admin", roles));
    assert!(!scope::is_every(
        "arn:aws:iam::111122223333:role/app",
        roles
    ));
    assert!(!scope::is_every("arn:aws:s3:::*", roles));
    let account = target(catalog, "account:CloseAccount");
    let account = account.templates.as_deref().expect("account templates");
    assert!(scope::is_every(
        "arn:aws:account::111122223333:account",
        account
    ));
    assert!(!scope::is_every(
        "arn:aws:account::111122223333:other",
        account
    ));
}
