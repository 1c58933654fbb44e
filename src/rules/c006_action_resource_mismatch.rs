//! C006 action-resource-mismatch: an action whose resources are all of the wrong type for
//! it (`s3:ListBucket` with only object ARNs, `s3:ListAllMyBuckets` with a bucket ARN). The
//! statement can never match a request for that action.

use super::lookup::ActionName;
use super::{resources, Context};
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::policy::has_wildcard;

/// How many of an action's templates a message names.
const SHOWN: usize = 3;

/// Room for the usual C006 message, so that it is written without growing.
const MESSAGE_CAPACITY: usize = 256;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for s in &cx.policy.statements {
        let Some(resources) = resources::of(cx, s) else {
            continue;
        };
        let arns = resources.values();
        if arns.is_empty() || !(0..arns.len()).all(|i| resources.is_arn(i)) {
            continue;
        }
        let mut arns_fit = None;
        // AWS authorizes some actions without resource types against wildcard ARNs such as
        // `arn:aws:logs:*:*:log-group:*` in practice; only concrete ARNs are sure misses.
        // Asked only of an action that takes `*` alone.
        let mut concrete = None;
        for (i, &value) in resources.actions(cx).iter().enumerate() {
            let Some(name) = ActionName::parse(value) else {
                continue;
            };
            let Some(templates) = resources.action_templates(cx, i) else {
                continue;
            };
            let star_only = templates.len() == 0;
            // The actions of a statement share templates: a template found met is noted on
            // each of its copies, so the others need not match it again.
            let applies = resources.action_fits(cx, i);
            if applies
                || (star_only
                    && !*concrete
                        .get_or_insert_with(|| arns.iter().all(|r| !has_wildcard(r.value))))
            {
                continue;
            }
            // Joined, not `format!`ted: C006 fires by the thousand.
            let text = value.value;
            let message = if star_only {
                let (before, after) = if name.is_wildcard() {
                    ("the actions matched by `", "` have")
                } else {
                    ("`", "` has")
                };
                [before, text, after, " no resource-level permissions: only `\"Resource\": \"*\"` matches, and this statement does not list it"].concat()
            } else if !*arns_fit.get_or_insert_with(|| {
                // Whether every resource fits some action of the statement.
                resources.statement_templates(cx).is_none() || resources.all_values_fit(cx)
            }) {
                // C005 reports the ARN that fits nothing; one finding per mistake.
                continue;
            } else {
                // Written into one string, the shown templates only.
                let total = templates.len();
                let before = if name.is_wildcard() {
                    "no action matched by `"
                } else {
                    "`"
                };
                let mut message = String::with_capacity(MESSAGE_CAPACITY);
                message.extend([
                    before,
                    text,
                    "` acts on none of this statement's resources; it takes ",
                ]);
                for (n, t) in templates.take(SHOWN).enumerate() {
                    let comma = if n == 0 { "" } else { ", " };
                    message.extend([comma, t.resource_type, " `", t.template, "`"]);
                }
                if total > SHOWN {
                    use std::fmt::Write;
                    let _ = write!(message, " and {} more", total - SHOWN);
                }
                message
            };
            out.push(
                Diagnostic::new(Code::C006, value.span, message)
                    .help("add the resource this action acts on, or move the action to a statement with the right resources")
                    .at([s.pointer.as_str(), "/Action"].concat()),
            );
        }
    }
}
