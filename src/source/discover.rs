//! Which files to check: explicit files as given, directories walked with .gitignore
//! honoured (inside a git repository or not) and include/exclude globs applied.

use super::{Input, Origin};
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

pub struct Filters {
    include: GlobSet,
    /// The include globs, one per argument's comma-separated part, in the set's order.
    include_globs: Vec<String>,
    has_include: bool,
    exclude: GlobSet,
}

impl Filters {
    pub fn new(include: &[String], exclude: &[String]) -> Result<Self, String> {
        Ok(Filters {
            include: build(include)?,
            include_globs: include
                .iter()
                .flat_map(|arg| split_globs(arg))
                .map(str::to_string)
                .collect(),
            has_include: include.iter().any(|arg| !split_globs(arg).is_empty()),
            exclude: build(exclude)?,
        })
    }

    /// Whether a glob will look at the path below the root (else only the extension counts).
    fn has_globs(&self) -> bool {
        self.has_include || !self.exclude.is_empty()
    }

    /// A walked file is checked when an include glob matches it (or, with none given, when it
    /// is JSON, Markdown, YAML, a `.template` or Terraform) and no exclude glob does. A
    /// YAML file that is no template is dropped when it is read, by a byte search before any
    /// parsing.
    /// `matched` marks the include globs that matched a wanted file.
    fn wants(&self, relative: &Path, matched: &mut [bool]) -> bool {
        // A glob set prepares each path (copies and normalises it) even when it has no globs.
        if !self.exclude.is_empty() && self.exclude.is_match(relative) {
            return false;
        }
        if self.has_include {
            let hits = self.include.matches(relative);
            for &hit in &hits {
                if let Some(mark) = matched.get_mut(hit) {
                    *mark = true;
                }
            }
            return !hits.is_empty();
        }
        relative
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|ext| {
                [
                    "json", "md", "markdown", "yaml", "yml", "template", "tf", "tpl", "tftpl",
                ]
                .iter()
                .any(|wanted| ext.eq_ignore_ascii_case(wanted))
            })
    }
}

/// The globs of `--include`/`--exclude`, read as in .gitignore: `*` stays within a folder,
/// `**` crosses folders, a glob with a `/` is relative to the walked directory and one without
/// matches at any depth. An argument may hold several, comma-separated (`*.tf,*.json`).
fn build(globs: &[String]) -> Result<GlobSet, String> {
    let mut set = GlobSetBuilder::new();
    for glob in globs.iter().flat_map(|arg| split_globs(arg)) {
        let pattern = if glob.contains('/') {
            // `./docs/*.md` and `/docs/*.md` mean the same as `docs/*.md`.
            let anchored = glob.strip_prefix("./").unwrap_or(glob);
            anchored.trim_start_matches('/').to_string()
        } else {
            format!("**/{glob}")
        };
        let compiled = GlobBuilder::new(&pattern)
            .literal_separator(true)
            .build()
            .map_err(|e| format!("invalid glob `{glob}`: {e}"))?;
        set.add(compiled);
    }
    set.build().map_err(|e| e.to_string())
}

/// Splits at the commas outside braces: `*.tf,*.{yml,yaml}` is two globs.
fn split_globs(arg: &str) -> Vec<&str> {
    let mut globs = Vec::new();
    let (mut depth, mut start) = (0usize, 0);
    for (at, c) in arg.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                globs.push(&arg[start..at]);
                start = at + 1;
            }
            _ => {}
        }
    }
    globs.push(&arg[start..]);
    globs
        .into_iter()
        .map(str::trim)
        .filter(|g| !g.is_empty())
        .collect()
}

pub struct Discovered {
    pub inputs: Vec<Input>,
    /// Paths that could not be listed, with why; reported as I/O errors.
    pub errors: Vec<(String, String)>,
    /// The `--include` globs that matched no file of a walk (none when nothing was walked).
    pub unmatched_includes: Vec<String>,
}

pub fn discover(paths: &[PathBuf], filters: &Filters) -> Discovered {
    let mut found = Discovered {
        inputs: Vec::new(),
        errors: Vec::new(),
        unmatched_includes: Vec::new(),
    };
    let mut matched = vec![false; filters.include_globs.len()];
    let mut walked = false;
    for path in paths {
        let display = path.to_string_lossy().into_owned();
        if display == "-" {
            found.inputs.push(Input {
                path: path.clone(),
                origin: Origin::Stdin,
                consumer: None,
            });
        } else if path.is_dir() {
            walked = true;
            walk(path, filters, &mut found, &mut matched);
        } else {
            // Named explicitly: checked even when a glob or .gitignore would skip it; a missing
            // file surfaces as an I/O error when it is read.
            found.inputs.push(Input {
                path: path.clone(),
                origin: Origin::Explicit,
                consumer: None,
            });
        }
    }
    if walked {
        found.unmatched_includes = filters
            .include_globs
            .iter()
            .zip(&matched)
            .filter(|(_, &hit)| !hit)
            .map(|(glob, _)| glob.clone())
            .collect();
    }
    found
}

