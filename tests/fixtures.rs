//! Fixture-driven snapshot tests. `tests/fixtures/rules/CODE/` holds `fail_*` files, each of
//! which must raise CODE, and `pass_*` files, which must not; a `@kind` before the extension
//! (`fail_app_role@kms-key.json`) checks the file as that kind.
//!
//! Each rule's fixtures are one test, named after the rule (`cargo test k003`), run with that
//! rule alone and snapshotted as `snapshots/rule__CODE__<fixture>.snap`: adding or changing a
//! rule touches its own snapshots only. One more snapshot, `fixtures__all_rules_corpus`, holds
//! every finding of every rule on every fixture, so a change in any rule's output is reviewed.

use iamlint::check::{check_bytes, Options};
use iamlint::config::Config;
use iamlint::policy::PolicyKind;
use iamlint::source::{format_of, Origin};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

/// Checks one file as the CLI would, with paths shown relative to the repository; with
/// `only`, that rule alone runs.
fn check_with(path: &Path, only: Option<&str>) -> Vec<String> {
    let relative = path
        .strip_prefix(root())
        .unwrap()
        .to_string_lossy()
        .replace('\\', "/");
    let stem = path.file_stem().unwrap().to_string_lossy();
    let kind = stem
        .split_once('@')
        .map(|(_, k)| PolicyKind::parse(k).unwrap_or_else(|| panic!("{relative}: kind `{k}`")));
    // A rule that acts on the config's settings (E006's `[[forbid]]`) finds them in its
    // folder's `iamlint.toml`.
    let settings = path
        .parent()
        .map(|dir| dir.join("iamlint.toml"))
        .and_then(|p| std::fs::read_to_string(p).ok())
        .unwrap_or_default();
    let select = only.map_or(String::new(), |code| format!("select = [\"{code}\"]\n"));
    let config = Config::parse(&format!("{select}{settings}")).unwrap();
    let opts = Options {
        kind,
        config,
        ..Options::default()
    };
    let bytes = std::fs::read(path).unwrap();
    let report = check_bytes(
        &relative,
        path,
        bytes,
        format_of(path),
        Origin::Explicit,
        &opts,
    );
    report
        .findings
        .iter()
        .map(|f| {
            format!(
                "{}:{}:{}-{}:{} {}[{}] {}",
                f.path, f.line, f.column, f.end_line, f.end_column, f.severity, f.rule, f.message
            )
        })
        .collect()
}

/// Every rule on one file.
fn check(path: &Path) -> Vec<String> {
    check_with(path, None)
}

/// `tests/fixtures/rules/CODE/*`, as (code, path), sorted.
fn fixtures() -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    for dir in std::fs::read_dir(root().join("tests/fixtures/rules")).unwrap() {
        let dir = dir.unwrap().path();
        let code = dir.file_name().unwrap().to_string_lossy().into_owned();
        for file in std::fs::read_dir(&dir).unwrap() {
            let path = file.unwrap().path();
            if path.file_name().is_some_and(|n| n == "iamlint.toml") {
                continue;
            }
            out.push((code.clone(), path));
        }
    }
    out.sort();
    out
}

fn snapshot_settings() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings
}

