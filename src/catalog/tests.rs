//! Tests of the loader and query API against the embedded catalog.

use std::borrow::Cow;

use super::*;

fn cat() -> &'static Catalog {
    Catalog::embedded()
}

#[test]
fn embedded_catalog_indexes_and_validates() {
    // Catalog::embedded() falls back to an empty catalog; make sure it did not.
    let parsed = Catalog::parse(Cow::Borrowed(EMBEDDED)).expect("embedded catalog indexes");
    parsed.validate().expect("every embedded service parses");
    assert_eq!(cat().service_count(), parsed.service_count());
    assert!(cat().service_count() > 400);
    assert!(
        cat().source_version().starts_with("0."),
        "{}",
        cat().source_version()
    );
}

#[test]
fn generate_data_key_star_expands_to_exactly_four() {
    let names: Vec<String> = cat()
        .expand("kms:GenerateDataKey*")
        .into_iter()
        .map(|(s, a)| format!("{}:{}", s.prefix, a.name))
        .collect();
    assert_eq!(
        names,
        [
            "kms:GenerateDataKey",
            "kms:GenerateDataKeyPair",
            "kms:GenerateDataKeyPairWithoutPlaintext",
            "kms:GenerateDataKeyWithoutPlaintext",
        ]
    );
    // Case-insensitive in both parts.
    assert_eq!(cat().expand("KMS:generatedatakey*").len(), 4);
}

#[test]
fn expand_wildcards_and_everything() {
    assert_eq!(
        cat()
            .expand("kms:?ecrypt")
            .iter()
            .map(|(_, a)| a.name)
            .collect::<Vec<_>>(),
        ["Decrypt"]
    );
    let all = cat().expand("*");
    assert_eq!(all.len(), cat().action_count());
    // Sorted by prefix, then by action name (case-insensitively).
    assert!(all.windows(2).all(|w| {
        let (a, b) = (&w[0], &w[1]);
        (a.0.prefix, a.1.name.to_ascii_lowercase()) < (b.0.prefix, b.1.name.to_ascii_lowercase())
    }));
    assert_eq!(
        cat().expand("kms:*").len(),
        cat().service("kms").map_or(0, |s| s.actions.len())
    );
    assert!(
        cat().expand("kms").is_empty(),
        "no colon, not `*`: not an action pattern"
    );
    assert!(cat().expand("nosuchservice:*").is_empty());
}

#[test]
fn lookups_ignore_case() {
    let kms = cat().service("KMS").expect("kms");
    assert_eq!(kms.prefix, "kms");
    assert_eq!(kms.name, "AWS Key Management Service");
    let decrypt = kms.action("dEcRyPt").expect("Decrypt");
    assert_eq!(decrypt.name, "Decrypt");
    assert_eq!(decrypt.access_level, AccessLevel::Write);
    assert!(decrypt
        .resource_types
        .iter()
        .any(|r| r.name == "key" && r.required));
    assert!(kms.action("Decrpyt").is_none());
    assert!(cat().service("nosuchservice").is_none());
}

#[test]
fn access_levels_use_aws_words() {
    let kms = cat().service("kms").expect("kms");
    let level = |name: &str| kms.action(name).map(|a| a.access_level.as_str());
    assert_eq!(level("PutKeyPolicy"), Some("Permissions management"));
    assert_eq!(level("TagResource"), Some("Tagging"));
    assert_eq!(level("ListKeys"), Some("List"));
    assert_eq!(level("DescribeKey"), Some("Read"));
}

#[test]
fn condition_keys_and_templates() {
    let kms = cat().service("kms").expect("kms");
    let key = kms
        .condition_key("kms:EncryptionContext:Department")
        .expect("template");
    assert_eq!(key.name, "kms:EncryptionContext:${EncryptionContextKey}");
    assert_eq!(key.kind, ConditionType::String);
    let keys = kms
        .condition_key("KMS:encryptioncontextkeys")
        .expect("exact");
    assert_eq!(keys.kind, ConditionType::ArrayOfString);
    assert!(keys.kind.is_multivalued());
    assert_eq!(keys.kind.element(), ConditionType::String);
    assert_eq!(
        kms.condition_key("aws:ResourceTag/Owner").map(|k| k.name),
        Some("aws:ResourceTag/${TagKey}")
    );
    assert!(kms.condition_key("kms:NoSuchKey").is_none());

    let s3 = cat().service("s3").expect("s3");
    assert!(s3
        .condition_key("s3:ExistingObjectTag/classification")
        .is_some());

    assert_eq!(
        cat()
            .global_condition_key("aws:SecureTransport")
            .map(|k| k.kind),
        Some(ConditionType::Bool)
    );
}

