//! Case-insensitive string matching used by catalog lookups: IAM wildcards
//! (`*`, `?`) and condition-key templates (`${TagKey}`, `<key>`).

use rustc_hash::FxHashMap;
use std::cmp::Ordering;
use std::ops::Range;

/// Orders strings as if both were lowercased (ASCII), without allocating.
pub fn cmp_ignore_case(a: &str, b: &str) -> Ordering {
    // Names in a binary search share long prefixes (`Describe…`): equal bytes need no
    // lowering, so only the first pair that differs is lowered.
    for (x, y) in a.bytes().zip(b.bytes()) {
        if x != y {
            let (x, y) = (x.to_ascii_lowercase(), y.to_ascii_lowercase());
            if x != y {
                return x.cmp(&y);
            }
        }
    }
    a.len().cmp(&b.len())
}

/// One element of a compiled pattern.
#[derive(Clone, Copy)]
enum Tok {
    Char(char),
    /// `?`: exactly one character.
    One,
    /// `*`: any run of characters, possibly empty.
    Many,
}

/// IAM-style wildcard match: `*` matches any run, `?` one character, and
/// everything else matches case-insensitively.
pub fn wildcard_match(pattern: &str, text: &str) -> bool {
    Wildcard::new(pattern).matches(text)
}

/// A wildcard pattern compiled once, for matching it against many names (a
/// catalog expansion tests every action of a service).
pub struct Wildcard {
    shape: Shape,
}

enum Shape {
    /// No wildcard: a case-insensitive comparison.
    Exact(String),
    /// `Prefix*`, the usual form (`s3:Get*`): a case-insensitive prefix test.
    Prefix(String),
    General(Compiled),
}

impl Wildcard {
    pub fn new(pattern: &str) -> Self {
        let wild = |c: char| c == '*' || c == '?';
        let shape = match pattern.find(wild) {
            None => Shape::Exact(pattern.to_string()),
            Some(at) if at + 1 == pattern.len() && pattern.ends_with('*') => {
                Shape::Prefix(pattern[..at].to_string())
            }
            Some(_) => Shape::General(Compiled::new(pattern.chars().map(|c| match c {
                '*' => Tok::Many,
                '?' => Tok::One,
                c => Tok::Char(c),
            }))),
        };
        Wildcard { shape }
    }

    /// The positions of the items whose name matches, in a list sorted by
    /// [`cmp_ignore_case`] of the names. The names a `Prefix*` pattern matches are one run of
    /// such a list, found by binary search instead of testing every name.
    pub fn positions_in_sorted<T>(&self, items: &[T], name: impl Fn(&T) -> &str) -> Vec<usize> {
        match self.prefix_run_in_sorted(items, &name) {
            Some(run) => run.collect(),
            None => (0..items.len())
                .filter(|&i| self.matches(name(&items[i])))
                .collect(),
        }
    }

    /// For an ASCII `Prefix*` pattern, the positions of the items whose name matches, in a
    /// list sorted by [`cmp_ignore_case`] of the names: one run, found by two binary
    /// searches. `None` for the other shapes, which need every name tested.
    pub fn prefix_run_in_sorted<T>(
        &self,
        items: &[T],
        name: impl Fn(&T) -> &str,
    ) -> Option<Range<usize>> {
        let Shape::Prefix(p) = &self.shape else {
            return None;
        };
        if !p.is_ascii() {
            return None;
        }
        let start = items.partition_point(|item| cmp_ignore_case(name(item), p).is_lt());
        // From `start` on, the names that begin with the prefix come before every other.
        let len = items[start..].partition_point(|item| {
            name(item)
                .as_bytes()
                .get(..p.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(p.as_bytes()))
        });
        Some(start..start + len)
    }

    pub fn matches(&self, text: &str) -> bool {
        match &self.shape {
            Shape::Exact(p) => eq_str_ignore_case(p, text),
            Shape::Prefix(p) => text
                .get(..p.len())
                .is_some_and(|head| eq_str_ignore_case(p, head)),
            Shape::General(compiled) => compiled.matches(text),
        }
    }
}

fn eq_str_ignore_case(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
        || (!a.is_ascii()
            && a.chars()
                .flat_map(char::to_lowercase)
                .eq(b.chars().flat_map(char::to_lowercase)))
}

/// Whether a condition key name holds a placeholder, so that [`template_match`] can match
/// it (a name with only a stray `$` or `<` is not one).
pub fn is_template(name: &str) -> bool {
    next_placeholder(name).is_some()
}

/// Does `key` instantiate `template`? A `${Name}` or `<name>` placeholder
/// stands for one or more characters; the rest matches case-insensitively.
/// A name without placeholders never matches here (callers compare exactly).
pub fn template_match(template: &str, key: &str) -> bool {
    // Most catalog names have no placeholder: answer without building a pattern.
    let Some(first) = template.bytes().position(|b| b == b'$' || b == b'<') else {
        return false;
    };
    // The text before the first placeholder must match as is: most keys fail here.
    if !key
        .get(..first)
        .is_some_and(|head| head.eq_ignore_ascii_case(&template[..first]))
    {
        return false;
    }
    if template.is_ascii() && key.is_ascii() {
        return ascii_template_match(template, key);
    }
    let mut toks = Vec::new();
    let mut rest = template;
    let mut placeholders = 0;
    while let Some(c) = rest.chars().next() {
        let close = match c {
            '$' if rest.starts_with("${") => rest.find('}'),
            '<' => rest.find('>'),
            _ => None,
        };
        match close {
            Some(end) if end > 1 => {
                // "one or more" = one character followed by any run.
                toks.push(Tok::One);
                toks.push(Tok::Many);
                placeholders += 1;
                rest = &rest[end + 1..];
            }
            _ => {
                toks.push(Tok::Char(c));
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    placeholders > 0 && matches(&toks, key)
}

/// Where the first placeholder of `template` starts and ends (exclusive), read as
/// [`template_match`] reads them.
fn next_placeholder(template: &str) -> Option<(usize, usize)> {
    template.match_indices(['$', '<']).find_map(|(at, open)| {
        let rest = &template[at..];
        let close = if open == "<" {
            rest.find('>')
        } else if rest.starts_with("${") {
            rest.find('}')
        } else {
            None
        };
        close.filter(|&end| end > 1).map(|end| (at, at + end + 1))
    })
}

/// [`template_match`] for ASCII text without building a pattern: the literal parts between
/// placeholders must appear in order, each placeholder taking at least one character.
/// Taking the leftmost fit of each part is enough, as for `*` wildcards.
fn ascii_template_match(template: &str, key: &str) -> bool {
    let Some((start, end)) = next_placeholder(template) else {
        return false;
    };
    let key = key.as_bytes();
    let head = &template.as_bytes()[..start];
    if !key
        .get(..head.len())
        .is_some_and(|k| k.eq_ignore_ascii_case(head))
    {
        return false;
    }
    let mut at = head.len();
    let mut rest = &template[end..];
    // Each literal part after a placeholder, the last one anchored at the end of the key.
    while let Some((start, end)) = next_placeholder(rest) {
        let part = &rest.as_bytes()[..start];
        let from = at + 1;
        let found = if part.is_empty() {
            Some(0)
        } else {
            key.get(from..).and_then(|tail| {
                tail.windows(part.len())
                    .position(|w| w.eq_ignore_ascii_case(part))
            })
        };
        let Some(found) = found else {
            return false;
        };
        at = from + found + part.len();
        rest = &rest[end..];
    }
    let tail = rest.as_bytes();
    key.len() >= at + 1 + tail.len() && key[key.len() - tail.len()..].eq_ignore_ascii_case(tail)
}

fn matches(toks: &[Tok], text: &str) -> bool {
    Compiled::new(toks.iter().copied()).matches(text)
}

/// Pattern tokens with runs of `*` merged, and how many characters a match needs. A pattern
/// comes from the policy, so it may be a megabyte long: one needing more characters than the
/// text has fails at once, which keeps each match within O(m^2) for a text of m characters.
struct Compiled {
    toks: Vec<Tok>,
    needed: usize,
    /// Every literal is ASCII, so ASCII text can be matched byte by byte.
    ascii: bool,
    /// For an ASCII pattern without `?`, the pattern lower-cased: its literal runs between
    /// `*`s can be searched for one after the other (`*Session*`, `*Resource`).
    star_runs: Option<Vec<u8>>,
}

impl Compiled {
    fn new(toks: impl Iterator<Item = Tok>) -> Self {
        let mut merged: Vec<Tok> = Vec::new();
        for tok in toks {
            if !(matches!(tok, Tok::Many) && matches!(merged.last(), Some(Tok::Many))) {
                merged.push(tok);
            }
        }
        let needed = merged.iter().filter(|t| !matches!(t, Tok::Many)).count();
        let ascii = merged
            .iter()
            .all(|t| !matches!(t, Tok::Char(c) if !c.is_ascii()));
        let star_runs = merged
            .iter()
            .map(|t| match t {
                Tok::Char(c) if c.is_ascii() && *c != '*' => Some((*c as u8).to_ascii_lowercase()),
                Tok::Many => Some(b'*'),
                _ => None,
            })
            .collect();
        Compiled {
            toks: merged,
            needed,
            ascii,
            star_runs,
        }
    }

    fn matches(&self, text: &str) -> bool {
        if self.needed > text.len() {
            return false;
        }
        if self.ascii && text.is_ascii() {
            match &self.star_runs {
                Some(pattern) => star_runs_match(pattern, text.as_bytes()),
                None => self.matches_ascii(text.as_bytes()),
            }
        } else {
            self.matches_chars(text)
        }
    }

    /// The usual greedy matcher: on a mismatch, the last `*` takes one more character. At
    /// most (tokens x text) steps, and no allocation: a wildcard expansion matches it
    /// against every action name of a service.
    fn matches_ascii(&self, text: &[u8]) -> bool {
        let (mut t, mut at) = (0, 0);
        // The last `*` seen, and the text position it currently stops at.
        let mut star: Option<(usize, usize)> = None;
        while at < text.len() {
            match self.toks.get(t) {
                Some(Tok::One) => (t, at) = (t + 1, at + 1),
                Some(Tok::Char(c)) if (*c as u8).eq_ignore_ascii_case(&text[at]) => {
                    (t, at) = (t + 1, at + 1);
                }
                Some(Tok::Many) => {
                    star = Some((t, at));
                    t += 1;
                }
                _ => match star {
                    Some((star_tok, star_at)) => {
                        star = Some((star_tok, star_at + 1));
                        (t, at) = (star_tok + 1, star_at + 1);
                    }
                    None => return false,
                },
            }
        }
        self.toks[t..].iter().all(|tok| matches!(tok, Tok::Many))
    }

    /// Classic dynamic programme over (pattern tokens x text characters): no
    /// backtracking blow-ups.
    fn matches_chars(&self, text: &str) -> bool {
        let text: Vec<char> = text.chars().collect();
        if self.needed > text.len() {
            return false;
        }
        // row[j]: do the tokens seen so far match text[..j]?
        let mut row = vec![false; text.len() + 1];
        row[0] = true;
        for tok in &self.toks {
            let mut next = vec![false; text.len() + 1];
            for j in 0..=text.len() {
                next[j] = match tok {
                    Tok::Many => row[j] || (j > 0 && next[j - 1]),
                    Tok::One => j > 0 && row[j - 1],
                    Tok::Char(c) => j > 0 && row[j - 1] && eq_ignore_case(*c, text[j - 1]),
                };
            }
            row = next;
        }
        row[text.len()]
    }
}

/// Whether ASCII `text` matches a lower-cased ASCII `pattern` whose only wildcard is `*`:
/// the run before the first `*` must start the text, the run after the last must end it,
/// and the runs between are found in order, each as early as it can be (which leaves the
/// most room for the rest, so it misses no match). Several times faster than stepping
/// through tokens, and a wildcard expansion tests every action name of a service.
fn star_runs_match(pattern: &[u8], text: &[u8]) -> bool {
    let same = |p: &[u8], t: &[u8]| p.iter().zip(t).all(|(p, t)| *p == t.to_ascii_lowercase());
    let Some(first_star) = pattern.iter().position(|&b| b == b'*') else {
        return pattern.len() == text.len() && same(pattern, text);
    };
    let last_star = pattern
        .iter()
        .rposition(|&b| b == b'*')
        .unwrap_or(first_star);
    let (head, tail) = (&pattern[..first_star], &pattern[last_star + 1..]);
    if head.len() + tail.len() > text.len()
        || !same(head, text)
        || !same(tail, &text[text.len() - tail.len()..])
    {
        return false;
    }
    let mut rest = &text[head.len()..text.len() - tail.len()];
    let between = pattern.get(first_star + 1..last_star).unwrap_or_default();
    for run in between.split(|&b| b == b'*') {
        let Some(first) = run.first() else { continue };
        let found = (0..(rest.len() + 1).saturating_sub(run.len()))
            .find(|&at| rest[at].to_ascii_lowercase() == *first && same(run, &rest[at..]));
        match found {
            Some(at) => rest = &rest[at + run.len()..],
            None => return false,
        }
    }
    true
}

/// In a glob from [`template_to_glob`]: any run of characters without `/` or `:` (a bucket
/// name, a region, an account).
pub const SEGMENT: char = '\u{1}';

/// Template parts that never hold `/` or `:`; other parts (object keys, role names with
/// paths, log group names) may hold anything.
const SEGMENT_PARTS: &[&str] = &["Partition", "Region", "Account", "BucketName", "KeyId"];

/// Can some string match both IAM wildcard patterns? (`arn:aws:s3:::b/*` and
/// `arn:*:s3:::*/*` can; `arn:aws:kms:*:*:alias/*` and `arn:*:kms:*:*:key/*` cannot.)
/// Either side may also hold [`SEGMENT`].
pub fn patterns_intersect(a: &str, b: &str) -> bool {
    Glob::new(a).intersects(&Glob::new(b))
}

/// A wildcard pattern (`*`, `?`, [`SEGMENT`]) decoded once: a policy's resource and a
/// catalog's ARN template are each compared with many others.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Glob {
    chars: Box<[char]>,
    /// Where its leading colons stand: those before any `*` or `?` (in a whole ARN, the
    /// first five whatever comes before them), at most five (the ones that end an ARN's
    /// `arn`, partition, service, region and account). Found once rather than at every
    /// comparison.
    colons: [u32; ARN_COLONS],
    /// How many of `colons` there are.
    fixed: usize,
    /// Its literal starts, which tell most pairs apart before any search.
    start: Start,
    /// The [`Kind`] of each leading field, then of what follows the last (at `fixed`):
    /// most pairs of fields (`aws` against a Region segment, `*` against anything) are
    /// settled by their kinds without a search.
    kinds: [Kind; ARN_COLONS + 1],
    /// Whether its first leading field is `arn` (ignoring ASCII case), as an
    /// [`ArnLiteral`]'s always is.
    arn_head: bool,
}

/// What a field of a [`Glob`] holds, as far as it decides a comparison at a glance.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Kind {
    Empty,
    /// Exactly `*`.
    Star,
    /// Exactly one [`SEGMENT`].
    Segment,
    /// Literal characters only: no wildcard, `?`, `/` or `:`.
    Plain,
    /// Anything else: left to [`parts_intersect`].
    #[default]
    Other,
}

impl Kind {
    fn of(field: &[char]) -> Kind {
        let special = !field.iter().all(|&c| Kind::plain(c));
        match field {
            [] => Kind::Empty,
            ['*'] => Kind::Star,
            [SEGMENT] => Kind::Segment,
            _ if !special => Kind::Plain,
            _ => Kind::Other,
        }
    }

    /// [`Kind::of`] an ASCII field, knowing whether it holds a character that is not
    /// [`Kind::plain`].
    fn of_ascii(field: &[u8], special: bool) -> Kind {
        match field {
            [] => Kind::Empty,
            [b'*'] => Kind::Star,
            [b] if char::from(*b) == SEGMENT => Kind::Segment,
            _ if !special => Kind::Plain,
            _ => Kind::Other,
        }
    }

    /// A character that a plain field may hold: a literal other than a separator.
    fn plain(c: char) -> bool {
        single(c) && !matches!(c, '?' | '/' | ':')
    }

    /// What [`parts_intersect`] answers for two fields of these kinds, when the kinds alone
    /// decide it; two plain fields also need their text (`None`: search). Looked up in a
    /// table: each comparison of a value with a template asks it of six fields.
    #[inline]
    fn meet(a: Kind, b: Kind) -> Option<bool> {
        match MEET[a as usize][b as usize] {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        }
    }

    /// [`Kind::meet`] by the kinds' rules, as 0 (no), 1 (yes) or 2 (search).
    const fn meet_by_rule(a: Kind, b: Kind) -> u8 {
        use Kind::{Empty, Other, Plain, Segment, Star};
        match (a, b) {
            // `*` matches every string; a segment any run without a separator, the empty one
            // included.
            (Star, _) | (_, Star) => 1,
            (Segment, Empty | Segment | Plain) | (Empty | Plain, Segment) => 1,
            (Empty, Empty) => 1,
            (Empty, Plain) | (Plain, Empty) => 0,
            (Plain, Plain) | (Other, _) | (_, Other) => 2,
        }
    }

    const ALL: [Kind; 5] = [
        Kind::Empty,
        Kind::Star,
        Kind::Segment,
        Kind::Plain,
        Kind::Other,
    ];
}

/// [`Kind::meet_by_rule`] of every pair of kinds, by their discriminants.
const MEET: [[u8; 5]; 5] = {
    let mut table = [[2; 5]; 5];
    let mut a = 0;
    while a < 5 {
        let mut b = 0;
        while b < 5 {
            table[Kind::ALL[a] as usize][Kind::ALL[b] as usize] =
                Kind::meet_by_rule(Kind::ALL[a], Kind::ALL[b]);
            b += 1;
        }
        a += 1;
    }
    table
};

/// The literal starts of a [`Glob`]'s service field and resource part, packed so that two
/// are compared in a few instructions: a statement's resources are tried against every ARN
/// template of its actions, most of them of another service or resource type. Two starts
/// that are [`Start::apart`] belong to patterns that no string matches both.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Start {
    /// The service (the third field), ASCII-lowercased, when it is plain ASCII text (no
    /// wildcard or segment): its bytes when short, else a hash; 0 when it is not plain.
    /// The same name gives the same key, so different keys are different names.
    service: u64,
    /// Up to eight literal ASCII characters that start the resource part (after five
    /// leading colons), lowercased, one byte each from the lowest; and how many.
    lead: u64,
    lead_len: u32,
}

