//! Which config governs which file: the nearest `iamlint.toml` at or above it, as ruff finds
//! its settings, so one run (a pre-commit hook's list of files, a walk that meets
//! `sub/iamlint.toml`) checks each file with its own config. `--config` chooses one for
//! every file. Looked up once per folder and loaded once per config, on any thread.

use crate::catalog::Catalog;
use crate::config::{Config, Overrides, FILE_NAME};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The config of one file: the run's own, or one found nearer to the file.
pub enum ConfigRef<'a> {
    Run(&'a Config),
    Found(Arc<Config>),
}

impl std::ops::Deref for ConfigRef<'_> {
    type Target = Config;
    fn deref(&self) -> &Config {
        match self {
            ConfigRef::Run(config) => config,
            ConfigRef::Found(config) => config,
        }
    }
}

/// Resolves each file's config. The default resolves none: every file gets the run's
/// config (`--config`, and library callers that give one config).
#[derive(Default)]
pub struct ConfigSet {
    discovery: Option<Discovery>,
}

struct Discovery {
    cwd: PathBuf,
    /// The run config's file, resolved: a file under it gets the run's own config.
    run_path: Option<PathBuf>,
    /// `--select`, `--ignore`, `--forbid`: applied to every config found.
    overrides: Overrides,
    /// The config file nearest above each folder, as the path to it was given.
    /// Keyed by the folder's spelling (every file asks twice, when it is checked and when
    /// it is filtered; hashing a `Path` goes component by component): two spellings of one
    /// folder are two entries with the same answer.
    by_folder: Mutex<rustc_hash::FxHashMap<std::ffi::OsString, Option<PathBuf>>>,
    /// Each config file read, or why it could not be.
    loaded: Mutex<HashMap<PathBuf, Result<Arc<Config>, String>>>,
}

impl ConfigSet {
    /// Each file's nearest config from `cwd`; `run` is the run's config, whose file
    /// (`run_path`) need not be read again.
    pub fn discover(cwd: PathBuf, run_path: Option<&Path>, overrides: Overrides) -> Self {
        ConfigSet {
            discovery: Some(Discovery {
                run_path: run_path.map(|p| cwd.join(p).canonicalize().unwrap_or(cwd.join(p))),
                cwd,
                overrides,
                by_folder: Mutex::default(),
                loaded: Mutex::default(),
            }),
        }
    }

