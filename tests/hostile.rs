//! Inputs that users and attackers really produce. Each gets a clear finding (rule code and
//! place) or an I/O error naming the path, the other files are still checked, the exit code
//! follows the documented rules, and nothing panics, hangs or exhausts memory.
//! `tests/cli.rs` covers the simple cases (BOM, empty, Latin-1, truncated, 10,000 `[`, UTF-16LE).

mod support;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

struct Run {
    stdout: String,
    stderr: String,
    code: Option<i32>,
}

/// Runs iamlint with `input` on stdin; a run that has not ended after a minute is a hang:
/// it is killed and the test fails (generous, so a loaded machine never trips it).
fn iamlint_with_stdin(dir: &Path, args: &[&str], input: Option<Vec<u8>>) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_iamlint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("iamlint starts");
    let writer = input.map(|bytes| {
        let mut stdin = child.stdin.take().expect("piped stdin");
        // iamlint stops reading at its size limit; the broken pipe after that is expected.
        std::thread::spawn(move || drop(stdin.write_all(&bytes)))
    });
    let stdout = child.stdout.take().expect("piped stdout");
    let stderr = child.stderr.take().expect("piped stderr");
    let out = std::thread::spawn(move || std::io::read_to_string(stdout).unwrap_or_default());
    let err = std::thread::spawn(move || std::io::read_to_string(stderr).unwrap_or_default());
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait works") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("iamlint {args:?} hung");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    if let Some(writer) = writer {
        writer.join().expect("writer thread");
    }
    Run {
        stdout: out.join().expect("stdout thread"),
        stderr: err.join().expect("stderr thread"),
        code: status.code(),
    }
}

fn iamlint(dir: &Path, args: &[&str]) -> Run {
    iamlint_with_stdin(dir, args, None)
}

fn concise(dir: &Path, paths: &[&str]) -> Run {
    let mut args = vec![
        "check",
        "--format",
        "concise",
        "--fail-on",
        "never",
        "--show",
        "info",
        "--quiet",
    ];
    args.extend(paths);
    iamlint(dir, &args)
}

fn has(run: &Run, needle: &str) {
    assert!(
        run.stdout.contains(needle),
        "expected `{needle}` in:\n{}\nstderr:\n{}",
        run.stdout,
        run.stderr
    );
}

const ALLOW_ALL: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]
}
"#;

fn policy_with(statement_member: &str) -> String {
    format!(
        "{{\"Version\": \"2012-10-17\", \"Statement\": [{{{statement_member}\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"*\"}}]}}"
    )
}

#[test]
fn invalid_utf8_is_reported_at_the_bad_byte_on_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    // Byte 14 is 0xFF, on line 2 after a two-byte `é`: column 12 counts characters.
    std::fs::write(p.join("bad.json"), b"{\n  \"Sid\": \"\xC3\xA9\xFF\"\n}\n").unwrap();
    std::fs::write(p.join("bad.md"), b"# T\n\n\xFE text\n").unwrap();
    let run = concise(p, &["bad.json", "bad.md"]);
    has(
        &run,
        "bad.json:2:12: error[J003] invalid UTF-8 at byte 14; policy documents must be UTF-8",
    );
    has(&run, "bad.md:3:1: error[J003] invalid UTF-8 at byte 5");
    assert_eq!(run.code, Some(0), "{}", run.stderr);
}

#[test]
fn utf16_with_either_byte_order_mark_is_j003() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let le: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(ALLOW_ALL.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    let be: Vec<u8> = [0xFE, 0xFF]
        .into_iter()
        .chain(ALLOW_ALL.encode_utf16().flat_map(u16::to_be_bytes))
        .collect();
    std::fs::write(p.join("le.json"), le).unwrap();
    std::fs::write(p.join("be.json"), be).unwrap();
    let run = concise(p, &["le.json", "be.json"]);
    has(&run, "le.json:1:1: error[J003] file is UTF-16 encoded");
    has(&run, "be.json:1:1: error[J003] file is UTF-16 encoded");
}

