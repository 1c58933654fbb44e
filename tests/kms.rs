//! KMS key policies, trust policies and principals end to end: the seed guide, the
//! `trusted-accounts` setting, and documents related across files of one run.

use iamlint::check::{check_bytes, Options};
use iamlint::config::Config;
use iamlint::diagnostic::{Finding, Severity};
use iamlint::source::{format_of, Origin};
use iamlint::{run, Selection};
use std::path::{Path, PathBuf};

fn seed() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/seed/kms-csfle-setup.md");
    std::fs::read_to_string(path)
        .unwrap()
        .replace("ACCOUNT-ID", "111122223333")
        .replace("KEY-ID", "1234abcd-12ab-34cd-56ef-1234567890ab")
}

fn check(name: &str, text: &str, opts: &Options) -> Vec<Finding> {
    check_bytes(
        name,
        Path::new(name),
        text.as_bytes().to_vec(),
        format_of(Path::new(name)),
        Origin::Explicit,
        opts,
    )
    .findings
}

fn loud(findings: &[Finding]) -> Vec<&Finding> {
    findings
        .iter()
        .filter(|f| f.severity >= Severity::Warning)
        .collect()
}

#[test]
fn seed_with_kms_star_for_the_api_role_warns_once_on_that_action() {
    let text = seed();
    // The API role's action list, in the second statement of the key policy.
    let original = "\"Action\": [\n        \"kms:Encrypt\",\n        \"kms:Decrypt\",\n        \"kms:ReEncrypt*\",\n        \"kms:GenerateDataKey*\",\n        \"kms:DescribeKey\"\n      ],\n      \"Resource\": \"*\"";
    let at = text.find(original).expect("the key users statement");
    let changed = text.replacen(
        original,
        "\"Action\": \"kms:*\",\n      \"Resource\": \"*\"",
        1,
    );
    let findings = check("seed.md", &changed, &Options::default());
    let loud = loud(&findings);
    assert_eq!(loud.len(), 1, "{loud:#?}");
    let f = loud[0];
    assert_eq!(f.rule, "K002");
    assert_eq!(f.snippet, "kms:*");
    assert_eq!(f.pointer, "/Statement/1/Action");
    let line = changed[..at].matches('\n').count() + 1;
    assert_eq!(f.line, line, "on the API role's Action line");
    let page = iamlint::rules::meta("K002").unwrap();
    assert_eq!(f.help, page.fix, "the help is the page's `fix` line");
    assert!(
        page.body.contains("`kms:RotateKeyOnDemand`") && f.help.contains("kms:RotateKeyOnDemand"),
        "the help names every administrative action the page lists"
    );
    assert!(
        f.message.contains("role/paypollen-api-role"),
        "{}",
        f.message
    );
}

#[test]
fn trusted_accounts_are_validated() {
    let config =
        Config::parse("trusted-accounts = [\"111122223333\", \"444455556666\"]\n").unwrap();
    assert_eq!(config.trusted_accounts, ["111122223333", "444455556666"]);
    let err = Config::parse("trusted-accounts = [\"1111-2222-3333\"]\n").unwrap_err();
    assert!(err.contains("line 1") && err.contains("12-digit"), "{err}");
}

const PARTNER_KEY: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"},
    {"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::444455556666:role/partner", "arn:aws:iam::777788889999:role/stranger"]},
     "Action": "kms:Decrypt", "Resource": "*", "Condition": {"StringEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com"}}}
  ]
}
"#;

fn k006(findings: &[Finding]) -> Vec<(Severity, String)> {
    findings
        .iter()
        .filter(|f| f.rule == "K006")
        .map(|f| (f.severity, f.snippet.to_string()))
        .collect()
}