/// Runs `code`'s fixtures with `code` alone: each `fail_` file raises it, no `pass_` file
/// does, and the rule finds the same there as when every rule runs (rules do not depend on
/// each other). Every fixture is checked before the test fails, so one does not hide another;
/// the snapshots are compared last.
fn rule_fixtures(code: &str) {
    let _guard = snapshot_settings().bind_to_scope();
    let tag = format!("[{code}]");
    let mut problems = Vec::new();
    let mut snapshots = Vec::new();
    for (_, path) in fixtures().into_iter().filter(|(c, _)| c == code) {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let findings = check_with(&path, Some(code));
        let fired = findings.iter().any(|f| f.contains(&tag));
        if name.starts_with("fail_") && !fired {
            problems.push(format!(
                "{code}/{name} should raise {code}; it raised {findings:#?}"
            ));
        } else if name.starts_with("pass_") && fired {
            problems.push(format!(
                "{code}/{name} must not raise {code}; it raised {findings:#?}"
            ));
        } else if !name.starts_with("fail_") && !name.starts_with("pass_") {
            problems.push(format!(
                "{code}/{name}: fixture names start with fail_ or pass_"
            ));
        }
        let among_all: Vec<String> = check(&path)
            .into_iter()
            .filter(|f| f.contains(&tag))
            .collect();
        if findings != among_all {
            problems.push(format!(
                "{code}/{name}: alone, {code} finds {findings:#?}; among all rules, {among_all:#?}"
            ));
        }
        let stem = name
            .rsplit_once('.')
            .map_or(name.as_str(), |(s, _)| s)
            .replace('@', "_");
        snapshots.push((format!("rule__{code}__{stem}"), findings.join("\n")));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    for (name, findings) in snapshots {
        insta::assert_snapshot!(name, findings);
    }
}

/// `rule_tests! { k003_key_user_administers => "K003", ... }`: one test per rule, written by
/// `build.rs` from the rulebook, so a new rule's test needs no edit here.
macro_rules! rule_tests {
    ($($test:ident => $code:literal,)*) => {
        $(
            #[test]
            fn $test() {
                rule_fixtures($code);
            }
        )*
    };
}

include!(concat!(env!("OUT_DIR"), "/rule_tests.rs"));

/// Every rule on every fixture, in one snapshot: what the rules say together.
#[test]
fn all_rules_corpus() {
    let _guard = snapshot_settings().bind_to_scope();
    let mut corpus = String::new();
    for (_, path) in fixtures() {
        let relative = path
            .strip_prefix(root())
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        corpus.push_str(&format!("## {relative}\n"));
        for finding in check(&path) {
            corpus.push_str(&finding);
            corpus.push('\n');
        }
    }
    insta::assert_snapshot!("fixtures__all_rules_corpus", corpus);
}

#[test]
fn every_rule_has_failing_and_passing_fixtures() {
    let fixtures = fixtures();
    for rule in iamlint::rules::all_rules() {
        // J006 needs a file over 16 MiB: tests/hostile.rs makes one instead of committing it.
        // L001 is about iamlint.toml, not a policy file: tests/ci.rs checks it with a config.
        if rule.code == "J006" || rule.code == "L001" {
            continue;
        }
        let names: Vec<String> = fixtures
            .iter()
            .filter(|(code, _)| code == rule.code)
            .map(|(_, p)| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert!(
            names.iter().any(|n| n.starts_with("fail_")),
            "{} has no failing fixture in tests/fixtures/rules/{}/",
            rule.code,
            rule.code
        );
        assert!(
            names.iter().any(|n| n.starts_with("pass_")),
            "{} has no passing fixture in tests/fixtures/rules/{}/",
            rule.code,
            rule.code
        );
    }
    for (code, path) in &fixtures {
        assert!(
            iamlint::rules::meta(code).is_some(),
            "{}: tests/fixtures/rules/{code}/ names no rule",
            path.display()
        );
    }
}

/// The seed guide as written: placeholders reported, the key policy's `Resource: "*"` and
/// root delegation not reported as warnings.
#[test]
fn seed_guide_placeholders_are_reported_and_key_policy_idioms_are_not() {
    let findings = check(&root().join("tests/fixtures/seed/kms-csfle-setup.md"));
    assert!(
        findings
            .iter()
            .any(|f| f.contains("[P016] unresolved placeholder `ACCOUNT-ID`")
                && f.contains(":32:30-32:40")),
        "{findings:#?}"
    );
    for f in &findings {
        if f.contains(" warning[") || f.contains(" error[") {
            assert!(
                f.contains("[P016]"),
                "only placeholders warn on the seed as written: {f}"
            );
        }
    }
}

#[test]
fn seed_guide_with_real_account_ids_has_no_warning() {
    let text =
        std::fs::read_to_string(root().join("tests/fixtures/seed/kms-csfle-setup.md")).unwrap();
    let filled = text
        .replace("ACCOUNT-ID", "111122223333")
        .replace("KEY-ID", "1234abcd-12ab-34cd-56ef-1234567890ab");
    let report = check_bytes(
        "seed.md",
        Path::new("seed.md"),
        filled.into_bytes(),
        format_of(Path::new("seed.md")),
        Origin::Explicit,
        &Options::default(),
    );
    let loud: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.severity >= iamlint::diagnostic::Severity::Warning)
        .map(|f| format!("{}:{} {} {}", f.line, f.column, f.rule, f.message))
        .collect();
    assert!(loud.is_empty(), "{loud:#?}");
    assert_eq!(report.documents.len(), 2);
    assert_eq!(report.documents[0].kind, PolicyKind::KmsKey);
    assert_eq!(report.documents[1].kind, PolicyKind::Identity);
}