#[test]
fn resource_types_have_arn_templates() {
    let kms = cat().service("kms").expect("kms");
    let key = kms.resource_type("KEY").expect("key resource type");
    assert_eq!(
        key.arns,
        ["arn:${Partition}:kms:${Region}:${Account}:key/${KeyId}"]
    );
}

#[test]
fn suggestions() {
    assert_eq!(cat().suggest_action("kms", "Decrpyt"), Some("Decrypt"));
    assert_eq!(cat().suggest_action("kms", "decrypt"), Some("Decrypt"));
    assert_eq!(cat().suggest_action("kms", "CompletelyUnrelated"), None);
    assert_eq!(cat().suggest_action("nosuchservice", "Decrypt"), None);
    assert_eq!(cat().suggest_service("kmss"), Some("kms"));
    assert_eq!(cat().suggest_service("dynamodbb"), Some("dynamodb"));
}

/// Typos of real action names (letters dropped, doubled, swapped, changed, case
/// flipped) against a whole service's names: the ordered search with its bounds picks
/// what measuring every candidate in full picks.
#[test]
fn closest_agrees_with_measuring_every_name_of_a_service() {
    let catalog = cat();
    let names: Vec<&str> = ["kms", "s3"]
        .iter()
        .flat_map(|p| catalog.service(p).expect(p).actions.iter().map(|a| a.name))
        .collect();
    let naive = |target: &str| {
        let limit = (target.chars().count() / 3).max(1);
        names
            .iter()
            .map(|c| (crate::suggest::edit_distance(target, c), *c))
            .filter(|(d, _)| *d <= limit)
            .min()
            .map(|(_, c)| c)
    };
    // The same typos every run.
    let mut next = crate::seeded::numbers(7);
    let mut found = 0;
    for round in 0..300 {
        let mut typo: Vec<u8> = names[next(names.len())].bytes().collect();
        for _ in 0..=round % 4 {
            let at = next(typo.len().max(1));
            match next(5) {
                0 if typo.len() > 1 => drop(typo.remove(at)),
                1 => typo.insert(at, typo.get(at).copied().unwrap_or(b'x')),
                2 if at + 1 < typo.len() => typo.swap(at, at + 1),
                3 => typo.insert(at, b"aeiourst"[next(8)]),
                _ => typo.get_mut(at).map_or((), |b| *b ^= 0x20),
            }
        }
        let typo = String::from_utf8(typo).unwrap();
        let expected = naive(&typo);
        found += usize::from(expected.is_some());
        assert_eq!(
            crate::suggest::closest(&typo, names.iter().copied()),
            expected,
            "{typo}"
        );
    }
    // The cases must include both answers.
    assert!(found > 50 && found < 300, "{found}");
}

#[test]
fn prefixes_are_sorted_and_lowercase() {
    let prefixes: Vec<&str> = cat().prefixes().collect();
    assert!(prefixes.windows(2).all(|w| w[0] < w[1]));
    assert!(prefixes.iter().all(|p| *p == p.to_ascii_lowercase()));
    assert!(prefixes.contains(&"kms"));
}

fn parse(text: &str) -> Result<Catalog, String> {
    Catalog::parse(Cow::Owned(text.to_string()))
}

const HEADER_1_1: &str = r#"{"source":"t","version":"1","services":1,"actions":1}"#;

#[test]
fn malformed_text_is_an_error_not_a_panic() {
    assert!(parse("").is_err());
    assert!(parse("not json\n").is_err());
    // Service line without the fixed opening.
    assert!(parse(&format!(
        "{HEADER_1_1}\n{{\"name\":\"x\",\"prefix\":\"kms\"}}\n"
    ))
    .is_err());
    // Count mismatch with the header.
    assert!(parse(&format!("{HEADER_1_1}\n")).is_err());
    // Out of order.
    let two = r#"{"source":"t","version":"1","services":2,"actions":0}"#;
    let err = parse(&format!(
        "{two}\n{{\"prefix\":\"s3\"}}\n{{\"prefix\":\"kms\"}}\n"
    ))
    .err()
    .unwrap_or_default();
    assert!(err.contains("out of order"), "{err}");
}

