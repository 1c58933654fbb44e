//! What the package declares holds.
//!
//! The minimum Rust version is declared once (`rust-version` in Cargo.toml), said once in the
//! README, and stays true: every locked dependency, dev-dependencies included (the README's
//! second command is `cargo test`), must build on it. A dependency added or updated to a
//! version that needs a newer compiler fails here, naming it.

use std::path::Path;
use std::process::Command;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `1.88`, `1.89.0` → comparable numbers; a missing part counts as 0 (`1.88` = `1.88.0`).
fn version(text: &str) -> Option<(u64, u64, u64)> {
    let mut parts = text.trim().split('.').map(|p| p.parse::<u64>().ok());
    let major = parts.next()??;
    let minor = parts.next().unwrap_or(Some(0))?;
    let patch = parts.next().unwrap_or(Some(0))?;
    parts.next().is_none().then_some((major, minor, patch))
}

/// The packages whose `rust_version` is newer than `declared`, as `name version (needs X)`.
fn needing_more(metadata: &serde_json::Value, declared: (u64, u64, u64)) -> Vec<String> {
    let packages = metadata["packages"]
        .as_array()
        .expect("metadata lists packages");
    packages
        .iter()
        .filter_map(|package| {
            let needs = package["rust_version"].as_str()?;
            let parsed =
                version(needs).unwrap_or_else(|| panic!("unreadable rust_version {needs}"));
            (parsed > declared).then(|| {
                format!(
                    "{} {} (needs {needs})",
                    package["name"].as_str().unwrap_or("?"),
                    package["version"].as_str().unwrap_or("?")
                )
            })
        })
        .collect()
}

fn metadata() -> serde_json::Value {
    // `--locked`: the versions in Cargo.lock, the ones a user builds; `--offline`: the test
    // needs no network, and `cargo test` has already fetched every package it lists.
    let out = Command::new(env!("CARGO"))
        .args(["metadata", "--locked", "--offline", "--format-version", "1"])
        .arg("--manifest-path")
        .arg(repo().join("Cargo.toml"))
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("cargo metadata prints JSON")
}

fn declared(metadata: &serde_json::Value) -> String {
    let root = metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "iamlint")
        .expect("iamlint is among the packages");
    root["rust_version"]
        .as_str()
        .expect("Cargo.toml declares rust-version")
        .to_string()
}

#[test]
fn no_locked_dependency_needs_a_newer_rust_than_declared() {
    let metadata = metadata();
    let declared_text = declared(&metadata);
    let declared = version(&declared_text).expect("a version such as 1.89");
    let too_new = needing_more(&metadata, declared);
    assert!(
        too_new.is_empty(),
        "Cargo.toml declares rust-version {declared_text}, but locked dependencies need more: \
         {too_new:#?}\nRaise rust-version (and the README), or lock an older version \
         (`cargo update -p NAME --precise VERSION`)."
    );
    // The check can fail: one minor version below the declared one is caught by some package
    // (at least iamlint itself, which declares exactly `declared`).
    let older = (declared.0, declared.1 - 1, 0);
    assert!(!needing_more(&metadata, older).is_empty());
}

#[test]
fn the_declared_version_is_the_minimum_some_dependency_needs() {
    // Declaring more than needed turns users away for nothing: some package other than
    // iamlint must need exactly the declared version.
    let metadata = metadata();
    let declared_text = declared(&metadata);
    let declared = version(&declared_text).unwrap();
    let needed = metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["name"] != "iamlint")
        .filter_map(|p| version(p["rust_version"].as_str()?))
        .max()
        .expect("some dependency declares rust-version");
    assert_eq!(
        (needed.0, needed.1),
        (declared.0, declared.1),
        "the newest rust-version among the locked dependencies"
    );
}

