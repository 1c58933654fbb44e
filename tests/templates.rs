//! Policies inside infrastructure templates: each fixture of `tests/fixtures/templates/` is
//! checked as the CLI checks a named file, and its documents (pointer, kind, resource) and
//! findings (place and message) are snapshotted; the walk, the outputs and the baseline are
//! exercised on the same files.

mod support;

use iamlint::check::{check_bytes, FileReport, Options};
use iamlint::source::{format_of, Origin};
use std::path::{Path, PathBuf};
use support::cli::*;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn check_named(relative: &str, bytes: Vec<u8>) -> FileReport {
    let path = root().join(relative);
    check_bytes(
        relative,
        &path,
        bytes,
        format_of(&path),
        Origin::Explicit,
        &Options::default(),
    )
}

fn render(report: &FileReport) -> String {
    let mut lines = Vec::new();
    for d in &report.documents {
        lines.push(format!(
            "document {} line {} {} ({}) {} {}",
            d.document,
            d.line,
            d.kind,
            d.kind_reason,
            d.address.as_deref().unwrap_or("-"),
            d.resource_type.as_deref().unwrap_or("-"),
        ));
    }
    for f in &report.findings {
        lines.push(format!(
            "{}:{}-{}:{} {}[{}] {} `{}` at {}",
            f.line,
            f.column,
            f.end_line,
            f.end_column,
            f.severity,
            f.rule,
            f.message,
            f.snippet,
            f.pointer
        ));
    }
    lines.join("\n")
}

#[test]
fn every_template_fixture_is_snapshotted() {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    let _guard = settings.bind_to_scope();
    let fixtures = [
        "cfn-short-forms.yaml",
        "cfn-long-forms.template",
        "sam-function.yaml",
        "cdk.out/AppStack.template.json",
        "serverless.yml",
        "crlf-unicode.yaml",
        "x001-in-one-template.yaml",
        "ecr-repository-policy.yaml",
        "flow-key-policy-under-indented.yaml",
        "x001-getatt.yaml",
        "duplicate-keys.yaml",
        "transform-and-nested.yaml",
        "vpc-endpoint-policy.yaml",
        "sam-api.yaml",
        "serverless-api.yml",
        "nested/parent.yaml",
    ];
    for name in fixtures {
        let relative = format!("tests/fixtures/templates/{name}");
        let report = check_named(&relative, std::fs::read(root().join(&relative)).unwrap());
        assert!(!report.documents.is_empty(), "{name}: documents found");
        let stem = name.replace(['/', '.'], "_");
        insta::assert_snapshot!(format!("template__{stem}"), render(&report));
    }
}

/// The tokens a reviewer would point at, at their exact place in the host file.
#[test]
fn findings_sit_on_their_tokens() {
    let relative = "tests/fixtures/templates/cfn-short-forms.yaml";
    let report = check_named(relative, std::fs::read(root().join(relative)).unwrap());
    let at = |rule: &str| {
        report
            .findings
            .iter()
            .filter(|f| f.rule == rule)
            .map(|f| f.snippet.as_str())
            .collect::<Vec<_>>()
    };
    assert!(at("C002").contains(&"GetObjectt"), "plain scalar");
    assert!(
        at("C002").contains(&"PutLogEvent"),
        "inside a `!Sub |` JSON block"
    );
    assert_eq!(at("A006"), ["*"], "a quoted scalar, inside its quotes");
    assert_eq!(at("C007"), ["*"]);
    // `PolicyDocument: !ImportValue SharedPolicy` cannot be read: no document, no error.
    let kinds: Vec<String> = report
        .documents
        .iter()
        .map(|d| d.kind.to_string())
        .collect();
    assert_eq!(kinds, ["resource", "trust", "identity", "resource"]);
    let pointers: Vec<&str> = report.findings.iter().map(|f| f.pointer.as_str()).collect();
    assert!(pointers
        .contains(&"/Resources/Worker/Properties/Policies/0/PolicyDocument/Statement/0/Action"));
}

#[test]
fn serverless_pointers_continue_the_statements_list() {
    let relative = "tests/fixtures/templates/serverless.yml";
    let report = check_named(relative, std::fs::read(root().join(relative)).unwrap());
    let a002 = report.findings.iter().find(|f| f.rule == "A002").unwrap();
    assert_eq!(a002.pointer, "/provider/iam/role/statements/1/Action");
    assert_eq!(a002.snippet, "sqs:*");
}

