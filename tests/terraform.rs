//! Terraform inputs end to end: HCL modules, `templatefile` JSON templates and plan JSON from
//! `tests/fixtures/terraform/`. Each file's documents (kind, why, address) and findings are
//! snapshotted; the tests below also say which findings must be where.

mod support;

use iamlint::check::{check_bytes, FileReport, Options};
use iamlint::source::{format_of, Origin};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn check(name: &str) -> FileReport {
    let path = root().join("tests/fixtures/terraform").join(name);
    let shown = format!("tests/fixtures/terraform/{name}");
    let bytes = std::fs::read(&path).unwrap();
    check_bytes(
        &shown,
        &path,
        bytes,
        format_of(&path),
        Origin::Explicit,
        &Options::default(),
    )
}

fn lines(report: &FileReport) -> Vec<String> {
    let documents = report.documents.iter().map(|d| {
        format!(
            "document {} line {}: {} ({}) {}",
            d.document,
            d.line,
            d.kind,
            d.kind_reason,
            d.address.as_deref().unwrap_or("-")
        )
    });
    let findings = report.findings.iter().map(|f| {
        format!(
            "{}:{}-{}:{} {}[{}] {} {} `{}`",
            f.line,
            f.column,
            f.end_line,
            f.end_column,
            f.severity,
            f.rule,
            f.message,
            f.pointer,
            f.snippet
        )
    });
    documents.chain(findings).collect()
}

/// `(rule, snippet)` of every finding: where each finding points, as text.
fn at(report: &FileReport) -> Vec<(&str, &str)> {
    report
        .findings
        .iter()
        .map(|f| (f.rule, f.snippet.as_str()))
        .collect()
}

