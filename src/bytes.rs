//! Byte scans shared by the JSON parser and the JSON report, which stop at the same bytes:
//! kept below both so the report does not reach into the parser; and the scans of the short
//! strings (names, ARNs) that rules ask about many times.

#![warn(unreachable_pub)]

/// Whether a byte ends a plain run inside a string: the closing quote, an escape, or a
/// control character (which JSON requires to be escaped).
fn ends_plain_run(b: u8) -> bool {
    b == b'"' || b == b'\\' || b < 0x20
}

/// The position of the first byte at or after `pos` that [`ends_plain_run`], or the end of
/// the input: also where the JSON report must escape a string.
/// Strings are most of a policy's bytes, so they are scanned sixteen bytes at a time, and
/// the last few eight at a time: a word has a stop byte where one of three byte-wise tests
/// sets a byte's high bit.
/// Each test can also mark bytes above a true hit (a borrow carries upward), never below,
/// so the lowest mark is the first stop.
#[inline]
pub(crate) fn plain_run_end(bytes: &[u8], mut pos: usize) -> usize {
    // Sixteen bytes at a time first: each byte's test compiles to vector compares, and a
    // stop byte's mark (all ones) is found as the lowest set bit of the sixteen as one number.
    while let Some(chunk) = bytes.get(pos..pos + LANES) {
        let mut marks = [0u8; LANES];
        for (mark, &b) in marks.iter_mut().zip(chunk) {
            let stop = u8::from(b < 0x20) | u8::from(b == b'"') | u8::from(b == b'\\');
            *mark = stop.wrapping_neg();
        }
        let marks = u128::from_le_bytes(marks);
        if marks != 0 {
            return pos + (marks.trailing_zeros() / 8) as usize;
        }
        pos += LANES;
    }
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let has_zero_byte = |word: u64| word.wrapping_sub(ONES) & !word;
    while let Some(chunk) = bytes.get(pos..pos + 8) {
        let Ok(chunk) = <[u8; 8]>::try_from(chunk) else {
            break;
        };
        let word = u64::from_le_bytes(chunk);
        let quote = has_zero_byte(word ^ (ONES * u64::from(b'"')));
        let backslash = has_zero_byte(word ^ (ONES * u64::from(b'\\')));
        let control = word.wrapping_sub(ONES * 0x20) & !word;
        let stops = (quote | backslash | control) & HIGHS;
        if stops != 0 {
            return pos + (stops.trailing_zeros() / 8) as usize;
        }
        pos += 8;
    }
    while bytes.get(pos).is_some_and(|&b| !ends_plain_run(b)) {
        pos += 1;
    }
    pos
}

/// Bytes checked at once by [`escape_end`].
const LANES: usize = 16;

/// Whether any of the bytes [`ends_plain_run`]: a fold without an early exit, which the
/// compiler turns into a few vector instructions for all sixteen.
#[inline(always)]
fn any_stop(chunk: &[u8; LANES]) -> bool {
    let mut stops = 0u8;
    for &b in chunk {
        stops |= u8::from(b < 0x20) | u8::from(b == b'"') | u8::from(b == b'\\');
    }
    stops != 0
}

/// The position of the first byte at or after `pos` that [`ends_plain_run`], or the end of
/// the input, as [`plain_run_end`] finds it, for the JSON report's strings: short and almost
/// never escaped, so sixteen bytes are ruled out at a time, the last partial sixteen as the
/// input's final sixteen (bytes already ruled out again) or, in a shorter input, padded.
#[inline(always)]
pub(crate) fn escape_end(bytes: &[u8], mut pos: usize) -> usize {
    let len = bytes.len();
    let chunk_at = |at: usize| {
        bytes
            .get(at..at + LANES)
            .and_then(|c| <&[u8; LANES]>::try_from(c).ok())
    };
    while let Some(chunk) = chunk_at(pos) {
        if any_stop(chunk) {
            return plain_run_end(bytes, pos);
        }
        pos += LANES;
    }
    let tail_is_plain = match chunk_at(len.saturating_sub(LANES)) {
        Some(last) => !any_stop(last),
        None => {
            let rest = bytes.get(pos..).unwrap_or_default();
            let mut padded = [b' '; LANES];
            padded[..rest.len()].copy_from_slice(rest);
            !any_stop(&padded)
        }
    };
    if tail_is_plain {
        len
    } else {
        plain_run_end(bytes, pos)
    }
}

