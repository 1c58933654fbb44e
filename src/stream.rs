//! The run as a stream: files are checked on every core and handed on in the report's order
//! (by path), each one filtered, rendered and dropped, so memory holds a window of files
//! rather than the whole run.
//!
//! The order is known before any file is read: the inputs sorted by the path they are shown
//! with (stably, so inputs with one path keep their input order and share one place, their
//! findings merged). A file waits only when its findings depend on files not yet checked:
//! one granting use of a KMS key waits for the rest of its directory (X001, see
//! [`crate::rules::relate`]), and the files after it wait behind it; the config file's unused
//! suppressions (L001) wait for every file before them. Everything else is filtered and
//! rendered on the thread that checked it; the calling thread only writes, in order.

use crate::check::{FileReport, Options};
use crate::config::FailOn;
use crate::diagnostic::Severity;
use crate::filter::{suppress, Accepted, Filter};
use crate::place::RuleSet;
use crate::rules::relate::{self, KeyPolicy};
use crate::source::{discover, Input};
use crate::spool::Spool;
use crate::{InputError, Selection, Summary};
use std::collections::{BTreeSet, HashMap};
use std::io;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::path::Path;
use std::sync::mpsc;

/// A checked file and its place in the input order.
#[derive(Debug)]
pub struct Checked {
    pub input: usize,
    pub file: FileReport,
}

/// Where the files go, one group at a time: the files of one path (almost always one),
/// filtered, in input order. `render` runs on any thread, as soon as a group is complete;
/// `accept` takes what it made on the calling thread, in the report's order.
pub trait Sink {
    type Part: Send;
    /// What `render` needs, shared by every thread.
    type Renderer: Sync;
    fn renderer(&self) -> Self::Renderer;
    /// May take the files out of `group`; they are dropped after it returns.
    fn render(renderer: &Self::Renderer, group: &mut Vec<Checked>) -> io::Result<Self::Part>;
    /// Takes a part in the report's order; `spool` holds what [`Sink::spill`] moved there.
    fn accept(&mut self, part: Self::Part, spool: &mut Spool) -> io::Result<()>;
    /// The bytes a waiting part holds in memory.
    fn weight(_part: &Self::Part) -> usize {
        0
    }
    /// Moves a waiting part's bytes to `spool`.
    fn spill(part: Self::Part, _spool: &mut Spool) -> io::Result<Self::Part> {
        Ok(part)
    }
}

/// Two sinks fed the same groups: the report and the statistics, say.
impl<A: Sink, B: Sink> Sink for (A, B) {
    type Part = (A::Part, B::Part);
    type Renderer = (A::Renderer, B::Renderer);
    fn renderer(&self) -> Self::Renderer {
        (self.0.renderer(), self.1.renderer())
    }
    fn render(renderer: &Self::Renderer, group: &mut Vec<Checked>) -> io::Result<Self::Part> {
        Ok((
            A::render(&renderer.0, group)?,
            B::render(&renderer.1, group)?,
        ))
    }
    fn accept(&mut self, part: Self::Part, spool: &mut Spool) -> io::Result<()> {
        self.0.accept(part.0, spool)?;
        self.1.accept(part.1, spool)
    }
    fn weight(part: &Self::Part) -> usize {
        A::weight(&part.0) + B::weight(&part.1)
    }
    fn spill(part: Self::Part, spool: &mut Spool) -> io::Result<Self::Part> {
        Ok((A::spill(part.0, spool)?, B::spill(part.1, spool)?))
    }
}

