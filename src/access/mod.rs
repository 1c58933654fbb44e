//! The effective grant of one policy document: which concrete actions its `Allow`
//! statements grant, on which resources, to which principals, under which conditions, and
//! what its `Deny` statements take away. Shared by the access rules (E001–E005),
//! `iamlint explain` and policy comparison.
//!
//! Patterns stay patterns (actions, resources, principals) and conditions stay
//! key/operator/values, so a question is answered exactly for the action asked about: the
//! engine is asked about one catalog action at a time ([`Access::reaches`]) or, through
//! the catalog, about every action a statement names ([`Access::expand`]). A `Deny` removes
//! a grant only where it covers it completely (same action, resources that cover the
//! grant's, principals that include its, no condition); a conditional `Deny` leaves the
//! grant standing and is kept with it. An unconditional `Deny` with `NotResource` narrows
//! an `Allow` on every resource to the resources it excludes.

pub mod condition;
pub mod forbid;
pub mod scope;

use crate::catalog::{Action, ArnTemplate, Catalog, Service};
use crate::pattern::{wildcard_match, Glob, NoCase, Wildcard};
use crate::policy::{has_wildcard, Effect, Policy, PrincipalValue, Statement, Str};
pub use condition::{Condition, Narrows};
pub use scope::Scope;
use std::borrow::Cow;

/// One catalog action, resolved once for every question about it.
pub struct Target<'c> {
    /// `service:Action` as the catalog spells it.
    pub name: String,
    pub service: &'c Service,
    pub action: &'c Action,
    /// The ARN templates the action accepts (empty: no resource-level permissions); `None`
    /// when the catalog names a resource type it does not describe.
    pub templates: Option<Vec<&'c ArnTemplate>>,
    /// Some template has no name part ([`scope::has_name_variable`]), worked out when first
    /// asked ([`Grant::may_reach_every`]).
    nameless: std::cell::OnceCell<bool>,
}

/// Where an action is in a catalog: its service and its position there, kept by a caller
/// that asks about the same names in document after document ([`Target::at_located`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Located {
    service: crate::catalog::ServiceId,
    position: usize,
}

impl<'c> Target<'c> {
    /// `iam:PassRole` (any case) in the catalog.
    pub fn resolve(catalog: &'c Catalog, name: &str) -> Option<Target<'c>> {
        Self::at_located(catalog, Self::locate(catalog, name)?)
    }

    /// Where [`Target::resolve`] finds `name`, without building the target.
    pub fn locate(catalog: &Catalog, name: &str) -> Option<Located> {
        let (prefix, action) = name.split_once(':')?;
        let service = catalog.service_id(prefix)?;
        let position = catalog.action_position(service, action)?;
        Some(Located { service, position })
    }

    /// The target [`Target::locate`] found in the same catalog.
    pub fn at_located(catalog: &'c Catalog, at: Located) -> Option<Target<'c>> {
        let service = catalog.service_by_id(at.service)?;
        (at.position < service.actions.len())
            .then(|| Self::at_id(catalog, Some(at.service), service, at.position))
    }

    fn at(catalog: &'c Catalog, service: &'c Service, position: usize) -> Target<'c> {
        Self::at_id(
            catalog,
            catalog.service_id(service.prefix),
            service,
            position,
        )
    }

    /// [`Target::at`] with the service's handle already looked up.
    fn at_id(
        catalog: &'c Catalog,
        id: Option<crate::catalog::ServiceId>,
        service: &'c Service,
        position: usize,
    ) -> Target<'c> {
        let action = &service.actions[position];
        let templates = id.and_then(|id| {
            let arns = catalog.arns(id)?;
            arns.accepted(position)?
                .iter()
                .map(|&t| arns.templates.get(t as usize))
                .collect()
        });
        // Built in place: `format!` costs more than the copy for names this short.
        let mut name = String::with_capacity(service.prefix.len() + 1 + action.name.len());
        name.push_str(service.prefix);
        name.push(':');
        name.push_str(action.name);
        Target {
            name,
            service,
            action,
            templates,
            nameless: std::cell::OnceCell::new(),
        }
    }

    /// Whether some template has no name part, so that a literal ARN may be every resource
    /// of it ([`scope::is_every`]).
    pub fn has_nameless_template(&self) -> bool {
        *self.nameless.get_or_init(|| {
            self.templates
                .iter()
                .flatten()
                .any(|t| !scope::has_name_variable(t.template))
        })
    }

    /// Whether AWS lets a policy name this action's resources.
    pub fn has_resource_level(&self) -> bool {
        self.templates.as_ref().is_none_or(|t| !t.is_empty())
    }
}

/// What a statement's action or resource element names: the listed patterns, every one but
/// the listed (`NotAction`, `NotResource`), or nothing stated.
#[derive(Clone, Debug)]
pub enum Named<'a> {
    /// Borrowed from the statement when read from one.
    Listed(Cow<'a, [Str<'a>]>),
    /// `NotAction` / `NotResource`: everything but these.
    Except {
        key: Str<'a>,
        excluded: Cow<'a, [Str<'a>]>,
    },
    Unstated,
}

/// What a statement's action element names.
pub type Actions<'a> = Named<'a>;

/// What a statement's resource element names.
pub type Resources<'a> = Named<'a>;