/// Whether `bytes` holds `a` or `b`. Made for the short strings of a policy (action names
/// and ARNs of 10 to 60 bytes), on which a general search's set-up costs more than the
/// scan: sixteen bytes are compared at a time by a fold without early exit (a few vector
/// instructions), the last partial sixteen as the input's final sixteen (bytes already
/// looked at again do no harm to a yes-or-no answer), a shorter input as two overlapping
/// words.
#[inline]
pub(crate) fn contains_either(bytes: &[u8], a: u8, b: u8) -> bool {
    let len = bytes.len();
    if len >= LANES {
        let mut at = 0;
        while let Some(chunk) = bytes.get(at..at + LANES) {
            if any_of_either(chunk, a, b) {
                return true;
            }
            at += LANES;
        }
        return at != len && any_of_either(&bytes[len - LANES..], a, b);
    }
    // Eight bytes a word: a byte equal to `a` or `b` becomes a zero byte of one of the two
    // words XORed with it, which the carry test finds (exactly, for a yes-or-no answer).
    let word_has = |word: u64| {
        const ONES: u64 = 0x0101_0101_0101_0101;
        const HIGHS: u64 = 0x8080_8080_8080_8080;
        let zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGHS;
        zero(word ^ (ONES * u64::from(a))) | zero(word ^ (ONES * u64::from(b))) != 0
    };
    let word_at = |at: usize| {
        let mut word = [0u8; 8];
        word.copy_from_slice(&bytes[at..at + 8]);
        u64::from_le_bytes(word)
    };
    if len >= 8 {
        return word_has(word_at(0)) || word_has(word_at(len - 8));
    }
    bytes.iter().any(|&c| c == a || c == b)
}

/// Whether any byte of a `LANES`-byte chunk is `a` or `b`, without an early exit.
#[inline(always)]
fn any_of_either(chunk: &[u8], a: u8, b: u8) -> bool {
    let mut hits = 0u8;
    for &c in &chunk[..LANES] {
        hits |= u8::from(c == a) | u8::from(c == b);
    }
    hits != 0
}

/// Whether no byte of `bytes` [`ends_plain_run`]: what the JSON report asks of nearly every
/// string it writes, so it is inlined into the writer and kept lean (a call and the set-up
/// of [`escape_end`] cost more than scanning a typical 40-byte string). Sixteen bytes at a
/// time; a longer input's last partial sixteen as its final sixteen, a shorter one as two
/// overlapping words of eight, or a byte at a time under eight.
#[inline(always)]
pub(crate) fn is_plain(bytes: &[u8]) -> bool {
    // Chunks of a known size, tested in a plain loop: inlined whole, not a call a chunk or
    // a call a string.
    let (chunks, rest) = bytes.as_chunks::<LANES>();
    for chunk in chunks {
        if any_stop(chunk) {
            return false;
        }
    }
    if rest.is_empty() {
        return true;
    }
    if let Some(last) = bytes
        .len()
        .checked_sub(LANES)
        .and_then(|at| <&[u8; LANES]>::try_from(&bytes[at..]).ok())
    {
        return !any_stop(last);
    }
    match (rest.first_chunk::<8>(), rest.last_chunk::<8>()) {
        (Some(&first), Some(&last)) => !word_has_stop(first) && !word_has_stop(last),
        _ => !rest.iter().any(|&b| ends_plain_run(b)),
    }
}