/// A sink that may be absent.
impl<A: Sink> Sink for Option<A> {
    type Part = Option<A::Part>;
    type Renderer = Option<A::Renderer>;
    fn renderer(&self) -> Self::Renderer {
        self.as_ref().map(A::renderer)
    }
    fn render(renderer: &Self::Renderer, group: &mut Vec<Checked>) -> io::Result<Self::Part> {
        renderer.as_ref().map(|r| A::render(r, group)).transpose()
    }
    fn accept(&mut self, part: Self::Part, spool: &mut Spool) -> io::Result<()> {
        match (self, part) {
            (Some(sink), Some(part)) => sink.accept(part, spool),
            _ => Ok(()),
        }
    }
    fn weight(part: &Self::Part) -> usize {
        part.as_ref().map_or(0, A::weight)
    }
    fn spill(part: Self::Part, spool: &mut Spool) -> io::Result<Self::Part> {
        part.map(|p| A::spill(p, spool)).transpose()
    }
}

/// Keeps every file: the whole [`crate::Report`] for library users.
#[derive(Default)]
pub struct Collect {
    pub files: Vec<Checked>,
}

impl Sink for Collect {
    type Part = Vec<Checked>;
    type Renderer = ();
    fn renderer(&self) {}
    fn render(_: &(), group: &mut Vec<Checked>) -> io::Result<Vec<Checked>> {
        Ok(std::mem::take(group))
    }
    fn accept(&mut self, part: Vec<Checked>, _: &mut Spool) -> io::Result<()> {
        self.files.extend(part);
        Ok(())
    }
}

/// Counts of what went out, kept instead of the findings themselves.
#[derive(Clone, Debug, Default)]
pub struct Tally {
    pub files: usize,
    pub documents: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub suppressed: usize,
    pub baselined: usize,
    /// The most severe finding reported.
    pub worst: Option<Severity>,
}

impl Tally {
    pub fn file(&mut self, file: &FileReport, accepted: Accepted) {
        self.files += 1;
        self.documents += file.documents.len();
        self.suppressed += accepted.suppressed;
        self.baselined += accepted.baselined;
        for finding in &file.findings {
            match finding.severity {
                Severity::Error => self.errors += 1,
                Severity::Warning => self.warnings += 1,
                Severity::Info => self.infos += 1,
            }
            self.worst = self.worst.max(Some(finding.severity));
        }
    }

    fn add(&mut self, other: &Tally) {
        self.files += other.files;
        self.documents += other.documents;
        self.errors += other.errors;
        self.warnings += other.warnings;
        self.infos += other.infos;
        self.suppressed += other.suppressed;
        self.baselined += other.baselined;
        self.worst = self.worst.max(other.worst);
    }
}

/// What a streamed run leaves besides its output.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Paths that could not be read, in the order `crate::Report::errors` has them.
    pub errors: Vec<InputError>,
    pub tally: Tally,
    pub stale_baseline: usize,
    /// The files of the run, in input order.
    pub inputs: Vec<Input>,
}

impl Outcome {
    /// The path input `i` is shown with.
    pub fn path_of(&self, i: usize) -> Option<std::borrow::Cow<'_, str>> {
        self.inputs.get(i).map(Input::display)
    }

    pub fn summary(&self) -> Summary {
        let t = &self.tally;
        Summary {
            files: t.files,
            documents: t.documents,
            findings: t.errors + t.warnings + t.infos,
            errors: t.errors,
            warnings: t.warnings,
            infos: t.infos,
            suppressed: t.suppressed,
            baselined: t.baselined,
            stale_baseline: self.stale_baseline,
        }
    }

    /// 2 when an input could not be read, 1 when a finding reaches the threshold, else 0.
    pub fn exit_code(&self, fail_on: FailOn) -> i32 {
        if !self.errors.is_empty() {
            return 2;
        }
        match fail_on {
            FailOn::Never => 0,
            FailOn::Severity(threshold) => i32::from(self.tally.worst >= Some(threshold)),
        }
    }
}

#[derive(Debug)]
pub enum RunError {
    /// The selection itself is wrong (an invalid glob).
    Selection(String),
    /// The sink could not write; with the inputs found unreadable before it stopped.
    Output(io::Error, Vec<InputError>),
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunError::Selection(message) => f.write_str(message),
            RunError::Output(err, _) => write!(f, "{err}"),
        }
    }
}

