//! C007 resource-star: `"Resource": "*"` in an identity policy's Allow for actions that can
//! be scoped to specific resources. Least privilege names the resources. A condition that
//! narrows the target (`iam:AWSServiceName`, `aws:ResourceTag/...`) scopes it as well. An
//! ARN that is `*` in all but its partition, service and resource type (`arn:*:cloudtrail:*:*:trail/*`,
//! `arn:aws:s3:::*/*`) is effectively `*`, and is said the same way. One problem, one
//! finding: the KMS actions of a statement that can use every key are K009's, and
//! `iam:PassRole` on `*` is A007's.

use super::lookup::Resolved;
use super::{allows, kms, resources, Context};
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::pattern::Glob;
use crate::policy::{arn, Str};

/// How many of the scoped actions the message names.
const SHOWN: usize = 6;

/// Whether every character is `*`: a field that stands for any value (an empty field, as
/// S3's Region and account, holds nothing to narrow either).
fn any_value(field: &str) -> bool {
    field.bytes().all(|b| b == b'*')
}

/// An ARN that names every resource of its type in every Region and account: its Region
/// and account are `*` (or empty) and its resource is `*`-only segments, after the literal
/// resource type of one of the service's ARN templates at most (`trail/*`, `*/*`, `*`; not
/// `my-bucket/*`, whose first segment is a name).
fn effectively_star(cx: &Context, parts: &arn::Arn) -> bool {
    // The partition is not a narrowing: an account lives in one.
    if !(any_value(parts.region.text) && any_value(parts.account.text)) {
        return false;
    }
    let mut segments = parts.resource.text.split(['/', ':']);
    let first = segments.next().unwrap_or_default();
    // The segments after the first, read without collecting them (every ARN of every Allow
    // comes here).
    let mut more = false;
    for segment in segments {
        if segment.is_empty() || !any_value(segment) {
            return false;
        }
        more = true;
    }
    if !first.is_empty() && any_value(first) {
        return true;
    }
    more && is_resource_type(cx, parts.service.text, first)
}

/// Whether `word` is the literal type that starts the resource part of one of the service's
/// ARN templates (`trail` in `arn:${Partition}:cloudtrail:${Region}:${Account}:trail/${TrailName}`).
fn is_resource_type(cx: &Context, service: &str, word: &str) -> bool {
    // A template's variable part (`${BucketName}`) is a name, not a type.
    if word.contains('$') {
        return false;
    }
    let Some(arns) = cx
        .catalog()
        .service_id(service)
        .and_then(|id| cx.catalog().arns(id))
    else {
        return false;
    };
    // The templates were split when the service was loaded; `word` holds no separator.
    arns.templates.iter().any(|t| {
        t.resource().is_some_and(|resource| {
            resource.starts_with(word)
                && matches!(
                    resource.as_bytes().get(word.len()),
                    None | Some(b'/' | b':')
                )
        })
    })
}

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for s in allows(cx) {
        if s.resource.is_none() || super::conditions::scopes_target(s) {
            continue;
        }
        // `Resource`'s values, split once for the rules that read them.
        let split = resources::of(cx, s);
        let Some(star) = s.resources().iter().enumerate().find_map(|(i, r)| {
            let star = r.value == "*"
                || split
                    .and_then(|split| split.arn(i))
                    .is_some_and(|parts| effectively_star(cx, parts));
            star.then_some(r)
        }) else {
            continue;
        };
        let literal = star.value == "*";
        // What a more specific rule already reports on this `*` (K009's question is asked
        // once a KMS action comes up).
        let mut every_key = None;
        // Compared as bytes, not as strings: a statement may list hundreds of actions, and a
        // string comparison calls `memcmp` for every three-letter service.
        let mut owned = |service: &str, action: &str| {
            (service.as_bytes() == b"kms"
                && *every_key.get_or_insert_with(|| {
                    kms::every_key(star) && cx.kms().every_key_use(s).is_some()
                }))
                || (literal && service.as_bytes() == b"iam" && action == "PassRole")
        };
        // An effectively-`*` ARN counts the actions whose resource types it reaches.
        let glob = (!literal).then(|| Glob::new(star.value));
        let fits = |i: usize| {
            let Some(glob) = &glob else {
                return true;
            };
            resources::of(cx, s)
                .and_then(|r| r.action_templates(cx, i))
                .is_some_and(|mut templates| templates.any(|t| t.glob.intersects(glob)))
        };
        // The message is written as the names come, into one string: only the names it
        // shows are written (a statement may list hundreds), and a statement with none
        // allocates nothing.
        let mut message = String::new();
        let mut scoped = 0;
        for (i, entry) in cx.actions(s).listed().iter().enumerate() {
            // Wildcards are C004's: their expansion already says what they reach.
            if entry.wildcard || entry.name.is_none() || !fits(i) {
                continue;
            }
            let Resolved::Actions(found) = &entry.resolved else {
                continue;
            };
            for (svc, action) in found.iter() {
                if action.resource_types.is_empty() || owned(svc.prefix, action.name) {
                    continue;
                }
                if scoped == 0 {
                    message.reserve(MESSAGE_CAPACITY);
                    open_message(&mut message, star, literal);
                } else if scoped < SHOWN {
                    message.push_str(", ");
                }
                if scoped < SHOWN {
                    message.extend([svc.prefix, ":", action.name]);
                }
                scoped += 1;
            }
        }
        if scoped == 0 {
            continue;
        }
        out.push(
            diagnostic(star, literal, message, scoped)
                .at([s.pointer.as_str(), "/Resource"].concat()),
        );
    }
}