/// Who a statement applies to: identity policies leave it unstated (whoever holds it).
#[derive(Clone, Debug)]
pub enum Principals<'a> {
    Unstated,
    Listed(Vec<PrincipalValue<'a>>),
    /// `NotPrincipal`.
    Except(Vec<PrincipalValue<'a>>),
}

/// One statement, read as access.
pub struct Grant<'a> {
    pub statement: &'a Statement<'a>,
    pub actions: Actions<'a>,
    /// The patterns of `actions` (listed or excluded), in order, prepared for matching when
    /// first needed ([`Grant::patterns`]): most of a long policy's names are only passed
    /// over by [`Access::naming_each`].
    patterns: std::cell::OnceCell<Vec<ActionPattern<'a>>>,
    pub resources: Resources<'a>,
    /// The `Resource` values as globs, compiled when a scope is first asked for: the E
    /// rules ask about dozens of actions per statement.
    resource_globs: std::cell::OnceCell<Vec<scope::LazyGlob>>,
    /// The scopes worked out so far, by the templates they were asked for: the E rules ask
    /// about many actions of one resource type (every `iam:*Role*` takes a role).
    scopes: std::cell::RefCell<Vec<ScopeFor<'a>>>,
    /// What the resources alone say of [`Grant::may_reach_every`], read once per statement:
    /// the methods ask it of dozens of actions.
    openness: std::cell::OnceCell<Openness>,
    pub principals: Principals<'a>,
    pub conditions: Vec<Condition<'a>>,
}

impl<'a> Grant<'a> {
    fn of(s: &'a Statement<'a>) -> Grant<'a> {
        let actions = match (s.action, s.not_action) {
            // Borrowed, not copied: a statement is read as access in most documents.
            (Some(_), _) => Actions::Listed(Cow::Borrowed(s.actions())),
            (None, Some(m)) => Actions::Except {
                key: Str::of_key(m),
                excluded: s.strings_of(m),
            },
            (None, None) => Actions::Unstated,
        };
        let resources = match (s.resource, s.not_resource) {
            (Some(_), _) => Resources::Listed(Cow::Borrowed(s.resources())),
            (None, Some(m)) => Resources::Except {
                key: Str::of_key(m),
                excluded: s.strings_of(m),
            },
            (None, None) => Resources::Unstated,
        };
        let principals = match (s.principal, s.not_principal) {
            (Some(_), _) => Principals::Listed(s.principals().to_vec()),
            (None, Some(m)) => Principals::Except(s.principals_of(m).into_owned()),
            (None, None) => Principals::Unstated,
        };
        Grant {
            statement: s,
            actions,
            patterns: std::cell::OnceCell::new(),
            resources,
            resource_globs: std::cell::OnceCell::new(),
            scopes: std::cell::RefCell::default(),
            openness: std::cell::OnceCell::new(),
            principals,
            conditions: s.conditions().iter().map(Condition::of).collect(),
        }
    }

    /// The patterns of the action element (listed or excluded), in order, compiled once.
    fn patterns(&self) -> &[ActionPattern<'a>] {
        self.patterns.get_or_init(|| match &self.actions {
            Actions::Listed(list) | Actions::Except { excluded: list, .. } => {
                list.iter().map(|p| ActionPattern::new(p.value)).collect()
            }
            Actions::Unstated => Vec::new(),
        })
    }

    /// The token through which the statement names `action` (`service:Action`): the first
    /// pattern that matches it, or the `NotAction` key when no exclusion does.
    pub fn token_for(&self, action: &str) -> Option<Str<'a>> {
        let matched = self.patterns().iter().position(|p| p.matches(action));
        match &self.actions {
            Actions::Listed(tokens) => tokens.get(matched?).copied(),
            Actions::Except { key, .. } => matched.is_none().then_some(*key),
            Actions::Unstated => None,
        }
    }

    /// Where the statement grants an action that accepts `templates`.
    pub fn scope(&self, target: &Target) -> Option<Scope<'a>> {
        match &self.resources {
            // `*` alone is settled at once (what `of_values` makes of it); other lists are
            // compared with every template.
            Resources::Listed(values) if matches!(&values[..], [v] if v.value == "*") => {
                let star = values[0];
                Some(match target.templates.as_deref() {
                    Some([]) => Scope::Unscoped(star),
                    _ => Scope::Every(star),
                })
            }
            Resources::Listed(values) => {
                let templates = target.templates.as_deref();
                let known = self
                    .scopes
                    .borrow()
                    .iter()
                    .find_map(|seen| seen.is_for(templates).then(|| seen.scope.clone()));
                if let Some(known) = known {
                    return known;
                }
                let globs = self.resource_globs.get_or_init(|| scope::globs_of(values));
                let scope = scope::of_values(values, globs, templates);
                self.scopes.borrow_mut().push(ScopeFor {
                    templates: templates.map(TemplateIds::of),
                    scope: scope.clone(),
                });
                scope
            }
            Resources::Except { key, .. } => Some(match target.has_resource_level() {
                true => Scope::Every(*key),
                false => Scope::Unscoped(*key),
            }),
            Resources::Unstated => None,
        }
    }

    /// Whether [`Grant::scope`] for `target` may be open ([`Scope::is_open`]) or the
    /// caller's own: `false` settles that it names resources or none, without comparing
    /// the resources with the action's templates.
    pub fn may_reach_every(&self, target: &Target) -> bool {
        match self.openness() {
            Openness::Any => true,
            // Without templates only `*` is every resource.
            Openness::WithTemplates => target.templates.is_some(),
            Openness::Nameless => target.templates.is_some() && target.has_nameless_template(),
            Openness::Never => false,
        }
    }

    /// [`Grant::may_reach_every`] for any target that has templates, `nameless` telling
    /// whether one of them has no name part (asked only when it matters): never `false`
    /// where that is `true` for such a target.
    pub fn may_reach_every_with(&self, nameless: impl FnOnce() -> bool) -> bool {
        match self.openness() {
            Openness::Any | Openness::WithTemplates => true,
            Openness::Nameless => nameless(),
            Openness::Never => false,
        }
    }

    fn openness(&self) -> Openness {
        *self.openness.get_or_init(|| match &self.resources {
            Resources::Listed(values) if !scope::all_literal(values) => Openness::Any,
            Resources::Listed(values) if values.iter().any(|v| scope::holds_any_name(v.value)) => {
                Openness::WithTemplates
            }
            Resources::Listed(_) => Openness::Nameless,
            Resources::Except { .. } => Openness::Any,
            Resources::Unstated => Openness::Never,
        })
    }

    /// Conditions that pin the target or the caller.
    pub fn narrowing(&self) -> impl Iterator<Item = &Condition<'a>> {
        self.conditions
            .iter()
            .filter(|c| c.narrows == Narrows::Target)
    }

    /// Conditions that only limit the circumstances.
    pub fn circumstances(&self) -> impl Iterator<Item = &Condition<'a>> {
        self.conditions
            .iter()
            .filter(|c| c.narrows == Narrows::Context)
    }
}

