//! Rule codes as a type: `build.rs` writes one `Code` variant per page of `rules/`, so a
//! diagnostic cannot name a rule that has no page. The rule's metadata is
//! [`Code::meta`](crate::rules::RuleMeta), in `rules::registry`.

include!(concat!(env!("OUT_DIR"), "/code.rs"));

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Names rules had before they grew, with the names they have now: configs, `--select`,
/// `iamlint rule` and suppression comments that still say the old name keep working.
pub(crate) const FORMER_NAMES: &[(&str, &str)] = &[
    (
        "variable-in-numeric-or-date",
        "variable-in-non-string-operator",
    ),
    (
        "source-identity-without-action",
        "condition-key-without-action",
    ),
];

/// The rule name `name` stands for today: itself, or the new name of a renamed rule.
pub fn current_rule_name(name: &str) -> &str {
    FORMER_NAMES
        .iter()
        .find(|(old, _)| *old == name)
        .map_or(name, |(_, new)| new)
}

#[cfg(test)]
mod tests {
    use super::Code;

    #[test]
    fn codes_spell_and_parse_back() {
        for code in Code::ALL {
            assert_eq!(Code::parse(code.as_str()), Some(code));
        }
        assert_eq!(Code::parse("k003"), None, "codes are spelled exactly");
        assert!(Code::ALL.windows(2).all(|w| w[0].as_str() < w[1].as_str()));
    }
}
