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
    let runs: [(&[&str], i32); 7] = [
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