/// When a statement's resources may reach every resource of an action
/// ([`Grant::may_reach_every`]), by what they are.
#[derive(Clone, Copy)]
enum Openness {
    /// Patterns, variables or `NotResource`: any action.
    Any,
    /// Literal names, one of them a name no resource has: an action with templates.
    WithTemplates,
    /// Literal names: an action with a template without a name part.
    Nameless,
    /// No resource element.
    Never,
}

/// A grant's scope for the actions that accept these templates (`None`: the catalog does
/// not say), the templates kept by address.
struct ScopeFor<'a> {
    templates: Option<TemplateIds>,
    scope: Option<Scope<'a>>,
}

impl ScopeFor<'_> {
    fn is_for(&self, templates: Option<&[&ArnTemplate]>) -> bool {
        match (&self.templates, templates) {
            (None, None) => true,
            (Some(seen), Some(ts)) => {
                let seen = seen.as_slice();
                seen.len() == ts.len() && seen.iter().zip(ts).all(|(&s, &t)| s == template_id(t))
            }
            _ => false,
        }
    }
}

/// The [`template_id`]s of an action's templates, kept inline when few (most actions take
/// one to three): a scope is remembered without an allocation.
enum TemplateIds {
    Few([usize; 4], usize),
    Many(Vec<usize>),
}

impl TemplateIds {
    fn of(templates: &[&ArnTemplate]) -> TemplateIds {
        let mut few = [0; 4];
        if templates.len() > few.len() {
            return TemplateIds::Many(templates.iter().map(|&t| template_id(t)).collect());
        }
        for (id, &t) in few.iter_mut().zip(templates) {
            *id = template_id(t);
        }
        TemplateIds::Few(few, templates.len())
    }

    fn as_slice(&self) -> &[usize] {
        match self {
            TemplateIds::Few(few, len) => &few[..*len],
            TemplateIds::Many(many) => many,
        }
    }
}

/// A catalog template's identity: the catalog compiles each once, so the address is it.
fn template_id(template: &ArnTemplate) -> usize {
    std::ptr::from_ref(template) as usize
}

/// An action pattern prepared once per statement. Most are literal names, compared in place;
/// a wildcard is compiled once, with its literal service part kept to reject other services'
/// actions by a comparison, and the number of characters a match needs, so that a long
/// pattern cannot make a short name expensive.
enum ActionPattern<'a> {
    Literal(&'a str),
    Wild {
        compiled: Wildcard,
        /// The service part when it has no wildcard (`s3` of `s3:Get*`).
        service: Option<&'a str>,
        /// Characters other than `*`: a name shorter than this cannot match.
        needs: usize,
    },
}

impl<'a> ActionPattern<'a> {
    fn new(pattern: &'a str) -> ActionPattern<'a> {
        if !has_wildcard(pattern) {
            return ActionPattern::Literal(pattern);
        }
        // Runs of `*` collapsed: they match what one does.
        let collapsed;
        let text = if pattern.as_bytes().windows(2).any(|w| w == b"**") {
            let mut t = String::with_capacity(pattern.len());
            for c in pattern.chars() {
                if !(c == '*' && t.ends_with('*')) {
                    t.push(c);
                }
            }
            collapsed = t;
            collapsed.as_str()
        } else {
            pattern
        };
        let service = pattern
            .split_once(':')
            .map(|(service, _)| service)
            .filter(|service| !has_wildcard(service));
        ActionPattern::Wild {
            compiled: Wildcard::new(text),
            service,
            needs: text.chars().filter(|&c| c != '*').count(),
        }
    }

    /// The literal service part (`iam` of `iam:PassRole` or `iam:Pass*`), if any.
    fn service(&self) -> Option<&'a str> {
        match self {
            ActionPattern::Literal(name) => name.split_once(':').map(|(s, _)| s),
            ActionPattern::Wild { service, .. } => *service,
        }
    }

