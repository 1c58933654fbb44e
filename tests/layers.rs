//! Data flows one way: no module of `src/` imports, directly or through others, a module that
//! imports it back. Checked at the granularity of the crate's top-level modules (`check`,
//! `stream`, `rules`…, with the crate root as one more), from the `crate::` paths each
//! module's files name.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of a file without its comments (doc links name modules without using them).
fn code(text: &str) -> String {
    text.lines()
        .map(|line| match line.find("//") {
            Some(at) => &line[..at],
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Which top-level modules each top-level module (and the root, `crate`) names.
fn graph(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let lib = std::fs::read_to_string(src.join("lib.rs")).unwrap();
    let modules: BTreeSet<String> = code(&lib)
        .lines()
        .filter_map(|l| {
            let l = l.trim();
            let name = ["pub mod ", "pub(crate) mod ", "mod "]
                .iter()
                .find_map(|p| l.strip_prefix(p))?;
            Some(name.trim_end_matches(';').to_string())
        })
        .collect();
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in files {
        let relative = file.strip_prefix(src).unwrap();
        let first = relative.components().next().unwrap().as_os_str();
        let first = first.to_str().unwrap().trim_end_matches(".rs");
        let from = match first {
            "main" => continue, // the binary: a crate of its own
            "lib" => "crate".to_string(),
            name => name.to_string(),
        };
        let text = code(&std::fs::read_to_string(&file).unwrap());
        let named = edges.entry(from.clone()).or_default();
        for (at, _) in text.match_indices("crate::") {
            let rest = &text[at + "crate::".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            let to = if modules.contains(&name) {
                name
            } else if name.is_empty() {
                // `crate::{a, b}`: each name in the braces.
                let inner = rest.trim_start_matches('{').split('}').next().unwrap_or("");
                for part in inner.split(',') {
                    let part = part.trim().split("::").next().unwrap_or("").to_string();
                    let to = if modules.contains(&part) {
                        part
                    } else {
                        "crate".into()
                    };
                    if to != from {
                        named.insert(to);
                    }
                }
                continue;
            } else {
                "crate".to_string()
            };
            if to != from {
                named.insert(to);
            }
        }
        // The root names its modules without `crate::`.
        if from == "crate" {
            for module in &modules {
                let uses = text.lines().any(|l| {
                    let l = l.trim();
                    !l.starts_with("pub mod ")
                        && !l.starts_with("pub(crate) mod ")
                        && !l.starts_with("mod ")
                        && l.contains(&format!("{module}::"))
                });
                if uses {
                    named.insert(module.clone());
                }
            }
        }
    }
    edges
}

/// A cycle through `start`, if there is one.
fn cycle(edges: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    // Depth-first, with the path so far: a module met again on the path closes a cycle.
    fn visit(
        node: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|n| n == node) {
            let mut found = path[at..].to_vec();
            found.push(node.to_string());
            return Some(found);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in edges.get(node).into_iter().flatten() {
            if let Some(found) = visit(next, edges, path, done) {
                return Some(found);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    edges
        .keys()
        .find_map(|start| visit(start, edges, &mut Vec::new(), &mut done))
}

#[test]
fn no_module_imports_one_that_imports_it_back() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let edges = graph(&src);
    assert!(edges.len() > 10, "modules found: {edges:?}");
    if let Some(found) = cycle(&edges) {
        panic!("modules import each other: {}", found.join(" -> "));
    }
}

#[test]
fn the_check_finds_a_cycle() {
    let edge = |a: &str, b: &[&str]| (a.to_string(), b.iter().map(|s| s.to_string()).collect());
    let acyclic: BTreeMap<String, BTreeSet<String>> =
        [edge("a", &["b", "c"]), edge("b", &["c"]), edge("c", &[])].into();
    assert_eq!(cycle(&acyclic), None);
    let cyclic: BTreeMap<String, BTreeSet<String>> =
        [edge("a", &["b"]), edge("b", &["c"]), edge("c", &["a"])].into();
    assert_eq!(
        cycle(&cyclic),
        Some(vec!["a".into(), "b".into(), "c".into(), "a".into()])
    );
}
