//! Forbidden access (E006): `[[forbid]]` entries are validated with located errors,
//! `--forbid` works from the command line, and what the engine decides agrees with the
//! independent evaluator (`src/evaluate.rs`) on concrete requests.

mod support;

use iamlint::access::forbid::Forbidden;
use iamlint::access::Access;
use iamlint::catalog::Catalog;
use iamlint::config::Config;
use iamlint::evaluate::{evaluate, Decision, Request};
use support::cli::{iamlint, stdout};

fn error(text: &str) -> String {
    Config::parse(text).expect_err("the config is rejected")
}

#[test]
fn forbid_entries_are_validated_at_their_line() {
    let reasonless = "select = [\"E\"]\n\n[[forbid]]\nactions = [\"iam:PassRole\"]\n";
    assert_eq!(
        error(reasonless),
        "line 3 ([[forbid]]): a forbidden access needs a `reason` saying why"
    );
    let empty = "[[forbid]]\nreason = \"r\"\n";
    assert!(
        error(empty).starts_with("line 1 ([[forbid]]): name the `actions`"),
        "{}",
        error(empty)
    );
    let bad_action =
        "[[forbid]]\nreason = \"r\"\nactions = [\n  \"iam:PassRole\",\n  \"PassRole\",\n]\n";
    assert_eq!(
        error(bad_action),
        "line 5 (forbid.actions): expected an action pattern such as `iam:PassRole` or `s3:Delete*`, found `PassRole`"
    );
    let bad_resource =
        "[[forbid]]\nreason = \"r\"\nactions = [\"s3:GetObject\"]\nresources = [\"payroll/*\"]\n";
    assert!(
        error(bad_resource).starts_with("line 4 (forbid.resources): expected `*` or an ARN"),
        "{}",
        error(bad_resource)
    );
    let unknown_key = "[[forbid]]\nreason = \"r\"\naction = [\"s3:GetObject\"]\n";
    assert!(
        error(unknown_key).contains("unknown field `action`"),
        "{}",
        error(unknown_key)
    );
}

#[test]
fn forbidden_actions_must_be_in_the_catalog() {
    let config = Config::parse(
        "[[forbid]]\nreason = \"r\"\nactions = [\"kms:Decrypt\"]\n\n[[forbid]]\nreason = \"r\"\nactions = [\"iam:PasRole\"]\n",
    )
    .unwrap();
    assert_eq!(
        config.check_forbidden(Catalog::embedded()).unwrap_err(),
        "line 7 (forbid.actions): `iam:PasRole` matches no action in the AWS action catalog (did you mean `iam:PassRole`?)"
    );
    let mut flags = Config::default();
    flags.forbid_actions("iam:PassRole, kms:Decrypt").unwrap();
    assert!(flags.check_forbidden(Catalog::embedded()).is_ok());
    flags.forbid_actions("kmz:Decrypt").unwrap();
    let err = flags.check_forbidden(Catalog::embedded()).unwrap_err();
    assert!(
        err.starts_with("--forbid: `kmz:Decrypt` matches no action"),
        "{err}"
    );
    assert!(Config::default().forbid_actions(" , ").is_err());
}

#[test]
fn forbid_on_the_command_line_reports_e006_and_fails() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("role.json"),
        r#"{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": ["iam:Pass*", "s3:GetObject"], "Resource": "*"}
]}"#,
    )
    .unwrap();
    let args = [
        "check",
        "--format",
        "concise",
        "--select",
        "E006",
        "role.json",
    ];
    let clean = iamlint(dir.path(), &args);
    assert_eq!(clean.status.code(), Some(0), "{}", stdout(&clean));
    let forbid = [&args[..], &["--forbid", "iam:PassRole,kms:Decrypt"]].concat();
    let found = iamlint(dir.path(), &forbid);
    assert_eq!(found.status.code(), Some(1));
    assert_eq!(
        stdout(&found).lines().next().unwrap(),
        "role.json:2:35: error[E006] `iam:Pass*` grants `iam:PassRole`, which is forbidden: named by `--forbid`"
    );
    let typo = [&args[..], &["--forbid", "iam:PasRole"]].concat();
    let failed = iamlint(dir.path(), &typo);
    assert_eq!(failed.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&failed.stderr).contains("did you mean `iam:PassRole`"));
}

