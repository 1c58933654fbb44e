use super::*;
use crate::json;
use crate::policy;

fn diff(old: &str, new: &str) -> Vec<Change> {
    let (ro, rn) = (json::parse(old).unwrap(), json::parse(new).unwrap());
    let (po, pn) = (policy::build(&ro), policy::build(&rn));
    compare(&Side::of(&po), &Side::of(&pn), Catalog::embedded())
}

fn policy(statements: &str) -> String {
    format!(r#"{{"Version": "2012-10-17", "Statement": [{statements}]}}"#)
}

const READ: &str = r#"{"Sid": "Read", "Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": ["arn:aws:s3:::data", "arn:aws:s3:::data/*"]}"#;

#[test]
fn everyday_edits_grant_nothing_new() {
    let old = policy(READ);
    let same = [
        // Split, reordered, Sid changed, action case changed.
        r#"{"Sid": "B", "Effect": "Allow", "Action": "s3:listbucket", "Resource": ["arn:aws:s3:::data/*", "arn:aws:s3:::data"]},
           {"Sid": "A", "Effect": "Allow", "Action": "S3:GetObject", "Resource": "arn:aws:s3:::data/*"}"#,
        // Narrower resource, an added condition, an added Deny.
        r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::data/logs/*",
            "Condition": {"Bool": {"aws:SecureTransport": "true"}}},
           {"Effect": "Deny", "Action": "s3:*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}"#,
    ];
    for new in same {
        let changes = diff(&old, &policy(new));
        assert!(changes.is_empty(), "{new}: {changes:#?}");
    }
}

#[test]
fn a_wildcard_and_its_exact_expansion_are_the_same_access() {
    let catalog = Catalog::embedded();
    let expansion: Vec<String> = catalog
        .expand("kms:GenerateDataKey*")
        .into_iter()
        .map(|(s, a)| format!("\"{}:{}\"", s.prefix, a.name))
        .collect();
    let wild = policy(r#"{"Effect": "Allow", "Action": "kms:GenerateDataKey*", "Resource": "*"}"#);
    let listed = policy(&format!(
        r#"{{"Effect": "Allow", "Action": [{}], "Resource": "*"}}"#,
        expansion.join(", ")
    ));
    assert!(diff(&wild, &listed).is_empty());
    assert!(diff(&listed, &wild).is_empty());
}

#[test]
fn merged_statements_and_like_without_wildcards_grant_nothing_new() {
    let old = policy(
        r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalTag/team": "red"}}},
           {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalTag/team": "blue"}}}"#,
    );
    let new = policy(
        r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringLike": {"aws:PrincipalTag/team": ["red", "blue"]}}}"#,
    );
    assert!(diff(&old, &new).is_empty());
}

#[test]
fn a_wider_action_is_reported_at_its_token_with_an_example() {
    let new = policy(
        r#"{"Effect": "Allow", "Action": ["s3:GetObject", "s3:Put*"], "Resource": "arn:aws:s3:::data/*"}"#,
    );
    let changes = diff(&policy(READ), &new);
    assert_eq!(changes.len(), 1, "{changes:#?}");
    let c = &changes[0];
    assert_eq!(c.reason, Reason::WiderAction);
    assert_eq!(c.token, "s3:Put*");
    assert!(c.actions.contains(&"s3:PutObject".to_string()));
    let w = c.witness.as_ref().expect("an example request");
    assert!(w.action.starts_with("s3:Put"));
}

#[test]
fn a_dropped_condition_and_a_removed_deny_are_new_access() {
    let old = policy(
        r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEquals": {"aws:SourceVpc": "vpc-1"}}},
           {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::secret/*"}"#,
    );
    let dropped = policy(
        r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
           {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::secret/*"}"#,
    );
    let changes = diff(&old, &dropped);
    assert_eq!(changes.len(), 1, "{changes:#?}");
    assert_eq!(changes[0].reason, Reason::LooserCondition);
    assert!(changes[0].witness.is_some());
    let no_deny = policy(
        r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEquals": {"aws:SourceVpc": "vpc-1"}}}"#,
    );
    let changes = diff(&old, &no_deny);
    assert_eq!(changes.len(), 1, "{changes:#?}");
    assert_eq!(changes[0].reason, Reason::RemovedDeny);
    let w = changes[0].witness.as_ref().expect("an example request");
    assert!(w.resource.starts_with("arn:aws:s3:::secret/"), "{w:?}");
}

#[test]
fn trust_policies_gain_principals_and_wider_oidc_subjects() {
    let trust = |principal: &str, sub: &str| {
        policy(&format!(
            r#"{{"Effect": "Allow", "Principal": {principal}, "Action": "sts:AssumeRoleWithWebIdentity",
               "Condition": {{"StringLike": {{"token.actions.githubusercontent.com:sub": "{sub}"}}}}}}"#
        ))
    };
    let gh = r#"{"Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"}"#;
    let old = trust(gh, "repo:org/app:ref:refs/heads/main");
    assert!(diff(&old, &trust(gh, "repo:org/app:ref:refs/heads/main")).is_empty());
    let wider = diff(&old, &trust(gh, "repo:org/*"));
    assert_eq!(wider.len(), 1, "{wider:#?}");
    assert_eq!(wider[0].reason, Reason::LooserCondition);
    assert_eq!(wider[0].token, "token.actions.githubusercontent.com:sub");
    let other = r#"{"Federated": "arn:aws:iam::444455556666:oidc-provider/token.actions.githubusercontent.com"}"#;
    let both = format!(
        "{{\"Federated\": [{}, {}]}}",
        &gh[14..gh.len() - 1],
        &other[14..other.len() - 1]
    );
    let changes = diff(&old, &trust(&both, "repo:org/app:ref:refs/heads/main"));
    assert_eq!(changes.len(), 1, "{changes:#?}");
    assert_eq!(changes[0].reason, Reason::NewPrincipal);
}

#[test]
fn resource_policies_compare_accounts_and_everyone() {
    let bucket = |principal: &str| {
        policy(&format!(
            r#"{{"Effect": "Allow", "Principal": {{"AWS": {principal}}}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::data/*"}}"#
        ))
    };
    let old = bucket(r#""arn:aws:iam::111122223333:root""#);
    assert!(diff(&old, &bucket(r#""arn:aws:iam::111122223333:role/reader""#)).is_empty());
    assert!(diff(&old, &bucket(r#""111122223333""#)).is_empty());
    let public = diff(&old, &bucket(r#""*""#));
    assert_eq!(public.len(), 1);
    assert_eq!(public[0].reason, Reason::NewPrincipal);
    let w = public[0].witness.as_ref().expect("an example request");
    assert!(w
        .principal
        .as_ref()
        .is_some_and(|(_, id)| !id.contains("111122223333")));
}

#[test]
fn a_deny_that_cannot_meet_the_new_grant_is_not_missed() {
    // AWS's tag-based reference policy: deny when the tag is absent.
    let old = policy(
        r#"{"Effect": "Allow", "Action": "*", "Resource": "*"},
           {"Effect": "Deny", "Action": "ec2:TerminateInstances", "Resource": "*", "Condition": {"Null": {"aws:ResourceTag/team": "true"}}}"#,
    );
    let tagged = policy(
        r#"{"Effect": "Allow", "Action": "ec2:TerminateInstances", "Resource": "*", "Condition": {"StringEquals": {"aws:ResourceTag/team": "red"}}}"#,
    );
    assert!(diff(&old, &tagged).is_empty());
    // The same Deny written as a negation covers the old one.
    let denied = policy(
        r#"{"Effect": "Allow", "Action": "ec2:TerminateInstances", "Resource": "*"},
           {"Effect": "Deny", "Action": "ec2:TerminateInstances", "Resource": "*", "Condition": {"StringNotEquals": {"aws:ResourceTag/team": "red"}}}"#,
    );
    assert!(diff(&old, &denied).is_empty());
    let untagged =
        policy(r#"{"Effect": "Allow", "Action": "ec2:TerminateInstances", "Resource": "*"}"#);
    assert_eq!(diff(&old, &untagged).len(), 1);
}

#[test]
fn a_removed_deny_of_actions_outside_the_catalog_is_new_access() {
    let old = policy(
        r#"{"Effect": "Allow", "Action": "*", "Resource": "*"},
           {"Effect": "Deny", "Action": "zq9newservice:*", "Resource": "*"}"#,
    );
    let new = policy(r#"{"Effect": "Allow", "Action": "*", "Resource": "*"}"#);
    let changes = diff(&old, &new);
    assert_eq!(changes.len(), 1, "{changes:#?}");
    assert_eq!(changes[0].reason, Reason::RemovedDeny);
    assert!(diff(&old, &old).is_empty());
}
