//! The rules: each file holds one rule's check; `rules/CODE.md` holds its docs and
//! metadata. A check reads the typed policy and pushes [`Diagnostic`]s; it never reports
//! directly, so selection, severity and suppression stay in one place (`filter`).

mod actions;
mod c010_wildcard_in_arn_service;
mod c020_redundant_statement;
mod c021_other_service_in_resource_policy;
mod conditions;
mod e006_forbidden_access;
mod lookup;
mod n014_ip_range_host_bits;
mod n015_list_prefix_bypass;
mod n016_dynamodb_attributes_without_select;
mod n017_missing_paired_key;
mod n018_arn_key_string_operator;
mod n019_redundant_condition_value;
mod n020_key_not_sent_by_action;
mod n021_key_not_sent_by_service_principal;
mod n022_tag_key_not_supported;
mod n023_condition_pattern_too_permissive;
mod n024_irrelevant_condition_key;
mod p020_invalid_policy_variable;
mod policy_types;
mod q001_policy_size_quota;
mod r001_rcp_syntax;
mod r002_rcp_service_principals_not_exempt;
mod registry;
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
mod c008_redundant_action;
mod c009_redundant_resource;
mod e001_privilege_escalation;
mod e002_compute_takeover;
mod e003_credentials_exposure;
mod e004_data_exfiltration;
mod e005_permissions_management;
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
mod keys;
pub mod kms;
pub mod methods;
mod n001_unknown_condition_key;
mod n002_condition_key_not_supported;
mod n003_operator_type_mismatch;
mod n004_invalid_condition_value;
mod n005_wildcard_without_like;
mod n006_for_all_values_single_valued;
mod n007_key_case_duplicate;
mod n008_bool_multiple_values;
mod n009_variable_in_non_string_operator;
mod n010_multivalued_key_without_set;
mod n011_null_with_set_operator;
mod n012_spoofable_condition_key;
mod n013_private_source_ip;
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
mod p018_empty_condition;
mod p019_empty_sid;
pub mod principals;
pub mod relate;
mod t001_public_trust;
mod t002_web_identity_unpinned;
mod t003_service_confused_deputy;
mod t004_invalid_principal;
mod t005_trust_element_not_allowed;
mod t006_federated_action_mismatch;
mod t007_github_org_wide;
mod t008_roles_anywhere_actions;
mod t009_trust_wildcard_principal;
mod t010_condition_key_without_action;
mod t011_redundant_principal;
mod t012_federated_principal_in_resource_policy;

pub use crate::code::Code;
pub use lookup::Lookups;
pub use registry::{all as all_rules, meta, RuleMeta, CHECKS};

use crate::catalog::Catalog;
use crate::diagnostic::Diagnostic;
use crate::policy::{Policy, PolicyKind, Statement};

/// What a check sees: one document, as a typed policy, the kind it was judged to be, and
/// the AWS action catalog to look names up in.
pub struct Context<'a> {
    pub policy: &'a Policy<'a>,
    pub kind: PolicyKind,
    /// The type of the template resource that holds the document (`AWS::ECR::Repository`),
    /// where a template says it: what a resource policy may name depends on it.
    pub resource_type: Option<&'a str>,
    /// The run's catalog and what it has looked up in it so far.
    pub lookups: &'a Lookups,
    /// `lookups`' catalog, found once per document: rules ask for it at every name.
    catalog: &'a Catalog,
    /// `trusted-accounts` from the config: accounts whose principals are expected.
    pub trusted_accounts: &'a [String],
    /// Access no policy may grant (`[[forbid]]`, `--forbid`): E006.
    pub forbidden: &'a [crate::access::forbid::Forbidden],
    /// What the JSON parser noted, when the document is a JSON text parsed as written:
    /// rules that would walk the whole tree ask it first (J002, Q001).
    pub json_facts: Option<crate::json::Facts>,
    /// Each statement's resources against its actions' ARN templates, worked out when a
    /// rule first asks.
    pub resources: resources::Cache<'a>,
    /// The document's effective access, read when a rule first asks (`methods::access`).
    pub access: std::cell::OnceCell<crate::access::Access<'a>>,
    /// What the access methods find in the document, for all the E rules at once
    /// (`methods::check_family`).
    pub methods: std::cell::OnceCell<methods::Findings>,
    /// Every condition entry's key and operator, worked out when a rule first asks.
    condition_keys: std::cell::OnceCell<keys::DocumentKeys<'a>>,
    /// Every action string's name and catalog lookup, worked out when a rule first asks.
    action_table: std::cell::OnceCell<actions::Table<'a>>,
    /// What each statement's patterns reach of the KMS action sets, worked out when a rule
    /// first asks.
    kms_masks: std::cell::OnceCell<Vec<std::cell::OnceCell<kms::StatementMasks>>>,
}