    fn matches(&self, action: &str) -> bool {
        let (compiled, service, needs) = match self {
            ActionPattern::Literal(name) => return name.eq_ignore_ascii_case(action),
            ActionPattern::Wild {
                compiled,
                service,
                needs,
            } => (compiled, service, *needs),
        };
        if let Some(service) = service {
            // `service:` at the start of the name, compared in place.
            let n = service.len();
            let same = action.as_bytes().get(n) == Some(&b':')
                && action.as_bytes()[..n].eq_ignore_ascii_case(service.as_bytes());
            if !same {
                return false;
            }
        }
        needs <= action.len() && compiled.matches(action)
    }
}

/// A service prefix as the index keys it: lower case, copied only when it is not already.
fn service_key(service: &str) -> std::borrow::Cow<'_, str> {
    if service.bytes().any(|b| b.is_ascii_uppercase()) {
        std::borrow::Cow::Owned(service.to_ascii_lowercase())
    } else {
        std::borrow::Cow::Borrowed(service)
    }
}

/// Whether an action pattern matches a concrete action name (case-insensitive, as AWS
/// compares action names). Literal names, most of a policy, compare without a matcher.
pub fn action_matches(pattern: &str, action: &str) -> bool {
    if !has_wildcard(pattern) {
        return pattern.eq_ignore_ascii_case(action);
    }
    // A literal service part that differs settles most patterns at once.
    if let (Some((ps, _)), Some((s, _))) = (pattern.split_once(':'), action.split_once(':')) {
        if !has_wildcard(ps) && !ps.eq_ignore_ascii_case(s) {
            return false;
        }
    }
    wildcard_match(pattern, action)
}

/// One way the document lets an action happen: an `Allow` statement, the token that names
/// the action, where, and what the `Deny` statements do to it.
#[derive(Clone)]
pub struct Reach<'s, 'a> {
    pub grant: &'s Grant<'a>,
    pub token: Str<'a>,
    pub scope: Scope<'a>,
    /// An unconditional `Deny` that covers this grant completely.
    pub removed_by: Option<&'s Grant<'a>>,
    /// `Deny` statements that cover it under their conditions: it stands unless those hold.
    pub denied_when: Vec<&'s Grant<'a>>,
}

impl Reach<'_, '_> {
    pub fn stands(&self) -> bool {
        self.removed_by.is_none()
    }
}

/// The grants and denials of one document.
pub struct Access<'a> {
    pub allows: Vec<Grant<'a>>,
    pub denies: Vec<Grant<'a>>,
    /// The `Allow` patterns indexed by name, built when a question first needs it: most
    /// documents are only asked [`Access::naming_each`], which does without.
    index: std::cell::OnceCell<Index<'a>>,
    /// Whether some `Allow` uses `NotAction`: then any action may be named.
    excepts: bool,
}

/// The `Action` patterns of the `Allow` statements, as (grant, pattern) positions, indexed
/// so that asking about one action tries only the patterns that may match it: names
/// without wildcards by name, the first of each name in `literal` and the others chained
/// in `same_name`; wildcards by their literal service part; the rest (`*:Get*`) apart.
#[derive(Default)]
pub(crate) struct Index<'a> {
    literal: rustc_hash::FxHashMap<NoCase<'a>, usize>,
    listed: Vec<(usize, usize)>,
    same_name: Vec<usize>,
    by_service: rustc_hash::FxHashMap<std::borrow::Cow<'a, str>, Vec<(usize, usize)>>,
    pub(crate) any_service: Vec<(usize, usize)>,
    /// The literal service parts of all those patterns, in lower case.
    pub(crate) services: rustc_hash::FxHashSet<std::borrow::Cow<'a, str>>,
}