impl Start {
    /// Whether no string can match both patterns: their plain services are different
    /// names, or the literal starts of their resource parts differ (ignoring ASCII case,
    /// as IAM's comparison of two literal characters does).
    #[inline]
    pub fn apart(self, other: Start) -> bool {
        let services_differ =
            self.service != 0 && other.service != 0 && self.service != other.service;
        let shared = self.lead_len.min(other.lead_len);
        let mask = u64::MAX.checked_shr(64 - 8 * shared).unwrap_or(0);
        services_differ || (shared > 0 && (self.lead ^ other.lead) & mask != 0)
    }

    /// Whether both services are the same plain name of up to seven characters, which
    /// their keys hold whole (ignoring ASCII case).
    fn same_short_service(self, other: Start) -> bool {
        self.service == other.service && self.service >> 63 == 1
    }

    fn of(glob: &Glob) -> Start {
        // Only a leading field is compared as a field.
        let service = (glob.fixed > 2).then(|| glob.field(2)).flatten();
        let resource =
            (glob.fixed == ARN_COLONS).then(|| glob.after(ARN_COLONS).unwrap_or_default());
        Start::of_parts(service, resource)
    }

    /// The start of a pattern whose service field is `service` and whose resource part
    /// (after five leading colons) is `resource`, as characters or as ASCII bytes.
    fn of_parts<C: Copy + Into<char>>(service: Option<&[C]>, resource: Option<&[C]>) -> Start {
        let literal = |c: char| c.is_ascii() && single(c) && c != '?';
        let lower = |c: char| u64::from(c.to_ascii_lowercase() as u8);
        let service = service
            .filter(|service| service.iter().all(|&c| literal(c.into())))
            .map_or(0, |service| {
                if service.len() < 8 {
                    // Up to seven bytes as they are, with the length and the top bit set:
                    // equal only for the same name.
                    let bytes = service
                        .iter()
                        .enumerate()
                        .fold(0, |key, (i, &c)| key | lower(c.into()) << (8 * i));
                    bytes | (service.len() as u64) << 56 | 1 << 63
                } else {
                    // Longer names hashed, the top bit clear: equal for the same name.
                    let hash = service.iter().fold(service.len() as u64, |hash, &c| {
                        (hash.rotate_left(5) ^ lower(c.into()))
                            .wrapping_mul(0x51_7c_c1_b7_27_22_0a_95)
                    });
                    (hash >> 1) | 1
                }
            });
        let (mut lead, mut lead_len) = (0, 0);
        if let Some(resource) = resource {
            for c in resource
                .iter()
                .map(|&c| c.into())
                .take(8)
                .take_while(|&c| literal(c))
            {
                lead |= lower(c) << (8 * lead_len);
                lead_len += 1;
            }
        }
        Start {
            service,
            lead,
            lead_len,
        }
    }
}

impl Glob {
    pub fn new(pattern: &str) -> Glob {
        if !pattern.is_ascii() {
            return Glob::from_chars(pattern.chars().collect());
        }
        // ASCII, the usual case: a character is a byte, and one pass over the bytes up to
        // the fifth colon finds the leading colons, the first wildcard before them and what
        // the fields between them hold.
        let bytes = pattern.as_bytes();
        let mut colons_at = [0; ARN_COLONS];
        let mut found = 0;
        let mut wildcard = None;
        let mut kinds = [Kind::Other; ARN_COLONS + 1];
        let (mut start, mut special) = (0, false);
        for (i, &b) in bytes.iter().enumerate() {
            if b == b':' {
                kinds[found] = Kind::of_ascii(&bytes[start..i], special);
                colons_at[found] = i;
                found += 1;
                if found == ARN_COLONS {
                    break;
                }
                (start, special) = (i + 1, false);
            } else if !Kind::plain(char::from(b)) {
                special = true;
                if b == b'*' || b == b'?' {
                    wildcard.get_or_insert(i);
                }
            }
        }
        // A wildcard after the fifth colon decides nothing: every colon is before it.
        let (colons, fixed) = leading_colons(
            colons_at[..found].iter().copied(),
            wildcard,
            bytes.starts_with(b"arn:"),
        );
        let chars = bytes.iter().map(|&b| char::from(b)).collect();
        let mut glob = Glob::with_colons(chars, colons, fixed);
        // The fields before `fixed` are those the pass read; what follows them is read now.
        kinds[fixed] = glob.rest_kind();
        kinds[fixed + 1..].fill(Kind::Other);
        glob.kinds = kinds;
        glob
    }

    fn from_chars(chars: Box<[char]>) -> Glob {
        let (colons, fixed) = leading_colons(
            chars
                .iter()
                .enumerate()
                .filter(|&(_, &c)| c == ':')
                .map(|(i, _)| i),
            chars.iter().position(|&c| c == '*' || c == '?'),
            chars.starts_with(&['a', 'r', 'n', ':']),
        );
        let mut glob = Glob::with_colons(chars, colons, fixed);
        for k in 0..fixed {
            glob.kinds[k] = glob.field(k).map_or(Kind::Other, Kind::of);
        }
        glob.kinds[fixed] = glob.rest_kind();
        glob
    }

    /// A glob without its [`Kind`]s, which the caller fills in.
    fn with_colons(chars: Box<[char]>, colons: [u32; ARN_COLONS], fixed: usize) -> Glob {
        let mut glob = Glob {
            chars,
            colons,
            fixed,
            start: Start::default(),
            kinds: [Kind::Other; ARN_COLONS + 1],
            arn_head: false,
        };
        glob.start = Start::of(&glob);
        glob.arn_head = glob
            .field(0)
            .is_some_and(|head| matches!(head, ['a' | 'A', 'r' | 'R', 'n' | 'N']));
        glob
    }

    /// The kind of what follows the leading colons (the whole pattern without any).
    fn rest_kind(&self) -> Kind {
        if self.fixed == 0 {
            Kind::of(&self.chars)
        } else {
            self.after(self.fixed).map_or(Kind::Other, Kind::of)
        }
    }

