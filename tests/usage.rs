//! What a new user meets in the first hour: option spellings, `-h`, `rules`/`rule`/`expand`
//! output, and a reader that goes away (`| head -1`).

mod support;

use std::process::{Command, Stdio};
use support::cli::*;

/// Runs `iamlint ARGS` with stdout a pipe whose reading end is already closed: every write
/// fails with EPIPE, deterministically (not just when `head` happens to exit first).
fn into_closed_pipe(args: &[&str]) -> std::process::Output {
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    Command::new(env!("CARGO_BIN_EXE_iamlint"))
        .args(args)
        .current_dir(repo())
        .env("NO_COLOR", "1")
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .expect("iamlint runs")
}

#[test]
fn no_subcommand_panics_on_a_closed_stdout() {
    let runs: [(&[&str], i32); 9] = [
        (&["rule", "K009"], 0),
        (&["rules"], 0),
        (&["expand", "kms:*"], 0),
        (&["expand", "--not", "iam:*"], 0),
        (&["check", "examples", "--fail-on", "never"], 0),
        (
            &["check", "examples", "--statistics", "--fail-on", "never"],
            0,
        ),
        (&["check", "-h"], 0),
        (&["explain", "examples/kms-key-policy.json"], 0),
        (
            &[
                "explain",
                "examples/kms-key-policy.json",
                "--format",
                "markdown",
            ],
            0,
        ),
    ];
    for _ in 0..5 {
        for (args, code) in runs {
            let out = into_closed_pipe(args);
            let err = stderr(&out);
            assert!(!err.contains("panicked"), "{args:?}: {err}");
            assert_eq!(out.status.code(), Some(code), "{args:?}: {err}");
        }
    }
}