impl<'a> Context<'a> {
    pub fn new(
        policy: &'a Policy<'a>,
        kind: PolicyKind,
        lookups: &'a Lookups,
        trusted_accounts: &'a [String],
    ) -> Self {
        Context {
            policy,
            kind,
            resource_type: None,
            lookups,
            catalog: lookups.catalog(),
            trusted_accounts,
            forbidden: &[],
            json_facts: None,
            resources: Default::default(),
            access: Default::default(),
            methods: Default::default(),
            condition_keys: Default::default(),
            action_table: Default::default(),
            kms_masks: Default::default(),
        }
    }

    /// Whether the document is a VPC endpoint's policy (known from its template): such a
    /// policy grants nothing, it only limits what requests through the endpoint may do, so
    /// `"Principal": "*"` with `"Action": "*"` there is AWS's default full-access endpoint
    /// policy, not a public grant.
    pub fn is_vpc_endpoint_policy(&self) -> bool {
        matches!(
            self.resource_type,
            Some("AWS::EC2::VPCEndpoint" | "aws_vpc_endpoint" | "aws_vpc_endpoint_policy")
        )
    }

    /// The KMS action sets (`rules/kms-actions.toml`) as the run's catalog knows them and
    /// the document's statements reach them.
    pub fn kms(&self) -> kms::DocumentKms<'_, 'a> {
        kms::DocumentKms::new(self.lookups.kms(), self)
    }

    /// The AWS action catalog of the run (`--catalog`, or the embedded one).
    pub fn catalog(&self) -> &'a Catalog {
        self.catalog
    }

    /// Each of `s`'s condition entries with its key as the catalog knows it and its
    /// operator's parts, worked out once per document: most N rules ask.
    pub fn conditions<'s>(
        &'s self,
        s: &'s crate::policy::Statement<'a>,
    ) -> impl Iterator<Item = (&'s crate::policy::ConditionEntry<'a>, keys::EntryFacts<'a>)> + 's
    {
        let entries = s.conditions();
        // A statement without conditions needs no lookups.
        let cached = (!entries.is_empty())
            .then(|| keys::statement_position(self.policy, s))
            .flatten()
            .and_then(|i| {
                self.condition_keys
                    .get_or_init(|| keys::DocumentKeys::new(self.lookups, self.policy))
                    .of(i)
            });
        let lookups = self.lookups;
        entries.iter().enumerate().map(move |(i, entry)| {
            // A statement that is not the document's own is looked up as it comes.
            let facts = cached.and_then(|facts| facts.get(i).copied());
            let facts = facts.unwrap_or_else(|| keys::EntryFacts::of(lookups, s, entry));
            (entry, facts)
        })
    }

    /// The strings of `s`'s `Action` and `NotAction`, each split and looked up in the
    /// catalog once per document: most C, E and N rules read every action.
    pub fn actions<'s>(&'s self, s: &Statement<'a>) -> actions::StatementActions<'s, 'a> {
        let table = self
            .action_table
            .get_or_init(|| actions::Table::new(self.lookups, self.catalog, self.policy));
        let known = keys::statement_position(self.policy, s).and_then(|i| table.of(i));
        // A statement that is not the document's own is looked up as it comes.
        known.unwrap_or_else(|| actions::StatementActions::of(self.lookups, self.catalog, s))
    }

    /// Asks, action by action, whether actions document condition key `key` (a catalog
    /// name), through the run's column of actions per service and key.
    pub fn key_support(&self, key: &'a str) -> keys::KeySupport<'a> {
        keys::KeySupport::new(self.lookups, key)
    }
}

pub type Check = fn(&Context, &mut Vec<Diagnostic>);

/// Runs the check of every rule for the document's kind that `enabled` accepts. One
/// problem, one finding: a finding that another one folds in ([`Diagnostic::folds`]) is
/// dropped. The findings are added to `out` (a list the caller keeps between documents, so
/// that it is not grown anew for each).
pub fn run(cx: &Context, enabled: impl Fn(&RuleMeta) -> bool, out: &mut Vec<Diagnostic>) {
    let start = out.len();
    for (code, check) in checks_for(cx.kind) {
        if enabled(code.meta()) {
            check(cx, out);
        }
    }
    let folded: Vec<(Code, crate::json::Span)> = out[start..]
        .iter()
        .flat_map(|d| d.folds.iter().copied())
        .collect();
    if !folded.is_empty() {
        let mut at = 0;
        out.retain(|d| {
            at += 1;
            at <= start || !folded.contains(&(d.code, d.span))
        });
    }
}

/// The checks of the rules that apply to a kind of policy, in code order: sorted out once a
/// run, rather than each rule's kinds searched once a document.
fn checks_for(kind: PolicyKind) -> &'static [(Code, Check)] {
    static BY_KIND: std::sync::OnceLock<Vec<Vec<(Code, Check)>>> = std::sync::OnceLock::new();
    let by_kind = BY_KIND.get_or_init(|| {
        PolicyKind::ALL
            .iter()
            .map(|kind| {
                let applies = |meta: &RuleMeta| meta.kinds.is_empty() || meta.kinds.contains(kind);
                CHECKS
                    .iter()
                    .filter(|(code, _)| applies(code.meta()))
                    .copied()
                    .collect()
            })
            .collect()
    });
    let at = PolicyKind::ALL.iter().position(|&k| k == kind);
    at.map_or(&[][..], |at| &by_kind[at])
}

