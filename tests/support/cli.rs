//! Running the built `iamlint` binary as a user would, and snapshotting what it prints.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// Runs `iamlint ARGS` in `dir`, without colour.
pub fn iamlint(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_iamlint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("iamlint runs")
}

/// Runs `iamlint ARGS` in `dir` with `input` on its standard input, without colour.
pub fn iamlint_with_input(dir: &Path, args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_iamlint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("iamlint runs");
    let mut stdin = child.stdin.take().expect("piped stdin");
    stdin.write_all(input).expect("stdin takes the input");
    drop(stdin);
    child.wait_with_output().expect("iamlint ends")
}

pub fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A snapshot in the top-level `snapshots/` folder, named without the test module.
pub fn snapshot(name: &str, value: String) {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| insta::assert_snapshot!(name, value));
}
