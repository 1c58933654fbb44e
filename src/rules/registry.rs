//! The rule registry, written by `build.rs` from the rulebook (`rules/*.md`): each rule's
//! metadata as a constant, in [`Code`] order, and the check table. Nothing here parses a
//! page at run time.

use super::Check;
use crate::code::Code;
use crate::diagnostic::Severity;
use crate::policy::PolicyKind;

include!(concat!(env!("OUT_DIR"), "/registry.rs"));

/// One rule as its page declares it.
#[derive(Debug)]
pub struct RuleMeta {
    /// The code as text (`"K003"`), as findings and selectors spell it.
    pub code: &'static str,
    /// The same code, typed.
    pub id: Code,
    pub name: &'static str,
    pub severity: Severity,
    pub category: &'static str,
    /// The policy kinds the rule applies to; empty means all.
    pub kinds: &'static [PolicyKind],
    pub summary: &'static str,
    /// The help line of a finding that brings none of its own.
    pub fix: &'static str,
    /// Raised by the pipeline itself (`check: pipeline` on the page), not by a check.
    pub pipeline: bool,
    /// The whole Markdown page, front matter included.
    pub doc: &'static str,
    /// The page without its front matter.
    pub body: &'static str,
}

impl Code {
    /// The rule's page, as constants.
    pub fn meta(self) -> &'static RuleMeta {
        &RULES[self as usize]
    }
}

/// Every rule, in code order.
pub fn all() -> &'static [RuleMeta] {
    &RULES
}

/// The rule with this exact code, if there is one.
pub fn meta(code: &str) -> Option<&'static RuleMeta> {
    Code::parse(code).map(Code::meta)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_code_finds_its_own_page() {
        for code in Code::ALL {
            let meta = code.meta();
            assert_eq!(meta.id, code);
            assert_eq!(meta.code, code.as_str());
            assert!(meta.doc.contains(&format!("code: {code}")));
            assert!(meta.doc.ends_with(meta.body));
        }
        assert!(meta("Z999").is_none());
    }

    #[test]
    fn pipeline_rules_have_no_check_and_the_others_one() {
        for rule in all() {
            let checks = CHECKS.iter().filter(|(c, _)| *c == rule.id).count();
            assert_eq!(checks, usize::from(!rule.pipeline), "{}", rule.code);
        }
    }
}