impl<'a> Index<'a> {
    fn of(allows: &[Grant<'a>]) -> Index<'a> {
        let mut index = Index::default();
        let mut names = Vec::new();
        // Lists name one service many times in a row: each is hashed into the set once.
        let mut last_service = None;
        for (g, grant) in allows.iter().enumerate() {
            if !matches!(grant.actions, Actions::Listed(_)) {
                continue;
            }
            for (p, pattern) in grant.patterns().iter().enumerate() {
                if let Some(service) = pattern.service() {
                    if last_service != Some(service) {
                        index.services.insert(service_key(service));
                        last_service = Some(service);
                    }
                }
                match pattern {
                    ActionPattern::Literal(name) => {
                        index.listed.push((g, p));
                        names.push(NoCase(name));
                    }
                    ActionPattern::Wild { .. } => match pattern.service() {
                        Some(service) => index
                            .by_service
                            .entry(service_key(service))
                            .or_default()
                            .push((g, p)),
                        None => index.any_service.push((g, p)),
                    },
                }
            }
        }
        // Last to first, so that the map ends up with the first of each name and each
        // chain runs in order.
        index.same_name = vec![END; names.len()];
        index.literal.reserve(names.len());
        for (at, name) in names.into_iter().enumerate().rev() {
            if let Some(next) = index.literal.insert(name, at) {
                index.same_name[at] = next;
            }
        }
        index
    }
}

/// A fixed list of action names (`service:Action`), prepared once so that a document is
/// asked which of them it names in one pass over its patterns ([`Access::naming_each`])
/// rather than once per name.
pub struct ActionList<'n> {
    names: Vec<&'n str>,
    /// Each name's position, without regard to case.
    by_name: rustc_hash::FxHashMap<NoCase<'n>, usize>,
    /// The positions of each service's names, by the service in lower case.
    by_service: rustc_hash::FxHashMap<String, Vec<usize>>,
    /// Every position, for patterns whose service part has a wildcard.
    every: Vec<usize>,
    /// The first three characters of the names.
    heads: Heads,
    /// A bit per length and last character of the names ([`Tails`]).
    tails: Tails,
}

/// A set of (length, last character) pairs, without regard to ASCII case: a name of the
/// list and a token that differ in either are different names, told apart before the
/// token is hashed. A bit per length below 64 and low five bits of the last byte; longer
/// names share their length's bit (a closer look, never a wrong answer).
#[derive(Default)]
struct Tails {
    bits: [u64; 32],
}

impl Tails {
    fn bit(name: &str) -> usize {
        let last = name.as_bytes().last().copied().unwrap_or(0);
        (name.len() % 64) << 5 | usize::from(last & 0x1f)
    }

    fn insert(&mut self, name: &str) {
        let bit = Self::bit(name);
        self.bits[bit / 64] |= 1 << (bit % 64);
    }

    fn may_contain(&self, name: &str) -> bool {
        let bit = Self::bit(name);
        self.bits[bit / 64] & (1 << (bit % 64)) != 0
    }
}

/// A set of three-character heads (`ec2` apart from `ecr`), without regard to ASCII case:
/// a bit per triple of the low five bits of each, so that other characters may share a bit
/// (a pattern then costs a closer look, never a wrong answer).
struct Heads {
    bits: Box<[u64; 512]>,
    /// Some name is shorter than three characters: any pattern may name it.
    short: bool,
}

impl Default for Heads {
    fn default() -> Self {
        Heads {
            bits: Box::new([0; 512]),
            short: false,
        }
    }
}

impl Heads {
    fn bit(a: u8, b: u8, c: u8) -> usize {
        usize::from(a & 0x1f) << 10 | usize::from(b & 0x1f) << 5 | usize::from(c & 0x1f)
    }

    fn insert(&mut self, name: &str) {
        match *name.as_bytes() {
            [a, b, c, ..] => {
                let bit = Self::bit(a, b, c);
                self.bits[bit / 64] |= 1 << (bit % 64);
            }
            _ => self.short = true,
        }
    }

    fn contains(&self, a: u8, b: u8, c: u8) -> bool {
        let bit = Self::bit(a, b, c);
        self.short || self.bits[bit / 64] & (1 << (bit % 64)) != 0
    }
}

impl<'n> ActionList<'n> {
    /// The names in order; a name repeated (in any case) keeps its first position.
    pub fn new(names: impl IntoIterator<Item = &'n str>) -> ActionList<'n> {
        let mut list = ActionList {
            names: Vec::new(),
            by_name: Default::default(),
            by_service: Default::default(),
            every: Vec::new(),
            heads: Heads::default(),
            tails: Tails::default(),
        };
        for name in names {
            let at = list.names.len();
            if list.by_name.contains_key(&NoCase(name)) {
                continue;
            }
            list.by_name.insert(NoCase(name), at);
            list.names.push(name);
            list.every.push(at);
            list.heads.insert(name);
            list.tails.insert(name);
            let service = memchr::memchr(b':', name.as_bytes()).map_or(name, |i| &name[..i]);
            list.by_service
                .entry(service.to_ascii_lowercase())
                .or_default()
                .push(at);
        }
        list
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// The name at `at`, as listed.
    pub fn name(&self, at: usize) -> Option<&'n str> {
        self.names.get(at).copied()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// The position of `name` (any case), if listed.
    pub fn position(&self, name: &str) -> Option<usize> {
        // Most tokens asked are other actions of the same services: told apart here.
        if !self.tails.may_contain(name) {
            return None;
        }
        // The map's names outlive `name`'s: looked up as if they lived as long.
        let by_name: &rustc_hash::FxHashMap<NoCase<'_>, usize> = &self.by_name;
        by_name.get(&NoCase(name)).copied()
    }

    /// Whether a pattern may match one of the names: a wildcard in its first three
    /// characters, or those three the first of some name. Asked of every action of a
    /// document, it must cost less than compiling the pattern: most are rejected here.
    pub fn may_name(&self, pattern: &str) -> bool {
        let wild = |b: u8| b == b'*' || b == b'?';
        match *pattern.as_bytes() {
            [a, b, c, ..] => wild(a) || wild(b) || wild(c) || self.heads.contains(a, b, c),
            ref short => short.iter().copied().any(wild) || self.heads.short,
        }
    }

    /// The positions of the names an action pattern (as a statement writes it) matches, in
    /// order: what [`Access::naming_each`] finds of one token, for a caller that keeps it.
    pub fn matching(&self, pattern: &str) -> Vec<usize> {
        if !self.may_name(pattern) {
            return Vec::new();
        }
        let pattern = ActionPattern::new(pattern);
        if let ActionPattern::Literal(name) = pattern {
            return self.position(name).into_iter().collect();
        }
        let of_service = self.of_service(&pattern).iter().copied();
        of_service
            .filter(|&at| pattern.matches(self.names[at]))
            .collect()
    }

    /// The positions a pattern's service part allows.
    fn of_service(&self, pattern: &ActionPattern) -> &[usize] {
        match pattern.service() {
            Some(service) => self
                .by_service
                .get(service_key(service).as_ref())
                .map_or(&[], Vec::as_slice),
            None => &self.every,
        }
    }
}

/// No next position in a chain of [`Access::same_name`].
const END: usize = usize::MAX;

impl<'a> Access<'a> {
    pub fn of(policy: &'a Policy<'a>) -> Access<'a> {
        // Most statements allow: one allocation for them all.
        let mut access = Access {
            allows: Vec::with_capacity(policy.statements.len()),
            denies: Vec::new(),
            index: std::cell::OnceCell::new(),
            excepts: false,
        };
        for s in &policy.statements {
            match s.effect() {
                Effect::Allow => access.allows.push(Grant::of(s)),
                Effect::Deny => access.denies.push(Grant::of(s)),
                // Grants nothing AWS would honour, and denies nothing either.
                Effect::Invalid => {}
            }
        }
        access.excepts = access
            .allows
            .iter()
            .any(|g| !matches!(g.actions, Actions::Listed(_)));
        access
    }

    pub(crate) fn index(&self) -> &Index<'a> {
        self.index.get_or_init(|| Index::of(&self.allows))
    }