    /// The config for the file at `path` (standard input: the run's). An error is a config
    /// found for it that cannot be read or is wrong, naming that config.
    pub fn for_path<'a>(
        &self,
        path: &Path,
        run: &'a Config,
        catalog: &Catalog,
    ) -> Result<ConfigRef<'a>, String> {
        let Some(discovery) = &self.discovery else {
            return Ok(ConfigRef::Run(run));
        };
        if path.as_os_str() == "-" {
            return Ok(ConfigRef::Run(run));
        }
        let folder = match path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        let known = lock(&discovery.by_folder).get(folder.as_os_str()).cloned();
        let found = match known {
            Some(found) => found,
            None => {
                let found = nearest(&discovery.cwd.join(folder));
                lock(&discovery.by_folder).insert(folder.as_os_str().to_owned(), found.clone());
                found
            }
        };
        let Some(found) = found.filter(|f| Some(f) != discovery.run_path.as_ref()) else {
            return Ok(ConfigRef::Run(run));
        };
        let mut loaded = lock(&discovery.loaded);
        let config = loaded
            .entry(found.clone())
            .or_insert_with(|| discovery.load(&found, catalog).map(Arc::new));
        config
            .as_ref()
            .map(|c| ConfigRef::Found(c.clone()))
            .map_err(Clone::clone)
    }

    /// The configs other than the run's that governed a file so far, by path.
    pub fn found(&self) -> Vec<Arc<Config>> {
        let Some(discovery) = &self.discovery else {
            return Vec::new();
        };
        let mut found: Vec<Arc<Config>> = lock(&discovery.loaded)
            .values()
            .filter_map(|c| c.as_ref().ok().cloned())
            .collect();
        found.sort_by(|a, b| a.path.cmp(&b.path));
        found
    }

    /// What a config found for some files sets that only the run's config can: output and
    /// exit settings and the catalog apply to the whole run (ruff's top-level settings).
    pub fn run_level_conflicts(&self, run: &Config) -> Vec<String> {
        let Some(discovery) = &self.discovery else {
            return Vec::new();
        };
        let mut said = Vec::new();
        for config in self.found() {
            let mut keys = Vec::new();
            if config.fail_on.is_some() && config.fail_on != run.fail_on {
                keys.push("fail-on");
            }
            if config.show.is_some() && config.show != run.show {
                keys.push("show");
            }
            if config.catalog.is_some() && config.catalog != run.catalog {
                keys.push("catalog");
            }
            if keys.is_empty() {
                continue;
            }
            let shown = |path: &Path| {
                let relative = discovery
                    .cwd
                    .canonicalize()
                    .ok()
                    .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf));
                relative
                    .unwrap_or_else(|| path.to_path_buf())
                    .display()
                    .to_string()
            };
            let (they, them) = match keys.len() {
                1 => ("it applies", "it"),
                _ => ("they apply", "them"),
            };
            let from = match &run.path {
                Some(run) => format!("from {}", shown(run)),
                None => "from the defaults (no iamlint.toml above the current folder)".into(),
            };
            said.push(format!(
                "{}: `{}` not used: {they} to the whole run, which takes {them} {from}",
                shown(config.path.as_deref().unwrap_or(Path::new(FILE_NAME))),
                keys.join("`, `"),
            ));
        }
        said
    }
}

impl Discovery {
    fn load(&self, path: &Path, catalog: &Catalog) -> Result<Config, String> {
        let mut config = Config::load(path)?;
        self.overrides.apply(&mut config)?;
        config
            .check_forbidden(catalog)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(config)
    }
}

/// The nearest `iamlint.toml` in `folder` or above it, resolved.
fn nearest(folder: &Path) -> Option<PathBuf> {
    let folder = folder.canonicalize().ok()?;
    folder
        .ancestors()
        .map(|dir| dir.join(FILE_NAME))
        .find(|candidate| candidate.is_file())
}

/// A poisoned lock only means another file's check panicked, which ends the run anyway.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_file_gets_its_nearest_config_read_once() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::create_dir_all(root.join("sub/deeper")).unwrap();
        std::fs::write(root.join(FILE_NAME), "ignore = [\"P\"]\n").unwrap();
        std::fs::write(root.join("sub").join(FILE_NAME), "ignore = [\"K\"]\n").unwrap();
        let run = Config::load(&root.join(FILE_NAME)).unwrap();
        let overrides = Overrides {
            ignore: vec![crate::config::Selector::parse("A001").unwrap()],
            ..Overrides::default()
        };
        let set = ConfigSet::discover(root.clone(), run.path.as_deref(), overrides);
        let catalog = Catalog::embedded();
        let here = set.for_path(Path::new("a.json"), &run, catalog).unwrap();
        assert!(matches!(here, ConfigRef::Run(_)));
        let found = |path: &str| match set.for_path(Path::new(path), &run, catalog).unwrap() {
            ConfigRef::Found(config) => config,
            ConfigRef::Run(_) => panic!("{path} got the run's config"),
        };
        let (a, b) = (found("sub/a.json"), found("sub/deeper/b.json"));
        assert!(Arc::ptr_eq(&a, &b), "one config, read once");
        // Its own keys, and the command line's on top.
        let ignored: Vec<&str> = a.ignore.iter().map(|s| s.as_str()).collect();
        assert_eq!(ignored, ["K", "A001"]);
        assert_eq!(set.found().len(), 1);
        // `--config`: every file gets the run's.
        let forced = ConfigSet::default();
        let sub = forced.for_path(Path::new("sub/a.json"), &run, catalog);
        assert!(matches!(sub, Ok(ConfigRef::Run(_))));
    }
}
