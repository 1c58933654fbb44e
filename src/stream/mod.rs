//! The run as a stream: files are checked on every core and handed on in the report's order
//! (by path), each one filtered, rendered and dropped, so memory holds a window of files
//! rather than the whole run.
//!
//! The parts, each tested on its own: the [`plan`] fixes the order before any file is read;
//! the [`barrier`] holds the files that wait (the files of one path for each other, a file
//! granting use of a KMS key for the rest of its directory, X001); [`reorder`] hands the
//! rendered parts on in order; [`spill`] moves waiting parts to disk past a limit. [`drive`]
//! is the loop that joins them. Everything that need not wait is filtered and rendered on the
//! thread that checked it; the calling thread only writes, in order. The config file's
//! unused suppressions (L001) are known only once every file is filtered: they come last.

#![warn(unreachable_pub)]

mod barrier;
mod plan;
mod reorder;
mod spill;

use crate::check::{self, Options};
use crate::filter::{baseline, Filter};
use crate::outcome::{Accepted, InputError, Outcome, Tally};
use crate::place::RuleSet;
use crate::rules::relate::{self, KeyPolicy};
use crate::sink::{Checked, Sink};
use crate::source::{discover, Input, Selection};
use crate::spool::Spool;
use barrier::{Arrival, Barrier, Group, Pending};
use plan::Plan;
use reorder::Reorder;
use spill::{Held, Holding};
use std::collections::{BTreeSet, HashMap};
use std::io;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::sync::mpsc;

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
    mut filter: Option<&mut Filter>,
    sink: &mut S,
) -> Result<Outcome, RunError> {
    let filters = discover::Filters::new(selection.include, selection.exclude)
        .map_err(RunError::Selection)?;
    let found = discover::discover(selection.paths, &filters);
    let walked = selection.paths.iter().any(|p| p.is_dir());
    let mut inputs = found.inputs;
    let found_unmatched = found.unmatched_includes;
    crate::source::modules::file_consumers(&mut inputs);
    crate::source::nested::add_nested_templates(&mut inputs);
    let all: Vec<usize> = (0..inputs.len()).collect();
    let plan = Plan::new(&inputs, all);
    let mut outcome = Outcome {
        errors: found
            .errors
            .into_iter()
            .map(|(path, message)| InputError { path, message })
            .collect(),
        ..Outcome::default()
    };
    if let Some(filter) = filter.as_deref_mut() {
        if filter.baseline.is_some() {
            reserve_shared_paths(&inputs, opts, filter)
                .map_err(|err| RunError::Output(err, Vec::new()))?;
        }
    }
    let filter = filter.map(|f| &*f);
    let mut streamed = drive(&plan, opts, filter, sink);
    let mut errors = streamed.errors;
    errors.sort_by_key(|(input, _)| *input);
    outcome.errors.extend(errors.into_iter().map(|(_, e)| e));
    // Only a walk may call a suppression unused, and only one whose files it all saw: a run
    // on named files, a subfolder or a filtered walk sees part of the tree.
    let folders: Vec<std::path::PathBuf> =
        if selection.include.is_empty() && selection.exclude.is_empty() {
            selection
                .paths
                .iter()
                .filter(|p| p.is_dir())
                .cloned()
                .collect()
        } else {
            Vec::new()
        };
    if let (Ok(()), Some(filter)) = (&streamed.written, filter) {
        streamed.written =
            unused_suppressions(filter, &folders, inputs.len(), sink, &mut streamed.tally);
    }
    if let Err(err) = streamed.written {
        return Err(RunError::Output(err, outcome.errors));
    }
    outcome.tally = streamed.tally;
    outcome.stale_baseline = filter.map_or(0, Filter::stale_baseline);
    outcome.inputs = inputs;
    outcome.walked = walked;
    outcome.folders = folders;
    outcome.unmatched_includes = found_unmatched;
    Ok(outcome)
}