/// Discovers, reads, checks and filters every file, handing each to `sink` in the report's
/// order; `filter` is `None` to keep every finding.
pub fn run<S: Sink>(
    selection: &Selection,
    opts: &Options,
    filter: Option<&mut Filter>,
    sink: &mut S,
) -> Result<Outcome, RunError> {
    let filters = discover::Filters::new(selection.include, selection.exclude)
        .map_err(RunError::Selection)?;
    let found = discover::discover(selection.paths, &filters);
    let walked = selection.paths.iter().any(|p| p.is_dir());
    let inputs = found.inputs;
    let all: Vec<usize> = (0..inputs.len()).collect();
    let mut plan = Plan::new(&inputs, all);
    let mut outcome = Outcome {
        errors: found
            .errors
            .into_iter()
            .map(|(path, message)| InputError { path, message })
            .collect(),
        ..Outcome::default()
    };
    let filter = match filter {
        Some(filter) => {
            if filter.baseline.is_some() {
                reserve_shared_paths(&inputs, opts, filter)
                    .map_err(|err| RunError::Output(err, Vec::new()))?;
            }
            if walked && suppress::reports_unused(filter.config) {
                let at = plan.place_config(&suppress::display_path(filter.config));
                learn_usage_after(&plan, at.1, opts, filter)
                    .map_err(|err| RunError::Output(err, Vec::new()))?;
            }
            Some(&*filter)
        }
        None => None,
    };
    let streamed = drive(&plan, opts, filter, sink);
    let mut errors = streamed.errors;
    errors.sort_by_key(|(input, _)| *input);
    outcome.errors.extend(errors.into_iter().map(|(_, e)| e));
    if let Err(err) = streamed.written {
        return Err(RunError::Output(err, outcome.errors));
    }
    outcome.tally = streamed.tally;
    outcome.stale_baseline = filter.map_or(0, Filter::stale_baseline);
    outcome.inputs = inputs;
    Ok(outcome)
}

/// Files shown with different paths that name one file (`a.json`, `./a.json`) compete for
/// the same baseline entries, which go to the first in input order. Their findings are
/// learned first, so each can be matched when its turn in the report comes.
fn reserve_shared_paths(inputs: &[Input], opts: &Options, filter: &mut Filter) -> io::Result<()> {
    let mut shown: HashMap<String, BTreeSet<std::borrow::Cow<str>>> = HashMap::new();
    for input in inputs {
        shown
            .entry(crate::diagnostic::normalize_path(&input.display()))
            .or_default()
            .insert(input.display());
    }
    let shared: Vec<usize> = (0..inputs.len())
        .filter(|&i| {
            shown
                .get(&crate::diagnostic::normalize_path(&inputs[i].display()))
                .is_some_and(|s| s.len() > 1)
        })
        .collect();
    if shared.is_empty() {
        return Ok(());
    }
    let plan = Plan::new(inputs, with_directories(inputs, &shared));
    let learner = Filter::new(filter.config, None);
    let mut record = Fingerprints::default();
    drive(&plan, opts, Some(&learner), &mut record).written?;
    let Some(matcher) = filter.baseline.as_mut() else {
        return Ok(());
    };
    record.files.sort_by_key(|(input, _)| *input);
    for (input, fingerprints) in record.files {
        if shared.contains(&input) {
            matcher.reserve(input, &fingerprints);
        }
    }
    Ok(())
}

