//! Looks the names a statement uses up in the AWS catalog: action patterns and condition
//! keys. The C and N rules share it so that every rule resolves a name the same way.

use super::kms::KmsActions;
use crate::catalog::{
    global_condition_key, Action, ArnTemplate, Catalog, ConditionType, GlobalConditionKey, Service,
    ServiceId,
};
use crate::pattern::{Glob, Intersections, Wildcard, SEGMENT};
use crate::policy::{Statement, Str};
use rustc_hash::FxHashMap;
use std::borrow::Cow;
use std::cell::RefCell;
use std::ops::Range;
use std::sync::{Arc, Mutex, OnceLock};
use thread_local::ThreadLocal;

/// An action string split at its first colon: `kms:Decrypt` → `kms`, `Decrypt`.
#[derive(Clone, Copy, Debug)]
pub struct ActionName<'a> {
    pub text: Str<'a>,
    pub service: &'a str,
    pub name: &'a str,
}

impl<'a> ActionName<'a> {
    /// `None` for `*` and for strings without a service prefix. (An action that holds a
    /// template value, `s3:${Verb}Object`, parses; [`resolve_in`] finds it names nothing known.)
    pub fn parse(text: Str<'a>) -> Option<Self> {
        // A byte search: every rule parses every action, and `split_once(':')` sets up a
        // general character searcher each time. A colon is ASCII, so `at` is a boundary.
        let at = memchr::memchr(b':', text.value.as_bytes())?;
        Self::split_at(text, at)
    }

    /// `text` split at `at`, where its first colon is (as [`read_action`] found it).
    pub fn split_at(text: Str<'a>, at: usize) -> Option<Self> {
        Some(ActionName {
            text,
            service: text.value.get(..at)?,
            name: text.value.get(at + 1..)?,
        })
    }

    pub fn service_range(&self) -> Range<usize> {
        0..self.service.len()
    }

    pub fn name_range(&self) -> Range<usize> {
        self.service.len() + 1..self.text.value.len()
    }

    pub fn is_wildcard(&self) -> bool {
        crate::policy::has_wildcard(self.text.value)
    }

    /// `svc:*`: every action of one service (A002's finding, not an expansion to list).
    pub fn is_service_wide(&self) -> bool {
        self.name == "*" && !crate::policy::has_wildcard(self.service)
    }
}

/// What an action string names in the catalog.
#[derive(Clone)]
pub enum Resolved<'c> {
    /// `*`: every action of every service.
    Everything,
    /// No `service:` prefix (another rule's business), or a template value that names an
    /// action only at deploy time (no rule's).
    Malformed,
    /// A service prefix without wildcards that the catalog does not know.
    UnknownService,
    /// The matching actions; empty for an unknown action or a wildcard that matches nothing.
    Actions(Matches<'c>),
}

/// The actions an action pattern matches, read from the run's [`Lookups`] without
/// copying them.
#[derive(Clone)]
pub struct Matches<'c> {
    catalog: &'c Catalog,
    found: Positions,
}

/// Where the matching actions are in the catalog.
#[derive(Clone)]
enum Positions {
    /// An unknown action name, or a wildcard that matches nothing.
    Nothing,
    /// A name without wildcards: one action, kept without allocating.
    One { service: ServiceId, action: usize },
    /// A wildcard's matches, shared through the run's [`Lookups`].
    Set(Arc<ActionSet>),
}

impl<'c> Matches<'c> {
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn len(&self) -> usize {
        match &self.found {
            Positions::Nothing => 0,
            Positions::One { .. } => 1,
            Positions::Set(set) => set.len,
        }
    }

    /// Runs of consecutive positions of the matching actions in their service, by service
    /// prefix, then position.
    fn groups(&self) -> impl Iterator<Item = (ServiceId, Range<usize>)> + '_ {
        let (one, set): (_, &[Run]) = match &self.found {
            Positions::Nothing => (None, &[]),
            Positions::One { service, action } => (Some((*service, *action..*action + 1)), &[]),
            Positions::Set(set) => (None, &set.runs),
        };
        one.into_iter().chain(
            set.iter()
                .map(|(id, run)| (*id, run.start as usize..run.end as usize)),
        )
    }

    /// Runs of consecutive positions of the matching actions in their service's
    /// [`Service::actions`], by service prefix, then position.
    pub fn runs(&self) -> impl Iterator<Item = (&'c Service, Range<usize>)> + '_ {
        let catalog = self.catalog;
        self.groups()
            .filter_map(move |(id, indices)| Some((catalog.service_by_id(id)?, indices)))
    }

    /// By service prefix, then action name.
    pub fn iter(&self) -> impl Iterator<Item = (&'c Service, &'c Action)> + '_ {
        self.runs().flat_map(|(svc, indices)| {
            indices.filter_map(move |i| Some((svc, svc.actions.get(i)?)))
        })
    }

    /// Appends to `out` the distinct ARN templates the actions accept, by resource type
    /// name then template (none when they only take `"Resource": "*"`): one list for all
    /// the actions of a statement, not one per action. `false`, with `out` as it was, when
    /// the catalog names a resource type it does not describe, so callers cannot be sure and
    /// stay quiet.
    pub fn templates_into(&self, out: &mut Vec<&'c ArnTemplate>) -> bool {
        self.templates_with(out, |t| t)
    }

    /// [`Matches::templates_into`], each template appended as `wrap` makes it: a caller
    /// that keeps something beside each template fills its own list without a second one.
    pub fn templates_with<T>(
        &self,
        out: &mut Vec<T>,
        mut wrap: impl FnMut(&'c ArnTemplate) -> T,
    ) -> bool {
        let catalog = self.catalog;
        let start = out.len();
        let known = match &self.found {
            // Kept with the set: a wildcard's actions can take many templates.
            Positions::Set(set) => set
                .templates
                .get_or_init(|| distinct_templates(catalog, self.groups()))
                .as_ref()
                .and_then(|refs| {
                    out.reserve(refs.len());
                    // Most sets are of one service: its templates are looked up once.
                    let mut last = None;
                    refs.iter().try_for_each(|&(id, i)| {
                        let arns = match last {
                            Some((known, arns)) if known == id => arns,
                            _ => catalog.arns(id)?,
                        };
                        last = Some((id, arns));
                        out.push(wrap(arns.templates.get(i)?));
                        Some(())
                    })
                }),
            // One action's templates are already sorted and distinct in the catalog.
            Positions::One { service, action } => catalog.arns(*service).and_then(|arns| {
                let accepted = arns.accepted(*action)?;
                out.reserve(accepted.len());
                accepted.iter().try_for_each(|&t| {
                    out.push(wrap(arns.templates.get(t as usize)?));
                    Some(())
                })
            }),
            Positions::Nothing => Some(()),
        };
        if known.is_none() {
            out.truncate(start);
        }
        known.is_some()
    }
}

