//! `iamlint.toml`: which rules run, at what severity, which paths hold which kind of
//! policy. Every key is checked: a typo is an error naming the key and its line, never a
//! setting silently ignored.

use crate::access::forbid::Forbidden;
use crate::catalog::Catalog;
use crate::diagnostic::Severity;
use crate::policy::PolicyKind;
use globset::{Glob, GlobMatcher};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use toml::Spanned;

pub const FILE_NAME: &str = "iamlint.toml";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    #[serde(default)]
    select: Vec<Spanned<String>>,
    #[serde(default)]
    ignore: Vec<Spanned<String>>,
    fail_on: Option<Spanned<String>>,
    show: Option<Spanned<String>>,
    #[serde(default)]
    severity: BTreeMap<Spanned<String>, Spanned<String>>,
    #[serde(default)]
    kinds: BTreeMap<Spanned<String>, Spanned<String>>,
    #[serde(default)]
    per_path_ignores: BTreeMap<Spanned<String>, Vec<Spanned<String>>>,
    catalog: Option<String>,
    #[serde(default)]
    trusted_accounts: Vec<Spanned<String>>,
    #[serde(default)]
    suppress: Vec<Spanned<RawSuppression>>,
    #[serde(default)]
    forbid: Vec<Spanned<RawForbid>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawForbid {
    #[serde(default)]
    actions: Vec<Spanned<String>>,
    #[serde(default)]
    resources: Vec<Spanned<String>>,
    #[serde(default)]
    principals: Vec<Spanned<String>>,
    reason: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSuppression {
    rule: Spanned<String>,
    path: Spanned<String>,
    statement: Option<String>,
    reason: Option<String>,
}

/// A `[[suppress]]` entry: findings of `rule` in files matching `path` (and, if given, in
/// `statement`, a `Sid` or a JSON pointer) are accepted, for the recorded `reason`.
#[derive(Debug)]
pub struct Suppression {
    pub rule: Selector,
    pub path: GlobMatcher,
    pub statement: Option<String>,
    pub reason: String,
    /// Byte range of the entry in the config text, where an unused one is reported.
    pub span: std::ops::Range<usize>,
}

/// A rule selector: a code (`P016`), a code prefix (`P`, `A00`) or a rule name (`placeholder`).
#[derive(Clone, Debug)]
pub struct Selector(String);

impl Suppression {
    /// Whether a walk of the folders `scopes` (see [`Config::scopes`]) saw every file this
    /// entry's glob can match: one of them holds the glob's literal leading folders
    /// (`legacy` for `legacy/**/*.json`).
    pub fn within(&self, scopes: &[PathBuf]) -> bool {
        let glob = self.path.glob().glob();
        let literal: PathBuf = Path::new(glob)
            .components()
            .take_while(|c| {
                !c.as_os_str()
                    .to_string_lossy()
                    .contains(['*', '?', '[', '{'])
            })
            .collect();
        scopes.iter().any(|scope| literal.starts_with(scope))
    }
}

/// The nearest `iamlint.toml` in `start` or a folder above it.
fn nearest(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .map(|dir| dir.join(FILE_NAME))
        .find(|candidate| candidate.is_file())
}

/// The folder a config is looked for from: a folder's own, a file's folder, resolved
/// (`..` and links) so that its ancestors are the real ones.
fn folder_of(path: &Path, cwd: &Path) -> PathBuf {
    let folder = if path.is_dir() {
        path
    } else {
        match path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        }
    };
    let joined = cwd.join(folder);
    joined.canonicalize().unwrap_or(joined)
}

