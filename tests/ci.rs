//! What a CI gate and a pre-commit hook rely on: the SARIF, GitHub and JUnit formats,
//! `--output`, baselines, suppressions, `--statistics`, `--quiet`, `--color` and the hook
//! definition.

mod support;

use iamlint::diagnostic::{Finding, Severity};
use std::path::Path;
use support::cli::*;

/// The fixture set every format is snapshotted on: JSON files, a Markdown runbook with
/// several documents (one of them broken), and a clean file.
const FIXTURES: &str = "tests/fixtures/ci";

const FORMATS: [&str; 6] = ["human", "concise", "json", "sarif", "github", "junit"];

#[test]
fn every_format_on_the_fixture_set() {
    for format in FORMATS {
        let out = iamlint(repo(), &["check", FIXTURES, "--format", format]);
        assert_eq!(out.status.code(), Some(1), "{format}: {}", stderr(&out));
        snapshot(&format!("ci__fixtures_{format}"), stdout(&out));
    }
}

#[test]
fn sarif_output_is_valid_sarif_2_1_0() {
    let schema_text = std::fs::read_to_string(repo().join("tests/data/sarif-schema-2.1.0.json"))
        .expect("the vendored schema");
    let schema: serde_json::Value = serde_json::from_str(&schema_text).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    let out = iamlint(repo(), &["check", FIXTURES, "--format", "sarif"]);
    let log: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let problems: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(problems.is_empty(), "{problems:#?}");
    // The validator itself must reject a broken log, or the check above proves nothing.
    let mut broken = log.clone();
    broken["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(!validator.is_valid(&broken), "the schema check can fail");

    let run = &log["runs"][0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let results = run["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for result in results {
        let id = result["ruleId"].as_str().unwrap();
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], id, "ruleIndex points at the rule");
        let uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
        assert!(uri.starts_with("tests/fixtures/ci/"), "relative uri: {uri}");
        assert!(result["partialFingerprints"]["iamlint/v2"].is_string());
    }
    for rule in rules {
        assert!(rule["help"]["markdown"]
            .as_str()
            .unwrap()
            .contains("## How to fix"));
        assert!(rule["properties"]["tags"].is_array());
    }
}

#[test]
fn sarif_fingerprints_survive_lines_inserted_above() {
    let dir = tempfile::tempdir().unwrap();
    let policy =
        std::fs::read_to_string(repo().join(FIXTURES).join("keys/key-policy.json")).unwrap();
    std::fs::write(dir.path().join("key.json"), &policy).unwrap();
    let fingerprints = |dir: &Path| -> Vec<(u64, String)> {
        let out = iamlint(dir, &["check", "key.json", "--format", "sarif"]);
        let log: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        log["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["locations"][0]["physicalLocation"]["region"]["startLine"]
                        .as_u64()
                        .unwrap(),
                    r["partialFingerprints"]["iamlint/v2"]
                        .as_str()
                        .unwrap()
                        .to_string(),
                )
            })
            .collect()
    };
    let before = fingerprints(dir.path());
    std::fs::write(dir.path().join("key.json"), format!("\n\n\n{policy}")).unwrap();
    let after = fingerprints(dir.path());
    assert!(!before.is_empty());
    assert_eq!(before.len(), after.len());
    for ((line_before, fp_before), (line_after, fp_after)) in before.iter().zip(&after) {
        assert_eq!(line_before + 3, *line_after, "the finding moved");
        assert_eq!(fp_before, fp_after, "its fingerprint did not");
    }
}

fn finding(path: &str, message: &str) -> Finding {
    Finding {
        code: iamlint::code::Code::P016,
        rule: "P016",
        name: "placeholder",
        severity: Severity::Info,
        message: message.to_string(),
        path: path.into(),
        line: 3,
        column: 5,
        end_line: 3,
        end_column: 9,
        help: "fill it in".into(),
        document: 0,
        kind: None,
        pointer: "/Statement/0/Resource".to_string(),
        sid: None,
        snippet: "X".into(),
        labels: Vec::new(),
        span: iamlint::json::Span::new(0, 1),
    }
}

fn report_of(findings: Vec<Finding>) -> iamlint::Report {
    let file = iamlint::check::FileReport {
        findings,
        ..Default::default()
    };
    iamlint::Report::of_files(vec![file])
}