    /// Its literal starts, to tell it apart from another pattern at once ([`Start::apart`]).
    pub fn start(&self) -> Start {
        self.start
    }

    /// Can some string match both patterns? A search over pairs of positions, so it stays
    /// polynomial on any input.
    pub fn intersects(&self, other: &Glob) -> bool {
        self.meets(other, None)
    }

    /// [`Glob::intersects`], reusing the run's buffers and answers.
    pub fn intersects_reusing(&self, other: &Glob, reuse: &Intersections) -> bool {
        self.meets(other, Some(reuse))
    }

    fn meets(&self, other: &Glob, reuse: Option<&Intersections>) -> bool {
        // Nothing before a leading colon can match a colon, so in any string both patterns
        // match, their first `shared` colons fall on the same places: the fields between
        // them, and what follows the last, meet or not each on their own. A different service
        // or resource type shows at once.
        if self.start.apart(other.start) {
            return false;
        }
        let shared = self.fixed.min(other.fixed);
        if shared == 0 {
            // Neither leads with a colon: their kinds are those of the whole patterns.
            let known = (self.fixed == 0 && other.fixed == 0)
                .then(|| Kind::meet(self.kinds[0], other.kinds[0]))
                .flatten();
            return known.unwrap_or_else(|| parts_intersect(&self.chars, &other.chars, reuse));
        }
        let meet = |a: Option<&[char]>, b: Option<&[char]>| match (a, b) {
            (Some(a), Some(b)) => parts_intersect(a, b, reuse),
            _ => false,
        };
        // Leading field `k` of both, by kind when that decides it.
        let field_meets = |k: usize| match Kind::meet(self.kinds[k], other.kinds[k]) {
            Some(known) => known,
            None => meet(self.field(k), other.field(k)),
        };
        // What follows the shared colons is one field's kind only where it is the last.
        let rest_meets = || {
            let known = (self.fixed == shared && other.fixed == shared)
                .then(|| Kind::meet(self.kinds[shared], other.kinds[shared]))
                .flatten();
            known.unwrap_or_else(|| meet(self.after(shared), other.after(shared)))
        };
        // Two plain services that are the same name meet.
        let plain = self.start.service != 0 && other.start.service != 0;
        let same_service = plain
            && match (self.field(2), other.field(2)) {
                (Some(a), Some(b)) => {
                    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.eq_ignore_ascii_case(y))
                }
                _ => false,
            };
        // The service (the third field), then the resource, tell most pairs apart.
        (shared <= 2 || same_service || field_meets(2))
            && rest_meets()
            && (0..shared).filter(|&k| k != 2).all(field_meets)
    }

    /// The text between leading colon `k` - 1 (or the start) and leading colon `k`.
    fn field(&self, k: usize) -> Option<&[char]> {
        let start = match k.checked_sub(1) {
            Some(before) => *self.colons.get(before)? as usize + 1,
            None => 0,
        };
        self.chars.get(start..*self.colons.get(k)? as usize)
    }

    /// The text after the first `count` leading colons.
    fn after(&self, count: usize) -> Option<&[char]> {
        let last = *self.colons.get(count.checked_sub(1)?)? as usize;
        self.chars.get(last + 1..)
    }
}

/// Colons in an ARN before its resource part.
const ARN_COLONS: usize = 5;

/// A resource value read as a plain ARN, for [`Glob::surely_meets`]: ASCII, five colons,
/// and no wildcard but a `*` at its end or a leading field that is `*` whole (Region and
/// account in `arn:aws:ec2:*:*:instance/*`). Most policies' resources are such, and telling
/// whether a template takes one needs no [`Glob`] of it.
///
/// A value's placeholders (`ACCOUNT-ID`) become `*` in its glob
/// ([`crate::rules::lookup::resource_glob`]): that glob matches all the value matches and
/// more, so a template that meets the value meets the glob too. Braces (template values
/// and variables, which may become a field's segment) and `<...>` placeholders (which may
/// hold a colon) are left to the glob.
#[derive(Clone, Copy, Debug)]
pub struct ArnLiteral<'v> {
    text: &'v [u8],
    /// Where its first five colons are.
    colons: [usize; ARN_COLONS],
    /// Whether it ends with `*`, which `text` leaves out.
    open: bool,
    /// The [`Kind`]s of its leading fields and of its resource part, as its glob's would be.
    kinds: [Kind; ARN_COLONS + 1],
    start: Start,
}

/// What each byte is to [`ArnLiteral::with_colons`], as a table of bits: every byte of every
/// ARN value is looked up. [`UNPLAIN`]: a byte that keeps a value from being an
/// [`ArnLiteral`]; [`SLASH`] and [`COLON`]: the separators, which decide a field's [`Kind`].
const BYTE_CLASS: [u8; 256] = {
    let mut table = [0; 256];
    let mut b = 0x80;
    while b < 256 {
        table[b] = UNPLAIN;
        b += 1;
    }
    let special = [b'*', b'?', b'{', b'<', 0x01];
    let mut i = 0;
    while i < special.len() {
        table[special[i] as usize] = UNPLAIN;
        i += 1;
    }
    table[b'/' as usize] = SLASH;
    table[b':' as usize] = COLON;
    table
};
const UNPLAIN: u8 = 1;
const SLASH: u8 = 2;
const COLON: u8 = 4;

/// The [`BYTE_CLASS`] bits of any of `bytes`: one pass that never stops early.
fn byte_classes(bytes: &[u8]) -> u8 {
    bytes
        .iter()
        .fold(0, |any, &b| any | BYTE_CLASS[usize::from(b)])
}

impl<'v> ArnLiteral<'v> {
    pub fn new(value: &'v str) -> Option<ArnLiteral<'v>> {
        let text = value.strip_suffix('*').unwrap_or(value).as_bytes();
        let mut colons = [0; ARN_COLONS];
        let mut found = 0;
        for (i, _) in text.iter().enumerate().filter(|&(_, &b)| b == b':') {
            colons[found] = i;
            found += 1;
            if found == ARN_COLONS {
                return ArnLiteral::with_colons(value, colons);
            }
        }
        None
    }

    /// [`ArnLiteral::new`] of a value whose first five colons are known to be at `colons`
    /// (as `policy::arn::split` finds them): the value is read once more, without a search
    /// for them. `None` also when they are not where they are said to be.
    pub fn with_colons(value: &'v str, colons: [usize; ARN_COLONS]) -> Option<ArnLiteral<'v>> {
        let (text, open) = match value.as_bytes() {
            [text @ .., b'*'] => (text, true),
            text => (text, false),
        };
        let resource_at = colons[ARN_COLONS - 1] + 1;
        let placed = text.starts_with(b"arn:")
            && colons[0] == 3
            && colons.windows(2).all(|pair| pair[0] < pair[1])
            && resource_at <= text.len()
            && colons.iter().all(|&at| text[at] == b':');
        if !placed {
            return None;
        }
        // Wildcards, braces, `<`, segment marks and non-ASCII bytes are left to the glob, but
        // for a leading field that is `*` whole (`arn:aws:ec2:*:*:instance/*`, as AWS's
        // managed policies write them): its kind is `Star`, which meets any field as the
        // glob's would.
        let resource = &text[resource_at..];
        let (leading, rest) = (byte_classes(&text[..resource_at]), byte_classes(resource));
        if rest & UNPLAIN != 0 {
            return None;
        }
        if leading & UNPLAIN != 0 {
            let mut start = 0;
            for at in colons {
                let field = &text[start..at];
                if field != b"*" && byte_classes(field) & UNPLAIN != 0 {
                    return None;
                }
                start = at + 1;
            }
        }
        // The leading fields hold no colon, and most hold no `/` either.
        let slashes = leading & SLASH != 0;
        let mut kinds = [Kind::Other; ARN_COLONS + 1];
        let mut start = 0;
        for (k, at) in colons.into_iter().enumerate() {
            let field = &text[start..at];
            kinds[k] = Kind::of_ascii(field, slashes && field.contains(&b'/'));
            start = at + 1;
        }
        kinds[ARN_COLONS] = match (resource, open) {
            ([], true) => Kind::Star,
            (_, true) => Kind::Other,
            (_, false) => Kind::of_ascii(resource, rest & (SLASH | COLON) != 0),
        };
        let service = &text[colons[1] + 1..colons[2]];
        Some(ArnLiteral {
            text,
            colons,
            open,
            kinds,
            start: Start::of_parts(Some(service), Some(resource)),
        })
    }

    /// Leading field `k` (before colon `k`), or what follows the last leading colon.
    fn field(&self, k: usize) -> &'v [u8] {
        let start = k.checked_sub(1).map_or(0, |before| self.colons[before] + 1);
        let end = self.colons.get(k).copied().unwrap_or(self.text.len());
        &self.text[start..end]
    }
}

impl Glob {
    /// Whether this glob (one with five leading colons, as a catalog template's is) surely
    /// meets `value`: `true` only when [`Glob::intersects`] would say so of the value's
    /// glob. `false` says nothing: the caller then asks [`Glob::intersects`].
    ///
    /// Inlined: a value is tried against every template of its statement's actions, most of
    /// another service or resource type, which the starts tell apart without a call.
    #[inline]
    pub fn surely_meets(&self, value: &ArnLiteral) -> bool {
        self.fixed == ARN_COLONS && !self.start.apart(value.start) && self.fields_meet(value)
    }

