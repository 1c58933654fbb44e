//! Turns the rulebook (`rules/*.md`) into the typed rule registry: the `Code` enum, each
//! rule's metadata as a constant, and the check table. The pages are the single source of a
//! rule's name, severity, category, kinds, summary and help; nothing parses them at run time.
//!
//! The build fails, naming the page or file, when a page is malformed, when a page has no
//! rule (no `src/rules/<code>_<name>.rs` and no `check: pipeline`), or when a rule file has
//! no page.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::{env, fs, path::Path, process};

/// One page's front matter, checked.
struct Page {
    code: String,
    name: String,
    severity: &'static str,
    category: String,
    /// Variant names of `PolicyKind`; empty means every kind.
    kinds: Vec<String>,
    summary: String,
    fix: String,
    /// `check: pipeline`: raised by the pipeline itself, so there is no rule file.
    pipeline: bool,
    path: String,
    body: String,
}

fn main() {
    println!("cargo:rerun-if-changed=rules");
    println!("cargo:rerun-if-changed=src/rules");
    // The release build is optimised with this profile unless IAMLINT_PGO=0 (pgo/rustc-wrapper):
    // a change to either must rebuild the crate, though Cargo does not know the wrapper reads them.
    println!("cargo:rerun-if-env-changed=IAMLINT_PGO");
    let root = Path::new(&env::var("CARGO_MANIFEST_DIR").unwrap()).to_path_buf();
    // Only where it exists: a missing path would rerun this script on every build (the
    // published package leaves the profile out).
    if root.join("pgo/iamlint.profdata").is_file() {
        println!("cargo:rerun-if-changed=pgo/iamlint.profdata");
    }
    let out = Path::new(&env::var("OUT_DIR").unwrap()).to_path_buf();
    let mut errors = Vec::new();
    let mut malformed = Vec::new();

    let pages: Vec<Page> = files(&root.join("rules"), "md")
        .into_iter()
        .filter(|(stem, _)| stem != "README")
        .filter_map(|(stem, path)| {
            let text = fs::read_to_string(&path).unwrap_or_default();
            parse(&stem, &text, &path.display().to_string())
                .map_err(|e| {
                    errors.push(format!("rules/{stem}.md: {e}"));
                    malformed.push(stem.clone());
                })
                .ok()
        })
        .collect();

    // `src/rules/<code>_<name>.rs`, by code: the rule files. Helpers (`kms.rs`) do not match.
    let mut sources: BTreeMap<String, String> = BTreeMap::new();
    for (stem, _) in files(&root.join("src/rules"), "rs") {
        if let Some(code) = rule_file_code(&stem) {
            if let Some(other) = sources.insert(code.clone(), stem.clone()) {
                errors.push(format!(
                    "src/rules/{stem}.rs and src/rules/{other}.rs are both rule {code}"
                ));
            }
        }
    }
    for page in &pages {
        match (sources.get(&page.code), page.pipeline) {
            (None, false) => errors.push(format!(
                "rules/{}.md has no rule: add src/rules/{}_<name>.rs with `pub fn check`, \
                 or `check: pipeline` to its front matter if the pipeline raises it",
                page.code,
                page.code.to_ascii_lowercase()
            )),
            (Some(file), true) => errors.push(format!(
                "rules/{}.md says `check: pipeline`, but src/rules/{file}.rs is its rule",
                page.code
            )),
            _ => {}
        }
    }
    for (code, file) in &sources {
        if !pages.iter().any(|p| &p.code == code) && !malformed.contains(code) {
            errors.push(format!(
                "src/rules/{file}.rs has no page: add rules/{code}.md (`scripts/new-rule` writes one)"
            ));
        }
    }
    let mut names: BTreeMap<&str, &str> = BTreeMap::new();
    for page in &pages {
        if let Some(other) = names.insert(&page.name, &page.code) {
            errors.push(format!(
                "rules/{}.md: name `{}` is also rule {other}'s",
                page.code, page.name
            ));
        }
    }
    if !errors.is_empty() {
        for error in &errors {
            eprintln!("error: {error}");
        }
        process::exit(1);
    }

    fs::write(out.join("code.rs"), code_enum(&pages)).unwrap();
    fs::write(out.join("registry.rs"), registry(&pages, &sources)).unwrap();
    fs::write(out.join("rule_tests.rs"), rule_tests(&pages)).unwrap();
}

/// The files of `dir` with extension `ext`, as (stem, path), sorted.
fn files(dir: &Path, ext: &str) -> Vec<(String, std::path::PathBuf)> {
    let mut files: Vec<_> = fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == ext))
                .filter_map(|p| Some((p.file_stem()?.to_str()?.to_string(), p)))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

/// `k003_key_user_administers` → `K003`; `None` for helpers such as `kms.rs`.
fn rule_file_code(stem: &str) -> Option<String> {
    let (code, _) = stem.split_once('_')?;
    let upper = code.to_ascii_uppercase();
    (code.starts_with(|c: char| c.is_ascii_lowercase()) && is_code(&upper)).then_some(upper)
}

/// A capital letter and three digits.
fn is_code(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 4 && b[0].is_ascii_uppercase() && b[1..].iter().all(u8::is_ascii_digit)
}

