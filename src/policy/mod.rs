//! The typed policy: the IAM policy grammar laid over the JSON tree. Every element keeps
//! its JSON member, so a rule can point at the key, the value or any string inside it.

pub mod arn;
pub mod kind;
pub mod placeholder;
pub mod template;

use crate::json::{Member, Node, Span, Value};
use std::borrow::Cow;
use std::sync::Arc;

pub use kind::{classify, Classification, PolicyKind};

/// The top-level elements AWS accepts.
pub const POLICY_ELEMENTS: &[&str] = &["Version", "Id", "Statement"];
/// The statement elements AWS accepts.
pub const STATEMENT_ELEMENTS: &[&str] = &[
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
];

pub struct Policy<'a> {
    pub root: &'a Node<'a>,
    pub version: Option<&'a Member<'a>>,
    pub id: Option<&'a Member<'a>>,
    pub statement: Option<&'a Member<'a>>,
    pub statements: Vec<Statement<'a>>,
}

pub struct Statement<'a> {
    /// Position in the `Statement` array (0 when `Statement` is a single object).
    pub index: usize,
    pub node: &'a Node<'a>,
    /// JSON pointer to the statement, e.g. `/Statement/1`.
    pub pointer: Pointer,
    pub sid: Option<&'a Member<'a>>,
    pub effect: Option<&'a Member<'a>>,
    pub principal: Option<&'a Member<'a>>,
    pub not_principal: Option<&'a Member<'a>>,
    pub action: Option<&'a Member<'a>>,
    pub not_action: Option<&'a Member<'a>>,
    pub resource: Option<&'a Member<'a>>,
    pub not_resource: Option<&'a Member<'a>>,
    pub condition: Option<&'a Member<'a>>,
    /// The values of `Action`, `Resource`, `Principal` and `Condition`, read once here:
    /// every rule asks for them, many times per statement.
    action_values: Values<Str<'a>>,
    resource_values: Values<Str<'a>>,
    principal_values: Values<PrincipalValue<'a>>,
    condition_entries: Values<ConditionEntry<'a>>,
}

/// An element's values as [`build`] keeps them: most elements hold one (`"Resource": "*"`,
/// a single condition), which is kept in place rather than in a vector of its own.
enum Values<T> {
    One(T),
    Many(Vec<T>),
    /// A run of the list that the lists of all of a policy's statements share (see [`build`]):
    /// one allocation for the policy rather than one a list.
    Shared(Arc<[T]>, usize, usize),
    /// A run of that list while the policy is built, before the list is shared.
    Listed(usize, usize),
}

impl<T> Values<T> {
    fn as_slice(&self) -> &[T] {
        match self {
            Values::One(one) => std::slice::from_ref(one),
            Values::Many(all) => all,
            Values::Shared(all, start, end) => all.get(*start..*end).unwrap_or_default(),
            Values::Listed(..) => &[],
        }
    }
}

impl<T> Default for Values<T> {
    fn default() -> Self {
        Values::Many(Vec::new())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    Allow,
    Deny,
    /// Missing or misspelled: grants nothing AWS would honour, so rules about access skip it.
    Invalid,
}

/// A string value and where it stands.
#[derive(Clone, Copy, Debug)]
pub struct Str<'a> {
    pub value: &'a str,
    /// The characters between the quotes (the whole token for `""`).
    pub span: Span,
    /// Whether the source spells the value byte for byte (no escapes), so offsets inside the
    /// value map straight to the source.
    exact: bool,
}

impl<'a> Str<'a> {
    pub fn of_value(node: &'a Node) -> Option<Self> {
        let value = node.as_str()?;
        Some(Str::new(value, node.span))
    }

    pub fn of_key(member: &'a Member) -> Self {
        Str::new(&member.key, member.key_span)
    }

    fn new(value: &'a str, token: Span) -> Self {
        let len = token.end - token.start;
        // A token exactly as long as its value is unquoted (a plain YAML scalar, an HCL
        // word): its span is the value itself. A JSON string always has its two quotes.
        if len == value.len() {
            return Str {
                value,
                span: token,
                exact: true,
            };
        }
        let exact = len == value.len() + 2;
        // A quoted token is at least two bytes longer than its value (escapes only lengthen
        // it); a shorter one is a template value standing for an expression (`!Ref Bucket`
        // → `${Bucket}`, spanning `Bucket`), whose span is kept whole.
        let span = if value.is_empty() || len < value.len() + 2 {
            token
        } else {
            token.inner()
        };
        Str { value, span, exact }
    }