#[test]
fn github_format_escapes_messages_and_properties() {
    let report = report_of(vec![finding(
        "odd,name:1.json",
        "100% of a:b, c\r\nsecond line",
    )]);
    let mut out = Vec::new();
    iamlint::report::github::write(&report, &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert_eq!(
        text,
        "::notice file=odd%2Cname%3A1.json,line=3,endLine=3,col=5,endColumn=9,\
         title=iamlint P016 (placeholder)::100%25 of a:b, c%0D%0Asecond line%0Ahelp: fill it in\n"
    );
}

#[test]
fn github_format_leaves_out_columns_of_multi_line_findings() {
    let mut f = finding("a.json", "spans lines");
    f.end_line = 5;
    f.severity = Severity::Error;
    let mut out = Vec::new();
    iamlint::report::github::write(&report_of(vec![f]), &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.starts_with("::error file=a.json,line=3,endLine=5,title="),
        "{text}"
    );
    assert!(!text.contains("col="), "{text}");
}

const POLICY: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "UseKey",
      "Effect": "Allow",
      "Action": "kms:Decrypt",
      "Resource": "arn:aws:kms:us-east-1:ACCOUNT-ID:key/KEY-ID"
    }
  ]
}
"#;

#[test]
fn a_baseline_absorbs_old_findings_wherever_they_move_and_new_ones_still_fail() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(p.join("policy.json"), POLICY).unwrap();
    let out = iamlint(p, &["check", "policy.json"]);
    assert_eq!(out.status.code(), Some(1), "two placeholders fail the run");

    let out = iamlint(
        p,
        &["check", "policy.json", "--write-baseline", "baseline.json"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("recorded 2 findings"),
        "{}",
        stderr(&out)
    );

    // Lines inserted above, and a statement inserted before the baselined one: its index
    // changes, its Sid does not.
    let moved = POLICY.replacen(
        "  \"Statement\": [\n",
        "  \"Id\": \"moved\",\n\n\n  \"Statement\": [\n    {\"Effect\": \"Deny\", \"Action\": \"kms:ScheduleKeyDeletion\", \"Resource\": \"*\"},\n",
        1,
    );
    std::fs::write(p.join("policy.json"), &moved).unwrap();
    let out = iamlint(p, &["check", "policy.json", "--baseline", "baseline.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("Not shown: 2 in the baseline"),
        "{}",
        stdout(&out)
    );

    // A new placeholder is not in the baseline: it is reported and fails the run.
    let new = moved.replace(
        "kms:Decrypt\"",
        "kms:Decrypt\", \"Condition\": {\"StringEquals\": {\"kms:ViaService\": \"<SERVICE>\"}}",
    );
    std::fs::write(p.join("policy.json"), &new).unwrap();
    let out = iamlint(
        p,
        &[
            "check",
            "policy.json",
            "--baseline",
            "baseline.json",
            "--format",
            "concise",
            "--quiet",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert_eq!(text.lines().count(), 1, "only the new finding: {text}");
    assert!(text.contains("`<SERVICE>`"), "{text}");
}

#[test]
fn baseline_entries_are_counted_and_stale_ones_reported() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let fence = format!("```json\n{POLICY}```\n\n");
    // Two identical documents: two identical findings per placeholder.
    std::fs::write(p.join("guide.md"), fence.repeat(2)).unwrap();
    let out = iamlint(p, &["check", "guide.md", "--write-baseline", "b.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // A third copy: the baseline absorbs two of each, not three.
    std::fs::write(p.join("guide.md"), fence.repeat(3)).unwrap();
    let out = iamlint(
        p,
        &[
            "check",
            "guide.md",
            "--baseline",
            "b.json",
            "--format",
            "concise",
            "--quiet",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out).lines().count(), 2, "{}", stdout(&out));
    // One copy left: the entries for the other no longer occur, and the summary says so.
    std::fs::write(p.join("guide.md"), fence).unwrap();
    let out = iamlint(p, &["check", "guide.md", "--baseline", "b.json"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stdout(&out).contains("2 baseline entries no longer occur"),
        "{}",
        stdout(&out)
    );
    let out = iamlint(
        p,
        &[
            "check",
            "guide.md",
            "--baseline",
            "b.json",
            "--format",
            "json",
        ],
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["summary"]["baselined"], 2);
    assert_eq!(json["summary"]["stale_baseline"], 2);
    // A hook that checks another file says nothing about this file's entries.
    std::fs::write(p.join("other.json"), POLICY).unwrap();
    let out = iamlint(
        p,
        &[
            "check",
            "other.json",
            "--baseline",
            "b.json",
            "--format",
            "json",
        ],
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["summary"]["findings"], 2, "{json}");
    assert!(json["summary"]["stale_baseline"].is_null(), "{json}");
}

#[test]
fn a_broken_baseline_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("p.json"), POLICY).unwrap();
    std::fs::write(dir.path().join("b.json"), "{\"findings\": 3}").unwrap();
    let out = iamlint(dir.path(), &["check", "p.json", "--baseline", "b.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("b.json"), "{}", stderr(&out));
}

#[test]
fn suppressions_accept_findings_and_unused_ones_are_reported_at_their_entry() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::create_dir_all(p.join("policies")).unwrap();
    std::fs::write(p.join("policies/key.json"), POLICY).unwrap();
    std::fs::write(
        p.join("iamlint.toml"),
        "fail-on = \"warning\"\n\n\
         [[suppress]]\nrule = \"placeholder\"\npath = \"policies/*.json\"\nstatement = \"UseKey\"\nreason = \"filled in by the deploy script\"\n\n\
         [[suppress]]\nrule = \"P016\"\npath = \"templates/**\"\nreason = \"old templates\"\n",
    )
    .unwrap();
    let out = iamlint(
        p,
        &["check", ".", "--format", "concise", "--show", "info", "-q"],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "the unused suppression is only information: {}",
        stdout(&out)
    );
    assert_eq!(
        stdout(&out),
        "iamlint.toml:9:1: info[L001] this suppression of `P016` for `templates/**` matched no finding\n"
    );

    // By JSON pointer: the statement's own pointer, or one of its elements.
    for statement in ["/Statement/0", "/Statement/0/Resource"] {
        std::fs::write(
            p.join("iamlint.toml"),
            format!("[[suppress]]\nrule = \"P\"\npath = \"**\"\nstatement = \"{statement}\"\nreason = \"template\"\n"),
        )
        .unwrap();
        let out = iamlint(p, &["check", ".", "--format", "json"]);
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(json["summary"]["findings"], 0, "{statement}: {json}");
        assert_eq!(json["summary"]["suppressed"], 2, "{statement}");
    }
    // Another statement's pointer accepts nothing.
    std::fs::write(
        p.join("iamlint.toml"),
        "[[suppress]]\nrule = \"P016\"\npath = \"**\"\nstatement = \"/Statement/1\"\nreason = \"x\"\n",
    )
    .unwrap();
    let out = iamlint(p, &["check", ".", "--format", "concise", "--show", "info"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("iamlint.toml:1:1: info[L001]"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_suppression_without_a_reason_is_a_config_error_naming_its_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("p.json"), POLICY).unwrap();
    std::fs::write(
        dir.path().join("iamlint.toml"),
        "ignore = []\n\n[[suppress]]\nrule = \"P016\"\npath = \"**\"\n",
    )
    .unwrap();
    let out = iamlint(dir.path(), &["check", "p.json"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("line 3") && err.contains("reason"), "{err}");
}

#[test]
fn output_writes_the_report_to_a_file_and_a_summary_to_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("p.json"), POLICY).unwrap();
    let out = iamlint(
        dir.path(),
        &[
            "check",
            "p.json",
            "--format",
            "sarif",
            "--output",
            "out/r.sarif",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(2),
        "a missing folder is an I/O error"
    );
    std::fs::create_dir(dir.path().join("out")).unwrap();
    let out = iamlint(
        dir.path(),
        &[
            "check",
            "p.json",
            "--format",
            "sarif",
            "--output",
            "out/r.sarif",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stdout(&out),
        "Found 2 problems (2 warnings) in 1 policy (1 file).\n"
    );
    let written = std::fs::read_to_string(dir.path().join("out/r.sarif")).unwrap();
    let log: serde_json::Value = serde_json::from_str(&written).unwrap();
    assert_eq!(log["runs"][0]["results"].as_array().unwrap().len(), 2);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path().join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers, ["r.sarif"], "no temporary file is left behind");
}

#[test]
fn human_output_to_a_file_quotes_the_lines_it_would_on_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("p.json"), POLICY).unwrap();
    let on_terminal = stdout(&iamlint(
        dir.path(),
        &["check", "p.json", "--format", "human"],
    ));
    let out = iamlint(
        dir.path(),
        &["check", "p.json", "--format", "human", "--output", "r.txt"],
    );
    assert_eq!(out.status.code(), Some(1));
    let written = std::fs::read_to_string(dir.path().join("r.txt")).unwrap();
    assert!(written.contains("[p.json:"), "{written}");
    assert!(!written.contains("Failed to read"), "{written}");
    assert_eq!(written, on_terminal);
}

#[test]
fn statistics_count_findings_per_rule() {
    let out = iamlint(repo(), &["check", FIXTURES, "--statistics"]);
    let text = stdout(&out);
    let rows: Vec<&str> = text.lines().collect();
    let concise = stdout(&iamlint(
        repo(),
        &["check", FIXTURES, "--format", "concise"],
    ));
    let p016 = concise.matches("[P016]").count();
    assert!(p016 > 0);
    assert!(
        rows.contains(&format!("{p016}  P016  placeholder").trim_start()),
        "{text}"
    );
    assert!(rows.last().unwrap().starts_with("Found "), "{text}");
}

#[test]
fn quiet_leaves_out_the_summary_and_color_is_switchable() {
    let out = iamlint(repo(), &["check", FIXTURES, "--quiet"]);
    let text = stdout(&out);
    assert!(text.contains("P016"), "{text}");
    assert!(!text.contains("Found "), "{text}");
    let clean = format!("{FIXTURES}/clean.json");
    let out = iamlint(repo(), &["check", &clean, "--quiet"]);
    assert_eq!(stdout(&out), "", "nothing to say");

    let colored = stdout(&iamlint(repo(), &["check", FIXTURES, "--color", "always"]));
    assert!(colored.contains("\u{1b}["), "always: ANSI escapes");
    for choice in ["never", "auto"] {
        let plain = stdout(&iamlint(repo(), &["check", FIXTURES, "--color", choice]));
        assert!(!plain.contains('\u{1b}'), "{choice}: no escapes in a pipe");
    }
}

/// The hook's `entry` from `.pre-commit-hooks.yaml`, read the simple way: the file is ours
/// and one level deep.
fn hook_field(text: &str, key: &str) -> String {
    text.lines()
        .filter_map(|l| l.trim_start_matches(['-', ' ']).strip_prefix(key))
        .find_map(|rest| rest.strip_prefix(':'))
        .unwrap_or_else(|| panic!("no `{key}` in .pre-commit-hooks.yaml"))
        .trim()
        .to_string()
}

#[test]
fn the_pre_commit_hook_runs_on_a_list_of_files() {
    let text = std::fs::read_to_string(repo().join(".pre-commit-hooks.yaml")).unwrap();
    assert_eq!(hook_field(&text, "id"), "iamlint");
    // pre-commit pip-installs the repository: maturin builds the binary from Cargo.lock.
    assert_eq!(hook_field(&text, "language"), "python");
    let pyproject = std::fs::read_to_string(repo().join("pyproject.toml")).unwrap();
    for line in [
        "build-backend = \"maturin\"",
        "bindings = \"bin\"",
        "locked = true",
    ] {
        assert!(
            pyproject.lines().any(|l| l == line),
            "pyproject.toml: {line}"
        );
    }
    // `R.MD`, `KEY.JSON` and `STACK.YAML` are policies and templates too.
    assert_eq!(
        hook_field(&text, "files"),
        r"(?i)\.(json|md|markdown|ya?ml|template|tf|tpl|tftpl)$"
    );
    assert_eq!(hook_field(&text, "require_serial"), "false");
    let entry = hook_field(&text, "entry");
    let mut words = entry.split_whitespace();
    assert_eq!(words.next(), Some("iamlint"));
    let args: Vec<&str> = words.collect();

    // What pre-commit passes: every staged file its `files` pattern matches.
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(p.join("key.json"), POLICY).unwrap();
    std::fs::write(
        p.join("tsconfig.json"),
        "{ // comments are fine here\n \"compilerOptions\": {} }\n",
    )
    .unwrap();
    std::fs::write(p.join("package.json"), r#"{"name": "web"}"#).unwrap();
    std::fs::write(
        p.join("README.md"),
        format!("# Keys\n\n```json\n{POLICY}```\n"),
    )
    .unwrap();
    let files = ["key.json", "tsconfig.json", "package.json", "README.md"];
    let run = |files: &[&str]| {
        let mut all = args.clone();
        all.extend(files);
        all.push("--format");
        all.push("concise");
        iamlint(p, &all)
    };
    let out = run(&files);
    assert_eq!(out.status.code(), Some(1), "placeholders fail the commit");
    let text = stdout(&out);
    assert!(text.contains("key.json:8:"), "{text}");
    assert!(text.contains("README.md:11:"), "{text}");
    assert!(
        !text.contains("tsconfig") && !text.contains("package.json"),
        "JSON that is not a policy is none of the hook's business: {text}"
    );
    let out = run(&["tsconfig.json", "package.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));

    // Templates of any case are the hook's business; YAML that is no template is not.
    let hooks = std::fs::read_to_string(repo().join(".pre-commit-hooks.yaml")).unwrap();
    let pattern = hook_field(&hooks, "files");
    assert!(pattern.starts_with("(?i)"), "case-insensitive: {pattern}");
    for ext in ["ya?ml", "template", "json", "md", "tf", "tpl"] {
        assert!(pattern.contains(ext), "{pattern} covers {ext}");
    }
    std::fs::write(
        p.join("Stack.YAML"),
        "Resources:\n  P:\n    Type: AWS::IAM::Policy\n    Properties:\n      PolicyDocument:\n        Version: 2012-10-17\n        Statement:\n          - Effect: Allow\n            Action: '*'\n            Resource: '*'\n",
    )
    .unwrap();
    std::fs::write(p.join("ci.yml"), "on: push\njobs: {}\n").unwrap();
    let out = run(&["Stack.YAML", "ci.yml"]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(
        text.contains("Stack.YAML:9:") && !text.contains("ci.yml"),
        "{text}"
    );
}

/// A key policy on standard input relates to a role policy named beside it (X001). The
/// suppression for that finding is used, so no L001 — also when the config sorts before
/// the files and the run first learns which suppressions they use.
#[test]
fn a_suppression_used_through_standard_input_is_not_called_unused() {
    let dir = tempfile::tempdir().unwrap();
    let key = r#"{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/key-admin"},
   "Action": ["kms:Put*", "kms:ScheduleKeyDeletion"], "Resource": "*"}]}"#;
    let role = r#"{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": "kms:Decrypt",
   "Resource": "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}]}"#;
    std::fs::write(dir.path().join("role.json"), role).unwrap();
    std::fs::create_dir(dir.path().join("empty")).unwrap();
    std::fs::write(
        dir.path().join("iamlint.toml"),
        "[[suppress]]\nrule = \"X001\"\npath = \"role.json\"\nreason = \"the key policy is fixed in another change\"\n",
    )
    .unwrap();
    let out = iamlint_with_input(
        dir.path(),
        &["check", "--format", "concise", "-", "role.json", "empty"],
        key.as_bytes(),
    );
    let text = stdout(&out);
    assert!(!text.contains("X001"), "suppressed: {text}");
    assert!(!text.contains("L001"), "the suppression was used: {text}");
}

/// The config's unused suppressions are known once every file has been filtered: they come
/// at the end of the report, also when the config's path sorts before the files (each file
/// is checked once, not first to learn which suppressions it uses).
#[test]
fn unused_suppressions_come_at_the_end_of_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    for folder in ["a", "z"] {
        std::fs::create_dir_all(p.join(folder)).unwrap();
        std::fs::write(p.join(folder).join("key.json"), POLICY).unwrap();
    }
    std::fs::write(
        p.join("iamlint.toml"),
        "[[suppress]]\nrule = \"P016\"\npath = \"a/*.json\"\nreason = \"filled in later\"\n\n\
         [[suppress]]\nrule = \"P016\"\npath = \"z/templates/**\"\nreason = \"old templates\"\n",
    )
    .unwrap();
    let out = iamlint(
        p,
        &[
            "check", "a", "z", "--format", "concise", "--show", "info", "-q",
        ],
    );
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines.iter().any(|l| l.starts_with("z/key.json:")), "{text}");
    assert!(!text.contains("a/key.json"), "suppressed: {text}");
    assert_eq!(
        lines.last().copied(),
        Some("iamlint.toml:6:1: info[L001] this suppression of `P016` for `z/templates/**` matched no finding"),
        "{text}"
    );
    assert_eq!(text.matches("L001").count(), 1, "{text}");
}

/// A policy with findings in two statements; the first one's `Sid` is invalid (P008).
const SID_POLICY: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "Read the bucket",
      "Effect": "Allow",
      "Action": ["s3:*", "ec2:*"],
      "Resource": "arn:aws:s3:::<BUCKET>/*"
    },
    {
      "Sid": "Pass",
      "Effect": "Allow",
      "Action": "iam:PassRole",
      "Resource": "*"
    }
  ]
}
"#;