/// Which suppressions the files after the config file use: its L001 findings come before
/// theirs. Only files an entry's path matches can use one (their directories too when an
/// entry is about X001); most runs check none of them twice.
fn learn_usage_after(plan: &Plan, after: usize, opts: &Options, filter: &Filter) -> io::Result<()> {
    let config = filter.config;
    let candidates: Vec<usize> = plan.order[after.min(plan.order.len())..]
        .iter()
        .copied()
        .filter(|&i| suppress::may_match(config, &plan.inputs[i].path))
        .collect();
    if candidates.is_empty() {
        return Ok(());
    }
    let members = if suppress::may_match_relations(config) {
        with_directories(plan.inputs, &candidates)
    } else {
        candidates
    };
    let learner = Filter::new(config, None);
    drive(
        &Plan::new(plan.inputs, members),
        opts,
        Some(&learner),
        &mut Discard,
    )
    .written?;
    filter.absorb_usage(&learner);
    Ok(())
}

/// `some` and every other input of their directories (standard input is in the current one).
fn with_directories(inputs: &[Input], some: &[usize]) -> Vec<usize> {
    let directories: BTreeSet<String> = some
        .iter()
        .map(|&i| relate::directory_of(&inputs[i].display()))
        .collect();
    (0..inputs.len())
        .filter(|&i| directories.contains(&relate::directory_of(&inputs[i].display())))
        .collect()
}

struct Discard;

impl Sink for Discard {
    type Part = ();
    type Renderer = ();
    fn renderer(&self) {}
    fn render(_: &(), _: &mut Vec<Checked>) -> io::Result<()> {
        Ok(())
    }
    fn accept(&mut self, _: (), _: &mut Spool) -> io::Result<()> {
        Ok(())
    }
}

/// Each file's fingerprints after suppression.
#[derive(Default)]
struct Fingerprints {
    files: Vec<(usize, Vec<String>)>,
}

impl Sink for Fingerprints {
    type Part = Vec<(usize, Vec<String>)>;
    type Renderer = ();
    fn renderer(&self) {}
    fn render(_: &(), group: &mut Vec<Checked>) -> io::Result<Self::Part> {
        Ok(group
            .iter()
            .map(|c| {
                let prints = c.file.findings.iter().map(|f| f.fingerprint()).collect();
                (c.input, prints)
            })
            .collect())
    }
    fn accept(&mut self, part: Self::Part, _: &mut Spool) -> io::Result<()> {
        self.files.extend(part);
        Ok(())
    }
}

/// The order of a run, fixed before any file is read.
struct Plan<'a> {
    inputs: &'a [Input],
    /// Input indices in the report's order.
    order: Vec<usize>,
    /// Per position: where its group (the positions sharing its path) starts and ends.
    group_start: Vec<usize>,
    group_end: Vec<usize>,
    /// Per position: its directory, numbered; per directory: how many positions.
    directory: Vec<usize>,
    directory_size: Vec<usize>,
    /// The config file's group, `[start, end)`, when its L001 findings may be reported:
    /// the inputs that share its path, then the config file itself.
    config: Option<(usize, usize)>,
}

/// [`relate::directory_of`] without the copy (a test holds the two equal).
fn directory_name(shown: &str) -> &str {
    Path::new(shown)
        .parent()
        .and_then(Path::to_str)
        .unwrap_or_default()
}

