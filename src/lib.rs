//! iamlint: a static analyzer for AWS IAM policy documents and KMS key policies.
//!
//! The library runs the same pipeline as the CLI: [`stream::run`] hands each checked file to
//! a sink in the report's order (the CLI's emitters write it out and drop it); [`run`]
//! collects them into a whole [`Report`]; [`check::check_bytes`] checks one file's bytes.
//!
//! Modules that only the pipeline uses are `pub(crate)`; those that say so warn
//! (`unreachable_pub`) on items that look public but are not.

pub mod access;
pub(crate) mod bytes;
pub mod catalog;
pub mod check;
pub mod code;
pub mod config;
pub mod configs;
pub mod diagnostic;
pub mod diff;
pub mod evaluate;
pub mod expand;
pub mod explain;
pub mod filter;
pub mod json;
pub(crate) mod location;
pub mod outcome;
pub mod pattern;
pub(crate) mod place;
pub mod policy;
pub mod report;
pub mod rules;
#[cfg(test)]
pub(crate) mod seeded;
pub mod sink;
pub mod source;
pub(crate) mod spool;
pub mod stream;
pub mod suggest;

pub use outcome::{InputError, Report, Summary};
pub use source::Selection;

use check::Options;

/// Discovers, reads and checks every file, in parallel, and keeps them all (unfiltered: see
/// [`filter::apply`]); the report's order does not depend on the number of threads. This is
/// [`stream::run`] with a sink that keeps every file.
pub fn run(selection: &Selection, opts: &Options) -> Result<Report, String> {
    let mut collect = sink::Collect::default();
    let outcome = stream::run(selection, opts, None, &mut collect).map_err(|e| e.to_string())?;
    let mut files = collect.files;
    files.sort_by_key(|c| c.input);
    Ok(Report {
        files: files.into_iter().map(|c| c.file).collect(),
        outcome,
    })
}
