//! The catalog's data types. The same structs are written by the converter and
//! read by the loader, so the vendored format cannot drift from the code.
//! Names borrow from the catalog text, which lives for the whole process (compiled
//! in, or a `--catalog` file read once), so loading a service copies no strings; the lists
//! inside a service are kept for the process as well (see `kept`).

use serde::{Deserialize, Serialize};

use crate::pattern;

/// One AWS service (one line of the vendored file).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Service {
    /// `prefix` must stay the first field: the loader indexes lines by it
    /// without parsing them.
    pub prefix: &'static str,
    pub name: &'static str,
    #[serde(default)]
    pub actions: Vec<Action>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resource_types: Vec<ResourceType>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub condition_keys: Vec<ConditionKey>,
    /// Positions in `condition_keys` of the names with a placeholder, filled in by the
    /// loader: a key that is not one of the names is only matched against these.
    #[serde(skip)]
    pub(crate) template_keys: Vec<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Action {
    pub name: &'static str,
    #[serde(rename = "access")]
    pub access_level: AccessLevel,
    /// Empty means the action only supports `"Resource": "*"`.
    #[serde(default, skip_serializing_if = "is_empty", deserialize_with = "kept")]
    pub resource_types: &'static [ActionResource],
    #[serde(default, skip_serializing_if = "is_empty", deserialize_with = "kept")]
    pub condition_keys: &'static [&'static str],
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionResource {
    pub name: &'static str,
    pub required: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceType {
    pub name: &'static str,
    /// A list because AWS documents a few resource types with several ARN forms.
    #[serde(deserialize_with = "kept")]
    pub arns: &'static [&'static str],
    #[serde(default, skip_serializing_if = "is_empty", deserialize_with = "kept")]
    pub condition_keys: &'static [&'static str],
}

/// The lists inside a service are slices the process keeps, like the names: the fast reader
/// (`line`) puts all of a service's lists of one kind in one allocation instead of one each.
fn kept<'de, D, T>(deserializer: D) -> Result<&'static [T], D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Vec::<T>::deserialize(deserializer)?.leak())
}

fn is_empty<T>(list: &&[T]) -> bool {
    list.is_empty()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConditionKey {
    /// May contain template parts such as `${TagKey}` or `<key>`.
    pub name: &'static str,
    #[serde(rename = "type")]
    pub kind: ConditionType,
}

/// AWS's access level classification of an action. Its serde names are [`AccessLevel::as_str`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum AccessLevel {
    List,
    Read,
    Write,
    #[serde(rename = "Permissions management")]
    PermissionsManagement,
    Tagging,
}

impl AccessLevel {
    pub(crate) const ALL: [AccessLevel; 5] = [
        AccessLevel::List,
        AccessLevel::Read,
        AccessLevel::Write,
        AccessLevel::PermissionsManagement,
        AccessLevel::Tagging,
    ];

    /// The level spelt exactly as the catalog writes it.
    pub(crate) fn named(name: &str) -> Option<AccessLevel> {
        Self::ALL.into_iter().find(|level| level.as_str() == name)
    }

    /// AWS's own words, as shown in the Service Authorization Reference.
    pub fn as_str(self) -> &'static str {
        match self {
            AccessLevel::List => "List",
            AccessLevel::Read => "Read",
            AccessLevel::Write => "Write",
            AccessLevel::PermissionsManagement => "Permissions management",
            AccessLevel::Tagging => "Tagging",
        }
    }

    /// Parses the package's spelling. The package derives the level from
    /// AWS's boolean properties, so tagging and permissions-management
    /// actions arrive as "Tagging, Write" / "Permissions management, Write";
    /// the more specific level wins, as in AWS's documentation.
    pub fn from_package(s: &str) -> Option<AccessLevel> {
        let parts: Vec<&str> = s.split(',').map(str::trim).collect();
        let has = |w: &str| parts.iter().any(|p| p.eq_ignore_ascii_case(w));
        if parts.iter().any(|p| p.is_empty()) {
            return None;
        }
        let known = ["List", "Read", "Write", "Permissions management", "Tagging"];
        if !parts
            .iter()
            .all(|p| known.iter().any(|k| k.eq_ignore_ascii_case(p)))
        {
            return None;
        }
        [
            AccessLevel::PermissionsManagement,
            AccessLevel::Tagging,
            AccessLevel::Write,
            AccessLevel::Read,
            AccessLevel::List,
        ]
        .into_iter()
        .find(|level| has(level.as_str()))
    }
}