/// Whether any of eight bytes [`ends_plain_run`] (see [`plain_run_end`] for the tests: each
/// marks a true stop, or bytes above one, so some mark means some stop).
#[inline(always)]
fn word_has_stop(chunk: [u8; 8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let has_zero_byte = |word: u64| word.wrapping_sub(ONES) & !word;
    let word = u64::from_le_bytes(chunk);
    let quote = has_zero_byte(word ^ (ONES * u64::from(b'"')));
    let backslash = has_zero_byte(word ^ (ONES * u64::from(b'\\')));
    let control = word.wrapping_sub(ONES * 0x20) & !word;
    (quote | backslash | control) & HIGHS != 0
}

/// Where the first five fields of an ARN end: its first five colons, each outside a
/// template value or policy variable (`${AWS::Partition}`, `%{x}`), whose colons belong to
/// the value. `None` with fewer. Shared by `policy::arn::split` and the catalog's templates,
/// which must split alike; rules split every principal and resource, some more than once.
/// Sixteen bytes are looked at a time (a fold that compiles to vector compares): only the
/// colons and the `{`s among them are visited one by one, and a part is skipped whole, so
/// a string of many parts stays linear.
pub(crate) fn arn_field_ends(bytes: &[u8]) -> Option<[usize; 5]> {
    let mut ends = [0; 5];
    let mut found = 0;
    // Once no `}` follows an opening, no later part can close either: none is skipped.
    let mut parts_close = true;
    let mut pos = 0;
    'chunks: while pos < bytes.len() {
        let mut marks = colon_or_brace_marks(bytes, pos);
        while marks != 0 {
            let at = pos + marks.trailing_zeros() as usize;
            marks &= marks - 1;
            if bytes[at] == b':' {
                ends[found] = at;
                found += 1;
                if found == ends.len() {
                    return Some(ends);
                }
            } else if parts_close && at > 0 && matches!(bytes[at - 1], b'$' | b'%') {
                // A `${` or `%{` (its opening byte was before this `{`, never inside a part
                // skipped already): the part ends at the next `}`.
                match memchr::memchr(b'}', &bytes[at + 1..]) {
                    Some(len) => {
                        pos = at + 1 + len + 1;
                        continue 'chunks;
                    }
                    None => parts_close = false,
                }
            }
        }
        pos += LANES;
    }
    None
}

