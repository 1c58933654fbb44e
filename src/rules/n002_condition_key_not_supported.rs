//! N002 condition-key-not-supported: a service condition key that none of the statement's
//! actions supports, or a global key that AWS sends only to some services (`aws:VpceOrgID`)
//! used where no action belongs to one. The request never carries the key, so the condition
//! does not hold as intended. Other global keys apply to every action and are never
//! reported. When some of the actions support a service key, the others are N020's; when
//! only some of the services get a limited global key, the others are named here.

use super::lookup::{distinct_runs, global_key, list_first, KeyLookup, Resolved};
use super::Context;
use crate::catalog::GlobalConditionKey;
use crate::catalog::{Action, Service};
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::policy::Str;

pub fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for s in &cx.policy.statements {
        if s.conditions().is_empty() {
            continue;
        }
        // Whether every action is known, worked out at the first service key: most
        // conditions use global keys only. Otherwise we cannot be sure.
        let mut pinned = None;
        for (entry, facts) in cx.conditions(s) {
            let KeyLookup::Known { name, global, .. } = facts.key else {
                continue;
            };
            // A global key is reported only when AWS sends it to some services alone.
            let limited = match global {
                true => match global_key(cx.lookups, name) {
                    Some(key) if !key.services.is_empty() => Some(key),
                    _ => continue,
                },
                false => None,
            };
            let listed = cx.actions(s);
            let listed = listed.listed();
            let all_pinned = *pinned.get_or_insert_with(|| {
                !listed.is_empty()
                    && listed.iter().all(
                        |a| matches!(&a.resolved, Resolved::Actions(found) if !found.is_empty()),
                    )
            });
            if !all_pinned {
                break;
            }
            // The actions as they come, repeats and all: whether one supports the key is the
            // cheap question, and the usual answer.
            let each = || {
                listed.iter().flat_map(|a| match &a.resolved {
                    Resolved::Actions(found) => Some(found.iter()),
                    _ => None,
                })
            };
            let supported = match limited {
                Some(key) => each()
                    .flatten()
                    .any(|(svc, action)| key.sent_to(svc.prefix, action.name)),
                // A service's key: asked of each pattern's matches at once.
                None => {
                    let mut support = cx.key_support(name);
                    listed.iter().any(|a| match &a.resolved {
                        Resolved::Actions(found) => support.supports_any(found),
                        _ => false,
                    })
                }
            };
            if supported {
                if let Some(key) = limited {
                    if let Some(finding) =
                        some_services_unsupported(key, each().flatten(), &entry.key)
                    {
                        out.push(finding.at(
                            [s.pointer.as_str(), "/Condition/", entry.operator.value].concat(),
                        ));
                    }
                }
                continue;
            }
            // A finding: only now the distinct actions, which it counts and names (every
            // listed pattern matches some: `all_pinned`).
            let runs = distinct_runs(listed.iter().filter_map(|a| match &a.resolved {
                Resolved::Actions(found) => Some(found),
                _ => None,
            }));
            let total = runs.iter().map(|(_, run)| run.len()).sum();
            let actions = runs
                .iter()
                .flat_map(|(svc, run)| svc.actions[run.clone()].iter().map(move |a| (*svc, a)));
            // The first by their `service:action` spellings: only they are written.
            let first = smallest(actions, SHOWN, by_spelling);
            let names = first
                .iter()
                .map(|(svc, a)| [svc.prefix, ":", a.name].concat());
            let listed = list_first(names, total, SHOWN);
            let finding = match limited {
                Some(_) => Diagnostic::new(
                    Code::N002,
                    entry.key.span,
                    [
                        "AWS sends `",
                        entry.key.value,
                        "` only with the actions of some services, and none of this statement's actions is one of them (",
                        &listed,
                        ")",
                    ]
                    .concat(),
                )
                .help("scope this condition to the services that support the key (AWS's global condition keys page lists them)"),
                None => Diagnostic::new(
                    Code::N002,
                    entry.key.span,
                    [
                        "no action of this statement supports `",
                        entry.key.value,
                        "` (",
                        &listed,
                        ")",
                    ]
                    .concat(),
                )
                .help("use a key these actions support (see the Service Authorization Reference), or move the condition to the statement whose actions set it"),
            };
            out.push(
                finding.at([s.pointer.as_str(), "/Condition/", entry.operator.value].concat()),
            );
        }
    }
}

