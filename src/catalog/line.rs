//! Reads a service line spelt exactly as the converter writes it (serde_json's compact
//! output of the `model` structs: fixed key order, no spaces, no escapes) with byte
//! comparisons instead of serde. A run over many files loads nearly every service, and
//! serde's generic parse of them was several percent of all its work.
//!
//! Anything else, such as a hand-edited line with spaces or escapes, returns `None`: the
//! loader then hands the line to serde, which also words the errors. A test checks that
//! both readers agree on every line of the embedded catalog.

use super::model::{
    AccessLevel, Action, ActionResource, ConditionKey, ConditionType, ResourceType, Service,
};

pub(super) fn read_service(line: &'static str) -> Option<Service> {
    if !is_plain(line) {
        return None;
    }
    let mut r = Reader { text: line, at: 0 };
    r.expect("{\"prefix\":")?;
    let prefix = r.string()?;
    r.expect(",\"name\":")?;
    let name = r.string()?;
    r.expect(",\"actions\":")?;
    let actions = r.list(Reader::action)?;
    let resource_types = r.optional_list(",\"resource_types\":", Reader::resource_type)?;
    let condition_keys = r.optional_list(",\"condition_keys\":", Reader::condition_key)?;
    r.expect("}")?;
    (r.at == line.len()).then_some(Service {
        prefix,
        name,
        actions,
        resource_types,
        condition_keys,
        template_keys: Vec::new(),
    })
}

/// Whether the line has no escapes and no control characters (which JSON forbids in
/// strings), so that every string ends at the next quote. One pass over the whole line,
/// in chunks without an early exit so that it compiles to vector instructions.
fn is_plain(line: &str) -> bool {
    line.as_bytes().chunks(64).all(|chunk| {
        !chunk
            .iter()
            .fold(false, |odd, &b| odd | (b < 0x20) | (b == b'\\'))
    })
}

struct Reader {
    text: &'static str,
    at: usize,
}

impl Reader {
    /// Steps over `literal` if the text continues with it.
    fn eat(&mut self, literal: &str) -> bool {
        let found = self.text.as_bytes()[self.at..].starts_with(literal.as_bytes());
        if found {
            self.at += literal.len();
        }
        found
    }

    fn expect(&mut self, literal: &str) -> Option<()> {
        self.eat(literal).then_some(())
    }

    /// A string, borrowed from the text (which [`is_plain`] checked).
    fn string(&mut self) -> Option<&'static str> {
        self.expect("\"")?;
        let len = memchr::memchr(b'"', &self.text.as_bytes()[self.at..])?;
        let value = self.text.get(self.at..self.at + len)?;
        self.at += len + 1;
        Some(value)
    }

    fn list<T>(&mut self, mut item: impl FnMut(&mut Self) -> Option<T>) -> Option<Vec<T>> {
        self.expect("[")?;
        let mut items = Vec::new();
        if self.eat("]") {
            return Some(items);
        }
        loop {
            items.push(item(self)?);
            if self.eat("]") {
                return Some(items);
            }
            self.expect(",")?;
        }
    }

    /// A list the converter leaves out when it is empty.
    fn optional_list<T>(
        &mut self,
        key: &str,
        item: impl FnMut(&mut Self) -> Option<T>,
    ) -> Option<Vec<T>> {
        if self.eat(key) {
            self.list(item)
        } else {
            Some(Vec::new())
        }
    }

    fn action(&mut self) -> Option<Action> {
        self.expect("{\"name\":")?;
        let name = self.string()?;
        self.expect(",\"access\":")?;
        let access_level = AccessLevel::named(self.string()?)?;
        let resource_types = self.optional_list(",\"resource_types\":", Self::action_resource)?;
        let condition_keys = self.optional_list(",\"condition_keys\":", Self::string)?;
        self.expect("}")?;
        Some(Action {
            name,
            access_level,
            resource_types,
            condition_keys,
        })
    }

    fn action_resource(&mut self) -> Option<ActionResource> {
        self.expect("{\"name\":")?;
        let name = self.string()?;
        self.expect(",\"required\":")?;
        let required = if self.eat("true") {
            true
        } else {
            self.expect("false")?;
            false
        };
        self.expect("}")?;
        Some(ActionResource { name, required })
    }

    fn resource_type(&mut self) -> Option<ResourceType> {
        self.expect("{\"name\":")?;
        let name = self.string()?;
        self.expect(",\"arns\":")?;
        let arns = self.list(Self::string)?;
        let condition_keys = self.optional_list(",\"condition_keys\":", Self::string)?;
        self.expect("}")?;
        Some(ResourceType {
            name,
            arns,
            condition_keys,
        })
    }

    fn condition_key(&mut self) -> Option<ConditionKey> {
        self.expect("{\"name\":")?;
        let name = self.string()?;
        self.expect(",\"type\":")?;
        let kind = ConditionType::named(self.string()?)?;
        self.expect("}")?;
        Some(ConditionKey { name, kind })
    }
}
