//! The access methods of `rules/access-methods.toml` (privilege escalation, takeover,
//! credentials, bulk reads, key destruction) evaluated on a document's effective access,
//! and the finding each rule of the E family makes of them: one per action token that
//! completes a method, naming every method that token completes.

use super::Context;
use crate::access::{Access, ActionList, Grant, Located, Reach, Scope, Target};
use crate::catalog::Catalog;
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::json::Span;
use crate::pattern::wildcard_match;
use crate::policy::Str;
use serde::Deserialize;
use std::borrow::Cow;
use std::sync::OnceLock;

/// The curated data, compiled in.
pub const METHODS_TOML: &str = include_str!("../../rules/access-methods.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Method {
    pub id: String,
    #[serde(default)]
    pub rhino: Option<u32>,
    pub family: Family,
    pub name: String,
    pub actions: Vec<String>,
    /// Actions whose resource must be unconstrained; `None`: all of them.
    #[serde(default)]
    pub targets: Option<Vec<String>>,
    #[serde(default)]
    pub passed_to: Option<String>,
    /// The caller's own resources are enough.
    #[serde(default)]
    pub own: bool,
    pub defeated_by: String,
    pub fix: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    Escalation,
    Takeover,
    Credentials,
    Exfiltration,
    Destruction,
}

impl Family {
    /// The rule that reports the family's methods.
    pub fn code(self) -> Code {
        match self {
            Family::Escalation => Code::E001,
            Family::Takeover => Code::E002,
            Family::Credentials => Code::E003,
            Family::Exfiltration => Code::E004,
            Family::Destruction => Code::E005,
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Family::Escalation => "Privilege escalation",
            Family::Takeover => "Taking over existing compute or code",
            Family::Credentials => "Credentials of other principals",
            Family::Exfiltration => "Reading data in bulk",
            Family::Destruction => "Destroying or disabling keys",
        }
    }
}

#[derive(Deserialize)]
struct File {
    method: Vec<Method>,
}

/// Parses the data; the test suite checks it loads and names only catalog actions.
pub fn parse(text: &str) -> Result<Vec<Method>, String> {
    toml::from_str::<File>(text)
        .map(|f| f.method)
        .map_err(|e| e.to_string())
}

/// The embedded methods (none if the file were broken: a test guards against it).
pub fn all() -> &'static [Method] {
    static METHODS: OnceLock<Vec<Method>> = OnceLock::new();
    METHODS.get_or_init(|| {
        // Every run that checks an identity policy loads the file: the plain reader costs
        // a tenth of the TOML parser, which remains for anything the reader does not know.
        read_plain(METHODS_TOML)
            .or_else(|| parse(METHODS_TOML).ok())
            .unwrap_or_default()
    })
}

/// The methods file read line by line, for the plain form it is written in: comments,
/// `[[method]]` headers, and one `key = value` per line (a string without escapes, a
/// number, `true`/`false`, or a one-line list of strings). `None` for anything else, or
/// a field missing, repeated or unknown: [`parse`] then decides. A test checks that both
/// read the embedded file alike.
pub fn read_plain(text: &str) -> Option<Vec<Method>> {
    let mut methods = Vec::new();
    let mut fields: Option<Vec<(&str, &str)>> = None;
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line == "[[method]]" {
            if let Some(done) = fields.take() {
                methods.push(plain_method(&done)?);
            }
            fields = Some(Vec::new());
            continue;
        }
        let (key, value) = line.split_once(" = ")?;
        let current = fields.as_mut()?;
        if current.iter().any(|(k, _)| *k == key) {
            return None;
        }
        current.push((key, value));
    }
    methods.push(plain_method(&fields?)?);
    Some(methods)
}