#[test]
fn fixtures_are_snapshotted() {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    let _guard = settings.bind_to_scope();
    let mut names: Vec<String> = std::fs::read_dir(root().join("tests/fixtures/terraform"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(names.len() >= 8, "{names:?}");
    for name in names {
        let report = check(&name);
        insta::assert_snapshot!(format!("terraform__{name}"), lines(&report).join("\n"));
    }
}

#[test]
fn module_findings_are_on_their_hcl_tokens_with_the_consumer_s_kind() {
    let report = check("kms_module.tf");
    let kinds: Vec<(String, Option<&str>)> = report
        .documents
        .iter()
        .map(|d| (d.kind.to_string(), d.address.as_deref()))
        .collect();
    assert_eq!(
        kinds,
        vec![
            ("kms-key".to_string(), Some("aws_kms_key.app")),
            ("identity".to_string(), Some("aws_iam_role_policy.app")),
            (
                "trust".to_string(),
                Some("data.aws_iam_policy_document.assume")
            ),
        ]
    );
    let found = at(&report);
    assert!(found.contains(&("C002", "Encryptt")), "{found:?}");
    assert!(found.contains(&("A006", "*")), "{found:?}");
    assert!(found.contains(&("T001", "*")), "{found:?}");
    assert!(found.contains(&("A002", "s3:*")), "{found:?}");
    // The key policy's `Resource = "*"` means this key: no finding on it.
    let key_resource = report
        .findings
        .iter()
        .filter(|f| f.pointer.starts_with("/resource/aws_kms_key/app/policy"))
        .any(|f| f.pointer.ends_with("/Resource"));
    assert!(!key_resource);
    let c002 = report.findings.iter().find(|f| f.rule == "C002").unwrap();
    assert_eq!(
        c002.pointer,
        "/resource/aws_kms_key/app/policy/Statement/1/Action"
    );
    assert_eq!((c002.line, c002.column), (20, 42));
}

#[test]
fn policy_document_blocks_become_statements() {
    let report = check("policy_document.tf");
    let found = at(&report);
    assert!(found.contains(&("C002", "GetObjekt")), "{found:?}");
    // The merged-in document is read with the kind of the one that merges it.
    let kinds: Vec<String> = report
        .documents
        .iter()
        .map(|d| d.kind.to_string())
        .collect();
    assert_eq!(kinds, vec!["resource", "resource"]);
    let notes: Vec<&str> = report
        .findings
        .iter()
        .filter(|f| f.rule == "J011")
        .map(|f| f.snippet.as_str())
        .collect();
    assert_eq!(notes, vec!["source_policy_documents", "dynamic"]);
}

#[test]
fn plan_policies_are_checked_once_inside_their_strings() {
    let report = check("plan.json");
    let addresses: Vec<Option<&str>> = report
        .documents
        .iter()
        .map(|d| d.address.as_deref())
        .collect();
    assert_eq!(
        addresses,
        vec![
            Some("aws_kms_key.app"),
            Some("module.lambda.aws_iam_role.this"),
            Some("module.lambda.aws_iam_role_policy.read"),
        ]
    );
    let c002: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rule == "C002")
        .collect();
    assert_eq!(c002.len(), 1, "one finding, not one per copy of the policy");
    assert_eq!(c002[0].snippet, "ListBuckett");
    assert!(report
        .findings
        .iter()
        .any(|f| f.rule == "J011" && f.message.contains("aws_s3_bucket_policy.logs")));
}

#[test]
fn templates_are_checked_where_they_can_be_and_say_where_not() {
    let report = check("key.json.tpl");
    let found = at(&report);
    assert!(found.contains(&("K005", "kms:CreateGrant")), "{found:?}");
    assert!(!found
        .iter()
        .any(|(rule, _)| *rule == "J001" || *rule == "J011"));
    let report = check("list.json.tpl");
    assert_eq!(at(&report), vec![("J011", "%{ for b in buckets ~}")]);
}

#[test]
fn bad_hcl_is_reported_at_its_place() {
    assert_eq!(
        at(&check("duplicate.tf")),
        vec![("J002", "policy")],
        "a duplicate attribute"
    );
    let report = check("heredoc_syntax.tf");
    assert_eq!(report.findings.len(), 1);
    assert_eq!(report.findings[0].rule, "J001");
    // At the trailing comma, not at the brace after it.
    assert_eq!(
        (report.findings[0].line, report.findings[0].column),
        (11, 43)
    );
    let report = check("unterminated_heredoc.tf");
    assert_eq!(report.findings[0].rule, "J010");
    assert_eq!(report.findings[0].labels[0].line, 2);
    let report = check("no_policy.tf");
    assert_eq!(at(&report), vec![("J009", "")]);
}

#[test]
fn suppression_comments_in_hcl_need_a_reason() {
    let report = check("suppressed.tf");
    let found = at(&report);
    // On the resource's line (the comment's next line), on the finding's line, and a
    // comment without a reason, which suppresses nothing and is L002.
    assert!(!found.iter().any(|(rule, _)| *rule == "A002"), "{found:?}");
    assert!(!found.iter().any(|(rule, _)| *rule == "C002"), "{found:?}");
    assert!(found.contains(&("C007", "*")), "{found:?}");
    assert!(found
        .iter()
        .any(|(rule, snippet)| *rule == "L002" && snippet.starts_with("# iamlint")));
}

#[test]
fn every_fixture_keeps_the_invariants_in_every_format() {
    let dir = root().join("tests/fixtures/terraform");
    for entry in std::fs::read_dir(dir).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        support::invariants::check_all_ways(&bytes);
    }
}

/// X001 in one module file: grants on `aws_kms_key.x.arn` and on an ARN built around
/// `aws_kms_key.x.key_id` relate to that key's policy, also when a data source holds it; a
/// key whose policy names its account root, one whose principals come from a variable and
/// one read with `data "aws_kms_key"` are not judged.
#[test]
fn x001_relates_grants_to_the_module_s_keys() {
    let report = check("x001_keys.tf");
    let x001: Vec<&str> = at(&report)
        .into_iter()
        .filter(|(rule, _)| *rule == "X001")
        .map(|(_, snippet)| snippet)
        .collect();
    assert_eq!(
        x001,
        [
            "aws_kms_key.closed.arn",
            "arn:aws:kms:us-east-1:${data.aws_caller_identity.current.account_id}:key/${aws_kms_key.closed.key_id}",
        ]
    );
    let finding = report.findings.iter().find(|f| f.rule == "X001").unwrap();
    assert!(
        finding.message.contains("`aws_kms_key.closed` at line 24"),
        "{}",
        finding.message
    );
}

