//! `path:line:col: severity[CODE] message`, one line per finding: for editors and grep.

use crate::diagnostic::Finding;
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