/// Where the catalog has one of the access methods' actions, and whether one of its
/// templates has no name part: found once per run, when first asked.
pub(super) type MethodAction = OnceLock<Option<(crate::access::Located, bool)>>;

/// The run's lookups: the catalog, and everything worked out from it once per run and
/// shared by every rule, document and thread. Every speed trick the rules rely on (memos,
/// per-thread buffers) lives here, behind these queries, not in a rule's file.
///
/// Action patterns are resolved once per run: every rule and every document look up the
/// same names, and a wildcard's expansion is the costly part of a check. Matches are kept
/// as positions in the catalog, so the memo borrows nothing and threads can share it.
#[derive(Default)]
pub struct Lookups {
    /// `--catalog FILE` or the config's `catalog`; `None` means the embedded one.
    catalog: Option<Arc<Catalog>>,
    patterns: Memo<Read>,
    /// Typo suggestions for unknown action names (a position in the service's actions): a
    /// typo tends to repeat across files, and each suggestion measures every action name.
    suggestions: Memo<Option<(ServiceId, usize)>>,
    /// Typo suggestions for unknown service prefixes, for the same reasons.
    service_suggestions: Memo<Option<ServiceId>>,
    /// What a wildcard grants, as C004 words it (and whether it reaches permissions
    /// management): the same wildcards recur in file after file.
    expansions: Memo<Arc<(String, bool)>>,
    /// The KMS action sets, read against the run's catalog when a K rule first asks.
    kms: OnceLock<KmsActions>,
    /// Buffers and answers of resource-against-template searches (C005, C006).
    intersections: Intersections,
    /// [`global_key`]'s answers, by key as written.
    global_keys: Memo<Option<&'static GlobalConditionKey>>,
    /// What a key is by its own prefix alone ([`condition_key`]'s last step), by key as
    /// written: a key that matches a template (`kms:EncryptionContext:...`) is compared with
    /// every template of its service.
    own_keys: Memo<OwnKey>,
    /// Per service prefix and condition key, which of the service's actions document it.
    key_actions: Memo<Arc<super::keys::KeyActions>>,
    /// Where each action the access methods name is in the catalog, by its position in
    /// their list, each found once per run when first asked (finding it loads its
    /// service): every identity document asks about them (`methods::find`). With each,
    /// whether one of its templates has no name part (`Target::has_nameless_template`).
    pub(super) method_actions: OnceLock<Vec<MethodAction>>,
    /// Which of those actions each action pattern names, by position (`methods::find`):
    /// the same patterns recur in file after file.
    method_tokens: Memo<Arc<[usize]>>,
}

impl Lookups {
    /// Lookups in `catalog` (`None`: the embedded one).
    pub fn new(catalog: Option<Arc<Catalog>>) -> Self {
        Lookups {
            catalog,
            ..Lookups::default()
        }
    }

    /// The AWS action catalog the rules consult. Services are parsed on first use.
    pub fn catalog(&self) -> &Catalog {
        match &self.catalog {
            Some(catalog) => catalog,
            None => Catalog::embedded(),
        }
    }

    /// What resource-against-template searches reuse ([`crate::pattern::Glob::intersects_reusing`]).
    pub fn intersections(&self) -> &Intersections {
        &self.intersections
    }

    /// Which actions of `service` document condition key `key` (a catalog name), worked
    /// out once per run.
    pub fn key_actions(&self, service: &Service, key: &str) -> Arc<super::keys::KeyActions> {
        // A space separates them: no service prefix holds one.
        let name = [service.prefix, " ", key].concat();
        self.key_actions.get_or_insert_with(&name, || {
            Arc::new(super::keys::KeyActions::build(service, key))
        })
    }

    /// The positions `work` finds for the action pattern `token` in the access methods'
    /// list of actions, worked out once per run and thread.
    pub(super) fn method_positions(
        &self,
        token: &str,
        work: impl FnOnce() -> Vec<usize>,
    ) -> Arc<[usize]> {
        self.method_tokens
            .get_or_insert(token, || false, || work().into())
    }

    /// The KMS action sets as the run's catalog knows them.
    pub fn kms(&self) -> &KmsActions {
        self.kms.get_or_init(|| {
            // The data is embedded and checked by `kms`'s tests: a failure is a build defect.
            KmsActions::load(self.catalog()).unwrap_or_else(|e| panic!("{e}"))
        })
    }
}