impl<'a> Plan<'a> {
    fn new(inputs: &'a [Input], mut order: Vec<usize>) -> Self {
        // Stable: inputs shown with one path keep their input order.
        order.sort_by_cached_key(|&i| inputs[i].display());
        let n = order.len();
        let mut group_end = vec![n; n];
        for p in (0..n.saturating_sub(1)).rev() {
            // By the shown path: `Path` equality would call `a//b` and `a/b` the same.
            group_end[p] = if inputs[order[p]].display() == inputs[order[p + 1]].display() {
                group_end[p + 1]
            } else {
                p + 1
            };
        }
        let mut group_start = vec![0; n];
        for p in 1..n {
            group_start[p] = if group_end[p - 1] == group_end[p] {
                group_start[p - 1]
            } else {
                p
            };
        }
        // Directories numbered in order of first appearance. In path order a directory's
        // files mostly follow each other: the previous one's number is reused without
        // copying or hashing the name.
        let mut ids: HashMap<String, usize> = HashMap::new();
        let mut directory_size = Vec::new();
        let mut previous: Option<(String, usize)> = None;
        let directory = order
            .iter()
            .map(|&i| {
                let shown = inputs[i].display();
                let name = directory_name(&shown);
                let id = match &previous {
                    Some((last, id)) if last == name => *id,
                    _ => {
                        let id = match ids.get(name) {
                            Some(&id) => id,
                            None => {
                                let id = ids.len();
                                ids.insert(name.to_string(), id);
                                id
                            }
                        };
                        previous = Some((name.to_string(), id));
                        id
                    }
                };
                if id == directory_size.len() {
                    directory_size.push(0);
                }
                directory_size[id] += 1;
                id
            })
            .collect();
        Plan {
            inputs,
            order,
            group_start,
            group_end,
            directory,
            directory_size,
            config: None,
        }
    }

    /// Places the config file (shown as `path`) after the inputs that sort before it or
    /// share its path; returns its group.
    fn place_config(&mut self, path: &str) -> (usize, usize) {
        let start = self
            .order
            .partition_point(|&i| *self.inputs[i].display() < *path);
        let end = self
            .order
            .partition_point(|&i| *self.inputs[i].display() <= *path);
        self.config = Some((start, end));
        (start, end)
    }

    fn in_config_group(&self, position: usize) -> bool {
        self.config
            .is_some_and(|(start, end)| (start..end).contains(&position))
    }

    fn group_start(&self, position: usize) -> usize {
        self.group_start[position]
    }
}

/// Files per task: enough to keep the channel quiet, few enough to share out evenly.
const FILES_PER_TASK: usize = 16;
/// Tasks checking at once, per thread: the window of files alive while nothing waits.
const TASKS_PER_THREAD: usize = 4;

enum Message<P> {
    /// What a checking task did with its files.
    Checked(Vec<Done<P>>),
    /// A task panicked (a bug): the run stops with that panic, as a serial run would.
    Panicked(Box<dyn std::any::Any + Send>),
    /// A group that had waited, now filtered and rendered.
    Released {
        position: usize,
        part: io::Result<P>,
        tally: Tally,
    },
}

enum Done<P> {
    /// A file that needed nothing from other files: filtered and rendered already.
    Rendered {
        position: usize,
        part: io::Result<P>,
        tally: Tally,
        keys: Vec<KeyPolicy>,
    },
    /// A file that waits for its directory or its group.
    Waiting {
        position: usize,
        file: FileReport,
        keys: Vec<KeyPolicy>,
    },
    Failed {
        position: usize,
        error: InputError,
    },
}

struct Streamed {
    tally: Tally,
    /// Inputs that could not be read, also when the sink failed part way.
    errors: Vec<(usize, InputError)>,
    written: io::Result<()>,
}

/// A file that waits, and whether it still waits for its directory.
struct Parked {
    file: Option<FileReport>,
    unrelated: bool,
}