/// The value type of a condition key, in AWS's spelling (`ArrayOf*` marks
/// multivalued keys, which need `ForAnyValue:`/`ForAllValues:` operators). Its serde
/// names are [`ConditionType::as_str`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ConditionType {
    String,
    #[serde(rename = "ARN")]
    Arn,
    Numeric,
    Date,
    Bool,
    #[serde(rename = "IPAddress")]
    IpAddress,
    Binary,
    ArrayOfString,
    #[serde(rename = "ArrayOfARN")]
    ArrayOfArn,
    ArrayOfNumeric,
    ArrayOfDate,
    ArrayOfBool,
    #[serde(rename = "ArrayOfIPAddress")]
    ArrayOfIpAddress,
    ArrayOfBinary,
}

impl ConditionType {
    pub(crate) const ALL: [ConditionType; 14] = [
        ConditionType::String,
        ConditionType::Arn,
        ConditionType::Numeric,
        ConditionType::Date,
        ConditionType::Bool,
        ConditionType::IpAddress,
        ConditionType::Binary,
        ConditionType::ArrayOfString,
        ConditionType::ArrayOfArn,
        ConditionType::ArrayOfNumeric,
        ConditionType::ArrayOfDate,
        ConditionType::ArrayOfBool,
        ConditionType::ArrayOfIpAddress,
        ConditionType::ArrayOfBinary,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ConditionType::String => "String",
            ConditionType::Arn => "ARN",
            ConditionType::Numeric => "Numeric",
            ConditionType::Date => "Date",
            ConditionType::Bool => "Bool",
            ConditionType::IpAddress => "IPAddress",
            ConditionType::Binary => "Binary",
            ConditionType::ArrayOfString => "ArrayOfString",
            ConditionType::ArrayOfArn => "ArrayOfARN",
            ConditionType::ArrayOfNumeric => "ArrayOfNumeric",
            ConditionType::ArrayOfDate => "ArrayOfDate",
            ConditionType::ArrayOfBool => "ArrayOfBool",
            ConditionType::ArrayOfIpAddress => "ArrayOfIPAddress",
            ConditionType::ArrayOfBinary => "ArrayOfBinary",
        }
    }

    /// The type spelt exactly as the catalog writes it.
    pub(crate) fn named(name: &str) -> Option<ConditionType> {
        Self::ALL.into_iter().find(|t| t.as_str() == name)
    }

    /// Case-insensitive, because AWS's docs are not consistent ("Arn", "ARN").
    pub fn parse(s: &str) -> Option<ConditionType> {
        Self::ALL
            .into_iter()
            .find(|t| t.as_str().eq_ignore_ascii_case(s.trim()))
    }

    pub fn is_multivalued(self) -> bool {
        self.as_str().starts_with("ArrayOf")
    }

    /// The type of one element: `ArrayOfARN` -> `ARN`, scalars unchanged.
    pub fn element(self) -> ConditionType {
        match self {
            ConditionType::ArrayOfString => ConditionType::String,
            ConditionType::ArrayOfArn => ConditionType::Arn,
            ConditionType::ArrayOfNumeric => ConditionType::Numeric,
            ConditionType::ArrayOfDate => ConditionType::Date,
            ConditionType::ArrayOfBool => ConditionType::Bool,
            ConditionType::ArrayOfIpAddress => ConditionType::IpAddress,
            ConditionType::ArrayOfBinary => ConditionType::Binary,
            scalar => scalar,
        }
    }
}

impl Service {
    /// Looks an action up by name, ignoring case (IAM action names are
    /// case-insensitive). Actions are kept sorted case-insensitively.
    pub fn action(&self, name: &str) -> Option<&Action> {
        self.actions
            .binary_search_by(|a| pattern::cmp_ignore_case(a.name, name))
            .ok()
            .and_then(|i| self.actions.get(i))
    }

    pub fn resource_type(&self, name: &str) -> Option<&ResourceType> {
        self.resource_types
            .iter()
            .find(|r| r.name.eq_ignore_ascii_case(name))
    }

    /// Finds the service condition key that `key` refers to. An exact
    /// (case-insensitive) name wins over a template such as
    /// `aws:RequestTag/${TagKey}`.
    pub fn condition_key(&self, key: &str) -> Option<&ConditionKey> {
        let keys = &self.condition_keys;
        keys.iter()
            .find(|k| k.name.eq_ignore_ascii_case(key))
            .or_else(|| {
                self.template_keys
                    .iter()
                    .filter_map(|&i| keys.get(i as usize))
                    .find(|k| pattern::template_match(k.name, key))
            })
    }

    /// Fills in [`Service::template_keys`].
    pub(crate) fn index_template_keys(&mut self) {
        self.template_keys = (0..)
            .zip(&self.condition_keys)
            // What `template_match` needs before it can match at all.
            .filter(|(_, k)| k.name.bytes().any(|b| b == b'$' || b == b'<'))
            .map(|(i, _)| i)
            .collect();
    }
}