#[test]
fn bad_service_line_is_reported_lazily() {
    // Indexes fine; the broken line only fails when kms is asked for.
    let catalog = parse(&format!(
        "{HEADER_1_1}\n{{\"prefix\":\"kms\",\"name\":1}}\n"
    ))
    .expect("index");
    assert!(catalog.service("kms").is_none());
    let err = catalog.try_service("kms").err().unwrap_or_default();
    assert!(err.starts_with("line 2:"), "{err}");
    assert!(catalog.validate().is_err());
    assert!(catalog.expand("*").is_empty());
}

#[test]
fn unknown_access_level_or_type_fails_to_load() {
    let line = r#"{"prefix":"x","name":"X","actions":[{"name":"A","access":"Sideways"}]}"#;
    let catalog = parse(&format!("{HEADER_1_1}\n{line}\n")).expect("index");
    assert!(catalog.try_service("x").is_err());
    let line = r#"{"prefix":"x","name":"X","actions":[{"name":"A","access":"Read"}],"condition_keys":[{"name":"x:k","type":"Colour"}]}"#;
    let catalog = parse(&format!("{HEADER_1_1}\n{line}\n")).expect("index");
    assert!(catalog.try_service("x").is_err());
}

#[test]
fn validate_checks_action_count() {
    let line = r#"{"prefix":"x","name":"X","actions":[]}"#;
    let catalog = parse(&format!("{HEADER_1_1}\n{line}\n")).expect("index");
    assert!(catalog.service("x").is_some());
    assert!(
        catalog.validate().is_err(),
        "header says 1 action, file has 0"
    );
}

#[test]
fn fast_reader_agrees_with_serde_on_every_embedded_line() {
    let mut lines = line_spans(EMBEDDED).map(|(_, span)| &EMBEDDED[span]);
    lines.next(); // the header
    let mut count = 0;
    for text in lines {
        let fast = line::read_service(text);
        let slow: Service = serde_json::from_str(text).expect("serde reads the line");
        // `None` would mean the converter's spelling moved away from `line.rs`.
        assert_eq!(fast.as_ref(), Some(&slow), "{}", slow.prefix);
        // Loading the embedded catalog trusts its order (`Catalog::sorted`).
        let order = |a: &Action, b: &Action| pattern::cmp_ignore_case(a.name, b.name).is_le();
        assert!(slow.actions.is_sorted_by(order), "{}", slow.prefix);
        count += 1;
    }
    assert_eq!(count, cat().service_count());
}

#[test]
fn lines_in_another_spelling_load_through_serde() {
    // Spaces, another key order, an upper-case prefix and unsorted actions.
    let spaced = r#"{"prefix":"X", "name": "X", "actions": [{"access": "Read", "name": "B"}, {"name": "a", "access": "List"}]}"#;
    assert!(line::read_service(spaced).is_none());
    let catalog = parse(&format!("{HEADER_1_1}\r\n{spaced}\r\n")).expect("index");
    assert_eq!(catalog.prefixes().collect::<Vec<_>>(), ["x"]);
    let x = catalog.try_service("x").expect("loads").expect("x");
    // Sorted after loading, whatever the file's order.
    assert_eq!(
        x.actions.iter().map(|a| a.name).collect::<Vec<_>>(),
        ["a", "B"]
    );
    assert_eq!(
        x.action("b").map(|a| a.access_level),
        Some(AccessLevel::Read)
    );
}

#[test]
fn escaped_strings_are_a_clear_error() {
    let line = r#"{"prefix":"x","name":"X \"quoted\"","actions":[]}"#;
    assert!(line::read_service(line).is_none());
    let catalog = parse(&format!("{HEADER_1_1}\n{line}\n")).expect("index");
    let err = catalog.try_service("x").err().unwrap_or_default();
    assert!(err.starts_with("line 2:"), "{err}");
    assert!(err.contains("cannot contain escapes"), "{err}");
}

/// C004 lists the levels a wildcard reaches by position in `ALL`, in the order they sort in.
#[test]
fn access_levels_are_listed_in_their_order() {
    assert!(AccessLevel::ALL.is_sorted());
    for (i, level) in AccessLevel::ALL.into_iter().enumerate() {
        assert_eq!(level as usize, i, "{level:?}");
    }
}

