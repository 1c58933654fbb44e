//! `rules/access-methods.toml` against the embedded catalog: every action exists, every
//! method can be reported, and the references are complete.

use iamlint::access::Target;
use iamlint::catalog::Catalog;
use iamlint::rules::methods::{parse, read_plain, Family, METHODS_TOML};
use std::collections::BTreeSet;

#[test]
fn every_method_names_catalog_actions_and_can_be_reported() {
    let methods = parse(METHODS_TOML).expect("the methods file parses");
    let catalog = Catalog::embedded();
    let mut ids = BTreeSet::new();
    let mut unscopable = Vec::new();
    for m in &methods {
        assert!(ids.insert(m.id.as_str()), "{}: duplicate id", m.id);
        assert!(!m.actions.is_empty(), "{}: no actions", m.id);
        for action in &m.actions {
            let target = Target::resolve(catalog, action)
                .unwrap_or_else(|| panic!("{}: `{action}` is not in the catalog", m.id));
            assert_eq!(&target.name, action, "{}: spelt as the catalog does", m.id);
        }
        // A finding points at the first action: AWS must let a policy scope it, or the
        // finding would blame what nobody can fix.
        let primary = Target::resolve(catalog, &m.actions[0]).unwrap();
        if !primary.has_resource_level() {
            unscopable.push(format!("{}: {}", m.id, m.actions[0]));
        }
        for t in m.targets.iter().flatten() {
            assert!(
                m.actions.contains(t),
                "{}: target `{t}` is not one of its actions",
                m.id
            );
        }
        let passes = m.actions.iter().any(|a| a == "iam:PassRole");
        assert_eq!(
            passes,
            m.passed_to.is_some(),
            "{}: `passed_to` goes with `iam:PassRole`",
            m.id
        );
        assert!(
            !m.fix.is_empty() && !m.defeated_by.is_empty(),
            "{}: says how to close it",
            m.id
        );
    }
    assert!(
        unscopable.is_empty(),
        "first actions without resource-level permissions: {unscopable:?}"
    );
    // Rhino Security Labs' 21 classic methods, each once.
    let rhino: BTreeSet<u32> = methods.iter().filter_map(|m| m.rhino).collect();
    assert_eq!(rhino, (1..=21).collect(), "the 21 classic methods");
    assert_eq!(methods.iter().filter(|m| m.rhino.is_some()).count(), 21);
    let pathfinding = methods
        .iter()
        .filter(|m| !m.id.starts_with("iamlint-"))
        .count();
    assert!(pathfinding >= 60, "pathfinding.cloud paths: {pathfinding}");
    for family in [
        Family::Escalation,
        Family::Takeover,
        Family::Credentials,
        Family::Exfiltration,
        Family::Destruction,
    ] {
        assert!(
            methods.iter().any(|m| m.family == family),
            "{family:?} has methods"
        );
    }
}

#[test]
fn a_broken_methods_file_is_an_error_not_a_panic() {
    assert!(parse("[[method]]\nid = 3\n").is_err());
    assert!(parse("[[method]]\nid = \"x\"\nfamily = \"escalation\"\nname = \"n\"\nactions = []\ndefeated_by = \"d\"\nfix = \"f\"\nsurprise = 1\n").is_err());
}

#[test]
fn the_plain_reader_reads_the_file_as_the_toml_parser_does() {
    let plain = read_plain(METHODS_TOML).expect("the methods file is in the plain form");
    let parsed = parse(METHODS_TOML).expect("the methods file parses");
    assert_eq!(format!("{plain:#?}"), format!("{parsed:#?}"));
}

#[test]
fn the_plain_reader_leaves_other_forms_to_the_toml_parser() {
    let method = |extra: &str| {
        format!(
            "[[method]]\nid = \"x\"\nfamily = \"takeover\"\nname = \"n\"\n\
             actions = [\"iam:PassRole\", \"lambda:CreateFunction\"]\n\
             defeated_by = \"d\"\nfix = \"f\"\n{extra}"
        )
    };
    let read = read_plain(&method("own = true\nrhino = 3\n")).expect("plain form");
    assert_eq!(read.len(), 1);
    assert!(read[0].own);
    assert_eq!(read[0].rhino, Some(3));
    assert_eq!(read[0].actions, ["iam:PassRole", "lambda:CreateFunction"]);
    assert_eq!(read[0].targets, None);
    for other in [
        "fix = \"again\"\n",
        "colour = \"red\"\n",
        "passed_to = \"a\\\\b\"\n",
        "passed_to = \"a\" # note\n",
        "targets = [\"a, b\"]\n",
        "rhino = +3\n",
        "own = yes\n",
        "[other]\n",
    ] {
        assert!(read_plain(&method(other)).is_none(), "{other:?}");
        // Still valid or still refused, as the TOML parser decides.
        let _ = parse(&method(other));
    }
}
