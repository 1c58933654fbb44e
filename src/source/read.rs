//! Bytes → text. Problems with the bytes themselves are reported as findings at their
//! place, so one bad file never stops the run.

use crate::json::Span;
use std::io::Read;
use std::path::Path;

/// Larger than any policy AWS accepts (the largest, a key policy, is 32 KB) by far; the
/// bound keeps a stray log file or disk image from exhausting memory.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

pub struct Text {
    /// The text to show; lossy where the bytes were not UTF-8.
    pub text: String,
    /// Where the documents may start (after a byte order mark).
    pub body_offset: usize,
    pub problem: Option<EncodingProblem>,
}

/// What is wrong with the bytes, in rule terms: `fatal` problems stop analysis of the file.
pub struct EncodingProblem {
    pub code: crate::code::Code,
    pub message: String,
    pub span: Span,
    pub fatal: bool,
}

/// How large an oversized input is: exact for a file, a lower bound for a stream.
#[derive(Clone, Copy, Debug)]
pub enum Oversize {
    Exactly(u64),
    AtLeast(u64),
}

/// Reads a named file; an `Err` is an I/O error to report against the path (exit 2).
pub fn read_file(path: &Path) -> Result<Result<Vec<u8>, Oversize>, String> {
    let meta = std::fs::metadata(path).map_err(|e| e.to_string())?;
    check_regular(&meta)?;
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    read_sized(file, &meta)
}

/// Reads a file a walk found to be a regular file (not a FIFO, which would block `open`),
/// asking its size from the open file: one path lookup instead of two.
pub fn read_walked_file(path: &Path) -> Result<Result<Vec<u8>, Oversize>, String> {
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let meta = file.metadata().map_err(|e| e.to_string())?;
    check_regular(&meta)?;
    read_sized(file, &meta)
}

/// Reads an input's file the way its origin allows: a walked file with one path lookup.
pub fn read_input_file(
    path: &Path,
    origin: super::Origin,
) -> Result<Result<Vec<u8>, Oversize>, String> {
    match origin {
        super::Origin::Walk => read_walked_file(path),
        _ => read_file(path),
    }
}

fn check_regular(meta: &std::fs::Metadata) -> Result<(), String> {
    if !meta.is_file() {
        return Err(if meta.is_dir() {
            "is a directory"
        } else {
            "not a regular file"
        }
        .into());
    }
    Ok(())
}

fn read_sized(
    file: std::fs::File,
    meta: &std::fs::Metadata,
) -> Result<Result<Vec<u8>, Oversize>, String> {
    if meta.len() > MAX_FILE_BYTES {
        return Ok(Err(Oversize::Exactly(meta.len())));
    }
    // Sized from the metadata (plus the byte that detects growth since): one allocation.
    read_bounded_into(file, Vec::with_capacity(meta.len() as usize + 1)).map_err(|e| e.to_string())
}

/// Standard input, read once per process however often a run asks for it: a run may check
/// it in a first pass (to learn which suppressions and baseline entries other files use)
/// and again in its turn, and a stream can only be read once.
pub fn stdin() -> Result<Result<Vec<u8>, Oversize>, String> {
    static STDIN: std::sync::OnceLock<Result<Result<Vec<u8>, Oversize>, String>> =
        std::sync::OnceLock::new();
    STDIN
        .get_or_init(|| read_bounded(std::io::stdin().lock()).map_err(|e| e.to_string()))
        .clone()
}

/// Reads at most one byte past the limit, so an endless stream cannot exhaust memory.
pub fn read_bounded(reader: impl Read) -> std::io::Result<Result<Vec<u8>, Oversize>> {
    read_bounded_into(reader, Vec::new())
}

fn read_bounded_into(
    reader: impl Read,
    mut bytes: Vec<u8>,
) -> std::io::Result<Result<Vec<u8>, Oversize>> {
    reader.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes)?;
    Ok(if bytes.len() as u64 > MAX_FILE_BYTES {
        Err(Oversize::AtLeast(bytes.len() as u64))
    } else {
        Ok(bytes)
    })
}

pub fn too_large(size: Oversize) -> Text {
    let size = match size {
        Oversize::Exactly(n) => format!("{n} bytes"),
        Oversize::AtLeast(_) => format!("more than {MAX_FILE_BYTES} bytes"),
    };
    Text {
        text: String::new(),
        body_offset: 0,
        problem: Some(EncodingProblem {
            code: crate::code::Code::J006,
            message: format!("file is {size}, over iamlint's limit of {MAX_FILE_BYTES} bytes; no policy is that large"),
            span: Span::new(0, 0),
            fatal: true,
        }),
    }
}

pub fn decode(bytes: Vec<u8>) -> Text {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Text {
            text: String::new(),
            body_offset: 0,
            problem: Some(EncodingProblem {
                code: crate::code::Code::J003,
                message: "file is UTF-16 encoded; policy documents must be UTF-8".into(),
                span: Span::new(0, 0),
                fatal: true,
            }),
        };
    }
    if looks_utf16_without_bom(&bytes) {
        return Text {
            text: String::new(),
            body_offset: 0,
            problem: Some(EncodingProblem {
                code: crate::code::Code::J003,
                message:
                    "file looks UTF-16 encoded (no byte order mark); policy documents must be UTF-8"
                        .into(),
                span: Span::new(0, 0),
                fatal: true,
            }),
        };
    }
    match String::from_utf8(bytes) {
        Ok(text) if text.starts_with('\u{feff}') => Text {
            text,
            body_offset: 3,
            problem: Some(EncodingProblem {
                code: crate::code::Code::J004,
                message: "file starts with a UTF-8 byte order mark".into(),
                span: Span::new(0, 3),
                fatal: false,
            }),
        },
        Ok(text) => Text {
            text,
            body_offset: 0,
            problem: None,
        },
        Err(err) => {
            let at = err.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(err.as_bytes()).into_owned();
            // The lossy text equals the bytes up to `at`, where U+FFFD (3 bytes) now stands.
            Text {
                text,
                body_offset: 0,
                problem: Some(EncodingProblem {
                    code: crate::code::Code::J003,
                    message: format!("invalid UTF-8 at byte {at}; policy documents must be UTF-8"),
                    span: Span::new(at, at + 3),
                    fatal: true,
                }),
            }
        }
    }
}

/// Text that starts with ASCII characters stored as 16-bit units (`{\0"\0` or `\0{\0"`):
/// how some Windows tools save "Unicode" text. JSON or Markdown in UTF-8 never starts so.
fn looks_utf16_without_bom(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(8) & !1];
    let ascii = |b: u8| b != 0 && b.is_ascii();
    let little = head.chunks_exact(2).all(|u| ascii(u[0]) && u[1] == 0);
    let big = head.chunks_exact(2).all(|u| u[0] == 0 && ascii(u[1]));
    !head.is_empty() && (little || big)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_without_bom_is_recognised_by_its_zero_bytes() {
        assert!(looks_utf16_without_bom(b"{\0\"\0V\0e\0"));
        assert!(looks_utf16_without_bom(b"\0{\0\"\0V"));
        assert!(!looks_utf16_without_bom(b"{\"Version\""));
        assert!(
            !looks_utf16_without_bom(b"{\0\0\0"),
            "NULs alone are no encoding"
        );
        assert!(!looks_utf16_without_bom(b""));
        assert!(!looks_utf16_without_bom(b"{"));
    }
}
