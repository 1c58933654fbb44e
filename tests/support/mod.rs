//! Helpers shared by integration tests (a directory, so Cargo does not build it as a test).

#![allow(dead_code)]

pub mod cli;
pub mod invariants;

use std::path::PathBuf;

/// `tests/fixtures/hostile/*`, sorted: hostile inputs and fuzzer finds kept as regressions.
pub fn hostile_fixtures() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("readable fixture dir").path())
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    files
}
