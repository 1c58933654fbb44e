//! Rendered output that must wait (behind a file that waits for its directory) is moved to
//! a temporary file once there is much of it, and read back when its turn comes: memory
//! holds a window of the run, however long the wait.

#![warn(unreachable_pub)]

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A temporary file, made on first use and deleted when dropped (at once, where the system
/// allows it).
#[derive(Default)]
pub struct Spool {
    file: Option<File>,
    path: Option<PathBuf>,
    end: u64,
}

/// Bytes moved to the spool: where they are.
#[derive(Clone, Copy, Debug)]
pub struct Spilled {
    offset: u64,
    len: usize,
}

impl Spool {
    fn file(&mut self) -> io::Result<&mut File> {
        if self.file.is_none() {
            let (file, path) = Spool::create()?;
            self.file = Some(file);
            self.path = path;
        }
        self.file
            .as_mut()
            .ok_or_else(|| io::Error::other("the spool has no file"))
    }

    fn create() -> io::Result<(File, Option<PathBuf>)> {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            ".iamlint-spool-{}-{}",
            std::process::id(),
            COUNT.fetch_add(1, Ordering::Relaxed)
        ));
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&path)?;
        // Unlinked while open, nothing is left behind even if the process is killed.
        let path = match std::fs::remove_file(&path) {
            Ok(()) => None,
            Err(_) => Some(path),
        };
        Ok((file, path))
    }

    pub fn put(&mut self, bytes: &[u8]) -> io::Result<Spilled> {
        let end = self.end;
        let file = self.file()?;
        file.seek(SeekFrom::Start(end))?;
        file.write_all(bytes)?;
        let spilled = Spilled {
            offset: self.end,
            len: bytes.len(),
        };
        self.end += bytes.len() as u64;
        Ok(spilled)
    }

    pub fn take(&mut self, spilled: Spilled) -> io::Result<Vec<u8>> {
        let mut bytes = vec![0; spilled.len];
        let file = self.file()?;
        file.seek(SeekFrom::Start(spilled.offset))?;
        file.read_exact(&mut bytes)?;
        Ok(bytes)
    }
}

impl Drop for Spool {
    fn drop(&mut self) {
        if let Some(path) = &self.path {
            let _ = std::fs::remove_file(path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_come_back_in_any_order() {
        let mut spool = Spool::default();
        let a = spool.put(b"first").unwrap();
        let b = spool.put(b"").unwrap();
        let c = spool.put(b"third part").unwrap();
        assert_eq!(spool.take(c).unwrap(), b"third part");
        assert_eq!(spool.take(a).unwrap(), b"first");
        assert_eq!(spool.take(b).unwrap(), b"");
    }
}