/// Fingerprints come from the logical id and the pointer: lines added above a finding leave
/// it matched, a renamed resource does not.
#[test]
fn baseline_fingerprints_ignore_lines_not_resources() {
    let relative = "tests/fixtures/templates/sam-function.yaml";
    let text = std::fs::read_to_string(root().join(relative)).unwrap();
    let prints = |text: String| -> Vec<String> {
        check_named(relative, text.into_bytes())
            .findings
            .iter()
            .map(|f| f.fingerprint())
            .collect()
    };
    let before = prints(text.clone());
    assert!(!before.is_empty());
    let moved = text.replacen("Resources:\n", "Resources:\n  # a comment\n\n", 1);
    assert_eq!(prints(moved), before);
    let renamed = text.replace("ThumbnailFunction", "ThumbFunction");
    assert!(prints(renamed).iter().all(|p| !before.contains(p)));
}

#[test]
fn a_walk_reads_templates_and_skips_assets_and_non_policies() {
    let out = iamlint(
        repo(),
        &[
            "check",
            "tests/fixtures/templates",
            "--format",
            "json",
            "--fail-on",
            "never",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let paths: std::collections::BTreeSet<&str> = json["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["path"].as_str().unwrap())
        .collect();
    assert!(paths.contains("tests/fixtures/templates/cdk.out/AppStack.template.json"));
    assert!(paths.contains("tests/fixtures/templates/serverless.yml"));
    assert!(
        paths.iter().all(|p| !p.contains("asset.")),
        "cdk.out/asset.* is skipped: {paths:?}"
    );
    let rules: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(
        !rules.contains(&"J005") && !rules.contains(&"J009"),
        "{rules:?}"
    );
    let first = &json["documents"][0];
    assert!(first["address"].is_string() && first["resource_type"].is_string());
}

#[test]
fn machine_formats_carry_template_findings() {
    let file = "tests/fixtures/templates/sam-function.yaml";
    for format in ["sarif", "github", "junit"] {
        let out = iamlint(repo(), &["check", file, "--format", format]);
        assert_eq!(out.status.code(), Some(1), "{format}");
        let text = stdout(&out);
        assert!(text.contains("sam-function.yaml"), "{format}: {text}");
        assert!(text.contains("A002"), "{format}: {text}");
    }
}

#[test]
fn a_named_yaml_file_without_policies_gets_a_note_not_invalid_json() {
    let out = iamlint(
        repo(),
        &[
            "check",
            "tests/fixtures/rules/J009/fail_workflow.yml",
            "--show",
            "info",
        ],
    );
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("J009") && !text.contains("J001"), "{text}");
}

#[test]
fn a_yaml_policy_on_stdin_is_read_as_yaml() {
    let out = iamlint_with_input(
        repo(),
        &["check", "-", "--format", "concise"],
        b"Resources:\n  P:\n    Type: AWS::IAM::Policy\n    Properties:\n      PolicyDocument:\n        Version: 2012-10-17\n        Statement:\n          - Effect: Allow\n            Action: '*'\n            Resource: '*'\n",
    );
    assert!(stdout(&out).contains("A001"), "{}", stdout(&out));
}

/// X001 inside one template: a grant on `!GetAtt Key.Arn` relates to that key's policy, and
/// is reported only when the policy delegates to no account root.
#[test]
fn x001_relates_a_getatt_grant_to_its_key_in_the_template() {
    let relative = "tests/fixtures/templates/x001-getatt.yaml";
    let report = check_named(relative, std::fs::read(root().join(relative)).unwrap());
    let x001: Vec<&str> = report
        .findings
        .iter()
        .filter(|f| f.rule == "X001")
        .map(|f| f.snippet.as_str())
        .collect();
    assert_eq!(
        x001,
        [
            "ClosedKey.Arn",
            "arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:key/${ClosedKey}"
        ]
    );
    let finding = report.findings.iter().find(|f| f.rule == "X001").unwrap();
    assert_eq!(
        finding.pointer,
        "/Resources/AppPolicy/Properties/PolicyDocument/Statement/0/Resource"
    );
    assert_eq!(finding.labels[0].line, 21, "the closed key's Statement");
}

/// Keys defined twice outside the policies are J002 at the second key, each once; the
/// policies of a second `Resources` section are still checked.
#[test]
fn duplicate_template_keys_are_reported_and_nothing_is_lost() {
    let relative = "tests/fixtures/templates/duplicate-keys.yaml";
    let report = check_named(relative, std::fs::read(root().join(relative)).unwrap());
    let j002: Vec<(usize, &str)> = report
        .findings
        .iter()
        .filter(|f| f.rule == "J002")
        .map(|f| (f.line, f.snippet.as_str()))
        .collect();
    assert_eq!(
        j002,
        [
            (13, "Action"),
            (14, "AppRole"),
            (18, "RoleName"),
            (25, "Resources")
        ]
    );
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.rule == "A006" && f.line == 34),
        "the second section's queue policy is checked"
    );
}

