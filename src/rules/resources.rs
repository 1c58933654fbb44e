//! A statement's `Resource` ARNs against the ARN templates its actions accept. C005 and C006
//! ask the same questions of the same statement: its resources as globs, its actions'
//! templates, which of them meet. Each answer is worked out once per statement, when a rule
//! first asks, and kept with the document's [`Context`].

use super::actions::ActionEntry;
use super::lookup::{resource_globs, Resolved};
use super::Context;
use crate::catalog::ArnTemplate;
use crate::pattern::{ArnLiteral, Glob};
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
            let each = values
                .iter()
                .map(|v| Value {
                    split: arn::split(v.value),
                    literal: OnceCell::new(),
                    fits: Cell::new(None),
                })
                .collect();
            Some(Resources {
                index,
                values,
                each,
                actions: OnceCell::new(),
                globs: OnceCell::new(),
                pairs: OnceCell::new(),
                all_asked: Cell::new(false),
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
    /// Per value, its split and what was found of it: one list, allocated once.
    each: Vec<Value<'a>>,
    actions: OnceCell<Actions<'a>>,
    /// Built only for what the plain test cannot settle (a value that fits nothing among them).
    globs: OnceCell<Globs>,
    /// Per glob and template (glob-major): does the one meet the other? Each pair is
    /// searched once: C005 asks by glob, C006 by template, often about the same pairs.
    pairs: OnceCell<Box<[Cell<Option<bool>>]>>,
    /// Whether every value was asked whether it fits (C006 asks for each action).
    all_asked: Cell<bool>,
}

/// One value of `Resource`.
struct Value<'a> {
    /// Its fields, or why it is not an ARN (values that are not, such as `*`, fit any
    /// action). Split once here: C005, C007, C010 and P015 all read them.
    split: Result<Arn<'a>, &'static str>,
    /// The value as a plain ARN, if it is one: most values fit a template plainly, which is
    /// shown without building their globs. On demand, from the split.
    literal: OnceCell<Option<ArnLiteral<'a>>>,
    /// Whether it fits some template of the statement's actions. On demand.
    fits: Cell<Option<bool>>,
}

/// The strings of a statement's `Action` and the templates each accepts.
struct Actions<'a> {
    values: &'a [Str<'a>],
    /// Per action, its templates (in [`super::lookup::Matches::templates_into`] order) as a range
    /// of `accepted`, or of `templates` itself when there is no `accepted`; `None` when it
    /// names no catalog action whose templates are known.
    ranges: Vec<Option<Range<usize>>>,
    /// Positions in `templates`, for a long list (below).
    accepted: Option<Vec<usize>>,
    /// The templates of all actions. A short list keeps them action by action, repeats and
    /// all: finding the repeats costs more than testing a value against a template twice,
    /// and rules that show templates sort and dedupe what they show. A long one (wildcards
    /// over many services, a repeated action) keeps each once, so each is matched once.
    templates: Vec<Template<'a>>,
    /// Whether every action has a range (and there is at least one).
    pinned: bool,
}

/// A template of a statement's actions, with what was found of it on demand.
struct Template<'a> {
    template: &'a ArnTemplate,
    /// Does some resource glob meet it?
    met: Cell<Option<bool>>,
    /// Whether no value plainly fits it (the globs may still meet it).
    not_plainly: Cell<bool>,
}

