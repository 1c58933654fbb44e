//! A statement's `Resource` ARNs against the ARN templates its actions accept. C005 and C006
//! ask the same questions of the same statement: its resources as globs, its actions'
//! templates, which of them meet. Each answer is worked out once per statement, when a rule
//! first asks, and kept with the document's [`Context`].

use super::actions::ActionEntry;
use super::lookup::{resource_globs, Resolved};
use super::Context;
use crate::catalog::ArnTemplate;
use crate::pattern::Glob;
use crate::policy::arn::{self, Arn};
use crate::policy::{Statement, Str};
use rustc_hash::FxHashMap;
use std::cell::{Cell, OnceCell};
use std::ops::Range;

/// One slot per statement of a document, each filled when a rule first asks for it.
#[derive(Default)]
pub struct Cache<'a> {
    statements: OnceCell<Box<[OnceCell<Option<Resources<'a>>>]>>,
}

/// What statement `s` of the document names in `Resource`; `None` without one. Found by
/// its place among the document's statements, which is not `s.index` (the place in the
/// `Statement` array) when the array holds something that is no statement.
pub fn of<'b, 'a>(cx: &'b Context<'a>, s: &Statement<'a>) -> Option<&'b Resources<'a>> {
    let policy = cx.policy;
    let index = super::keys::statement_position(policy, s)?;
    let slots = cx.resources.statements.get_or_init(|| {
        (0..policy.statements.len())
            .map(|_| OnceCell::new())
            .collect()
    });
    slots
        .get(index)?
        .get_or_init(|| {
            let statement = policy.statements.get(index)?;
            statement.resource?;
            // `Resource`'s strings as the statement already holds them.
            let values = statement.resources();
            let arns = values.iter().map(|v| arn::split(v.value)).collect();
            Some(Resources {
                index,
                values,
                arns,
                actions: OnceCell::new(),
                globs: OnceCell::new(),
                pairs: OnceCell::new(),
            })
        })
        .as_ref()
}

/// A statement's resources, with its actions' templates and what fits what, filled lazily:
/// most statements are settled by their values alone (`"Resource": "*"`).
pub struct Resources<'a> {
    /// The statement's position in the document.
    index: usize,
    values: &'a [Str<'a>],
    /// Per value, its fields, or why it is not an ARN (values that are not, such as `*`, fit
    /// any action). Split once here: C005, C007, C010 and P015 all read them.
    arns: Vec<Result<Arn<'a>, &'static str>>,
    actions: OnceCell<Actions<'a>>,
    globs: OnceCell<Globs>,
    /// Per glob and template (glob-major): does the one meet the other? Each pair is
    /// searched once: C005 asks by glob, C006 by template, often about the same pairs.
    pairs: OnceCell<Box<[Cell<Option<bool>>]>>,
}

/// The strings of a statement's `Action` and the templates each accepts.
struct Actions<'a> {
    values: &'a [Str<'a>],
    /// Per action, its templates (in [`super::lookup::Matches::templates_into`] order) as a range
    /// of `accepted`; `None` when it names no catalog action whose templates are known.
    ranges: Vec<Option<Range<usize>>>,
    /// Positions in `templates`.
    accepted: Vec<usize>,
    /// The templates of all actions, each once (by address), in the order the actions
    /// first name them: each is matched against the resources once however many actions
    /// accept it. With each: does some resource glob meet it? Worked out on demand.
    templates: Vec<(&'a ArnTemplate, Cell<Option<bool>>)>,
    /// Whether every action has a range (and there is at least one).
    pinned: bool,
}

/// The resource values as globs ([`resource_globs`]: one or two per ARN).
struct Globs {
    /// With each: does it meet some template of the statement's actions? On demand.
    all: Vec<(Glob, Cell<Option<bool>>)>,
    /// Per value, its globs as a range of `all` (empty for a value that is not an ARN).
    of_value: Vec<Range<usize>>,
}