#[test]
fn a_config_entry_with_a_misspelt_action_is_a_config_error_naming_the_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("iamlint.toml"),
        "[[forbid]]\nactions = [\"s3:GetObjekt\"]\nreason = \"payroll\"\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("p.json"), r#"{"Statement": []}"#).unwrap();
    let out = iamlint(dir.path(), &["check", "p.json"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("iamlint.toml: line 2 (forbid.actions): `s3:GetObjekt` matches no action"),
        "{stderr}"
    );
}

/// Policies built from every combination of an `Allow` and an optional `Deny`, against one
/// forbidden access: where the engine finds no standing grant, the evaluator allows no
/// request in the forbidden region; where it finds one (there are no conditions here), the
/// evaluator allows some request there.
#[test]
fn the_engine_agrees_with_the_evaluator_on_forbidden_access() {
    let actions = [
        r#""Action": "s3:GetObject""#,
        r#""Action": "s3:Get*""#,
        r#""Action": "s3:*""#,
        r#""Action": "*""#,
        r#""Action": "s3:PutObject""#,
        r#""NotAction": "s3:Get*""#,
        r#""NotAction": "iam:*""#,
    ];
    let resources = [
        r#""Resource": "*""#,
        r#""Resource": "arn:aws:s3:::payroll/*""#,
        r#""Resource": "arn:aws:s3:::payroll/2024/*""#,
        r#""Resource": "arn:aws:s3:::reports/*""#,
        r#""Resource": "arn:aws:s3:::pay*""#,
        r#""NotResource": "arn:aws:s3:::payroll/*""#,
    ];
    let entry = Forbidden {
        actions: vec!["s3:GetObject".into()],
        resources: vec!["arn:aws:s3:::payroll/*".into()],
        reason: "payroll".into(),
        ..Forbidden::default()
    };
    // Concrete requests inside the forbidden region.
    let inside = [
        "arn:aws:s3:::payroll/2024/march.csv",
        "arn:aws:s3:::payroll/2025/april.csv",
        "arn:aws:s3:::payroll/index",
    ];
    let statement =
        |effect: &str, a: &str, r: &str| format!(r#"{{"Effect": "{effect}", {a}, {r}}}"#);
    let mut denies = vec![None];
    for a in &actions {
        for r in &resources {
            denies.push(Some(statement("Deny", a, r)));
        }
    }
    let mut checked = 0;
    let mut reported = 0;
    let mut imprecise = 0;
    for a in &actions {
        for r in &resources {
            for deny in &denies {
                let mut statements = vec![statement("Allow", a, r)];
                statements.extend(deny.clone());
                let text = format!(
                    r#"{{"Version": "2012-10-17", "Statement": [{}]}}"#,
                    statements.join(", ")
                );
                let root = iamlint::json::parse(&text).unwrap();
                let policy = iamlint::policy::build(&root);
                let access = Access::of(&policy);
                let hits = access.forbidden(&entry, Catalog::embedded());
                let allowed: Vec<&str> = inside
                    .iter()
                    .copied()
                    .filter(|arn| {
                        evaluate(&policy, &Request::new("s3:GetObject", arn)) == Ok(Decision::Allow)
                    })
                    .collect();
                if hits.is_empty() {
                    assert!(
                        allowed.is_empty(),
                        "the engine finds no forbidden grant, the evaluator allows {allowed:?}: {text}"
                    );
                } else {
                    reported += 1;
                    // A Deny the engine cannot prove covering may still cover every sample;
                    // without one, the evaluator must allow a sample.
                    if deny.is_none() {
                        assert!(
                            !allowed.is_empty(),
                            "the engine reports a grant the evaluator never allows: {text}"
                        );
                    } else if allowed.is_empty() {
                        imprecise += 1;
                    }
                }
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 7 * 6 * (1 + 7 * 6));
    // Both answers occur, and the engine's caution (a Deny it cannot prove covering, such
    // as a `NotResource` one) stays rare.
    assert!(
        reported > 100 && checked - reported > 100,
        "{reported} of {checked}"
    );
    assert!(imprecise * 20 < reported, "{imprecise} of {reported}");
}

/// Bucket policies built from a wildcard `Allow` under each condition and each `Deny`: A006
/// reports a statement exactly when the evaluator lets some caller from outside (another
/// account and organization, another endpoint, a role of any name) read an object.
#[test]
fn a006_agrees_with_the_evaluator_on_public_access() {
    use iamlint::check::{check_bytes, Options};
    use iamlint::source::{format_of, Origin};
    let bucket = "arn:aws:s3:::example-reports";
    let conditions = [
        "",
        r#", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}"#,
        r#", "Condition": {"StringLike": {"aws:PrincipalOrgID": "*"}}"#,
        r#", "Condition": {"StringEqualsIfExists": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}"#,
        r#", "Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/*"}}"#,
        r#", "Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/reader"}}"#,
        r#", "Condition": {"StringEquals": {"aws:PrincipalAccount": "111122223333"}}"#,
        r#", "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}"#,
        r#", "Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}"#,
        r#", "Condition": {"Bool": {"aws:SecureTransport": "true"}}"#,
        r#", "Condition": {"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}}"#,
        r#", "Condition": {"Bool": {"aws:PrincipalIsAWSService": "true"}}"#,
    ];
    let denies = [
        String::new(),
        format!(
            r#", {{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": ["{bucket}", "{bucket}/*"], "Condition": {{"StringNotEquals": {{"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}}}}}"#
        ),
        format!(
            r#", {{"Effect": "Deny", "Principal": "*", "Action": "s3:PutObject", "Resource": "{bucket}/*", "Condition": {{"StringNotEquals": {{"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}}}}}"#
        ),
        format!(
            r#", {{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "{bucket}/*", "Condition": {{"Bool": {{"aws:SecureTransport": "false"}}}}}}"#
        ),
        format!(
            r#", {{"Effect": "Deny", "Principal": {{"AWS": "*"}}, "Action": "s3:GetObject", "Resource": "{bucket}/*"}}"#
        ),
    ];
    // Roles of any name, in an account of another organization or of none.
    let outsiders: Vec<Request> = [
        ("reader", Some("o-outsider")),
        ("x", Some("o-outsider")),
        ("x", None),
    ]
    .iter()
    .map(|(name, org)| {
        let arn = format!("arn:aws:iam::999999999999:role/{name}");
        let request = Request::new("s3:GetObject", &format!("{bucket}/report.csv"))
            .principal("AWS", &arn)
            .context("aws:PrincipalArn", &[&arn])
            .context("aws:PrincipalAccount", &["999999999999"])
            .context("aws:SourceVpce", &["vpce-outsider"])
            .context("aws:SecureTransport", &["true"])
            .context("aws:SourceIp", &["198.51.100.7"])
            .context("aws:PrincipalIsAWSService", &["false"]);
        match org {
            Some(org) => request.context("aws:PrincipalOrgID", &[org]),
            None => request,
        }
    })
    .collect();
    let opts = Options {
        config: Config::parse("select = [\"A006\"]").unwrap(),
        kind: Some(iamlint::policy::PolicyKind::Resource),
        ..Options::default()
    };
    let (mut public, mut closed) = (0, 0);
    for condition in &conditions {
        for deny in &denies {
            let text = format!(
                r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "{bucket}/*"{condition}}}{deny}]}}"#
            );
            let root = iamlint::json::parse(&text).unwrap();
            let policy = iamlint::policy::build(&root);
            let open = outsiders
                .iter()
                .any(|r| evaluate(&policy, r) == Ok(Decision::Allow));
            let path = std::path::Path::new("bucket.json");
            let report = check_bytes(
                "bucket.json",
                path,
                text.clone().into_bytes(),
                format_of(path),
                Origin::Explicit,
                &opts,
            );
            let reported = report.findings.iter().any(|f| f.rule == "A006");
            assert_eq!(
                reported, open,
                "A006 {reported}, an outsider allowed {open}: {text}"
            );
            if open {
                public += 1;
            } else {
                closed += 1;
            }
        }
    }
    assert!(
        public > 10 && closed > 10,
        "{public} public, {closed} closed"
    );
}