#[test]
fn select_takes_spaces_after_commas_and_codes_in_any_case() {
    let out = iamlint(
        repo(),
        &[
            "check",
            "examples",
            "--format",
            "concise",
            "--select",
            "k001, K008",
            "--show",
            "info",
            "--quiet",
        ],
    );
    let text = stdout(&out);
    assert!(out.status.success(), "{}", stderr(&out));
    let rules: std::collections::BTreeSet<&str> = text
        .lines()
        .filter_map(|line| Some(line.split_once('[')?.1.split_once(']')?.0))
        .collect();
    assert_eq!(rules, ["K001", "K008"].into(), "{text}");
    let out = iamlint(repo(), &["check", "examples", "--ignore", " p, c ,a"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

/// The files `iamlint check . --include GLOBS` checks in a small tree, sorted.
fn included(globs: &[&str]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#;
    for name in [
        "docs/a.json",
        "docs/sub/b.json",
        "top.json",
        "guide.markdown",
    ] {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let text = if name.ends_with(".markdown") {
            format!("```json\n{policy}\n```\n")
        } else {
            policy.to_string()
        };
        std::fs::write(path, text).unwrap();
    }
    let mut args = vec!["check", ".", "--format", "concise", "--quiet"];
    for glob in globs {
        args.extend(["--include", glob]);
    }
    let out = iamlint(dir.path(), &args);
    assert_ne!(out.status.code(), Some(2), "{}", stderr(&out));
    let mut files: Vec<String> = stdout(&out)
        .lines()
        .filter_map(|line| line.split(':').next())
        .map(|path| path.trim_start_matches("./").to_string())
        .collect();
    files.dedup();
    files.sort();
    files.dedup();
    files
}

#[test]
fn include_globs_split_at_commas_and_read_as_in_gitignore() {
    let all = [
        "docs/a.json",
        "docs/sub/b.json",
        "guide.markdown",
        "top.json",
    ];
    assert_eq!(included(&["*.json,*.markdown"]), all);
    assert_eq!(included(&["*.json, *.markdown"]), all);
    assert_eq!(included(&["*.{json,markdown}"]), all, "a comma in braces");
    assert_eq!(
        included(&["*.markdown", "top.json"]),
        ["guide.markdown", "top.json"]
    );
    // `*` stays within a folder; `**` crosses folders; a glob with `/` starts at the root.
    assert_eq!(included(&["docs/*.json"]), ["docs/a.json"]);
    assert_eq!(included(&["./docs/*.json"]), ["docs/a.json"]);
    assert_eq!(
        included(&["docs/**/*.json"]),
        ["docs/a.json", "docs/sub/b.json"]
    );
    assert_eq!(included(&["sub/*.json"]), Vec::<String>::new());
    assert_eq!(included(&["**/sub/*.json"]), ["docs/sub/b.json"]);
}

#[test]
fn statistics_in_the_json_format_are_json() {
    let out = iamlint(
        repo(),
        &["check", "examples", "--statistics", "--format", "json"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let rows = value["statistics"].as_array().unwrap();
    let p016 = rows
        .iter()
        .find(|r| r["rule"] == "P016")
        .expect("P016 counted");
    assert_eq!(p016["name"], "placeholder");
    let total: u64 = rows.iter().map(|r| r["count"].as_u64().unwrap()).sum();
    assert_eq!(value["summary"]["findings"].as_u64(), Some(total));
    // A format with no statistics of its own is refused rather than answered in text.
    let out = iamlint(
        repo(),
        &["check", "examples", "--statistics", "--format", "sarif"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--output"), "{}", stderr(&out));
    // Recording a baseline prints no statistics, so the format does not matter there.
    let dir = tempfile::tempdir().unwrap();
    let baseline = dir.path().join("baseline.json");
    let out = iamlint(
        repo(),
        &[
            "check",
            "examples",
            "--statistics",
            "--format",
            "sarif",
            "--write-baseline",
            baseline.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(baseline.is_file());
}

#[test]
fn check_help_lists_the_values_of_every_choice_and_describes_color() {
    let out = iamlint(repo(), &["check", "-h"]);
    let help = stdout(&out);
    let line_of = |flag: &str| {
        help.lines()
            .find(|l| l.trim_start().starts_with(flag))
            .unwrap_or_else(|| panic!("{flag} in {help}"))
            .to_string()
    };
    assert!(line_of("--fail-on").contains("error, warning, info, never"));
    assert!(line_of("--kind").contains("identity, boundary, resource, kms-key, trust, scp, rcp"));
    assert!(line_of("--format").contains("human, concise, json, sarif, github, junit"));
    let color = line_of("--color");
    assert!(
        color.contains("NO_COLOR") && color.contains("auto, always, never"),
        "{color}"
    );
}

#[test]
fn the_rules_table_lines_up_its_columns() {
    let out = iamlint(repo(), &["rules"]);
    let text = stdout(&out);
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let columns: Vec<usize> = ["NAME", "SEVERITY", "KINDS", "SUMMARY"]
        .iter()
        .map(|name| header.find(name).unwrap())
        .collect();
    let mut rows = 0;
    for line in lines {
        rows += 1;
        for &at in &columns {
            let (before, cell) = line.split_at(at);
            assert!(
                before.ends_with(' ') && !cell.starts_with(' '),
                "a cell starts at column {at}: {line}"
            );
        }
    }
    assert!(rows > 40, "{text}");
}

#[test]
fn a_policy_in_a_block_quote_is_checked_at_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let text = "# Runbook\n\n> **Example**\n>\n> ```json\n> {\"Version\": \"2012-10-17\",\n>  \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\"}]}\n> ```\n";
    std::fs::write(dir.path().join("guide.md"), text).unwrap();
    let out = iamlint(dir.path(), &["check", "guide.md", "--format", "concise"]);
    let report = stdout(&out);
    assert!(report.contains("guide.md:7:49: warning[A001]"), "{report}");
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn a_missing_catalog_is_named_by_its_resolved_path_and_its_config() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("iamlint.toml"),
        "catalog = \"aws-catalog.jsonl\"\n",
    )
    .unwrap();
    let out = iamlint(dir.path(), &["check", "--config", "iamlint.toml", "."]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    let resolved = dir.path().join("aws-catalog.jsonl");
    assert!(err.contains(&format!("{}:", resolved.display())), "{err}");
    assert!(err.contains("`catalog` in iamlint.toml"), "{err}");
}

/// The JSON findings of `iamlint check` on one file holding `text`.
fn findings_of(name: &str, text: &str, extra: &[&str]) -> Vec<serde_json::Value> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(name), text).unwrap();
    let mut args = vec!["check", name, "--format", "json"];
    args.extend(extra);
    let out = iamlint(dir.path(), &args);
    let value: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", stderr(&out)));
    value["findings"].as_array().unwrap().clone()
}

#[test]
fn a_trailing_comma_is_reported_at_the_comma() {
    let text = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [],\n}\n";
    let findings = findings_of("p.json", text, &[]);
    assert_eq!(findings.len(), 1, "{findings:#?}");
    let j001 = &findings[0];
    assert_eq!(j001["rule"], "J001");
    assert_eq!(
        (j001["line"].as_u64(), j001["column"].as_u64()),
        (Some(3), Some(18))
    );
    let message = j001["message"].as_str().unwrap();
    assert!(message.contains("trailing comma"), "{message}");
    assert!(!message.contains("not closed"), "{message}");
}

#[test]
fn a_misspelt_element_is_one_finding_with_its_did_you_mean() {
    let text = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resources": "arn:aws:s3:::reports/*"}]}"#;
    let findings = findings_of("p.json", text, &[]);
    let rules: Vec<&str> = findings
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["P001"], "{findings:#?}");
    let help = findings[0]["help"].as_str().unwrap();
    assert!(help.starts_with("did you mean `Resource`?"), "{help}");
    assert!(
        !help.contains("case-sensitive"),
        "not a matter of case: {help}"
    );
    // A matter of case says so.
    let text = text.replace("\"Resources\"", "\"resource\"");
    let findings = findings_of("p.json", &text, &[]);
    let help = findings[0]["help"].as_str().unwrap();
    assert!(help.contains("case-sensitive"), "{help}");
}

#[test]
fn a_suggested_sid_spells_accented_letters_in_ascii() {
    let text = r#"{"Version": "2012-10-17", "Statement": [{"Sid": "Zugriff für Größe", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"}]}"#;
    let findings = findings_of("p.json", text, &["--select", "P008"]);
    let help = findings[0]["help"].as_str().unwrap();
    assert!(help.contains("`ZugriffFuerGroesse`"), "{help}");
}

#[test]
fn root_delegation_help_and_cross_account_message_read_plainly() {
    let text = r#"{"Version": "2012-10-17", "Statement": [
      {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"},
      {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:role/app"}, "Action": "kms:Decrypt", "Resource": "*"}]}"#;
    let findings = findings_of("key.json", text, &["--select", "K001,K006"]);
    let of = |rule: &str| {
        findings
            .iter()
            .find(|f| f["rule"] == rule)
            .unwrap_or_else(|| panic!("{rule} in {findings:#?}"))
    };
    let help = of("K001")["help"].as_str().unwrap();
    assert!(help.starts_with("nothing to change"), "{help}");
    assert!(!help.contains("without both"), "{help}");
    let message = of("K006")["message"].as_str().unwrap();
    let open = message.find('(').expect("one parenthesis");
    assert!(
        !message[open + 1..].contains('('),
        "no nested parentheses: {message}"
    );
}

#[test]
fn a_document_that_looks_like_an_scp_or_rcp_says_how_to_mark_it() {
    let full_access = r#"{"Version": "2012-10-17", "Statement": [{"Sid": "FullAWSAccess", "Effect": "Allow", "Action": "*", "Resource": "*"}]}"#;
    let findings = findings_of("scp.json", full_access, &[]);
    let a001 = findings.iter().find(|f| f["rule"] == "A001").expect("A001");
    let help = a001["help"].as_str().unwrap();
    assert!(help.contains("looks like an SCP"), "{help}");
    assert!(
        help.contains("`--kind scp`") && help.contains("`[kinds]`"),
        "{help}"
    );
    // Marked, it is checked as an SCP, where `Allow * *` is AWS's default.
    let findings = findings_of("scp.json", full_access, &["--kind", "scp"]);
    assert!(
        findings.iter().all(|f| f["rule"] != "A001"),
        "{findings:#?}"
    );

    let rcp = r#"{"Version": "2012-10-17", "Statement": [
      {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"},
      {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
       "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}}]}"#;
    let findings = findings_of("rcp.json", rcp, &[]);
    assert!(
        findings
            .iter()
            .any(|f| f["help"].as_str().unwrap().contains("`--kind rcp`")),
        "{findings:#?}"
    );

    // An identity policy gets no such hint, even one whose `Allow *` sits among narrower grants.
    let identity = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
      {"Effect": "Allow", "Action": "*", "Resource": "*"}]}"#;
    let findings = findings_of("role.json", identity, &[]);
    assert!(!findings.is_empty());
    assert!(
        findings
            .iter()
            .all(|f| !f["help"].as_str().unwrap().contains("--kind")),
        "{findings:#?}"
    );
}

/// AWS's console default key policy: administrators, users and grants for AWS resources.
const CONSOLE_KEY_POLICY: &str =
    "tests/fixtures/rules/K003/pass_aws_default_key_policy@kms-key.json";

#[test]
fn information_is_counted_in_the_summary_and_shown_on_request() {
    for format in ["human", "concise"] {
        let out = iamlint(repo(), &["check", CONSOLE_KEY_POLICY, "--format", format]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let text = stdout(&out);
        // A key policy that is fine prints its summary line and nothing else.
        assert_eq!(text.lines().count(), 1, "{format}: {text}");
        assert!(
            text.starts_with("No problems found in 1 policy (1 file). Not shown: "),
            "{format}: {text}"
        );
        assert!(text.contains(" infos (--show info)."), "{format}: {text}");
        assert!(!text.contains("problems ("), "{format}: {text}");

        let out = iamlint(
            repo(),
            &[
                "check",
                CONSOLE_KEY_POLICY,
                "--format",
                format,
                "--show",
                "info",
            ],
        );
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let text = stdout(&out);
        assert!(text.contains("K001"), "{format}: {text}");
        let last = text.lines().last().unwrap();
        assert!(
            last.starts_with("Found ")
                && last.ends_with(" infos and no problems in 1 policy (1 file)."),
            "information is no problem: {last}"
        );
    }
    // --show is about what is printed; --fail-on about the exit code.
    let out = iamlint(repo(), &["check", CONSOLE_KEY_POLICY, "--fail-on", "info"]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    // What fails the run is shown, unless --show says otherwise.
    assert!(
        stdout(&out).contains("K001[root-delegation]"),
        "{}",
        stdout(&out)
    );
    // Formats for programs keep every finding unless asked.
    let all = findings_of(
        "key.json",
        &std::fs::read_to_string(repo().join(CONSOLE_KEY_POLICY)).unwrap(),
        &[],
    );
    assert!(all.iter().any(|f| f["rule"] == "K001"), "{all:#?}");
    let shown = findings_of(
        "key.json",
        &std::fs::read_to_string(repo().join(CONSOLE_KEY_POLICY)).unwrap(),
        &["--show", "warning"],
    );
    assert!(shown.is_empty(), "{shown:#?}");
}

#[test]
fn show_error_counts_the_warnings_it_hides() {
    let out = iamlint(
        repo(),
        &["check", "examples/kms-key-policy.json", "--show", "error"],
    );
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(
        text.contains("Not shown: 2 warnings (--show warning), "),
        "{text}"
    );
}

#[test]
fn the_console_default_key_policy_gets_no_wildcard_expansion() {
    let text = std::fs::read_to_string(repo().join(CONSOLE_KEY_POLICY)).unwrap();
    let findings = findings_of("key.json", &text, &[]);
    let rules: Vec<&str> = findings
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(!rules.contains(&"C004"), "{rules:?}");
    assert!(
        rules.iter().all(|r| ["K001", "K008"].contains(r)),
        "{rules:?}"
    );
}

#[test]
fn a_key_user_administering_is_one_finding_per_statement() {
    let text = r#"{"Version": "2012-10-17", "Statement": [
      {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"},
      {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/App"},
       "Action": ["kms:Decrypt", "kms:ScheduleKeyDeletion", "kms:PutKeyPolicy", "kms:Disable*"], "Resource": "*"}]}"#;
    let findings = findings_of("key.json", text, &["--select", "K003"]);
    assert_eq!(findings.len(), 1, "{findings:#?}");
    let message = findings[0]["message"].as_str().unwrap();
    for action in [
        "kms:ScheduleKeyDeletion",
        "kms:PutKeyPolicy",
        "kms:Disable*",
    ] {
        assert!(message.contains(action), "{message}");
    }
}

#[test]
fn resource_star_leaves_every_key_to_k009_and_pass_role_to_a007() {
    let text = r#"{"Version": "2012-10-17", "Statement": [
      {"Sid": "Keys", "Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"},
      {"Sid": "Pass", "Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"},
      {"Sid": "Read", "Effect": "Allow", "Action": ["kms:Decrypt", "s3:GetObject"], "Resource": "*"}]}"#;
    let findings = findings_of("p.json", text, &[]);
    let of = |rule: &str| -> Vec<&serde_json::Value> {
        findings.iter().filter(|f| f["rule"] == rule).collect()
    };
    assert_eq!(of("K009").len(), 2, "{findings:#?}");
    assert_eq!(of("A007").len(), 1, "{findings:#?}");
    let c007 = of("C007");
    assert_eq!(c007.len(), 1, "{findings:#?}");
    let message = c007[0]["message"].as_str().unwrap();
    assert!(message.contains("s3:GetObject"), "{message}");
    assert!(!message.contains("kms:Decrypt"), "{message}");
}

#[test]
fn a_run_that_checks_nothing_or_not_everything_says_so() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("empty")).unwrap();
    let out = iamlint(dir.path(), &["check", "empty"]);
    let text = stdout(&out);
    assert!(text.starts_with("Nothing checked: "), "{text}");
    assert!(!text.contains("No problems found"), "{text}");

    std::fs::write(
        dir.path().join("ok.json"),
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"}]}"#,
    )
    .unwrap();
    let out = iamlint(dir.path(), &["check", "missing.json"]);
    assert_eq!(out.status.code(), Some(2));
    let text = stdout(&out);
    assert_eq!(text.trim(), "Nothing checked: 1 input could not be read.");
    let out = iamlint(dir.path(), &["check", "missing.json", "ok.json"]);
    assert_eq!(out.status.code(), Some(2));
    let text = stdout(&out);
    assert!(
        text.contains("in 1 policy (1 file); 1 input could not be read."),
        "{text}"
    );

    let out = iamlint(dir.path(), &["check", ".", "--include", "*.json,*.nothing"]);
    let text = stdout(&out);
    assert!(
        text.contains("--include `*.nothing` matched no file"),
        "{text}"
    );
    assert!(!text.contains("`*.json`"), "{text}");
}

#[test]
fn junit_fails_only_on_findings_at_or_above_the_threshold() {
    let dir = tempfile::tempdir().unwrap();
    // K001 is information, P016 a warning.
    let key = r#"{"Version": "2012-10-17", "Statement": [
      {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"}]}"#;
    std::fs::write(dir.path().join("key.json"), key).unwrap();
    let out = iamlint(dir.path(), &["check", "key.json", "--format", "junit"]);
    assert_eq!(out.status.code(), Some(0));
    let xml = stdout(&out);
    assert!(
        xml.contains(r#"<testsuites name="iamlint" tests="1" failures="0""#),
        "{xml}"
    );
    assert!(!xml.contains("<failure"), "{xml}");
    assert!(xml.contains("<system-out>key.json:2:"), "{xml}");

    let out = iamlint(
        dir.path(),
        &[
            "check",
            "key.json",
            "--format",
            "junit",
            "--fail-on",
            "info",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains(r#"failures="1""#), "{}", stdout(&out));

    // The failure quotes the most severe finding, not the first.
    let bad = key.replace(
        "\"Resource\": \"*\"}]}",
        "\"Resource\": \"*\"},\n      {\"Effect\": \"Allow\", \"Principal\": {\"AWS\": \"arn:aws:iam::111122223333:role/ROLE-NAME\"}, \"Action\": \"kms:Decrypt\", \"Resource\": \"*\"}]}",
    );
    assert_ne!(bad, key);
    std::fs::write(dir.path().join("key.json"), bad).unwrap();
    let out = iamlint(dir.path(), &["check", "key.json", "--format", "junit"]);
    assert_eq!(out.status.code(), Some(1));
    let xml = stdout(&out);
    assert!(xml.contains(r#"<failure message="warning[P016]"#), "{xml}");
    assert!(xml.contains("<system-out>"), "{xml}");
}

#[test]
fn the_config_may_show_information_and_names_a_wrong_value() {
    let dir = tempfile::tempdir().unwrap();
    let key = std::fs::read_to_string(repo().join(CONSOLE_KEY_POLICY)).unwrap();
    std::fs::write(dir.path().join("key.json"), key).unwrap();
    std::fs::write(dir.path().join("iamlint.toml"), "show = \"info\"\n").unwrap();
    let out = iamlint(dir.path(), &["check", "key.json", "--format", "concise"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("info[K001]"), "{}", stdout(&out));
    // The command line wins.
    let out = iamlint(
        dir.path(),
        &[
            "check", "key.json", "--format", "concise", "--show", "warning",
        ],
    );
    assert!(!stdout(&out).contains("info[K001]"), "{}", stdout(&out));
    std::fs::write(dir.path().join("iamlint.toml"), "show = \"notes\"\n").unwrap();
    let out = iamlint(dir.path(), &["check", "key.json"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("(show): expected error, warning or info, found `notes`"),
        "{err}"
    );
}

#[test]
fn a_statement_after_one_that_is_no_object_is_checked_against_its_own_resources() {
    // `"junk"` makes the second object the array's third item but the document's second
    // statement: the ARN rules must read each statement's own `Resource`.
    let text = r#"{"Version": "2012-10-17", "Statement": ["junk",
  {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::my-bucket/*"},
  {"Effect": "Allow", "Action": "s3:GetObject", "Resource": ["arn:aws:*:::bucket/*", "arn:aws:s3"]}
]}"#;
    let findings = findings_of("p.json", text, &["--show", "info"]);
    let at: Vec<(&str, u64)> = findings
        .iter()
        .map(|f| (f["rule"].as_str().unwrap(), f["line"].as_u64().unwrap()))
        .collect();
    assert_eq!(at, [("P017", 1), ("C010", 3), ("P015", 3)], "{findings:#?}");
}

#[test]
fn an_unreadable_administrator_principal_is_p017_not_a_lockout() {
    // `{"Ref": ...}` pasted from a template: the role it names may administer the key, so
    // only the principal's form is reported, not a key no one can manage.
    let text = r#"{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Principal": {"AWS": {"Ref": "KeyAdminRole"}}, "Action": "kms:*", "Resource": "*"}
]}"#;
    let findings = findings_of("p.json", text, &["--kind", "kms-key", "--show", "info"]);
    let rules: Vec<&str> = findings
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["P017"], "{findings:#?}");
}