fn walk(root: &Path, filters: &Filters, found: &mut Discovered, matched: &mut [bool]) {
    let absolute = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
    if let Some(bad) = absolute.ancestors().find_map(blocking_ignore_file) {
        found
            .errors
            .push((root.to_string_lossy().into_owned(), blocked_message(&bad)));
        return;
    }
    // Directories below the root are checked as the walk reaches them, before the walker
    // reads their ignore files; a blocked one is skipped and reported.
    let blocked = Arc::new(Mutex::new(Vec::new()));
    let blocked_in_filter = Arc::clone(&blocked);
    let walker = ignore::WalkBuilder::new(root)
        .require_git(false)
        .follow_links(false)
        .filter_entry(move |entry| {
            let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
            if is_dir && is_cdk_asset(entry.path()) {
                return false;
            }
            match is_dir.then(|| blocking_ignore_file(entry.path())).flatten() {
                Some(bad) => {
                    if let Ok(mut list) = blocked_in_filter.lock() {
                        list.push((
                            entry.path().to_string_lossy().into_owned(),
                            blocked_message(&bad),
                        ));
                    }
                    false
                }
                None => true,
            }
        })
        .build();
    let (first_input, first_error) = (found.inputs.len(), found.errors.len());
    walk_entries(root, walker, filters, found, matched);
    let blocked = blocked.lock().map(|mut list| std::mem::take(&mut *list));
    found.errors.extend(blocked.unwrap_or_default());
    // The walk goes in the file system's order, which differs between machines: its files
    // and errors are put in the order of their paths' bytes, the order of the report. (The
    // walker's own sorting compares names parsed out of each path again at every step.)
    found.inputs[first_input..].sort_by(|a, b| a.path.as_os_str().cmp(b.path.as_os_str()));
    found.errors[first_error..].sort();
}

/// CDK's `cdk.out/asset.*` folders: copies of the app's code and files, bundled for upload,
/// not templates.
fn is_cdk_asset(dir: &Path) -> bool {
    let in_cdk_out = dir
        .parent()
        .and_then(Path::file_name)
        .is_some_and(|name| name == "cdk.out");
    in_cdk_out
        && dir
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with("asset."))
}

/// Ignore files the walker opens and reads to the end in every directory it enters.
const IGNORE_FILES: &[&str] = &[".gitignore", ".ignore", ".git/info/exclude"];

/// An ignore file that would block the walk forever: a FIFO waits for a writer, a device
/// such as `/dev/zero` never ends. Such a directory cannot be walked safely.
fn blocking_ignore_file(dir: &Path) -> Option<PathBuf> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        IGNORE_FILES.iter().map(|name| dir.join(name)).find(|path| {
            std::fs::metadata(path).is_ok_and(|m| {
                let t = m.file_type();
                t.is_fifo() || t.is_char_device() || t.is_block_device()
            })
        })
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        None
    }
}

fn blocked_message(bad: &Path) -> String {
    format!(
        "not walked: its ignore file {} is not a regular file (a FIFO or device would block the walk)",
        bad.display()
    )
}

fn walk_entries(
    root: &Path,
    walker: ignore::Walk,
    filters: &Filters,
    found: &mut Discovered,
    matched: &mut [bool],
) {
    for entry in walker {
        match entry {
            Ok(entry) => {
                if !entry.file_type().is_some_and(|t| t.is_file()) {
                    continue;
                }
                // Only globs need the path below the root: its extension is the file's.
                let relative = match filters.has_globs() {
                    true => entry.path().strip_prefix(root).unwrap_or(entry.path()),
                    false => entry.path(),
                };
                if filters.wants(relative, matched) {
                    found.inputs.push(Input {
                        path: entry.into_path(),
                        origin: Origin::Walk,
                        consumer: None,
                    });
                }
            }
            Err(err) => {
                let path = match &err {
                    ignore::Error::WithPath { path, .. } => path.to_string_lossy().into_owned(),
                    _ => root.to_string_lossy().into_owned(),
                };
                found.errors.push((path, err.to_string()));
            }
        }
    }
}
