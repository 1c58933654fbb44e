//! How far a statement's resources reach for one action: every resource of its type
//! (`*`, `role/*`, `function:*`, `arn:aws:s3:::*/*`, any account), only the caller's own
//! (`user/${aws:username}`), or named ones. And when one resource pattern covers another,
//! which decides whether a Deny removes an Allow.

use crate::catalog::ArnTemplate;
use crate::pattern::{Glob, Wildcard};
use crate::policy::Str;

/// Where an action is granted.
#[derive(Clone, Debug)]
pub enum Scope<'a> {
    /// Every resource of the action's type: the token that leaves it open (`*`, a pattern,
    /// or the `NotResource` key).
    Every(Str<'a>),
    /// The action has no resource-level permissions: `"Resource": "*"` is the only way to
    /// grant it, so there is nothing to scope.
    Unscoped(Str<'a>),
    /// Only the caller's own resources (a policy variable such as `${aws:username}`).
    OwnOnly(Vec<Str<'a>>),
    /// Named resources (literal names, or patterns that pin a name or path prefix).
    Named(Vec<Str<'a>>),
}

impl<'a> Scope<'a> {
    /// Open to any target: unconstrained, or not scopable at all.
    pub fn is_open(&self) -> bool {
        matches!(self, Scope::Every(_) | Scope::Unscoped(_))
    }

    /// The resource tokens the scope comes from.
    pub fn tokens(&self) -> Vec<Str<'a>> {
        match self {
            Scope::Every(t) | Scope::Unscoped(t) => vec![*t],
            Scope::OwnOnly(ts) | Scope::Named(ts) => ts.clone(),
        }
    }
}

/// A name no real resource is expected to have: a resource pattern that matches it matches
/// any name.
const ANY_NAME: &str = "zq9-any-name";

/// The scope of `values` (a statement's `Resource`) for an action accepting `templates`
/// (empty: no resource-level permissions; `None`: the catalog does not say). `None` when no
/// value can name a resource the action takes.
/// `globs`: [`globs_of`] the same values, each compiled when first compared.
pub fn of_values<'a>(
    values: &[Str<'a>],
    globs: &[LazyGlob],
    templates: Option<&[&ArnTemplate]>,
) -> Option<Scope<'a>> {
    let fits = |(v, glob): &(&Str, &LazyGlob)| {
        v.value == "*"
            || templates.is_none_or(|ts| {
                let glob = glob.get_or_init(|| Glob::new(&without_variables(v.value)));
                ts.iter().any(|t| glob.intersects(&t.glob))
            })
    };
    let mut relevant = values.iter().zip(globs).filter(fits).map(|(v, _)| *v);
    let first = relevant.next()?;
    if templates.is_some_and(<[_]>::is_empty) {
        return Some(Scope::Unscoped(first));
    }
    // The values after an open one need not be compared: the first open one is the answer,
    // and only named scopes keep a list (collected then, not before).
    let every = |v: &Str| v.value == "*" || templates.is_some_and(|ts| is_every(v.value, ts));
    if every(&first) {
        return Some(Scope::Every(first));
    }
    let mut listed = vec![first];
    for v in relevant {
        if every(&v) {
            return Some(Scope::Every(v));
        }
        listed.push(v);
    }
    if listed.iter().all(|v| v.value.contains("${")) {
        Some(Scope::OwnOnly(listed))
    } else {
        Some(Scope::Named(listed))
    }
}

/// Whether every value is a literal name: ASCII without a wildcard or a policy variable.
/// [`of_values`] makes such values open only through a template filled with their own
/// fields ([`is_every`]), which needs a template without a name part ([`has_name_variable`])
/// or a value that holds [`ANY_NAME`] ([`holds_any_name`]).
pub fn all_literal(values: &[Str]) -> bool {
    // Bytes compared in place: asked of every grant the methods look at.
    values.iter().all(|v| {
        v.value
            .bytes()
            .all(|b| b.is_ascii() && b != b'*' && b != b'?')
            && find_variable(v.value).is_none()
    })
}

/// Whether `value` holds [`ANY_NAME`] in any ASCII case: looked for from each `z`, a
/// letter ARNs seldom hold.
pub fn holds_any_name(value: &str) -> bool {
    let bytes = value.as_bytes();
    memchr::memchr2_iter(b'z', b'Z', bytes).any(|at| {
        bytes
            .get(at..at + ANY_NAME.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(ANY_NAME.as_bytes()))
    })
}

/// Whether a template has a variable that [`is_every`] fills with [`ANY_NAME`] (one other
/// than the partition, region and account); `false` too for a variable left unclosed.
pub fn has_name_variable(template: &str) -> bool {
    let mut rest = template;
    while let Some(start) = find_variable(rest) {
        let Some(end) = memchr::memchr(b'}', &rest.as_bytes()[start..]) else {
            return false;
        };
        if !matches!(
            &rest[start + 2..start + end],
            "Partition" | "Region" | "Account"
        ) {
            return true;
        }
        rest = &rest[start + end + 1..];
    }
    false
}

/// Whether a resource value can name a resource of one of the templates (policy variables
/// count as any text).
pub fn fits_any(value: &str, templates: &[&ArnTemplate]) -> bool {
    let glob = Glob::new(&without_variables(value));
    templates.iter().any(|t| glob.intersects(&t.glob))
}

/// A value as [`fits_any`] compares it, compiled when first needed: [`of_values`] stops at
/// the first value open to every resource, and the values after it are never compiled.
pub type LazyGlob = std::cell::OnceCell<Glob>;

/// A place for each value as [`fits_any`] compares it, compiled once for all the actions
/// asked about.
pub fn globs_of(values: &[Str]) -> Vec<LazyGlob> {
    values.iter().map(|_| LazyGlob::new()).collect()
}

/// Whether the value matches a resource of some template whatever its name: a probe ARN
/// with this value's own partition, region and account (when it writes them out) and a
/// name nobody uses.
pub fn is_every(value: &str, templates: &[&ArnTemplate]) -> bool {
    if value == "*" {
        return true;
    }
    // Asked for every grant of every document: the fields are borrowed and one probe
    // buffer serves all the templates.
    let mut fields = [""; 6];
    let mut count = 0;
    let mut start = 0;
    for at in memchr::memchr_iter(b':', value.as_bytes()).take(fields.len() - 1) {
        fields[count] = &value[start..at];
        count += 1;
        start = at + 1;
    }
    fields[count] = &value[start..];
    count += 1;
    // A field stands for itself unless it holds a wildcard or a policy variable.
    let field = |i: usize, default: &'static str| -> &str {
        match fields[..count].get(i) {
            Some(f)
                if !f.is_empty()
                    && !f.bytes().any(|b| b == b'*' || b == b'?')
                    && find_variable(f).is_none() =>
            {
                f
            }
            _ => default,
        }
    };
    let partition = field(1, "aws");
    let region = field(3, "us-east-1");
    let account = field(4, "111122223333");
    // The literal text before the value's first wildcard and after its last must stand at
    // the ends of a probe it matches: compared in place (ASCII alone, where the matcher
    // compares bytes), they settle most templates before the value is compiled.
    let bytes = value.as_bytes();
    let wild = |b: &u8| *b == b'*' || *b == b'?';
    let head = &bytes[..bytes.iter().position(wild).unwrap_or(bytes.len())];
    let tail = &bytes[bytes
        .iter()
        .rposition(wild)
        .map_or(bytes.len(), |at| at + 1)..];
    let ascii = value.is_ascii();
    // A literal value (ASCII, without a wildcard or a variable) matches only a probe equal
    // to it, and a probe holds ANY_NAME wherever its template has a name part: unless the
    // value holds ANY_NAME too, only templates without a name part need a probe.
    let only_nameless = ascii
        && head.len() == bytes.len()
        && find_variable(value).is_none()
        && !holds_any_name(value);
    // Compiled once for all the templates, when one first needs it.
    let compiled = std::cell::OnceCell::new();
    let mut probe = String::with_capacity(PROBE_CAPACITY);
    templates.iter().any(|t| {
        if only_nameless && has_name_variable(t.template) {
            return false;
        }
        probe.clear();
        fill_into(&mut probe, t.template, |var| match var {
            "Partition" => partition,
            "Region" => region,
            "Account" => account,
            _ => ANY_NAME,
        });
        let p = probe.as_bytes();
        let ends_differ = ascii
            && probe.is_ascii()
            && (head.len().max(tail.len()) > p.len()
                || !p[..head.len()].eq_ignore_ascii_case(head)
                || !p[p.len() - tail.len()..].eq_ignore_ascii_case(tail));
        !ends_differ
            && compiled
                .get_or_init(|| Wildcard::new(value))
                .matches(&probe)
    })
}