/// C004's description of the actions `pattern` matches, worked out once per run by `describe`.
pub fn expansion(
    cx: &super::Context,
    pattern: &str,
    describe: impl FnOnce() -> (String, bool),
) -> Arc<(String, bool)> {
    cx.lookups
        .expansions
        .get_or_insert_with(pattern, || Arc::new(describe()))
}

/// A map from names to what was worked out for them, shared by the threads of a run.
pub(super) struct Memo<V: Send> {
    seen: Mutex<FxHashMap<MemoKey, V>>,
    /// Each thread's copy of what it has looked up: the rules ask for the same names many
    /// times per document, and a lock shared by all threads makes every hit a contended one.
    local: ThreadLocal<RefCell<FxHashMap<MemoKey, V>>>,
}

/// The longest key a [`MemoKey`] holds in place: nearly every action string of AWS's
/// managed policies.
const INLINE_KEY: usize = 46;

/// A memo's copy of a name: in place when short, which spares an allocation for nearly
/// every name a run meets (a run over many files meets thousands). Looked up by its bytes.
enum MemoKey {
    Inline { len: u8, bytes: [u8; INLINE_KEY] },
    Heap(Box<[u8]>),
}

impl MemoKey {
    fn new(key: &str) -> MemoKey {
        let key = key.as_bytes();
        match u8::try_from(key.len()) {
            Ok(len) if key.len() <= INLINE_KEY => {
                let mut bytes = [0; INLINE_KEY];
                bytes[..key.len()].copy_from_slice(key);
                MemoKey::Inline { len, bytes }
            }
            _ => MemoKey::Heap(key.into()),
        }
    }

    fn bytes(&self) -> &[u8] {
        match self {
            MemoKey::Inline { len, bytes } => bytes.get(..usize::from(*len)).unwrap_or_default(),
            MemoKey::Heap(bytes) => bytes,
        }
    }
}

// Equal and hashed as its bytes, so that a map of keys is searched with a `&[u8]`.
impl PartialEq for MemoKey {
    fn eq(&self, other: &Self) -> bool {
        self.bytes() == other.bytes()
    }
}

impl Eq for MemoKey {}

impl std::hash::Hash for MemoKey {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.bytes().hash(state);
    }
}

impl std::borrow::Borrow<[u8]> for MemoKey {
    fn borrow(&self) -> &[u8] {
        self.bytes()
    }
}

impl<V: Send> Default for Memo<V> {
    fn default() -> Self {
        Memo {
            seen: Mutex::default(),
            local: ThreadLocal::new(),
        }
    }
}

impl<V: Clone + Send> Memo<V> {
    fn get_or_insert_with(&self, key: &str, work: impl FnOnce() -> V) -> V {
        self.get_or_insert(key, || true, work)
    }

    /// Like [`Memo::get_or_insert_with`], but work that `costly` finds cheap is redone by
    /// each thread rather than shared: no lock, and one copy of the key.
    pub(super) fn get_or_insert(
        &self,
        key: &str,
        costly: impl FnOnce() -> bool,
        work: impl FnOnce() -> V,
    ) -> V {
        let local = self.local.get_or_default();
        if let Some(known) = local.borrow().get(key.as_bytes()) {
            return known.clone();
        }
        if !costly() {
            let value = work();
            local.borrow_mut().insert(MemoKey::new(key), value.clone());
            return value;
        }
        // A poisoned lock only means another thread panicked mid-insert: the map is intact.
        let lock = || self.seen.lock().unwrap_or_else(|e| e.into_inner());
        let shared = lock().get(key.as_bytes()).cloned();
        let value = shared.unwrap_or_else(|| {
            // Worked out without the lock: another thread may do the same work, never wait.
            let value = work();
            lock().insert(MemoKey::new(key), value.clone());
            value
        });
        local.borrow_mut().insert(MemoKey::new(key), value.clone());
        value
    }
}

#[derive(Clone)]
enum Found {
    Everything,
    Malformed,
    UnknownService,
    /// A name without wildcards that names no action.
    NoAction,
    /// A name without wildcards: the service and the action's position in it.
    Action(ServiceId, u32),
    /// A wildcard's matches.
    Actions(Arc<ActionSet>),
}

/// A template as a position in the catalog: the service, then the template's position in
/// its [`crate::catalog::ServiceArns`].
type TemplateRef = (ServiceId, usize);

/// Consecutive positions of actions in one service's list.
type Run = (ServiceId, Range<u32>);

struct ActionSet {
    /// The matching actions as runs of positions, by service, then position: a `Prefix*`
    /// pattern (`svc:*` too) matches one run of a service's sorted names, kept without
    /// listing them.
    runs: Vec<Run>,
    len: usize,
    /// [`Matches::templates_into`], worked out when a rule first asks.
    templates: OnceLock<Option<Vec<TemplateRef>>>,
}

/// An action string as the run's memo keeps it: where its first colon is, whether it holds a
/// wildcard, and what it names. The same strings recur in file after file: one probe of the
/// memo answers all three.
#[derive(Clone)]
struct Read {
    colon: Option<usize>,
    wildcard: bool,
    found: Found,
    kms: super::kms::Bits,
}

/// What one action string is, as [`read_action`] finds it.
pub(super) struct ActionFacts<'c> {
    /// Where its first colon is.
    pub colon: Option<usize>,
    /// Whether it holds `*` or `?` anywhere.
    pub wildcard: bool,
    pub resolved: Resolved<'c>,
    /// The actions of the KMS sets it reaches.
    pub kms: super::kms::Bits,
}

