//! What a rule file may hold. A rule reads the policy and the run's context and pushes
//! diagnostics; caches, memos and other speed tricks belong to the context
//! (`rules::Lookups` for the run, `rules::Context` for a document), where every rule shares
//! them, not to one rule's file.

use std::path::Path;

/// Interior mutability and per-thread or global state, by the words that introduce them.
const FORBIDDEN: &[&str] = &[
    "thread_local!",
    "ThreadLocal",
    "Cell<",
    "Cell::",
    "RefCell",
    "OnceCell",
    "OnceLock",
    "LazyLock",
    "LazyCell",
    "Mutex",
    "RwLock",
    "Atomic",
    "static mut",
    "lazy_static",
];

/// `src/rules/<code>_<name>.rs`: the rule files (helpers such as `kms.rs` do not match).
fn rule_files() -> Vec<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/rules");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let stem = p.file_stem().unwrap().to_string_lossy();
            let code = stem.split_once('_').map_or("", |(c, _)| c);
            p.extension().is_some_and(|e| e == "rs")
                && code.len() == 4
                && code.starts_with(|c: char| c.is_ascii_lowercase())
                && code[1..].chars().all(|c| c.is_ascii_digit())
        })
        .collect();
    files.sort();
    files
}

/// The offending lines of `text`, comments aside.
fn offences(text: &str) -> Vec<(usize, &'static str)> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim_start().starts_with("//"))
        .flat_map(|(i, line)| {
            FORBIDDEN
                .iter()
                .filter(move |word| line.contains(*word))
                .map(move |word| (i + 1, *word))
        })
        .collect()
}

#[test]
fn rule_files_keep_no_state_of_their_own() {
    let files = rule_files();
    assert!(files.len() > 40, "found the rule files: {files:?}");
    let mut problems = Vec::new();
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        for (line, word) in offences(&text) {
            problems.push(format!(
                "{}:{line}: `{word}` in a rule file; put the state in rules::Lookups or rules::Context",
                path.display()
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_check_sees_what_it_forbids() {
    let text = "use std::cell::RefCell;\n// a Mutex in a comment is fine\nthread_local! {}\n";
    assert_eq!(offences(text), [(1, "RefCell"), (3, "thread_local!")]);
}
