//! The embedded rulebook: parses each rule's front matter once, on first use.

use crate::diagnostic::Severity;
use crate::policy::PolicyKind;
use std::sync::OnceLock;

include!(concat!(env!("OUT_DIR"), "/rule_docs.rs"));

#[derive(Debug)]
pub struct RuleMeta {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub category: &'static str,
    /// The policy kinds the rule applies to; empty means all.
    pub kinds: Vec<PolicyKind>,
    pub summary: &'static str,
    /// The default help line when a finding brings none of its own.
    pub fix: &'static str,
    /// The whole Markdown page, front matter included.
    pub doc: &'static str,
    /// The page without its front matter.
    pub body: &'static str,
}

pub fn all() -> &'static [RuleMeta] {
    static RULES: OnceLock<Vec<RuleMeta>> = OnceLock::new();
    RULES.get_or_init(|| {
        let mut rules: Vec<RuleMeta> = RULE_DOCS.iter().filter_map(|doc| parse(doc).ok()).collect();
        rules.sort_by_key(|r| r.code);
        rules
    })
}

/// Called several times per rule for every document, so the lookup compares integers
/// rather than strings: each code (up to 8 bytes) packed into a `u64`, in `all()` order.
pub fn meta(code: &str) -> Option<&'static RuleMeta> {
    static KEYS: OnceLock<Option<Vec<u64>>> = OnceLock::new();
    let rules = all();
    let keys = KEYS.get_or_init(|| rules.iter().map(|r| pack(r.code)).collect());
    let index = match (keys, pack(code)) {
        (Some(keys), Some(key)) => keys.binary_search(&key).ok(),
        (Some(_), None) => None,
        (None, _) => rules.binary_search_by_key(&code, |r| r.code).ok(),
    };
    index.map(|i| &rules[i])
}

/// Big-endian and zero-padded, so integer order is the codes' string order.
fn pack(code: &str) -> Option<u64> {
    let bytes = code.as_bytes();
    (bytes.len() <= 8).then(|| {
        let mut key = [0u8; 8];
        key[..bytes.len()].copy_from_slice(bytes);
        u64::from_be_bytes(key)
    })
}

/// Parses `---`-fenced `key: value` front matter; an error names what is wrong, so the
/// rulebook test can say which page is broken.
pub fn parse(doc: &'static str) -> Result<RuleMeta, String> {
    let rest = doc.strip_prefix("---\n").ok_or("missing front matter")?;
    let end = rest.find("\n---\n").ok_or("unterminated front matter")?;
    let (front, body) = (&rest[..end], &rest[end + 5..]);
    let field = |key: &str| {
        front
            .lines()
            .find_map(|line| line.strip_prefix(key)?.strip_prefix(':').map(str::trim))
            .ok_or(format!("missing `{key}`"))
    };
    let severity = field("severity")?;
    let kinds = match field("kinds")? {
        "all" => Vec::new(),
        list => list
            .split(',')
            .map(|k| PolicyKind::parse(k.trim()).ok_or(format!("unknown kind `{}`", k.trim())))
            .collect::<Result<_, _>>()?,
    };
    Ok(RuleMeta {
        code: field("code")?,
        name: field("name")?,
        severity: Severity::parse(severity).ok_or(format!("unknown severity `{severity}`"))?,
        category: field("category")?,
        kinds,
        summary: field("summary")?,
        fix: field("fix")?,
        doc,
        body: body.trim_start(),
    })
}