impl<'a> Resources<'a> {
    /// The strings of `Resource`.
    pub fn values(&self) -> &'a [Str<'a>] {
        self.values
    }

    /// Whether the value at `i` is an ARN (`arn::split` accepts it).
    pub fn is_arn(&self, i: usize) -> bool {
        self.arn(i).is_some()
    }

    /// The fields of the value at `i`, if it is an ARN.
    pub fn arn(&self, i: usize) -> Option<&Arn<'a>> {
        self.split(i)?.as_ref().ok()
    }

    /// `arn::split` of the value at `i`.
    pub fn split(&self, i: usize) -> Option<&Result<Arn<'a>, &'static str>> {
        self.arns.get(i)
    }

    /// The strings of the statement's `Action`.
    pub fn actions(&self, cx: &Context<'a>) -> &'a [Str<'a>] {
        self.resolved(cx).values
    }

    /// The distinct templates the statement's actions accept, in no particular order;
    /// `None` when one of the actions cannot be pinned down (`*`, an unknown name,
    /// a wildcard that matches nothing, a resource type the catalog does not describe):
    /// rules that need the whole set then stay quiet rather than guess.
    pub fn statement_templates(
        &self,
        cx: &Context<'a>,
    ) -> Option<impl ExactSizeIterator<Item = &'a ArnTemplate> + '_> {
        let actions = self.resolved(cx);
        actions
            .pinned
            .then(|| actions.templates.iter().map(|(t, _)| *t))
    }

    /// The templates the action at `i` of [`Resources::actions`] accepts, as the catalog
    /// lists them for it; `None` when it names no catalog action whose templates are known.
    pub fn action_templates(
        &self,
        cx: &Context<'a>,
        i: usize,
    ) -> Option<impl ExactSizeIterator<Item = &'a ArnTemplate> + Clone + '_> {
        let actions = self.resolved(cx);
        let range = actions.ranges.get(i)?.clone()?;
        let accepted = actions.accepted.get(range)?;
        Some(accepted.iter().map(|&t| actions.templates[t].0))
    }

    /// Whether some resource meets some template of the action at `i`.
    pub fn action_fits(&self, cx: &Context<'a>, i: usize) -> bool {
        let matching = self.matching(cx);
        let actions = matching.actions;
        let Some(accepted) = actions.ranges.get(i).cloned().flatten() else {
            return false;
        };
        actions
            .accepted
            .get(accepted)
            .is_some_and(|accepted| accepted.iter().any(|&t| matching.template_fits(t)))
    }

    /// Whether the value at `i` fits some template of the statement's actions: it is not an
    /// ARN, or one of its globs meets one.
    pub fn value_fits(&self, cx: &Context<'a>, i: usize) -> bool {
        if !self.is_arn(i) {
            return true;
        }
        let matching = self.matching(cx);
        matching
            .globs
            .of_value
            .get(i)
            .is_some_and(|range| range.clone().any(|g| matching.glob_fits(g)))
    }

    /// Whether every value fits some template of the statement's actions, as C005 judges
    /// it: one glob of a value fitting is enough (a renamed service's ARN is also read under
    /// its other name, and only one of the two names can fit).
    pub fn all_values_fit(&self, cx: &Context<'a>) -> bool {
        (0..self.values.len()).all(|i| self.value_fits(cx, i))
    }

    fn resolved(&self, cx: &Context<'a>) -> &Actions<'a> {
        self.actions.get_or_init(|| {
            let Some(s) = cx.policy.statements.get(self.index) else {
                return Actions::resolve(&[], &[]);
            };
            // What each action names, as the document's action table already knows it.
            Actions::resolve(s.actions(), cx.actions(s).listed())
        })
    }

    fn matching<'r>(&'r self, cx: &'r Context<'a>) -> Matching<'r, 'a> {
        let actions = self.resolved(cx);
        let globs = self.globs();
        let pairs = self.pairs.get_or_init(|| {
            let count = globs.all.len() * actions.templates.len();
            // A hostile statement (thousands of ARNs, a wildcard reaching every service)
            // would make the table huge: its pairs are searched each time they are asked.
            let count = if count > MAX_PAIRS { 0 } else { count };
            (0..count).map(|_| Cell::new(None)).collect()
        });
        Matching {
            cx,
            actions,
            globs,
            pairs,
        }
    }

    fn globs(&self) -> &Globs {
        self.globs.get_or_init(|| {
            let mut all = Vec::with_capacity(self.values.len());
            let of_value = self
                .values
                .iter()
                .zip(&self.arns)
                .map(|(value, split)| {
                    let start = all.len();
                    if split.is_ok() {
                        all.extend(resource_globs(value.value).map(|g| (g, Cell::new(None))));
                    }
                    start..all.len()
                })
                .collect();
            Globs { all, of_value }
        })
    }
}

/// The most pairs of globs and templates a statement keeps answers for (a byte each).
const MAX_PAIRS: usize = 1 << 16;

/// What the matching of a statement's resources against its templates reads and notes.
struct Matching<'r, 'a> {
    cx: &'r Context<'a>,
    actions: &'r Actions<'a>,
    globs: &'r Globs,
    pairs: &'r [Cell<Option<bool>>],
}