/// One `[[method]]` table of [`read_plain`], from its `key = value` pairs.
fn plain_method(fields: &[(&str, &str)]) -> Option<Method> {
    const KNOWN: [&str; 10] = [
        "id",
        "rhino",
        "family",
        "name",
        "actions",
        "targets",
        "passed_to",
        "own",
        "defeated_by",
        "fix",
    ];
    if fields.iter().any(|(k, _)| !KNOWN.contains(k)) {
        return None;
    }
    let raw = |key: &str| fields.iter().find(|(k, _)| *k == key).map(|(_, v)| *v);
    let string = |key: &str| raw(key).map(plain_string);
    let list = |key: &str| {
        raw(key).map(|v| {
            let inner = v.strip_prefix('[')?.strip_suffix(']')?.trim();
            if inner.is_empty() {
                return Some(Vec::new());
            }
            inner
                .split(',')
                .map(|item| plain_string(item.trim()))
                .collect::<Option<Vec<String>>>()
        })
    };
    let family = match string("family")??.as_str() {
        "escalation" => Family::Escalation,
        "takeover" => Family::Takeover,
        "credentials" => Family::Credentials,
        "exfiltration" => Family::Exfiltration,
        "destruction" => Family::Destruction,
        _ => return None,
    };
    Some(Method {
        id: string("id")??,
        rhino: match raw("rhino") {
            Some(v) if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) => {
                Some(v.parse().ok()?)
            }
            Some(_) => return None,
            None => None,
        },
        family,
        name: string("name")??,
        actions: list("actions")??,
        targets: match list("targets") {
            Some(targets) => Some(targets?),
            None => None,
        },
        passed_to: match string("passed_to") {
            Some(service) => Some(service?),
            None => None,
        },
        own: match raw("own") {
            Some("true") => true,
            Some("false") | None => false,
            Some(_) => return None,
        },
        defeated_by: string("defeated_by")??,
        fix: string("fix")??,
    })
}

/// A basic TOML string with nothing to unescape; `None` for any other form.
fn plain_string(value: &str) -> Option<String> {
    let inner = value.strip_prefix('"')?.strip_suffix('"')?;
    let plain = !inner.contains(['"', '\\']) && !inner.chars().any(char::is_control);
    plain.then(|| inner.to_string())
}

/// Every action the methods name, once, and each method's actions as positions in that
/// list: a document is asked once which of them it names ([`named`]), and a method is
/// worked out only when it names them all.
struct MethodActions {
    list: ActionList<'static>,
    /// Per method of [`all`], in order.
    of_method: Vec<Vec<usize>>,
    /// Per method, the same positions as a bit set of [`Self::words`] words, all methods
    /// end to end: a document's named actions settle each method in a word or two.
    masks: Vec<u64>,
    /// Per method, likewise, the actions it needs on every resource ([`Method::is_target`]).
    open_masks: Vec<u64>,
    words: usize,
    /// Per action: some method is this action alone.
    alone: Vec<bool>,
}

fn method_actions() -> &'static MethodActions {
    static ACTIONS: OnceLock<MethodActions> = OnceLock::new();
    ACTIONS.get_or_init(|| {
        let methods = all();
        let list = ActionList::new(
            methods
                .iter()
                .flat_map(|m| m.actions.iter().map(String::as_str)),
        );
        let of_method: Vec<Vec<usize>> = methods
            .iter()
            .map(|m| m.actions.iter().filter_map(|a| list.position(a)).collect())
            .collect();
        let words = list.len().div_ceil(64);
        let mut masks = vec![0; words * methods.len()];
        let mut open_masks = vec![0; words * methods.len()];
        for (m, positions) in of_method.iter().enumerate() {
            for (&at, action) in positions.iter().zip(&methods[m].actions) {
                masks[m * words + at / 64] |= 1 << (at % 64);
                if methods[m].is_target(action) {
                    open_masks[m * words + at / 64] |= 1 << (at % 64);
                }
            }
        }
        let mut alone = vec![false; list.len()];
        for m in methods.iter().filter(|m| m.actions.len() == 1) {
            if let Some(at) = list.position(&m.actions[0]) {
                alone[at] = true;
            }
        }
        MethodActions {
            list,
            of_method,
            masks,
            open_masks,
            words,
            alone,
        }
    })
}

/// Whether this action (`service:Action`, any case) is a method by itself: its grant is
/// judged by that method's rule, not by the permissions-management rule.
pub fn is_method_alone(action: &str) -> bool {
    let actions = method_actions();
    actions
        .list
        .position(action)
        .is_some_and(|at| actions.alone[at])
}

impl Method {
    fn is_target(&self, action: &str) -> bool {
        self.targets
            .as_ref()
            .is_none_or(|ts| ts.iter().any(|t| t.eq_ignore_ascii_case(action)))
    }

