//! The embedded catalog as static tables, compiled from `rules/catalog/catalog.jsonl` by the
//! build (`build/catalog.rs`): its services cost nothing on first use. A test holds them
//! equal to what the loader reads from the same file.

use super::model::{
    AccessLevel as L, Action, ActionResource, ConditionKey, ConditionType as T, ResourceType,
    Service,
};
use std::borrow::Cow::Borrowed as B;

include!(concat!(env!("OUT_DIR"), "/catalog_tables.rs"));