/// Room for a probe ARN without growing: templates and their filled fields are short.
const PROBE_CAPACITY: usize = 160;

/// The template with each `${Name}` replaced by `value(Name)`.
fn fill(template: &str, value: impl Fn(&str) -> String) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    fill_into(&mut out, template, value);
    out
}

/// [`fill`] into a buffer the caller reuses.
fn fill_into<S: AsRef<str>>(out: &mut String, template: &str, value: impl Fn(&str) -> S) {
    let mut rest = template;
    while let Some(start) = find_variable(rest) {
        out.push_str(&rest[..start]);
        let Some(end) = memchr::memchr(b'}', &rest.as_bytes()[start..]) else {
            break;
        };
        out.push_str(value(&rest[start + 2..start + end]).as_ref());
        rest = &rest[start + end + 1..];
    }
    out.push_str(rest);
}

/// Where the first `${` of `text` starts.
fn find_variable(text: &str) -> Option<usize> {
    crate::policy::template::find_opening(text.as_bytes())
}

/// Policy variables (`${aws:username}`) as `*`, for asking what a value may match.
pub fn without_variables(value: &str) -> String {
    if !value.contains("${") {
        return value.to_string();
    }
    fill(value, |_| "*".to_string())
}

/// Whether every string that `inner` matches is matched by `outer` (IAM wildcards: `*`
/// any run, `?` one character). Exact when `inner` has no wildcards; otherwise a wildcard
/// of `inner` must meet a wildcard of `outer` that absorbs it, which is sound (never says
/// "covers" wrongly) and exact for the patterns policies use.
pub fn covers(outer: &str, inner: &str) -> bool {
    if outer == "*" || outer == inner {
        return true;
    }
    if !outer.contains(['*', '?']) {
        return false;
    }
    if outer.is_ascii() && inner.is_ascii() {
        // The literal text before the first wildcard of `outer` and after its last must
        // stand at the ends of `inner` as written: compared in place, it settles most
        // pairs (another bucket, another account) and leaves the table a short middle.
        let (a, b) = (outer.as_bytes(), inner.as_bytes());
        let wild = |c: &u8| *c == b'*' || *c == b'?';
        let head = a.iter().position(wild).unwrap_or(a.len());
        let tail = a.len() - 1 - a.iter().rposition(wild).unwrap_or(a.len() - 1);
        if head + tail > b.len()
            || a[..head] != b[..head]
            || a[a.len() - tail..] != b[b.len() - tail..]
        {
            return false;
        }
        return covers_in(
            &a[head..a.len() - tail],
            &b[head..b.len() - tail],
            b'*',
            b'?',
        );
    }
    let a: Vec<char> = outer.chars().collect();
    let b: Vec<char> = inner.chars().collect();
    covers_in(&a, &b, '*', '?')
}