    /// pathfinding.cloud id and Rhino Security Labs number, for messages.
    pub fn reference(&self) -> String {
        let pathfinding = !self.id.starts_with("iamlint-");
        let mut refs = String::new();
        if pathfinding {
            refs.push_str("pathfinding.cloud ");
            refs.push_str(&self.id);
        }
        if let Some(n) = self.rhino {
            refs.push_str(if pathfinding { ", " } else { "" });
            refs.push_str("Rhino Security Labs #");
            refs.push_str(itoa::Buffer::new().format(n));
        }
        if refs.is_empty() {
            self.id.clone()
        } else {
            refs
        }
    }
}

/// One action of a completed method and the grant that provides it.
pub struct Step<'s, 'a> {
    pub action: String,
    pub reach: Reach<'s, 'a>,
}

/// A method the document completes on its own.
pub struct Completed<'s, 'a> {
    pub method: &'static Method,
    /// In the method's order: the first is the action a finding points at.
    pub steps: Vec<Step<'s, 'a>>,
}

/// The grant of the action that serves the method: standing, not pinned to a target by a
/// condition (an `iam:PassedToService` that allows the method's service aside), and on
/// every resource where the method needs that. The first such, in statement order; a
/// statement's grant is worked out only when the ones before it do not serve.
fn usable<'s, 'a>(
    method: &Method,
    access: &'s Access<'a>,
    granted: &mut Granted<'_, 's, 'a>,
) -> Option<Reach<'s, 'a>> {
    let Granted {
        target,
        naming,
        reaches,
    } = granted;
    let open_needed = method.is_target(&target.name);
    for (&(grant, token), reach) in naming.iter().zip(reaches.iter_mut()) {
        // Decided by the statement alone: settled before its resources are compared.
        let pinned = grant.narrowing().any(|c| {
            let passes_to_method = c.is_key("iam:PassedToService")
                && target.name.eq_ignore_ascii_case("iam:PassRole")
                && method.passed_to.as_deref().is_some_and(|service| {
                    c.values.iter().any(|(v, _)| wildcard_match(v, service))
                });
            !passes_to_method
        });
        if pinned {
            continue;
        }
        // Resources that only name things settle a method that needs every resource
        // before they are compared with the action's templates.
        if open_needed && reach.is_none() && !grant.may_reach_every(target) {
            continue;
        }
        let reach = reach.get_or_insert_with(|| access.reach_named(grant, token, target));
        let Some(reach) = reach.as_ref().filter(|r| r.stands()) else {
            continue;
        };
        let scoped = open_needed
            && !reach.scope.is_open()
            && !(method.own && matches!(reach.scope, Scope::OwnOnly(_)));
        if !scoped && !denied_to_method(method, target, reach) {
            return Some(reach.clone());
        }
    }
    None
}

/// Whether a conditional `Deny` applies whenever the method passes its role: its only
/// conditions are on `iam:PassedToService` and hold for the method's service ("Deny
/// `iam:PassRole` unless passed to Lambda" closes the EC2 method).
fn denied_to_method(method: &Method, target: &Target, reach: &Reach) -> bool {
    reach
        .denied_when
        .iter()
        .any(|deny| passed_to_decides(method, &target.name, deny) == Some(true))
}

/// For the `iam:PassRole` step of a method: whether a conditional `Deny` applies when the
/// role goes to the method's service (`Some(true)`: always, its conditions being on
/// `iam:PassedToService` alone; `Some(false)`: never, one of them fails for that service).
fn passed_to_decides(method: &Method, action: &str, deny: &Grant) -> Option<bool> {
    let service = method.passed_to.as_deref()?;
    if !action.eq_ignore_ascii_case("iam:PassRole") {
        return None;
    }
    let mut all = true;
    for c in &deny.conditions {
        match c
            .is_key("iam:PassedToService")
            .then(|| c.holds_for(service))
        {
            Some(Some(false)) => return Some(false),
            Some(Some(true)) => {}
            _ => all = false,
        }
    }
    all.then_some(true)
}

