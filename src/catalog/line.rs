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
use std::ops::Range;

/// The bytes of the catalog's lines per action, about: enough to size a service's lists
/// once instead of growing them push by push.
const BYTES_PER_ACTION: usize = 128;

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
    let actions = r.actions(line.len() / BYTES_PER_ACTION)?;
    let resource_types = if r.eat(",\"resource_types\":") {
        r.resource_types()?
    } else {
        Vec::new()
    };
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

/// An action as read: its lists are ranges of lists shared by all of the service's actions,
/// which become slices once the last action is read.
struct ReadAction {
    name: &'static str,
    access_level: AccessLevel,
    resource_types: Range<usize>,
    condition_keys: Range<usize>,
}

/// A resource type as read, like [`ReadAction`].
struct ReadResourceType {
    name: &'static str,
    arns: Range<usize>,
    condition_keys: Range<usize>,
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

/// Where the first `"` of `bytes` is. The catalog's strings are short names (ARNs are
/// the long ones): eight bytes at a time costs them less than a call to a vector search.
/// (Not [`crate::bytes::plain_run_end`]: its sixteen-byte lanes and three tests per byte
/// cost the catalog's load about 3 million instructions more on the managed policies.)
fn quote_at(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let mut chunks = bytes.chunks_exact(8);
    let mut at = 0;
    for chunk in &mut chunks {
        let mut word = [0; 8];
        word.copy_from_slice(chunk);
        // A byte of `x` is zero where the chunk has a quote; the lowest flagged byte is the
        // first zero (borrows only flag bytes above it).
        let x = u64::from_le_bytes(word) ^ (ONES * u64::from(b'"'));
        let zeros = x.wrapping_sub(ONES) & !x & HIGHS;
        if zeros != 0 {
            return Some(at + zeros.trailing_zeros() as usize / 8);
        }
        at += 8;
    }
    let rest = chunks.remainder();
    rest.iter().position(|&b| b == b'"').map(|i| at + i)
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
        let len = quote_at(self.text.as_bytes().get(self.at..)?)?;
        let value = self.text.get(self.at..self.at + len)?;
        self.at += len + 1;
        Some(value)
    }

    /// The items of a list, each read by `item`.
    fn items(&mut self, mut item: impl FnMut(&mut Self) -> Option<()>) -> Option<()> {
        self.expect("[")?;
        if self.eat("]") {
            return Some(());
        }
        loop {
            item(self)?;
            if self.eat("]") {
                return Some(());
            }
            self.expect(",")?;
        }
    }

    fn list<T>(&mut self, mut item: impl FnMut(&mut Self) -> Option<T>) -> Option<Vec<T>> {
        let mut items = Vec::new();
        self.items(|r| {
            items.push(item(r)?);
            Some(())
        })?;
        Some(items)
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

    /// Strings appended to `out`; where they stand in it.
    fn strings_into(&mut self, out: &mut Vec<&'static str>) -> Option<Range<usize>> {
        let start = out.len();
        self.items(|r| {
            out.push(r.string()?);
            Some(())
        })?;
        Some(start..out.len())
    }

    /// The service's actions, with all their resource types in one list and all their
    /// condition keys in another (`expected` actions, about).
    fn actions(&mut self, expected: usize) -> Option<Vec<Action>> {
        let mut read = Vec::with_capacity(expected);
        // Most actions name one resource type; fewer name condition keys.
        let mut resources = Vec::with_capacity(expected);
        let mut keys = Vec::with_capacity(expected / 2);
        self.items(|r| {
            read.push(r.action(&mut resources, &mut keys)?);
            Some(())
        })?;
        // Kept for the process, like the names (see `model`).
        let resources: &'static [ActionResource] = resources.leak();
        let keys: &'static [&'static str] = keys.leak();
        // The ranges were taken from these lists: `get` always finds them.
        let action = |a: ReadAction| Action {
            name: a.name,
            access_level: a.access_level,
            resource_types: resources.get(a.resource_types).unwrap_or_default(),
            condition_keys: keys.get(a.condition_keys).unwrap_or_default(),
        };
        Some(read.into_iter().map(action).collect())
    }

    fn action(
        &mut self,
        resources: &mut Vec<ActionResource>,
        keys: &mut Vec<&'static str>,
    ) -> Option<ReadAction> {
        self.expect("{\"name\":")?;
        let name = self.string()?;
        self.expect(",\"access\":")?;
        let access_level = AccessLevel::named(self.string()?)?;
        let start = resources.len();
        if self.eat(",\"resource_types\":") {
            self.items(|r| {
                resources.push(r.action_resource()?);
                Some(())
            })?;
        }
        let resource_types = start..resources.len();
        let condition_keys = if self.eat(",\"condition_keys\":") {
            self.strings_into(keys)?
        } else {
            keys.len()..keys.len()
        };
        self.expect("}")?;
        Some(ReadAction {
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

    /// The service's resource types, their ARNs in one list and condition keys in another.
    fn resource_types(&mut self) -> Option<Vec<ResourceType>> {
        let mut read = Vec::new();
        let mut arns = Vec::new();
        let mut keys = Vec::new();
        self.items(|r| {
            read.push(r.resource_type(&mut arns, &mut keys)?);
            Some(())
        })?;
        let arns: &'static [&'static str] = arns.leak();
        let keys: &'static [&'static str] = keys.leak();
        let resource_type = |t: ReadResourceType| ResourceType {
            name: t.name,
            arns: arns.get(t.arns).unwrap_or_default(),
            condition_keys: keys.get(t.condition_keys).unwrap_or_default(),
        };
        Some(read.into_iter().map(resource_type).collect())
    }

    fn resource_type(
        &mut self,
        arns: &mut Vec<&'static str>,
        keys: &mut Vec<&'static str>,
    ) -> Option<ReadResourceType> {
        self.expect("{\"name\":")?;
        let name = self.string()?;
        self.expect(",\"arns\":")?;
        let arns = self.strings_into(arns)?;
        let condition_keys = if self.eat(",\"condition_keys\":") {
            self.strings_into(keys)?
        } else {
            keys.len()..keys.len()
        };
        self.expect("}")?;
        Some(ReadResourceType {
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

#[cfg(test)]
mod tests {
    use super::quote_at;

    #[test]
    fn quote_at_finds_the_first_quote_at_every_position() {
        for len in 0..20 {
            for quote in 0..=len {
                let mut text = vec![b'a'; len];
                if quote < len {
                    text[quote] = b'"';
                    // A second quote, and bytes a borrow could confuse, after the first.
                    text.iter_mut()
                        .skip(quote + 1)
                        .step_by(2)
                        .for_each(|b| *b = b'#');
                    if quote + 3 < len {
                        text[quote + 3] = b'"';
                    }
                }
                let expected = (quote < len).then_some(quote);
                assert_eq!(quote_at(&text), expected, "{len} {quote}");
            }
        }
        assert_eq!(quote_at("\u{e9}\"".as_bytes()), Some(2));
        assert_eq!(quote_at(&[0x23, 0x22]), Some(1));
    }
}
