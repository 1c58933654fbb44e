//! `iamlint diff` from the command line: exit codes, formats, directories and `--git`.

use std::path::Path;
use std::process::Command;

fn iamlint(dir: &Path, args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_iamlint"))
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

const OLD: &str = r#"{"Version": "2012-10-17", "Statement": [
  {"Sid": "Read", "Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
   "Resource": ["arn:aws:s3:::data", "arn:aws:s3:::data/*"]}]}"#;
const SPLIT: &str = r#"{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": "s3:listbucket", "Resource": "arn:aws:s3:::data"},
  {"Sid": "Get", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::data/*"}]}"#;
const WIDER: &str = r#"{"Version": "2012-10-17", "Statement": [
  {"Sid": "Read", "Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket", "s3:DeleteObject"],
   "Resource": ["arn:aws:s3:::data", "arn:aws:s3:::data/*"]}]}"#;

#[test]
fn exit_codes_say_whether_new_access_may_be_granted() {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in [
        ("old.json", OLD),
        ("split.json", SPLIT),
        ("wider.json", WIDER),
    ] {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let (code, out) = iamlint(dir.path(), &["diff", "old.json", "split.json"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.starts_with("No new access"), "{out}");
    let (code, out) = iamlint(
        dir.path(),
        &["diff", "--format", "json", "old.json", "wider.json"],
    );
    assert_eq!(code, 1, "{out}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let change = &report["changes"][0];
    assert_eq!(change["reason"], "wider-action");
    assert_eq!(change["token"], "s3:DeleteObject");
    assert_eq!(
        (change["line"].as_u64(), change["column"].as_u64()),
        (Some(2), Some(83))
    );
    assert_eq!(change["example"]["action"], "s3:DeleteObject");
    let (code, out) = iamlint(
        dir.path(),
        &["diff", "--format", "github", "old.json", "wider.json"],
    );
    assert_eq!(code, 1);
    assert!(
        out.starts_with("::warning file=wider.json,line=2,col=83,"),
        "{out}"
    );
    let (code, _) = iamlint(dir.path(), &["diff", "old.json", "missing.json"]);
    assert_eq!(code, 2);
}

#[test]
fn git_compares_the_working_tree_with_a_revision() {
    let dir = tempfile::tempdir().unwrap();
    let git = |args: &[&str]| {
        let ok = Command::new("git")
            .current_dir(dir.path())
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(args)
            .output()
            .unwrap()
            .status
            .success();
        assert!(ok, "git {args:?}");
    };
    git(&["init", "-q"]);
    std::fs::create_dir(dir.path().join("policies")).unwrap();
    std::fs::write(dir.path().join("policies/app.json"), OLD).unwrap();
    std::fs::write(dir.path().join("policies/gone.json"), OLD).unwrap();
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "one"]);
    std::fs::write(dir.path().join("policies/app.json"), SPLIT).unwrap();
    std::fs::remove_file(dir.path().join("policies/gone.json")).unwrap();
    let (code, out) = iamlint(dir.path(), &["diff", "--git", "HEAD", "policies"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("1 changed, 0 added, 1 removed"), "{out}");
    std::fs::write(dir.path().join("policies/new.json"), SPLIT).unwrap();
    let (code, out) = iamlint(
        dir.path(),
        &["diff", "--git", "HEAD", "--format", "markdown"],
    );
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("policies/new.json"), "{out}");
    let (code, _) = iamlint(dir.path(), &["diff", "--git", "no-such-rev"]);
    assert_eq!(code, 2);
}