fn drive<S: Sink>(plan: &Plan, opts: &Options, filter: Option<&Filter>, sink: &mut S) -> Streamed {
    let n = plan.order.len();
    let renderer = sink.renderer();
    let (tx, rx) = mpsc::channel::<Message<S::Part>>();
    let max_tasks = TASKS_PER_THREAD * rayon::current_num_threads().max(1);
    let mut tally = Tally::default();
    let mut errors = Vec::new();
    let mut directory_left = plan.directory_size.clone();
    let mut directory_keys: HashMap<usize, Vec<KeyPolicy>> = HashMap::new();
    let mut directory_waiting: HashMap<usize, Vec<usize>> = HashMap::new();
    let mut directory_counts: HashMap<usize, relate::KeyCounts> = HashMap::new();
    // Per group (at its first position): how many of its files have not come back yet.
    let mut group_left: Vec<usize> = (0..n).map(|p| plan.group_end[p] - p).collect();
    let mut parked: HashMap<usize, Parked> = HashMap::new();
    // Parts rendered and waiting for their turn, with the bytes each holds in memory.
    let mut ready: HashMap<usize, Option<Held<S::Part>>> = HashMap::new();
    let mut waiting_bytes = 0;
    let mut spool = Spool::default();
    let mut next_spawn = 0;
    let mut next_write = 0;
    let mut checking = 0;
    let mut outstanding = 0;
    let mut config_done = plan.config.is_none();

    // FIFO: this thread runs queued tasks while it waits, and in queue order the file it waits
    // for comes first (the newest first would hold every file's output behind the oldest).
    let written = rayon::in_place_scope_fifo(|scope| -> io::Result<()> {
        let renderer = &renderer;
        loop {
            while checking < max_tasks && next_spawn < n {
                let positions = next_spawn..(next_spawn + FILES_PER_TASK).min(n);
                next_spawn = positions.end;
                checking += 1;
                outstanding += 1;
                let tx = tx.clone();
                scope.spawn_fifo(move |_| {
                    let done = catch_unwind(AssertUnwindSafe(|| {
                        positions
                            .map(|p| check_one::<S>(plan, p, opts, filter, renderer))
                            .collect()
                    }));
                    let _ = tx.send(done.map_or_else(Message::Panicked, Message::Checked));
                });
            }
            // Write what is ready, in order.
            loop {
                if !config_done && plan.config.is_some_and(|(start, _)| start == next_write) {
                    let Some((start, end)) = plan.config else {
                        break;
                    };
                    let waiting = (start < end && group_left[start] > 0)
                        || (start..end).any(|p| parked.get(&p).is_some_and(|w| w.unrelated));
                    if waiting {
                        break;
                    }
                    let Some(filter) = filter else {
                        break;
                    };
                    let mut group = Vec::new();
                    for p in start..end {
                        if let Some(file) = parked.remove(&p).and_then(|w| w.file) {
                            group.push((plan.order[p], file));
                        }
                    }
                    let (mut group, group_tally) = filter_group(group, filter);
                    tally.add(&group_tally);
                    if let Some((file, accepted)) = filter.config_report(plan.inputs.len()) {
                        tally.file(&file, accepted);
                        group.push(Checked {
                            input: plan.inputs.len(),
                            file,
                        });
                    }
                    if !group.is_empty() {
                        let part = S::render(renderer, &mut group)?;
                        sink.accept(part, &mut spool)?;
                    }
                    config_done = true;
                    next_write = end;
                    continue;
                }
                if next_write >= n {
                    break;
                }
                match ready.remove(&next_write) {
                    Some(entry) => {
                        if let Some((part, weight)) = entry {
                            waiting_bytes -= weight;
                            sink.accept(part?, &mut spool)?;
                        }
                        next_write = plan.group_end[next_write];
                    }
                    None => break,
                }
            }
            if next_write >= n && config_done {
                return Ok(());
            }
            if outstanding == 0 {
                return Err(io::Error::other(
                    "the run stalled: a file waits for nothing",
                ));
            }
            let Some(message) = wait(&rx) else {
                return Err(io::Error::other("the run's workers stopped"));
            };
            outstanding -= 1;
            let batch = match message {
                Message::Released {
                    position,
                    part,
                    tally: t,
                } => {
                    tally.add(&t);
                    let part = hold::<S>(part, &mut waiting_bytes, &mut spool);
                    ready.insert(position, Some(part));
                    continue;
                }
                Message::Checked(batch) => batch,
                Message::Panicked(payload) => resume_unwind(payload),
            };
            checking -= 1;
            let mut release = Vec::new();
            for done in batch {
                let (position, keys, waiting) = match done {
                    Done::Rendered {
                        position,
                        part,
                        tally: t,
                        keys,
                    } => {
                        tally.add(&t);
                        let part = hold::<S>(part, &mut waiting_bytes, &mut spool);
                        ready.insert(position, Some(part));
                        (position, keys, None)
                    }
                    Done::Waiting {
                        position,
                        file,
                        keys,
                    } => (position, keys, Some(file)),
                    Done::Failed { position, error } => {
                        errors.push((plan.order[position], error));
                        parked.insert(
                            position,
                            Parked {
                                file: None,
                                unrelated: false,
                            },
                        );
                        release.push(position);
                        (position, Vec::new(), None)
                    }
                };
                group_left[plan.group_start(position)] -= 1;
                let directory = plan.directory[position];
                let arrived = !keys.is_empty();
                let counts = directory_counts.entry(directory).or_default();
                counts.add(&keys);
                directory_keys.entry(directory).or_default().extend(keys);
                if let Some(file) = waiting {
                    let unrelated = relate::needs_directory(&file)
                        && plan.directory_size[directory] > 1
                        && !relate::settled(&file, counts);
                    if unrelated {
                        directory_waiting
                            .entry(directory)
                            .or_default()
                            .push(position);
                    }
                    parked.insert(
                        position,
                        Parked {
                            file: Some(file),
                            unrelated,
                        },
                    );
                    release.push(position);
                }
                // Grants may now pair with two key policies or more: decided early.
                if let Some(waiting) = directory_waiting.get_mut(&directory).filter(|_| arrived) {
                    waiting.retain(|&p| {
                        let Some(w) = parked.get_mut(&p) else {
                            return false;
                        };
                        let decided = w.file.as_ref().is_none_or(|f| relate::settled(f, counts));
                        if decided {
                            w.unrelated = false;
                            release.push(p);
                        }
                        !decided
                    });
                }
                directory_left[directory] -= 1;
                if directory_left[directory] == 0 {
                    directory_counts.remove(&directory);
                    let keys = directory_keys.remove(&directory).unwrap_or_default();
                    for waiting in directory_waiting.remove(&directory).unwrap_or_default() {
                        if let Some(w) = parked.get_mut(&waiting) {
                            if let Some(file) = w.file.as_mut() {
                                let input = plan.order[waiting];
                                let rules =
                                    RuleSet::for_path(&opts.config, &plan.inputs[input].path);
                                relate::with_directory(file, input, &keys, &rules);
                            }
                            w.unrelated = false;
                            release.push(waiting);
                        }
                    }
                }
            }
            // Groups whose every file has come and been related go to a thread of their own.
            release.sort_unstable();
            release.dedup();
            for position in release {
                let start = plan.group_start(position);
                let end = plan.group_end[position];
                if plan.in_config_group(position)
                    || group_left[start] > 0
                    || (start..end).any(|p| parked.get(&p).is_none_or(|w| w.unrelated))
                {
                    continue;
                }
                let group: Vec<(usize, FileReport)> = (start..end)
                    .filter_map(|p| {
                        let file = parked.remove(&p)?.file?;
                        Some((plan.order[p], file))
                    })
                    .collect();
                if group.is_empty() {
                    ready.insert(start, None);
                    continue;
                }
                outstanding += 1;
                let tx = tx.clone();
                scope.spawn_fifo(move |_| {
                    let released = catch_unwind(AssertUnwindSafe(|| {
                        let (mut group, tally) = match filter {
                            Some(filter) => filter_group(group, filter),
                            None => unfiltered(group),
                        };
                        let part = S::render(renderer, &mut group);
                        Message::Released {
                            position: start,
                            part,
                            tally,
                        }
                    }));
                    let _ = tx.send(released.unwrap_or_else(Message::Panicked));
                });
            }
        }
    });
    Streamed {
        tally,
        errors,
        written,
    }
}