    /// The span of `range` (bytes of the value), or of the whole value where escapes make
    /// the mapping inexact.
    pub fn sub_span(&self, range: std::ops::Range<usize>) -> Span {
        if self.exact && range.end <= self.value.len() && range.start < range.end {
            Span::new(self.span.start + range.start, self.span.start + range.end)
        } else {
            self.span
        }
    }
}

/// The strings of a value that may be one string or a list of them; other items are
/// skipped here (the element-type rule reports them).
pub fn strings<'a>(node: &'a Node<'a>) -> Vec<Str<'a>> {
    match &node.value {
        Value::String(_) => Str::of_value(node).into_iter().collect(),
        Value::Array(items) => {
            // Sized once: a filtered collect grows by doubling through a long action list.
            let mut values = Vec::with_capacity(items.len());
            values.extend(items.iter().filter_map(Str::of_value));
            values
        }
        _ => Vec::new(),
    }
}

/// [`strings`], with a single string (`"*"`, `["s3:GetObject"]`) kept without a vector and
/// a short list left for [`share`] to read into the policy's list: its strings are counted
/// on, from `listed`.
fn values<'a>(node: &'a Node<'a>, listed: &mut usize) -> Values<Str<'a>> {
    match (single(node).map(Str::of_value), &node.value) {
        (Some(Some(value)), _) => Values::One(value),
        (Some(None), _) => Values::default(),
        (None, Value::Array(items)) if items.len() <= SHARED_LIST => {
            let count = items.iter().filter(|n| n.as_str().is_some()).count();
            let start = *listed;
            *listed += count;
            match count {
                0 => Values::default(),
                _ => Values::Listed(start, *listed),
            }
        }
        (None, _) => Values::Many(strings(node)),
    }
}

/// The longest list of actions or resources read into the policy's shared list: a longer one
/// is worth a vector of its own rather than a copy.
const SHARED_LIST: usize = 16;

/// The one value of a value that is one, or a list of one.
fn single<'a>(node: &'a Node<'a>) -> Option<&'a Node<'a>> {
    match &node.value {
        Value::Array(items) if items.len() == 1 => items.first(),
        Value::Array(_) => None,
        _ => Some(node),
    }
}

/// [`principal_values`], with a single principal (`"*"`, `{"AWS": "arn:..."}`) kept
/// without a vector.
fn one_or_more_principals<'a>(member: &'a Member<'a>) -> Values<PrincipalValue<'a>> {
    let (kind, one) = match &member.value.value {
        Value::String(_) => (None, Some(&member.value)),
        Value::Object(entries) => match entries.as_slice() {
            [entry] => (Some(Str::of_key(entry)), single(&entry.value)),
            _ => (None, None),
        },
        _ => (None, None),
    };
    match one.map(Str::of_value) {
        Some(Some(value)) => Values::One(PrincipalValue { kind, value }),
        Some(None) => Values::default(),
        None => Values::Many(principal_values(member)),
    }
}

/// [`strings`] one at a time, without collecting them: for a caller that reads them once.
pub fn each_string<'a>(node: &'a Node<'a>) -> impl Iterator<Item = Str<'a>> + 'a {
    let items = match &node.value {
        Value::String(_) => std::slice::from_ref(node),
        Value::Array(items) => items.as_slice(),
        _ => &[],
    };
    items.iter().filter_map(Str::of_value)
}

/// The values of a condition entry: one value or a list; non-scalars are skipped (the
/// element-type rule reports them). Each as its text and span (strings without quotes).
pub fn condition_values(node: &Node) -> Vec<(String, Span)> {
    condition_scalars(node)
        .map(|(value, span)| (value.to_string(), span))
        .collect()
}

