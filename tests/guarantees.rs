//! Promises that hold for every run: the output does not depend on the number of threads,
//! inputs are never written, and nothing in the build can talk to a network.

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A tree with many files that have findings, in JSON and Markdown, nested.
fn corpus() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..300 {
        let sub = dir.path().join(format!("d{}", i % 7));
        std::fs::create_dir_all(&sub).unwrap();
        let action = ["*", "s3:*", "iam:PassRole", "kms:Decrypt"][i % 4];
        let policy = format!(
            "{{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{{\"Sid\": \"s-{i}\", \"Effect\": \"Allow\", \"Action\": \"{action}\", \"Resource\": \"arn:aws:s3:::ACCOUNT-ID-{i}/*\"}}]\n}}\n"
        );
        std::fs::write(sub.join(format!("p{i:03}.json")), &policy).unwrap();
        if i % 10 == 0 {
            std::fs::write(
                sub.join(format!("guide{i:03}.md")),
                format!(
                    "# Guide {i}\n\n```json\n{policy}```\n\n```json\n{{\"Statement\": [}}\n```\n"
                ),
            )
            .unwrap();
        }
    }
    dir
}

fn run(dir: &Path, threads: &str, format: &str) -> Vec<u8> {
    let out = Command::new(env!("CARGO_BIN_EXE_iamlint"))
        .args(["check", "--format", format, "--color", "never", "."])
        .current_dir(dir)
        .env("RAYON_NUM_THREADS", threads)
        .output()
        .expect("iamlint runs");
    assert_eq!(out.status.code(), Some(1), "the corpus has findings");
    out.stdout
}

#[test]
fn output_is_the_same_on_one_thread_and_on_two() {
    let dir = corpus();
    for format in ["json", "concise", "human"] {
        let one = run(dir.path(), "1", format);
        let two = run(dir.path(), "2", format);
        assert!(one.len() > 1000, "{format}: the corpus produced findings");
        assert!(
            one == two,
            "{format}: output differs between 1 and 2 threads"
        );
    }
}

/// Content and modification time of every file under `dir`.
fn fingerprint(dir: &Path) -> Vec<(PathBuf, Vec<u8>, std::time::SystemTime)> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let meta = std::fs::metadata(&path).unwrap();
                files.push((
                    path.clone(),
                    std::fs::read(&path).unwrap(),
                    meta.modified().unwrap(),
                ));
            }
        }
    }
    files.sort();
    files
}

#[test]
fn inputs_are_never_written() {
    let dir = corpus();
    let hostile = repo().join("tests/fixtures/hostile");
    for entry in std::fs::read_dir(&hostile).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
    }
    let before = fingerprint(dir.path());
    for format in ["human", "concise", "json"] {
        let status = Command::new(env!("CARGO_BIN_EXE_iamlint"))
            .args(["check", "--format", format, "."])
            .current_dir(dir.path())
            .output()
            .unwrap()
            .status;
        assert_eq!(status.code(), Some(1));
    }
    let after = fingerprint(dir.path());
    assert_eq!(before.len(), after.len(), "no file was added or removed");
    for (b, a) in before.iter().zip(&after) {
        assert_eq!(b.0, a.0);
        assert!(b.1 == a.1, "{} changed", b.0.display());
        assert_eq!(b.2, a.2, "{} was touched", b.0.display());
    }
}

/// Crates whose job is talking over a network. iamlint works offline; none of these may
/// enter the build, directly or through a dependency (dev-dependencies included).
const NETWORK_CRATES: &[&str] = &[
    "reqwest",
    "hyper",
    "ureq",
    "curl",
    "curl-sys",
    "isahc",
    "surf",
    "attohttpc",
    "h2",
    "h3",
    "quinn",
    "tokio",
    "async-std",
    "mio",
    "socket2",
    "native-tls",
    "openssl",
    "rustls",
    "tungstenite",
    "websocket",
    "http",
    "trust-dns-resolver",
    "hickory-resolver",
    "ssh2",
    "libssh2-sys",
];

#[test]
fn no_networking_crate_is_in_the_dependency_tree() {
    let lock = std::fs::read_to_string(repo().join("Cargo.lock")).expect("Cargo.lock is committed");
    let names: Vec<&str> = lock
        .lines()
        .filter_map(|line| line.strip_prefix("name = \""))
        .filter_map(|rest| rest.strip_suffix('"'))
        .collect();
    assert!(
        names.contains(&"serde_json") && names.contains(&"iamlint"),
        "Cargo.lock was parsed: {names:?}"
    );
    let found: Vec<&&str> = names
        .iter()
        .filter(|name| NETWORK_CRATES.contains(name))
        .collect();
    assert!(
        found.is_empty(),
        "networking crates in Cargo.lock: {found:?}"
    );
}
