//! `iamlint expand`: what action patterns grant, and with `--not` what a `NotAction` leaves
//! granted, rendered as a table or JSON for reviewers reading a policy in a terminal.

use crate::catalog::{Action, Catalog, Service};
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