/// A rendered part waiting for its turn, and the bytes it holds in memory.
type Held<P> = (io::Result<P>, usize);

/// Bytes of rendered parts kept in memory while they wait; past this they go to the spool.
const WAITING_IN_MEMORY: usize = 32 << 20;

/// A part to keep until its turn, moved to the spool if too much waits already; with the
/// bytes it holds in memory.
fn hold<S: Sink>(
    part: io::Result<S::Part>,
    waiting_bytes: &mut usize,
    spool: &mut Spool,
) -> Held<S::Part> {
    let part = match part {
        Ok(part) if *waiting_bytes > WAITING_IN_MEMORY => S::spill(part, spool),
        part => part,
    };
    let weight = part.as_ref().map_or(0, S::weight);
    *waiting_bytes += weight;
    (part, weight)
}

/// Checks the file at `position`; renders it at once unless it must wait.
fn check_one<S: Sink>(
    plan: &Plan,
    position: usize,
    opts: &Options,
    filter: Option<&Filter>,
    renderer: &S::Renderer,
) -> Done<S::Part> {
    let input = plan.order[position];
    let mut file = match crate::check_input(&plan.inputs[input], opts) {
        Ok(file) => file,
        Err(error) => return Done::Failed { position, error },
    };
    let shared_directory = plan.directory_size[plan.directory[position]] > 1;
    let keys = if shared_directory {
        relate::key_policies(&file, input)
    } else {
        Vec::new()
    };
    let alone = plan.group_end[position] == position + 1 && plan.group_start(position) == position;
    if !alone
        || plan.in_config_group(position)
        || (shared_directory && relate::needs_directory(&file))
    {
        return Done::Waiting {
            position,
            file,
            keys,
        };
    }
    let accepted = filter.map_or_else(Accepted::default, |f| f.file(&mut file, input));
    let mut tally = Tally::default();
    tally.file(&file, accepted);
    let mut group = vec![Checked { input, file }];
    let part = S::render(renderer, &mut group);
    Done::Rendered {
        position,
        part,
        tally,
        keys,
    }
}

