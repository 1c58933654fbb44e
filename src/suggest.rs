//! "Did you mean" suggestions by edit distance, and ASCII spellings of names.

/// Optimal-string-alignment distance (Levenshtein plus adjacent
/// transpositions, so `Decrpyt` is one edit from `Decrypt`), ignoring case.
pub fn edit_distance(a: &str, b: &str) -> usize {
    distance_within(a, b, usize::MAX).unwrap_or(usize::MAX)
}

/// [`edit_distance`] if it is at most `limit`, else `None`, found without finishing the
/// table when it cannot be: most candidates of a suggestion are far off.
fn distance_within(a: &str, b: &str, limit: usize) -> Option<usize> {
    // Names are almost always ASCII: compare bytes instead of collecting characters.
    if a.is_ascii() && b.is_ascii() {
        return osa(a.as_bytes(), b.as_bytes(), limit, u8::eq_ignore_ascii_case);
    }
    let a: Vec<char> = a.chars().flat_map(char::to_lowercase).collect();
    let b: Vec<char> = b.chars().flat_map(char::to_lowercase).collect();
    osa(&a, &b, limit, |x, y| x == y)
}

fn osa<T>(a: &[T], b: &[T], limit: usize, same: impl Fn(&T, &T) -> bool) -> Option<usize> {
    if a.len().abs_diff(b.len()) > limit {
        return None;
    }
    // Three rows suffice: the transposition step looks two rows back. Names are short:
    // their rows fit on the stack.
    let width = b.len() + 1;
    let mut stack = [0; 3 * 48];
    let mut heap = Vec::new();
    let rows = if 3 * width <= stack.len() {
        &mut stack[..3 * width]
    } else {
        heap.resize(3 * width, 0);
        &mut heap[..]
    };
    let (mut prev2, rest) = rows.split_at_mut(width);
    let (mut prev, mut cur) = rest.split_at_mut(width);
    // Only cells within `limit` of the diagonal can stay within `limit`: the others are
    // left at `over`, which every comparison treats as "too far" (the answer is the same
    // for any value above the limit, as each step only adds to or takes the least of them).
    let over = limit.saturating_add(1);
    for (j, cell) in prev.iter_mut().enumerate() {
        *cell = j.min(over);
    }
    cur.fill(over);
    prev2.fill(over);
    let mut prev_min = 0;
    for i in 1..=a.len() {
        let low = i.saturating_sub(limit).max(1);
        let high = i.saturating_add(limit).min(b.len());
        cur[0] = i.min(over);
        if low > 1 {
            cur[low - 1] = over;
        }
        let mut row_min = cur[0];
        for j in low..=high {
            let cost = usize::from(!same(&a[i - 1], &b[j - 1]));
            let mut d = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && same(&a[i - 1], &b[j - 2]) && same(&a[i - 2], &b[j - 1]) {
                d = d.min(prev2[j - 2] + 1);
            }
            cur[j] = d.min(over);
            row_min = row_min.min(d);
        }
        if high < b.len() {
            cur[high + 1] = over;
        }
        // Every later cell builds on this row or the one before, plus at least one.
        if row_min > limit && prev_min > limit {
            return None;
        }
        prev_min = row_min;
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    Some(prev[b.len()]).filter(|&d| d <= limit)
}

/// The closest candidate to `target`, if close enough to be a plausible typo
/// (at most a third of the word, minimum 1). Ties go to the candidate that
/// sorts first, so the answer is deterministic.
pub fn closest<'a>(target: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let length = target.chars().count();
    let most = (length / 3).max(1);
    if !target.is_ascii() {
        return closest_by_scan(target, candidates, length, most);
    }
    // Candidates are measured in the order of a lower bound of their distance (their
    // lengths apart, then their letters apart, then how far a measure cut off at the bound
    // got), and the search stops once that bound passes the best distance found: a service
    // has hundreds of action names and a typo is usually one or two edits from its word,
    // so most are never measured.
    let letters = letter_counts(target);
    let mut queued: Vec<Queued<'a>> = Vec::new();
    for c in candidates {
        if c.is_ascii() {
            let apart = c.len().abs_diff(length);
            if apart <= most {
                queued.push(Queued {
                    bound: apart,
                    letters_known: false,
                    name: c,
                });
            }
        } else if c.chars().count().abs_diff(length) <= most {
            // Lower-casing can change a non-ASCII name's length: no bound but zero.
            queued.push(Queued {
                bound: 0,
                letters_known: true,
                name: c,
            });
        }
    }
    let mut best: Option<(usize, &'a str)> = None;
    // Bounds are small numbers: one pass over the queue per bound is cheaper than a heap.
    let mut from = 0;
    while let Some(bound) = queued.iter().map(|q| q.bound).filter(|&b| b >= from).min() {
        // A candidate whose bound passes the best distance cannot win, nor tie, nor one
        // whose bound passes the most a suggestion may be off.
        if bound > most || best.is_some_and(|(d, _)| bound > d) {
            break;
        }
        from = bound + 1;
        for q in queued.iter_mut().filter(|q| q.bound == bound) {
            if !q.letters_known {
                q.letters_known = true;
                q.bound = letters_apart(&letters, q.name).max(bound);
                if q.bound > bound {
                    // Measured at its own bound's turn, if it comes.
                    continue;
                }
            }
            // Measured only as far as this bound: a typo is usually one edit from its word,
            // and a table cut off at a small limit is a narrow band. A candidate further off
            // waits for the next bound's turn.
            let Some(d) = distance_within(target, q.name, bound) else {
                q.bound = bound + 1;
                continue;
            };
            // Ties go to the candidate that sorts first.
            if best.is_none_or(|known| (d, q.name) < known) {
                best = Some((d, q.name));
            }
        }
    }
    best.map(|(_, c)| c)
}

/// A candidate of [`closest`] waiting to be measured.
struct Queued<'a> {
    /// A lower bound of its distance from the target.
    bound: usize,
    /// Whether `bound` counts the letters as well as the length.
    letters_known: bool,
    name: &'a str,
}

