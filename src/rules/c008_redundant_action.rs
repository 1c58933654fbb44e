//! C008 redundant-action: an action listed twice in one statement, or covered by another
//! pattern in the same list (`s3:GetObject` next to `s3:Get*`). Removing it changes nothing.

use super::Context;
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::pattern::{first_wildcard_short, pattern_covers};
use crate::policy::Statement;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    // Action names compare without regard to case.
    super::redundant_values(
        cx,
        out,
        Code::C008,
        |s| [s.action, s.not_action],
        true,
        action_wildcards,
        |action| action,
        |general, specific| pattern_covers(general, specific, true),
    );
}

/// Where each action of `Action` (`list` 0) or `NotAction` (1) has its first wildcard (an
/// action is its own key): the document's action table already knows which have one, so
/// only those are searched.
fn action_wildcards<'c>(
    cx: &Context<'c>,
    s: &Statement<'c>,
    list: usize,
    actions: &[&str],
    heads: &mut [Option<usize>],
) {
    let table = cx.actions(s);
    let (listed, all) = (table.listed(), table.all());
    let entries = if list == 0 {
        listed
    } else {
        &all[listed.len()..]
    };
    if entries.len() != actions.len() {
        return super::first_wildcards(cx, s, list, actions, heads);
    }
    for ((head, entry), action) in heads.iter_mut().zip(entries).zip(actions) {
        *head = if entry.wildcard {
            first_wildcard_short(action)
        } else {
            None
        };
    }
}