    /// [`Glob::surely_meets`] of a value whose start is not apart from this glob's.
    #[inline(never)]
    fn fields_meet(&self, value: &ArnLiteral) -> bool {
        // As `meets` compares two globs: by kinds where they decide, else by the text.
        let fits = |k: usize| match Kind::meet(value.kinds[k], self.kinds[k]) {
            Some(known) => known,
            None if k == ARN_COLONS => {
                // The literal starts of both resources are alike as far as both go (the
                // starts are not apart): the comparison begins after them.
                let alike = self.start.lead_len.min(value.start.lead_len) as usize;
                let pattern = self.after(k).and_then(|p| p.get(alike..));
                let text = value.field(k).get(alike..);
                pattern
                    .zip(text)
                    .is_some_and(|(pattern, text)| literal_fits(pattern, text, value.open))
            }
            None => self
                .field(k)
                .is_some_and(|pattern| literal_fits(pattern, value.field(k), false)),
        };
        // The service, then the resource, tell most templates apart. Two short plain
        // services whose starts are alike are the same name: nothing to compare. A value's
        // first field is `arn`, as most templates' is.
        (self.start.same_short_service(value.start) || fits(2))
            && fits(ARN_COLONS)
            && (self.arn_head || fits(0))
            && [1, 3, 4].into_iter().all(fits)
    }
}

/// Whether `pattern` (literals, `?`, `*`, [`SEGMENT`]) matches `text` (ASCII, no wildcard),
/// ignoring ASCII case; with `open`, whether it matches some text that starts with `text`.
/// `false` also when it cannot tell cheaply.
fn literal_fits(mut pattern: &[char], mut text: &[u8], open: bool) -> bool {
    // One character each, both ends, as `parts_intersect` does: most fields end there.
    let one = |p: char, t: u8| p == '?' || (p.is_ascii() && (p as u8).eq_ignore_ascii_case(&t));
    let in_segment = |t: &u8| !matches!(t, b'/' | b':');
    loop {
        match (pattern, text) {
            ([p, rest_p @ ..], [t, rest_t @ ..]) if single(*p) => {
                if !one(*p, *t) {
                    return false;
                }
                (pattern, text) = (rest_p, rest_t);
            }
            // A segment before a separator (or at the end) ends where the text's first
            // separator is: it cannot take one, and what follows must.
            ([SEGMENT, rest_p @ ..], _) if matches!(rest_p.first(), None | Some('/' | ':')) => {
                let end = text.iter().position(|t| !in_segment(t));
                (pattern, text) = (rest_p, &text[end.unwrap_or(text.len())..]);
            }
            _ => break,
        }
    }
    while let ([rest_p @ .., p], [rest_t @ .., t], false) = (pattern, text, open) {
        if !single(*p) {
            break;
        }
        if !one(*p, *t) {
            return false;
        }
        (pattern, text) = (rest_p, rest_t);
    }
    match pattern {
        // The text left must be empty, unless the open end continues it.
        [] => text.is_empty(),
        ['*'] => true,
        [SEGMENT] => text.iter().all(in_segment),
        // Something that is not all stars or segments, with no text left: the open end
        // stands for any text that follows.
        _ if text.is_empty() && open => true,
        _ if pattern.len() >= 64 => false,
        // Each `/` and `:` the pattern spells takes one of the text's (as `separators_fit`
        // tells globs apart): `table/*/index/*` against `table/Orders`, at a count.
        _ if !open && !pattern.contains(&'?') && !separators_spelled(pattern, text) => false,
        _ => {
            // The positions of `pattern` that some match of the text so far can reach, one bit
            // each; `*` and a segment may match nothing, so each reaches the next position.
            let n = pattern.len();
            let reach = |mut set: u64| {
                for (i, &p) in pattern.iter().enumerate() {
                    if set >> i & 1 == 1 && !single(p) {
                        set |= 1 << (i + 1);
                    }
                }
                set
            };
            let mut set = reach(1);
            for &t in text {
                let mut next = 0;
                for (i, &p) in pattern.iter().enumerate() {
                    if set >> i & 1 == 0 {
                        continue;
                    }
                    next |= match p {
                        '*' => 1 << i,
                        SEGMENT if in_segment(&t) => 1 << i,
                        SEGMENT => 0,
                        _ if one(p, t) => 1 << (i + 1),
                        _ => 0,
                    };
                }
                set = reach(next);
                if set == 0 {
                    return false;
                }
            }
            // Open: what follows the text can finish the pattern from anywhere it stands.
            open || set >> n & 1 == 1
        }
    }
}

/// Whether `text` has as many `/` and as many `:` as `pattern` spells.
fn separators_spelled(pattern: &[char], text: &[u8]) -> bool {
    let (mut slashes, mut colons) = (0_usize, 0_usize);
    for &p in pattern {
        slashes += usize::from(p == '/');
        colons += usize::from(p == ':');
    }
    for &t in text {
        slashes = slashes.saturating_sub(usize::from(t == b'/'));
        colons = colons.saturating_sub(usize::from(t == b':'));
    }
    slashes == 0 && colons == 0
}

/// A pattern's leading colons ([`Glob`]'s `colons` and `fixed`), from where its colons are
/// (`colons_at`, in order) and its first wildcard. In a whole ARN (`arn:` and at least five
/// colons), the first five colons end its fields whatever the fields hold: IAM matches an
/// ARN field by field, so a `*` that fills the Region field stands for a Region and never
/// reaches into the resource. In anything else only the colons before a wildcard lead.
fn leading_colons(
    colons_at: impl Iterator<Item = usize>,
    wildcard: Option<usize>,
    arn: bool,
) -> ([u32; ARN_COLONS], usize) {
    let mut colons = [0; ARN_COLONS];
    let mut found = 0;
    for at in colons_at.take(ARN_COLONS) {
        let Ok(at) = u32::try_from(at) else {
            break;
        };
        colons[found] = at;
        found += 1;
    }
    let fixed = if arn && found == ARN_COLONS {
        found
    } else {
        colons[..found]
            .iter()
            .take_while(|&&at| wildcard.is_none_or(|w| (at as usize) < w))
            .count()
    };
    colons[fixed..].fill(0);
    (colons, fixed)
}

/// The characters at one end of two patterns: `Some(true)` when some string matches both
/// there, `Some(false)` when none does, `None` when a `*` or a segment leaves it to the search.
fn ends_agree(x: char, y: char) -> Option<bool> {
    if x == y && single(x) {
        Some(true)
    } else if !single(x) || !single(y) {
        None
    } else {
        Some(one_char_overlap(x, y))
    }
}

/// Can some string match both patterns?
fn parts_intersect(mut a: &[char], mut b: &[char], reuse: Option<&Intersections>) -> bool {
    // Two characters that are neither `*` nor a segment each match exactly one: the ends
    // of both patterns must agree there, which settles most pairs without the search.
    // (The same literal on both sides, the usual case, is tested first.)
    while let ([x, rest_a @ ..], [y, rest_b @ ..]) = (a, b) {
        match ends_agree(*x, *y) {
            Some(true) => (a, b) = (rest_a, rest_b),
            Some(false) => return false,
            None => break,
        }
    }
    while let ([rest_a @ .., x], [rest_b @ .., y]) = (a, b) {
        match ends_agree(*x, *y) {
            Some(true) => (a, b) = (rest_a, rest_b),
            Some(false) => return false,
            None => break,
        }
    }
    match (a, b) {
        // What is left of one side is empty: the other must be able to match nothing.
        ([], other) | (other, []) => other.iter().all(|&c| !single(c)),
        // A template's partition, region or account against a policy's: a segment takes
        // anything but the separators.
        ([SEGMENT], other) | (other, [SEGMENT]) => !other.contains(&'/') && !other.contains(&':'),
        // `*` matches every string, and every pattern matches some string.
        (['*'], _) | (_, ['*']) => true,
        // A bucket name against `${BucketName}/${ObjectName}`: a `/` one side spells needs a
        // `/`, `?` or `*` on the other (a segment never holds one).
        _ if !separators_fit(a, b) || !separators_fit(b, a) => false,
        _ => search_intersection(a, b, reuse),
    }
}

/// Whether `b` has room for every `/` and `:` that `a` spells: as many of each (or `?`s to
/// stand for them), unless a `*` can take any number.
fn separators_fit(a: &[char], b: &[char]) -> bool {
    if b.contains(&'*') {
        return true;
    }
    let count = |p: &[char], c: char| p.iter().filter(|&&x| x == c).count();
    let spare = count(b, '?');
    count(a, '/') <= count(b, '/') + spare && count(a, ':') <= count(b, ':') + spare
}

/// A pattern character that stands for exactly one character (a literal or `?`).
fn single(c: char) -> bool {
    c != '*' && c != SEGMENT
}

/// Can one character match both `x` and `y` (each a literal or `?`)?
fn one_char_overlap(x: char, y: char) -> bool {
    x == '?' || y == '?' || eq_ignore_case(x, y)
}

/// The visited set (one bit per pair of positions) and the stack of one search.
type Scratch = (Vec<u64>, Vec<(usize, usize)>);

/// Searches a thread has answered, by both patterns (see [`pair_key`]). Fx rather than
/// SipHash: a key is a few dozen characters, which SipHash takes longer over than many
/// searches take, and only the run's own answers are at stake.
type Answers = rustc_hash::FxHashMap<Box<[u32]>, bool>;

/// How many answers a thread keeps before it starts over: a bound on memory.
const MAX_ANSWERS: usize = 4096;

/// What intersection searches reuse, per thread: one scratch buffer (the rules run many
/// small searches, each of which would otherwise allocate and zero its own) and the answers
/// so far (the same resource and template pairs recur across policies:
/// `arn:aws:kms:*:*:key/*` against the key template; an answer depends only on the two
/// patterns). The run owns one (`rules::Lookups`) and passes it to
/// [`Glob::intersects_reusing`].
#[derive(Default)]
pub struct Intersections {
    local: thread_local::ThreadLocal<std::cell::RefCell<Reuse>>,
}

#[derive(Default)]
struct Reuse {
    answers: Answers,
    /// The key being looked up, built in place.
    key: Vec<u32>,
    scratch: Scratch,
}

fn search_intersection(a: &[char], b: &[char], reuse: Option<&Intersections>) -> bool {
    let local = reuse.map(|r| r.local.get_or_default());
    let Some(Ok(mut reuse)) = local.map(|cell| cell.try_borrow_mut()) else {
        return search_with(a, b, &mut Scratch::default());
    };
    let Reuse {
        answers,
        key,
        scratch,
    } = &mut *reuse;
    pair_key(a, b, key);
    if let Some(&answer) = answers.get(key.as_slice()) {
        return answer;
    }
    let answer = search_with(a, b, scratch);
    if answers.len() >= MAX_ANSWERS {
        answers.clear();
    }
    answers.insert(key.as_slice().into(), answer);
    answer
}

/// Both patterns in one key: the length of the first, then the characters of both.
fn pair_key(a: &[char], b: &[char], key: &mut Vec<u32>) {
    key.clear();
    key.push(u32::try_from(a.len()).unwrap_or(u32::MAX));
    key.extend(a.iter().chain(b).map(|&c| u32::from(c)));
}

fn search_with(a: &[char], b: &[char], (seen, stack): &mut Scratch) -> bool {
    let width = b.len() + 1;
    seen.clear();
    seen.resize(((a.len() + 1) * width).div_ceil(64), 0);
    stack.clear();
    stack.push((0, 0));
    // A literal that a segment may swallow.
    let in_segment = |c: char| !matches!(c, '/' | ':' | '*' | SEGMENT);
    while let Some((i, j)) = stack.pop() {
        let at = i * width + j;
        let (word, bit) = (at / 64, 1u64 << (at % 64));
        if seen[word] & bit != 0 {
            continue;
        }
        seen[word] |= bit;
        if i == a.len() && j == b.len() {
            return true;
        }
        let (ca, cb) = (a.get(i).copied(), b.get(j).copied());
        for (c, other, here, there, swap) in [(ca, cb, i, j, false), (cb, ca, j, i, true)] {
            let step = |x: usize, y: usize| if swap { (y, x) } else { (x, y) };
            match c {
                Some('*') => {
                    stack.push(step(here + 1, there));
                    if other.is_some() {
                        stack.push(step(here, there + 1));
                    }
                }
                Some(SEGMENT) => {
                    stack.push(step(here + 1, there));
                    if other.is_some_and(|o| o == '?' || in_segment(o)) {
                        stack.push(step(here, there + 1));
                    }
                }
                _ => {}
            }
        }
        if let (Some(x), Some(y)) = (ca, cb) {
            if single(x) && single(y) && one_char_overlap(x, y) {
                stack.push((i + 1, j + 1));
            }
        }
    }
    false
}

/// A catalog ARN template as a wildcard pattern: `${Region}` and other parts that never
/// hold `/` or `:` become [`SEGMENT`], any other `${Part}` becomes `*`.
pub fn template_to_glob(template: &str) -> String {
    // One walk over the bytes: every template of a service is read when the service is
    // first asked for, and a search call per part costs more than the walk.
    let bytes = template.as_bytes();
    let mut out = String::with_capacity(template.len());
    let (mut copied, mut i) = (0, 0);
    while i + 1 < bytes.len() {
        if bytes[i] != b'$' || bytes[i + 1] != b'{' {
            i += 1;
            continue;
        }
        // An opening that never closes is kept as it is, with all that follows.
        let Some(length) = bytes[i + 2..].iter().position(|&b| b == b'}') else {
            break;
        };
        // `$`, `{` and `}` are ASCII: every cut is at a character boundary.
        let name = &template[i + 2..i + 2 + length];
        out.push_str(&template[copied..i]);
        out.push(if SEGMENT_PARTS.contains(&name) {
            SEGMENT
        } else {
            '*'
        });
        i += 2 + length + 1;
        copied = i;
    }
    out.push_str(&template[copied..]);
    out
}

/// Where the first `${` of `text` is: `str::find("${")` without building a substring
/// searcher for each search (a catalog template holds a few parts, and every template of a
/// service is read when the service is first asked for).
pub fn find_part_start(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    memchr::memchr_iter(b'$', bytes).find(|&at| bytes.get(at + 1) == Some(&b'{'))
}

#[inline]
fn eq_ignore_case(a: char, b: char) -> bool {
    a == b
        || if a.is_ascii() && b.is_ascii() {
            a.eq_ignore_ascii_case(&b)
        } else {
            a.to_lowercase().eq(b.to_lowercase())
        }
}

/// Character pairs [`pattern_covers`] compares at most: far beyond any real action or ARN.
const MAX_COVER_WORK: usize = 1 << 20;

/// Does every string `specific` can match also match `general`? Both are IAM wildcard
/// patterns (`*`, `?`): `s3:*` covers `s3:Get*`, `s3:Get*` covers `s3:GetObject`, and
/// `s3:Get?bject` does not cover `s3:Get*`. A `*` in `specific` is covered only by a `*`
/// in `general`, and a `?` in `specific` by a `?` or `*`. Actions compare without regard
/// to case, ARNs with it.
pub fn pattern_covers(general: &str, specific: &str, ignore_case: bool) -> bool {
    Covering::new(general).covers(specific, ignore_case)
}

/// Where a pattern's first and last wildcards (`*`, `?`) are, if it has any: one pass over
/// the bytes, eight at a time (cheaper than two searches for the short texts of a policy,
/// and than a byte loop: every action of a statement is read this way).
fn wildcard_bounds(bytes: &[u8]) -> Option<(usize, usize)> {
    let mut found: Option<(usize, usize)> = None;
    let mut note = |at: usize, word: u64| {
        let hits = wildcard_bytes(word);
        if hits != 0 {
            let first = at + (hits.trailing_zeros() / 8) as usize;
            let last = at + 7 - (hits.leading_zeros() / 8) as usize;
            found = Some((found.map_or(first, |(f, _)| f), last));
        }
    };
    let Some(last_eight) = bytes.len().checked_sub(8) else {
        note(0, word_of(bytes));
        return found;
    };
    let mut chunks = bytes.chunks_exact(8);
    let mut at = 0;
    for chunk in &mut chunks {
        note(at, word_of(chunk));
        at += 8;
    }
    // The bytes past the last whole word: the last eight bytes, shifted past those already
    // read, rather than a byte loop.
    let rest = chunks.remainder().len();
    if rest > 0 {
        note(at, word_of(&bytes[last_eight..]) >> (8 * (8 - rest)));
    }
    found
}

/// A hash of an action pattern's service prefix (the text before its first colon, or all of
/// it), the same for prefixes that differ only in ASCII case; `None` when the prefix holds a
/// wildcard. Most prefixes are settled within the first eight bytes, read as one word.
pub fn service_prefix_hash(pattern: &str) -> Option<u64> {
    let bytes = pattern.as_bytes();
    let word = fold_word(word_of(&bytes[..bytes.len().min(8)]));
    // Past the text the word is zero, which is neither a colon nor a wildcard.
    let stops = zero_bytes(word ^ (u64::from(b':') * ONES)) | wildcard_bytes(word);
    let end = if stops != 0 {
        (stops.trailing_zeros() / 8) as usize
    } else if bytes.len() < 8 {
        bytes.len()
    } else {
        8 + bytes[8..]
            .iter()
            .position(|&b| matches!(b, b':' | b'*' | b'?'))
            .unwrap_or(bytes.len() - 8)
    };
    if bytes.get(end).is_some_and(|&b| b != b':') {
        return None;
    }
    // A prefix's length decides which way it is hashed, so equal prefixes agree: a short one
    // by all its bytes, a long one by its length and its first, second and last bytes.
    let key = if end < 8 {
        word & u64::MAX.checked_shr(8 * (8 - end) as u32).unwrap_or(0) | (end as u64) << 56
    } else {
        let byte = |at: usize| u64::from(bytes[at].to_ascii_lowercase());
        (end as u64) << 24 | byte(0) << 16 | byte(1) << 8 | byte(end - 1)
    };
    Some(key.wrapping_mul(0x9e37_79b9_7f4a_7c15))
}

/// Where the text after the `n`th colon of `text` begins (`n` at least 1), found eight bytes
/// at a time: an ARN's resource is what follows its fifth, within its first few dozen bytes.
pub fn after_colons(text: &str, n: u32) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut left = n;
    let mut at = 0;
    while at < bytes.len() {
        let word = word_of(&bytes[at..bytes.len().min(at + 8)]);
        // Past the text the word is zero, which is no colon.
        let mut colons = zero_bytes(word ^ (u64::from(b':') * ONES));
        let count = colons.count_ones();
        if count >= left {
            for _ in 1..left {
                colons &= colons - 1;
            }
            return Some(at + (colons.trailing_zeros() / 8) as usize + 1);
        }
        left -= count;
        at += 8;
    }
    None
}

