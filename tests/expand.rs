//! `iamlint expand` and `--catalog`: the catalog as reviewers and CI reach it from the CLI.

mod support;

use iamlint::catalog::{convert, Catalog};
use std::path::Path;
use support::cli::*;

#[test]
fn expand_lists_matches_with_access_levels() {
    let out = iamlint(repo(), &["expand", "kms:GenerateDataKey*", "kms:decrypt"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(text.contains("kms:GenerateDataKey*: 4 actions"), "{text}");
    for name in [
        "GenerateDataKey ",
        "GenerateDataKeyPair ",
        "GenerateDataKeyPairWithoutPlaintext ",
        "GenerateDataKeyWithoutPlaintext ",
    ] {
        let line = text
            .lines()
            .find(|l| l.contains(&format!("kms:{name}")))
            .unwrap_or_else(|| panic!("{name} missing in {text}"));
        assert!(line.trim_end().ends_with("Write"), "{line}");
    }
    assert!(text.contains("kms:decrypt: 1 action\n"), "{text}");
}

#[test]
fn expand_json_names_each_action_and_level() {
    let out = iamlint(repo(), &["expand", "--format", "json", "s3:PutBucket*"]);
    assert_eq!(out.status.code(), Some(0));
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let actions = value[0]["actions"].as_array().expect("actions");
    assert_eq!(value[0]["pattern"], "s3:PutBucket*");
    let policy = actions
        .iter()
        .find(|a| a["action"] == "s3:PutBucketPolicy")
        .expect("PutBucketPolicy listed");
    assert_eq!(policy["access"], "Permissions management");
    assert!(actions
        .iter()
        .all(|a| a["action"].as_str().unwrap().starts_with("s3:PutBucket")));
}

#[test]
fn expand_not_gives_the_complement_by_service() {
    let out = iamlint(
        repo(),
        &["expand", "--not", "--format", "json", "kms:*", "s3:Get*"],
    );
    assert_eq!(out.status.code(), Some(0));
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let services = value["services"].as_array().expect("services");
    assert!(services.iter().all(|s| s["service"] != "kms"));
    let s3 = services
        .iter()
        .find(|s| s["service"] == "s3")
        .expect("s3 remains");
    let names: Vec<&str> = s3["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["action"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"s3:PutObject"));
    assert!(!names.iter().any(|n| n.starts_with("s3:Get")));
    assert_eq!(s3["count"].as_u64(), Some(names.len() as u64));

    let catalog = Catalog::embedded();
    let excluded = catalog.expand("kms:*").len() + catalog.expand("s3:Get*").len();
    assert_eq!(
        value["total"].as_u64(),
        Some((catalog.action_count() - excluded) as u64)
    );
}

#[test]
fn expand_a_pattern_that_matches_nothing_exits_one() {
    let out = iamlint(repo(), &["expand", "s3:Gte*"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("`s3:Gte*` matches no action"));
}

fn fixture_catalog(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("small.jsonl");
    let text = convert(&repo().join("tests/fixtures/catalog-package")).expect("converts");
    std::fs::write(&path, text).expect("write");
    path
}

#[test]
fn check_uses_the_catalog_from_the_flag_or_the_config() {
    let dir = tempfile::tempdir().expect("tempdir");
    let catalog = fixture_catalog(dir.path());
    // ec2 is in the embedded catalog but not in the three-service fixture one.
    std::fs::write(
        dir.path().join("p.json"),
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:DescribeInstances","Resource":"*"}]}"#,
    )
    .expect("write");
    let args = ["check", "--format", "concise", "--select", "C001", "p.json"];
    let embedded = iamlint(dir.path(), &args);
    assert_eq!(embedded.status.code(), Some(0), "{}", stdout(&embedded));

    let mut with_flag = args.to_vec();
    with_flag.extend(["--catalog", catalog.to_str().unwrap()]);
    let flagged = iamlint(dir.path(), &with_flag);
    assert_eq!(flagged.status.code(), Some(1));
    assert!(stdout(&flagged).contains("error[C001] `ec2` is not an AWS service prefix"));

    std::fs::write(
        dir.path().join("iamlint.toml"),
        "catalog = \"small.jsonl\"\n",
    )
    .expect("write");
    let configured = iamlint(dir.path(), &args);
    assert_eq!(configured.status.code(), Some(1), "{}", stdout(&configured));
}

#[test]
fn a_broken_catalog_file_is_a_usage_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("bad.jsonl"), "not a catalog\n").expect("write");
    std::fs::write(dir.path().join("p.json"), r#"{"Statement":[]}"#).expect("write");
    let out = iamlint(dir.path(), &["check", "--catalog", "bad.jsonl", "p.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("catalog error"));
}

#[test]
fn expand_suggests_the_action_or_service_a_typo_meant() {
    let out = iamlint(
        repo(),
        &["expand", "kms:Decrpyt", "kmz:Decrypt", "kms:Decrpt*"],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    let line_of = |pattern: &str| {
        err.lines()
            .find(|l| l.contains(&format!("`{pattern}` matches no action")))
            .unwrap_or_else(|| panic!("{pattern} in {err}"))
    };
    assert!(
        line_of("kms:Decrpyt").ends_with("did you mean `kms:Decrypt`?"),
        "{err}"
    );
    assert!(
        line_of("kmz:Decrypt").ends_with("did you mean `kms:Decrypt`?"),
        "{err}"
    );
    assert!(!line_of("kms:Decrpt*").contains("did you mean"), "{err}");
}

#[test]
fn expand_not_summary_gives_one_line_per_service() {
    let full = stdout(&iamlint(
        repo(),
        &["expand", "--not", "--format", "json", "iam:*"],
    ));
    let full: serde_json::Value = serde_json::from_str(&full).unwrap();
    let out = iamlint(repo(), &["expand", "--not", "--summary", "iam:*"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    let services = full["services"].as_array().unwrap();
    // A heading, a blank line, then one line per service.
    assert_eq!(text.lines().count(), services.len() + 2, "{text}");
    let kms = services.iter().find(|s| s["service"] == "kms").unwrap();
    let kms_line = text
        .lines()
        .find(|l| l.split_whitespace().next() == Some("kms"))
        .expect("a kms line");
    let count = kms["count"].as_u64().unwrap();
    assert_eq!(
        kms_line.split_whitespace().nth(1),
        Some(count.to_string().as_str())
    );
    assert!(kms_line.contains("Write"), "{kms_line}");

    let json = stdout(&iamlint(
        repo(),
        &["expand", "--not", "--summary", "--format", "json", "iam:*"],
    ));
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["total"], full["total"]);
    let kms_summary = json["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["service"] == "kms")
        .unwrap();
    let by_level: u64 = kms_summary["access"]
        .as_object()
        .unwrap()
        .values()
        .map(|n| n.as_u64().unwrap())
        .sum();
    assert_eq!(by_level, count);
    assert!(kms_summary.get("actions").is_none(), "no action list");
}