/// [`covers`] over any alphabet, one row of the table at a time.
fn covers_in<T: PartialEq + Copy>(a: &[T], b: &[T], many: T, one: T) -> bool {
    // row[j]: does outer[i..] cover inner[j..]; filled from the end.
    let mut next = vec![false; b.len() + 1];
    next[b.len()] = true;
    let mut row = vec![false; b.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..=b.len()).rev() {
            row[j] = if a[i] == many {
                next[j] || (j < b.len() && row[j + 1])
            } else if a[i] == one {
                j < b.len() && b[j] != many && next[j + 1]
            } else {
                j < b.len() && b[j] == a[i] && next[j + 1]
            };
        }
        std::mem::swap(&mut next, &mut row);
    }
    next[0]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn covers_is_containment() {
        assert!(covers("*", "arn:aws:s3:::b/*"));
        assert!(covers("arn:aws:s3:::b/*", "arn:aws:s3:::b/logs/*"));
        assert!(covers("arn:aws:s3:::b/*", "arn:aws:s3:::b/x"));
        assert!(!covers("arn:aws:s3:::b/x", "arn:aws:s3:::b/*"));
        assert!(!covers("arn:aws:s3:::b/?", "arn:aws:s3:::b/*"));
        assert!(covers(
            "arn:aws:iam::*:role/*",
            "arn:aws:iam::111122223333:role/admin"
        ));
        assert!(!covers("arn:aws:iam::*:role/a*", "arn:aws:iam::1:role/*"));
        // The literal ends of `outer` must be the ends of `inner`, and fit in it.
        assert!(covers("arn:aws:s3:::b/*/x", "arn:aws:s3:::b/y/x"));
        assert!(!covers("arn:aws:s3:::b/*/x", "arn:aws:s3:::b/y/z"));
        assert!(!covers("arn:aws:s3:::c/*", "arn:aws:s3:::b/x"));
        assert!(covers("ab*ba", "abba"));
        assert!(!covers("ab*ba", "aba"));
        assert!(covers("*x", "x") && covers("x*", "x") && !covers("x?", "x"));
        assert!(covers("a?c", "abc") && !covers("a?c", "a*c"));
    }

    #[test]
    fn fill_replaces_every_variable() {
        assert_eq!(
            fill(
                "arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}",
                |v| v.to_lowercase()
            ),
            "arn:partition:iam::account:role/rolenamewithpath"
        );
        assert_eq!(without_variables("user/${aws:username}"), "user/*");
    }
}