    /// For each name of `list`, the `Allow` statements that name it with the token that
    /// does ([`Access::naming`] of every name; empty: none names it), in one pass over the
    /// document's patterns and without the index, which most documents then never build.
    pub fn naming_each<'s>(&'s self, list: &ActionList) -> Vec<Vec<(&'s Grant<'a>, Str<'a>)>> {
        self.naming_each_with(list, |token| list.matching(token))
    }

    /// [`Access::naming_each`], with `matching` telling which names of `list` a token
    /// matches ([`ActionList::matching`]): a caller that meets the same tokens in document
    /// after document keeps the answers.
    pub fn naming_each_with<'s, M: AsRef<[usize]>>(
        &'s self,
        list: &ActionList,
        mut matching: impl FnMut(&str) -> M,
    ) -> Vec<Vec<(&'s Grant<'a>, Str<'a>)>> {
        let mut naming: Vec<Vec<(&'s Grant<'a>, Str<'a>)>> = Vec::new();
        naming.resize_with(list.len(), Vec::new);
        for grant in &self.allows {
            match &grant.actions {
                Actions::Listed(tokens) => {
                    for token in tokens.iter() {
                        // Most names are of services the list does not name: passed over
                        // before `matching` is asked.
                        if !list.may_name(token.value) {
                            continue;
                        }
                        for &at in matching(token.value).as_ref() {
                            // The first pattern of the statement that matches a name is its
                            // token.
                            let named_here = naming[at]
                                .last()
                                .is_some_and(|(g, _)| std::ptr::eq(*g, grant));
                            if !named_here {
                                naming[at].push((grant, *token));
                            }
                        }
                    }
                }
                Actions::Except { .. } => {
                    for (at, name) in list.names.iter().enumerate() {
                        if let Some(token) = grant.token_for(name) {
                            naming[at].push((grant, token));
                        }
                    }
                }
                Actions::Unstated => {}
            }
        }
        naming
    }

    /// The (grant, pattern) positions of the `Action` patterns that match `action`, in no
    /// particular order.
    fn listed_matches<'s>(
        &'s self,
        action: &'s str,
    ) -> impl Iterator<Item = (usize, usize)> + use<'s, 'a> {
        let index: &'s Index<'a> = self.index();
        let allows: &'s [Grant<'a>] = &self.allows;
        let mut next = index.literal.get(&NoCase(action)).copied().unwrap_or(END);
        let literal = std::iter::from_fn(move || {
            let at = next;
            next = *index.same_name.get(at)?;
            Some(index.listed[at])
        });
        let service = memchr::memchr(b':', action.as_bytes()).map_or(action, |at| &action[..at]);
        let wild = index
            .by_service
            .get(&service_key(service))
            .into_iter()
            .flatten()
            .chain(&index.any_service)
            .filter(move |&&(g, p)| allows[g].patterns()[p].matches(action))
            .copied();
        literal.chain(wild)
    }

    /// The `NotAction` grants that leave `action` granted, with the `NotAction` key.
    fn excepting<'s>(&'s self, action: &'s str) -> impl Iterator<Item = (usize, Str<'a>)> + 's {
        self.allows
            .iter()
            .enumerate()
            .filter_map(move |(g, grant)| {
                matches!(grant.actions, Actions::Except { .. })
                    .then(|| Some((g, grant.token_for(action)?)))
                    .flatten()
            })
    }

    /// Each `Allow` that names `action` (`service:Action`), in statement order, with the
    /// token that names it: what [`Grant::token_for`] finds, found through the index
    /// instead of by trying every pattern of every statement (managed policies list a
    /// thousand actions).
    pub fn naming<'s>(&'s self, action: &str) -> Vec<(&'s Grant<'a>, Str<'a>)> {
        // The first pattern of each grant that matches, as `token_for` takes it.
        let mut first: Vec<(usize, usize)> = self.listed_matches(action).collect();
        first.sort_unstable();
        first.dedup_by_key(|(g, _)| *g);
        let token_at = |(g, p): (usize, usize)| match &self.allows[g].actions {
            Actions::Listed(tokens) => Some((g, *tokens.get(p)?)),
            _ => None,
        };
        if !self.excepts {
            // No `NotAction` grant to merge in: already in statement order.
            return first
                .into_iter()
                .filter_map(token_at)
                .map(|(g, token)| (&self.allows[g], token))
                .collect();
        }
        let mut out: Vec<(usize, Str<'a>)> = first.into_iter().filter_map(token_at).collect();
        out.extend(self.excepting(action));
        out.sort_unstable_by_key(|(g, _)| *g);
        out.into_iter()
            .map(|(g, token)| (&self.allows[g], token))
            .collect()
    }

    /// Whether some `Allow` names the action (`service:Action`) at all, resources and
    /// `Deny` statements aside: a cheap first test before [`Access::reaches`].
    pub fn names(&self, action: &str) -> bool {
        // The E rules ask about some eighty actions of a few services per document: an
        // action of a service no pattern names is settled by one short hash.
        if let Some(at) = memchr::memchr(b':', action.as_bytes()) {
            let index = self.index();
            let unnamed = !self.excepts
                && index.any_service.is_empty()
                && !index.services.contains(&service_key(&action[..at]));
            if unnamed {
                return false;
            }
        }
        self.listed_matches(action).next().is_some() || self.excepting(action).next().is_some()
    }

    /// Every `Allow` that grants `target`, with what the `Deny` statements do to it.
    pub fn reaches<'s>(&'s self, target: &Target) -> Vec<Reach<'s, 'a>> {
        self.naming(&target.name)
            .into_iter()
            .filter_map(|(grant, token)| self.reach(grant, token, target))
            .collect()
    }

    /// `grant`'s grant of `target` through `token`, as [`Access::naming`] found them: one
    /// of [`Access::reaches`], for a caller that asks about one statement at a time.
    pub fn reach_named<'s>(
        &'s self,
        grant: &'s Grant<'a>,
        token: Str<'a>,
        target: &Target,
    ) -> Option<Reach<'s, 'a>> {
        self.reach(grant, token, target)
    }

    /// `grant`'s grant of `target` alone, as [`Access::reaches`] finds it among the others:
    /// `None` when the grant does not name the action or names no resource it takes.
    pub fn reach_of<'s>(&'s self, grant: &'s Grant<'a>, target: &Target) -> Option<Reach<'s, 'a>> {
        let token = grant.token_for(&target.name)?;
        self.reach(grant, token, target)
    }

    /// What is left of `grant`'s grant of `target` (named at `token`) after the `Deny`
    /// statements: `None` when it names no resource the action takes.
    fn reach<'s>(
        &'s self,
        grant: &'s Grant<'a>,
        token: Str<'a>,
        target: &Target,
    ) -> Option<Reach<'s, 'a>> {
        let mut scope = grant.scope(target)?;
        let (mut removed_by, denied_when) = self.denial(grant, &target.name);
        // "Allow on every resource, Deny on all but these" grants these alone.
        if removed_by.is_none() && matches!(scope, Scope::Every(_)) {
            if let Some((deny, kept)) = self.denied_but(grant, target) {
                match kept {
                    Some(kept) => scope = kept,
                    None => removed_by = Some(deny),
                }
            }
        }
        Some(Reach {
            grant,
            token,
            scope,
            removed_by,
            denied_when,
        })
    }

    /// An unconditional `Deny` with `NotResource` that covers `grant`'s grant of `target`
    /// but for its exclusions, and where the grant still stands: the exclusions that name
    /// the action's resources (`None`: none does, so nothing is left).
    #[allow(clippy::type_complexity)]
    fn denied_but<'s>(
        &'s self,
        grant: &Grant,
        target: &Target,
    ) -> Option<(&'s Grant<'a>, Option<Scope<'a>>)> {
        self.denies.iter().find_map(|deny| {
            let Resources::Except { excluded, .. } = &deny.resources else {
                return None;
            };
            let covers = deny.conditions.is_empty()
                && deny.token_for(&target.name).is_some()
                && deny_principals(deny, grant);
            covers.then(|| {
                let globs = scope::globs_of(excluded);
                (
                    deny,
                    scope::of_values(excluded, &globs, target.templates.as_deref()),
                )
            })
        })
    }

    /// What the `Deny` statements do to `grant`'s grant of `action` (`service:Action`): the
    /// unconditional one that removes it, if any, else those that deny it under conditions.
    #[allow(clippy::type_complexity)]
    pub fn denial<'s>(
        &'s self,
        grant: &Grant,
        action: &str,
    ) -> (Option<&'s Grant<'a>>, Vec<&'s Grant<'a>>) {
        self.denial_within(grant, action, &[])
    }

    /// [`Access::denial`] for the part of the grant that reaches `within` (resource
    /// patterns; empty: all of it): a `Deny` that covers every one of them removes that
    /// part even where it leaves the rest of the grant standing.
    #[allow(clippy::type_complexity)]
    pub fn denial_within<'s>(
        &'s self,
        grant: &Grant,
        action: &str,
        within: &[String],
    ) -> (Option<&'s Grant<'a>>, Vec<&'s Grant<'a>>) {
        let mut when = Vec::new();
        for deny in &self.denies {
            if !deny_covers(deny, grant, action) && !deny_covers_within(deny, grant, action, within)
            {
                continue;
            }
            if deny.conditions.is_empty() {
                return (Some(deny), Vec::new());
            }
            when.push(deny);
        }
        (None, when)
    }

    /// The grants that stand for `target` (not removed by a `Deny`): what the methods'
    /// lazy search (`methods::usable`) finds statement by statement, whole, for the tests.
    #[cfg(test)]
    pub fn standing<'s>(&'s self, target: &Target) -> Vec<Reach<'s, 'a>> {
        let mut reaches = self.reaches(target);
        reaches.retain(Reach::stands);
        reaches
    }

    /// Every catalog action an `Allow` statement names, resolved: a `NotAction` expands to
    /// the whole catalog but its exclusions.
    pub fn expand<'c>(grant: &Grant, catalog: &'c Catalog) -> Vec<Target<'c>> {
        let mut out = Vec::new();
        let mut seen = rustc_hash::FxHashSet::default();
        let mut push = |service: &'c Service, position: usize| {
            if seen.insert((service.prefix, position)) {
                out.push(Target::at(catalog, service, position));
            }
        };
        match &grant.actions {
            Actions::Listed(patterns) => {
                for p in patterns.iter() {
                    for (service, action) in catalog.expand(p.value) {
                        if let Some(i) =
                            service.actions.iter().position(|a| std::ptr::eq(a, action))
                        {
                            push(service, i);
                        }
                    }
                }
            }
            Actions::Except { .. } => {
                for service in catalog.services() {
                    for (i, action) in service.actions.iter().enumerate() {
                        let name = format!("{}:{}", service.prefix, action.name);
                        if !grant.patterns().iter().any(|p| p.matches(&name)) {
                            push(service, i);
                        }
                    }
                }
            }
            Actions::Unstated => {}
        }
        out
    }
}