/// Each action's catalog entry and grants, worked out once per document and shared by the
/// methods that need it (`iam:PassRole` is part of dozens); `None`: not in the catalog.
/// Kept by the action's position in [`method_actions`]: a document's methods reach a few
/// actions, found by a scan of positions rather than by hashing names.
#[derive(Default)]
pub struct Standing<'c, 's, 'a> {
    worked_out: Vec<(usize, Option<Granted<'c, 's, 'a>>)>,
}

impl<'c, 's, 'a> Standing<'c, 's, 'a> {
    fn get(&self, at: usize) -> Option<&Option<Granted<'c, 's, 'a>>> {
        self.worked_out
            .iter()
            .find(|(known, _)| *known == at)
            .map(|(_, granted)| granted)
    }

    /// The entry of position `at`, worked out by `work_out` when first asked.
    fn get_or_insert_with(
        &mut self,
        at: usize,
        work_out: impl FnOnce() -> Option<Granted<'c, 's, 'a>>,
    ) -> &mut Option<Granted<'c, 's, 'a>> {
        let found = self.worked_out.iter().position(|(known, _)| *known == at);
        let index = match found {
            Some(index) => index,
            None => {
                if self.worked_out.capacity() == 0 {
                    // Room for the few actions a document's methods get to.
                    self.worked_out.reserve(8);
                }
                self.worked_out.push((at, work_out()));
                self.worked_out.len() - 1
            }
        };
        &mut self.worked_out[index].1
    }
}

/// What a document grants of one action, worked out as far as the methods asked.
pub struct Granted<'c, 's, 'a> {
    target: Target<'c>,
    /// The `Allow` statements that name the action ([`Access::naming`]).
    naming: Vec<(&'s Grant<'a>, Str<'a>)>,
    /// Per statement of `naming`, once asked: its grant after the `Deny` statements
    /// (`None` inside: it names no resource the action takes).
    reaches: Vec<Option<Option<Reach<'s, 'a>>>>,
}

/// The `Allow` statements that name each of the methods' actions ([`Access::naming_each`],
/// by position in [`method_actions`]), each taken when its action's grants are first worked
/// out; `None` once taken.
type Naming<'s, 'a> = [Option<Vec<(&'s Grant<'a>, Str<'a>)>>];

/// Whether the document completes `method`, and through which grants.
pub fn complete<'c, 's, 'a>(
    method: &'static Method,
    access: &'s Access<'a>,
    catalog: &'c Catalog,
    memo: &mut Standing<'c, 's, 'a>,
) -> Option<Completed<'s, 'a>> {
    // Most documents grant few of a method's actions: a pattern test on the names settles
    // them before any catalog lookup or resource comparison.
    if !method.actions.iter().all(|action| access.names(action)) {
        return None;
    }
    // The methods' list holds every action of every method: each has its position.
    let list = &method_actions().list;
    let positions: Option<Vec<usize>> = method.actions.iter().map(|a| list.position(a)).collect();
    complete_named(method, &positions?, &[], access, catalog, memo, &mut [])
}

/// [`complete`] once the document is known to name every action of the method, at
/// `positions` in [`method_actions`]; `naming`: which statements name which actions, as far
/// as known, and `located`, where the catalog has them ([`locations`]; empty: looked up
/// here).
fn complete_named<'c, 's, 'a>(
    method: &'static Method,
    positions: &[usize],
    located: &Locations,
    access: &'s Access<'a>,
    catalog: &'c Catalog,
    memo: &mut Standing<'c, 's, 'a>,
    naming: &mut Naming<'s, 'a>,
) -> Option<Completed<'s, 'a>> {
    // Allocated once the first action serves: most methods tried fail on it.
    let mut steps = Vec::new();
    for (action, &at) in method.actions.iter().zip(positions) {
        let entry = memo.get_or_insert_with(at, || {
            let target = match located.get(at) {
                Some(slot) => Target::at_located(catalog, locate(slot, catalog, action)?)?,
                None => Target::resolve(catalog, action)?,
            };
            let named = naming
                .get_mut(at)
                .and_then(Option::take)
                .unwrap_or_else(|| access.naming(&target.name));
            Some(Granted {
                reaches: vec![None; named.len()],
                naming: named,
                target,
            })
        });
        let granted = entry.as_mut()?;
        let reach = usable(method, access, granted)?;
        if steps.is_empty() {
            steps.reserve_exact(method.actions.len());
        }
        steps.push(Step {
            action: granted.target.name.clone(),
            reach,
        });
    }
    Some(Completed { method, steps })
}