/// [`closest`] for a target that is not ASCII, where lengths and letters bound nothing
/// exactly: every candidate within `most` characters of its length is measured.
fn closest_by_scan<'a>(
    target: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    length: usize,
    most: usize,
) -> Option<&'a str> {
    let mut best: Option<(usize, &'a str)> = None;
    for c in candidates {
        if c.chars().count().abs_diff(length) > most {
            continue;
        }
        let Some(d) = distance_within(target, c, most) else {
            continue;
        };
        if best.is_none_or(|known| (d, c) < known) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

/// How often each kind of byte occurs, ignoring case. Kinds are the low five bits, so a
/// letter shares its kind with a few digits and symbols: the bound below holds for any
/// grouping, and 32 counts cost a quarter of 128 to compare for each candidate.
fn letter_counts(text: &str) -> [i32; 32] {
    let mut counts = [0; 32];
    for b in text.bytes() {
        counts[usize::from(b & 0x1f)] += 1;
    }
    counts
}

/// A lower bound of the edit distance between an ASCII text with `letters` and `other`: the
/// letters one has and the other lacks, counted with repeats, the larger of the two ways.
/// Each edit takes at most one such letter away on each side; swapping two changes nothing.
fn letters_apart(letters: &[i32; 32], other: &str) -> usize {
    let mut left = *letters;
    for b in other.bytes() {
        left[usize::from(b & 0x1f)] -= 1;
    }
    let only_first: i32 = left.iter().filter(|n| **n > 0).sum();
    let only_other: i32 = left.iter().filter(|n| **n < 0).sum();
    only_first.max(-only_other).unsigned_abs() as usize
}

/// `text` in ASCII for a name that allows only ASCII (an identity policy's `Sid`): Latin
/// letters lose their accents (`é` -> `e`), German ones are written out (`ü` -> `ue`,
/// `ß` -> `ss`), and other characters are kept for the caller to treat as separators.
pub fn to_ascii(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match ascii_of(c) {
            Some(ascii) => out.push_str(ascii),
            None => out.push(c),
        }
    }
    out
}

fn ascii_of(c: char) -> Option<&'static str> {
    Some(match c {
        'ä' => "ae",
        'ö' => "oe",
        'ü' => "ue",
        'Ä' => "Ae",
        'Ö' => "Oe",
        'Ü' => "Ue",
        'ß' => "ss",
        'æ' => "ae",
        'Æ' => "Ae",
        'œ' => "oe",
        'Œ' => "Oe",
        'ø' => "o",
        'Ø' => "O",
        'đ' | 'ð' => "d",
        'Đ' | 'Ð' => "D",
        'ł' => "l",
        'Ł' => "L",
        'þ' => "th",
        'Þ' => "Th",
        'à' | 'á' | 'â' | 'ã' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'À' | 'Á' | 'Â' | 'Ã' | 'Å' | 'Ā' | 'Ă' | 'Ą' => "A",
        'ç' | 'ć' | 'č' | 'ĉ' | 'ċ' => "c",
        'Ç' | 'Ć' | 'Č' | 'Ĉ' | 'Ċ' => "C",
        'ď' => "d",
        'Ď' => "D",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => "e",
        'È' | 'É' | 'Ê' | 'Ë' | 'Ē' | 'Ĕ' | 'Ė' | 'Ę' | 'Ě' => "E",
        'ğ' | 'ĝ' | 'ġ' | 'ģ' => "g",
        'Ğ' | 'Ĝ' | 'Ġ' | 'Ģ' => "G",
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'ĭ' | 'į' | 'ı' => "i",
        'Ì' | 'Í' | 'Î' | 'Ï' | 'Ī' | 'Ĭ' | 'Į' | 'İ' => "I",
        'ñ' | 'ń' | 'ň' | 'ņ' => "n",
        'Ñ' | 'Ń' | 'Ň' | 'Ņ' => "N",
        'ò' | 'ó' | 'ô' | 'õ' | 'ō' | 'ŏ' | 'ő' => "o",
        'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ō' | 'Ŏ' | 'Ő' => "O",
        'ř' | 'ŕ' => "r",
        'Ř' | 'Ŕ' => "R",
        'ś' | 'š' | 'ş' | 'ș' => "s",
        'Ś' | 'Š' | 'Ş' | 'Ș' => "S",
        'ť' | 'ţ' | 'ț' => "t",
        'Ť' | 'Ţ' | 'Ț' => "T",
        'ù' | 'ú' | 'û' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' => "u",
        'Ù' | 'Ú' | 'Û' | 'Ū' | 'Ŭ' | 'Ů' | 'Ű' | 'Ų' => "U",
        'ý' | 'ÿ' => "y",
        'Ý' | 'Ÿ' => "Y",
        'ź' | 'ż' | 'ž' => "z",
        'Ź' | 'Ż' | 'Ž' => "Z",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_are_spelt_in_ascii() {
        assert_eq!(super::to_ascii("Zugriff für Größe"), "Zugriff fuer Groesse");
        assert_eq!(super::to_ascii("Accès créé"), "Acces cree");
        assert_eq!(super::to_ascii("Łódź-Ärger"), "Lodz-Aerger");
        assert_eq!(
            super::to_ascii("鍵"),
            "鍵",
            "what has no ASCII spelling stays"
        );
    }

    use super::*;

    /// Names with transpositions, case differences and empty strings.
    const WORDS: [&str; 8] = [
        "Decrypt",
        "Decrpyt",
        "encrypt",
        "GetObject",
        "ListBuckets",
        "",
        "ab",
        "ba",
    ];

    #[test]
    fn distances() {
        assert_eq!(edit_distance("Decrpyt", "Decrypt"), 1);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("ABC", "abc"), 0);
        assert_eq!(edit_distance("ca", "abc"), 3);
    }

    #[test]
    fn bounded_distance_agrees_with_full_one() {
        let words = WORDS;
        for a in words {
            for b in words {
                let full = edit_distance(a, b);
                for limit in 0..12 {
                    let expected = (full <= limit).then_some(full);
                    assert_eq!(distance_within(a, b, limit), expected, "{a} {b} {limit}");
                }
            }
        }
    }

    #[test]
    fn letters_apart_never_exceeds_the_distance() {
        let words = WORDS;
        for a in words {
            for b in words {
                let bound = letters_apart(&letter_counts(a), b);
                assert!(bound <= edit_distance(a, b), "{a} {b}");
            }
        }
        assert_eq!(letters_apart(&letter_counts("GetObject"), "ListBuckets"), 6);
    }

    #[test]
    fn closest_respects_limit() {
        let names = ["Decrypt", "Encrypt", "Sign"];
        assert_eq!(closest("Decrpyt", names.iter().copied()), Some("Decrypt"));
        assert_eq!(closest("Totally", names.iter().copied()), None);
    }

    #[test]
    fn closest_agrees_with_measuring_every_candidate() {
        // The tightening limit must pick what the full comparison picks, ties included,
        // whatever order the candidates come in.
        let naive = |target: &str, names: &[&'static str]| {
            let limit = (target.chars().count() / 3).max(1);
            names
                .iter()
                .map(|c| (edit_distance(target, c), *c))
                .filter(|(d, _)| *d <= limit)
                .min()
                .map(|(_, c)| c)
        };
        let mut names: Vec<&'static str> = WORDS.to_vec();
        names.extend([
            "Encrypt",
            "DeCrypt",
            "Decript",
            "Decrypts",
            "GetObjects",
            "GetObjectAcl",
            "PutObject",
            "ListBucket",
            "ListBuckts",
            "éa",
            "Éb",
            "Ωmega",
            "ΩMEGA",
            "abc",
        ]);
        let targets = names.clone();
        for round in 0..3 {
            if round == 1 {
                names.reverse();
            } else if round == 2 {
                names.sort_unstable();
            }
            for target in &targets {
                let found = closest(target, names.iter().copied());
                assert_eq!(found, naive(target, &names), "{target}");
            }
        }
    }
}