impl Matching<'_, '_> {
    /// Does glob `g` meet template `t`?
    fn meets(&self, g: usize, t: usize) -> bool {
        let known = self.pairs.get(g * self.actions.templates.len() + t);
        if let Some(known) = known.and_then(Cell::get) {
            return known;
        }
        let reuse = self.cx.lookups.intersections();
        let answer = self.globs.all[g]
            .0
            .intersects_reusing(&self.actions.templates[t].0.glob, reuse);
        if let Some(known) = known {
            known.set(Some(answer));
        }
        answer
    }

    /// Does glob `g` meet one of the templates? A template found on the way is noted as met.
    fn glob_fits(&self, g: usize) -> bool {
        let known = &self.globs.all[g].1;
        if let Some(known) = known.get() {
            return known;
        }
        // Templates of another service or resource type are passed over at a glance.
        let start = self.globs.all[g].0.start();
        let found = (0..self.actions.templates.len())
            .find(|&t| !start.apart(self.actions.templates[t].0.glob.start()) && self.meets(g, t));
        if let Some(t) = found {
            self.actions.templates[t].1.set(Some(true));
        }
        known.set(Some(found.is_some()));
        found.is_some()
    }

    /// Does template `t` meet one of the globs? A glob found on the way is noted as met.
    fn template_fits(&self, t: usize) -> bool {
        let known = &self.actions.templates[t].1;
        if let Some(known) = known.get() {
            return known;
        }
        let start = self.actions.templates[t].0.glob.start();
        let found = (0..self.globs.all.len())
            .find(|&g| !start.apart(self.globs.all[g].0.start()) && self.meets(g, t));
        if let Some(g) = found {
            self.globs.all[g].1.set(Some(true));
        }
        known.set(Some(found.is_some()));
        found.is_some()
    }
}

impl<'a> Actions<'a> {
    /// `entries`: what each of `values` names, position for position.
    fn resolve(values: &'a [Str<'a>], entries: &[ActionEntry<'a>]) -> Actions<'a> {
        let mut templates: Vec<(&'a ArnTemplate, Cell<Option<bool>>)> = Vec::new();
        let mut accepted = Vec::new();
        // One action's templates, as the lookup lists them (reused from action to action).
        let mut listed: Vec<&'a ArnTemplate> = Vec::new();
        // Where each template is in `templates`, by address, once there are too many to scan.
        let mut index: FxHashMap<*const ArnTemplate, usize> = FxHashMap::default();
        let ranges = entries
            .iter()
            .map(|entry| {
                listed.clear();
                let known = match &entry.resolved {
                    Resolved::Actions(found) if !found.is_empty() => {
                        found.templates_into(&mut listed)
                    }
                    _ => false,
                };
                if !known {
                    return None;
                }
                // Several actions often share templates: each is kept once (by address).
                let start = accepted.len();
                for &t in &listed {
                    let address = std::ptr::from_ref(t);
                    let found = if templates.len() <= SCANNED {
                        templates.iter().position(|(k, _)| std::ptr::eq(*k, t))
                    } else {
                        if index.is_empty() {
                            index.extend(
                                templates
                                    .iter()
                                    .enumerate()
                                    .map(|(i, (k, _))| (std::ptr::from_ref(*k), i)),
                            );
                        }
                        index.get(&address).copied()
                    };
                    let at = found.unwrap_or_else(|| {
                        templates.push((t, Cell::new(None)));
                        if !index.is_empty() {
                            index.insert(address, templates.len() - 1);
                        }
                        templates.len() - 1
                    });
                    accepted.push(at);
                }
                Some(start..accepted.len())
            })
            .collect::<Vec<_>>();
        let pinned = !values.is_empty() && ranges.iter().all(Option::is_some);
        Actions {
            values,
            ranges,
            accepted,
            templates,
            pinned,
        }
    }
}

/// Up to this many distinct templates, one is looked for among them by a scan; past it, by
/// an index (a statement with wildcards over many services may name thousands).
const SCANNED: usize = 32;

#[cfg(test)]
mod tests {
    use crate::catalog::Catalog;
    use crate::policy::arn;

    #[test]
    fn templates_are_split_at_load_as_arns_are() {
        let catalog = Catalog::embedded();
        let mut seen = 0;
        for (id, _) in catalog.service_ids() {
            let Some(arns) = catalog.arns(id) else {
                continue;
            };
            for t in &arns.templates {
                let split = arn::split(t.template).ok();
                let service = split.as_ref().map(|p| p.service.text);
                let resource = split.as_ref().map(|p| p.resource.text);
                assert_eq!(t.service(), service, "{}", t.template);
                assert_eq!(t.resource(), resource, "{}", t.template);
                seen += 1;
            }
        }
        assert!(seen > 1000, "{seen} templates");
    }
}