/// Where the run's catalog has each of the methods' actions, by [`method_actions`]'
/// positions, and whether one of its templates has no name part: each found once per run,
/// when first asked.
type Locations = [super::lookup::MethodAction];

/// Where `action` is in the catalog, from its slot of [`Locations`].
fn locate(slot: &super::lookup::MethodAction, catalog: &Catalog, action: &str) -> Option<Located> {
    located(slot, catalog, action).map(|(at, _)| at)
}

fn located(
    slot: &super::lookup::MethodAction,
    catalog: &Catalog,
    action: &str,
) -> Option<(Located, bool)> {
    *slot.get_or_init(|| {
        let at = Target::locate(catalog, action)?;
        let nameless = Target::at_located(catalog, at).is_some_and(|t| t.has_nameless_template());
        Some((at, nameless))
    })
}

fn locations<'r>(cx: &Context<'r>) -> &'r Locations {
    cx.lookups.method_actions.get_or_init(|| {
        let mut slots = Vec::new();
        slots.resize_with(method_actions().list.len(), OnceLock::new);
        slots
    })
}

/// The document's effective access, read once per document.
pub fn access<'b, 'a>(cx: &'b Context<'a>) -> &'b Access<'a> {
    cx.access.get_or_init(|| Access::of(cx.policy))
}

/// Reports, for one family, each action token that completes one or more of its methods.
pub fn check_family(cx: &Context, out: &mut Vec<Diagnostic>, family: Family) {
    let found = cx.methods.get_or_init(|| find(cx));
    out.extend(found.of_family[family as usize].iter().cloned());
}

/// The findings of every family in one document, by [`Family`] in declaration order.
#[derive(Default)]
pub struct Findings {
    of_family: [Vec<Diagnostic>; 5],
}