/// [`condition_values`] borrowed from the document rather than copied (a boolean as `true`
/// or `false`): the rules that read every value ask for it.
pub fn condition_scalars<'a>(node: &'a Node<'a>) -> impl Iterator<Item = (&'a str, Span)> + 'a {
    let items = match &node.value {
        Value::Array(items) => items.as_slice(),
        _ => std::slice::from_ref(node),
    };
    items.iter().filter_map(|n| match &n.value {
        Value::String(s) => Some((&**s, Str::of_value(n)?.span)),
        Value::Number(s) => Some((*s, n.span)),
        Value::Bool(true) => Some(("true", n.span)),
        Value::Bool(false) => Some(("false", n.span)),
        _ => None,
    })
}

/// Whether an action or resource string is a pattern (has `*` or `?`). A byte scan made for
/// short strings: rules ask this of every action and resource, many times.
#[inline]
pub fn has_wildcard(value: &str) -> bool {
    crate::bytes::contains_either(value.as_bytes(), b'*', b'?')
}

/// Whether a value holds a `*` or `?` that matches: one outside `${...}`, where `${*}` and
/// `${?}` are how a policy writes the characters literally (condition values, N005).
pub fn has_unescaped_wildcard(value: &str) -> bool {
    if !has_wildcard(value) {
        return false;
    }
    let mut in_variable = false;
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '$' if chars.peek() == Some(&'{') => in_variable = true,
            '}' => in_variable = false,
            '*' | '?' if !in_variable => return true,
            _ => {}
        }
    }
    false
}

/// One principal value: `"*"` alone has no kind; `{"AWS": [...]}` gives kind `AWS`.
#[derive(Clone, Copy, Debug)]
pub struct PrincipalValue<'a> {
    pub kind: Option<Str<'a>>,
    pub value: Str<'a>,
}

impl PrincipalValue<'_> {
    /// Whether the principal is of this type (`AWS`, `Service`, `Federated`, `CanonicalUser`).
    pub fn has_type(&self, name: &str) -> bool {
        self.kind.is_some_and(|k| k.value == name)
    }

    /// `"*"` or `{"AWS": "*"}`: everyone, unless conditions say otherwise.
    pub fn is_wildcard(&self) -> bool {
        self.value.value == "*" && self.kind.is_none_or(|k| k.value == "AWS")
    }
}

pub fn principal_values<'a>(member: &'a Member<'a>) -> Vec<PrincipalValue<'a>> {
    match &member.value.value {
        Value::String(_) => Str::of_value(&member.value)
            .map(|value| PrincipalValue { kind: None, value })
            .into_iter()
            .collect(),
        Value::Object(entries) => {
            // Sized once and filled in place, rather than a vector per principal type.
            let count = |node: &Node| match &node.value {
                Value::Array(items) => items.len(),
                _ => 1,
            };
            let mut values = Vec::with_capacity(entries.iter().map(|e| count(&e.value)).sum());
            for entry in entries {
                let kind = Some(Str::of_key(entry));
                let of = |value| PrincipalValue { kind, value };
                match &entry.value.value {
                    Value::Array(items) => {
                        values.extend(items.iter().filter_map(Str::of_value).map(of));
                    }
                    _ => values.extend(Str::of_value(&entry.value).map(of)),
                }
            }
            values
        }
        _ => Vec::new(),
    }
}

/// One `operator → key → values` entry of a `Condition` block.
#[derive(Clone, Copy, Debug)]
pub struct ConditionEntry<'a> {
    pub operator: Str<'a>,
    pub key: Str<'a>,
    pub values: &'a Node<'a>,
    /// [`ConditionEntry::requires_match`], worked out once per operator when the policy is
    /// built: many rules ask it of every entry.
    requires_match: bool,
}

impl ConditionEntry<'_> {
    /// The entry's JSON pointer under its statement's, e.g. `/Statement/0/Condition/Bool/aws:SecureTransport`.
    pub fn pointer(&self, statement: &str) -> String {
        format!(
            "{statement}/Condition/{}/{}",
            self.operator.value, self.key.value
        )
    }

    /// Whether the entry can only match when the key is present and equal to (or like) a
    /// listed value, so it narrows who or what a statement applies to. Negations let
    /// everything else through, `IfExists` and `ForAllValues:` match when the key is absent,
    /// and `Null` tests presence only.
    pub fn requires_match(&self) -> bool {
        self.requires_match
    }
}

