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
    let label = |(svc, a): (&Service, &Action)| {
        if multi_service {
            format!("{}:{}", svc.prefix, a.name)
        } else {
            a.name.to_string()
        }
    };
    // In the order the levels sort in.
    let levels: Vec<&str> = AccessLevel::ALL
        .iter()
        .filter(|l| reached[**l as usize])
        .map(|l| l.as_str())
        .collect();
    let is_admin =
        |(_, a): &(&Service, &Action)| a.access_level == AccessLevel::PermissionsManagement;
    // Only the names a message shows are formatted; `list_names` adds the count.
    let shown = |items: Vec<String>, total: usize| {
        let mut text = items.join(", ");
        if total > SHOWN {
            text.push_str(&format!(" and {} more", total - SHOWN));
        }
        text
    };
    let count = match found.len() {
        1 => "1 action".to_string(),
        n => format!("{n} actions"),
    };
    let levels = levels.join(", ");
    if admin_count == 0 {
        let all = shown(found.iter().take(SHOWN).map(label).collect(), found.len());
        (
            format!("`{pattern}` grants {count} ({levels}): {all}"),
            false,
        )
    } else {
        let admin = shown(
            found
                .iter()
                .filter(is_admin)
                .take(SHOWN)
                .map(label)
                .collect(),
            admin_count,
        );
        (
            format!(
                "`{pattern}` grants {count} ({levels}), including permissions management: {admin}"
            ),
            true,
        )
    }
}