/// Every family's findings at once: the families share actions (`iam:PassRole` is part of
/// dozens of methods), so each action's grants are worked out once per document, not once
/// per rule.
fn find(cx: &Context) -> Findings {
    let mut found = Findings::default();
    let actions = method_actions();
    // Most documents complete no method: told from their statements' action names alone,
    // before the document's access is read. What the names are found to be is kept for
    // `naming_each_with` below, which meets the same tokens in the same order.
    let mut seen = Vec::new();
    if !may_report(cx, actions, &mut seen) {
        return found;
    }
    let access = access(cx);
    if access.allows.is_empty() {
        return found;
    }
    let located_slots = locations(cx);
    let mut naming: Vec<Option<Vec<(&Grant, Str)>>> = access
        .naming_each_with(&actions.list, {
            let mut seen = seen.into_iter();
            move |token| match seen.next() {
                Some((at, found)) if std::ptr::eq(at, token) => found,
                // Not the token expected: looked up again, never wrong.
                _ => positions(cx, actions, token),
            }
        })
        .into_iter()
        .map(Some)
        .collect();
    // The actions some statement may serve a method with ([`usable`]): not pinned by a
    // condition (but perhaps by `iam:PassedToService`, which some methods pass), and apart,
    // those it may grant on every resource. A method that needs more is settled here,
    // before any resource is compared.
    // On the stack: the compiled-in methods' actions fit in `WORDS` words (a test checks it).
    let mut served: Bits = [0; WORDS];
    let mut open: Bits = [0; WORDS];
    for (at, n) in naming.iter().enumerate() {
        // Most of the actions no statement names: passed over at once.
        let Some(n) = n.as_deref().filter(|n| !n.is_empty()) else {
            continue;
        };
        let bit = 1 << (at % 64);
        for (grant, _) in n {
            if grant.narrowing().any(|c| !c.is_key("iam:PassedToService")) {
                continue;
            }
            if let Some(word) = served.get_mut(at / 64) {
                *word |= bit;
            }
            let nameless = || {
                let name = actions.list.name(at).unwrap_or_default();
                located(&located_slots[at], cx.catalog(), name).is_some_and(|(_, n)| n)
            };
            if grant.may_reach_every_with(nameless) {
                if let Some(word) = open.get_mut(at / 64) {
                    *word |= bit;
                }
                break;
            }
        }
    }
    // Per family, per token that completes methods, in the order found.
    let mut groups: [Vec<(Span, Vec<Completed>)>; 5] = Default::default();
    // Room for the few actions a document's methods get to, grown at most once or twice.
    let mut memo = Standing::default();
    let masks = actions.masks.chunks_exact(actions.words.max(1));
    let open_masks = actions.open_masks.chunks_exact(actions.words.max(1));
    let methods = all()
        .iter()
        .zip(&actions.of_method)
        .zip(masks.zip(open_masks));
    for ((method, positions), (mask, open_mask)) in methods {
        let lacking = |mask: &[u64], have: &[u64]| mask.iter().zip(have).any(|(m, h)| m & !h != 0);
        if lacking(mask, &served) || lacking(open_mask, &open) {
            continue;
        }
        let family = method.family;
        // `"Action": "*"`, and outside escalation a blanket, is not reported (below): when
        // only such tokens name the method's first action, the method need not be worked
        // out (documents with `"*"` pass every method's mask).
        let first = method.actions[0].as_str();
        let unreported = match memo.get(positions[0]) {
            Some(Some(granted)) => only_unreported(family, &granted.naming),
            // Not in the catalog: the method cannot complete.
            Some(None) => true,
            None => match &naming[positions[0]] {
                Some(named) => only_unreported(family, named),
                None => only_unreported(family, &access.naming(first)),
            },
        };
        if unreported {
            continue;
        }
        let Some(done) = complete_named(
            method,
            positions,
            located_slots,
            access,
            cx.catalog(),
            &mut memo,
            &mut naming,
        ) else {
            continue;
        };
        let primary = &done.steps[0].reach;
        // `"Action": "*"` is A001's finding (full administrator), and an action AWS lets no
        // policy scope is nobody's mistake.
        if primary.token.value == "*" || matches!(primary.scope, Scope::Unscoped(_)) {
            continue;
        }
        // `NotAction` and `svc:*` already have their finding (A003, A002), which says they
        // grant everything of the kind; only a completed escalation is worth a second one.
        if family != Family::Escalation && is_blanket(primary) {
            continue;
        }
        let groups = &mut groups[family as usize];
        match groups
            .iter_mut()
            .find(|(span, _)| *span == primary.token.span)
        {
            Some((_, list)) => list.push(done),
            None => groups.push((primary.token.span, vec![done])),
        }
    }
    for (groups, out) in groups.iter().zip(&mut found.of_family) {
        for (_, list) in groups {
            let family = list[0].method.family;
            out.push(diagnostic(family.code(), family, list));
        }
    }
    found
}

/// Bits for the methods' actions, by [`method_actions`]' positions: room for 256 names
/// (the file has some eighty), kept on the stack.
const WORDS: usize = 4;
type Bits = [u64; WORDS];

/// Whether `find` may report a method for this document: some method has every action
/// named by an `Allow` statement, its first through a token `find` reports (not `*`,
/// and outside escalation not a blanket). Never `false` where `find` reports: statements'
/// conditions, resources and the `Deny` statements only take methods away.
/// `seen`: each token that may name one of the actions, in statement order, with what
/// [`positions`] finds for it.
fn may_report<'t>(
    cx: &Context<'t>,
    actions: &MethodActions,
    seen: &mut Vec<(&'t str, Positions)>,
) -> bool {
    if actions.words > WORDS {
        return true;
    }
    let mut named: Bits = [0; WORDS];
    // Named through a token whose method is reported: for escalation, and for the others.
    let mut escalation: Bits = [0; WORDS];
    let mut others: Bits = [0; WORDS];
    for s in super::allows(cx) {
        match (s.action, s.not_action) {
            (Some(_), _) => {
                // The document's action table already knows which tokens have wildcards.
                let table = cx.actions(s);
                let listed = table.listed();
                for (k, token) in s.actions().iter().enumerate() {
                    let token = token.value;
                    // Most names are of services the methods do not name.
                    if !actions.list.may_name(token) {
                        continue;
                    }
                    let wildcard = match listed.get(k) {
                        Some(entry) if std::ptr::eq(entry.text.value, token) => entry.wildcard,
                        _ => crate::policy::has_wildcard(token),
                    };
                    let found = positions_of(cx, actions, token, wildcard);
                    let star = token == "*";
                    let blanket = is_blanket_name(token);
                    for &at in found.as_ref() {
                        let (word, bit) = (at / 64, 1 << (at % 64));
                        named[word] |= bit;
                        if !star {
                            escalation[word] |= bit;
                            if !blanket {
                                others[word] |= bit;
                            }
                        }
                    }
                    if seen.capacity() == 0 {
                        seen.reserve(s.actions().len().max(8));
                    }
                    seen.push((token, found));
                }
            }
            // `NotAction` may name any action, through its key: a blanket.
            (None, Some(_)) => {
                named = [u64::MAX; WORDS];
                escalation = [u64::MAX; WORDS];
            }
            (None, None) => {}
        }
    }
    if named == [0; WORDS] {
        return false;
    }
    let masks = actions.masks.chunks_exact(actions.words.max(1));
    all()
        .iter()
        .zip(&actions.of_method)
        .zip(masks)
        .any(|((method, positions), mask)| {
            let reported = match method.family {
                Family::Escalation => &escalation,
                _ => &others,
            };
            let first_reported = positions.first().is_some_and(|&at| {
                reported
                    .get(at / 64)
                    .is_some_and(|w| w & (1 << (at % 64)) != 0)
            });
            first_reported && mask.iter().zip(&named).all(|(m, n)| m & !n == 0)
        })
}