impl<'a> Template<'a> {
    fn new(template: &'a ArnTemplate) -> Self {
        Template {
            template,
            met: Cell::new(None),
            not_plainly: Cell::new(false),
        }
    }
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
        self.each.get(i).map(|value| &value.split)
    }

    /// The strings of the statement's `Action`.
    pub fn actions(&self, cx: &Context<'a>) -> &'a [Str<'a>] {
        self.resolved(cx).values
    }

    /// The templates the statement's actions accept, in no particular order and possibly
    /// with repeats;
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
            .then(|| actions.templates.iter().map(|t| t.template))
    }

    /// The templates the action at `i` of [`Resources::actions`] accepts, as the catalog
    /// lists them for it; `None` when it names no catalog action whose templates are known.
    pub fn action_templates(
        &self,
        cx: &Context<'a>,
        i: usize,
    ) -> Option<impl ExactSizeIterator<Item = &'a ArnTemplate> + Clone + '_> {
        let actions = self.resolved(cx);
        Some(actions.accepted(i)?.map(|t| actions.templates[t].template))
    }

    /// Whether some resource meets some template of the action at `i`.
    pub fn action_fits(&self, cx: &Context<'a>, i: usize) -> bool {
        let actions = self.resolved(cx);
        let Some(accepted) = actions.accepted(i) else {
            return false;
        };
        // The templates the values were found to fit, each noted as met on the way, settle
        // most actions (C005 asks first). Then a template that some value plainly fits
        // settles it; only an action that none plainly fits has the globs built and searched.
        // Once every value's answer is kept, asking again notes nothing new.
        if !self.all_asked.get() {
            for v in 0..self.values.len() {
                self.value_fits(cx, v);
            }
            self.all_asked.set(true);
        }
        let met = |t: usize| actions.templates[t].met.get() == Some(true);
        accepted.clone().any(met)
            || accepted.clone().any(|t| self.template_plainly_fits(cx, t))
            || accepted
                .into_iter()
                .any(|t| self.matching(cx).template_fits(t))
    }

    /// Whether template `t` of the statement's actions is known to meet some resource glob,
    /// or meets some value as it is written (see [`ArnLiteral`]).
    fn template_plainly_fits(&self, cx: &Context<'a>, t: usize) -> bool {
        let actions = self.resolved(cx);
        let entry = &actions.templates[t];
        if let Some(known) = entry.met.get() {
            return known;
        }
        if entry.not_plainly.get() {
            return false;
        }
        let plainly = (0..self.values.len())
            .filter_map(|i| self.literal(i))
            .any(|value| entry.template.glob.surely_meets(&value));
        if plainly {
            actions.note(t, true);
        } else {
            entry.not_plainly.set(true);
        }
        plainly
    }

    /// Whether the value at `i` fits some template of the statement's actions: it is not an
    /// ARN, or one of its globs meets one.
    pub fn value_fits(&self, cx: &Context<'a>, i: usize) -> bool {
        if !self.is_arn(i) {
            return true;
        }
        let Some(known) = self.each.get(i).map(|value| &value.fits) else {
            return false;
        };
        if let Some(known) = known.get() {
            return known;
        }
        let actions = self.resolved(cx);
        // A template that takes the value as it is written settles it; only a value that
        // none plainly takes has its globs built and searched.
        let plainly = self.literal(i).and_then(|value| {
            (0..actions.templates.len())
                .find(|&t| actions.templates[t].template.glob.surely_meets(&value))
        });
        let answer = if let Some(t) = plainly {
            actions.note(t, true);
            true
        } else {
            let matching = self.matching(cx);
            matching
                .globs
                .of_value
                .get(i)
                .is_some_and(|range| range.clone().any(|g| matching.glob_fits(g)))
        };
        known.set(Some(answer));
        answer
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

    /// The value at `i` as a plain ARN, if it is one, read from its split: the colons are
    /// found already.
    fn literal(&self, i: usize) -> Option<ArnLiteral<'a>> {
        let value = self.each.get(i)?;
        *value.literal.get_or_init(|| {
            let parts = value.split.as_ref().ok()?;
            let colons = [
                parts.partition,
                parts.service,
                parts.region,
                parts.account,
                parts.resource,
            ]
            .map(|field| field.range.0.saturating_sub(1));
            ArnLiteral::with_colons(self.values.get(i)?.value, colons)
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
                .zip(&self.each)
                .map(|(value, each)| {
                    let start = all.len();
                    if each.split.is_ok() {
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
            .intersects_reusing(&self.actions.templates[t].template.glob, reuse);
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
        // Templates of another service or resource type, and those known to meet no glob,
        // are passed over at a glance.
        let start = self.globs.all[g].0.start();
        let templates = &self.actions.templates;
        let found = (0..templates.len()).find(|&t| {
            templates[t].met.get() != Some(false)
                && !start.apart(templates[t].template.glob.start())
                && self.meets(g, t)
        });
        if let Some(t) = found {
            self.actions.note(t, true);
        }
        known.set(Some(found.is_some()));
        found.is_some()
    }

    /// Does template `t` meet one of the globs? A glob found on the way is noted as met.
    fn template_fits(&self, t: usize) -> bool {
        let known = &self.actions.templates[t].met;
        if let Some(known) = known.get() {
            return known;
        }
        let start = self.actions.templates[t].template.glob.start();
        let found = (0..self.globs.all.len())
            .find(|&g| !start.apart(self.globs.all[g].0.start()) && self.meets(g, t));
        if let Some(g) = found {
            self.globs.all[g].1.set(Some(true));
        }
        self.actions.note(t, found.is_some());
        found.is_some()
    }
}

impl<'a> Actions<'a> {
    /// The templates of the action at `i`, as positions in `templates`.
    fn accepted(&self, i: usize) -> Option<impl ExactSizeIterator<Item = usize> + Clone + '_> {
        let range = self.ranges.get(i)?.clone()?;
        Some(match &self.accepted {
            Some(accepted) => Either::Left(accepted.get(range)?.iter().copied()),
            None => Either::Right(range),
        })
    }

    /// Notes whether template `t` meets some resource, for each copy of it in a short list
    /// (which keeps repeats): a copy is never searched again.
    fn note(&self, t: usize, answer: bool) {
        let template = self.templates[t].template;
        if self.accepted.is_none() {
            for other in &self.templates {
                if std::ptr::eq(other.template, template) {
                    other.met.set(Some(answer));
                }
            }
        } else {
            self.templates[t].met.set(Some(answer));
        }
    }

    /// `entries`: what each of `values` names, position for position.
    fn resolve(values: &'a [Str<'a>], entries: &[ActionEntry<'a>]) -> Actions<'a> {
        // Most actions take one to three templates: room for two each saves most regrowth.
        let mut listed: Vec<Template<'a>> = Vec::with_capacity(2 * entries.len());
        let ranges = entries
            .iter()
            .map(|entry| {
                let start = listed.len();
                let known = match &entry.resolved {
                    Resolved::Actions(found) if !found.is_empty() => {
                        found.templates_with(&mut listed, Template::new)
                    }
                    _ => false,
                };
                known.then_some(start..listed.len())
            })
            .collect::<Vec<_>>();
        let pinned = !values.is_empty() && ranges.iter().all(Option::is_some);
        let (templates, accepted) = if listed.len() <= KEPT_AS_LISTED {
            // The ranges are positions in the list itself.
            (listed, None)
        } else {
            // Each template once, by address.
            let mut templates = Vec::new();
            // Sized for every copy at once: growing it step by step rehashes.
            let mut index: FxHashMap<*const ArnTemplate, usize> =
                FxHashMap::with_capacity_and_hasher(listed.len(), Default::default());
            let accepted = listed
                .iter()
                .map(|t| {
                    *index
                        .entry(std::ptr::from_ref(t.template))
                        .or_insert_with(|| {
                            templates.push(Template::new(t.template));
                            templates.len() - 1
                        })
                })
                .collect();
            (templates, Some(accepted))
        };
        Actions {
            values,
            ranges,
            accepted,
            templates,
            pinned,
        }
    }
}

/// One of two iterators of the same items.
#[derive(Clone)]
enum Either<L, R> {
    Left(L),
    Right(R),
}

impl<L: Iterator<Item = usize>, R: Iterator<Item = usize>> Iterator for Either<L, R> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        match self {
            Either::Left(l) => l.next(),
            Either::Right(r) => r.next(),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match self {
            Either::Left(l) => l.size_hint(),
            Either::Right(r) => r.size_hint(),
        }
    }
}

impl<L: ExactSizeIterator<Item = usize>, R: ExactSizeIterator<Item = usize>> ExactSizeIterator
    for Either<L, R>
{
}

/// Up to this many templates in all, a statement's are kept as its actions list them; past
/// it, each once (a statement with wildcards over many services may list thousands).
const KEPT_AS_LISTED: usize = 32;

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

    /// The plain test of a value against a template says yes only where the globs meet, and
    /// says it for nearly every pair that does (on a spread of value shapes).
    #[test]
    fn plain_values_meet_templates_as_their_globs_do() {
        use crate::pattern::{ArnLiteral, Glob};
        use crate::rules::lookup::resource_glob;
        let values = [
            "arn:aws:s3:::example-bucket",
            "arn:aws:s3:::example-bucket/*",
            "arn:aws:s3:::example-bucket/path/to/key.txt",
            "arn:aws:s3:::EXAMPLE-Bucket/Key",
            "arn:aws:s3:::*",
            "arn:aws:s3:us-east-1:123456789012:accesspoint/ap",
            "arn:aws:s3:us-east-1:123456789012:accesspoint/ap/object/k*",
            "arn:aws:s3:::ACCOUNT-ID-bucket/*",
            "arn:aws:iam::123456789012:role/service/Admin",
            "arn:aws:iam::123456789012:role/*",
            "arn:aws:iam::ACCOUNT-ID:user/alice",
            "arn:aws:IAM::123456789012:policy/p",
            "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            "arn:aws:kms:us-east-1:123456789012:alias/my-key",
            "arn:aws:kms:us-east-1:123456789012:*",
            "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/fn:*",
            "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/fn:log-stream:s",
            "arn:aws:dynamodb:us-east-1:123456789012:table/Orders/index/*",
            "arn:aws:dynamodb:us-east-1:123456789012:table/Orders/stream/2024",
            "arn:aws:sqs:us-east-1:123456789012:queue-name",
            "arn:aws:sns:us-east-1:123456789012:topic:sub-id",
            "arn:aws:lambda:us-east-1:123456789012:function:fn:prod",
            "arn:aws:lambda:us-east-1:123456789012:function:fn",
            "arn:aws:ec2:us-east-1:123456789012:instance/i-0123",
            "arn:aws:ec2:us-east-1::image/ami-0123",
            "arn:aws:ec2:::instance/x",
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:name-AbCdEf",
            "arn:aws:ssm:us-east-1:123456789012:parameter/app/*",
            "arn:aws:execute-api:us-east-1:123456789012:api/stage/GET/path",
            "arn:aws:codestar-connections:us-east-1:123456789012:connection/c",
            "arn:aws-cn:s3:::bucket/a:b/c",
            "arn:aws:s3:::bucket/a/b:c:d:e",
            "arn:aws:states:us-east-1:123456789012:stateMachine:sm",
            "arn:aws:states:us-east-1:123456789012:execution:sm:run",
            "arn:aws:rds:us-east-1:123456789012:db:mydb",
            "arn:aws:ecr:us-east-1:123456789012:repository/team/app",
            "arn:aws:glue:us-east-1:123456789012:table/db/t",
            "arn:aws:sts::123456789012:assumed-role/r/s",
            "arn:aws:kms:region:account:key/id",
            "arn:aws:s3:::",
            "arn:aws:s3::::",
            // Leading fields that are `*` whole.
            "arn:aws:ec2:*:*:instance/*",
            "arn:aws:ec2:*::image/*",
            "arn:aws:kms:*:*:key/*",
            "arn:aws:logs:*:*:log-group:/aws/lambda/*",
            "arn:aws:s3:*:*:accesspoint/ap",
            "arn:aws:iam::*:role/service-role/x",
            "arn:*:iam::*:policy/p",
            "arn:aws:*:*:*:*",
            "arn:aws:*:us-east-1:123456789012:table/t",
            "arn:aws:ssm:*:*:parameter/app/*",
            "arn:aws:states:*:*:execution:*",
            "arn:aws:sns:*:*:*",
        ];
        let catalog = Catalog::embedded();
        let (mut met, mut plainly) = (0, 0);
        for value in values {
            let literal = ArnLiteral::new(value).expect(value);
            let glob = Glob::new(&resource_glob(value));
            // C007 reads a value's own glob: the plain test holds for it too.
            let own = Glob::new(value);
            for (id, _) in catalog.service_ids() {
                let Some(arns) = catalog.arns(id) else {
                    continue;
                };
                for t in &arns.templates {
                    let meets = glob.intersects(&t.glob);
                    let quick = t.glob.surely_meets(&literal);
                    assert!(meets || !quick, "{value} against {}", t.template);
                    assert!(own.intersects(&t.glob) || !quick, "{value}: {}", t.template);
                    met += usize::from(meets);
                    plainly += usize::from(quick);
                }
            }
        }
        assert!(met > 100, "{met} pairs meet");
        assert!(plainly * 100 >= met * 99, "{plainly} of {met}");
    }

    /// A plain ARN read from its split's colons is the one read from its text alone.
    #[test]
    fn plain_arns_read_from_the_split_as_from_the_text() {
        use crate::pattern::ArnLiteral;
        let mut plain = 0;
        for value in [
            "arn:aws:s3:::example-bucket",
            "arn:aws:s3:::example-bucket/*",
            "arn:aws:s3:::*",
            "arn:aws:s3:::",
            "arn:aws:s3::::",
            "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/fn:*",
            "arn:aws:iam::123456789012:role/service/Admin",
            "arn:aws/x:s3/y:us-east-1:123:a/b:c",
            "arn:AWS:IAM::123456789012:policy/p",
            "arn:aws:s3:::b?",
            "arn:aws:s3:::*/key",
            "arn:aws:s3:*:*:x",
            "arn:aws:s3:us-*:*:x",
            "arn:${AWS::Partition}:s3:::b",
            "arn:aws:s3:::<bucket>",
            "arn:aws:s3:::bücket",
            "arn:aws:s3:::b\u{1}",
            "arn:aws:s3:::b**",
        ] {
            let split = arn::split(value).expect(value);
            let colons = [
                split.partition,
                split.service,
                split.region,
                split.account,
                split.resource,
            ]
            .map(|field| field.range.0 - 1);
            let read = ArnLiteral::with_colons(value, colons);
            let expected = ArnLiteral::new(value);
            assert_eq!(format!("{read:?}"), format!("{expected:?}"), "{value}");
            plain += usize::from(read.is_some());
            // Colons that are not where they are said to be read as nothing.
            let mut wrong = colons;
            wrong[2] += 1;
            assert!(ArnLiteral::with_colons(value, wrong).is_none(), "{value}");
        }
        assert_eq!(plain, 10);
    }

    #[test]
    fn values_that_are_not_plain_arns_are_left_to_the_globs() {
        use crate::pattern::ArnLiteral;
        for value in [
            "*",
            "arn:aws:s3:::*/key",
            "arn:aws:s3:us-*:*:x",
            "arn:aws:s3:*?:*:x",
            "arn:aws:s3:::b?",
            "arn:${AWS::Partition}:s3:::b",
            "arn:aws:s3:::<bucket>",
            "arn:aws:s3::b",
            "arn:aws:s3:::bücket",
            "arn:aws:s3:::b**",
        ] {
            assert!(ArnLiteral::new(value).is_none(), "{value}");
        }
    }
}