/// `Allow` statements only: a `Deny` restricts and never counts as access.
pub fn allows<'s, 'a>(cx: &'s Context<'a>) -> impl Iterator<Item = &'s Statement<'a>> {
    cx.policy.statements.iter().filter(|s| s.is_allow())
}

/// Reports the `Not*` element that `element` picks from each `Allow` statement (A003–A005):
/// an `Allow` with a negated element grants everything it does not name.
fn allow_with_negation<'a>(
    // `'_`: the context holds a cache, so its lifetime cannot shrink to the borrow's.
    cx: &'a Context<'_>,
    out: &mut Vec<Diagnostic>,
    code: Code,
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

/// Reports each value of a list that another value of the same list covers (C008 for
/// actions, C009 for resources): one finding on the value that can go, labelling the one
/// that covers it. `ignore_case`: how the values compare (actions without case, ARNs with);
/// `wildcards` fills in where each value's first wildcard is; `key` gives the part of a value
/// that finds its candidates in a long list and `covers` settles each candidate pair (see
/// [`crate::pattern::redundant_patterns`]).
#[allow(clippy::too_many_arguments)]
fn redundant_values<'c>(
    cx: &Context<'c>,
    out: &mut Vec<Diagnostic>,
    code: Code,
    lists: fn(&Statement<'c>) -> [Option<&'c crate::json::Member<'c>>; 2],
    ignore_case: bool,
    wildcards: Wildcards,
    key: fn(&'c str) -> &'c str,
    covers: fn(&str, &str) -> bool,
) {
    for s in &cx.policy.statements {
        for (list, member) in lists(s).into_iter().enumerate() {
            let Some(member) = member else { continue };
            let values = s.strings_of(member);
            if values.len() < 2 {
                continue;
            }
            let mut report = |i: usize, covering: usize| {
                let (value, by) = (values[i], values[covering]);
                out.push(redundant_value(code, s, member, ignore_case, value, by));
            };
            if values.len() > SHORT_LIST {
                let keys: Vec<&'c str> = values.iter().map(|v| key(v.value)).collect();
                let redundant = crate::pattern::redundant_patterns(&keys, ignore_case, |g, s| {
                    covers(values[g].value, values[s].value)
                });
                for (i, covering) in redundant {
                    report(i, covering);
                }
                continue;
            }
            // A short list, pair by pair, with the wildcards the rule knows of and without
            // allocating.
            let n = values.len();
            let mut keys = [""; SHORT_LIST];
            for (k, value) in keys.iter_mut().zip(values.iter()) {
                *k = key(value.value);
            }
            let mut heads = [None; SHORT_LIST];
            wildcards(cx, s, list, &keys[..n], &mut heads[..n]);
            crate::pattern::redundant_in_short_list_with(
                &keys[..n],
                &heads[..n],
                ignore_case,
                |g, s| covers(values[g].value, values[s].value),
                &mut report,
            );
        }
    }
}

/// Fills in where the key of each value of a statement's `list`th list (in the order of
/// the rule's `lists`) has its first wildcard, for [`redundant_values`].
type Wildcards = for<'c> fn(&Context<'c>, &Statement<'c>, usize, &[&str], &mut [Option<usize>]);

/// [`Wildcards`] that searches each key.
fn first_wildcards(
    _: &Context,
    _: &Statement,
    _: usize,
    keys: &[&str],
    heads: &mut [Option<usize>],
) {
    for (head, key) in heads.iter_mut().zip(keys) {
        *head = crate::pattern::first_wildcard(key);
    }
}

/// Lists this long or shorter are compared pair by pair.
const SHORT_LIST: usize = crate::pattern::SHORT_LIST;

/// C008's or C009's finding on `value`, which `by` covers, in `member` of `s`.
fn redundant_value(
    code: Code,
    s: &Statement,
    member: &crate::json::Member,
    ignore_case: bool,
    value: crate::policy::Str,
    by: crate::policy::Str,
) -> Diagnostic {
    let equal = if ignore_case {
        value.value.eq_ignore_ascii_case(by.value)
    } else {
        value.value == by.value
    };
    // Joined, not `format!`ted: C008 and C009 fire by the ten thousand.
    let message = if equal {
        ["`", value.value, "` is listed twice in `", &member.key, "`"].concat()
    } else {
        let (value, by) = (value.value, by.value);
        [
            "`",
            value,
            "` is already matched by `",
            by,
            "` in `",
            &member.key,
            "`",
        ]
        .concat()
    };
    Diagnostic::new(code, value.span, message)
        .label(by.span, "this covers it")
        .help(["remove `", value.value, "`"].concat())
        .at([s.pointer.as_str(), "/", &member.key].concat())
}