/// The positions in the methods' list of the actions an `Action` token names: a name
/// without wildcards by one probe of the list, a wildcard through the run's memo.
fn positions(cx: &Context, actions: &MethodActions, token: &str) -> Positions {
    positions_of(cx, actions, token, crate::policy::has_wildcard(token))
}

/// [`positions`] of a token known to hold a wildcard or not.
fn positions_of(cx: &Context, actions: &MethodActions, token: &str, wildcard: bool) -> Positions {
    if wildcard {
        Positions::Many(
            cx.lookups
                .method_positions(token, || actions.list.matching(token)),
        )
    } else {
        match actions.list.position(token) {
            Some(at) => Positions::One([at]),
            None => Positions::None,
        }
    }
}

/// What [`positions`] finds: most tokens name one action or none, kept without a count
/// of references.
enum Positions {
    None,
    One([usize; 1]),
    Many(std::sync::Arc<[usize]>),
}

impl AsRef<[usize]> for Positions {
    fn as_ref(&self) -> &[usize] {
        match self {
            Positions::None => &[],
            Positions::One(one) => one,
            Positions::Many(many) => many,
        }
    }
}

fn diagnostic(code: Code, family: Family, list: &[Completed]) -> Diagnostic {
    let first = &list[0];
    let primary = &first.steps[0];
    let grant = primary.reach.grant;
    let what = match family {
        Family::Escalation => "lets the holder escalate its privileges",
        Family::Takeover => "lets the holder take over existing compute and act with its role",
        Family::Credentials => "lets the holder obtain another principal's credentials",
        Family::Exfiltration => "lets the holder read data in bulk",
        Family::Destruction => "lets the holder destroy or disable keys",
    };
    let token = primary.reach.token.value;
    // Joined, not `format!`ted: the E rules fire by the hundred.
    let reaching: [&str; 3] = if token.eq_ignore_ascii_case(&primary.action) {
        ["", "", ""]
    } else {
        [" (reaching `", &primary.action, "`)"]
    };
    let mut message = [
        "`",
        token,
        "`",
        reaching[0],
        reaching[1],
        reaching[2],
        " ",
        &where_(&primary.reach.scope),
        " ",
        what,
        ": ",
        &first.method.name,
        " (",
        &first.method.reference(),
        ")",
    ]
    .concat();
    if list.len() > 1 {
        let others = list[1..].iter().map(|c| c.method.id.clone());
        message.push_str("; also ");
        message.push_str(&super::lookup::list_first(others, list.len() - 1, SHOWN));
    }
    // The method's fix is the run's own text: borrowed, not copied.
    let mut d = Diagnostic::new(code, primary.reach.token.span, "")
        .help(first.method.fix.as_str())
        .at([grant.statement.pointer.as_str(), "/", action_key(grant)].concat());
    let mut conditional = Vec::new();
    let mut labelled: Vec<Span> = vec![primary.reach.token.span];
    for completed in list {
        for step in &completed.steps {
            let reach = &step.reach;
            // An `iam:PassRole` on every role is A007's finding too: this one says it, with
            // the method it completes.
            let a007 = step.action == "iam:PassRole"
                && super::a007_passrole_wildcard::flags(reach.grant.statement, &reach.token);
            if a007 && !d.folds.contains(&(Code::A007, reach.token.span)) {
                d = d.folds(Code::A007, reach.token.span);
            }
            if !labelled.contains(&reach.token.span) {
                labelled.push(reach.token.span);
                d = d.label(
                    reach.token.span,
                    [
                        "`",
                        &step.action,
                        "` ",
                        &where_(&reach.scope),
                        if a007 { " (A007)" } else { "" },
                    ]
                    .concat(),
                );
            }
            for t in reach.scope.tokens() {
                if !labelled.contains(&t.span) && reach.scope.is_open() {
                    labelled.push(t.span);
                    d = d.label(t.span, "leaves the resource open");
                }
            }
            for c in reach.grant.circumstances() {
                if !labelled.contains(&c.key.span) {
                    labelled.push(c.key.span);
                    d = d.label(c.key.span, "limits when, not what: the holder can meet it");
                }
            }
            for deny in &reach.denied_when {
                // A Deny that never applies to this method's service is not worth a word.
                if passed_to_decides(completed.method, &step.action, deny) == Some(false) {
                    continue;
                }
                for c in &deny.conditions {
                    if !labelled.contains(&c.key.span) {
                        labelled.push(c.key.span);
                        // The message speaks of the first method; labels show the rest.
                        if std::ptr::eq(completed, first) {
                            conditional.push(c.describe());
                        }
                        d = d.label(c.key.span, format!("denied only when {}", c.describe()));
                    }
                }
            }
        }
    }
    if !conditional.is_empty() {
        message.push_str(&format!(
            " (a Deny applies only when {})",
            conditional.join(" and ")
        ));
    }
    d.message = message;
    d
}