/// Whether an operator requires a match (see [`ConditionEntry::requires_match`]).
fn operator_requires_match(operator: &str) -> bool {
    // Compared in place, ignoring ASCII case.
    let op = operator.as_bytes();
    let at_end = |suffix: &[u8]| {
        op.len() >= suffix.len() && op[op.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
    };
    let at_start =
        |prefix: &[u8]| op.len() >= prefix.len() && op[..prefix.len()].eq_ignore_ascii_case(prefix);
    !op.windows(3).any(|w| w.eq_ignore_ascii_case(b"not"))
        && !at_end(b"ifexists")
        && !at_start(b"forallvalues:")
        && !op.eq_ignore_ascii_case(b"null")
}

impl<'a> Statement<'a> {
    /// The strings of one of the statement's members: `Action` and `Resource` as [`build`]
    /// read them, any other read now.
    pub fn strings_of(&self, member: &'a Member<'a>) -> Cow<'_, [Str<'a>]> {
        let is = |m: Option<&Member>| m.is_some_and(|m| std::ptr::eq(m, member));
        if is(self.action) {
            Cow::Borrowed(self.action_values.as_slice())
        } else if is(self.resource) {
            Cow::Borrowed(self.resource_values.as_slice())
        } else {
            Cow::Owned(strings(&member.value))
        }
    }

    /// The values of a `Principal` or `NotPrincipal` member: `Principal`'s as [`build`] read
    /// them, any other read now.
    pub fn principals_of(&self, member: &'a Member<'a>) -> Cow<'_, [PrincipalValue<'a>]> {
        if self.principal.is_some_and(|m| std::ptr::eq(m, member)) {
            Cow::Borrowed(self.principal_values.as_slice())
        } else {
            Cow::Owned(principal_values(member))
        }
    }

    pub fn effect(&self) -> Effect {
        match self.effect.and_then(|m| m.value.as_str()) {
            Some("Allow") => Effect::Allow,
            Some("Deny") => Effect::Deny,
            _ => Effect::Invalid,
        }
    }

    pub fn is_allow(&self) -> bool {
        self.effect() == Effect::Allow
    }

    pub fn actions(&self) -> &[Str<'a>] {
        self.action_values.as_slice()
    }

    pub fn resources(&self) -> &[Str<'a>] {
        self.resource_values.as_slice()
    }

    pub fn principals(&self) -> &[PrincipalValue<'a>] {
        self.principal_values.as_slice()
    }

    pub fn conditions(&self) -> &[ConditionEntry<'a>] {
        self.condition_entries.as_slice()
    }

    /// Whether a condition key (case-insensitive, as AWS compares keys) is tested at all.
    pub fn has_condition_key(&self, key: &str) -> bool {
        self.conditions()
            .iter()
            .any(|c| c.key.value.eq_ignore_ascii_case(key))
    }
}

/// Lays the policy grammar over a parsed document. Anything that does not fit the grammar
/// stays in the JSON tree, where the structure rules find and report it.
pub fn build<'a>(root: &'a Node<'a>) -> Policy<'a> {
    let statement = root.get("Statement");
    // A single statement object reads as a list of one, its pointer without an index.
    let (nodes, single) = match statement.map(|m| &m.value) {
        Some(
            node @ Node {
                value: Value::Object(_),
                ..
            },
        ) => (std::slice::from_ref(node), true),
        Some(Node {
            value: Value::Array(items),
            ..
        }) => (items.as_slice(), false),
        _ => (&[][..], false),
    };
    let mut statements = Vec::with_capacity(nodes.len());
    let mut listed = 0;
    for (index, node) in nodes.iter().enumerate() {
        if node.members().is_none() {
            continue;
        }
        let elements = Elements::of(node);
        let (action, resource) = (elements.action, elements.resource);
        let (principal, condition) = (elements.principal, elements.condition);
        statements.push(Statement {
            index,
            node,
            pointer: statement_pointer(index, single),
            sid: elements.sid,
            effect: elements.effect,
            principal,
            not_principal: elements.not_principal,
            action,
            not_action: elements.not_action,
            resource,
            not_resource: elements.not_resource,
            condition,
            action_values: action
                .map(|m| values(&m.value, &mut listed))
                .unwrap_or_default(),
            resource_values: resource
                .map(|m| values(&m.value, &mut listed))
                .unwrap_or_default(),
            principal_values: principal.map(one_or_more_principals).unwrap_or_default(),
            condition_entries: condition_entries(condition),
        });
    }
    share(&mut statements, listed);
    Policy {
        root,
        version: root.get("Version"),
        id: root.get("Id"),
        statement,
        statements,
    }
}