/// What action string `pattern` is and names, through the run's `lookups`, whose catalog is
/// `catalog`. Rules read a document's action strings read once, from
/// [`super::Context::actions`].
pub(super) fn read_action<'c>(
    lookups: &Lookups,
    catalog: &'c Catalog,
    pattern: &str,
) -> ActionFacts<'c> {
    let wildcard = || crate::policy::has_wildcard(pattern);
    // A name without wildcards takes two hash probes to find: each thread does that itself.
    let read = lookups.patterns.get_or_insert(pattern, wildcard, || {
        // Searched once for the memo and the catalog search both (a byte search: a colon is
        // ASCII, so it is a boundary).
        let colon = memchr::memchr(b':', pattern.as_bytes());
        let wildcard = wildcard();
        Read {
            colon,
            wildcard,
            found: find(catalog, pattern, colon, wildcard),
            kms: super::kms::mask_of(lookups, pattern),
        }
    });
    ActionFacts {
        colon: read.colon,
        wildcard: read.wildcard,
        resolved: resolved(catalog, read.found),
        kms: read.kms,
    }
}

/// What action pattern `pattern` names, through the run's `lookups`, whose catalog is
/// `catalog`.
#[cfg(test)]
pub(super) fn resolve_in<'c>(
    lookups: &Lookups,
    catalog: &'c Catalog,
    pattern: &str,
) -> Resolved<'c> {
    read_action(lookups, catalog, pattern).resolved
}

/// What a memo's answer names in `catalog`.
fn resolved(catalog: &Catalog, found: Found) -> Resolved<'_> {
    let found = match found {
        Found::Everything => return Resolved::Everything,
        Found::Malformed => return Resolved::Malformed,
        Found::UnknownService => return Resolved::UnknownService,
        Found::NoAction => Positions::Nothing,
        Found::Action(service, action) => Positions::One {
            service,
            action: action as usize,
        },
        Found::Actions(set) => Positions::Set(set),
    };
    Resolved::Actions(Matches { catalog, found })
}

/// The action of `name`'s service closest to its misspelt action name (`kms:Decrpyt` →
/// `Decrypt`); a name that only differs in case gives its canonical spelling.
pub fn closest_action<'c>(cx: &super::Context<'c>, name: &ActionName) -> Option<&'c str> {
    let catalog = cx.catalog();
    let (id, i) = cx
        .lookups
        .suggestions
        .get_or_insert_with(name.text.value, || {
            let id = catalog.service_id(name.service)?;
            let service = catalog.service_by_id(id)?;
            let names = service.actions.iter().map(|a| a.name);
            let closest = crate::suggest::closest(name.name, names)?;
            let i = service.actions.iter().position(|a| a.name == closest)?;
            Some((id, i))
        })?;
    Some(catalog.service_by_id(id)?.actions.get(i)?.name)
}

/// The service prefix closest to a misspelt one (`kmss` → `kms`); none for a one-letter
/// prefix, which is one edit from every other.
pub fn closest_service<'c>(cx: &super::Context<'c>, prefix: &str) -> Option<&'c str> {
    if prefix.chars().count() < 2 {
        return None;
    }
    let catalog = cx.catalog();
    let id = cx
        .lookups
        .service_suggestions
        .get_or_insert_with(prefix, || {
            catalog.service_id(catalog.suggest_service(prefix)?)
        })?;
    catalog.prefix_of(id)
}

/// Whether an action holds a template value (`${Action}`, `s3:${Verb}Object`): which action
/// it names is known at deploy time, so no rule judges it. A byte search first, as most
/// hold no `{`.
pub fn is_templated(action: &str) -> bool {
    memchr::memchr(b'{', action.as_bytes()).is_some()
        && crate::policy::template::has_template(action)
}

/// Resolves a pattern to positions in the catalog, walking each service's actions once.
/// `colon` is where its first colon is, `wildcard` whether it holds a wildcard: the memo
/// has searched for both.
fn find(catalog: &Catalog, pattern: &str, colon: Option<usize>, wildcard: bool) -> Found {
    if pattern == "*" {
        return Found::Everything;
    }
    // A template value (`${Action}`): unknown until deployed, so no rule judges it.
    if is_templated(pattern) {
        return Found::Malformed;
    }
    let Some(at) = colon else {
        return Found::Malformed;
    };
    let (Some(service), Some(name)) = (pattern.get(..at), pattern.get(at + 1..)) else {
        return Found::Malformed;
    };
    if service.is_empty() || name.is_empty() {
        return Found::Malformed;
    }
    // Most patterns are plain names: neither part needs a search of its own.
    let wildcard_name = wildcard && crate::policy::has_wildcard(name);
    let wildcard_service = wildcard && crate::policy::has_wildcard(service);
    if !wildcard_name && !wildcard_service {
        let Some(id) = catalog
            .service_id(service)
            .filter(|&id| catalog.service_by_id(id).is_some())
        else {
            return Found::UnknownService;
        };
        return match catalog
            .action_position(id, name)
            .and_then(|i| u32::try_from(i).ok())
        {
            Some(action) => Found::Action(id, action),
            None => Found::NoAction,
        };
    }
    let services: Vec<(ServiceId, &Service)> = if wildcard_service {
        let wanted = Wildcard::new(service);
        catalog
            .service_ids()
            .filter(|(_, p)| wanted.matches(p))
            .filter_map(|(id, _)| Some((id, catalog.service_by_id(id)?)))
            .collect()
    } else {
        match catalog
            .service_id(service)
            .and_then(|id| Some((id, catalog.service_by_id(id)?)))
        {
            Some(found) => vec![found],
            None => return Found::UnknownService,
        }
    };
    let wanted = wildcard_name.then(|| Wildcard::new(name));
    let mut runs: Vec<Run> = Vec::new();
    for (id, svc) in services {
        let mut push = |i: usize| {
            let Ok(i) = u32::try_from(i) else { return };
            match runs.last_mut() {
                Some((last, run)) if *last == id && run.end == i => run.end += 1,
                _ => runs.push((id, i..i + 1)),
            }
        };
        match &wanted {
            Some(wanted) => match wanted.prefix_run_in_sorted(&svc.actions, |a| a.name) {
                Some(run) => run.for_each(&mut push),
                None => (0..svc.actions.len())
                    .filter(|&i| wanted.matches(svc.actions[i].name))
                    .for_each(&mut push),
            },
            None => svc
                .actions
                .binary_search_by(|a| crate::pattern::cmp_ignore_case(a.name, name))
                .into_iter()
                .for_each(&mut push),
        }
    }
    Found::Actions(Arc::new(ActionSet {
        len: runs.iter().map(|(_, run)| run.len()).sum(),
        runs,
        templates: OnceLock::new(),
    }))
}

