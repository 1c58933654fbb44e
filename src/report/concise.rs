//! `path:line:col: severity[CODE] message`, one line per finding: for editors and grep.

use crate::Report;
use std::io::{self, Write};

pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    for f in report.findings() {
        writeln!(
            out,
            "{}:{}:{}: {}[{}] {}",
            f.path, f.line, f.column, f.severity, f.rule, f.message
        )?;
    }
    Ok(())
}