/// A statement's JSON pointer (`/Statement/3`): those of the first statements are spelled
/// once per run and shared, as every statement of every document has one and most
/// documents have few.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pointer(Cow<'static, str>);

impl Pointer {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::ops::Deref for Pointer {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Pointer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<Pointer> for String {
    fn from(pointer: Pointer) -> String {
        pointer.0.into_owned()
    }
}

impl PartialEq<str> for Pointer {
    fn eq(&self, other: &str) -> bool {
        *self.0 == *other
    }
}

impl PartialEq<&str> for Pointer {
    fn eq(&self, other: &&str) -> bool {
        *self.0 == **other
    }
}

/// Statements whose pointers are shared (see [`Pointer`]).
const SHARED_POINTERS: usize = 256;

/// Reads the short lists [`values`] left (`listed` strings in all) into one list: the list
/// itself to a policy's only such list, else one list the statements share (two allocations
/// for any number of lists rather than one a list).
fn share(statements: &mut [Statement], listed: usize) {
    let lists = statements
        .iter()
        .flat_map(|s| [&s.action_values, &s.resource_values])
        .filter(|values| matches!(values, Values::Listed(..)))
        .count();
    if lists == 0 {
        return;
    }
    // In the statements' order, as `values` counted them.
    let mut all = Vec::with_capacity(if lists == 1 { 0 } else { listed });
    for s in statements.iter_mut() {
        for (member, values) in [
            (s.action, &mut s.action_values),
            (s.resource, &mut s.resource_values),
        ] {
            if let (Some(member), Values::Listed(..)) = (member, &*values) {
                if lists == 1 {
                    *values = Values::Many(strings(&member.value));
                    return;
                }
                all.extend(each_string(&member.value));
            }
        }
    }
    let shared: Arc<[Str]> = Arc::from(all);
    for s in statements.iter_mut() {
        for values in [&mut s.action_values, &mut s.resource_values] {
            if let Values::Listed(start, end) = *values {
                *values = Values::Shared(Arc::clone(&shared), start, end);
            }
        }
    }
}

/// `/Statement/3`, or `/Statement` for a single statement object.
fn statement_pointer(index: usize, single: bool) -> Pointer {
    static SHARED: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    if single {
        return Pointer(Cow::Borrowed("/Statement"));
    }
    if index < SHARED_POINTERS {
        let shared = SHARED.get_or_init(|| (0..SHARED_POINTERS).map(spelled_pointer).collect());
        if let Some(pointer) = shared.get(index) {
            return Pointer(Cow::Borrowed(pointer));
        }
    }
    Pointer(Cow::Owned(spelled_pointer(index)))
}

/// `/Statement/3`, written digit by digit: a long policy's statements past the shared ones
/// each need one, and formatting machinery costs more.
fn spelled_pointer(index: usize) -> String {
    const PREFIX: &str = "/Statement";
    let mut digits = [0u8; 20];
    let (mut rest, mut at) = (index, digits.len());
    loop {
        at -= 1;
        // A remainder of ten is one decimal digit.
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    let mut pointer = String::with_capacity(PREFIX.len() + 1 + digits.len() - at);
    pointer.push_str(PREFIX);
    pointer.push('/');
    pointer.extend(digits[at..].iter().map(|&d| char::from(d)));
    pointer
}

/// A statement's elements by name, each the last member so named (as [`Node::get`] finds
/// it, and AWS reads a duplicate key), found in one pass over its members rather than one
/// search per element.
#[derive(Default)]
struct Elements<'a> {
    sid: Option<&'a Member<'a>>,
    effect: Option<&'a Member<'a>>,
    principal: Option<&'a Member<'a>>,
    not_principal: Option<&'a Member<'a>>,
    action: Option<&'a Member<'a>>,
    not_action: Option<&'a Member<'a>>,
    resource: Option<&'a Member<'a>>,
    not_resource: Option<&'a Member<'a>>,
    condition: Option<&'a Member<'a>>,
}

impl<'a> Elements<'a> {
    fn of(node: &'a Node<'a>) -> Self {
        let mut found = Elements::default();
        for member in node.members().unwrap_or_default() {
            let slot = match &*member.key {
                "Sid" => &mut found.sid,
                "Effect" => &mut found.effect,
                "Principal" => &mut found.principal,
                "NotPrincipal" => &mut found.not_principal,
                "Action" => &mut found.action,
                "NotAction" => &mut found.not_action,
                "Resource" => &mut found.resource,
                "NotResource" => &mut found.not_resource,
                "Condition" => &mut found.condition,
                _ => continue,
            };
            *slot = Some(member);
        }
        found
    }
}

/// The `operator → key → values` entries of a `Condition` element.
fn condition_entries<'a>(condition: Option<&'a Member<'a>>) -> Values<ConditionEntry<'a>> {
    let Some(block) = condition.and_then(|m| m.value.members()) else {
        return Values::default();
    };
    let entries = block.iter().flat_map(|op| {
        let operator = Str::of_key(op);
        let requires_match = operator_requires_match(operator.value);
        op.value
            .members()
            .unwrap_or_default()
            .iter()
            .map(move |key| ConditionEntry {
                operator,
                key: Str::of_key(key),
                values: &key.value,
                requires_match,
            })
    });
    // Most blocks test one key under one operator.
    match block {
        [op] if op.value.members().is_some_and(|keys| keys.len() == 1) => {
            entries.map(Values::One).next().unwrap_or_default()
        }
        _ => Values::Many(entries.collect()),
    }
}

/// Whether a parsed document is meant as a policy at all (configuration files, package
/// manifests and API responses share the `.json` ending).
pub fn looks_like_policy(root: &Node) -> bool {
    root.get("Statement").is_some() || root.get("Version").is_some()
}

#[cfg(test)]
mod build_tests {
    use super::build;

