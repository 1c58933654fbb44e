//! The floor: the least work any JSON policy linter must do.
//!
//! Walks the given paths (directories recursively, keeping `*.json`, `*.yaml`,
//! `*.yml`, `*.template` and `*.tf` files; files given explicitly are always taken),
//! reads each file and parses it: JSON into a `serde_json::Value`, YAML with the
//! parser iamlint uses (saphyr-parser's events, every event read and dropped), Terraform
//! HCL with the parser iamlint uses (hcl-edit's body, with spans), spread over all cores. Prints
//! `files=N bytes=N parse_errors=N` on stdout. Exit code 0 even when some
//! files fail to parse (they are counted), 2 on a usage or I/O error.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::{env, fs, process, thread};

fn walk(path: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let meta = fs::metadata(path)?;
    if meta.is_dir() {
        let mut entries: Vec<PathBuf> = fs::read_dir(path)?
            .map(|e| e.map(|e| e.path()))
            .collect::<Result<_, _>>()?;
        entries.sort();
        for entry in entries {
            if entry.is_dir() {
                walk(&entry, out)?;
            } else if entry
                .extension()
                .is_some_and(|x| {
                    x == "json" || x == "yaml" || x == "yml" || x == "template" || x == "tf"
                })
            {
                out.push(entry);
            }
        }
    } else {
        out.push(path.to_path_buf());
    }
    Ok(())
}

/// Parses one file as its extension says; false on a syntax error.
fn parse(path: &Path, buf: &[u8]) -> bool {
    if path.extension().is_some_and(|x| x == "tf") {
        let Ok(text) = std::str::from_utf8(buf) else {
            return false;
        };
        return match hcl_edit::parser::parse_body(text) {
            Ok(body) => {
                drop(std::hint::black_box(body));
                true
            }
            Err(_) => false,
        };
    }
    let yaml = path
        .extension()
        .is_some_and(|x| x == "yaml" || x == "yml" || x == "template");
    if !yaml {
        return match serde_json::from_slice::<serde_json::Value>(buf) {
            Ok(v) => {
                drop(std::hint::black_box(v));
                true
            }
            Err(_) => false,
        };
    }
    let Ok(text) = std::str::from_utf8(buf) else {
        return false;
    };
    for event in saphyr_parser::Parser::new_from_str(text) {
        match event {
            Ok(event) => drop(std::hint::black_box(event)),
            Err(_) => return false,
        }
    }
    true
}

fn main() {
    let args: Vec<String> = env::args().skip(1).collect();
    if args.is_empty() || args.iter().any(|a| a == "-h" || a == "--help") {
        eprintln!("usage: iamlint-bench-floor PATH...");
        process::exit(2);
    }
    let mut files = Vec::new();
    for a in &args {
        if let Err(e) = walk(Path::new(a), &mut files) {
            eprintln!("error: {a}: {e}");
            process::exit(2);
        }
    }

    let threads = thread::available_parallelism().map_or(1, |n| n.get());
    let next = AtomicUsize::new(0);
    let bytes = AtomicUsize::new(0);
    let errors = AtomicUsize::new(0);
    let io_errors = AtomicUsize::new(0);
    // Work stealing by index: files vary a lot in size, fixed chunks would
    // leave cores idle.
    thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(path) = files.get(i) else { break };
                match fs::read(path) {
                    Ok(buf) => {
                        bytes.fetch_add(buf.len(), Ordering::Relaxed);
                        if !parse(path, &buf) {
                            errors.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                    Err(e) => {
                        eprintln!("error: {}: {e}", path.display());
                        io_errors.fetch_add(1, Ordering::Relaxed);
                    }
                }
            });
        }
    });
    println!(
        "files={} bytes={} parse_errors={} threads={}",
        files.len(),
        bytes.load(Ordering::Relaxed),
        errors.load(Ordering::Relaxed),
        threads
    );
    if io_errors.load(Ordering::Relaxed) > 0 {
        process::exit(2);
    }
}