/// Where the first `N` colons of `text` are, found eight bytes at a time (an ARN's five
/// field ends lie within its first few dozen bytes); `None` when it has fewer.
pub fn first_colons<const N: usize>(text: &str) -> Option<[usize; N]> {
    let bytes = text.as_bytes();
    let mut out = [0; N];
    let mut found = 0;
    let mut at = 0;
    while found < N && at < bytes.len() {
        let end = bytes.len().min(at + 8);
        // Past the text the word is zero, which is no colon.
        let mut colons = zero_bytes(word_of(&bytes[at..end]) ^ (u64::from(b':') * ONES));
        while colons != 0 && found < N {
            out[found] = at + (colons.trailing_zeros() / 8) as usize;
            found += 1;
            colons &= colons - 1;
        }
        at += 8;
    }
    (found == N).then_some(out)
}

/// Up to eight bytes as one little-endian word, zero past the end (zero is no wildcard and
/// no letter).
#[inline]
fn word_of(bytes: &[u8]) -> u64 {
    match <[u8; 8]>::try_from(bytes) {
        Ok(eight) => u64::from_le_bytes(eight),
        Err(_) => bytes
            .iter()
            .take(8)
            .enumerate()
            .fold(0, |word, (k, &b)| word | u64::from(b) << (8 * k)),
    }
}

const ONES: u64 = 0x0101_0101_0101_0101;
const LOWS: u64 = 0x7f7f_7f7f_7f7f_7f7f;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// The high bit of each byte of `word` that is zero, exactly (no carry crosses a byte).
#[inline]
fn zero_bytes(word: u64) -> u64 {
    !(((word & LOWS) + LOWS) | word) & HIGHS
}

/// The high bit of each byte of `word` that is `*` or `?`.
#[inline]
fn wildcard_bytes(word: u64) -> u64 {
    zero_bytes(word ^ (u64::from(b'*') * ONES)) | zero_bytes(word ^ (u64::from(b'?') * ONES))
}

/// `word` with its ASCII capitals lowered, as [`u8::to_ascii_lowercase`] does byte by byte.
#[inline]
fn fold_word(word: u64) -> u64 {
    let low = word & LOWS;
    // 0x80 in each byte that is at least `A`, and in each that is past `Z`.
    let from_a = low + u64::from(0x80 - b'A') * ONES;
    let past_z = low + u64::from(0x80 - b'Z' - 1) * ONES;
    let capitals = from_a & !past_z & !word & HIGHS;
    word | (capitals >> 2)
}

/// A pattern read once for [`pattern_covers`] against many others (a statement's actions
/// against another statement's): where its wildcards lie.
#[derive(Clone, Copy, Debug)]
pub struct Covering<'a> {
    text: &'a str,
    /// The first and last wildcard, if it has one.
    wildcards: Option<(usize, usize)>,
}

impl<'a> Covering<'a> {
    pub fn new(text: &'a str) -> Covering<'a> {
        Covering {
            text,
            wildcards: wildcard_bounds(text.as_bytes()),
        }
    }

    pub fn text(&self) -> &'a str {
        self.text
    }

    /// [`pattern_covers`] with this pattern as the general one.
    pub fn covers(&self, specific: &str, ignore_case: bool) -> bool {
        let same = |a: u8, b: u8| {
            if ignore_case {
                a.eq_ignore_ascii_case(&b)
            } else {
                a == b
            }
        };
        // Byte by byte: a multi-byte character is equal only to itself, and ASCII case
        // folding never touches its bytes.
        let same_text =
            |a: &[u8], b: &[u8]| a.len() == b.len() && a.iter().zip(b).all(|(&a, &b)| same(a, b));
        let (general, g, s) = (self.text, self.text.as_bytes(), specific.as_bytes());
        // Most pairs differ in the text before `general`'s first wildcard or after its last:
        // settled here, without the full match (lists of thousands of actions are compared
        // pairwise).
        let Some((first, last)) = self.wildcards else {
            return same_text(g, s);
        };
        let (head, tail) = (&g[..first], &g[last + 1..]);
        if head.len() + tail.len() > s.len()
            || !same_text(head, &s[..head.len()])
            || !same_text(tail, &s[s.len() - tail.len()..])
        {
            return false;
        }
        // One `*` and nothing else: it takes whatever lies between, wildcards included.
        if first == last && g[first] == b'*' {
            return true;
        }
        // The full match below costs the product of the lengths: a pair too long to compare
        // in reasonable time is not claimed to be covered (a hostile 1 MB pattern stays
        // cheap).
        if g.len().saturating_mul(s.len()) > MAX_COVER_WORK {
            return false;
        }
        if general.is_ascii() && specific.is_ascii() {
            covers_greedy(g, s, same)
        } else {
            let (g, s): (Vec<char>, Vec<char>) =
                (general.chars().collect(), specific.chars().collect());
            covers_table(&g, &s, |a: char, b: char| {
                if ignore_case {
                    a.eq_ignore_ascii_case(&b)
                } else {
                    a == b
                }
            })
        }
    }
}

/// The full comparison of [`pattern_covers`] for ASCII, without a table: `general`'s only
/// token of variable length is `*`, and each other token takes one byte (`?` any but `*`, a
/// literal its equal, never a wildcard of `specific`), so the usual greedy match, where on a
/// mismatch the last `*` takes one more byte, finds a match whenever one exists.
fn covers_greedy(g: &[u8], s: &[u8], same: impl Fn(u8, u8) -> bool) -> bool {
    let (mut gi, mut si) = (0, 0);
    // The last `*` of `general` seen, and the position in `specific` it stops at.
    let mut star: Option<(usize, usize)> = None;
    while si < s.len() {
        match g.get(gi) {
            Some(b'*') => {
                star = Some((gi, si));
                gi += 1;
                continue;
            }
            Some(b'?') if s[si] != b'*' => {
                (gi, si) = (gi + 1, si + 1);
                continue;
            }
            Some(&c) if c != b'?' && s[si] != b'*' && s[si] != b'?' && same(c, s[si]) => {
                (gi, si) = (gi + 1, si + 1);
                continue;
            }
            _ => {}
        }
        let Some((star_g, star_s)) = star else {
            return false;
        };
        star = Some((star_g, star_s + 1));
        (gi, si) = (star_g + 1, star_s + 1);
    }
    g[gi..].iter().all(|&c| c == b'*')
}

/// The full comparison of [`pattern_covers`], over bytes or characters.
fn covers_table<C: Copy + Into<char>>(g: &[C], s: &[C], same: impl Fn(C, C) -> bool) -> bool {
    // covered[j]: whether g[..i] covers s[..j], row by row over i.
    let mut covered = vec![false; s.len() + 1];
    covered[0] = true;
    let mut next = vec![false; s.len() + 1];
    for &gc in g {
        next.fill(false);
        if gc.into() == '*' {
            // `*` takes any run of `specific`, wildcards included.
            let mut reached = false;
            for j in 0..=s.len() {
                reached |= covered[j];
                next[j] = reached;
            }
        } else {
            for j in 0..s.len() {
                let sc = s[j];
                let sc_char: char = sc.into();
                next[j + 1] = covered[j]
                    && match gc.into() {
                        '?' => sc_char != '*',
                        _ => sc_char != '*' && sc_char != '?' && same(gc, sc),
                    };
            }
        }
        std::mem::swap(&mut covered, &mut next);
    }
    covered[s.len()]
}

