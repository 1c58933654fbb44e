//! The rulebook is the rules' single source of metadata: every rule has a page, every
//! page has a rule, and every example on a page does what the page says.

use iamlint::check::{check_text, Options};
use iamlint::config::Config;
use iamlint::policy::PolicyKind;
use iamlint::rules::{all_rules, CHECKS};
use iamlint::source::{read, FileFormat, Origin};
use iamlint::{filter, Report};
use std::collections::BTreeSet;
use std::path::Path;

fn pages() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let mut pages: Vec<(String, String)> = std::fs::read_dir(&dir)
        .expect("rules/ exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "md") && !p.ends_with("README.md"))
        .map(|p| {
            (
                p.file_stem().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    pages.sort();
    pages
}

/// `build.rs` checks each page's front matter and sections and fails the build on a page
/// without a rule or a rule without a page; this checks that what it embedded is every page.
#[test]
fn the_registry_holds_every_page_and_every_rule() {
    let documented: BTreeSet<String> = pages().into_iter().map(|(stem, _)| stem).collect();
    let embedded: BTreeSet<String> = all_rules().iter().map(|r| r.code.to_string()).collect();
    assert_eq!(embedded, documented, "the binary embeds every page");
    for (stem, text) in pages() {
        let meta = iamlint::rules::meta(&stem).unwrap();
        assert_eq!(meta.doc, text, "rules/{stem}.md is embedded as written");
        let checked = CHECKS.iter().any(|(code, _)| *code == meta.id);
        assert_ne!(
            checked, meta.pipeline,
            "{stem}: a check, or `check: pipeline`"
        );
    }
    let names: BTreeSet<&str> = all_rules().iter().map(|r| r.name).collect();
    assert_eq!(names.len(), all_rules().len(), "rule names are unique");
}

struct Example {
    failing: bool,
    format: FileFormat,
    kind: Option<PolicyKind>,
    /// `bytes=utf16`: the body is written as UTF-16 (little-endian, with its BOM);
    /// `bytes=bom`: as UTF-8 after a byte order mark. A text page cannot show either.
    bytes: Option<String>,
    /// `size=N`: the body is padded with spaces to N bytes, for the file-size limit.
    size: Option<usize>,
    body: String,
    line: usize,
    /// The page's latest ```` ```toml config ```` fence before the example, if any.
    config: Option<String>,
}

/// Fences whose info string says `failing` or `passing`, e.g. "```json failing kind=kms-key";
/// `bytes=utf16` and `size=N` stand for bytes a text page cannot show (see [`Example`]).
fn examples(text: &str) -> Vec<Example> {
    let mut out = Vec::new();
    let mut config = None;
    let mut lines = text.lines().enumerate();
    while let Some((number, line)) = lines.next() {
        let fence: String = line.chars().take_while(|&c| c == '`' || c == '~').collect();
        if fence.len() < 3 {
            continue;
        }
        let info: Vec<&str> = line[fence.len()..].split_whitespace().collect();
        let body: Vec<&str> = lines
            .by_ref()
            .map(|(_, l)| l)
            .take_while(|l| l.trim_end() != fence)
            .collect();
        if info == ["toml", "config"] {
            config = Some(body.join("\n"));
            continue;
        }
        let failing = info.contains(&"failing");
        if !failing && !info.contains(&"passing") {
            continue;
        }
        out.push(Example {
            failing,
            format: match info.first() {
                Some(&"markdown") => FileFormat::Markdown,
                Some(&"yaml") => FileFormat::Yaml,
                Some(&"hcl") => FileFormat::Terraform,
                _ => FileFormat::Json,
            },
            kind: info
                .iter()
                .find_map(|w| w.strip_prefix("kind="))
                .map(|k| PolicyKind::parse(k).expect("known kind")),
            bytes: info
                .iter()
                .find_map(|w| w.strip_prefix("bytes="))
                .map(String::from),
            size: info
                .iter()
                .find_map(|w| w.strip_prefix("size="))
                .map(|n| n.parse().expect("size=N takes a byte count")),
            body: body.join("\n") + "\n",
            line: number + 1,
            config: config.clone(),
        });
    }
    out
}

#[test]
fn every_example_does_what_its_page_says() {
    for rule in all_rules() {
        let examples = examples(rule.doc);
        assert!(
            examples.iter().any(|e| e.failing),
            "rules/{}.md has no failing example",
            rule.code
        );
        assert!(
            examples.iter().any(|e| !e.failing),
            "rules/{}.md has no passing example",
            rule.code
        );
        for example in examples {
            let config = example
                .config
                .as_deref()
                .map_or_else(Config::default, |text| {
                    Config::parse(text).unwrap_or_else(|e| panic!("rules/{}.md: {e}", rule.code))
                });
            let opts = Options {
                kind: example.kind,
                config,
                ..Options::default()
            };
            let name = format!("rules/{}.md:{}", rule.code, example.line);
            let mut bytes = example.body.into_bytes();
            match example.bytes.as_deref() {
                None => {}
                Some("utf16") => {
                    let text = String::from_utf8(bytes).unwrap();
                    bytes = [0xFF, 0xFE]
                        .into_iter()
                        .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
                        .collect();
                }
                Some("bom") => bytes.splice(0..0, [0xEF, 0xBB, 0xBF]).for_each(drop),
                Some(other) => panic!("{name}: unknown `bytes={other}`"),
            }
            if let Some(size) = example.size {
                bytes.resize(size.max(bytes.len()), b' ');
            }
            // As the binary reads a file: bounded, then decoded or reported as too large.
            let text = match read::read_bounded(&bytes[..]).unwrap() {
                Ok(bytes) => read::decode(bytes),
                Err(size) => read::too_large(size),
            };
            let file = check_text(
                &name,
                Path::new(&name),
                text,
                example.format,
                Origin::Explicit,
                &opts,
            );
            // The filter stage runs too: it raises the findings about the config (L001).
            let mut report = Report::of_files(vec![file]);
            report.outcome.walked = true;
            report.outcome.folders = vec![std::path::PathBuf::from(".")];
            filter::apply(&mut report, &opts.config, None);
            let report = report.findings();
            let fired = report.iter().any(|f| f.rule == rule.code);
            let all: Vec<String> = report
                .iter()
                .map(|f| format!("{} {}", f.rule, f.message))
                .collect();
            if example.failing {
                assert!(
                    fired,
                    "{name}: the failing example raises no {}; it raised {all:?}",
                    rule.code
                );
            } else {
                assert!(
                    !fired,
                    "{name}: the passing example raises {}: {all:?}",
                    rule.code
                );
            }
        }
    }
}
