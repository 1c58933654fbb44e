//! The stage after checking: drops the findings a team has accepted — in the config
//! (`[[suppress]]`, see [`suppress`]) or in a baseline file (see [`baseline`]) — and counts
//! what it dropped, so emitters print only what is left. Rule selection and severity
//! overrides are applied while checking: a rule that is off never runs.

pub mod baseline;
pub mod suppress;

use crate::config::Config;
use crate::Report;
use baseline::Baseline;

/// Suppressions first, then the baseline: a baseline never needs to record what the config
/// already accepts.
pub fn apply(report: &mut Report, config: &Config, baseline: Option<&Baseline>) {
    suppress::apply(report, config);
    if let Some(baseline) = baseline {
        baseline::apply(report, baseline);
    }
}
