//! `iamlint explain`: what each document grants, and for a key policy who does what.

use iamlint::explain::{explain_text, human, json, markdown};
use iamlint::rules::Lookups;
use iamlint::source::FileFormat;
use std::path::Path;
use std::process::Command;

fn explain_json(text: &str) -> serde_json::Value {
    let e = explain_text(
        "p.json",
        text,
        0,
        FileFormat::Json,
        None,
        &Lookups::new(None),
    );
    serde_json::from_str(&json(&[e])).expect("valid JSON")
}

#[test]
fn the_seed_guide_names_the_delegation_the_role_and_the_public_grant() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/kms-setup-guide.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let e = explain_text(
        "guide.md",
        &text,
        0,
        FileFormat::Markdown,
        None,
        &Lookups::new(None),
    );
    assert_eq!(e.documents.len(), 2);
    let key = e.documents[0]
        .key
        .as_ref()
        .expect("the first document is a key policy");
    let names =
        |who: &[iamlint::explain::Who]| who.iter().map(|w| w.principal.clone()).collect::<Vec<_>>();
    assert_eq!(
        names(&key.delegated_to_iam),
        ["arn:aws:iam::ACCOUNT-ID:root"]
    );
    assert!(key.administers.is_empty(), "{:?}", key.administers);
    assert!(key.grants.is_empty() && key.deletes.is_empty());
    assert_eq!(
        names(&key.uses),
        [
            "arn:aws:iam::ACCOUNT-ID:role/orders-service",
            "everyone (`*`)"
        ]
    );
    assert_eq!(names(&key.outside_account), ["everyone (`*`)"]);
    assert_eq!(key.outside_account[0].actions, ["Decrypt"]);
    let text = human(&[e]);
    assert!(text.contains("Delegated to IAM"), "{text}");
    assert!(
        text.contains("orders-service (line 22): Encrypt, Decrypt"),
        "{text}"
    );
}

#[test]
fn methods_levels_denies_and_conditions_are_shown() {
    let v = explain_json(
        r#"{"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["lambda:CreateFunction", "lambda:InvokeFunction", "iam:PassRole", "s3:GetObject"], "Resource": "*"},
        {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*"},
        {"Effect": "Deny", "Action": "lambda:InvokeFunction", "Resource": "*", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}}
    ]}"#,
    );
    let doc = &v[0]["documents"][0];
    let ids: Vec<&str> = doc["methods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["lambda-001"]);
    assert_eq!(doc["removed"][0]["action"], "s3:GetObject");
    assert_eq!(doc["removed"][0]["removed_by"], 3);
    let write = doc["levels"]["Write"].as_array().unwrap();
    let invoke = write
        .iter()
        .find(|e| e["action"] == "lambda:InvokeFunction")
        .unwrap();
    assert!(invoke["denied_when"][0]
        .as_str()
        .unwrap()
        .contains("aws:MultiFactorAuthPresent"));
    assert!(doc["levels"]["Permissions management"].is_null());
}

#[test]
fn wide_patterns_are_summarised_by_level() {
    let e = explain_text(
        "p.json",
        r#"{"Statement": [{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}]}"#,
        0,
        FileFormat::Json,
        None,
        &Lookups::new(None),
    );
    let md = markdown(&[e]);
    assert!(md.contains("Write actions of `NotAction`"), "{md}");
    assert!(
        md.contains("**Privilege escalation**") || md.contains("**Taking over"),
        "{md}"
    );
    assert!(
        !md.contains("iam-001"),
        "NotAction iam:* excludes iam-001: {md}"
    );
}

#[test]
fn the_cli_explains_and_fails_on_a_missing_file() {
    let bin = env!("CARGO_BIN_EXE_iamlint");
    let guide = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/kms-setup-guide.md");
    let out = Command::new(bin)
        .arg("explain")
        .arg(&guide)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v[0]["documents"][0]["kind"], "kms-key");
    let out = Command::new(bin)
        .args(["explain", "no-such-file.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no-such-file.json"));
}

#[test]
fn a_policy_in_a_block_quote_is_explained_as_check_reads_it() {
    // `check` reads fences inside block quotes; explain and diff read files the same way.
    let text = "# Guide\n\n> ```json\n> {\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\",\n>   \"Action\": \"s3:GetObject\", \"Resource\": \"arn:aws:s3:::b/*\"}]}\n> ```\n";
    let e = explain_text(
        "guide.md",
        text,
        0,
        FileFormat::Markdown,
        None,
        &Lookups::new(None),
    );
    assert_eq!(e.documents.len(), 1);
    let out = json(&[e]);
    assert!(out.contains("s3:GetObject"), "{out}");
}