    #[test]
    fn lists_of_actions_and_resources_read_as_their_strings() {
        // A list longer than the shared ones are, too.
        let long: Vec<String> = (0..=super::SHARED_LIST)
            .map(|i| format!("\"d:{i}\""))
            .collect();
        let long = format!(
            r#"{{"Action": [{}], "Resource": ["u1", "u2"]}}"#,
            long.join(", ")
        );
        let statements = [
            r#"{"Action": ["a:1", 7, "a:2"], "Resource": ["r1", "r2"]}"#,
            r#"{"Action": "b:1", "Resource": ["s1"]}"#,
            &long,
            r#"{"Action": [], "Resource": [{}, "t1", "t2", "t3"]}"#,
            r#"{"Action": [1, 2], "Resource": "*", "Action": ["c:1", "c:2"]}"#,
        ];
        // Every number of statements, so every number of lists (none, one, several).
        for count in 0..=statements.len() {
            for first in 0..=statements.len() - count {
                let chosen = &statements[first..first + count];
                let text = format!(r#"{{"Statement": [{}]}}"#, chosen.join(", "));
                let root = crate::json::parse(&text).unwrap();
                let policy = build(&root);
                for s in &policy.statements {
                    let read =
                        |m: Option<&crate::json::Member>| -> Vec<(String, crate::json::Span)> {
                            m.map(|m| super::strings(&m.value))
                                .unwrap_or_default()
                                .iter()
                                .map(|v| (v.value.to_string(), v.span))
                                .collect()
                        };
                    let of = |values: &[super::Str]| -> Vec<(String, crate::json::Span)> {
                        values
                            .iter()
                            .map(|v| (v.value.to_string(), v.span))
                            .collect()
                    };
                    assert_eq!(of(s.actions()), read(s.action), "{text}");
                    assert_eq!(of(s.resources()), read(s.resource), "{text}");
                }
            }
        }
    }

    #[test]
    fn each_element_is_its_last_member_as_get_finds_it() {
        let text = r#"{"Statement": [{"Sid": "a", "Effect": "Deny", "Action": "x:A",
            "Effect": "Allow", "NotAction": [], "Resource": "*", "Resource": ["r", "s"],
            "Principal": "*", "NotPrincipal": {}, "NotResource": "n", "Condition": {},
            "Other": 1, "Sid": "b"}]}"#;
        let root = crate::json::parse(text).unwrap();
        let policy = build(&root);
        let s = &policy.statements[0];
        let node = s.node;
        let same = |found: Option<&crate::json::Member>, key: &str| {
            let expected = node.get(key).unwrap();
            assert!(found.is_some_and(|m| std::ptr::eq(m, expected)), "{key}");
        };
        same(s.sid, "Sid");
        same(s.effect, "Effect");
        same(s.action, "Action");
        same(s.not_action, "NotAction");
        same(s.resource, "Resource");
        same(s.not_resource, "NotResource");
        same(s.principal, "Principal");
        same(s.not_principal, "NotPrincipal");
        same(s.condition, "Condition");
        assert!(s.is_allow());
        assert_eq!(s.resources().len(), 2);
        // Shared and spelled alike, on both sides of the last shared one.
        let last_shared = super::SHARED_POINTERS - 1;
        for index in [0, 7, 10, 99, last_shared, last_shared + 1, 1234, usize::MAX] {
            assert_eq!(
                super::statement_pointer(index, false).as_str(),
                format!("/Statement/{index}")
            );
        }
        let bare = crate::json::parse(r#"{"Statement": {"Effect": "Allow"}}"#).unwrap();
        let bare = build(&bare);
        assert_eq!(bare.statements[0].pointer, "/Statement");
        assert!(bare.statements[0].action.is_none() && bare.statements[0].sid.is_none());
    }
}

#[cfg(test)]
mod wildcard_tests {
    use super::{has_unescaped_wildcard, has_wildcard};