/// The templates a set of actions accepts, without repeats, in the order
/// [`Matches::templates_into`] promises.
fn distinct_templates(
    catalog: &Catalog,
    groups: impl Iterator<Item = (ServiceId, Range<usize>)>,
) -> Option<Vec<TemplateRef>> {
    // Each template with its text, looked up once; a template that another action of the
    // set already named is left out before the sort (the first of equal texts is kept).
    let mut keyed: Vec<((&str, &str), TemplateRef)> = Vec::new();
    let mut seen = rustc_hash::FxHashSet::default();
    for (id, indices) in groups {
        let arns = catalog.arns(id)?;
        for action in indices {
            for &t in arns.accepted(action)? {
                let t = t as usize;
                if seen.insert((id, t)) {
                    keyed.push((template_text(arns.templates.get(t)?), (id, t)));
                }
            }
        }
    }
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    keyed.dedup_by(|a, b| a.0 == b.0);
    Some(keyed.into_iter().map(|(_, t)| t).collect())
}

/// Every action a statement's `Action` names, or `None` when one of them cannot be
/// pinned down (`*`, an unknown name, a wildcard that matches nothing): rules that need
/// the whole set then stay quiet rather than guess.
pub fn statement_actions<'c>(
    cx: &super::Context<'c>,
    statement: &Statement<'c>,
) -> Option<Vec<(&'c Service, &'c Action)>> {
    let actions = cx.actions(statement);
    let actions = actions.listed();
    if actions.is_empty() {
        return None;
    }
    let mut out: Vec<(&Service, &Action)> = Vec::new();
    for action in actions {
        match &action.resolved {
            Resolved::Actions(found) if !found.is_empty() => out.extend(found.iter()),
            _ => return None,
        }
    }
    // Identity, not name order: callers that print names sort what they print.
    let key = |(s, a): &(&Service, &Action)| (std::ptr::from_ref(*s), std::ptr::from_ref(*a));
    out.sort_by_key(key);
    out.dedup_by_key(|pair| key(pair));
    Some(out)
}

/// The distinct actions that the matches of several patterns name between them, as runs of
/// consecutive positions in their services: `s3:*` and `s3:Get*` together make one run, not
/// hundreds of actions to sort and dedup.
pub fn distinct_runs<'m, 'c: 'm>(
    all: impl Iterator<Item = &'m Matches<'c>>,
) -> Vec<(&'c Service, Range<usize>)> {
    let mut catalog = None;
    let mut groups: Vec<(ServiceId, Range<usize>)> = Vec::new();
    for found in all {
        catalog = Some(found.catalog);
        groups.extend(found.groups());
    }
    groups.sort_unstable_by_key(|(id, run)| (*id, run.start));
    let mut merged: Vec<(ServiceId, Range<usize>)> = Vec::with_capacity(groups.len());
    for (id, run) in groups {
        match merged.last_mut() {
            Some((last, at)) if *last == id && run.start <= at.end => at.end = at.end.max(run.end),
            _ => merged.push((id, run)),
        }
    }
    let Some(catalog) = catalog else {
        return Vec::new();
    };
    merged
        .into_iter()
        .filter_map(|(id, run)| {
            let service = catalog.service_by_id(id)?;
            // As [`Matches::iter`] reads them: only positions the service has.
            let run = run.start.min(service.actions.len())..run.end.min(service.actions.len());
            Some((service, run))
        })
        .collect()
}

/// Templates by resource type name, then template, without repeats: as messages list them.
pub fn sort_templates(templates: &mut Vec<&ArnTemplate>) {
    templates.sort_by(|a, b| template_text(a).cmp(&template_text(b)));
    templates.dedup_by(|a, b| template_text(a) == template_text(b));
}

/// What orders and tells templates apart: the resource type's name, then the template.
fn template_text(t: &ArnTemplate) -> (&str, &str) {
    (t.resource_type, t.template)
}

/// A condition key as the catalog knows it.
#[derive(Clone, Copy)]
pub enum KeyLookup<'c> {
    Known {
        /// The catalog's spelling, template parts included (`aws:RequestTag/${TagKey}`).
        name: &'c str,
        kind: ConditionType,
        /// Further types AWS documents for the key (`aws:EpochTime` is Date and Numeric).
        also: &'c [ConditionType],
        /// Global keys apply to every action.
        global: bool,
    },
    /// A key the catalog should know but does not ([`key_suggestion`] finds the closest).
    Unknown,
    /// Keys the catalog does not describe: identity-provider keys such as
    /// `token.actions.githubusercontent.com:sub`, `saml:aud` or `accounts.google.com:sub`.
    Foreign,
}

