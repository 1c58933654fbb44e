//! `--statistics`: how many findings each rule raised, most first, for planning a clean-up.

use crate::Report;
use std::collections::BTreeMap;
use std::io::{self, Write};

pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let mut counts: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for finding in report.findings() {
        *counts.entry((finding.rule, finding.name)).or_default() += 1;
    }
    let mut rows: Vec<((&str, &str), usize)> = counts.into_iter().collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
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
