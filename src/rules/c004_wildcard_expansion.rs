//! C004 wildcard-expansion: what an action wildcard in an Allow grants, with the access
//! levels it reaches. Reaching *Permissions management* actions (`s3:Put*` reaches
//! `PutBucketPolicy`) is a warning; anything else is information for the reader. In a KMS
//! key policy a `kms:` wildcard reaches only what can be done with that key: AWS's own
//! default key policy names its administrators and users that way (`kms:Create*`,
//! `kms:GenerateDataKey*`), and the K rules judge who holds which duty, so C004 leaves them.

use super::lookup::{expansion, Matches, Resolved};
use super::{allows, Context};
use crate::catalog::{AccessLevel, Action, Service};
use crate::code::Code;
use crate::diagnostic::{Diagnostic, Severity};
use crate::policy::PolicyKind;

/// In a KMS key policy, a wildcard of another service reaching permissions management grants
/// nothing on the key: information.
fn admin_severity(kind: PolicyKind) -> Severity {
    if kind == PolicyKind::KmsKey {
        Severity::Info
    } else {
        Severity::Warning
    }
}

/// How many action names a message shows before "and N more".
const SHOWN: usize = 8;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for s in allows(cx) {
        for entry in cx.actions(s).listed() {
            if !entry.wildcard {
                continue;
            }
            let (value, Some(name)) = (entry.text, entry.name) else {
                continue;
            };
            if cx.kind == PolicyKind::KmsKey && name.service.eq_ignore_ascii_case("kms") {
                continue;
            }
            // `*` (also spelt `*:*`) and `svc:*` are A001's and A002's findings.
            let everything = name.name == "*" && name.service.chars().all(|c| c == '*');
            if name.is_service_wide() || everything {
                continue;
            }
            let Resolved::Actions(found) = &entry.resolved else {
                continue;
            };
            if found.is_empty() {
                continue;
            }
            let described = expansion(cx, value.value, || describe(value.value, found));
            let (message, admin) = &*described;
            let pointer = [s.pointer.as_str(), "/Action"].concat();
            let d = if *admin {
                Diagnostic::new(Code::C004, value.span, message.clone())
                    .severity(admin_severity(cx.kind))
                    .help("permissions-management actions let the holder change who can access the resource; list only the actions needed")
            } else {
                Diagnostic::new(Code::C004, value.span, message.clone())
                    .severity(Severity::Info)
                    .help("nothing to fix if these are all intended; list the actions to pin the grant down")
            };
            out.push(d.at(pointer));
        }
    }
}

/// The message for `pattern`, which matches `found`, and whether the actions include
/// permissions management.
fn describe(pattern: &str, found: &Matches) -> (String, bool) {
    // One walk for what the message counts; the names are walked again only as far as it
    // shows them.
    let mut reached = [false; AccessLevel::ALL.len()];
    let (mut first, mut multi_service, mut admin_count) = (None, false, 0);
    for (svc, a) in found.iter() {
        reached[a.access_level as usize] = true;
        admin_count += usize::from(a.access_level == AccessLevel::PermissionsManagement);
        match first {
            None => first = Some(svc.prefix),
            Some(prefix) => multi_service |= prefix != svc.prefix,
        }
    }
    // In the order the levels sort in.
    let levels = AccessLevel::ALL.iter().filter(|l| reached[**l as usize]);
    let is_admin =
        |(_, a): &(&Service, &Action)| a.access_level == AccessLevel::PermissionsManagement;
    // Written piece by piece into one string, not `format!`ted: C004 fires by the thousand.
    // Only the names a message shows are written, then how many more there are.
    let mut message = String::with_capacity(128 + pattern.len());
    message.push('`');
    message.push_str(pattern);
    message.push_str("` grants ");
    match found.len() {
        1 => message.push_str("1 action"),
        n => {
            message.push_str(itoa::Buffer::new().format(n));
            message.push_str(" actions");
        }
    }
    message.push_str(" (");
    for (i, level) in levels.enumerate() {
        if i > 0 {
            message.push_str(", ");
        }
        message.push_str(level.as_str());
    }
    let total = if admin_count == 0 {
        message.push_str("): ");
        found.len()
    } else {
        message.push_str("), including permissions management: ");
        admin_count
    };
    let names = found
        .iter()
        .filter(|f| admin_count == 0 || is_admin(f))
        .take(SHOWN);
    for (i, (svc, a)) in names.enumerate() {
        if i > 0 {
            message.push_str(", ");
        }
        if multi_service {
            message.push_str(svc.prefix);
            message.push(':');
        }
        message.push_str(a.name);
    }
    if total > SHOWN {
        message.push_str(" and ");
        message.push_str(itoa::Buffer::new().format(total - SHOWN));
        message.push_str(" more");
    }
    (message, admin_count != 0)
}
