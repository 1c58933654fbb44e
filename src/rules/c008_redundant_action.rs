//! C008 redundant-action: an action listed twice in one statement, or covered by another
//! pattern in the same list (`s3:GetObject` next to `s3:Get*`). Removing it changes nothing.

use super::Context;
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::pattern::{first_wildcard_short, pattern_covers};
use crate::policy::{Statement, Str};

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

/// Where each action of `Action` (`list` 0) or `NotAction` (1) has its first wildcard: the
/// document's action table already knows which have one, so only those are searched.
fn action_wildcards<'c>(
    cx: &Context<'c>,
    s: &Statement<'c>,
    list: usize,
    values: &[Str<'c>],
    heads: &mut [Option<usize>],
) {
    let actions = cx.actions(s);
    let (listed, all) = (actions.listed(), actions.all());
    let entries = if list == 0 {
        listed
    } else {
        &all[listed.len()..]
    };
    if entries.len() != values.len() {
        return super::first_wildcards(cx, s, list, values, heads);
    }
    for (head, entry) in heads.iter_mut().zip(entries) {
        *head = if entry.wildcard {
            first_wildcard_short(entry.text.value)
        } else {
            None
        };
    }
}