    #[test]
    fn an_escaped_wildcard_is_a_literal_character() {
        assert!(has_unescaped_wildcard("arn:aws:iam::*:role/admin"));
        assert!(has_unescaped_wildcard("a?c"));
        assert!(!has_unescaped_wildcard("literal-${*}-star"));
        assert!(!has_unescaped_wildcard("${?}"));
        assert!(has_unescaped_wildcard("${*}*"));
        assert!(!has_unescaped_wildcard("plain"));
        assert!(has_wildcard("${*}"), "the plain test sees every `*`");
    }
}

#[cfg(test)]
mod condition_tests {
    #[test]
    fn requires_match_ignores_case_as_lowering_did() {
        let text = r#"{"Statement": {"Condition": {
            "StringEquals": {"a:b": "x"}, "stringlike": {"a:b": "x"},
            "StringNotEquals": {"a:b": "x"}, "NOTIPADDRESS": {"a:b": "x"},
            "StringEqualsIfExists": {"a:b": "x"}, "BoolIFEXISTS": {"a:b": "x"},
            "ForAllValues:StringLike": {"a:b": "x"}, "forallvalues:StringEquals": {"a:b": "x"},
            "ForAnyValue:StringEquals": {"a:b": "x"}, "Null": {"a:b": "x"}, "NULL": {"a:b": "x"},
            "NullX": {"a:b": "x"}, "IfExists": {"a:b": "x"}, "Énot": {"a:b": "x"}, "": {"a:b": "x"}
        }}}"#;
        let root = crate::json::parse(text).unwrap();
        let policy = super::build(&root);
        let entries = policy.statements[0].conditions();
        assert_eq!(entries.len(), 15);
        for entry in entries {
            let op = entry.operator.value.to_ascii_lowercase();
            let lowered = !op.contains("not")
                && !op.ends_with("ifexists")
                && !op.starts_with("forallvalues:")
                && op != "null";
            assert_eq!(entry.requires_match(), lowered, "{}", entry.operator.value);
        }
        let required: Vec<&str> = entries
            .iter()
            .filter(|e| e.requires_match())
            .map(|e| e.operator.value)
            .collect();
        assert_eq!(
            required,
            [
                "StringEquals",
                "stringlike",
                "ForAnyValue:StringEquals",
                "NullX",
                ""
            ]
        );
    }
}