/// How many actions a finding names.
const SHOWN: usize = 4;

/// The order of the `service:action` spellings, compared byte by byte.
fn by_spelling(a: &(&Service, &Action), b: &(&Service, &Action)) -> std::cmp::Ordering {
    // Most pairs share their service (the same one, which settles it without comparing
    // prefixes): then the names decide.
    if std::ptr::eq(a.0, b.0) || a.0.prefix == b.0.prefix {
        return a.1.name.cmp(b.1.name);
    }
    let spelling = |(svc, a): &(&Service, &Action)| {
        let (prefix, name) = (svc.prefix.bytes(), a.name.bytes());
        prefix.chain(std::iter::once(b':')).chain(name)
    };
    spelling(a).cmp(spelling(b))
}

/// The `n` smallest of `items` by `order`, in order: what sorting all of them and taking the
/// first `n` gives, without sorting a wildcard's thousands of actions.
fn smallest<T: Copy>(
    items: impl IntoIterator<Item = T>,
    n: usize,
    mut order: impl FnMut(&T, &T) -> std::cmp::Ordering,
) -> Vec<T> {
    let mut first: Vec<T> = Vec::with_capacity(n + 1);
    for item in items {
        // Most come after all that are kept: one comparison.
        if first.len() == n && first.last().is_none_or(|last| order(last, &item).is_le()) {
            continue;
        }
        // After the equal ones already kept, as a stable sort leaves them.
        let at = first.partition_point(|kept| order(kept, &item).is_le());
        if at < n {
            first.insert(at, item);
            first.truncate(n);
        }
    }
    first
}

/// A limited global key that some of the statement's actions get and others do not: the
/// services of the others, by name, as Access Analyzer names them.
fn some_services_unsupported<'c>(
    key: &GlobalConditionKey,
    actions: impl Iterator<Item = (&'c Service, &'c Action)>,
    token: &Str,
) -> Option<Diagnostic> {
    let mut services: Vec<&str> = actions
        .filter(|(svc, a)| !key.sent_to(svc.prefix, a.name))
        .map(|(svc, _)| svc.prefix)
        .collect();
    if services.is_empty() {
        return None;
    }
    services.sort_unstable();
    services.dedup();
    let total = services.len();
    let listed = list_first(services.into_iter().map(|s| format!("`{s}`")), total, 4);
    Some(
        Diagnostic::new(
            Code::N002,
            token.span,
            format!(
                "AWS sends `{}` only with the actions of some services, and not with this statement's actions of {listed}",
                token.value
            ),
        )
        .help("put the actions of services that do not support the key in a statement of their own"),
    )
}

#[cfg(test)]
mod tests {
    use super::{by_spelling, smallest};
    use crate::catalog::Catalog;

    #[test]
    fn by_spelling_orders_as_the_joined_names() {
        let catalog = Catalog::embedded();
        let mut pairs = Vec::new();
        for prefix in [
            "ec2",
            "ec2-instance-connect",
            "ec2messages",
            "s3",
            "s3-object-lambda",
        ] {
            let service = catalog.service(prefix).unwrap();
            pairs.extend(service.actions.iter().step_by(7).map(|a| (service, a)));
        }
        let joined = |(s, a): &(&crate::catalog::Service, &crate::catalog::Action)| {
            format!("{}:{}", s.prefix, a.name)
        };
        for a in &pairs {
            for b in &pairs {
                assert_eq!(
                    by_spelling(a, b),
                    joined(a).cmp(&joined(b)),
                    "{}",
                    joined(a)
                );
            }
        }
    }

    #[test]
    fn smallest_is_the_head_of_a_stable_sort() {
        let items = [
            (5, 'a'),
            (1, 'b'),
            (4, 'c'),
            (1, 'd'),
            (9, 'e'),
            (0, 'f'),
            (4, 'g'),
        ];
        for n in 0..=items.len() + 1 {
            let mut sorted = items.to_vec();
            sorted.sort_by_key(|(k, _)| *k);
            sorted.truncate(n);
            assert_eq!(smallest(items, n, |a, b| a.0.cmp(&b.0)), sorted, "{n}");
        }
    }
}
