//! The rules: each file holds one rule's check; `rules/CODE.md` holds its docs and
//! metadata. A check reads the typed policy and pushes [`Diagnostic`]s; it never reports
//! directly, so selection, severity and suppression stay in one place (`filter`).

mod docs;
mod lookup;
mod resources;

mod a001_allow_all_actions;
mod a002_service_wildcard;
mod a003_allow_not_action;
mod a004_allow_not_resource;
mod a005_allow_not_principal;
mod a006_public_principal;
mod a007_passrole_wildcard;
mod c001_unknown_service;
mod c002_unknown_action;
mod c003_wildcard_matches_nothing;
mod c004_wildcard_expansion;
mod c005_arn_matches_no_resource_type;
mod c006_action_resource_mismatch;
mod c007_resource_star;
mod j002_duplicate_key;
mod k001_root_delegation;
mod k002_kms_full_access;
mod k003_key_user_administers;
mod k004_key_policy_lockout;
mod k005_unconstrained_grant;
mod k006_cross_account_principal;
mod k007_key_policy_resource;
mod k008_key_user_without_context;
mod k009_identity_every_key;
pub mod kms;
mod n001_unknown_condition_key;
mod n002_condition_key_not_supported;
mod n003_operator_type_mismatch;
mod n004_invalid_condition_value;
mod n005_wildcard_without_like;
mod n006_for_all_values_single_valued;
mod p001_unknown_element;
mod p002_missing_element;
mod p003_conflicting_elements;
mod p004_invalid_effect;
mod p005_invalid_version;
mod p006_outdated_version;
mod p007_variable_needs_version;
mod p008_invalid_sid;
mod p009_unusual_sid;
mod p010_duplicate_sid;
mod p011_empty_value;
mod p012_principal_not_allowed;
mod p013_missing_principal;
mod p014_unknown_condition_operator;
mod p015_malformed_arn;
mod p016_placeholder;
mod p017_invalid_element_type;
pub mod principals;
pub mod relate;
mod t001_public_trust;
mod t002_web_identity_unpinned;
mod t003_service_confused_deputy;
mod t004_invalid_principal;

pub use docs::{all as all_rules, meta, parse as parse_doc, RuleMeta};
pub use lookup::Resolutions;

use crate::catalog::Catalog;
use crate::diagnostic::Diagnostic;
use crate::policy::{Policy, PolicyKind};

/// What a check sees: one document, as a typed policy, the kind it was judged to be, and
/// the AWS action catalog to look names up in.
pub struct Context<'a> {
    pub policy: &'a Policy<'a>,
    pub kind: PolicyKind,
    pub catalog: &'a Catalog,
    /// Action patterns already looked up in `catalog` during this run.
    pub resolutions: &'a Resolutions,
    /// `trusted-accounts` from the config: accounts whose principals are expected.
    pub trusted_accounts: &'a [String],
    /// Each statement's resources against its actions' ARN templates, worked out when a
    /// rule first asks (start with `Default::default()`).
    pub resources: resources::Cache<'a>,
}

pub type Check = fn(&Context, &mut Vec<Diagnostic>);

