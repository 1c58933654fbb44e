//! `iamlint expand`: what action patterns grant, and with `--not` what a `NotAction` leaves
//! granted, rendered as a table or JSON for reviewers reading a policy in a terminal.

use crate::catalog::{AccessLevel, Action, Catalog, Service};
use serde_json::json;
use std::collections::HashSet;

type Match<'c> = (&'c Service, &'c Action);

/// Each pattern's matches, in the order the patterns were given.
pub struct Expansion<'c> {
    pub patterns: Vec<String>,
    pub matched: Vec<Vec<Match<'c>>>,
}

impl<'c> Expansion<'c> {
    pub fn new(catalog: &'c Catalog, patterns: &[String]) -> Self {
        Expansion {
            patterns: patterns.to_vec(),
            matched: patterns.iter().map(|p| catalog.expand(p)).collect(),
        }
    }

    /// The patterns that match nothing: reported on stderr, and the run fails.
    pub fn unmatched(&self) -> Vec<&str> {
        self.patterns
            .iter()
            .zip(&self.matched)
            .filter(|(_, m)| m.is_empty())
            .map(|(p, _)| p.as_str())
            .collect()
    }

    /// What `pattern` may have meant when it matches nothing, as check's C001 and C002 say:
    /// the closest action of its service (`kms:Decrpyt` -> `kms:Decrypt`), or the closest
    /// service to an unknown one.
    pub fn suggestion(catalog: &Catalog, pattern: &str) -> Option<String> {
        let (service, name) = pattern.split_once(':')?;
        if catalog.service(service).is_none() {
            let closest = catalog.suggest_service(service)?;
            return Some(format!("{closest}:{name}"));
        }
        if name.contains(['*', '?']) {
            return None;
        }
        let closest = catalog.suggest_action(service, name)?;
        Some(format!("{service}:{closest}"))
    }

    /// Every action no pattern matches, grouped by service: what a `NotAction` grants.
    pub fn complement(&self, catalog: &'c Catalog) -> Vec<(&'c Service, Vec<&'c Action>)> {
        let hit: HashSet<(&str, &str)> = self
            .matched
            .iter()
            .flatten()
            .map(|(s, a)| (s.prefix, a.name))
            .collect();
        catalog
            .services()
            .map(|s| {
                (
                    s,
                    s.actions
                        .iter()
                        .filter(|a| !hit.contains(&(s.prefix, a.name)))
                        .collect(),
                )
            })
            .filter(|(_, rest): &(_, Vec<_>)| !rest.is_empty())
            .collect()
    }

    pub fn table(&self) -> String {
        let mut out = String::new();
        for (i, (p, found)) in self.patterns.iter().zip(&self.matched).enumerate() {
            if i > 0 {
                out.push('\n');
            }
            out.push_str(&format!(
                "{p}: {} action{}\n",
                found.len(),
                if found.len() == 1 { "" } else { "s" }
            ));
            for (s, a) in found {
                out.push_str(&row(s, a));
            }
        }
        out
    }

    pub fn json(&self) -> String {
        let value: Vec<_> = self
            .patterns
            .iter()
            .zip(&self.matched)
            .map(|(p, found)| json!({"pattern": p, "actions": found.iter().map(|(s, a)| entry(s, a)).collect::<Vec<_>>()}))
            .collect();
        pretty(&value)
    }

    pub fn complement_table(&self, catalog: &'c Catalog) -> String {
        let services = self.complement(catalog);
        let total: usize = services.iter().map(|(_, rest)| rest.len()).sum();
        let mut out = format!(
            "NotAction {} leaves {total} actions in {} services:\n",
            self.patterns.join(", "),
            services.len()
        );
        for (s, rest) in &services {
            out.push_str(&format!("\n{} ({} actions)\n", s.prefix, rest.len()));
            for a in rest {
                out.push_str(&row(s, a));
            }
        }
        out
    }

    /// The complement as one line per service: its count and how many of each access level.
    pub fn complement_summary_table(&self, catalog: &'c Catalog) -> String {
        let services = self.complement(catalog);
        let total: usize = services.iter().map(|(_, rest)| rest.len()).sum();
        let mut out = format!(
            "NotAction {} leaves {total} actions in {} services:\n\n",
            self.patterns.join(", "),
            services.len()
        );
        let width = services
            .iter()
            .map(|(s, _)| s.prefix.len())
            .max()
            .unwrap_or(0);
        for (s, rest) in &services {
            let levels: Vec<String> = levels(rest)
                .map(|(level, n)| format!("{n} {}", level.as_str()))
                .collect();
            out.push_str(&format!(
                "  {:<width$}  {:>5}  {}\n",
                s.prefix,
                rest.len(),
                levels.join(", ")
            ));
        }
        out
    }

    /// [`Self::complement_summary_table`] as JSON: counts per service and access level.
    pub fn complement_summary_json(&self, catalog: &'c Catalog) -> String {
        let services = self.complement(catalog);
        let total: usize = services.iter().map(|(_, rest)| rest.len()).sum();
        let services: Vec<_> = services
            .iter()
            .map(|(s, rest)| {
                let access: serde_json::Map<String, serde_json::Value> = levels(rest)
                    .map(|(level, n)| (level.as_str().to_string(), n.into()))
                    .collect();
                json!({"service": s.prefix, "count": rest.len(), "access": access})
            })
            .collect();
        pretty(&json!({"not": self.patterns, "total": total, "services": services}))
    }

    pub fn complement_json(&self, catalog: &'c Catalog) -> String {
        let services = self.complement(catalog);
        let total: usize = services.iter().map(|(_, rest)| rest.len()).sum();
        let services: Vec<_> = services
            .iter()
            .map(|(s, rest)| {
                json!({"service": s.prefix, "count": rest.len(), "actions": rest.iter().map(|a| entry(s, a)).collect::<Vec<_>>()})
            })
            .collect();
        pretty(&json!({"not": self.patterns, "total": total, "services": services}))
    }
}

/// How many of `actions` have each access level, in the catalog's order, leaving out zeros.
fn levels<'a>(actions: &'a [&Action]) -> impl Iterator<Item = (AccessLevel, usize)> + 'a {
    AccessLevel::ALL.into_iter().filter_map(|level| {
        let n = actions.iter().filter(|a| a.access_level == level).count();
        (n > 0).then_some((level, n))
    })
}

fn row(service: &Service, action: &Action) -> String {
    format!(
        "  {:<60} {}\n",
        format!("{}:{}", service.prefix, action.name),
        action.access_level.as_str()
    )
}

fn entry(service: &Service, action: &Action) -> serde_json::Value {
    json!({"action": format!("{}:{}", service.prefix, action.name), "access": action.access_level.as_str()})
}

fn pretty(value: &impl serde::Serialize) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default() + "\n"
}