impl Selector {
    /// Spaces around the text are ignored (`--select 'K001, K008'`), and codes are read in
    /// any case (`k001`), as `iamlint rule p016` reads them.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let code = text.to_ascii_uppercase();
        let rules = crate::rules::all_rules();
        if code == "ALL" || (!code.is_empty() && rules.iter().any(|r| r.code.starts_with(&code))) {
            Ok(Selector(code))
        } else if let Some(rule) = rules
            .iter()
            .find(|r| r.name == crate::code::current_rule_name(text))
        {
            Ok(Selector(rule.name.to_string()))
        } else {
            Err(format!(
                "`{text}` matches no rule code, code prefix or rule name"
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn matches(&self, code: &str, name: &str) -> bool {
        self.0 == "ALL" || code.starts_with(&self.0) || name == self.0
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailOn {
    Severity(Severity),
    Never,
}

impl FailOn {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "never" => Some(FailOn::Never),
            other => Severity::parse(other).map(FailOn::Severity),
        }
    }
}

#[derive(Clone, Debug)]
pub enum SeverityOverride {
    Set(Severity),
    Off,
}

#[derive(Debug, Default)]
pub struct Config {
    /// Where the config was read from, if anywhere; its folder anchors the path globs.
    pub path: Option<PathBuf>,
    pub select: Vec<Selector>,
    pub ignore: Vec<Selector>,
    pub fail_on: Option<FailOn>,
    /// `show = "info"`: the lowest severity the human and concise formats print.
    pub show: Option<Severity>,
    pub severity: Vec<(Selector, SeverityOverride)>,
    pub kinds: Vec<(GlobMatcher, (PolicyKind, Option<&'static str>))>,
    pub per_path_ignores: Vec<(GlobMatcher, Vec<Selector>)>,
    /// `catalog = "path"`: an AWS action catalog file to use instead of the embedded one,
    /// relative to the config's folder once loaded.
    pub catalog: Option<PathBuf>,
    pub suppressions: Vec<Suppression>,
    /// The config's text, to place findings about the config itself.
    pub source: String,
    /// Accounts whose principals are expected in resource and key policies; when set,
    /// principals from any other account are warnings (K006).
    pub trusted_accounts: Vec<String>,
    /// `[[forbid]]` entries and `--forbid` actions: access no policy may grant (E006).
    pub forbidden: Vec<Forbidden>,
    /// Each `[[forbid]]` entry's action patterns with the line they are on, to check them
    /// against the run's catalog once it is known ([`Config::check_forbidden`]).
    forbidden_actions: Vec<(String, usize)>,
}

impl Config {
    /// Finds `iamlint.toml` in `start` or the nearest folder above it.
    pub fn discover(start: &Path) -> Result<Config, String> {
        match nearest(start) {
            Some(path) => Config::load(&path),
            None => Ok(Config::default()),
        }
    }

    /// The run's config for checking `paths` from `cwd`: the nearest `iamlint.toml` at or
    /// above the paths (a folder's own, a file's folder's) when they share one, as ruff finds
    /// its settings; else, and for standard input, the nearest above `cwd`. Each file is
    /// still checked with its own nearest config (`configs::ConfigSet`); this one also gives
    /// the settings of the whole run (`fail-on`, `show`, `catalog`).
    pub fn discover_for(paths: &[PathBuf], cwd: &Path) -> Result<Config, String> {
        let fallback = nearest(cwd);
        let mut found = paths.iter().map(|path| {
            if path.as_os_str() == "-" {
                fallback.clone()
            } else {
                nearest(&folder_of(path, cwd)).or_else(|| fallback.clone())
            }
        });
        let first = found.next().flatten();
        let chosen = match found.all(|f| f == first) {
            true => first,
            false => fallback,
        };
        match chosen {
            Some(path) => Config::load(&path),
            None => Ok(Config::default()),
        }
    }

    /// The walked `folders` as seen from the config's folder: empty for that folder or one
    /// above it, `policies` for a folder inside it; folders beside it are left out.
    pub fn scopes(&self, folders: &[PathBuf]) -> Vec<PathBuf> {
        let base = match self.path.as_deref().and_then(Path::parent) {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        let Ok(base) = base.canonicalize() else {
            return Vec::new();
        };
        folders
            .iter()
            .filter_map(|folder| {
                let folder = folder.canonicalize().ok()?;
                if base.starts_with(&folder) {
                    Some(PathBuf::new())
                } else {
                    folder.strip_prefix(&base).ok().map(Path::to_path_buf)
                }
            })
            .collect()
    }

    pub fn load(path: &Path) -> Result<Config, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut config = Config::parse(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        if let (Some(catalog), Some(dir)) = (&config.catalog, path.parent()) {
            // Resolved in full, so that an error about it names the file it looked for.
            let joined = dir.join(catalog);
            config.catalog = Some(std::path::absolute(&joined).unwrap_or(joined));
        }
        let name = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        for entry in &mut config.forbidden {
            entry.origin = entry.origin.replacen("config", &name, 1);
        }
        config.path = Some(path.to_path_buf());
        Ok(config)
    }

    pub fn parse(text: &str) -> Result<Config, String> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| e.to_string())?;
        let at = |span: std::ops::Range<usize>| {
            let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
            format!("line {line}")
        };
        let selector = |s: &Spanned<String>, key: &str| {
            Selector::parse(s.get_ref()).map_err(|e| format!("{} ({key}): {e}", at(s.span())))
        };
        let glob = |s: &Spanned<String>, key: &str| {
            let pattern = s.get_ref().trim_start_matches("./");
            Glob::new(pattern)
                .map(|g| g.compile_matcher())
                .map_err(|e| {
                    format!(
                        "{} ({key}): invalid glob `{}`: {e}",
                        at(s.span()),
                        s.get_ref()
                    )
                })
        };
        let mut config = Config {
            select: raw
                .select
                .iter()
                .map(|s| selector(s, "select"))
                .collect::<Result<_, _>>()?,
            ignore: raw
                .ignore
                .iter()
                .map(|s| selector(s, "ignore"))
                .collect::<Result<_, _>>()?,
            catalog: raw.catalog.as_ref().map(PathBuf::from),
            ..Config::default()
        };
        if let Some(fail_on) = &raw.fail_on {
            config.fail_on = Some(FailOn::parse(fail_on.get_ref()).ok_or_else(|| {
                format!(
                    "{} (fail-on): expected error, warning, info or never, found `{}`",
                    at(fail_on.span()),
                    fail_on.get_ref()
                )
            })?);
        }
        if let Some(show) = &raw.show {
            config.show = Some(Severity::parse(show.get_ref()).ok_or_else(|| {
                format!(
                    "{} (show): expected error, warning or info, found `{}`",
                    at(show.span()),
                    show.get_ref()
                )
            })?);
        }
        for (rule, level) in &raw.severity {
            let value = match level.get_ref().as_str() {
                "off" => SeverityOverride::Off,
                word => SeverityOverride::Set(Severity::parse(word).ok_or_else(|| {
                    format!(
                        "{} (severity.{}): expected error, warning, info or off, found `{word}`",
                        at(level.span()),
                        rule.get_ref()
                    )
                })?),
            };
            config.severity.push((selector(rule, "severity")?, value));
        }
        for (pattern, kind) in &raw.kinds {
            let parsed = PolicyKind::parse_held(kind.get_ref()).ok_or_else(|| {
                let names: Vec<&str> = PolicyKind::ALL
                    .iter()
                    .map(|k| k.as_str())
                    .chain(crate::policy::kind::HELD.iter().map(|h| h.0))
                    .collect();
                format!(
                    "{} (kinds.\"{}\"): expected one of {}, found `{}`",
                    at(kind.span()),
                    pattern.get_ref(),
                    names.join(", "),
                    kind.get_ref()
                )
            })?;
            config.kinds.push((glob(pattern, "kinds")?, parsed));
        }
        for (pattern, rules) in &raw.per_path_ignores {
            let selectors = rules
                .iter()
                .map(|r| selector(r, "per-path-ignores"))
                .collect::<Result<_, _>>()?;
            config
                .per_path_ignores
                .push((glob(pattern, "per-path-ignores")?, selectors));
        }
        for account in &raw.trusted_accounts {
            if !crate::policy::arn::is_account_id(account.get_ref()) {
                return Err(format!(
                    "{} (trusted-accounts): expected a 12-digit AWS account ID, found `{}`",
                    at(account.span()),
                    account.get_ref()
                ));
            }
            config.trusted_accounts.push(account.get_ref().clone());
        }
        for entry in &raw.suppress {
            let span = entry.span();
            let entry = entry.get_ref();
            let reason = entry
                .reason
                .as_deref()
                .map(str::trim)
                .filter(|r| !r.is_empty())
                .ok_or_else(|| {
                    format!(
                        "{} ([[suppress]]): a suppression needs a `reason` saying why the finding is accepted",
                        at(span.clone())
                    )
                })?;
            config.suppressions.push(Suppression {
                rule: selector(&entry.rule, "suppress.rule")?,
                path: glob(&entry.path, "suppress.path")?,
                statement: entry.statement.clone(),
                reason: reason.to_string(),
                span,
            });
        }
        for entry in &raw.forbid {
            let line = text[..entry.span().start.min(text.len())]
                .matches('\n')
                .count()
                + 1;
            config
                .forbidden
                .push(forbidden(entry.get_ref(), line, &at)?);
            for action in &entry.get_ref().actions {
                let line = text[..action.span().start.min(text.len())]
                    .matches('\n')
                    .count()
                    + 1;
                config
                    .forbidden_actions
                    .push((action.get_ref().trim().to_string(), line));
            }
        }
        config.source = text.to_string();
        Ok(config)
    }

    /// Adds `--forbid ACTIONS` (comma-separated action patterns) as one more forbidden
    /// access, checked against the catalog like the config's.
    pub fn forbid_actions(&mut self, list: &str) -> Result<(), String> {
        let actions: Vec<String> = list
            .split(',')
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(String::from)
            .collect();
        if actions.is_empty() {
            return Err("--forbid: expected action patterns such as `iam:PassRole`".into());
        }
        for action in &actions {
            check_action_pattern(action).map_err(|e| format!("--forbid: {e}"))?;
        }
        self.forbidden.push(Forbidden {
            actions,
            reason: "named by `--forbid`".into(),
            origin: "--forbid".into(),
            ..Forbidden::default()
        });
        Ok(())
    }

    /// Every forbidden action pattern must name an action of the run's catalog: a misspelt
    /// one would forbid nothing and pass every policy.
    pub fn check_forbidden(&self, catalog: &Catalog) -> Result<(), String> {
        let config_actions = self
            .forbidden_actions
            .iter()
            .map(|(a, line)| (a.as_str(), format!("line {line} (forbid.actions)")));
        let flag_actions = self
            .forbidden
            .iter()
            .filter(|f| f.origin == "--forbid")
            .flat_map(|f| &f.actions)
            .map(|a| (a.as_str(), "--forbid".to_string()));
        for (action, at) in config_actions.chain(flag_actions) {
            if !catalog.expand(action).is_empty() {
                continue;
            }
            let hint = action
                .split_once(':')
                .and_then(|(service, name)| {
                    if catalog.service(service).is_none() {
                        catalog
                            .suggest_service(service)
                            .map(|s| format!(" (no service `{service}`; did you mean `{s}`?)"))
                    } else {
                        catalog
                            .suggest_action(service, name)
                            .map(|a| format!(" (did you mean `{service}:{a}`?)"))
                    }
                })
                .unwrap_or_default();
            return Err(format!(
                "{at}: `{action}` matches no action in the AWS action catalog{hint}"
            ));
        }
        Ok(())
    }

    /// The path a glob is matched against: relative to the config's folder where possible.
    pub fn relative<'p>(&self, path: &'p Path) -> std::borrow::Cow<'p, Path> {
        let path = path.strip_prefix("./").unwrap_or(path);
        if let Some(base) = self
            .path
            .as_ref()
            .and_then(|p| p.parent())
            .filter(|b| !b.as_os_str().is_empty())
        {
            if let (Ok(abs_base), Ok(abs_path)) = (base.canonicalize(), path.canonicalize()) {
                if let Ok(rel) = abs_path.strip_prefix(&abs_base) {
                    return rel.to_path_buf().into();
                }
            }
        }
        path.into()
    }

    pub fn kind_for(&self, path: &Path) -> Option<(PolicyKind, String)> {
        self.held_for(path).map(|(kind, reason, _)| (kind, reason))
    }

    /// The kind the config gives a path, why, and the resource type of what holds the
    /// document where the config names one (`s3-bucket`).
    pub fn held_for(&self, path: &Path) -> Option<(PolicyKind, String, Option<&'static str>)> {
        if self.kinds.is_empty() {
            return None;
        }
        let rel = self.relative(path);
        self.kinds
            .iter()
            .find(|(glob, _)| glob.is_match(&rel))
            .map(|(glob, (kind, held))| {
                (
                    *kind,
                    format!("config: path matches `{}`", glob.glob()),
                    *held,
                )
            })
    }

    /// Whether a rule runs at all for this file.
    pub fn enabled(&self, code: &str, name: &str, ignored_here: &[&Selector]) -> bool {
        // Asked for every rule of every file; most runs select, ignore and override nothing.
        if self.enables_every_rule(ignored_here) {
            return true;
        }
        let selected = self.select.is_empty() || self.select.iter().any(|s| s.matches(code, name));
        let ignored = self
            .ignore
            .iter()
            .chain(ignored_here.iter().copied())
            .any(|s| s.matches(code, name));
        let off = matches!(
            self.severity_override(code, name),
            Some(SeverityOverride::Off)
        );
        selected && !ignored && !off
    }

    /// Whether every rule runs for a file with these per-path ignores: nothing is selected,
    /// ignored or overridden.
    pub fn enables_every_rule(&self, ignored_here: &[&Selector]) -> bool {
        self.select.is_empty()
            && self.ignore.is_empty()
            && self.severity.is_empty()
            && ignored_here.is_empty()
    }

    /// The per-path ignores that apply to this file.
    pub fn ignores_for(&self, path: &Path) -> Vec<&Selector> {
        if self.per_path_ignores.is_empty() {
            return Vec::new();
        }
        let rel = self.relative(path);
        self.per_path_ignores
            .iter()
            .filter(|(glob, _)| glob.is_match(&rel))
            .flat_map(|(_, s)| s)
            .collect()
    }

    /// The most specific override wins: an exact code or name over a prefix.
    pub fn severity_override(&self, code: &str, name: &str) -> Option<&SeverityOverride> {
        self.severity
            .iter()
            .filter(|(s, _)| s.matches(code, name))
            .max_by_key(|(s, _)| if s.0 == name { usize::MAX } else { s.0.len() })
            .map(|(_, o)| o)
    }
}

/// What the command line changes in every config of a run: `--select` replaces the
/// selection, `--ignore` adds to it, `--forbid` adds forbidden access.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    pub select: Vec<Selector>,
    pub ignore: Vec<Selector>,
    pub forbid: Vec<String>,
}

impl Overrides {
    pub fn apply(&self, config: &mut Config) -> Result<(), String> {
        if !self.select.is_empty() {
            config.select = self.select.clone();
        }
        config.ignore.extend(self.ignore.iter().cloned());
        for list in &self.forbid {
            config.forbid_actions(list)?;
        }
        Ok(())
    }
}

/// An action pattern as a policy writes one: `*`, or `service:Action` with wildcards.
fn check_action_pattern(action: &str) -> Result<(), String> {
    let valid = action == "*"
        || action.split_once(':').is_some_and(|(service, name)| {
            !service.is_empty()
                && !name.is_empty()
                && !name.contains(':')
                && !action.contains(char::is_whitespace)
        });
    if valid {
        Ok(())
    } else {
        Err(format!(
            "expected an action pattern such as `iam:PassRole` or `s3:Delete*`, found `{action}`"
        ))
    }
}

/// One `[[forbid]]` entry, checked: a reason, actions or resources, and values shaped as a
/// policy would write them.
fn forbidden(
    entry: &RawForbid,
    line: usize,
    at: &impl Fn(std::ops::Range<usize>) -> String,
) -> Result<Forbidden, String> {
    let reason = entry
        .reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .ok_or_else(|| {
            format!("line {line} ([[forbid]]): a forbidden access needs a `reason` saying why")
        })?;
    if entry.actions.is_empty() && entry.resources.is_empty() {
        return Err(format!(
            "line {line} ([[forbid]]): name the `actions` (and optionally `resources`) no policy may grant"
        ));
    }
    for action in &entry.actions {
        check_action_pattern(action.get_ref().trim())
            .map_err(|e| format!("{} (forbid.actions): {e}", at(action.span())))?;
    }
    for resource in &entry.resources {
        let value = resource.get_ref().trim();
        if value != "*" && !value.starts_with("arn:") {
            return Err(format!(
                "{} (forbid.resources): expected `*` or an ARN pattern such as `arn:aws:s3:::payroll/*`, found `{value}`",
                at(resource.span())
            ));
        }
    }
    for principal in &entry.principals {
        let value = principal.get_ref().trim();
        if value.is_empty() || value.contains(char::is_whitespace) {
            return Err(format!(
                "{} (forbid.principals): expected `*`, an account ID, an ARN or a service name, found `{value}`",
                at(principal.span())
            ));
        }
    }
    let strings = |v: &[Spanned<String>]| -> Vec<String> {
        v.iter().map(|s| s.get_ref().trim().to_string()).collect()
    };
    Ok(Forbidden {
        actions: strings(&entry.actions),
        resources: strings(&entry.resources),
        principals: strings(&entry.principals),
        reason: reason.to_string(),
        origin: format!("config line {line}"),
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn former_names_lead_to_rules_that_exist() {
        for (old, new) in crate::code::FORMER_NAMES {
            assert_eq!(crate::code::current_rule_name(old), *new);
            assert!(
                crate::rules::all_rules().iter().any(|r| r.name == *new),
                "{new}"
            );
            assert!(
                !crate::rules::all_rules().iter().any(|r| r.name == *old),
                "{old}"
            );
        }
        assert_eq!(crate::code::current_rule_name("placeholder"), "placeholder");
        let old = super::Selector::parse("variable-in-numeric-or-date").unwrap();
        assert!(old.matches("N009", "variable-in-non-string-operator"));
        assert!(!old.matches("N008", "bool-multiple-values"));
    }
}
