//! The command line as users and CI run it: formats, exit codes, stdin, walking, config.

mod support;

use support::cli::*;

const SEED: &str = "tests/fixtures/seed/kms-csfle-setup.md";

#[test]
fn seed_in_every_format() {
    for format in ["human", "concise", "json"] {
        let out = iamlint(repo(), &["check", SEED, "--format", format]);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{format}: placeholders are warnings, so the run fails"
        );
        snapshot(&format!("cli__seed_{format}"), stdout(&out));
    }
}

#[test]
fn json_output_has_the_documented_shape() {
    let out = iamlint(repo(), &["check", SEED, "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let first = &json["findings"][0];
    for key in [
        "rule",
        "name",
        "severity",
        "message",
        "path",
        "line",
        "column",
        "end_line",
        "end_column",
        "help",
    ] {
        assert!(!first[key].is_null(), "finding lacks `{key}`: {first}");
    }
    assert_eq!(first["path"], SEED);
    for key in [
        "files",
        "documents",
        "findings",
        "errors",
        "warnings",
        "infos",
    ] {
        assert!(json["summary"][key].is_u64(), "summary lacks `{key}`");
    }
    assert_eq!(json["documents"][0]["kind"], "kms-key");
    assert!(json["documents"][0]["kind_reason"]
        .as_str()
        .unwrap()
        .starts_with("detected"));
}

#[test]
fn fail_on_sets_the_threshold() {
    let cases = [("error", 0), ("warning", 1), ("info", 1), ("never", 0)];
    for (level, code) in cases {
        let out = iamlint(
            repo(),
            &["check", SEED, "--fail-on", level, "--format", "concise"],
        );
        assert_eq!(out.status.code(), Some(code), "--fail-on {level}");
    }
    let out = iamlint(repo(), &["check", SEED, "--fail-on", "sometimes"]);
    assert_eq!(out.status.code(), Some(2), "a bad value is a usage error");
}

#[test]
fn a_clean_policy_exits_zero() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("ok.json"),
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::reports/*"}]}"#,
    )
    .unwrap();
    let out = iamlint(dir.path(), &["check", "ok.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains("No problems found"));
}

#[test]
fn stdin_is_read_with_a_dash() {
    let out = iamlint_with_input(
        repo(),
        &["check", "-", "--format", "concise"],
        br#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("-:1:66: warning[A001]"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn directory_walk_honours_gitignore_and_globs() {
    let dir = tempfile::tempdir().unwrap();
    let bad =
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
    for name in [
        "policies/a.json",
        "ignored/b.json",
        "policies/c.txt",
        "policies/skip.json",
        "docs/guide.md",
    ] {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let text = if name.ends_with(".md") {
            format!("# Guide\n\n```json\n{bad}\n```\n")
        } else {
            bad.to_string()
        };
        std::fs::write(path, text).unwrap();
    }
    std::fs::write(
        dir.path().join("package.json"),
        r#"{"name": "not-a-policy"}"#,
    )
    .unwrap();
    std::fs::write(dir.path().join(".gitignore"), "ignored/\n").unwrap();
    let out = iamlint(
        dir.path(),
        &[
            "check",
            ".",
            "--format",
            "concise",
            "--exclude",
            "skip.json",
        ],
    );
    let text = stdout(&out);
    assert!(text.contains("policies/a.json"), "{text}");
    assert!(text.contains("docs/guide.md:4:"), "{text}");
    assert!(
        !text.contains("ignored/b.json"),
        ".gitignore is honoured outside a git repository: {text}"
    );
    assert!(
        !text.contains("c.txt") && !text.contains("skip.json"),
        "{text}"
    );
    assert!(
        !text.contains("package.json"),
        "a walked non-policy is skipped quietly: {text}"
    );
    // A file named explicitly is checked even when ignored.
    let out = iamlint(
        dir.path(),
        &[
            "check",
            "ignored/b.json",
            "package.json",
            "--format",
            "concise",
            "--show",
            "info",
        ],
    );
    let text = stdout(&out);
    assert!(text.contains("ignored/b.json:1:"), "{text}");
    assert!(text.contains("package.json:1:1: info[J005]"), "{text}");
}

#[test]
fn config_with_an_unknown_key_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("iamlint.toml"),
        "select = [\"P\"]\nfial-on = \"error\"\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("p.json"), r#"{"Statement":[]}"#).unwrap();
    let out = iamlint(dir.path(), &["check", "p.json"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(err.contains("fial-on") && err.contains("line 2"), "{err}");
}

#[test]
fn config_selects_overrides_and_maps_kinds() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("iamlint.toml"),
        "ignore = [\"P006\"]\n[severity]\nplaceholder = \"error\"\n[kinds]\n\"keys/*.json\" = \"kms-key\"\n[per-path-ignores]\n\"legacy/**\" = [\"A\"]\n",
    )
    .unwrap();
    std::fs::create_dir_all(dir.path().join("keys")).unwrap();
    std::fs::create_dir_all(dir.path().join("legacy")).unwrap();
    let policy = r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::ACCOUNT-ID:role/app"},"Action":"*","Resource":"*"}]}"#;
    std::fs::write(dir.path().join("keys/k.json"), policy).unwrap();
    std::fs::write(dir.path().join("legacy/k.json"), policy).unwrap();
    let out = iamlint(dir.path(), &["check", ".", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings = json["findings"].as_array().unwrap();
    assert!(
        findings.iter().all(|f| f["rule"] != "P006"),
        "ignored by the config"
    );
    let placeholder = findings.iter().find(|f| f["rule"] == "P016").unwrap();
    assert_eq!(
        placeholder["severity"], "error",
        "severity override by name"
    );
    assert_eq!(json["documents"][0]["kind"], "kms-key");
    assert!(json["documents"][0]["kind_reason"]
        .as_str()
        .unwrap()
        .starts_with("config"));
    assert!(
        findings
            .iter()
            .all(|f| !(f["path"].as_str().unwrap().contains("legacy") && f["rule"] == "A001")),
        "per-path ignore"
    );
    assert!(findings
        .iter()
        .any(|f| f["path"].as_str().unwrap().contains("keys") && f["rule"] == "A001"));
}

#[test]
fn config_names_what_holds_a_policy() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("iamlint.toml"),
        "[kinds]\n\"buckets/*.json\" = \"s3-bucket\"\n",
    )
    .unwrap();
    std::fs::create_dir_all(dir.path().join("buckets")).unwrap();
    std::fs::create_dir_all(dir.path().join("other")).unwrap();
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/app"},"Action":["s3:GetObject","kms:Decrypt"],"Resource":"arn:aws:s3:::example-bucket/*"}]}"#;
    std::fs::write(dir.path().join("buckets/b.json"), policy).unwrap();
    std::fs::write(dir.path().join("other/b.json"), policy).unwrap();
    let out = iamlint(dir.path(), &["check", ".", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let c021: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "C021")
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(c021.len(), 1, "{c021:?}");
    assert!(
        c021[0].contains("buckets"),
        "the bucket policy named by the config"
    );
    assert_eq!(json["documents"][0]["kind"], "resource");
}

#[test]
fn bad_inputs_give_findings_with_places_and_the_run_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(
        p.join("bom.json"),
        b"\xEF\xBB\xBF{\"Version\":\"2012-10-17\",\"Statement\":[]}",
    )
    .unwrap();
    std::fs::write(p.join("empty.json"), b"").unwrap();
    std::fs::write(p.join("latin1.json"), b"{\"Sid\": \"caf\xE9\"}").unwrap();
    std::fs::write(
        p.join("truncated.json"),
        b"{\"Version\": \"2012-10-17\", \"Statement\": [",
    )
    .unwrap();
    std::fs::write(p.join("deep.json"), "[".repeat(10_000)).unwrap();
    std::fs::write(p.join("utf16.json"), b"\xFF\xFE{\x00}\x00").unwrap();
    let out = iamlint(
        p,
        &[
            "check",
            "bom.json",
            "empty.json",
            "latin1.json",
            "truncated.json",
            "deep.json",
            "utf16.json",
            "missing.json",
            "--format",
            "concise",
        ],
    );
    let text = stdout(&out);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(text.contains("bom.json:1:1: warning[J004]"), "{text}");
    assert!(text.contains("empty.json:1:1: error[J001] invalid JSON: expected a JSON value: reached the end of the input"), "{text}");
    assert!(
        text.contains("latin1.json:1:13: error[J003] invalid UTF-8"),
        "{text}"
    );
    assert!(text.contains("truncated.json:1:41: error[J001]"), "{text}");
    assert!(
        text.contains(
            "deep.json:1:129: error[J001] invalid JSON: nesting is deeper than 128 levels"
        ),
        "{text}"
    );
    assert!(
        text.contains("utf16.json:1:1: error[J003] file is UTF-16"),
        "{text}"
    );
    assert!(
        err.contains("missing.json"),
        "an unreadable path is reported on stderr: {err}"
    );
    assert_eq!(
        out.status.code(),
        Some(2),
        "an I/O error makes the exit code 2"
    );
}

#[test]
fn rules_and_rule_print_the_rulebook() {
    let out = iamlint(repo(), &["rules"]);
    assert!(
        stdout(&out).contains("P016  placeholder"),
        "{}",
        stdout(&out)
    );
    let out = iamlint(repo(), &["rule", "P016"]);
    assert!(stdout(&out).contains("## Why it matters"));
    let out = iamlint(repo(), &["rule", "placeholder"]);
    assert_eq!(out.status.code(), Some(0));
    let out = iamlint(repo(), &["rule", "Z999"]);
    assert_eq!(out.status.code(), Some(2));
}

/// One problem, one finding: an `iam:PassRole` on every role that completes an escalation
/// method is E001's finding (naming the method), not A007's as well; A007 reports it when
/// E001 is off, and where no method completes.
#[test]
fn a_passrole_escalation_is_one_finding() {
    let dir = tempfile::tempdir().unwrap();
    // PassRole first in the method (glue-001), then PassRole labelled (lambda-001).
    std::fs::write(
        dir.path().join("glue.json"),
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["glue:CreateDevEndpoint","iam:PassRole"],"Resource":"*"}]}"#,
    )
    .unwrap();
    std::fs::write(
        dir.path().join("lambda.json"),
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["lambda:CreateFunction","lambda:InvokeFunction","iam:PassRole"],"Resource":"*"}]}"#,
    )
    .unwrap();
    // No method: A007 stays.
    std::fs::write(
        dir.path().join("alone.json"),
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","iam:PassRole"],"Resource":"*"}]}"#,
    )
    .unwrap();
    let findings = |file: &str, select: &str| -> Vec<serde_json::Value> {
        let out = iamlint(
            dir.path(),
            &[
                "check",
                file,
                "--select",
                select,
                "--format",
                "json",
                "--fail-on",
                "never",
            ],
        );
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        json["findings"].as_array().unwrap().clone()
    };
    let place = |v: &serde_json::Value| (v["line"].as_u64(), v["column"].as_u64());
    for file in ["glue.json", "lambda.json"] {
        let alone = findings(file, "A007");
        assert_eq!(alone.len(), 1, "{file}: A007 without E001: {alone:?}");
        let both = findings(file, "A007,E001");
        assert!(both.iter().all(|f| f["rule"] == "E001"), "{file}: {both:?}");
        assert_eq!(both.len(), 1, "{file}: {both:?}");
        let e001 = &both[0];
        let places: Vec<_> = std::iter::once(place(e001))
            .chain(e001["labels"].as_array().into_iter().flatten().map(place))
            .collect();
        assert!(
            places.contains(&place(&alone[0])),
            "{file}: E001 covers A007's token: {e001}"
        );
    }
    let both = findings("alone.json", "A007,E001");
    assert_eq!(both.len(), 1, "{both:?}");
    assert_eq!(both[0]["rule"], "A007");
}