/// [`global_condition_key`] through the run's memo: the same few keys recur in the conditions
/// of file after file, and a miss compares the key with every template.
pub fn global_key(lookups: &Lookups, key: &str) -> Option<&'static GlobalConditionKey> {
    lookups
        .global_keys
        .get_or_insert(key, || false, || global_condition_key(key))
}

/// Looks a condition key up as the statement uses it: a global key, a key of one of the
/// statement's services (AWS Marketplace's actions take `catalog:ChangeType`), or a key
/// of the service its prefix names.
pub fn condition_key<'c>(lookups: &'c Lookups, statement: &Statement, key: &str) -> KeyLookup<'c> {
    let catalog = lookups.catalog();
    if let Some(global) = global_key(lookups, key) {
        return KeyLookup::Known {
            name: &global.name,
            kind: global.kind,
            also: &global.also,
            global: true,
        };
    }
    // A statement's actions mostly share a few services: each is searched once (past the
    // first few, a service may be searched again, to the same answer).
    let mut searched = [""; 8];
    let mut count = 0;
    for action in statement.actions() {
        let Some(at) = memchr::memchr(b':', action.value.as_bytes()) else {
            continue;
        };
        let prefix = &action.value[..at];
        if crate::policy::has_wildcard(prefix) || searched[..count].contains(&prefix) {
            continue;
        }
        if let Some(slot) = searched.get_mut(count) {
            *slot = prefix;
            count += 1;
        }
        let found = catalog
            .service_id(prefix)
            .and_then(|id| catalog.condition_key_named(id, key));
        if let Some(found) = found {
            return KeyLookup::Known {
                name: found.name,
                kind: found.kind,
                also: &[],
                global: false,
            };
        }
    }
    let own = lookups
        .own_keys
        .get_or_insert(key, || false, || own_key(catalog, key));
    match own {
        OwnKey::Foreign => KeyLookup::Foreign,
        OwnKey::Unknown => KeyLookup::Unknown,
        OwnKey::Known(id, i) => {
            let found = catalog
                .service_by_id(id)
                .and_then(|service| service.condition_keys.get(i as usize));
            match found {
                Some(found) => KeyLookup::Known {
                    name: found.name,
                    kind: found.kind,
                    also: &[],
                    global: false,
                },
                None => KeyLookup::Unknown,
            }
        }
    }
}

/// What a condition key is by its own prefix alone, as a memo keeps it.
#[derive(Clone, Copy)]
enum OwnKey {
    Foreign,
    Unknown,
    /// The service, and the key's position in its [`Service::condition_keys`].
    Known(ServiceId, u32),
}

/// [`condition_key`]'s answer for a key that is neither global nor a key of one of the
/// statement's services: what its own prefix makes of it.
fn own_key(catalog: &Catalog, key: &str) -> OwnKey {
    // `${Provider}:sub`, written for an identity provider a template creates: which key it
    // is becomes known at deploy time.
    if crate::policy::template::has_template(key) {
        return OwnKey::Foreign;
    }
    let Some((prefix, _)) = key.split_once(':') else {
        return OwnKey::Unknown;
    };
    if prefix.contains(['.', '/']) || prefix.eq_ignore_ascii_case("saml") {
        return OwnKey::Foreign;
    }
    if prefix.eq_ignore_ascii_case("aws") {
        return OwnKey::Unknown;
    }
    let Some(id) = catalog.service_id(prefix) else {
        return OwnKey::Unknown;
    };
    let Some(service) = catalog.service_by_id(id) else {
        return OwnKey::Unknown;
    };
    // AWS documents some tag keys as a literal `tag-key` instead of a template.
    let literal_tag_key = || {
        service.condition_keys.iter().find(|k| {
            k.name.strip_suffix("tag-key").is_some_and(|stem| {
                stem.ends_with('/')
                    && key.len() > stem.len()
                    && key.is_char_boundary(stem.len())
                    && key[..stem.len()].eq_ignore_ascii_case(stem)
            })
        })
    };
    let found = service.condition_key(key).or_else(literal_tag_key);
    let at = found.and_then(|found| {
        let keys = &service.condition_keys;
        keys.iter().position(|k| std::ptr::eq(k, found))
    });
    match at.and_then(|at| u32::try_from(at).ok()) {
        Some(at) => OwnKey::Known(id, at),
        None => OwnKey::Unknown,
    }
}

/// The known key closest to one that [`condition_key`] found [`KeyLookup::Unknown`]: a
/// global key for `aws:`, else a key of the service its prefix names, or the same key
/// under the closest service prefix. Edit distances are costly: only for a finding.
pub fn key_suggestion(cx: &super::Context, key: &str) -> Option<String> {
    let catalog = cx.catalog();
    let (prefix, _) = key.split_once(':')?;
    if prefix.eq_ignore_ascii_case("aws") {
        let names = crate::catalog::global_condition_keys()
            .iter()
            .map(|k| k.name.as_str());
        return crate::suggest::closest(key, names).map(str::to_string);
    }
    let Some(service) = catalog.service(prefix) else {
        return closest_service(cx, prefix).map(|s| format!("{s}:{}", &key[prefix.len() + 1..]));
    };
    crate::suggest::closest(key, service.condition_keys.iter().map(|k| k.name)).map(str::to_string)
}

/// Whether an action (or one of its resource types) documents condition key `key`
/// (a catalog name, possibly a template).
pub fn action_supports_key(service: &Service, action: &Action, key: &str) -> bool {
    let same = |k: &&str| k.eq_ignore_ascii_case(key);
    action.condition_keys.iter().any(same)
        || action.resource_types.iter().any(|r| {
            service
                .resource_type(r.name)
                .is_some_and(|t| t.condition_keys.iter().any(same))
        })
}