fn filter_group(group: Vec<(usize, FileReport)>, filter: &Filter) -> (Vec<Checked>, Tally) {
    let mut tally = Tally::default();
    let group = group
        .into_iter()
        .map(|(input, mut file)| {
            let accepted = filter.file(&mut file, input);
            tally.file(&file, accepted);
            Checked { input, file }
        })
        .collect();
    (group, tally)
}

fn unfiltered(group: Vec<(usize, FileReport)>) -> (Vec<Checked>, Tally) {
    let mut tally = Tally::default();
    let group = group
        .into_iter()
        .map(|(input, file)| {
            tally.file(&file, Accepted::default());
            Checked { input, file }
        })
        .collect();
    (group, tally)
}

/// The next message; a caller on one of the pool's threads runs queued work meanwhile, so a
/// run started from inside the pool cannot wait on work only it could do.
fn wait<T>(rx: &mpsc::Receiver<T>) -> Option<T> {
    loop {
        match rx.try_recv() {
            Ok(value) => return Some(value),
            Err(mpsc::TryRecvError::Disconnected) => return None,
            Err(mpsc::TryRecvError::Empty) => {}
        }
        match rayon::yield_now() {
            Some(rayon::Yield::Executed) => {}
            Some(rayon::Yield::Idle) => {
                if let Ok(value) = rx.recv_timeout(std::time::Duration::from_millis(1)) {
                    return Some(value);
                }
            }
            None => return rx.recv().ok(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directory_name_is_directory_of() {
        for shown in [
            "a/b/c.json",
            "a//b.json",
            "/abs/x.json",
            "x.json",
            "./x.json",
            "a/b/",
            "/",
            "",
            "-",
            "é/ü.md",
            "a/../b.json",
        ] {
            assert_eq!(
                directory_name(shown),
                relate::directory_of(shown),
                "{shown}"
            );
        }
    }
}