/// Each value of a list that another value covers, with the first value that covers it;
/// of two equal values the later one is the redundant one. Candidates are found by key, not
/// by comparing every pair (action lists run to thousands of entries): `keys` holds one text
/// per value (the value itself, or the part of it that decides, such as an ARN's resource),
/// and `covers(general, specific)`, which takes positions in the list, must imply that the
/// specific key starts with the general key's text before its first wildcard, and equals
/// the general key when that has none (compared without case when `ignore_case`).
pub fn redundant_patterns(
    keys: &[&str],
    ignore_case: bool,
    covers: impl Fn(usize, usize) -> bool,
) -> Vec<(usize, usize)> {
    let n = keys.len();
    if n < 2 {
        return Vec::new();
    }
    if n <= SHORT_LIST {
        return redundant_in_short_list(keys, ignore_case, covers);
    }
    // Where each key's wildcards begin: its head, the text every key it covers starts with.
    let heads: Vec<Option<usize>> = keys.iter().map(|k| first_wildcard(k)).collect();
    // Without a wildcard only equal values cover one another: found by hashing, not by
    // sorting (most long lists are of literal names), and without folding a copy.
    if heads.iter().all(Option::is_none) {
        return if ignore_case {
            redundant_literals(keys, NoCase, covers)
        } else {
            redundant_literals(keys, |k| k, covers)
        };
    }
    // Every key folded once, into one buffer (ASCII folding keeps every byte's position).
    let buffer: String;
    let keys: Vec<&str> = if ignore_case {
        let mut folded = keys.concat();
        folded.make_ascii_lowercase();
        buffer = folded;
        let mut at = 0;
        keys.iter()
            .map(|v| {
                at += v.len();
                &buffer[at - v.len()..at]
            })
            .collect()
    } else {
        keys.to_vec()
    };
    // Keys with their positions, by key, then position: equal keys sit together, in list
    // order, and so do the keys that start with any given head.
    let mut sorted: Vec<(&str, usize)> = keys.iter().copied().zip(0..n).collect();
    sorted.sort_unstable();
    let order: Vec<usize> = sorted.iter().map(|&(_, i)| i).collect();
    let equal_values = sorted.windows(2).any(|w| w[0].0 == w[1].0);
    // (specific, general) for each wildcard and each other key that starts with its head.
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    for (j, head) in heads.iter().enumerate() {
        let Some(at) = *head else { continue };
        let head = &keys[j][..at];
        let from = sorted.partition_point(|&(key, _)| key < head);
        let to = from + sorted[from..].partition_point(|&(key, _)| key.starts_with(head));
        pairs.extend(
            sorted[from..to]
                .iter()
                .filter(|&&(_, i)| i != j)
                .map(|&(_, i)| (i, j)),
        );
    }
    pairs.sort_unstable();
    // For a key without wildcards, the run of `order` that holds the keys equal to it.
    let runs: Vec<(usize, usize)> = if equal_values {
        equal_runs(&order, &keys)
    } else {
        Vec::new()
    };
    let mut out = Vec::new();
    let mut next = 0;
    for (i, head) in heads.iter().enumerate() {
        let start = next;
        while next < pairs.len() && pairs[next].0 == i {
            next += 1;
        }
        let takes = |j: usize| covers(j, i) && (j < i || !covers(i, j));
        let mut by = pairs[start..next]
            .iter()
            .map(|&(_, j)| j)
            .find(|&j| takes(j));
        if head.is_none() {
            if let Some(&(first, last)) = runs.get(i) {
                // An equal key before the wildcard found, if one takes it.
                let equal = order[first..last]
                    .iter()
                    .copied()
                    .take_while(|&j| by.is_none_or(|b| j < b))
                    .find(|&j| j != i && takes(j));
                by = equal.or(by);
            }
        }
        if let Some(j) = by {
            out.push((i, j));
        }
    }
    out
}

/// [`redundant_patterns`] of a list without wildcards: a value can be covered only by an
/// equal one, and is by the first of them, in list order, that `covers` it.
/// `same` gives each key as it compares (with or without case).
fn redundant_literals<'k, K: Eq + std::hash::Hash>(
    keys: &[&'k str],
    same: impl Fn(&'k str) -> K,
    covers: impl Fn(usize, usize) -> bool,
) -> Vec<(usize, usize)> {
    // The positions of equal keys chained in list order: the first and last of each key,
    // and after each position the next one with its key.
    let mut ends: FxHashMap<K, (usize, usize)> =
        FxHashMap::with_capacity_and_hasher(keys.len(), Default::default());
    let mut next = vec![usize::MAX; keys.len()];
    let mut repeated = false;
    for (i, &key) in keys.iter().enumerate() {
        let (_, last) = ends.entry(same(key)).or_insert((i, i));
        if *last != i {
            next[*last] = i;
            *last = i;
            repeated = true;
        }
    }
    let mut out = Vec::new();
    if !repeated {
        return out;
    }
    for (i, &key) in keys.iter().enumerate() {
        let (first, last) = ends[&same(key)];
        if first == last {
            continue;
        }
        let mut j = first;
        while j != usize::MAX {
            if j != i && covers(j, i) && (j < i || !covers(i, j)) {
                out.push((i, j));
                break;
            }
            j = next[j];
        }
    }
    out
}

/// A key that compares and hashes without regard to ASCII case, as AWS compares action names
/// ([`redundant_literals`], the access index's names).
#[derive(Clone, Copy)]
pub(crate) struct NoCase<'k>(pub(crate) &'k str);

impl PartialEq for NoCase<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.0.eq_ignore_ascii_case(other.0)
    }
}

impl Eq for NoCase<'_> {}

impl std::hash::Hash for NoCase<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        // Eight bytes at a time with bit 5 set: a letter hashes as its lower case, and any
        // other byte that could differ already makes the keys unequal.
        let bytes = self.0.as_bytes();
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            state.write_u64(word_of(chunk) | 0x2020_2020_2020_2020);
        }
        // Equal keys have equal lengths: the remainder's padding sets the same bits.
        state.write_u64(word_of(chunks.remainder()) | 0x2020_2020_2020_2020);
        state.write_usize(bytes.len());
    }
}

/// Lists this long or shorter are compared pair by pair: most lists are, and for them
/// that is cheaper than sorting.
pub const SHORT_LIST: usize = 16;

/// [`redundant_patterns`] of a short list: each value against every other, in list order,
/// settled by key before `covers` is asked; no allocation unless a value is redundant.
fn redundant_in_short_list(
    keys: &[&str],
    ignore_case: bool,
    covers: impl Fn(usize, usize) -> bool,
) -> Vec<(usize, usize)> {
    let mut heads = [None; SHORT_LIST];
    for (head, key) in heads.iter_mut().zip(keys) {
        *head = first_wildcard(key);
    }
    let mut out = Vec::new();
    redundant_in_short_list_with(keys, &heads[..keys.len()], ignore_case, covers, |i, j| {
        out.push((i, j))
    });
    out
}

/// [`redundant_patterns`] of a list of at most [`SHORT_LIST`] keys whose first wildcards
/// are already known (`heads`), handing each redundant value and the first value that
/// covers it to `found` as it is settled: a list of values read anyway costs no search and
/// no allocation.
pub fn redundant_in_short_list_with(
    keys: &[&str],
    heads: &[Option<usize>],
    ignore_case: bool,
    covers: impl Fn(usize, usize) -> bool,
    mut found: impl FnMut(usize, usize),
) {
    let n = keys.len().min(heads.len()).min(SHORT_LIST);
    // Each key's first eight bytes as a word (folded when case does not count), and the
    // bytes of that word its head fixes when it is the general one: most pairs differ
    // there, and are told apart by one comparison of words.
    let (mut words, mut fixed) = ([0_u64; SHORT_LIST], [0_u64; SHORT_LIST]);
    for i in 0..n {
        let key = keys[i];
        let word = word_of(&key.as_bytes()[..key.len().min(8)]);
        words[i] = if ignore_case { fold_word(word) } else { word };
        let head = heads[i].unwrap_or(key.len()).min(8);
        fixed[i] = u64::MAX.checked_shr(64 - 8 * head as u32).unwrap_or(0);
    }
    let same = |a: &[u8], b: &[u8]| {
        if ignore_case {
            a.eq_ignore_ascii_case(b)
        } else {
            a == b
        }
    };
    // Bit `j` for each key with a wildcard.
    let wild: u32 = (0..n).filter(|&j| heads[j].is_some()).map(|j| 1 << j).sum();
    for i in 0..n {
        let specific = keys[i].as_bytes();
        let literal = heads[i].is_none();
        // A key with wildcards is covered only by one with wildcards (a key without them
        // covers only its equal). Candidates in list order, lowest bit first.
        let all: u32 = (1 << n) - 1;
        let mut candidates = if literal { all } else { wild } & !(1 << i);
        let mut by = None;
        while candidates != 0 {
            let j = candidates.trailing_zeros() as usize;
            candidates &= candidates - 1;
            // `general`'s key lets it cover `specific`'s when `specific` starts with its
            // head, or equals it when it has no wildcard.
            if (words[j] ^ words[i]) & fixed[j] != 0 {
                continue;
            }
            let general = keys[j].as_bytes();
            let takes = match heads[j] {
                None => same(general, specific) && covers(j, i) && (j < i || !covers(i, j)),
                Some(at) => {
                    specific.len() >= at
                        && same(&general[..at], &specific[..at])
                        && covers(j, i)
                        // Not by one it covers in turn, unless that comes first.
                        && (j < i || literal || !covers(i, j))
                }
            };
            if takes {
                by = Some(j);
                break;
            }
        }
        if let Some(j) = by {
            found(i, j);
        }
    }
}

/// Where a key's first wildcard is. (An eight-bytes-at-a-time search took fewer
/// instructions on generated/00's short keys but more on the managed policies' long lists.)
pub fn first_wildcard(key: &str) -> Option<usize> {
    memchr::memchr2(b'*', b'?', key.as_bytes())
}

/// [`first_wildcard`] of a short text (an action, an ARN), eight bytes at a time: cheaper
/// there than a search made for long ones.
pub fn first_wildcard_short(text: &str) -> Option<usize> {
    wildcard_bounds(text.as_bytes()).map(|(first, _)| first)
}

