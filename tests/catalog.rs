//! Catalog tests that need files: provenance, the converter, `from_file`.

use std::fs;
use std::path::{Path, PathBuf};

use iamlint::catalog::{convert, AccessLevel, Catalog};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Reads `- Label: value` from PROVENANCE.md.
fn provenance_field(text: &str, label: &str) -> Option<String> {
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("- {label}: ")))
        .map(|v| v.trim().to_string())
}

#[test]
fn provenance_matches_embedded_catalog() {
    let text =
        fs::read_to_string(root().join("rules/catalog/PROVENANCE.md")).expect("PROVENANCE.md");
    let catalog = Catalog::embedded();
    catalog.validate().expect("embedded catalog is valid");
    let actions: usize = catalog.services().map(|s| s.actions.len()).sum();
    assert_eq!(
        provenance_field(&text, "Services"),
        Some(catalog.service_count().to_string())
    );
    assert_eq!(
        provenance_field(&text, "Actions"),
        Some(actions.to_string())
    );
    assert_eq!(
        provenance_field(&text, "Version"),
        Some(catalog.source_version().to_string())
    );
    assert!(root().join("rules/catalog/LICENSE-iam-data").is_file());
}

fn fixture() -> PathBuf {
    root().join("tests/fixtures/catalog-package")
}

#[test]
fn converter_reproduces_expected_output() {
    let got = convert(&fixture()).expect("fixture converts");
    let want = fs::read_to_string(root().join("tests/fixtures/catalog-package.expected.jsonl"))
        .expect("expected file");
    assert_eq!(got, want);
}

#[test]
fn converted_fixture_loads_and_normalises() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("catalog.jsonl");
    fs::write(&path, convert(&fixture()).expect("fixture converts")).expect("write");
    let catalog = Catalog::from_file(&path).expect("converted fixture loads");

    // services.json lists s3, kms, cloudwatch: the output is sorted.
    assert_eq!(
        catalog.prefixes().collect::<Vec<_>>(),
        ["cloudwatch", "kms", "s3"]
    );
    let cw = catalog.service("cloudwatch").expect("cloudwatch");
    // The package says "Tagging, Write"; AWS's word is "Tagging".
    assert_eq!(
        cw.action("TagResource").map(|a| a.access_level),
        Some(AccessLevel::Tagging)
    );
    let s3 = catalog.service("s3").expect("s3");
    assert_eq!(
        s3.action("putbucketpolicy")
            .map(|a| a.access_level.as_str()),
        Some("Permissions management")
    );
    // Descriptions are dropped.
    let text = fs::read_to_string(&path).expect("read back");
    assert!(!text.contains("Grants permission"));
    assert!(!text.contains("description"));
}

#[test]
fn converter_errors_on_missing_or_odd_package() {
    assert!(convert(Path::new("/nonexistent/package")).is_err());

    // A copy of the fixture with an unknown access level.
    let dir = tempfile::tempdir().expect("tempdir");
    copy_dir(&fixture(), dir.path());
    let actions = dir.path().join("data/actions/kms.json");
    let text = fs::read_to_string(&actions)
        .expect("read")
        .replacen("\"Write\"", "\"Sideways\"", 1);
    fs::write(&actions, text).expect("write");
    let err = convert(dir.path()).err().unwrap_or_default();
    assert!(err.contains("Sideways"), "{err}");
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in fs::read_dir(from).expect("read_dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            fs::create_dir_all(&target).expect("mkdir");
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

#[test]
fn from_file_on_bad_files_is_an_error() {
    assert!(Catalog::from_file(Path::new("/nonexistent/catalog.jsonl")).is_err());

    let dir = tempfile::tempdir().expect("tempdir");
    let cases = [
        ("empty", ""),
        ("garbage", "\u{0}\u{1}not a catalog"),
        ("header only, wrong count", r#"{"source":"t","version":"1","services":3,"actions":0}"#),
        (
            "broken service line",
            "{\"source\":\"t\",\"version\":\"1\",\"services\":1,\"actions\":0}\n{\"prefix\":\"kms\",\"actions\":[\n",
        ),
    ];
    for (name, text) in cases {
        let path = dir.path().join(format!("{}.jsonl", name.replace(' ', "_")));
        fs::write(&path, text).expect("write");
        let err = Catalog::from_file(&path).err();
        assert!(err.is_some(), "{name}: accepted");
        assert!(
            err.unwrap_or_default()
                .contains(&path.display().to_string()),
            "{name}: error names the file"
        );
    }
}

/// Checks that the vendored file is exactly what the converter makes from
/// the package: `IAMLINT_IAM_DATA_DIR=/path/to/unpacked/package cargo test
/// -- --ignored vendored_catalog_is_reproducible`.
#[test]
#[ignore]
fn vendored_catalog_is_reproducible() {
    let dir = std::env::var("IAMLINT_IAM_DATA_DIR").expect("set IAMLINT_IAM_DATA_DIR");
    let got = convert(Path::new(&dir)).expect("package converts");
    let want = fs::read_to_string(root().join("rules/catalog/catalog.jsonl")).expect("vendored");
    assert!(
        got == want,
        "rules/catalog/catalog.jsonl differs from a fresh conversion"
    );
}