#[test]
fn enum_names_are_the_serde_names() {
    for level in AccessLevel::ALL {
        let json = serde_json::to_string(&level).unwrap_or_default();
        assert_eq!(json, format!("\"{}\"", level.as_str()));
        assert_eq!(AccessLevel::named(level.as_str()), Some(level));
    }
    for kind in ConditionType::ALL {
        let json = serde_json::to_string(&kind).unwrap_or_default();
        assert_eq!(json, format!("\"{}\"", kind.as_str()));
        assert_eq!(ConditionType::named(kind.as_str()), Some(kind));
    }
    assert_eq!(
        AccessLevel::named("read"),
        None,
        "the file's spelling is exact"
    );
}

#[test]
fn line_spans_number_lines_and_drop_line_ends() {
    let text = "a\r\n\nb\r\r\nc";
    let lines: Vec<(usize, &str)> = line_spans(text).map(|(n, s)| (n, &text[s])).collect();
    assert_eq!(lines, [(1, "a"), (3, "b"), (4, "c")]);
    assert_eq!(line_spans("x\n").count(), 1);
    assert_eq!(line_spans("").count(), 0);
}

#[test]
fn package_access_levels() {
    assert_eq!(
        AccessLevel::from_package("Tagging, Write"),
        Some(AccessLevel::Tagging)
    );
    assert_eq!(
        AccessLevel::from_package("Permissions management, Write"),
        Some(AccessLevel::PermissionsManagement)
    );
    assert_eq!(AccessLevel::from_package("Read"), Some(AccessLevel::Read));
    assert_eq!(AccessLevel::from_package("Write, Sideways"), None);
    assert_eq!(AccessLevel::from_package(""), None);
}

/// Timings for the report; run with
/// `cargo test --lib catalog::tests::timings -- --ignored --nocapture`.
#[test]
#[ignore]
fn timings() {
    use std::time::Instant;
    let t = Instant::now();
    let catalog = Catalog::parse(Cow::Borrowed(EMBEDDED)).expect("index");
    let index = t.elapsed();
    let t = Instant::now();
    let kms = catalog.service("kms").map_or(0, |s| s.actions.len());
    let one = t.elapsed();
    let t = Instant::now();
    catalog.validate().expect("all services");
    let all = t.elapsed();
    println!(
        "index {} services: {index:?}; load kms ({kms} actions): {one:?}; load all {} actions: {all:?}",
        catalog.service_count(),
        catalog.action_count()
    );
}

/// The hash indexes find every service and action in any case, and nothing else.
#[test]
fn indexes_find_every_name_in_any_case() {
    let catalog = cat();
    for (id, prefix) in catalog.service_ids() {
        assert_eq!(catalog.service_id(&prefix.to_ascii_uppercase()), Some(id));
        assert_eq!(catalog.service_id(&format!("{prefix}x")), None);
        let service = catalog.service_by_id(id).expect("embedded services load");
        for (i, action) in service.actions.iter().enumerate() {
            for name in [action.name.to_string(), action.name.to_ascii_lowercase()] {
                assert_eq!(
                    catalog.action_position(id, &name),
                    Some(i),
                    "{prefix}:{name}"
                );
            }
            let longer = format!("{}s", action.name);
            let expected = service
                .actions
                .iter()
                .position(|a| a.name.eq_ignore_ascii_case(&longer));
            assert_eq!(catalog.action_position(id, &longer), expected);
        }
    }
}

#[test]
fn condition_keys_by_name_are_the_first_so_named() {
    let catalog = cat();
    for (id, _) in catalog.service_ids().step_by(9) {
        let service = catalog.service_by_id(id).expect("service parses");
        let first =
            |key: &str| (service.condition_keys.iter()).find(|k| k.name.eq_ignore_ascii_case(key));
        // Asked enough times for the index to be built, then asked again through it.
        for _ in 0..2 {
            for k in &service.condition_keys {
                for key in [k.name.to_string(), k.name.to_ascii_uppercase()] {
                    let found = catalog.condition_key_named(id, &key);
                    assert_eq!(found.map(|k| k.name), first(&key).map(|k| k.name), "{key}");
                    assert!(found.is_some(), "{key}");
                }
            }
            let missing = format!("{}:NoSuchKeyHere", service.prefix);
            assert!(catalog.condition_key_named(id, &missing).is_none());
        }
    }
}