/// Every rule that inspects a policy, by code. Codes without a check here are raised by the
/// pipeline itself (see [`PIPELINE_CODES`]).
pub static CHECKS: &[(&str, Check)] = &[
    ("A001", a001_allow_all_actions::check),
    ("A002", a002_service_wildcard::check),
    ("A003", a003_allow_not_action::check),
    ("A004", a004_allow_not_resource::check),
    ("A005", a005_allow_not_principal::check),
    ("A006", a006_public_principal::check),
    ("A007", a007_passrole_wildcard::check),
    ("C001", c001_unknown_service::check),
    ("C002", c002_unknown_action::check),
    ("C003", c003_wildcard_matches_nothing::check),
    ("C004", c004_wildcard_expansion::check),
    ("C005", c005_arn_matches_no_resource_type::check),
    ("C006", c006_action_resource_mismatch::check),
    ("C007", c007_resource_star::check),
    ("J002", j002_duplicate_key::check),
    ("K001", k001_root_delegation::check),
    ("K002", k002_kms_full_access::check),
    ("K003", k003_key_user_administers::check),
    ("K004", k004_key_policy_lockout::check),
    ("K005", k005_unconstrained_grant::check),
    ("K006", k006_cross_account_principal::check),
    ("K007", k007_key_policy_resource::check),
    ("K008", k008_key_user_without_context::check),
    ("K009", k009_identity_every_key::check),
    ("N001", n001_unknown_condition_key::check),
    ("N002", n002_condition_key_not_supported::check),
    ("N003", n003_operator_type_mismatch::check),
    ("N004", n004_invalid_condition_value::check),
    ("N005", n005_wildcard_without_like::check),
    ("N006", n006_for_all_values_single_valued::check),
    ("P001", p001_unknown_element::check),
    ("P002", p002_missing_element::check),
    ("P003", p003_conflicting_elements::check),
    ("P004", p004_invalid_effect::check),
    ("P005", p005_invalid_version::check),
    ("P006", p006_outdated_version::check),
    ("P007", p007_variable_needs_version::check),
    ("P008", p008_invalid_sid::check),
    ("P009", p009_unusual_sid::check),
    ("P010", p010_duplicate_sid::check),
    ("P011", p011_empty_value::check),
    ("P012", p012_principal_not_allowed::check),
    ("P013", p013_missing_principal::check),
    ("P014", p014_unknown_condition_operator::check),
    ("P015", p015_malformed_arn::check),
    ("P016", p016_placeholder::check),
    ("P017", p017_invalid_element_type::check),
    ("T001", t001_public_trust::check),
    ("T002", t002_web_identity_unpinned::check),
    ("T003", t003_service_confused_deputy::check),
    ("T004", t004_invalid_principal::check),
];

/// Codes the pipeline raises itself: before there is a policy to check (bytes, JSON,
/// Markdown), or after checking: L001 (a suppression that matched nothing) and X001, X002
/// (documents related to each other, `crate::relate`).
pub static PIPELINE_CODES: &[&str] = &[
    "J001", "J003", "J004", "J005", "J006", "J007", "L001", "X001", "X002",
];

/// Runs every check whose rule `applies` accepts.
pub fn run(cx: &Context, applies: impl Fn(&RuleMeta) -> bool) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for ((_, check), meta) in CHECKS.iter().zip(check_metas()) {
        if meta.is_some_and(&applies) {
            check(cx, &mut out);
        }
    }
    out
}

/// Each check's rule page, in `CHECKS` order, looked up once: `run` runs for every document.
fn check_metas() -> &'static [Option<&'static RuleMeta>] {
    static METAS: std::sync::OnceLock<Vec<Option<&'static RuleMeta>>> = std::sync::OnceLock::new();
    METAS.get_or_init(|| CHECKS.iter().map(|(code, _)| meta(code)).collect())
}

/// `Allow` statements only: a `Deny` restricts and never counts as access.
pub fn allows<'a>(cx: &'a Context) -> impl Iterator<Item = &'a crate::policy::Statement<'a>> {
    cx.policy.statements.iter().filter(|s| s.is_allow())
}

/// Reports the `Not*` element that `element` picks from each `Allow` statement (A003–A005):
/// an `Allow` with a negated element grants everything it does not name.
fn allow_with_negation<'a>(
    // `'_`: the context holds a cache, so its lifetime cannot shrink to the borrow's.
    cx: &'a Context<'_>,
    out: &mut Vec<Diagnostic>,
    code: &'static str,
    element: fn(&crate::policy::Statement<'a>) -> Option<&'a crate::json::Member<'a>>,
    message: &str,
    help: &'static str,
) {
    for s in allows(cx) {
        if let Some(member) = element(s) {
            out.push(
                Diagnostic::new(code, crate::policy::Str::of_key(member).span, message)
                    .help(help)
                    .at(format!("{}/{}", s.pointer, member.key)),
            );
        }
    }
}