/// "on every role", in words a reader can check against the resource (borrowed when fixed).
fn where_(scope: &Scope) -> Cow<'static, str> {
    match scope {
        Scope::Every(t) if t.value == "*" => "on every resource".into(),
        Scope::Every(t) if t.value == "NotResource" => {
            "on every resource but those excluded".into()
        }
        Scope::Every(t) => ["on every resource (`", t.value, "`)"].concat().into(),
        Scope::Unscoped(_) => "(no resource-level permissions)".into(),
        Scope::OwnOnly(_) => "on the caller's own resources".into(),
        Scope::Named(ts) => {
            let mut text = String::from("on ");
            for (i, t) in ts.iter().enumerate() {
                text.push_str(if i == 0 { "`" } else { ", `" });
                text.push_str(t.value);
                text.push('`');
            }
            text.into()
        }
    }
}

/// How many other methods a message names.
const SHOWN: usize = 5;

/// A `NotAction` or a whole-service wildcard (`lambda:*`).
fn is_blanket(reach: &Reach) -> bool {
    is_blanket_token(reach.grant, reach.token.value)
}

fn is_blanket_token(grant: &Grant, token: &str) -> bool {
    grant.statement.action.is_none() || is_blanket_name(token)
}

/// A whole-service wildcard (`lambda:*`).
fn is_blanket_name(token: &str) -> bool {
    token
        .strip_suffix(":*")
        .is_some_and(|service| !crate::policy::has_wildcard(service))
}

/// Whether every `Allow` that names an action (`naming`, [`Access::naming`]) names it
/// through a token whose completed method `find` does not report for `family`: `*`, and
/// outside escalation a blanket.
fn only_unreported(family: Family, naming: &[(&Grant, Str)]) -> bool {
    naming.iter().all(|(g, token)| {
        token.value == "*" || (family != Family::Escalation && is_blanket_token(g, token.value))
    })
}

fn action_key(grant: &Grant) -> &'static str {
    if grant.statement.action.is_some() {
        "Action"
    } else {
        "NotAction"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn method_actions_fit_the_stack_bits() {
        // `find` keeps a document's bits in `WORDS` words.
        let actions = method_actions();
        assert!(actions.list.len() > 64);
        assert!(actions.words <= WORDS, "{} words", actions.words);
    }
}