/// The rules of the findings a concise report lists, sorted.
fn rules_reported(out: &std::process::Output) -> Vec<String> {
    let mut rules: Vec<String> = stdout(out)
        .lines()
        .filter_map(|l| Some(l.split_once('[')?.1.split_once(']')?.0.to_string()))
        .collect();
    rules.sort();
    rules
}

/// `iamlint check policy.json --baseline b.json --format concise` in `dir`.
fn against_baseline(dir: &Path) -> std::process::Output {
    iamlint(
        dir,
        &[
            "check",
            "policy.json",
            "--baseline",
            "b.json",
            "--format",
            "concise",
        ],
    )
}

#[test]
fn fixing_a_finding_as_its_help_says_brings_no_other_back() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(p.join("policy.json"), SID_POLICY).unwrap();
    let out = iamlint(p, &["check", "policy.json", "--write-baseline", "b.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    // P008's help: rename the Sid, for example to `ReadTheBucket`. Only P008 goes.
    let out = iamlint(p, &["check", "policy.json", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let p008 = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "P008")
        .expect("P008 on the Sid");
    assert!(p008["help"].as_str().unwrap().contains("`ReadTheBucket`"));
    let renamed = SID_POLICY.replace("Read the bucket", "ReadTheBucket");
    std::fs::write(p.join("policy.json"), &renamed).unwrap();
    let out = against_baseline(p);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert_eq!(rules_reported(&out), Vec::<String>::new());
    let out = iamlint(p, &["check", "policy.json", "--baseline", "b.json"]);
    assert!(
        stdout(&out).contains("1 baseline entry no longer occurs"),
        "{}",
        stdout(&out)
    );

    // Fixing another finding in the same statement (dropping `ec2:*`, which matched none
    // of its resources) leaves the rest of the statement's findings absorbed.
    let narrowed = renamed.replace(", \"ec2:*\"", "");
    std::fs::write(p.join("policy.json"), &narrowed).unwrap();
    let out = against_baseline(p);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));

    // A new problem in that statement is still new; the old one beside it is not.
    let worse = narrowed.replace(
        "\"arn:aws:s3:::<BUCKET>/*\"",
        "[\"arn:aws:s3:::<BUCKET>/*\", \"arn:aws:s3:::<OTHER>/*\"]",
    );
    std::fs::write(p.join("policy.json"), &worse).unwrap();
    let out = against_baseline(p);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(rules_reported(&out), ["P016"], "{}", stdout(&out));
    assert!(stdout(&out).contains("<OTHER>"), "{}", stdout(&out));
}

