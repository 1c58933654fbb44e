//! C008 redundant-action: an action listed twice in one statement, or covered by another
//! pattern in the same list (`s3:GetObject` next to `s3:Get*`). Removing it changes nothing.

use super::Context;
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::pattern::pattern_covers;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    // Action names compare without regard to case.
    super::redundant_values(
        cx,
        out,
        Code::C008,
        |s| [s.action, s.not_action],
        true,
        |action| action,
        |general, specific| pattern_covers(general, specific, true),
    );
}
