//! `--statistics`: how many findings each rule raised, most first, for planning a clean-up.

use crate::outcome::Report;
use crate::sink::{Checked, Sink};
use crate::spool::Spool;
use crate::{InputError, Summary};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::{self, Write};

/// Counts per rule, kept as the files stream past.
#[derive(Default)]
pub struct Statistics {
    counts: BTreeMap<(&'static str, &'static str), usize>,
}

/// One rule's row in `--statistics --format json`.
#[derive(Serialize)]
struct Row<'a> {
    rule: &'a str,
    name: &'a str,
    count: usize,
}

/// `--statistics --format json`: the rows, then the run's errors and summary as the JSON
/// format writes them.
#[derive(Serialize)]
struct JsonStatistics<'a> {
    statistics: Vec<Row<'a>>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    errors: &'a [InputError],
    summary: &'a Summary,
}

impl Statistics {
    /// Most findings first, then by code.
    fn rows(&self) -> Vec<(&(&'static str, &'static str), &usize)> {
        let mut rows: Vec<_> = self.counts.iter().collect();
        rows.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        rows
    }

    pub fn write_json(
        &self,
        summary: &Summary,
        errors: &[InputError],
        out: &mut dyn Write,
    ) -> io::Result<()> {
        let statistics = self
            .rows()
            .into_iter()
            .map(|(&(rule, name), &count)| Row { rule, name, count })
            .collect();
        let value = JsonStatistics {
            statistics,
            errors,
            summary,
        };
        serde_json::to_writer_pretty(&mut *out, &value)?;
        writeln!(out)
    }

    pub fn write(&self, out: &mut dyn Write) -> io::Result<()> {
        let rows = self.rows();
        let width = rows
            .iter()
            .map(|r| r.1.to_string().len())
            .max()
            .unwrap_or(1);
        for ((code, name), count) in rows {
            writeln!(out, "{count:>width$}  {code}  {name}")?;
        }
        Ok(())
    }
}

impl Sink for Statistics {
    type Part = Vec<(&'static str, &'static str)>;
    type Renderer = ();

    fn renderer(&self) {}

    fn render(_: &(), group: &mut Vec<Checked>) -> io::Result<Self::Part> {
        Ok(group
            .iter()
            .flat_map(|c| &c.file.findings)
            .map(|f| (f.rule, f.name))
            .collect())
    }

    fn accept(&mut self, part: Self::Part, _: &mut Spool) -> io::Result<()> {
        for key in part {
            *self.counts.entry(key).or_default() += 1;
        }
        Ok(())
    }
}

pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let mut statistics = Statistics::default();
    super::replay(report, &mut statistics)?;
    statistics.write(out)
}