/// Which of the `LANES` bytes from `pos` (none past the end) are `:` or `{`, one bit a
/// byte. Eight bytes a word: a byte equal to the one sought becomes a zero byte once XORed
/// with it, found exactly (no carry between bytes: each byte's low seven bits are added
/// apart from its high bit); each zero byte's flag is then gathered into a byte by one
/// multiplication (byte `k`'s flag lands on bit `56 + k`, and no two products share a bit).
#[inline(always)]
fn colon_or_brace_marks(bytes: &[u8], pos: usize) -> u32 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const LOWS: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    const GATHER: u64 = 0x0102_0408_1020_4080;
    let zero_bytes = |x: u64| !(((x & LOWS) + LOWS) | x) & !LOWS;
    let marks = |half: &[u8]| {
        let mut word = [0u8; 8];
        word.copy_from_slice(half);
        let word = u64::from_le_bytes(word);
        let hits = zero_bytes(word ^ (ONES * u64::from(b':')))
            | zero_bytes(word ^ (ONES * u64::from(b'{')));
        ((hits >> 7).wrapping_mul(GATHER) >> 56) as u32
    };
    let of = |chunk: &[u8]| marks(&chunk[..8]) | marks(&chunk[8..LANES]) << 8;
    if let Some(full) = bytes.get(pos..pos + LANES) {
        return of(full);
    }
    // The last partial chunk: the input's final sixteen bytes, shifted down past the bytes
    // already looked at (no copy); a shorter input padded with zeros.
    let len = bytes.len();
    if len >= LANES {
        return of(&bytes[len - LANES..]) >> (pos + LANES - len);
    }
    let mut padded = [0u8; LANES];
    padded[..len - pos].copy_from_slice(&bytes[pos..]);
    of(&padded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_scan_finds_the_first_stop_byte() {
        // Every stop byte at every position of a word and of the tail, after any prefix
        // of plain bytes (including non-ASCII ones, whose high bit is set).
        for stop in [b'"', b'\\', 0x00, 0x1f, b'\n'] {
            for len in 0..24 {
                for at in 0..len {
                    let mut bytes: Vec<u8> = "aé ~\x7f".bytes().cycle().take(len).collect();
                    bytes[at] = stop;
                    // A second stop later must not hide the first.
                    if at + 1 < len {
                        bytes[len - 1] = 0x01;
                    }
                    assert_eq!(
                        plain_run_end(&bytes, 0),
                        at,
                        "stop {stop:#x} at {at} of {len}"
                    );
                }
                let plain: Vec<u8> = "aé ~!".bytes().cycle().take(len).collect();
                assert_eq!(plain_run_end(&plain, 0), len);
            }
        }
    }

    #[test]
    fn escape_end_finds_what_plain_run_end_finds() {
        // Every stop byte at every position of chunks, tails and short inputs, from every
        // starting position, with a second stop later that must not hide the first.
        for stop in [b'"', b'\\', 0x00, 0x1f, b'\n'] {
            for len in 0..52 {
                for at in 0..=len {
                    let mut bytes: Vec<u8> = "aé ~\x7f".bytes().cycle().take(len).collect();
                    if at < len {
                        bytes[at] = stop;
                    }
                    if at + 3 < len {
                        bytes[len - 1] = 0x01;
                    }
                    for from in 0..=len {
                        assert_eq!(
                            escape_end(&bytes, from),
                            plain_run_end(&bytes, from),
                            "stop {stop:#x} at {at} of {len} from {from}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn contains_either_finds_either_byte_anywhere() {
        // Every length through a few chunks, each position, each of the two bytes, and the
        // bytes next to them (whose carries must not be taken for a hit).
        for len in 0..52 {
            let plain: Vec<u8> = "aé+)~\x7f@>".bytes().cycle().take(len).collect();
            assert!(!contains_either(&plain, b'*', b'?'), "{len}");
            for at in 0..len {
                for hit in [b'*', b'?'] {
                    let mut bytes = plain.clone();
                    bytes[at] = hit;
                    assert!(
                        contains_either(&bytes, b'*', b'?'),
                        "{hit} at {at} of {len}"
                    );
                }
            }
        }
        assert!(!contains_either(
            &[0x80, 0xff, 0x29, 0x2b, 0x3e, 0x40],
            b'*',
            b'?'
        ));
    }

    #[test]
    fn is_plain_agrees_with_escape_end() {
        // Every stop byte at every position of inputs around each width the check uses.
        for stop in [b'"', b'\\', 0x00, 0x1f, b'\n'] {
            for len in 0..52 {
                let plain: Vec<u8> = "aé ~\x7f".bytes().cycle().take(len).collect();
                assert!(is_plain(&plain), "plain input of {len}");
                for at in 0..len {
                    let mut bytes = plain.clone();
                    bytes[at] = stop;
                    assert_eq!(escape_end(&bytes, 0), at);
                    assert!(!is_plain(&bytes), "stop {stop:#x} at {at} of {len}");
                }
            }
        }
    }

    /// The field ends as the byte-by-byte walk found them before the chunked scan.
    fn field_ends_bytewise(bytes: &[u8]) -> Option<[usize; 5]> {
        let (mut ends, mut found, mut parts_close, mut i) = ([0; 5], 0, true, 0);
        while i < bytes.len() && found < ends.len() {
            match bytes[i] {
                b':' => {
                    ends[found] = i;
                    found += 1;
                }
                b'$' | b'%' if parts_close && bytes.get(i + 1) == Some(&b'{') => {
                    match bytes[i + 2..].iter().position(|&b| b == b'}') {
                        Some(len) => {
                            i += 2 + len + 1;
                            continue;
                        }
                        None => parts_close = false,
                    }
                }
                _ => {}
            }
            i += 1;
        }
        (found == ends.len()).then_some(ends)
    }

    #[test]
    fn chunked_field_ends_agree_with_the_bytewise_walk() {
        // Seeded strings of the bytes that matter, mostly filler so that colons and parts
        // fall at every position of a chunk and across chunk boundaries.
        let alphabet = b":${}%a";
        let mut next = crate::seeded::numbers(11);
        let mut split = 0;
        for _ in 0..100_000 {
            let len = next(70);
            let text: Vec<u8> = (0..len)
                .map(|_| match next(3) {
                    0 => alphabet[next(alphabet.len())],
                    _ => b'x',
                })
                .collect();
            let ends = arn_field_ends(&text);
            assert_eq!(
                ends,
                field_ends_bytewise(&text),
                "{:?}",
                String::from_utf8_lossy(&text)
            );
            split += usize::from(ends.is_some());
        }
        assert!(split > 5_000 && split < 95_000, "{split}");
    }
}
