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
    pub code: &'static str,
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
    if !meta.is_file() {
        return Err(if meta.is_dir() {
            "is a directory"
        } else {
            "not a regular file"
        }
        .into());
    }
    if meta.len() > MAX_FILE_BYTES {
        return Ok(Err(Oversize::Exactly(meta.len())));
    }
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    read_bounded(file).map_err(|e| e.to_string())
}

/// Reads at most one byte past the limit, so an endless stream cannot exhaust memory.
pub fn read_bounded(reader: impl Read) -> std::io::Result<Result<Vec<u8>, Oversize>> {
    let mut bytes = Vec::new();
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
            code: "J006",
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
                code: "J003",
                message: "file is UTF-16 encoded; policy documents must be UTF-8".into(),
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
                code: "J004",
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
                    code: "J003",
                    message: format!("invalid UTF-8 at byte {at}; policy documents must be UTF-8"),
                    span: Span::new(at, at + 3),
                    fatal: true,
                }),
            }
        }
    }
}
