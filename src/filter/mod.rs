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

use crate::config::Config;
pub use crate::outcome::Accepted;
use crate::outcome::FileReport;
use crate::outcome::{Report, Tally};
use baseline::{Baseline, Matcher};
use std::sync::atomic::AtomicBool;

pub struct Filter<'a> {
    pub config: &'a Config,
    /// Which `[[suppress]]` entries accepted a finding so far.
    used: Vec<AtomicBool>,
    pub baseline: Option<Matcher<'a>>,
}

impl<'a> Filter<'a> {
    pub fn new(config: &'a Config, baseline: Option<&'a Baseline>) -> Self {
        Filter {
            config,
            used: config
                .suppressions
                .iter()
                .map(|_| AtomicBool::new(false))
                .collect(),
            baseline: baseline.map(Matcher::new),
        }
    }

    /// Suppressions first, then the baseline: a baseline never needs to record what the
    /// config already accepts. `input` is the file's place in the input order.
    pub fn file(&self, file: &mut FileReport, input: usize) -> Accepted {
        let suppressed = suppress::filter(self.config, &self.used, file);
        let baselined = match &self.baseline {
            Some(matcher) => matcher.filter(file, input),
            None => 0,
        };
        Accepted {
            suppressed,
            baselined,
        }
    }

    /// The report entry for the config file with its unused suppressions (L001) among those
    /// whose files all lie in the walked `folders`, matched against the baseline (which may
    /// record them) but never suppressed itself. Call it once every file has been filtered;
    /// `input` is its place after every input.
    pub fn config_report(
        &self,
        input: usize,
        folders: &[std::path::PathBuf],
    ) -> Option<(FileReport, Accepted)> {
        if self.config.suppressions.is_empty() {
            return None;
        }
        let scopes = self.config.scopes(folders);
        let mut file = suppress::unused_report(self.config, &self.used, &scopes)?;
        let baselined = match &self.baseline {
            Some(matcher) => matcher.filter(&mut file, input),
            None => 0,
        };
        Some((
            file,
            Accepted {
                suppressed: 0,
                baselined,
            },
        ))
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
    if let Some((file, accepted)) =
        filter.config_report(report.files.len(), &report.outcome.folders)
    {
        tally.file(&file, accepted);
        report.files.push(file);
    }
    report.outcome.tally = tally;
    report.outcome.stale_baseline += filter.stale_baseline();
}