/// For each position in the list, the range of `order` (positions sorted by key) holding
/// the keys equal to its own.
fn equal_runs(order: &[usize], keys: &[&str]) -> Vec<(usize, usize)> {
    let mut runs = vec![(0, 0); order.len()];
    let mut first = 0;
    for p in 1..=order.len() {
        if p == order.len() || keys[order[p]] != keys[order[first]] {
            for &i in &order[first..p] {
                runs[i] = (first, p);
            }
            first = p;
        }
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seeded::numbers;

    /// Every short pattern against every short text: a literal text fits a pattern exactly
    /// where their globs meet (the text, open, as a glob that ends with `*`).
    #[test]
    fn literal_text_fits_as_the_globs_meet() {
        fn strings<T: Copy>(pieces: &[T], most: usize) -> Vec<Vec<T>> {
            let mut all = vec![vec![]];
            let mut last = vec![vec![]];
            for _ in 0..most {
                last = last
                    .iter()
                    .flat_map(|s: &Vec<T>| {
                        pieces.iter().map(move |&p| {
                            let mut longer = s.clone();
                            longer.push(p);
                            longer
                        })
                    })
                    .collect();
                all.extend(last.iter().cloned());
            }
            all
        }
        let patterns = strings(&['a', '/', ':', '*', '?', SEGMENT], 5);
        let texts = strings(b"a/:", 4);
        let mut fits = 0;
        for pattern in &patterns {
            for text in &texts {
                for open in [false, true] {
                    let mut glob: Vec<char> = text.iter().map(|&b| char::from(b)).collect();
                    if open {
                        glob.push('*');
                    }
                    let quick = literal_fits(pattern, text, open);
                    let meets = parts_intersect(pattern, &glob, None);
                    assert_eq!(quick, meets, "{pattern:?} {text:?} {open}");
                    fits += usize::from(quick);
                }
            }
        }
        assert!(fits > 10_000, "{fits}");
    }

    #[test]
    fn templates_become_globs_part_by_part() {
        let s = SEGMENT;
        for (template, glob) in [
            (
                "arn:${Partition}:s3:::${BucketName}/${ObjectName}".to_string(),
                format!("arn:{s}:s3:::{s}/*"),
            ),
            (
                "arn:${Partition}:iam::aws:policy/*".into(),
                format!("arn:{s}:iam::aws:policy/*"),
            ),
            ("a${x}b${".into(), "a*b${".into()),
            ("${Region}${y".into(), format!("{s}${{y")),
            ("${}".into(), "*".into()),
            ("$".into(), "$".into()),
            ("é${KeyId}é".into(), format!("é{s}é")),
            ("".into(), "".into()),
        ] {
            assert_eq!(template_to_glob(&template), glob, "{template}");
        }
    }

    #[test]
    fn ascii_patterns_lead_with_the_colons_their_characters_do() {
        for pattern in [
            "arn:aws:s3:::b/*",
            "arn:*:s3:*:*:b",
            "arn:aws:iam::1:role/a:b:c",
            "arn:aws",
            "a:b:*:c:d:e:f",
            "a:b:c:d:e:f:*",
            "arn:a*:b:c?:d:e",
            "*",
            "",
            ":::::",
            "x:y",
            "arn:\u{1}:s3:::\u{1}/*",
            "arn:\u{1}:sns:\u{1}:\u{1}:*",
            "a:*:b:c",
            "x/y:*:z",
            "arn:aws:iam::aws:policy/*",
        ] {
            let chars: Vec<char> = pattern.chars().collect();
            assert_eq!(
                Glob::new(pattern),
                Glob::from_chars(chars.into()),
                "{pattern}"
            );
        }
        assert_eq!(Glob::new("arn:aws:s3:::b").fixed, 5);
        assert_eq!(Glob::new("a:b:*:c:d:e:f").fixed, 2);
        assert_eq!(Glob::new("arn:*:s3:*:*:b").fixed, 5);
    }

    #[test]
    fn field_kinds_answer_as_the_search_does() {
        let s = SEGMENT.to_string();
        let fields = [
            "",
            "*",
            "**",
            s.as_str(),
            "aws",
            "AWS",
            "us-east-1",
            "a",
            "?",
            "a/b",
            "a:b",
            "*/*",
            "key/*",
            "é",
            "É",
            "a?",
            "ab",
        ];
        let mut decided = 0;
        for a in fields {
            for b in fields {
                let (x, y): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
                let searched = parts_intersect(&x, &y, None);
                if let Some(known) = Kind::meet(Kind::of(&x), Kind::of(&y)) {
                    assert_eq!(known, searched, "{a:?} {b:?}");
                    decided += 1;
                }
            }
        }
        assert!(decided > 50, "{decided}");
        // Whole ARNs, whose fields are compared by kind.
        for (a, b, meets) in [
            ("arn:aws:s3:::bucket/*", "arn:\u{1}:s3:::\u{1}/*", true),
            ("arn:aws:s3:::bucket/*", "arn:\u{1}:s3:::\u{1}", false),
            (
                "arn:aws:sns:us-east-1:1:t",
                "arn:\u{1}:sns:\u{1}:\u{1}:*",
                true,
            ),
            (
                "arn:aws:sns:us-east-1::t",
                "arn:\u{1}:sns:\u{1}:\u{1}:*",
                true,
            ),
            ("arn:aws:s3:us-east-1::b", "arn:\u{1}:s3:::\u{1}", false),
            (
                "arn:aws:iam::aws:policy/x",
                "arn:\u{1}:iam::111:policy/*",
                false,
            ),
            ("*", "arn:\u{1}:iam::111:policy/*", true),
            ("*", "*", true),
            ("b", "*", true),
            ("", "", true),
            ("", "b", false),
        ] {
            assert_eq!(Glob::new(a).intersects(&Glob::new(b)), meets, "{a} {b}");
            assert_eq!(Glob::new(b).intersects(&Glob::new(a)), meets, "{b} {a}");
        }
    }

    #[test]
    fn a_wildcard_filling_an_arn_field_stays_in_that_field() {
        let instance = "arn:*:ec2:*:*:instance/*";
        assert!(!patterns_intersect(
            "arn:aws:ec2:*:123456789012:fake_resource_type/*",
            instance
        ));
        assert!(patterns_intersect(
            "arn:aws:ec2:*:123456789012:instance/*",
            instance
        ));
        assert!(patterns_intersect("arn:aws:ec2:*:*:*", instance));
        // Not a whole ARN: the wildcard may still stand for the fields it leaves out.
        assert!(patterns_intersect("arn:aws:ec2:*", instance));
    }

    /// The word-at-a-time search finds the colons a byte search finds.
    #[test]
    fn first_colons_are_those_a_byte_search_finds() {
        let parts = ["a", ":", "::", "é", "*", "arn:aws:"];
        let mut next = numbers(23);
        let mut found = 0;
        for _ in 0..20_000 {
            let text: String = (0..next(16)).map(|_| parts[next(parts.len())]).collect();
            let colons: Vec<usize> = text
                .bytes()
                .enumerate()
                .filter(|&(_, b)| b == b':')
                .map(|(at, _)| at)
                .collect();
            let expected: Option<[usize; 5]> = colons.get(..5).map(|c| c.try_into().unwrap());
            found += usize::from(expected.is_some());
            assert_eq!(first_colons::<5>(&text), expected, "{text:?}");
            assert_eq!(first_colons::<1>(&text), colons.first().map(|&c| [c]));
        }
        assert!(found > 1000, "only {found} texts with five colons");
    }

    /// The search finds the first `*` or `?` a byte-by-byte look finds, at every length and
    /// position, past multi-byte characters too.
    #[test]
    fn first_wildcard_is_the_first_star_or_question_mark() {
        let parts = ["a", "*", "?", ":", "é", "Z"];
        let mut next = numbers(11);
        let mut found = 0;
        for _ in 0..20_000 {
            let key: String = (0..next(24)).map(|_| parts[next(parts.len())]).collect();
            let expected = key.bytes().position(|b| b == b'*' || b == b'?');
            found += usize::from(expected.is_some());
            assert_eq!(first_wildcard(&key), expected, "{key:?}");
        }
        assert!(found > 1000, "only {found} keys with a wildcard");
    }

    #[test]
    fn wildcards() {
        assert!(wildcard_match("GenerateDataKey*", "generatedatakeypair"));
        assert!(wildcard_match("*", ""));
        assert!(wildcard_match("Get?bject", "GetObject"));
        assert!(!wildcard_match("Get?bject", "GetObjects"));
        assert!(!wildcard_match("Decrypt", "Encrypt"));
        assert!(wildcard_match(
            "*Key*Pair*",
            "GenerateDataKeyPairWithoutPlaintext"
        ));
    }

    /// ASCII text takes the greedy matcher, other text the table: both must agree.
    #[test]
    fn greedy_matcher_agrees_with_the_table() {
        let parts = ["*", "?", "a", "B", "ab", "**", ""];
        let mut next = numbers(5);
        let (mut matched, mut runs) = (0, 0);
        for _ in 0..20_000 {
            let pattern: String = (0..next(6)).map(|_| parts[next(parts.len())]).collect();
            let text: String = (0..next(7))
                .map(|_| ["a", "A", "b", "c"][next(4)])
                .collect();
            let compiled = Wildcard::new(&pattern);
            let Shape::General(compiled) = &compiled.shape else {
                continue;
            };
            let greedy = compiled.matches_ascii(text.as_bytes());
            matched += usize::from(greedy);
            assert_eq!(
                greedy,
                compiled.matches_chars(&text),
                "{pattern:?} {text:?}"
            );
            // A pattern without `?` is matched run by run.
            if let Some(lowered) = &compiled.star_runs {
                runs += 1;
                let by_runs = star_runs_match(lowered, text.as_bytes());
                assert_eq!(by_runs, greedy, "{pattern:?} {text:?}");
                assert_eq!(compiled.matches(&text), greedy, "{pattern:?} {text:?}");
            }
        }
        assert!(matched > 100, "only {matched} cases matched");
        assert!(runs > 1000, "only {runs} patterns without `?`");
    }

    #[test]
    fn positions_in_a_sorted_list_are_the_matching_ones() {
        let mut names = vec![
            "Get",
            "getObject",
            "GetObjectAcl",
            "GetBucket",
            "Put",
            "get",
            "List",
            "G",
            "",
        ];
        names.sort_by(|a, b| cmp_ignore_case(a, b));
        for pattern in [
            "Get*", "get*", "GETO*", "G*", "*", "X*", "Ge?*", "*Acl", "List",
        ] {
            let wanted = Wildcard::new(pattern);
            let scanned: Vec<usize> = (0..names.len())
                .filter(|&i| wanted.matches(names[i]))
                .collect();
            assert_eq!(
                wanted.positions_in_sorted(&names, |n| n),
                scanned,
                "{pattern}"
            );
        }
        assert_eq!(
            Wildcard::new("get*")
                .positions_in_sorted(&names, |n| n)
                .len(),
            5
        );
    }

    #[test]
    fn huge_patterns_fail_fast() {
        let stars = "*".repeat(1 << 20);
        assert!(wildcard_match(&stars, "GetObject"));
        assert!(!wildcard_match(&"*a".repeat(1 << 19), "GetObject"));
        assert!(wildcard_match(&format!("Get{stars}ct"), "GetObject"));
    }

    #[test]
    fn templates() {
        assert!(template_match(
            "aws:RequestTag/${TagKey}",
            "AWS:requesttag/Team"
        ));
        assert!(!template_match(
            "aws:RequestTag/${TagKey}",
            "aws:RequestTag/"
        ));
        assert!(template_match(
            "s3:ExistingObjectTag/<key>",
            "s3:ExistingObjectTag/a/b"
        ));
        assert!(template_match(
            "codebuild:fileSystemLocations/${identifier}.location",
            "codebuild:fileSystemLocations/efs1.location"
        ));
        assert!(!template_match(
            "kms:EncryptionContextKeys",
            "kms:EncryptionContextKeys"
        ));
        assert!(!template_match(
            "kms:EncryptionContext:${K}",
            "kms:EncryptionContextKeys"
        ));
    }

    /// The pattern-free path agrees with matching the compiled tokens, on many small cases.
    #[test]
    fn ascii_templates_agree_with_tokens() {
        let parts = ["a", "b", "ab", "${X}", "<k>", "<>", "${", "}", "$", "/", ""];
        let mut next = numbers(7);
        let mut matched = 0;
        for _ in 0..20_000 {
            let template: String = (0..1 + next(5)).map(|_| parts[next(parts.len())]).collect();
            let key: String = (0..next(7))
                .map(|_| ["a", "B", "b", "/", "$", "}"][next(6)])
                .collect();
            let mut unicode = template.clone();
            unicode.push('é');
            let mut unicode_key = key.clone();
            unicode_key.push('É');
            // The non-ASCII path is the token matcher: both must say the same.
            let fast = template_match(&template, &key);
            matched += usize::from(fast);
            assert_eq!(
                fast,
                template_match(&unicode, &unicode_key),
                "{template:?} vs {key:?}"
            );
        }
        assert!(matched > 100, "only {matched} cases matched");
    }

    /// Comparing field by field and trimming the ends give the same answers as the plain
    /// search over whole patterns.
    #[test]
    fn reused_answers_are_the_same_answers() {
        let reuse = Intersections::default();
        let pairs = [
            (
                "arn:aws:s3:::b/*a*",
                "arn:${Partition}:s3:::${BucketName}/${ObjectName}",
            ),
            ("arn:aws:s3:::b/*a*b", "arn:aws:s3:::*/x*"),
            ("*a?b*", "*b?a*"),
        ];
        for _ in 0..2 {
            for (a, b) in pairs {
                let (a, b) = (Glob::new(a), Glob::new(b));
                assert_eq!(a.intersects_reusing(&b, &reuse), a.intersects(&b));
            }
        }
    }

    /// The field-by-field path, its literal-start shortcut ([`Start::apart`]) and the trimmed
    /// ends give the search's answers.
    #[test]
    fn shortcuts_agree_with_the_search() {
        let parts = [
            "arn", ":", "aws", "s3", "S3", "ec2", "*", "?", "\u{1}", "/", "a", "A", "b", "",
        ];
        let mut next = numbers(11);
        let mut both = 0;
        for _ in 0..20_000 {
            let mut pattern = || -> Vec<char> {
                // Mostly ARN-shaped, so that the field-by-field path runs.
                let mut text = String::from(["arn:", "arn:aws:s3:::", ""][next(3)]);
                for _ in 0..next(9) {
                    text.push_str(parts[next(parts.len())]);
                }
                text.chars().collect()
            };
            let (a, b) = (pattern(), pattern());
            let fast =
                Glob::from_chars(a.clone().into()).intersects(&Glob::from_chars(b.clone().into()));
            both += usize::from(fast);
            assert_eq!(fast, search_intersection(&a, &b, None), "{a:?} {b:?}");
        }
        assert!(both > 100, "only {both} pairs intersect");
    }

    #[test]
    fn intersections() {
        let key = template_to_glob("arn:${Partition}:kms:${Region}:${Account}:key/${KeyId}");
        assert_eq!(key, "arn:\u{1}:kms:\u{1}:\u{1}:key/\u{1}");
        assert!(patterns_intersect(
            "arn:aws:kms:us-east-1:111122223333:key/abc",
            &key
        ));
        assert!(patterns_intersect("arn:aws:kms:*:*:*", &key));
        assert!(!patterns_intersect(
            "arn:aws:kms:us-east-1:111122223333:alias/a",
            &key
        ));
        let bucket = template_to_glob("arn:${Partition}:s3:::${BucketName}");
        let object = template_to_glob("arn:${Partition}:s3:::${BucketName}/${ObjectName}");
        assert!(patterns_intersect("arn:aws:s3:::b/*", &object));
        assert!(patterns_intersect("arn:aws:s3:::b/a/b/c", &object));
        assert!(!patterns_intersect("arn:aws:s3:::b", &object));
        assert!(!patterns_intersect("arn:aws:s3:::b/*", &bucket));
        assert!(patterns_intersect("arn:aws:s3:::*", &bucket));
        assert!(patterns_intersect("arn:aws:s3:::b?", &bucket));
        assert!(patterns_intersect("a?c", "*b*"));
        assert!(!patterns_intersect("abc", "*d*"));
    }

    #[test]
    fn ordering_ignores_case() {
        assert_eq!(cmp_ignore_case("Decrypt", "decrypt"), Ordering::Equal);
        assert_eq!(cmp_ignore_case("a", "B"), Ordering::Less);
        let names = [
            "",
            "a",
            "A",
            "ab",
            "aB",
            "Ab",
            "b",
            "_",
            "Z",
            "z",
            "DescribeKey",
            "describe",
        ];
        for a in names {
            for b in names {
                let lowered = a.to_ascii_lowercase().cmp(&b.to_ascii_lowercase());
                assert_eq!(cmp_ignore_case(a, b), lowered, "{a:?} {b:?}");
            }
        }
    }

    #[test]
    fn one_pattern_covers_another() {
        assert!(pattern_covers("s3:*", "s3:Get*", true));
        assert!(pattern_covers("s3:get*", "s3:GetObject", true));
        assert!(pattern_covers("*", "s3:Get?bject", true));
        assert!(pattern_covers("s3:Get?bject", "s3:Get?bject", true));
        assert!(!pattern_covers("s3:Get?bject", "s3:Get*", true));
        assert!(!pattern_covers("s3:GetObject", "s3:Get*", true));
        assert!(!pattern_covers("s3:Get*", "s3:*", true));
        assert!(!pattern_covers(
            "arn:aws:s3:::Bucket/*",
            "arn:aws:s3:::bucket/a",
            false
        ));
        assert!(pattern_covers(
            "arn:aws:s3:::bucket/*",
            "arn:aws:s3:::bucket/a/*",
            false
        ));
        assert!(!pattern_covers("ab", "abc", true));
    }

    /// The shortcuts of `pattern_covers` (head and tail, a single `*`) must agree with the
    /// full comparison.
    #[test]
    fn covering_shortcuts_agree_with_the_table() {
        let parts = ["*", "?", "a", "B", "b", "ab", "é", ""];
        let mut next = numbers(11);
        let mut covered = 0;
        for _ in 0..20_000 {
            let mut pattern =
                || -> String { (0..next(5)).map(|_| parts[next(parts.len())]).collect() };
            let (general, specific) = (pattern(), pattern());
            for ignore_case in [false, true] {
                let (g, s): (Vec<char>, Vec<char>) =
                    (general.chars().collect(), specific.chars().collect());
                let expected = covers_table(&g, &s, |a: char, b: char| {
                    a == b || (ignore_case && a.eq_ignore_ascii_case(&b))
                });
                let found = pattern_covers(&general, &specific, ignore_case);
                covered += usize::from(found);
                assert_eq!(found, expected, "{general:?} {specific:?} {ignore_case}");
            }
        }
        assert!(covered > 1000, "only {covered} pairs covered");
    }

    /// On ASCII, the greedy comparison agrees with the table, wildcards on both sides.
    #[test]
    fn greedy_covering_agrees_with_the_table() {
        let parts = ["*", "?", "a", "B", "b", "ab", "**", "*a", "?b", ""];
        let mut next = numbers(13);
        let mut covered = 0;
        for _ in 0..50_000 {
            let mut pattern =
                || -> String { (0..next(7)).map(|_| parts[next(parts.len())]).collect() };
            let (general, specific) = (pattern(), pattern());
            let (g, s) = (general.as_bytes(), specific.as_bytes());
            for ignore_case in [false, true] {
                let same = |a: u8, b: u8| a == b || (ignore_case && a.eq_ignore_ascii_case(&b));
                let greedy = covers_greedy(g, s, same);
                covered += usize::from(greedy);
                assert_eq!(
                    greedy,
                    covers_table(g, s, same),
                    "{general:?} {specific:?} {ignore_case}"
                );
            }
        }
        assert!(covered > 5000, "only {covered} pairs covered");
    }

    /// The word-at-a-time scans answer what a byte loop does, at every length and offset.
    #[test]
    fn word_scans_agree_with_byte_loops() {
        let alphabet = b"*?aAzZ@[`{:/\x00\x7f\x80\xc3\xa9";
        let mut next = numbers(11);
        let mut wild = 0;
        for _ in 0..5_000 {
            let bytes: Vec<u8> = (0..next(40))
                .map(|_| alphabet[next(alphabet.len())])
                .collect();
            let first = bytes.iter().position(|&b| b == b'*' || b == b'?');
            let last = bytes.iter().rposition(|&b| b == b'*' || b == b'?');
            wild += usize::from(first.is_some());
            assert_eq!(wildcard_bounds(&bytes), first.zip(last), "{bytes:?}");
            let head = &bytes[..bytes.len().min(8)];
            let folded: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
            assert_eq!(fold_word(word_of(head)), word_of(&folded), "{bytes:?}");
        }
        assert!(wild > 1000, "only {wild} patterns with wildcards");
        for b in 0..=255_u8 {
            let word = u64::from_le_bytes([b, b'A', b, 0, b, b'z', 0xff, b]);
            let lowered = u64::from_le_bytes(
                [b, b'A', b, 0, b, b'z', 0xff, b].map(|b: u8| b.to_ascii_lowercase()),
            );
            assert_eq!(fold_word(word), lowered, "{b}");
        }
    }

    /// Prefixes equal but for case hash the same, and one with a wildcard has no hash, at
    /// every length either side of the eight bytes read at once.
    #[test]
    fn service_prefix_hashes_follow_the_prefix() {
        let parts = [
            "s3", "S3", "ec2", "kms", "*", "?", "dynamodb", "DynamoDB", "x", "",
        ];
        let mut next = numbers(13);
        let patterns: Vec<String> = (0..400)
            .map(|_| {
                let prefix: String = (0..next(4)).map(|_| parts[next(parts.len())]).collect();
                let colon = if next(5) == 0 { "" } else { ":" };
                format!("{prefix}{colon}{}", parts[next(parts.len())])
            })
            .collect();
        let prefix = |p: &str| p.split(':').next().unwrap_or_default().to_ascii_lowercase();
        let (mut equal, mut apart) = (0, 0);
        for a in &patterns {
            let wild = prefix(a).contains(['*', '?']);
            assert_eq!(service_prefix_hash(a).is_none(), wild, "{a}");
            for b in &patterns {
                let (ha, hb) = (service_prefix_hash(a), service_prefix_hash(b));
                if !wild && prefix(a) == prefix(b) {
                    equal += 1;
                    assert_eq!(ha, hb, "{a} {b}");
                } else if ha.is_some() && ha != hb {
                    apart += 1;
                }
            }
        }
        assert!(equal > 2000 && apart > 50_000, "{equal} {apart}");
    }

    /// The colon found word by word is the one a search for each colon in turn finds.
    #[test]
    fn after_colons_finds_the_nth_colon() {
        let parts = [
            "arn",
            ":",
            "aws",
            "::",
            "s3",
            "*",
            "",
            "é",
            "123456789012",
            "/",
        ];
        let mut next = numbers(17);
        let mut found = 0;
        for _ in 0..3_000 {
            let text: String = (0..next(14)).map(|_| parts[next(parts.len())]).collect();
            for n in 1..=6 {
                let expected = memchr::memchr_iter(b':', text.as_bytes())
                    .nth(n as usize - 1)
                    .map(|at| at + 1);
                found += usize::from(expected.is_some());
                assert_eq!(after_colons(&text, n), expected, "{text} {n}");
            }
        }
        assert!(found > 3_000, "only {found} colons found");
    }

    /// Found by head and key, the redundant values are those a comparison of every pair finds.
    #[test]
    fn redundant_values_are_those_every_pair_finds() {
        let parts = ["s3:", "Get", "get", "*", "?", "Object", "A"];
        let mut next = numbers(3);
        let mut found = 0;
        for _ in 0..3_000 {
            // Short lists and long ones, which take different paths.
            let len = [next(SHORT_LIST + 1), SHORT_LIST + 1 + next(24)][next(2)];
            let values: Vec<String> = (0..len)
                .map(|_| (0..1 + next(4)).map(|_| parts[next(parts.len())]).collect())
                .collect();
            let values: Vec<&str> = values.iter().map(String::as_str).collect();
            for ignore_case in [true, false] {
                let covers = |g: usize, s: usize| pattern_covers(values[g], values[s], ignore_case);
                let expected = redundant_by_every_pair(values.len(), covers);
                let redundant = redundant_patterns(&values, ignore_case, covers);
                found += redundant.len();
                assert_eq!(redundant, expected, "{values:?} {ignore_case}");
            }
        }
        assert!(found > 1000, "only {found} redundant values");
    }

    /// What `redundant_patterns` must find, the slow way: each value that another covers,
    /// with the first one that does (of two equal values, the later is the redundant one).
    fn redundant_by_every_pair(
        len: usize,
        covers: impl Fn(usize, usize) -> bool,
    ) -> Vec<(usize, usize)> {
        (0..len)
            .filter_map(|i| {
                let j = (0..len).find(|&j| j != i && covers(j, i) && (j < i || !covers(i, j)))?;
                Some((i, j))
            })
            .collect()
    }

    /// Long lists without wildcards take their own path: equal keys only, and a key may be
    /// only part of a value, so equal keys need not cover each other.
    #[test]
    fn redundant_literals_are_those_every_pair_finds() {
        let parts = ["a", "A", "b", "ab"];
        let mut next = numbers(5);
        let mut found = 0;
        for _ in 0..2_000 {
            let len = SHORT_LIST + 1 + next(40);
            let values: Vec<(usize, String)> = (0..len)
                .map(|_| {
                    let key = (0..1 + next(3)).map(|_| parts[next(parts.len())]).collect();
                    (next(3), key)
                })
                .collect();
            let keys: Vec<&str> = values.iter().map(|(_, k)| k.as_str()).collect();
            for ignore_case in [true, false] {
                // Value 0 covers every equal key, 1 only its equals, 2 nothing but itself.
                let covers = |g: usize, s: usize| {
                    let equal = if ignore_case {
                        keys[g].eq_ignore_ascii_case(keys[s])
                    } else {
                        keys[g] == keys[s]
                    };
                    equal && (values[g].0 == 0 || values[g].0 == values[s].0 && values[g].0 == 1)
                };
                let expected = redundant_by_every_pair(values.len(), covers);
                let redundant = redundant_patterns(&keys, ignore_case, covers);
                found += redundant.len();
                assert_eq!(redundant, expected, "{values:?} {ignore_case}");
            }
        }
        assert!(found > 5000, "only {found} redundant values");
    }

    /// A key may be only part of a value (an ARN's resource): equal keys whose values do not
    /// cover each other stay, and the first value that does cover is the one named.
    #[test]
    fn redundant_values_by_partial_key_are_those_every_pair_finds() {
        let parts = ["b/", "x", "*", "?", "y"];
        let mut next = numbers(7);
        let mut found = 0;
        for _ in 0..3_000 {
            let len = [next(SHORT_LIST + 1), SHORT_LIST + 1 + next(24)][next(2)];
            let values: Vec<(usize, String)> = (0..len)
                .map(|_| {
                    let key = (0..1 + next(3)).map(|_| parts[next(parts.len())]).collect();
                    (next(2), key)
                })
                .collect();
            let keys: Vec<&str> = values.iter().map(|(_, k)| k.as_str()).collect();
            let covers = |g: usize, s: usize| {
                values[g].0 == values[s].0 && pattern_covers(keys[g], keys[s], false)
            };
            let expected = redundant_by_every_pair(values.len(), covers);
            let redundant = redundant_patterns(&keys, false, covers);
            found += redundant.len();
            assert_eq!(redundant, expected, "{values:?}");
        }
        assert!(found > 500, "only {found} redundant values");
    }
}
