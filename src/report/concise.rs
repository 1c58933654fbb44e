//! `path:line:col: severity[CODE] message`, one line per finding: for editors and grep.

use crate::diagnostic::Finding;
use crate::sink::Checked;
use std::io::Write;

pub fn render(findings: &[&Finding]) -> Vec<u8> {
    let mut out = Vec::new();
    for f in findings {
        // Writing to a Vec cannot fail.
        let _ = writeln!(
            out,
            "{}:{}:{}: {}[{}] {}",
            f.path, f.line, f.column, f.severity, f.rule, f.message
        );
    }
    out
}

pub(crate) struct Concise;

impl super::Emit for Concise {
    fn render(
        &self,
        _: &[Checked],
        found: &[&Finding],
        _: &super::Style,
    ) -> std::io::Result<super::Part> {
        Ok(super::Part::text(render(found)))
    }

    /// The summary line, as the human format ends, so that what `--show` hides is counted.
    fn finish(
        &self,
        out: &mut dyn Write,
        _: &mut super::Kept,
        style: &super::Style,
        end: &super::End,
    ) -> std::io::Result<()> {
        super::human::finish(out, style, end)
    }
}