#[test]
fn utf16_without_byte_order_mark_is_j003_too() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let le: Vec<u8> = ALLOW_ALL
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    std::fs::write(p.join("le.json"), le).unwrap();
    let run = concise(p, &["le.json"]);
    has(
        &run,
        "le.json:1:1: error[J003] file looks UTF-16 encoded (no byte order mark)",
    );
}

#[test]
fn a_nul_byte_is_a_syntax_error_at_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let in_string = policy_with("\"Sid\": \"a\0b\", ");
    let column = in_string.find('\0').unwrap() + 1;
    std::fs::write(p.join("string.json"), in_string).unwrap();
    std::fs::write(p.join("between.json"), "{\n\0}").unwrap();
    // Outside a fence, a NUL is only Markdown text.
    std::fs::write(p.join("guide.md"), "# T\0\n").unwrap();
    let run = concise(p, &["string.json", "between.json", "guide.md"]);
    has(
        &run,
        &format!("string.json:1:{column}: error[J001] invalid JSON: control characters must be escaped inside a string"),
    );
    has(
        &run,
        "between.json:2:1: error[J001] invalid JSON: expected a string key in double quotes: found control character U+0000",
    );
    assert!(!run.stdout.contains("guide.md"), "{}", run.stdout);
}

#[test]
fn a_50_mb_file_is_j006_whether_named_walked_or_piped() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let big = 50 * 1024 * 1024;
    // A sparse file: 50 MB long without writing 50 MB.
    std::fs::File::create(p.join("huge.json"))
        .unwrap()
        .set_len(big)
        .unwrap();
    std::fs::write(p.join("policy.json"), ALLOW_ALL).unwrap();
    let message = "error[J006] file is 52428800 bytes, over iamlint's limit of 16777216 bytes";
    let run = concise(p, &["huge.json"]);
    has(&run, &format!("huge.json:1:1: {message}"));
    let run = concise(p, &["."]);
    has(&run, &format!("huge.json:1:1: {message}"));
    has(&run, "policy.json:3:");

    // A stream is read up to one byte past the limit, never to its end.
    let mut bytes = ALLOW_ALL.as_bytes().to_vec();
    bytes.resize(big as usize, b' ');
    let run = iamlint_with_stdin(
        p,
        &["check", "--format", "concise", "--fail-on", "never", "-"],
        Some(bytes),
    );
    has(
        &run,
        "-:1:1: error[J006] file is more than 16777216 bytes, over iamlint's limit",
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
}

#[test]
fn an_endless_stdin_stops_at_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let zero = std::fs::File::open("/dev/zero").expect("/dev/zero exists on Linux");
    let out = Command::new(env!("CARGO_BIN_EXE_iamlint"))
        .args(["check", "--format", "concise", "-"])
        .current_dir(dir.path())
        .stdin(zero)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("-:1:1: error[J006]"), "{text}");
    assert_eq!(out.status.code(), Some(1), "an error finding fails the run");
}

#[test]
fn nesting_100_000_deep_is_one_syntax_error() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let deep = "{\"a\":".repeat(100_000);
    std::fs::write(p.join("deep.json"), &deep).unwrap();
    std::fs::write(
        p.join("deep.md"),
        format!("# Deep\n\n```json\n{{\"Statement\": {deep}\n```\n"),
    )
    .unwrap();
    // The 129th `{` opens level 129; it starts at byte 128 * 5. In the fence, the outer
    // object is level 1, so it is the 128th of the run, after `{"Statement": `.
    let run = concise(p, &["deep.json", "deep.md"]);
    has(
        &run,
        "deep.json:1:641: error[J001] invalid JSON: nesting is deeper than 128 levels",
    );
    has(
        &run,
        "deep.md:4:650: error[J001] invalid JSON: nesting is deeper than 128 levels",
    );
}