/// Files shown with different paths that name one file (`a.json`, `./a.json`) compete for
/// the same baseline entries, which go to the first in input order. Their findings are
/// learned first, so each can be matched when its turn in the report comes.
fn reserve_shared_paths(inputs: &[Input], opts: &Options, filter: &mut Filter) -> io::Result<()> {
    let Some(root) = filter.baseline.as_ref().map(|m| m.root().to_path_buf()) else {
        return Ok(());
    };
    // As the baseline spells them: `a.json` from its folder and `repo/a.json` from above.
    let keys: Vec<String> = inputs
        .iter()
        .map(|input| baseline::relative_to(&root, &input.display()))
        .collect();
    let mut shown: HashMap<&str, BTreeSet<std::borrow::Cow<str>>> = HashMap::new();
    for (input, key) in inputs.iter().zip(&keys) {
        shown.entry(key).or_default().insert(input.display());
    }
    let shared: Vec<usize> = (0..inputs.len())
        .filter(|&i| shown.get(keys[i].as_str()).is_some_and(|s| s.len() > 1))
        .collect();
    if shared.is_empty() {
        return Ok(());
    }
    let plan = Plan::new(inputs, with_directories(inputs, &shared));
    let learner = filter.learner();
    let mut record = Fingerprints {
        root,
        files: Vec::new(),
    };
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

/// Each config file's entry, with its unused suppressions (L001), after every file.
fn unused_suppressions<S: Sink>(
    filter: &Filter,
    folders: &[std::path::PathBuf],
    input: usize,
    sink: &mut S,
    tally: &mut Tally,
) -> io::Result<()> {
    for (at, (file, accepted)) in filter
        .config_reports(input, folders)
        .into_iter()
        .enumerate()
    {
        tally.file(&file, accepted);
        let mut group = vec![Checked {
            input: input + at,
            file,
        }];
        let part = S::render(&sink.renderer(), &mut group)?;
        sink.accept(part, &mut Spool::default())?;
    }
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

/// Each file's fingerprints after suppression, as a baseline in `root` computes them.
struct Fingerprints {
    root: std::path::PathBuf,
    files: Vec<(usize, Vec<String>)>,
}

impl Sink for Fingerprints {
    type Part = Vec<(usize, Vec<String>)>;
    type Renderer = std::path::PathBuf;
    fn renderer(&self) -> std::path::PathBuf {
        self.root.clone()
    }
    fn render(root: &std::path::PathBuf, group: &mut Vec<Checked>) -> io::Result<Self::Part> {
        Ok(group
            .iter()
            .map(|c| {
                let path = baseline::relative_to(root, &c.file.path);
                let prints = c
                    .file
                    .findings
                    .iter()
                    .map(|f| f.fingerprint_in(&path))
                    .collect();
                (c.input, prints)
            })
            .collect())
    }
    fn accept(&mut self, part: Self::Part, _: &mut Spool) -> io::Result<()> {
        self.files.extend(part);
        Ok(())
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
        end: usize,
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
        file: Pending,
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

/// The loop: keeps a window of checking tasks busy, takes in what they did, and writes what
/// is ready in order.
fn drive<S: Sink>(plan: &Plan, opts: &Options, filter: Option<&Filter>, sink: &mut S) -> Streamed {
    let renderer = sink.renderer();
    let (tx, rx) = mpsc::channel::<Message<S::Part>>();
    let max_tasks = TASKS_PER_THREAD * rayon::current_num_threads().max(1);
    let mut tally = Tally::default();
    let mut errors = Vec::new();
    let mut barrier = Barrier::new(plan);
    let mut order: Reorder<Held<S::Part>> = Reorder::new(plan.len());
    let mut holding = Holding::new(spill::WAITING_IN_MEMORY);
    let mut spool = Spool::default();
    let mut next_spawn = 0;
    let mut checking = 0;
    let mut outstanding = 0;
    let mut relate = |input: usize, pending: &mut Pending, keys: &[KeyPolicy]| {
        let related = relate::with_directory(&pending.facts, input, keys);
        if related.is_empty() {
            return;
        }
        let path = &plan.inputs[input].path;
        // Found when the file was checked: no error is left to meet here.
        let config = opts
            .config_for(path)
            .unwrap_or(crate::configs::ConfigRef::Run(&opts.config));
        let rules = RuleSet::for_path(&config, path);
        let findings = &mut pending.file.findings;
        for mut r in related {
            findings.extend(rules.place(r.diagnostic, &mut r.spot, r.document, Some(r.kind)));
        }
        crate::diagnostic::sort_file_findings(findings);
    };

    // FIFO: this thread runs queued tasks while it waits, and in queue order the file it waits
    // for comes first (the newest first would hold every file's output behind the oldest).
    let written = rayon::in_place_scope_fifo(|scope| -> io::Result<()> {
        let renderer = &renderer;
        loop {
            while checking < max_tasks && next_spawn < plan.len() {
                let positions = next_spawn..(next_spawn + FILES_PER_TASK).min(plan.len());
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
            while let Some(held) = order.pop() {
                sink.accept(holding.release(held)?, &mut spool)?;
            }
            if order.done() {
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
                    end,
                    part,
                    tally: t,
                } => {
                    tally.add(&t);
                    order.put(position, end, Some(holding.hold::<S>(part, &mut spool)));
                    continue;
                }
                Message::Checked(batch) => batch,
                Message::Panicked(payload) => resume_unwind(payload),
            };
            checking -= 1;
            for done in batch {
                let (position, keys, arrival) = match done {
                    Done::Rendered {
                        position,
                        part,
                        tally: t,
                        keys,
                    } => {
                        tally.add(&t);
                        let end = plan.group_end[position];
                        order.put(position, end, Some(holding.hold::<S>(part, &mut spool)));
                        (position, keys, Arrival::Gone)
                    }
                    Done::Waiting {
                        position,
                        file,
                        keys,
                    } => (position, keys, Arrival::Waiting(file)),
                    Done::Failed { position, error } => {
                        errors.push((plan.order[position], error));
                        (position, Vec::new(), Arrival::Failed)
                    }
                };
                barrier.arrive(plan, position, keys, arrival, &mut relate);
            }
            // Groups whose every file has come and been related go to a thread of their own.
            for (start, group) in barrier.released(plan) {
                let end = plan.group_end[start];
                if group.is_empty() {
                    order.put(start, end, None);
                    continue;
                }
                outstanding += 1;
                let tx = tx.clone();
                scope.spawn_fifo(move |_| {
                    let released = catch_unwind(AssertUnwindSafe(|| {
                        let (mut group, tally) = filter_group(group, filter);
                        let part = S::render(renderer, &mut group);
                        Message::Released {
                            position: start,
                            end,
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

/// Checks the file at `position`; renders it at once unless it must wait.
fn check_one<S: Sink>(
    plan: &Plan,
    position: usize,
    opts: &Options,
    filter: Option<&Filter>,
    renderer: &S::Renderer,
) -> Done<S::Part> {
    let input = plan.order[position];
    let (file, facts) = match check::check_input(&plan.inputs[input], opts) {
        Ok(checked) => checked,
        Err(error) => return Done::Failed { position, error },
    };
    let shared_directory = plan.shares_directory(position);
    let keys = if shared_directory {
        relate::key_policies(&facts, &file.path, input)
    } else {
        Vec::new()
    };
    if !plan.alone(position) || (shared_directory && relate::needs_directory(&facts)) {
        return Done::Waiting {
            position,
            file: Pending { file, facts },
            keys,
        };
    }
    let (mut group, tally) = filter_group(vec![(input, file)], filter);
    let part = S::render(renderer, &mut group);
    Done::Rendered {
        position,
        part,
        tally,
        keys,
    }
}

/// Filters the files of a group (when there is a filter) and counts what is left.
fn filter_group(group: Group, filter: Option<&Filter>) -> (Vec<Checked>, Tally) {
    let mut tally = Tally::default();
    let group = group
        .into_iter()
        .map(|(input, mut file)| {
            let accepted = filter.map_or_else(Accepted::default, |f| f.file(&mut file, input));
            tally.file(&file, accepted);
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