/// A module is the `.tf` files of one directory: a grant in `iam.tf` relates to the key
/// `kms.tf` declares, and to no key of another directory.
#[test]
fn x001_relates_grants_across_the_files_of_a_module() {
    use iamlint::{run, Selection};
    let key =
        std::fs::read_to_string(root().join("tests/fixtures/terraform/x001_keys.tf")).unwrap();
    let (keys, grants) = key.split_at(key.find("resource \"aws_iam_policy\"").unwrap());
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("module")).unwrap();
    std::fs::create_dir_all(dir.path().join("other")).unwrap();
    std::fs::write(dir.path().join("module/kms.tf"), keys).unwrap();
    std::fs::write(dir.path().join("module/iam.tf"), grants).unwrap();
    std::fs::write(dir.path().join("other/iam.tf"), grants).unwrap();
    let paths = vec![dir.path().to_path_buf()];
    let selection = Selection {
        paths: &paths,
        include: &[],
        exclude: &[],
    };
    let report = run(&selection, &Options::default()).unwrap();
    let x001: Vec<(String, String)> = report
        .findings()
        .into_iter()
        .filter(|f| f.rule == "X001")
        .map(|f| (f.path.replace('\\', "/"), f.snippet.to_string()))
        .collect();
    assert_eq!(x001.len(), 2, "{x001:#?}");
    for (path, _) in &x001 {
        assert!(path.ends_with("module/iam.tf"), "{path}");
    }
    assert_eq!(x001[0].1, "aws_kms_key.closed.arn");
    let message = &report
        .findings()
        .into_iter()
        .find(|f| f.rule == "X001")
        .unwrap()
        .message;
    assert!(
        message.contains("kms.tf:24:3"),
        "names the other file: {message}"
    );
}

/// Blocks and locals declared twice are J002 at the second declaration; `#`, `//` and
/// `/* */` comments in and around policies read as comments, and `//` suppressions work.
#[test]
fn duplicate_blocks_and_every_comment_style() {
    let report = check("duplicate_blocks.tf");
    let found: Vec<(usize, &str)> = report.findings.iter().map(|f| (f.line, f.rule)).collect();
    assert_eq!(found, [(8, "J002"), (26, "J002")], "{:#?}", report.findings);
    let statements = report.documents.len();
    assert_eq!(
        statements, 3,
        "both trust policies and the role policy are read"
    );
}

/// A suppression comment on the grant's line, or on its resource's first line, accepts an
/// X001 that another file of the module makes, as it would one made in its own file.
#[test]
fn x001_across_files_honours_the_grant_file_s_comments() {
    use iamlint::{run, Selection};
    let key =
        std::fs::read_to_string(root().join("tests/fixtures/terraform/x001_keys.tf")).unwrap();
    let (keys, grants) = key.split_at(key.find("resource \"aws_iam_policy\"").unwrap());
    let on_line = grants.replace(
        "        aws_kms_key.closed.arn,",
        "        aws_kms_key.closed.arn, # iamlint: ignore[X001] key users are added by a grant, SEC-11",
    );
    let on_resource = format!(
        "// iamlint: ignore[key-grant-without-delegation] the key is being migrated, SEC-12\n{grants}"
    );
    for (grants, left) in [(on_line.as_str(), 1), (on_resource.as_str(), 0)] {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("kms.tf"), keys).unwrap();
        std::fs::write(dir.path().join("iam.tf"), grants).unwrap();
        let paths = vec![dir.path().to_path_buf()];
        let selection = Selection {
            paths: &paths,
            include: &[],
            exclude: &[],
        };
        let report = run(&selection, &Options::default()).unwrap();
        let x001 = report
            .findings()
            .into_iter()
            .filter(|f| f.rule == "X001")
            .count();
        assert_eq!(x001, left, "{grants}");
    }
}

/// A key whose policy an `aws_kms_key_policy` sets: the grant relates to that policy through
/// its `key_id`; a key with no policy at all has AWS's default, which delegates to IAM.
#[test]
fn x001_follows_aws_kms_key_policy_to_its_key() {
    let report = check("x001_key_policy_resource.tf");
    let x001: Vec<&str> = at(&report)
        .into_iter()
        .filter(|(rule, _)| *rule == "X001")
        .map(|(_, snippet)| snippet)
        .collect();
    assert_eq!(x001, ["aws_kms_key.separate.arn"]);
}