/// A macro, an included resource or policy and a nested stack's remote template are each
/// said once at information level; a local nested template is a file of its own.
#[test]
fn what_a_template_makes_at_deployment_is_noted_not_guessed() {
    let relative = "tests/fixtures/templates/transform-and-nested.yaml";
    let report = check_named(relative, std::fs::read(root().join(relative)).unwrap());
    let notes: Vec<(usize, &str)> = report.findings.iter().map(|f| (f.line, f.rule)).collect();
    assert_eq!(
        notes,
        [
            (3, "J011"),
            (5, "J011"),
            (12, "J011"),
            (21, "J011"),
            (29, "J011")
        ]
    );
    assert_eq!(
        report.documents.len(),
        1,
        "only the written policy is a document"
    );
}

/// A VPC endpoint's policy only limits what passes through the endpoint: its default
/// full-access statement is no public grant. A bucket policy's `"Principal": "*"` is.
#[test]
fn an_endpoint_policy_s_full_access_is_not_a_public_grant() {
    let relative = "tests/fixtures/templates/vpc-endpoint-policy.yaml";
    let report = check_named(relative, std::fs::read(root().join(relative)).unwrap());
    let found: Vec<(usize, &str)> = report
        .findings
        .iter()
        .filter(|f| f.rule.starts_with('A'))
        .map(|f| (f.line, f.rule))
        .collect();
    assert_eq!(found, [(25, "A006")]);
}

/// A nested stack's or SAM application's local template is checked with its parent, once
/// (whether the walk also finds it or not), and the templates it nests too; a local path
/// that names no file is J012 at its token; a repository application is J011.
#[test]
fn local_nested_templates_are_checked_once_with_their_parent() {
    let parent = "tests/fixtures/templates/nested/parent.yaml";
    let checked = |args: &[&str]| -> (Vec<String>, Vec<(String, usize, String)>) {
        let mut all = vec!["check", "--format", "json", "--fail-on", "never"];
        all.extend_from_slice(args);
        let out = iamlint(repo(), &all);
        let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
        let mut files: Vec<String> = report["documents"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["path"].as_str().unwrap().to_string())
            .collect();
        files.sort();
        files.dedup();
        let findings = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["path"].as_str().unwrap().to_string(),
                    f["line"].as_u64().unwrap() as usize,
                    f["rule"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        (files, findings)
    };
    let (files, findings) = checked(&[parent]);
    assert_eq!(
        files,
        [
            parent,
            "tests/fixtures/templates/nested/stacks/keys.yaml",
            "tests/fixtures/templates/nested/stacks/network.yaml",
            "tests/fixtures/templates/sam-function.yaml",
        ]
    );
    let at = |path: &str, line: usize, rule: &str| (path.to_string(), line, rule.to_string());
    assert!(findings.contains(&at(parent, 16, "J012")), "{findings:?}");
    assert!(findings.contains(&at(parent, 21, "J011")), "{findings:?}");
    let network = "tests/fixtures/templates/nested/stacks/network.yaml";
    assert!(findings.contains(&at(network, 22, "C002")), "{findings:?}");
    // Named and walked as well: still each file once.
    let (again, _) = checked(&[
        parent,
        "tests/fixtures/templates/nested/stacks/",
        "tests/fixtures/templates/sam-function.yaml",
    ]);
    assert_eq!(again.len(), 4, "{again:?}");
}