fn parse(stem: &str, text: &str, path: &str) -> Result<Page, String> {
    let text = text.replace("\r\n", "\n");
    let rest = text
        .strip_prefix("---\n")
        .ok_or("missing front matter (a `---` line first)")?;
    let end = rest
        .find("\n---\n")
        .ok_or("unterminated front matter (no closing `---` line)")?;
    let (front, body) = (&rest[..end], &rest[end + 5..]);
    let field = |key: &str| {
        front
            .lines()
            .find_map(|line| line.strip_prefix(key)?.strip_prefix(':').map(str::trim))
            .filter(|value| !value.is_empty())
            .map(str::to_string)
            .ok_or(format!("missing `{key}` in the front matter"))
    };
    let code = field("code")?;
    if code != stem {
        return Err(format!(
            "`code: {code}` but the file is named {stem}.md; name it after its code"
        ));
    }
    if !is_code(&code) {
        return Err(format!("`code: {code}` is not a letter and three digits"));
    }
    let name = field("name")?;
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_lowercase() || c == '-') {
        return Err(format!("`name: {name}` is not kebab-case"));
    }
    let severity = match field("severity")?.as_str() {
        "info" => "Info",
        "warning" => "Warning",
        "error" => "Error",
        other => {
            return Err(format!(
                "unknown severity `{other}` (info, warning or error)"
            ))
        }
    };
    let kinds = match field("kinds")?.as_str() {
        "all" => Vec::new(),
        list => list
            .split(',')
            .map(|k| kind_variant(k.trim()))
            .collect::<Result<_, _>>()?,
    };
    let pipeline = match front.lines().find_map(|l| l.strip_prefix("check:")) {
        None => false,
        Some(value) if value.trim() == "pipeline" => true,
        Some(value) => {
            return Err(format!(
                "`check: {}`: the only value is `pipeline`",
                value.trim()
            ))
        }
    };
    for section in [
        "## What it flags",
        "## Why it matters",
        "## Example",
        "## How to fix",
    ] {
        if !body.contains(section) {
            return Err(format!("lacks the section `{section}`"));
        }
    }
    Ok(Page {
        code,
        name,
        severity,
        category: field("category")?,
        kinds,
        summary: field("summary")?,
        fix: field("fix")?,
        pipeline,
        path: path.to_string(),
        body: body.trim_start().to_string(),
    })
}

/// `kms-key` → `KmsKey`: the spelling of `PolicyKind`'s variants (a test in `policy::kind`
/// keeps the two in step).
fn kind_variant(kind: &str) -> Result<String, String> {
    const KINDS: [&str; 7] = [
        "identity", "boundary", "resource", "kms-key", "trust", "scp", "rcp",
    ];
    if !KINDS.contains(&kind) {
        return Err(format!(
            "unknown kind `{kind}` (one of {}, or `all`)",
            KINDS.join(", ")
        ));
    }
    Ok(kind
        .split('-')
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect())
}

fn code_enum(pages: &[Page]) -> String {
    let mut s = String::from(
        "/// Every rule's code, one variant per page of `rules/`, in code order.\n\
         #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]\n\
         pub enum Code {\n",
    );
    for p in pages {
        writeln!(s, "    /// {} ({})", p.name, p.summary.replace('`', "")).unwrap();
        writeln!(s, "    {},", p.code).unwrap();
    }
    s.push_str("}\n\nimpl Code {\n");
    writeln!(s, "    pub const ALL: [Code; {}] = [", pages.len()).unwrap();
    for p in pages {
        writeln!(s, "        Code::{},", p.code).unwrap();
    }
    s.push_str("    ];\n\n    pub const fn as_str(self) -> &'static str {\n        match self {\n");
    for p in pages {
        writeln!(s, "            Code::{0} => \"{0}\",", p.code).unwrap();
    }
    s.push_str(
        "        }\n    }\n\n    /// The code spelled exactly (`\"K003\"`).\n    \
         pub fn parse(code: &str) -> Option<Code> {\n        match code {\n",
    );
    for p in pages {
        writeln!(s, "            \"{0}\" => Some(Code::{0}),", p.code).unwrap();
    }
    s.push_str("            _ => None,\n        }\n    }\n}\n");
    s
}

fn registry(pages: &[Page], sources: &BTreeMap<String, String>) -> String {
    let mut s = format!(
        "/// Every rule's metadata, in `Code` order (so `RULES[code as usize]` is `code`'s).\n\
         pub static RULES: [RuleMeta; {}] = [\n",
        pages.len()
    );
    for p in pages {
        let kinds: Vec<String> = p.kinds.iter().map(|k| format!("PolicyKind::{k}")).collect();
        writeln!(
            s,
            "    RuleMeta {{\n        code: \"{code}\",\n        id: Code::{code},\n        \
             name: {name:?},\n        severity: Severity::{sev},\n        category: {cat:?},\n        \
             kinds: &[{kinds}],\n        summary: {summary:?},\n        fix: {fix:?},\n        \
             pipeline: {pipeline},\n        doc: include_str!({path:?}),\n        body: {body:?},\n    }},",
            code = p.code,
            name = p.name,
            sev = p.severity,
            cat = p.category,
            kinds = kinds.join(", "),
            summary = p.summary,
            fix = p.fix,
            pipeline = p.pipeline,
            path = p.path,
            body = p.body,
        )
        .unwrap();
    }
    s.push_str("];\n\n/// Every rule that inspects a policy, with its check, in code order.\npub static CHECKS: &[(Code, Check)] = &[\n");
    for p in pages.iter().filter(|p| !p.pipeline) {
        writeln!(
            s,
            "    (Code::{}, super::{}::check),",
            p.code, sources[&p.code]
        )
        .unwrap();
    }
    s.push_str("];\n");
    s
}

/// One line per rule for `tests/fixtures.rs`'s `rule_tests!`, so each rule's fixtures are a
/// test of their own named after the rule (`cargo test k003` runs K003's).
fn rule_tests(pages: &[Page]) -> String {
    let mut s = String::from("rule_tests! {\n");
    for p in pages {
        let test = format!(
            "{}_{}",
            p.code.to_ascii_lowercase(),
            p.name.replace('-', "_")
        );
        writeln!(s, "    {test} => {:?},", p.code).unwrap();
    }
    s.push_str("}\n");
    s
}