#[test]
fn a_baseline_survives_reordered_and_reformatted_statements() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(p.join("policy.json"), SID_POLICY).unwrap();
    let out = iamlint(p, &["check", "policy.json", "--write-baseline", "b.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // The statements swapped, on one line each, the actions swapped and the Sids renamed.
    let reordered = r#"{"Version": "2012-10-17", "Statement": [
{"Sid": "PassAny", "Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"},
{"Sid": "Read the bucket", "Effect": "Allow", "Action": ["ec2:*","s3:*"], "Resource": "arn:aws:s3:::<BUCKET>/*"}]}"#;
    std::fs::write(p.join("policy.json"), reordered).unwrap();
    let out = against_baseline(p);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert_eq!(rules_reported(&out), Vec::<String>::new());
}

#[test]
fn a_baseline_matches_from_any_working_folder() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    std::fs::create_dir_all(repo.join("policies")).unwrap();
    std::fs::write(repo.join("policies/policy.json"), SID_POLICY).unwrap();
    // Recorded inside the repository: `cd repo && iamlint check --write-baseline bl.json`.
    let out = iamlint(&repo, &["check", "--write-baseline", "bl.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let recorded = stderr(&out)
        .split_whitespace()
        .nth(2)
        .and_then(|n| n.parse::<usize>().ok())
        .expect("iamlint: recorded N findings");
    assert!(recorded > 3, "{}", stderr(&out));
    let text = std::fs::read_to_string(repo.join("bl.json")).unwrap();
    assert!(
        text.contains("\"path\": \"policies/policy.json\""),
        "{text}"
    );
    // Checked from the parent, from a subfolder and by an absolute path: all absorbed.
    let runs: [(&Path, Vec<String>); 3] = [
        (
            dir.path(),
            ["check", "repo", "--baseline", "repo/bl.json"]
                .map(String::from)
                .into(),
        ),
        (
            &repo.join("policies"),
            ["check", "--baseline", "../bl.json"]
                .map(String::from)
                .into(),
        ),
        (
            dir.path(),
            vec![
                "check".into(),
                repo.join("policies/policy.json").display().to_string(),
                "--baseline".into(),
                repo.join("bl.json").display().to_string(),
            ],
        ),
    ];
    for (cwd, args) in runs {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = iamlint(cwd, &args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stdout(&out));
        assert!(
            stdout(&out).contains(&format!("Not shown: {recorded} in the baseline")),
            "{args:?}: {}",
            stdout(&out)
        );
        assert!(stderr(&out).is_empty(), "{args:?}: {}", stderr(&out));
    }
}

#[test]
fn a_baseline_that_names_none_of_the_checked_files_is_said() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    for folder in ["a", "b"] {
        std::fs::create_dir(p.join(folder)).unwrap();
        std::fs::write(p.join(folder).join("policy.json"), SID_POLICY).unwrap();
    }
    std::fs::write(p.join("a/clean.json"), CLEAN).unwrap();
    let out = iamlint(p, &["check", "a", "--write-baseline", "a/bl.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // A walk of another folder: nothing absorbed, and a line on stderr says why.
    let out = iamlint(p, &["check", "b", "--baseline", "a/bl.json"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("the baseline a/bl.json names none of the files checked"),
        "{}",
        stderr(&out)
    );
    // A hook naming a clean file of the baseline's tree: nothing to say.
    let out = iamlint(p, &["check", "a/clean.json", "--baseline", "a/bl.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
    // Named files, none of the baseline's existing (it was moved): said.
    std::fs::create_dir(p.join("c")).unwrap();
    std::fs::rename(p.join("a/bl.json"), p.join("c/bl.json")).unwrap();
    let out = iamlint(p, &["check", "a/policy.json", "--baseline", "c/bl.json"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("names none of the files checked"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_baseline_of_the_first_format_is_named_with_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("policy.json"), SID_POLICY).unwrap();
    std::fs::write(
        dir.path().join("b.json"),
        r#"{"version": 1, "findings": []}"#,
    )
    .unwrap();
    let out = against_baseline(dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("first format") && stderr(&out).contains("--write-baseline"),
        "{}",
        stderr(&out)
    );
}

/// A policy with no finding.
const CLEAN: &str = r#"{"Version": "2012-10-17", "Statement": [{"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/*"}]}"#;

/// `cfg/iamlint.toml` in a tree with a folder beside it that has no config.
fn config_tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    for folder in ["cfg/policies", "cfg/templates", "other"] {
        std::fs::create_dir_all(p.join(folder)).unwrap();
    }
    std::fs::write(p.join("cfg/policies/key.json"), POLICY).unwrap();
    std::fs::write(p.join("other/key.json"), POLICY).unwrap();
    std::fs::write(
        p.join("cfg/iamlint.toml"),
        "[[suppress]]\nrule = \"placeholder\"\npath = \"policies/*.json\"\nreason = \"filled in on deploy\"\n\n\
         [[suppress]]\nrule = \"P016\"\npath = \"templates/**\"\nreason = \"old templates\"\n",
    )
    .unwrap();
    dir
}

#[test]
fn the_config_is_the_nearest_above_the_checked_paths() {
    let dir = config_tree();
    let p = dir.path();
    // From outside `cfg`: its config applies (the placeholders are suppressed), and the
    // walk of its whole folder may call the templates entry unused.
    let shown = ["--format", "concise", "--quiet", "--show", "info"];
    let out = iamlint(p, &[&["check", "cfg"][..], &shown].concat());
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(!stdout(&out).contains("warning[P016]"), "{}", stdout(&out));
    assert_eq!(
        stdout(&out),
        "cfg/iamlint.toml:6:1: info[L001] this suppression of `P016` for `templates/**` matched no finding\n"
    );
    // A file named from outside: its folder's config applies too.
    let out = iamlint(
        p,
        &[&["check", "cfg/policies/key.json"][..], &shown].concat(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert_eq!(stdout(&out), "");
    // --config still overrides: with none, the placeholders fail the run.
    std::fs::write(p.join("empty.toml"), "").unwrap();
    let out = iamlint(
        p,
        &[
            "check",
            "cfg",
            "--config",
            "empty.toml",
            "--format",
            "concise",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(stdout(&out).contains("P016"), "{}", stdout(&out));
}

#[test]
fn a_subfolder_s_run_calls_no_suppression_for_other_paths_unused() {
    let dir = config_tree();
    let p = dir.path();
    for (cwd, args) in [
        (p.join("cfg/policies"), vec!["check"]),
        (p.join("cfg"), vec!["check", "policies"]),
        (p.to_path_buf(), vec!["check", "cfg/policies"]),
        // A filtered walk sees part of the tree too.
        (
            p.join("cfg"),
            vec!["check", ".", "--include", "policies/*.json"],
        ),
    ] {
        let mut args = args;
        args.extend(["--format", "concise", "--quiet", "--show", "info"]);
        let out = iamlint(&cwd, &args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stdout(&out));
        assert_eq!(stdout(&out), "", "{cwd:?} {args:?}");
    }
    // The templates folder walked: its entry is unused, the other is not its business.
    let out = iamlint(
        &p.join("cfg"),
        &[
            "check",
            "templates",
            "--format",
            "concise",
            "--show",
            "info",
        ],
    );
    assert!(
        stdout(&out).contains("info[L001] this suppression of `P016` for `templates/**`"),
        "{}",
        stdout(&out)
    );
    assert_eq!(stdout(&out).matches("L001").count(), 1, "{}", stdout(&out));
}

/// A repository with a root config and one in `sub`, a policy with placeholders in each.
fn nested_configs() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::create_dir_all(p.join("sub")).unwrap();
    std::fs::write(p.join("key.json"), POLICY).unwrap();
    std::fs::write(p.join("sub/key.json"), POLICY).unwrap();
    std::fs::write(
        p.join("iamlint.toml"),
        "[severity]\nP016 = \"error\"\n\n\
         [[suppress]]\nrule = \"P016\"\npath = \"sub/*.json\"\nreason = \"sub's own config decides\"\n",
    )
    .unwrap();
    std::fs::write(
        p.join("sub/iamlint.toml"),
        "[severity]\nP016 = \"info\"\n\n\
         [[suppress]]\nrule = \"P016\"\npath = \"key.json\"\nstatement = \"UseKey\"\nreason = \"filled in on deploy\"\n\n\
         [[suppress]]\nrule = \"A001\"\npath = \"*.json\"\nreason = \"stale\"\n",
    )
    .unwrap();
    dir
}

#[test]
fn files_under_different_configs_are_each_checked_with_their_own() {
    let dir = nested_configs();
    let p = dir.path();
    let shown = ["--format", "concise", "--show", "info", "--quiet"];
    // A hook's list of files from anywhere in the repository: the root file gets the root's
    // severity, the one in `sub` its folder's suppression (paths relative to `sub`).
    let out = iamlint(
        p,
        &[&["check", "key.json", "sub/key.json"][..], &shown].concat(),
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "key.json:8:42: error[P016] unresolved placeholder `ACCOUNT-ID`\n\
         key.json:8:57: error[P016] unresolved placeholder `KEY-ID`\n"
    );
    assert_eq!(stderr(&out), "");
    // The same from inside `sub`: each file still finds its own config.
    let out = iamlint(
        &p.join("sub"),
        &[&["check", "../key.json", "key.json"][..], &shown].concat(),
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        stdout(&out).matches("error[P016]").count(),
        2,
        "{}",
        stdout(&out)
    );
    assert!(
        !stdout(&out).contains("key.json:8:42: info"),
        "{}",
        stdout(&out)
    );
    // Without the suppression, `sub`'s severity applies to its file.
    std::fs::write(p.join("sub/iamlint.toml"), "[severity]\nP016 = \"info\"\n").unwrap();
    let out = iamlint(
        p,
        &[&["check", "sub/key.json", "key.json"][..], &shown].concat(),
    );
    assert!(
        stdout(&out).contains("sub/key.json:8:42: info[P016]")
            && stdout(&out).starts_with("key.json:8:42: error[P016]"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn config_overrides_every_nearer_config() {
    let dir = nested_configs();
    let p = dir.path();
    let out = iamlint(
        p,
        &[
            "check",
            ".",
            "--config",
            "iamlint.toml",
            "--format",
            "concise",
            "--show",
            "info",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    // The root's entry for `sub/*.json` accepts `sub`'s findings; `sub`'s own config, with
    // its severity and its unused A001 entry, is not read.
    assert_eq!(text.matches("error[P016]").count(), 2, "{text}");
    assert!(
        !text.contains("sub/key.json") && !text.contains("L001"),
        "{text}"
    );
    assert!(text.contains("2 suppressed by the config"), "{text}");
    std::fs::write(p.join("empty.toml"), "").unwrap();
    let out = iamlint(
        p,
        &[
            "check",
            ".",
            "--config",
            "empty.toml",
            "--format",
            "concise",
            "--show",
            "info",
        ],
    );
    let text = stdout(&out);
    assert_eq!(text.matches("warning[P016]").count(), 4, "{text}");
    assert!(!text.contains("L001"), "{text}");
}

#[test]
fn a_walk_checks_each_folder_with_its_nearest_config_and_judges_each_configs_suppressions() {
    let dir = nested_configs();
    let p = dir.path();
    let shown = ["--format", "concise", "--show", "info", "--quiet"];
    let out = iamlint(p, &[&["check", "."][..], &shown].concat());
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(stderr(&out), "");
    // `sub`'s entry accepts both placeholders of its file; the root's entry for `sub/*.json`
    // can no longer match (those files are `sub`'s), and `sub`'s A001 entry matched nothing:
    // one L001 each, at each config's own line.
    assert_eq!(
        stdout(&out),
        "./key.json:8:42: error[P016] unresolved placeholder `ACCOUNT-ID`\n\
         ./key.json:8:57: error[P016] unresolved placeholder `KEY-ID`\n\
         iamlint.toml:4:1: info[L001] this suppression of `P016` for `sub/*.json` matched no finding\n\
         sub/iamlint.toml:10:1: info[L001] this suppression of `A001` for `*.json` matched no finding\n"
    );
    // A walk of `sub` alone: the root's config governed no file, so it says nothing.
    let out = iamlint(p, &[&["check", "sub"][..], &shown].concat());
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert_eq!(
        stdout(&out),
        "sub/iamlint.toml:10:1: info[L001] this suppression of `A001` for `*.json` matched no finding\n"
    );
    // The root file alone: `sub`'s config governed nothing and is not judged.
    let out = iamlint(p, &[&["check", "key.json"][..], &shown].concat());
    assert!(!stdout(&out).contains("L001"), "{}", stdout(&out));
}

#[test]
fn settings_of_the_whole_run_come_from_the_run_config_and_a_nearer_one_is_told() {
    let dir = nested_configs();
    let p = dir.path();
    std::fs::write(
        p.join("sub/iamlint.toml"),
        "fail-on = \"never\"\nshow = \"info\"\n",
    )
    .unwrap();
    let out = iamlint(p, &["check", ".", "--format", "concise", "--quiet"]);
    // The root's fail-on (the default) still fails the run on the placeholders of `sub`.
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("sub/key.json:8:42: warning[P016]"),
        "{}",
        stdout(&out)
    );
    assert_eq!(
        stderr(&out),
        "iamlint: warning: sub/iamlint.toml: `fail-on`, `show` not used: they apply to the whole \
         run, which takes them from iamlint.toml\n"
    );
}

#[test]
fn a_broken_nearer_config_fails_its_files_and_the_others_are_checked() {
    let dir = nested_configs();
    let p = dir.path();
    std::fs::write(p.join("sub/iamlint.toml"), "selct = [\"P\"]\n").unwrap();
    let out = iamlint(p, &["check", ".", "--format", "concise", "--quiet"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("./key.json:8:42: error[P016]"),
        "{}",
        stdout(&out)
    );
    assert!(!stdout(&out).contains("sub/key.json"), "{}", stdout(&out));
    assert!(
        stderr(&out).contains("sub/key.json: config error:")
            && stderr(&out).contains("sub/iamlint.toml")
            && stderr(&out).contains("selct"),
        "{}",
        stderr(&out)
    );
}