/// Whether `deny` (its conditions aside) covers `allow`'s grant of `action` on every resource
/// of `within` (patterns), whatever else the grant reaches.
fn deny_covers_within(deny: &Grant, allow: &Grant, action: &str, within: &[String]) -> bool {
    if within.is_empty() || deny.token_for(action).is_none() || !deny_principals(deny, allow) {
        return false;
    }
    match &deny.resources {
        Resources::Listed(values) => within
            .iter()
            .all(|t| values.iter().any(|v| scope::covers(v.value, t))),
        Resources::Except { excluded, .. } => within.iter().all(|t| {
            let reached = Glob::new(&scope::without_variables(t));
            !excluded
                .iter()
                .any(|x| Glob::new(&scope::without_variables(x.value)).intersects(&reached))
        }),
        Resources::Unstated => true,
    }
}

/// Whether `deny`'s principals include every principal `allow` names.
fn deny_principals(deny: &Grant, allow: &Grant) -> bool {
    match (&deny.principals, &allow.principals) {
        (Principals::Unstated, _) => true,
        (Principals::Listed(denied), _) if denied.iter().any(PrincipalValue::is_wildcard) => true,
        (Principals::Listed(denied), Principals::Listed(allowed)) => allowed.iter().all(|a| {
            denied.iter().any(|d| {
                d.value.value == a.value.value && d.kind.map(|k| k.value) == a.kind.map(|k| k.value)
            })
        }),
        _ => false,
    }
}

