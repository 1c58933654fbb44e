//! Byte scans shared by the JSON parser and the JSON report, which stop at the same bytes:
//! kept below both so the report does not reach into the parser.

#![warn(unreachable_pub)]

/// Whether a byte ends a plain run inside a string: the closing quote, an escape, or a
/// control character (which JSON requires to be escaped).
fn ends_plain_run(b: u8) -> bool {
    b == b'"' || b == b'\\' || b < 0x20
}

/// The position of the first byte at or after `pos` that [`ends_plain_run`], or the end of
/// the input: also where the JSON report must escape a string.
/// Strings are most of a policy's bytes, so they are scanned eight bytes at a
/// time: a word has a stop byte where one of three byte-wise tests sets a byte's high bit.
/// Each test can also mark bytes above a true hit (a borrow carries upward), never below,
/// so the lowest mark is the first stop.
pub(crate) fn plain_run_end(bytes: &[u8], mut pos: usize) -> usize {
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
}