#[test]
fn cross_account_principals_are_information_naming_the_account() {
    let findings = check("key.json", PARTNER_KEY, &Options::default());
    assert_eq!(
        k006(&findings),
        [
            (
                Severity::Info,
                "arn:aws:iam::444455556666:role/partner".to_string()
            ),
            (
                Severity::Info,
                "arn:aws:iam::777788889999:role/stranger".to_string()
            ),
        ]
    );
    let partner = findings.iter().find(|f| f.rule == "K006").unwrap();
    assert!(
        partner.message.contains("444455556666"),
        "{}",
        partner.message
    );
    assert!(
        partner.message.contains("delegates to"),
        "says how the home account was found: {}",
        partner.message
    );
}

#[test]
fn trusted_accounts_silence_listed_accounts_and_warn_on_others() {
    let opts = Options {
        config: Config::parse("trusted-accounts = [\"444455556666\"]\n").unwrap(),
        ..Options::default()
    };
    let findings = check("key.json", PARTNER_KEY, &opts);
    assert_eq!(
        k006(&findings),
        [(
            Severity::Warning,
            "arn:aws:iam::777788889999:role/stranger".to_string()
        )]
    );
}

const LOCKED_KEY: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/key-admin"},
     "Action": ["kms:Put*", "kms:Describe*", "kms:ScheduleKeyDeletion"], "Resource": "*"}
  ]
}
"#;

const ROLE_POLICY: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": "kms:Decrypt",
     "Resource": "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}
  ]
}
"#;

fn run_dir(files: &[(&str, &str)]) -> (tempfile::TempDir, Vec<Finding>) {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let paths = vec![PathBuf::from(dir.path())];
    let selection = Selection {
        paths: &paths,
        include: &[],
        exclude: &[],
    };
    let report = run(&selection, &Options::default()).unwrap();
    let findings = report.findings().into_iter().cloned().collect();
    (dir, findings)
}

#[test]
fn a_grant_on_a_key_whose_policy_in_the_same_directory_ignores_iam_is_reported() {
    let (_dir, findings) = run_dir(&[("key-policy.json", LOCKED_KEY), ("role.json", ROLE_POLICY)]);
    let x001: Vec<&Finding> = findings.iter().filter(|f| f.rule == "X001").collect();
    assert_eq!(x001.len(), 1, "{findings:#?}");
    let f = x001[0];
    assert!(
        f.path.ends_with("role.json"),
        "on the identity policy: {}",
        f.path
    );
    assert_eq!(f.severity, Severity::Warning);
    assert_eq!(f.line, 5);
    assert!(f.snippet.starts_with("arn:aws:kms:"), "{}", f.snippet);
    assert!(
        f.message.contains("key-policy.json:3:4"),
        "names the other place: {}",
        f.message
    );
}

#[test]
fn a_grant_on_a_key_whose_policy_delegates_to_iam_is_not_reported() {
    let key = LOCKED_KEY.replace(
        "\"Statement\": [\n",
        "\"Statement\": [\n    {\"Effect\": \"Allow\", \"Principal\": {\"AWS\": \"arn:aws:iam::111122223333:root\"}, \"Action\": \"kms:*\", \"Resource\": \"*\"},\n",
    );
    let (_dir, findings) = run_dir(&[("key-policy.json", &key), ("role.json", ROLE_POLICY)]);
    assert!(!findings.iter().any(|f| f.rule == "X001"), "{findings:#?}");
}

#[test]
fn two_candidate_key_policies_are_ambiguous_and_not_related() {
    let (_dir, findings) = run_dir(&[
        ("a.json", LOCKED_KEY),
        ("b.json", LOCKED_KEY),
        ("role.json", ROLE_POLICY),
    ]);
    assert!(!findings.iter().any(|f| f.rule == "X001"), "{findings:#?}");
}

#[test]
fn each_document_is_reported_with_its_detected_kind() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("seed.md");
    std::fs::write(&path, seed()).unwrap();
    let paths = vec![path];
    let selection = Selection {
        paths: &paths,
        include: &[],
        exclude: &[],
    };
    let report = run(&selection, &Options::default()).unwrap();
    let kinds: Vec<String> = report.documents().map(|d| d.kind.to_string()).collect();
    assert_eq!(kinds, ["kms-key", "identity"]);
}
