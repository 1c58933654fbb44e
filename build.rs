//! Embeds the rulebook (`rules/*.md`) so the binary can print it and take each rule's
//! metadata from it: the docs are the single source of a rule's name and severity.

use std::{env, fs, path::Path};

fn main() {
    println!("cargo:rerun-if-changed=rules");
    let dir = Path::new(&env::var("CARGO_MANIFEST_DIR").unwrap()).join("rules");
    let mut docs: Vec<_> = fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "md") && !p.ends_with("README.md"))
                .collect()
        })
        .unwrap_or_default();
    docs.sort();
    let mut out = String::from("pub static RULE_DOCS: &[&str] = &[\n");
    for path in docs {
        out.push_str(&format!(
            "    include_str!({:?}),\n",
            path.display().to_string()
        ));
    }
    out.push_str("];\n");
    fs::write(
        Path::new(&env::var("OUT_DIR").unwrap()).join("rule_docs.rs"),
        out,
    )
    .unwrap();
}