/// `ceil`-style list for messages: the first `limit` names, then how many more.
pub fn list_names<S: AsRef<str>>(names: &[S], limit: usize) -> String {
    let shown: Vec<&str> = names.iter().take(limit).map(AsRef::as_ref).collect();
    let mut text = shown.join(", ");
    if names.len() > limit {
        text.push_str(&format!(" and {} more", names.len() - limit));
    }
    text
}

/// [`list_names`] of a list of `total` names without formatting the ones it does not show.
pub fn list_first(names: impl Iterator<Item = String>, total: usize, limit: usize) -> String {
    // Joined as they come, into the first name's own string: no list, no second copy.
    let mut names = names.take(limit);
    let mut text = names.next().unwrap_or_default();
    for name in names {
        text.push_str(", ");
        text.push_str(&name);
    }
    if total > limit {
        use std::fmt::Write;
        let _ = write!(text, " and {} more", total - limit);
    }
    text
}

/// Services whose ARNs AWS accepts under either name.
const ARN_ALIASES: &[(&str, &str)] = &[("codestar-connections", "codeconnections")];

/// How every name of [`ARN_ALIASES`] starts as an ARN field, after its colon.
const ALIAS_START: &str = ":code";

/// A search for [`ALIAS_START`], built once: building one costs more than a search.
fn alias_start() -> &'static memchr::memmem::Finder<'static> {
    static FINDER: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new(ALIAS_START));
    &FINDER
}

/// A resource value as globs: [`resource_glob`], then the same ARN under its service's other
/// name, if it has one.
pub fn resource_globs(value: &str) -> impl Iterator<Item = Glob> + '_ {
    let glob = resource_glob(value);
    // Where the first inner field of each alias name starts, found in one walk, by a value
    // that has one: every alias name starts with `code`.
    let names = ARN_ALIASES.iter().flat_map(|(a, b)| [*a, *b]);
    let mut first = [None; 2 * ARN_ALIASES.len()];
    let may_alias = alias_start().find(glob.as_bytes()).is_some();
    let fields = may_alias.then(|| inner_fields(&glob)).into_iter().flatten();
    for (start, field) in fields {
        for (slot, name) in first.iter_mut().zip(names.clone()) {
            if slot.is_none() && field == name {
                *slot = Some(start);
            }
        }
    }
    let mut others = Vec::new();
    for (pair, (a, b)) in ARN_ALIASES.iter().enumerate() {
        for (from, to, at) in [(a, b, first[2 * pair]), (b, a, first[2 * pair + 1])] {
            if let Some(at) = at {
                others.push(format!("{}{to}{}", &glob[..at], &glob[at + from.len()..]));
            }
        }
    }
    std::iter::once(Glob::new(&glob)).chain(others.into_iter().map(|text| Glob::new(&text)))
}

/// The fields of `text` that have a colon on both sides (`:name:`), with where each starts.
fn inner_fields(text: &str) -> impl Iterator<Item = (usize, &str)> + '_ {
    let mut colons = memchr::memchr_iter(b':', text.as_bytes()).peekable();
    std::iter::from_fn(move || {
        let before = colons.next()?;
        let after = *colons.peek()?;
        // Colons are ASCII: both are character boundaries.
        Some((before + 1, &text[before + 1..after]))
    })
}

/// A resource value as a wildcard pattern: placeholders (`ACCOUNT-ID`), policy variables
/// (`${aws:username}`) and template values (`${var.bucket}`) become `*`, so they never
/// cause a mismatch of their own. A template value or variable in the partition, service,
/// region or account field (`${AWS::Region}`) stands for that one field, never a colon:
/// [`SEGMENT`], so the literal fields around it still count. Most values hold none and
/// come back as they are.
pub fn resource_glob(value: &str) -> Cow<'_, str> {
    // (range, whether it stands for one field)
    let mut holes: Vec<(Range<usize>, bool)> = crate::policy::placeholder::find(value)
        .into_iter()
        .map(|r| (r, false))
        .collect();
    if memchr::memchr(b'{', value.as_bytes()).is_some() {
        let fields_end = crate::policy::arn::split(value).map_or(0, |arn| arn.account.range.1);
        holes.extend(
            crate::policy::template::parts(value)
                .into_iter()
                .map(|p| (p.range.clone(), p.range.end <= fields_end)),
        );
    }
    if holes.is_empty() {
        return Cow::Borrowed(value);
    }
    holes.sort_by_key(|(r, _)| r.start);
    let mut out = String::with_capacity(value.len());
    let mut last = 0;
    for (hole, in_field) in holes {
        if hole.start < last {
            continue;
        }
        out.push_str(&value[last..hole.start]);
        out.push(if in_field { SEGMENT } else { '*' });
        last = hole.end;
    }
    out.push_str(&value[last..]);
    Cow::Owned(out)
}

/// The value type a condition operator compares as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OperatorType {
    String,
    Arn,
    Numeric,
    Date,
    Bool,
    IpAddress,
    Binary,
    /// `Null` tests whether the key is present, whatever its type.
    Null,
}

impl OperatorType {
    /// From a base operator name as [`super::p014_unknown_condition_operator::base_operator`]
    /// returns it.
    pub fn of(base: &str) -> OperatorType {
        match base {
            "Null" => OperatorType::Null,
            "Bool" => OperatorType::Bool,
            "BinaryEquals" => OperatorType::Binary,
            "IpAddress" | "NotIpAddress" => OperatorType::IpAddress,
            b if b.starts_with("Arn") => OperatorType::Arn,
            b if b.starts_with("Numeric") => OperatorType::Numeric,
            b if b.starts_with("Date") => OperatorType::Date,
            _ => OperatorType::String,
        }
    }