#[test]
fn a_1_mb_string_is_checked_like_any_other() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let long = "a".repeat(1024 * 1024);
    let policy = policy_with(&format!("\"Sid\": \"{long} b\", "));
    // The `Sid` finding underlines the string's text, which starts after the quote.
    let column = policy.find(&long).unwrap() + 1;
    std::fs::write(p.join("long-sid.json"), &policy).unwrap();
    // 1 MB action patterns full of wildcards must not make pattern matching explode, even
    // when the service part matches every service.
    let actions = format!(
        "{{\"Version\": \"2012-10-17\", \"Statement\": [{{\"Effect\": \"Allow\", \"Action\": [\"s3:{}\", \"iam:{}\", \"*:{}\", \"*:{}\"], \"Resource\": \"*\"}}]}}",
        "*a".repeat(512 * 1024),
        "*?".repeat(512 * 1024),
        "*a".repeat(512 * 1024),
        "*".repeat(1024 * 1024)
    );
    std::fs::write(p.join("long-action.json"), actions).unwrap();
    let run = concise(p, &["long-sid.json", "long-action.json"]);
    // Each pattern was expanded against the catalog: all but the run of `*` match nothing.
    has(&run, "long-action.json:1:73: error[C003]");
    assert_eq!(
        run.stdout.matches("error[C003]").count(),
        3,
        "{}",
        run.stdout
    );
    has(&run, &format!("long-sid.json:1:{column}: error[P008]"));
    let line = run.stdout.lines().find(|l| l.contains("P008")).unwrap();
    assert!(
        line.len() < 1000,
        "the message quotes the value shortened: {line}"
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    // The human format shows the offending line: it must cope with a 1 MB one.
    let run = iamlint(p, &["check", "--fail-on", "never", "long-sid.json"]);
    assert!(run.stdout.contains("P008"), "{}", run.stderr);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    // Wide characters take two columns each: 40,000 of them before a finding on one line.
    let wide = format!(
        r#"{{"Version": "2012-10-17", "Statement": [{{"Sid": "{}", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::ACCOUNT-ID/*"}}]}}"#,
        "鍵".repeat(40_000)
    );
    std::fs::write(p.join("wide-sid.json"), wide).unwrap();
    let run = iamlint(p, &["check", "--fail-on", "never", "wide-sid.json"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stdout.contains("P016"), "{}", run.stdout);
}

#[test]
fn an_object_of_200_000_keys_on_one_line_is_not_quadratic() {
    // A minified policy (one line, a non-ASCII character first) whose condition block has
    // 200,000 keys, the last one twice: duplicate keys and columns are both found without
    // comparing every key with every other or counting from the line's start each time.
    let dir = tempfile::tempdir().unwrap();
    let keys: Vec<String> = (0..200_000).map(|i| format!("\"k{i}\": \"v\"")).collect();
    let policy = format!(
        "{{\"Version\": \"2012-10-17\", \"Statement\": [{{\"Sid\": \"é\", \"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"*\", \"Condition\": {{\"StringEquals\": {{{}, \"k99999\": \"w\"}}}}}}]}}",
        keys.join(", ")
    );
    std::fs::write(dir.path().join("wide.json"), &policy).unwrap();
    let run = concise(dir.path(), &["wide.json"]);
    // Columns count characters: `é` is two bytes and one column.
    let column = policy.rfind("\"k99999\"").unwrap() + 2 - 1;
    has(&run, &format!("wide.json:1:{column}: error[J002]"));
    assert_eq!(
        run.stdout.matches("[N001]").count(),
        200_001,
        "{}",
        run.stderr
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
}

#[test]
fn a_policy_of_150_000_statements_is_linear() {
    // 10 MB, each statement with its own `Sid` and a finding (`Resource: "*"`, C007), one
    // duplicate `Sid` at the end: finding each finding's statement, or each `Sid`'s first
    // use, by searching the statements before it would take minutes (the run's minute-long
    // hang limit catches it); linear work takes about a second.
    let dir = tempfile::tempdir().unwrap();
    let statements: Vec<String> = (0..150_000)
        .map(|i| {
            format!(
                "{{\"Sid\": \"S{i}\", \"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"*\"}}"
            )
        })
        .chain(std::iter::once(
            "{\"Sid\": \"S7\", \"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"arn:aws:s3:::b/*\"}".to_string(),
        ))
        .collect();
    let policy = format!(
        "{{\"Version\": \"2012-10-17\", \"Statement\": [\n{}\n]}}",
        statements.join(",\n")
    );
    assert!(policy.len() > 10_000_000);
    std::fs::write(dir.path().join("many.json"), &policy).unwrap();
    let run = concise(dir.path(), &["many.json"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(run.stdout.matches("info[C007]").count(), 150_000);
    has(&run, "many.json:150001:");
    has(
        &run,
        "many.json:150002:10: error[P010] `Sid` `S7` is used by an earlier",
    );
}

#[test]
fn the_human_format_does_not_quote_a_minified_line_for_each_finding() {
    // 3,000 unknown condition keys on one 45 KB line: quoting the line with each finding
    // would print (and hold) the file 3,000 times over.
    let dir = tempfile::tempdir().unwrap();
    let keys: Vec<String> = (0..3_000).map(|i| format!("\"k{i}\": \"v\"")).collect();
    let policy = format!(
        "{{\"Version\": \"2012-10-17\", \"Statement\": [{{\"Effect\": \"Allow\", \"Action\": \"s3:GetObject\", \"Resource\": \"*\", \"Condition\": {{\"StringEquals\": {{{}}}}}}}]}}",
        keys.join(", ")
    );
    std::fs::write(dir.path().join("min.json"), &policy).unwrap();
    let run = iamlint(dir.path(), &["check", "--fail-on", "never", "min.json"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(run.stdout.matches("N001[").count(), 3_000);
    // Each finding still says where it is.
    let column = policy.find("\"k2999\"").unwrap() + 2;
    has(
        &run,
        &format!("at min.json:1:{column} (its line is too long to quote)"),
    );
    assert!(
        run.stdout.len() < 3_000 * 1_000,
        "{} bytes of output",
        run.stdout.len()
    );
}

#[test]
fn huge_numbers_are_kept_as_written() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(
        p.join("numbers.json"),
        r#"{"Version": 1e999, "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
  "Condition": {"NumericLessThan": {"s3:max-keys": [1e999, -1E-999, 123456789012345678901234567890, -0]}}}]}"#,
    )
    .unwrap();
    let run = concise(p, &["numbers.json"]);
    has(
        &run,
        "numbers.json:1:13: error[P017] `Version` must be a string, not a number",
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let run = iamlint(p, &["check", "--format", "json", "numbers.json"]);
    assert!(
        run.stdout.contains("\"snippet\": \"1e999\""),
        "{}",
        run.stdout
    );
}

/// 100,000 files take long to create and check in a debug build; this test uses 20,000
/// (enough to show that the run scales and that nothing is kept per file), and
/// `scripts/hostile-large.sh` runs the full 100,000 on the release binary.
#[test]
fn a_directory_of_many_small_files() {
    many_small_files(20_000);
}

#[test]
#[ignore = "slow: run by scripts/hostile-large.sh"]
fn a_directory_of_100_000_small_files() {
    many_small_files(100_000);
}

fn many_small_files(count: usize) {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    for i in 0..count {
        let sub = p.join(format!("{:03}", i / 1000));
        if i % 1000 == 0 {
            std::fs::create_dir(&sub).unwrap();
        }
        let action = if i % 1000 == 999 { "*" } else { "s3:GetObject" };
        std::fs::write(
            sub.join(format!("{i:06}.json")),
            format!("{{\"Version\":\"2012-10-17\",\"Statement\":[{{\"Effect\":\"Allow\",\"Action\":\"{action}\",\"Resource\":\"arn:aws:s3:::b/*\"}}]}}"),
        )
        .unwrap();
    }
    let run = iamlint(p, &["check", "--format", "json", "--select", "A001", "."]);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON output");
    assert_eq!(report["summary"]["files"], count);
    assert_eq!(report["summary"]["documents"], count);
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(findings.len(), count / 1000, "one `*` per thousand files");
    assert!(findings[0]["path"]
        .as_str()
        .unwrap()
        .ends_with("000999.json"));
    // The walk runs on every core; the report still goes in the order of the paths.
    let paths: Vec<&str> = findings
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert!(paths.windows(2).all(|w| w[0] < w[1]), "{paths:?}");
    assert_eq!(run.code, Some(1));
}

#[cfg(unix)]
#[test]
fn symlink_loops_are_errors_when_named_and_skipped_in_a_walk() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::create_dir(p.join("tree")).unwrap();
    std::fs::write(p.join("tree/policy.json"), ALLOW_ALL).unwrap();
    symlink("a.json", p.join("tree/b.json")).unwrap();
    symlink("b.json", p.join("tree/a.json")).unwrap();
    symlink("..", p.join("tree/up")).unwrap();
    let run = concise(p, &["tree"]);
    has(&run, "tree/policy.json:3:");
    assert_eq!(run.stderr, "", "symlinks are not followed in a walk");
    assert_eq!(run.code, Some(0));

    let run = concise(p, &["tree/a.json", "tree/policy.json"]);
    assert!(
        run.stderr.contains("tree/a.json") && run.stderr.contains("symbolic links"),
        "{}",
        run.stderr
    );
    has(&run, "tree/policy.json:3:");
    assert_eq!(run.code, Some(2), "an unreadable path makes it 2");
}

/// As root, `chmod 000` does not stop a read: a path through a regular file is one that
/// no user can open.
#[test]
fn an_unreadable_path_is_an_error_and_the_run_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(p.join("file.json"), ALLOW_ALL).unwrap();
    let run = concise(p, &["file.json/inner.json", "file.json"]);
    assert!(
        run.stderr.contains("file.json/inner.json") && run.stderr.contains("Not a directory"),
        "{}",
        run.stderr
    );
    has(&run, "file.json:3:");
    assert_eq!(run.code, Some(2));
}

#[cfg(unix)]
#[test]
fn fifos_never_hang_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::create_dir(p.join("tree")).unwrap();
    std::fs::write(p.join("tree/policy.json"), ALLOW_ALL).unwrap();
    let status = Command::new("mkfifo")
        .arg(p.join("tree/pipe.json"))
        .status()
        .expect("mkfifo runs");
    assert!(status.success());
    // In a walk a FIFO is not a regular file, so it is never opened.
    let run = concise(p, &["tree"]);
    has(&run, "tree/policy.json:3:");
    assert!(!run.stdout.contains("pipe.json"), "{}", run.stdout);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    // Named explicitly: an error, reported without opening it.
    let run = concise(p, &["tree/pipe.json", "tree/policy.json"]);
    assert!(
        run.stderr.contains("tree/pipe.json: not a regular file"),
        "{}",
        run.stderr
    );
    has(&run, "tree/policy.json:3:");
    assert_eq!(run.code, Some(2));
}

/// The walker reads each directory's `.gitignore` and `.ignore` to the end: a FIFO there
/// would block it, so such a directory is reported and left out.
#[cfg(unix)]
#[test]
fn a_fifo_in_place_of_an_ignore_file_never_hangs_the_walk() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::create_dir_all(p.join("tree/sub")).unwrap();
    std::fs::write(p.join("tree/policy.json"), ALLOW_ALL).unwrap();
    std::fs::write(p.join("tree/sub/policy.json"), ALLOW_ALL).unwrap();
    let mkfifo = |path: &Path| {
        assert!(Command::new("mkfifo").arg(path).status().unwrap().success());
    };
    mkfifo(&p.join("tree/sub/.gitignore"));
    let run = concise(p, &["tree"]);
    has(&run, "tree/policy.json:3:");
    assert!(!run.stdout.contains("sub/policy.json"), "{}", run.stdout);
    assert!(
        run.stderr.contains("tree/sub: not walked: its ignore file")
            && run.stderr.contains("is not a regular file"),
        "{}",
        run.stderr
    );
    assert_eq!(run.code, Some(2));
    mkfifo(&p.join("tree/.ignore"));
    let run = concise(p, &["tree", "tree/policy.json"]);
    assert!(run.stderr.contains("tree: not walked"), "{}", run.stderr);
    has(&run, "tree/policy.json:3:");
    assert_eq!(run.code, Some(2));
}

#[test]
fn empty_and_blank_files() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::create_dir(p.join("tree")).unwrap();
    std::fs::write(p.join("tree/empty.json"), "").unwrap();
    std::fs::write(p.join("tree/empty.md"), "").unwrap();
    std::fs::write(p.join("tree/blank.json"), "  \n\t\n").unwrap();
    // Walked, a file that is not a policy is skipped quietly.
    let run = concise(p, &["tree"]);
    assert_eq!(run.stdout, "", "{}", run.stderr);
    assert_eq!(run.code, Some(0));
    // Named, an empty Markdown file holds no documents; a blank JSON file is a syntax error
    // at its end.
    let run = concise(p, &["tree/empty.md", "tree/blank.json"]);
    assert_eq!(
        run.stdout.trim_end(),
        "tree/blank.json:3:1: error[J001] invalid JSON: expected a JSON value: reached the end of the input",
    );
}

#[test]
fn json_that_is_not_an_object_is_j005_when_named() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::create_dir(p.join("tree")).unwrap();
    std::fs::write(
        p.join("tree/array.json"),
        format!("[{}]", ALLOW_ALL.trim_end()),
    )
    .unwrap();
    std::fs::write(p.join("tree/string.json"), "\n  \"arn:aws:s3:::bucket\"\n").unwrap();
    std::fs::write(p.join("tree/null.json"), "null").unwrap();
    let run = concise(
        p,
        &["tree/array.json", "tree/string.json", "tree/null.json"],
    );
    has(
        &run,
        "tree/array.json:1:1: info[J005] not a policy document: its top-level value is an array",
    );
    has(
        &run,
        "tree/string.json:2:3: info[J005] not a policy document: its top-level value is a string",
    );
    has(
        &run,
        "tree/null.json:1:1: info[J005] not a policy document: its top-level value is null",
    );
    let run = concise(p, &["tree"]);
    assert_eq!(run.stdout, "", "skipped quietly in a walk");
}

#[test]
fn an_unterminated_fence_is_j007_and_its_policy_is_still_checked() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(
        p.join("guide.md"),
        format!("# Guide\n\nAttach this:\n\n  ````json\n{ALLOW_ALL}"),
    )
    .unwrap();
    std::fs::write(
        p.join("cut.md"),
        "# Cut\n~~~json\n{\"Version\": \"2012-10-17\", \"Statement\": [\n",
    )
    .unwrap();
    let run = concise(p, &["guide.md", "cut.md"]);
    has(
        &run,
        "guide.md:5:3: warning[J007] this code fence is never closed",
    );
    has(&run, "guide.md:8:");
    assert!(run.stdout.contains("[A001]"), "{}", run.stdout);
    has(&run, "cut.md:2:1: warning[J007]");
    has(&run, "cut.md:4:1: error[J001] invalid JSON");
}

/// Every hostile input at once, among good files: each gets its own finding or error, and
/// the exit code is the documented one.
#[cfg(unix)]
#[test]
fn one_run_over_every_hostile_input_reports_each_and_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    for name in support::hostile_fixtures() {
        std::fs::copy(&name, p.join(name.file_name().unwrap())).unwrap();
    }
    std::fs::write(p.join("zz-good.json"), ALLOW_ALL).unwrap();
    let status = Command::new("mkfifo")
        .arg(p.join("fifo.json"))
        .status()
        .unwrap();
    assert!(status.success());
    let run = iamlint(p, &["check", "--format", "json", "--fail-on", "never", "."]);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON output");
    assert!(report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["path"] == "./zz-good.json" && f["rule"] == "A001"));
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let run = iamlint(p, &["check", "--format", "concise", "."]);
    assert_eq!(run.code, Some(1), "findings at the threshold fail the run");
}

/// The regression fixtures (crashes the fuzzer found, and inputs that once misplaced a
/// finding) keep passing the same invariants the fuzzer checks.
#[test]
fn regression_fixtures_keep_their_invariants() {
    let fixtures = support::hostile_fixtures();
    assert!(!fixtures.is_empty());
    for path in fixtures {
        let bytes = std::fs::read(&path).unwrap();
        support::invariants::check_all_ways(&bytes);
    }
}

/// A template whose resource holds `policy` (YAML text indented under `PolicyDocument:`).
fn template_with(policy: &str) -> String {
    format!(
        "AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  P:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument:\n{policy}"
    )
}

const YAML_ALLOW_ALL: &str = "        Version: \"2012-10-17\"\n        Statement:\n          - Effect: Allow\n            Action: \"*\"\n            Resource: \"*\"\n";

#[test]
fn a_yaml_alias_bomb_is_refused_at_its_alias_quickly() {
    // Nine levels of ten aliases each: a billion values if expanded.
    let mut bomb = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..10 {
        let p = i - 1;
        let refs = vec![format!("*a{p}"); 10].join(", ");
        bomb.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
    }
    bomb.push_str("Resources: {P: {Type: AWS::IAM::Policy, Properties: {PolicyDocument: {Statement: *a9}}}}\n");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bomb.yaml"), &bomb).unwrap();
    std::fs::write(dir.path().join("ok.yaml"), template_with(YAML_ALLOW_ALL)).unwrap();
    let started = Instant::now();
    let run = concise(dir.path(), &["."]);
    has(&run, "bomb.yaml:");
    has(&run, "error[J008] YAML aliases expand to more than");
    has(&run, "ok.yaml:10:22: warning[A001]");
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn a_huge_anchor_copied_many_times_is_bounded() {
    let items = vec!["s3:GetObject"; 50_000].join(", ");
    let mut text = format!("AWSTemplateFormatVersion: x\nBig: &big [{items}]\n");
    for i in 0..100 {
        text.push_str(&format!("Copy{i}: *big\n"));
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("anchor.yaml"),
        format!("{text}Resources: {{}}\n"),
    )
    .unwrap();
    let run = concise(dir.path(), &["anchor.yaml"]);
    has(&run, "error[J008] YAML aliases expand to more than");
}

#[test]
fn deep_yaml_nesting_is_one_error_at_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let flow = format!(
        "AWSTemplateFormatVersion: x\nResources: {}\n",
        "[".repeat(100_000)
    );
    std::fs::write(dir.path().join("flow.yaml"), flow).unwrap();
    let mut block = String::from("AWSTemplateFormatVersion: x\nResources:\n");
    for depth in 0..1_000 {
        block.push_str(&" ".repeat(depth * 2 + 2));
        block.push_str("- \n");
    }
    std::fs::write(dir.path().join("block.yaml"), block).unwrap();
    let run = concise(dir.path(), &["flow.yaml", "block.yaml"]);
    let errors = run
        .stdout
        .lines()
        .filter(|l| l.contains("error[J008]"))
        .count();
    assert_eq!(errors, 2, "{}", run.stdout);
    has(&run, "flow.yaml:2:");
}

#[test]
fn unknown_tags_tabs_and_bad_bytes_in_templates() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    // Tags CloudFormation tools add (rain, custom transforms) are accepted as opaque values.
    let tagged = template_with(YAML_ALLOW_ALL).replace(
        "Resources:\n",
        "Metadata: !Rain::Embed meta.yaml\nBlob: !!binary aGVsbG8=\nOther: !<tag:example.com,2026:x> 1\nResources:\n",
    );
    std::fs::write(p.join("tags.yaml"), tagged).unwrap();
    // A tab in the indentation: an error at the tab.
    std::fs::write(
        p.join("tab.yaml"),
        template_with("\tVersion: \"2012-10-17\"\n"),
    )
    .unwrap();
    // Invalid UTF-8 inside a template.
    let mut bad = template_with(YAML_ALLOW_ALL).into_bytes();
    bad.extend_from_slice(b"# caf\xe9\n");
    std::fs::write(p.join("latin1.yaml"), bad).unwrap();
    let run = concise(p, &["tags.yaml", "tab.yaml", "latin1.yaml"]);
    has(&run, "tags.yaml:13:22: warning[A001]");
    has(&run, "tab.yaml:7:1: error[J008] invalid YAML");
    has(&run, "latin1.yaml:12:6: error[J003] invalid UTF-8");
}

#[test]
fn a_50_mb_template_is_j006_and_a_large_one_is_checked() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::File::create(p.join("huge.template.yaml"))
        .unwrap()
        .set_len(50 * 1024 * 1024)
        .unwrap();
    // 2,000 resources, each a policy: about 1 MB of YAML.
    let mut large = String::from("AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n");
    for i in 0..2_000 {
        large.push_str(&format!(
            "  P{i}:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument:\n{YAML_ALLOW_ALL}"
        ));
    }
    std::fs::write(p.join("large.yaml"), large).unwrap();
    let started = Instant::now();
    let run = concise(p, &["."]);
    has(&run, "huge.template.yaml:1:1: error[J006]");
    let a001 = run
        .stdout
        .lines()
        .filter(|l| l.contains("large.yaml") && l.contains("[A001]"))
        .count();
    assert_eq!(a001, 2_000);
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "took {:?}",
        started.elapsed()
    );
}

const TF_ALLOW_ALL: &str = "resource \"aws_iam_policy\" \"p\" {\n  policy = jsonencode({\n    Version   = \"2012-10-17\"\n    Statement = [{ Effect = \"Allow\", Action = \"*\", Resource = \"*\" }]\n  })\n}\n";

#[test]
fn hostile_terraform_is_reported_at_its_place_and_the_run_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    // An unterminated heredoc runs to the end of the file: J010, labelled at its opening.
    std::fs::write(
        p.join("heredoc.tf"),
        "resource \"aws_iam_policy\" \"p\" {\n  policy = <<EOF\n{\"Statement\": []}\n}\n",
    )
    .unwrap();
    // 100,000 nested brackets: one error, no stack overflow.
    let deep = format!(
        "x = jsonencode({}{})\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    std::fs::write(p.join("deep.tf"), deep).unwrap();
    // Invalid UTF-8 in a module.
    std::fs::write(p.join("latin1.tf"), b"# caf\xe9\nx = 1\n").unwrap();
    // A heredoc interpolation that never closes, and a template whose directive does not.
    std::fs::write(
        p.join("interp.tf"),
        "resource \"aws_iam_policy\" \"p\" {\n  policy = <<EOF\n{\"Statement\": ${var.x\nEOF\n}\n",
    )
    .unwrap();
    std::fs::write(
        p.join("open.json.tpl"),
        "{\"Statement\": [%{ for x in y \n]}\n",
    )
    .unwrap();
    // Plan JSON whose policy string is not JSON, at the offending character inside it.
    std::fs::write(
        p.join("plan.json"),
        r#"{"format_version":"1.2","terraform_version":"1.9.0","planned_values":{"root_module":{"resources":[{"address":"aws_iam_policy.p","mode":"managed","type":"aws_iam_policy","name":"p","values":{"policy":"{\"Statement\": [}"}}]}}}"#,
    )
    .unwrap();
    std::fs::write(p.join("ok.tf"), TF_ALLOW_ALL).unwrap();
    let run = concise(
        p,
        &[
            "heredoc.tf",
            "deep.tf",
            "latin1.tf",
            "interp.tf",
            "open.json.tpl",
            "plan.json",
            "ok.tf",
        ],
    );
    has(&run, "heredoc.tf:3:1: error[J010] invalid HCL");
    has(&run, "deep.tf:1:");
    has(&run, "error[J010] invalid HCL: invalid nesting depth");
    has(&run, "latin1.tf:1:6: error[J003] invalid UTF-8");
    has(&run, "interp.tf:4:1: error[J010] invalid HCL");
    has(&run, "open.json.tpl:1:16: info[J011]");
    has(&run, "plan.json:1:");
    has(
        &run,
        "error[J001] invalid JSON: expected a JSON value: found `}`",
    );
    has(&run, "ok.tf:4:48: warning[A001]");
}

#[test]
fn a_terraform_module_with_thousands_of_policies_is_quick() {
    let dir = tempfile::tempdir().unwrap();
    let mut module = String::new();
    for i in 0..2_000 {
        module.push_str(&TF_ALLOW_ALL.replace("\"p\"", &format!("\"p{i}\"")));
    }
    std::fs::write(dir.path().join("big.tf"), &module).unwrap();
    let started = Instant::now();
    let run = concise(dir.path(), &["big.tf"]);
    assert_eq!(
        run.stdout.matches("[A001]").count(),
        2_000,
        "{}",
        run.stderr
    );
    // Generous: the point is that nothing is quadratic, not a timing claim.
    assert!(started.elapsed() < Duration::from_secs(50));
}