/// Whether `deny` (its conditions aside) covers what `allow` grants of `action` at `scope`:
/// it names the action, its resources cover every resource the grant reaches, and its
/// principals include the grant's.
fn deny_covers(deny: &Grant, allow: &Grant, action: &str) -> bool {
    if deny.token_for(action).is_none() {
        return false;
    }
    if !deny_principals(deny, allow) {
        return false;
    }
    // A Deny without a resource element (trust and other resource policies) denies on the
    // resource the policy is attached to, the only one an Allow there can grant.
    if matches!(deny.resources, Resources::Unstated) {
        return true;
    }
    // Every value the grant lists, not only those that fit the action: stricter, never wrong.
    let granted: &[Str] = match &allow.resources {
        Resources::Listed(values) => values,
        // `NotResource` reaches nearly everything: only `*` covers it.
        _ => {
            return matches!(&deny.resources, Resources::Listed(v) if v.iter().any(|v| v.value == "*"))
        }
    };
    match &deny.resources {
        Resources::Listed(values) => granted
            .iter()
            .all(|t| values.iter().any(|v| scope::covers(v.value, t.value))),
        Resources::Except { excluded, .. } => granted.iter().all(|t| {
            let reached = Glob::new(&scope::without_variables(t.value));
            !excluded
                .iter()
                .any(|x| Glob::new(&scope::without_variables(x.value)).intersects(&reached))
        }),
        Resources::Unstated => false,
    }
}

#[cfg(test)]
mod tests;