/// Room for the usual C007 message, so that it is written without growing.
const MESSAGE_CAPACITY: usize = 320;

/// Starts a C007 message: what it says before the actions it names.
fn open_message(message: &mut String, star: &Str, literal: bool) {
    if literal {
        message.push_str("`\"Resource\": \"*\"` grants ");
    } else {
        message.extend(["`", star.value, "` is effectively `\"Resource\": \"*\"` (any Region, any account, any name): it grants "]);
    }
}

/// `message`: [`open_message`]'s start and the first [`SHOWN`] of the `scoped` actions.
fn diagnostic(star: &Str, literal: bool, mut message: String, scoped: usize) -> Diagnostic {
    if scoped > SHOWN {
        use std::fmt::Write;
        let _ = write!(message, " and {} more", scoped - SHOWN);
    }
    let these = if scoped == 1 { "it" } else { "them" };
    let rest = if literal {
        " on every resource, though AWS lets you scope "
    } else {
        " on every resource of its type, though AWS lets you scope "
    };
    message.extend([rest, these, " to specific ARNs"]);
    Diagnostic::new(Code::C007, star.span, message)
        .help("list the ARNs these actions need, or scope them with conditions such as `aws:ResourceTag/...`")
}

#[cfg(test)]
mod tests {
    use crate::policy::{arn, build, PolicyKind};

    #[test]
    fn arns_that_name_every_resource_of_their_type() {
        let root = crate::json::parse("{}").unwrap();
        let policy = build(&root);
        let lookups = super::super::Lookups::default();
        let cx = super::Context::new(&policy, PolicyKind::Identity, &lookups, &[]);
        let effectively_star = |cx: &super::Context, value: &str| {
            arn::split(value).is_ok_and(|parts| super::effectively_star(cx, &parts))
        };
        for star in [
            "arn:*:cloudtrail:*:*:trail/*",
            "arn:aws:s3:::*/*",
            "arn:aws:s3:::*",
            "arn:aws:sns:*:*:*",
            "arn:aws:logs:*:*:log-group:*",
        ] {
            assert!(effectively_star(&cx, star), "{star}");
        }
        for scoped in [
            "*",
            "arn:aws:cloudtrail:*:111122223333:trail/*",
            "arn:aws:cloudtrail:us-east-1:*:trail/*",
            "arn:aws:s3:::my-bucket/*",
            "arn:aws:s3:::logs-*/*",
            "arn:aws:iam::*:role/app-*",
            "arn:aws:s3:::${BucketName}/*",
        ] {
            assert!(!effectively_star(&cx, scoped), "{scoped}");
        }
    }
}