#[test]
fn the_readme_states_the_declared_version_once() {
    let declared = declared(&metadata());
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    // Every `Rust 1.NN` the README states, so that an old one left elsewhere is caught.
    let stated: Vec<&str> = readme
        .match_indices("Rust 1.")
        .map(|(at, _)| {
            let rest = &readme[at + "Rust ".len()..];
            let end = rest
                .find(|c: char| !c.is_ascii_digit() && c != '.')
                .unwrap_or(rest.len());
            rest[..end].trim_end_matches('.')
        })
        .collect();
    assert_eq!(
        stated,
        [declared.as_str()],
        "the README names the version once"
    );
}

#[test]
fn versions_compare_as_numbers() {
    assert_eq!(version("1.88"), Some((1, 88, 0)));
    assert_eq!(version("1.89.0"), Some((1, 89, 0)));
    assert!(version("1.100").unwrap() > version("1.99.9").unwrap());
    assert_eq!(version("1.x"), None);
}

#[test]
fn the_licence_and_every_file_the_package_includes_exist() {
    let metadata = metadata();
    let manifest = std::fs::read_to_string(repo().join("Cargo.toml")).unwrap();
    let include = manifest
        .lines()
        .find_map(|line| line.strip_prefix("include = "))
        .expect("Cargo.toml lists what the package includes");
    let plain: Vec<&str> = include
        .trim_matches(|c| c == '[' || c == ']')
        .split(',')
        .map(|entry| entry.trim().trim_matches('"'))
        .filter(|entry| !entry.contains('*'))
        .collect();
    assert!(plain.contains(&"LICENSE"), "{plain:?}");
    for path in plain {
        assert!(
            repo().join(path).is_file(),
            "Cargo.toml includes {path}, which is missing"
        );
    }
    let root = metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "iamlint")
        .unwrap();
    assert_eq!(root["license"], "MIT");
    let licence = std::fs::read_to_string(repo().join("LICENSE")).unwrap();
    assert!(
        licence.starts_with("MIT License"),
        "LICENSE is the MIT licence"
    );
}

/// What `pgo/rustc-wrapper` runs for a compilation with `args`, with `echo` as the compiler so
/// the command is printed rather than run.
fn wrapped(args: &[&str], pgo: Option<&str>) -> String {
    let mut command = Command::new("sh");
    command
        .arg(repo().join("pgo/rustc-wrapper"))
        .arg("echo")
        .args(args);
    command.env_remove("IAMLINT_PGO");
    if let Some(value) = pgo {
        command.env("IAMLINT_PGO", value);
    }
    let out = command.output().expect("sh runs the wrapper");
    assert!(out.status.success(), "{out:?}");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_release_build_of_iamlint_alone_gets_the_profile() {
    let profile = repo().join("pgo/iamlint.profdata");
    let release = ["--crate-name", "iamlint", "-C", "opt-level=3", "src/lib.rs"];
    let with = wrapped(&release, None);
    assert!(
        with.contains(&format!("-Cprofile-use={}", profile.display())),
        "{with}"
    );
    // Everything else goes through as it came.
    let passed = |args: &[&str], pgo| {
        assert_eq!(
            wrapped(args, pgo),
            format!("{}\n", args.join(" ")),
            "{args:?}"
        );
    };
    passed(&release, Some("0"));
    passed(&["--crate-name", "memchr", "-C", "opt-level=3"], None);
    passed(&["--crate-name", "iamlint", "-C", "debuginfo=2"], None);
    passed(
        &["--crate-name", "iamlint_bench", "-C", "opt-level=3"],
        None,
    );
    passed(
        &[
            "--crate-name",
            "iamlint",
            "-C",
            "opt-level=3",
            "-Cprofile-generate=/tmp/raw",
        ],
        None,
    );
    passed(&["-vV"], None);
}

#[test]
fn the_committed_profile_is_an_indexed_llvm_profile() {
    // `llvm-profdata merge` output, not a raw `.profraw` (which rustc cannot use) or a
    // placeholder: the indexed format's magic number, little-endian.
    let profile = std::fs::read(repo().join("pgo/iamlint.profdata")).expect("pgo/train wrote it");
    assert_eq!(
        profile.get(..8),
        Some(&0x8169666f72706cff_u64.to_le_bytes()[..]),
        "pgo/iamlint.profdata is not an indexed LLVM profile"
    );
}