    /// Whether this operator compares values of a key of type `key` meaningfully. AWS
    /// lets String operators compare ARN keys too.
    pub fn fits(self, key: ConditionType) -> bool {
        match (self, key.element()) {
            (OperatorType::Null, _) => true,
            // AWS compares ARN values with String operators, and ARN operators match ARNs
            // kept in String keys (`kms:EncryptionContext:aws:...:arn`); Bool values are the
            // strings `true`/`false`.
            (
                OperatorType::String,
                ConditionType::String | ConditionType::Arn | ConditionType::Bool,
            ) => true,
            (OperatorType::Arn, ConditionType::Arn | ConditionType::String) => true,
            (OperatorType::Numeric, ConditionType::Numeric) => true,
            (OperatorType::Date, ConditionType::Date) => true,
            (OperatorType::Bool, ConditionType::Bool) => true,
            (OperatorType::IpAddress, ConditionType::IpAddress) => true,
            (OperatorType::Binary, ConditionType::Binary) => true,
            _ => false,
        }
    }

    pub fn family(self) -> &'static str {
        match self {
            OperatorType::String => "String",
            OperatorType::Arn => "ARN",
            OperatorType::Numeric => "Numeric",
            OperatorType::Date => "Date",
            OperatorType::Bool => "Bool",
            OperatorType::IpAddress => "IP address",
            OperatorType::Binary => "Binary",
            OperatorType::Null => "Null",
        }
    }
}

/// One condition operator split into its parts: `ForAllValues:StringLikeIfExists` →
/// set `ForAllValues`, base `StringLike`, `IfExists`.
#[derive(Clone, Copy)]
pub struct Operator {
    pub set: Option<&'static str>,
    pub base: &'static str,
    pub kind: OperatorType,
}

pub fn operator(text: &str) -> Option<Operator> {
    use super::p014_unknown_condition_operator::{base_operator, set_prefix};
    let base = base_operator(text)?;
    let set = set_prefix(text).map(|(set, _)| set);
    Some(Operator {
        set,
        base,
        kind: OperatorType::of(base),
    })
}

pub use crate::policy::{condition_scalars, condition_values};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memo_keys_of_every_length_find_their_own_value() {
        let memo: Memo<usize> = Memo::default();
        let keys: Vec<String> = (0..100).map(|n| "k".repeat(n)).collect();
        for (n, key) in keys.iter().enumerate() {
            assert_eq!(memo.get_or_insert(key, || n % 2 == 0, || n), n);
        }
        // Found again, by the same bytes, not worked out anew (which would answer 0).
        for (n, key) in keys.iter().enumerate() {
            assert_eq!(memo.get_or_insert(key, || n % 2 == 0, || 0), n);
        }
        assert_eq!(memo.get_or_insert("kk\u{e9}", || false, || 7), 7);
        assert_eq!(memo.get_or_insert("kk\u{e9}", || false, || 0), 7);
    }

    #[test]
    fn resource_globs_add_the_other_service_name() {
        let globs = |value: &str| resource_globs(value).collect::<Vec<_>>();
        let old = "arn:aws:codestar-connections:us-east-1:123456789012:connection/abc";
        let new = "arn:aws:codeconnections:us-east-1:123456789012:connection/abc";
        assert_eq!(globs(old), [Glob::new(old), Glob::new(new)]);
        assert_eq!(globs(new), [Glob::new(new), Glob::new(old)]);
        // Only the service field: a bucket named after the service stays as it is.
        let bucket = "arn:aws:s3:::codeconnections-logs";
        assert_eq!(globs(bucket), [Glob::new(bucket)]);
        let object = "arn:aws:s3:::logs/codeconnections";
        assert_eq!(globs(object), [Glob::new(object)]);
        // Values without the start of an alias name are not walked for one.
        for (a, b) in ARN_ALIASES {
            for name in [a, b] {
                assert!(format!(":{name}").starts_with(ALIAS_START), "{name}");
            }
        }
    }

    #[test]
    fn resource_globs_open_placeholders_and_variables() {
        assert_eq!(
            resource_glob("arn:aws:s3:::b/${aws:username}/ACCOUNT-ID/${x"),
            "arn:aws:s3:::b/*/*/${x"
        );
        assert_eq!(
            resource_glob("arn:aws:kms:us-east-1:<ACCOUNT>:key/${Key}"),
            "arn:aws:kms:us-east-1:*:key/*"
        );
        // A template value in a field before the resource stands for that field only.
        let s = SEGMENT;
        assert_eq!(
            resource_glob("arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:${Topic}"),
            format!("arn:{s}:sns:{s}:{s}:*")
        );
        assert_eq!(resource_glob("${Bucket.Arn}/*"), "*/*");
        let plain = "arn:aws:s3:::bucket/key";
        assert!(matches!(resource_glob(plain), Cow::Borrowed(text) if text == plain));
    }

    #[test]
    fn first_inner_field_needs_a_colon_on_both_sides() {
        let first_inner_field = |text: &str, name: &str| {
            inner_fields(text).find_map(|(start, field)| (field == name).then_some(start))
        };
        assert_eq!(first_inner_field("a:svc:b", "svc"), Some(2));
        assert_eq!(first_inner_field("a::svc:svc:", "svc"), Some(3));
        assert_eq!(first_inner_field("svc:a:b", "svc"), None);
        assert_eq!(first_inner_field("a:b:svc", "svc"), None);
        assert_eq!(first_inner_field("a:xsvc:svcx:b", "svc"), None);
    }
}
