//! The stage after checking: drops the findings a team has accepted — in the config
//! (`[[suppress]]`, see [`suppress`]) or in a baseline file (see [`baseline`]) — and counts
//! what it dropped, so emitters print only what is left. Rule selection and severity
//! overrides are applied while checking: a rule that is off never runs.
//!
//! A [`Filter`] takes one file at a time, on any thread; what it learns across files (which
//! suppressions were used, which baseline entries matched) it keeps for the end of the run.

pub mod baseline;
pub mod inline;
pub mod suppress;

use crate::catalog::Catalog;
use crate::config::Config;
use crate::configs::{ConfigRef, ConfigSet};
pub use crate::outcome::Accepted;
use crate::outcome::FileReport;
use crate::outcome::{Report, Tally};
use baseline::{Baseline, Matcher};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};

fn unused_flags(config: &Config) -> Vec<AtomicBool> {
    config
        .suppressions
        .iter()
        .map(|_| AtomicBool::new(false))
        .collect()
}

pub struct Filter<'a> {
    /// The run's config, and with `configs` the one of each file nearer to it.
    pub config: &'a Config,
    configs: Option<(&'a ConfigSet, &'a Catalog)>,
    /// Which of the run config's `[[suppress]]` entries accepted a finding so far.
    used: Vec<AtomicBool>,
    /// The same for each config found nearer to some file, by its path.
    used_found: Mutex<HashMap<PathBuf, Arc<Vec<AtomicBool>>>>,
    pub baseline: Option<Matcher<'a>>,
}

impl<'a> Filter<'a> {
    /// With one config for every file.
    pub fn new(config: &'a Config, baseline: Option<&'a Baseline>) -> Self {
        Filter {
            config,
            configs: None,
            used: unused_flags(config),
            used_found: Mutex::default(),
            baseline: baseline.map(Matcher::new),
        }
    }

    /// With each file's nearest config from `configs` (the run's `config` where none is nearer).
    pub fn with_configs(
        config: &'a Config,
        configs: &'a ConfigSet,
        catalog: &'a Catalog,
        baseline: Option<&'a Baseline>,
    ) -> Self {
        Filter {
            configs: Some((configs, catalog)),
            ..Filter::new(config, baseline)
        }
    }

    /// The same filter without a baseline, to learn what files leave after suppression.
    pub fn learner(&self) -> Filter<'a> {
        Filter {
            configs: self.configs,
            ..Filter::new(self.config, None)
        }
    }

    /// Suppressions first, then the baseline: a baseline never needs to record what the
    /// config already accepts. `input` is the file's place in the input order.
    pub fn file(&self, file: &mut FileReport, input: usize) -> Accepted {
        let found = self.configs.and_then(|(configs, catalog)| {
            match configs.for_path(Path::new(&*file.path), self.config, catalog) {
                Ok(ConfigRef::Found(config)) => Some(config),
                _ => None,
            }
        });
        let suppressed = match found {
            Some(config) => {
                let used = self.used_found(&config);
                suppress::filter(&config, &used, file)
            }
            None => suppress::filter(self.config, &self.used, file),
        };
        let baselined = match &self.baseline {
            Some(matcher) => matcher.filter(file, input),
            None => 0,
        };
        Accepted {
            suppressed,
            baselined,
        }
    }

    fn used_found(&self, config: &Config) -> Arc<Vec<AtomicBool>> {
        let key = config.path.clone().unwrap_or_default();
        let mut used = self.used_found.lock().unwrap_or_else(|e| e.into_inner());
        used.entry(key)
            .or_insert_with(|| Arc::new(unused_flags(config)))
            .clone()
    }

    /// The report entries for the config files with unused suppressions (L001): the run's
    /// config, then each config found for some file, by path. For each, only entries whose
    /// files all lie in the walked `folders`, matched against the baseline (which may record
    /// them) but never suppressed themselves. Call it once every file has been filtered;
    /// `input` is the first place after every input.
    pub fn config_reports(
        &self,
        input: usize,
        folders: &[std::path::PathBuf],
    ) -> Vec<(FileReport, Accepted)> {
        let mut configs: Vec<(Arc<Config>, Arc<Vec<AtomicBool>>)> = Vec::new();
        if let Some((set, _)) = self.configs {
            for config in set.found() {
                let used = self.used_found(&config);
                configs.push((config, used));
            }
        }
        let run = std::iter::once((self.config, &self.used[..]));
        let found = configs.iter().map(|(c, u)| (&**c, &u[..]));
        let mut reports = Vec::new();
        for (config, used) in run.chain(found) {
            if config.suppressions.is_empty() {
                continue;
            }
            let scopes = config.scopes(folders);
            let Some(mut file) = suppress::unused_report(config, used, &scopes) else {
                continue;
            };
            let baselined = match &self.baseline {
                Some(matcher) => matcher.filter(&mut file, input + reports.len()),
                None => 0,
            };
            let accepted = Accepted {
                suppressed: 0,
                baselined,
            };
            reports.push((file, accepted));
        }
        reports
    }

    /// Baseline entries for checked files that matched nothing; call it at the end.
    pub fn stale_baseline(&self) -> usize {
        self.baseline.as_ref().map_or(0, Matcher::stale)
    }
}

/// Filters a whole report, in its file order, as a streamed run filters each file, and
/// counts what is left as the run does.
pub fn apply(report: &mut Report, config: &Config, baseline: Option<&Baseline>) {
    let filter = Filter::new(config, baseline);
    let mut tally = Tally::default();
    for (input, file) in report.files.iter_mut().enumerate() {
        let accepted = filter.file(file, input);
        tally.file(file, accepted);
    }
    for (file, accepted) in filter.config_reports(report.files.len(), &report.outcome.folders) {
        tally.file(&file, accepted);
        report.files.push(file);
    }
    report.outcome.tally = tally;
    report.outcome.stale_baseline += filter.stale_baseline();
}
