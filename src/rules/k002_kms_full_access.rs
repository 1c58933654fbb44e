//! K002 kms-full-access: `kms:*` given to a principal other than the account root in a key
//! policy. No application or person needs both full administration and every
//! cryptographic use of a key; the root delegation (K001) is AWS's default and not this.

use super::principals::is_root;
use super::{allows, Context};
use crate::code::Code;
use crate::diagnostic::Diagnostic;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for s in allows(cx) {
        let principals = s.principals();
        let others: Vec<&str> = principals
            .iter()
            .filter(|p| !is_root(p))
            .map(|p| p.value.value)
            .collect();
        if others.is_empty() {
            continue;
        }
        for action in s
            .actions()
            .iter()
            .filter(|a| a.value.eq_ignore_ascii_case("kms:*"))
        {
            out.push(
                Diagnostic::new(
                    Code::K002,
                    action.span,
                    format!(
                        "`{}` gives {} every action on this key: administration, deletion and every cryptographic use",
                        action.value,
                        others
                            .iter()
                            .map(|p| format!("`{p}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
                // The help is the page's `fix` line: one place for it.
                .at(format!("{}/Action", s.pointer)),
            );
        }
    }
}
