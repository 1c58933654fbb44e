//! Emitters: one file per output format. Each renders a group of files (one path) on any
//! thread and writes it in order, as the files stream past; [`write`] does the same for a
//! whole [`Report`].

pub mod concise;
pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod sarif;
pub mod statistics;

use crate::config::FailOn;
use crate::diagnostic::{Finding, Severity};
use crate::outcome::{InputError, Report, Summary};
use crate::sink::{Checked, Sink};
use crate::spool::{Spilled, Spool};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Diagnostics with the source underlined (the default).
    Human,
    /// One `path:line:col: severity[CODE] message` line per finding.
    Concise,
    /// Machine-readable findings, documents and summary.
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// GitHub Actions workflow commands: annotations on the pull request.
    Github,
    /// JUnit XML: one test case per policy document, for GitLab, Jenkins and others.
    Junit,
}

#[derive(Clone, Copy, Debug)]
pub struct Style {
    pub color: bool,
    /// Findings only: no summary line.
    pub quiet: bool,
    /// The human format's width, where it wraps its text: the terminal's; `None` (a pipe or
    /// a file) wraps nothing, so that tools and editors see each message on one line.
    pub width: Option<usize>,
    /// The lowest severity written: `--show` (the human and concise formats hide
    /// information by default; the summary line counts what they hide).
    pub show: Severity,
    /// The lowest severity that fails the run: JUnit reports only those as failures.
    pub fail_on: FailOn,
}

impl Style {
    /// Every finding, no colour, no wrapping: a whole report written for a program.
    pub fn plain() -> Style {
        Style {
            color: false,
            quiet: false,
            width: None,
            show: Severity::Info,
            fail_on: FailOn::Severity(Severity::Warning),
        }
    }
}

/// The path an input is shown with, by its place in the input order.
pub type PathOf<'a> = &'a dyn Fn(usize) -> Option<std::borrow::Cow<'a, str>>;

/// What only the end of a run knows.
pub struct End<'a> {
    pub summary: &'a Summary,
    /// Paths that could not be read, in input order.
    pub errors: &'a [InputError],
    /// Where each input was: the formats that list files at the end keep only its number.
    pub path_of: PathOf<'a>,
}

/// The findings of one group (one path) at or above `show`, in the report's order: each
/// file's are sorted, and the files of one path are merged (stably, in input order).
pub fn findings(group: &[Checked], show: Severity) -> Vec<&Finding> {
    // Sized once for all of them (a filtered `collect` grows push by push).
    let mut all: Vec<&Finding> =
        Vec::with_capacity(group.iter().map(|c| c.file.findings.len()).sum());
    all.extend(
        group
            .iter()
            .flat_map(|c| &c.file.findings)
            .filter(|f| f.severity >= show),
    );
    if group.len() > 1 {
        all.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    }
    all
}

/// One output format: the one implementation (in the format's own file) and the one entry in
/// [`Format::emit`] that a new format needs.
pub(crate) trait Emit: Sync {
    /// Written before the first group.
    fn opening(&self) -> &'static [u8] {
        b""
    }

    /// Renders one group (on any thread): its findings are `found`, in the report's order.
    fn render(&self, group: &[Checked], found: &[&Finding], style: &Style) -> io::Result<Part>;

    /// How many bytes at the start of a group's text are left out as it goes out after the
    /// others: the JSON format's first finding drops the comma it was rendered with.
    fn dropped_prefix(&self, _text: &[u8], _first: bool) -> usize {
        0
    }

    /// Writes what only the end knows, with what the groups left for it.
    fn finish(
        &self,
        out: &mut dyn Write,
        kept: &mut Kept,
        style: &Style,
        end: &End,
    ) -> io::Result<()>;
}

impl Format {
    /// The format's implementation.
    fn emit(self) -> &'static dyn Emit {
        match self {
            Format::Human => &human::Human,
            Format::Concise => &concise::Concise,
            Format::Json => &json::Json,
            Format::Sarif => &sarif::Sarif,
            Format::Github => &github::Github,
            Format::Junit => &junit::Junit,
        }
    }
}

/// One group as a format rendered it: text for the output now, and what the format's end
/// needs (the formats that open with totals keep compact records instead of text).
pub struct Part {
    text: Text,
    kept: Kept,
}

impl Part {
    pub(crate) fn text(bytes: Vec<u8>) -> Part {
        Part {
            text: Text::Here(bytes),
            kept: Kept::default(),
        }
    }

    pub(crate) fn kept(kept: Kept) -> Part {
        Part {
            text: Text::Here(Vec::new()),
            kept,
        }
    }
}

/// What the formats keep until the end, gathered from every group.
#[derive(Default)]
pub struct Kept {
    /// Whether any group wrote text.
    pub(crate) wrote: bool,
    /// The JSON format's `documents` list.
    pub(crate) documents: json::Documents,
    pub(crate) sarif: Vec<sarif::Record>,
    pub(crate) suites: Vec<junit::Suite>,
}

impl Kept {
    fn extend(&mut self, other: Kept) {
        self.documents.append(other.documents);
        self.sarif.extend(other.sarif);
        self.suites.extend(other.suites);
    }
}

/// Rendered text, in memory or moved to the spool while it waits.
pub enum Text {
    Here(Vec<u8>),
    Away(Spilled),
}

impl Text {
    fn weight(&self) -> usize {
        match self {
            Text::Here(bytes) => bytes.len(),
            Text::Away(_) => 0,
        }
    }

    fn spill(self, spool: &mut Spool) -> io::Result<Text> {
        match self {
            // Without a writable temporary directory the text stays in memory: that costs
            // memory, never the report.
            Text::Here(bytes) if !bytes.is_empty() => Ok(match spool.put(&bytes) {
                Ok(spilled) => Text::Away(spilled),
                Err(_) => Text::Here(bytes),
            }),
            text => Ok(text),
        }
    }

    fn bytes(self, spool: &mut Spool) -> io::Result<Vec<u8>> {
        match self {
            Text::Here(bytes) => Ok(bytes),
            Text::Away(spilled) => spool.take(spilled),
        }
    }
}

/// What rendering a group needs, on any thread.
pub struct Renderer {
    emit: &'static dyn Emit,
    style: Style,
}

/// Writes a report in one format as its files stream past.
pub struct Emitter<W: Write> {
    emit: &'static dyn Emit,
    style: Style,
    out: W,
    /// Whether the format's opening was written.
    begun: bool,
    kept: Kept,
    /// Groups' texts not yet written (each with the bytes it leaves out at its start), and
    /// their length: written together in one vectored write once they are large, rather
    /// than each copied into the writer's buffer first.
    queued: Vec<(Vec<u8>, usize)>,
    queued_len: usize,
}

/// How much rendered text waits to be written together: at least a buffered writer's
/// buffer (64 KiB in `main`), so that it writes the texts straight through.
const QUEUED: usize = 128 << 10;

impl<W: Write> Emitter<W> {
    pub fn new(format: Format, style: Style, out: W) -> Self {
        Emitter {
            emit: format.emit(),
            style,
            out,
            begun: false,
            kept: Kept::default(),
            queued: Vec::new(),
            queued_len: 0,
        }
    }

    /// Writes the queued texts, in order.
    fn write_queued(&mut self) -> io::Result<()> {
        let mut slices: Vec<io::IoSlice> = self
            .queued
            .iter()
            .map(|(text, dropped)| io::IoSlice::new(text.get(*dropped..).unwrap_or_default()))
            .collect();
        let mut left = &mut slices[..];
        while !left.is_empty() {
            match self.out.write_vectored(left) {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(written) => io::IoSlice::advance_slices(&mut left, written),
                Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                Err(err) => return Err(err),
            }
        }
        self.queued.clear();
        self.queued_len = 0;
        Ok(())
    }

    fn begin(&mut self) -> io::Result<()> {
        if !self.begun {
            self.begun = true;
            self.out.write_all(self.emit.opening())?;
        }
        Ok(())
    }

    /// Writes what only the end knows; returns the writer.
    pub fn finish(mut self, end: &End) -> io::Result<W> {
        self.begin()?;
        self.write_queued()?;
        self.emit
            .finish(&mut self.out, &mut self.kept, &self.style, end)?;
        Ok(self.out)
    }
}

impl<W: Write> Sink for Emitter<W> {
    type Part = Part;
    type Renderer = Renderer;

    fn renderer(&self) -> Renderer {
        Renderer {
            emit: self.emit,
            style: self.style,
        }
    }

    fn render(renderer: &Renderer, group: &mut Vec<Checked>) -> io::Result<Part> {
        renderer.emit.render(
            group,
            &findings(group, renderer.style.show),
            &renderer.style,
        )
    }

    fn weight(part: &Part) -> usize {
        part.text.weight()
    }

    fn spill(part: Part, spool: &mut Spool) -> io::Result<Part> {
        Ok(Part {
            text: part.text.spill(spool)?,
            kept: part.kept,
        })
    }

    fn accept(&mut self, part: Part, spool: &mut Spool) -> io::Result<()> {
        self.begin()?;
        self.kept.extend(part.kept);
        let text = part.text.bytes(spool)?;
        let dropped = self.emit.dropped_prefix(&text, !self.kept.wrote);
        self.kept.wrote |= !text.is_empty();
        if text.len() > dropped {
            self.queued_len += text.len() - dropped;
            self.queued.push((text, dropped));
        }
        if self.queued_len >= QUEUED {
            self.write_queued()?;
        }
        Ok(())
    }
}

/// Hands a whole report's files to `sink` as a streamed run would: grouped by path in the
/// report's order (copies: the report stays as it is).
pub fn replay<S: Sink>(report: &Report, sink: &mut S) -> io::Result<()> {
    let mut order: Vec<usize> = (0..report.files.len()).collect();
    order.sort_by(|&a, &b| report.files[a].path.cmp(&report.files[b].path));
    let renderer = sink.renderer();
    let mut spool = Spool::default();
    let mut start = 0;
    while start < order.len() {
        let path = &report.files[order[start]].path;
        let end = start
            + order[start..]
                .iter()
                .take_while(|&&i| report.files[i].path == *path)
                .count();
        let mut group: Vec<Checked> = order[start..end]
            .iter()
            .map(|&i| Checked {
                input: i,
                file: report.files[i].clone(),
            })
            .collect();
        sink.accept(S::render(&renderer, &mut group)?, &mut spool)?;
        start = end;
    }
    Ok(())
}

/// Writes a whole report in one format.
pub fn write(
    report: &Report,
    format: Format,
    style: &Style,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut emitter = Emitter::new(format, *style, out);
    replay(report, &mut emitter)?;
    let path_of = |i: usize| {
        report
            .files
            .get(i)
            .map(|f| std::borrow::Cow::Borrowed(&*f.path))
    };
    emitter.finish(&End {
        summary: &report.summary(),
        errors: &report.outcome.errors,
        path_of: &path_of,
    })?;
    Ok(())
}

/// "1 error, 2 warnings": counts with their nouns, skipping zeros.
pub fn counts(summary: &Summary) -> String {
    let mut parts = Vec::new();
    for (n, one, many) in [
        (summary.errors, "error", "errors"),
        (summary.warnings, "warning", "warnings"),
        (summary.infos, "info", "infos"),
    ] {
        if n > 0 {
            parts.push(format!("{n} {}", if n == 1 { one } else { many }));
        }
    }
    parts.join(", ")
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The one-line summary of a run whose report shows findings from `show` up: what was
/// checked, the problems found (errors and warnings; information is counted apart, as it is
/// no problem), what could not be read, and what the report leaves out: findings below
/// `show`, and those the config and the baseline accepted.
pub fn summary_line(summary: &Summary, show: Severity) -> String {
    let files = plural(summary.files, "file", "files");
    let documents = plural(summary.documents, "policy", "policies");
    let problems = summary.errors + summary.warnings;
    let infos_shown = summary.infos > 0 && show <= Severity::Info;
    let infos = plural(summary.infos, "info", "infos");
    let mut line = if summary.documents == 0 && problems == 0 {
        // Files that hold no policy (skipped in a walk, or notes when named) are no check.
        let mut line = match (summary.files, summary.unread) {
            (0, 0) => "Nothing checked: no policy file found in the paths given".to_string(),
            (0, _) => "Nothing checked".to_string(),
            (_, _) => format!("Nothing checked: no policy found in {files}"),
        };
        if infos_shown {
            line.push_str(&format!(" ({infos})"));
        }
        line
    } else if problems == 0 && infos_shown {
        format!("Found {infos} and no problems in {documents} ({files})")
    } else if problems == 0 {
        format!("No problems found in {documents} ({files})")
    } else {
        let kinds = Summary {
            errors: summary.errors,
            warnings: summary.warnings,
            ..Summary::default()
        };
        let also = if infos_shown {
            format!(" and {infos}")
        } else {
            String::new()
        };
        format!(
            "Found {} ({}){also} in {documents} ({files})",
            plural(problems, "problem", "problems"),
            counts(&kinds)
        )
    };
    if summary.unread > 0 {
        let joint = if line == "Nothing checked" {
            ": "
        } else {
            "; "
        };
        line.push_str(&format!(
            "{joint}{} could not be read",
            plural(summary.unread, "input", "inputs")
        ));
    }
    for glob in &summary.unmatched_includes {
        line.push_str(&format!("; --include `{glob}` matched no file"));
    }
    line.push('.');
    let mut accepted = Vec::new();
    if summary.warnings > 0 && show > Severity::Warning {
        accepted.push(format!(
            "{} (--show warning)",
            plural(summary.warnings, "warning", "warnings")
        ));
    }
    if summary.infos > 0 && show > Severity::Info {
        accepted.push(format!("{infos} (--show info)"));
    }
    if summary.suppressed > 0 {
        accepted.push(format!("{} suppressed by the config", summary.suppressed));
    }
    if summary.baselined > 0 {
        accepted.push(format!("{} in the baseline", summary.baselined));
    }
    if !accepted.is_empty() {
        line.push_str(&format!(" Not shown: {}.", accepted.join(", ")));
    }
    if summary.stale_baseline > 0 {
        let (entries, verb) = if summary.stale_baseline == 1 {
            ("entry", "occurs")
        } else {
            ("entries", "occur")
        };
        line.push_str(&format!(
            " {} baseline {entries} no longer {verb}; rewrite the baseline to tighten it.",
            summary.stale_baseline
        ));
    }
    line
}

/// Writes `bytes` to `path` so that readers see the old file or the new one, never half of
/// one (see [`Replacement`]).
pub fn save(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = Replacement::create(path)?;
    file.write_all(bytes)?;
    file.commit()
}

/// A file written in place of `path`: a temporary file in the same folder, renamed over the
/// target once complete, and removed if it never is.
pub struct Replacement {
    temp: PathBuf,
    target: PathBuf,
    file: Option<io::BufWriter<std::fs::File>>,
}

impl Replacement {
    pub fn create(path: &Path) -> io::Result<Self> {
        let folder = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let name = path
            .file_name()
            .ok_or_else(|| io::Error::other("the output path names no file"))?;
        let temp = folder.join(format!(
            ".{}.{}.tmp",
            name.to_string_lossy(),
            std::process::id()
        ));
        let file = std::fs::File::create(&temp)?;
        Ok(Replacement {
            temp,
            target: path.to_path_buf(),
            file: Some(io::BufWriter::with_capacity(1 << 16, file)),
        })
    }

    /// Flushes, syncs and renames the file over the target.
    pub fn commit(mut self) -> io::Result<()> {
        let Some(file) = self.file.take() else {
            return Err(io::Error::other("the output was already committed"));
        };
        let synced = file
            .into_inner()
            .map_err(io::IntoInnerError::into_error)
            .and_then(|file| file.sync_all());
        let renamed = synced.and_then(|()| std::fs::rename(&self.temp, &self.target));
        if renamed.is_err() {
            let _ = std::fs::remove_file(&self.temp);
        }
        renamed
    }
}

impl Write for Replacement {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.file {
            Some(file) => file.write(buf),
            None => Err(io::Error::other("the output was already committed")),
        }
    }

    fn write_vectored(&mut self, bufs: &[io::IoSlice<'_>]) -> io::Result<usize> {
        match &mut self.file {
            Some(file) => file.write_vectored(bufs),
            None => Err(io::Error::other("the output was already committed")),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.file {
            Some(file) => file.flush(),
            None => Ok(()),
        }
    }
}

impl Drop for Replacement {
    fn drop(&mut self) {
        if self.file.take().is_some() {
            let _ = std::fs::remove_file(&self.temp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spilled_text_comes_back_as_it_was() {
        let mut spool = Spool::default();
        let first = Text::Here(b"{\"a\": 1}".to_vec())
            .spill(&mut spool)
            .unwrap();
        let empty = Text::Here(Vec::new()).spill(&mut spool).unwrap();
        let second = Text::Here("é\n".repeat(1000).into_bytes())
            .spill(&mut spool)
            .unwrap();
        assert!(matches!(first, Text::Away(_)) && matches!(second, Text::Away(_)));
        assert!(matches!(empty, Text::Here(_)));
        assert_eq!(
            second.bytes(&mut spool).unwrap(),
            "é\n".repeat(1000).into_bytes()
        );
        assert_eq!(first.bytes(&mut spool).unwrap(), b"{\"a\": 1}");
        assert!(empty.bytes(&mut spool).unwrap().is_empty());
    }

    #[test]
    fn queued_texts_written_a_few_bytes_at_a_time_come_out_whole_and_in_order() {
        /// Takes at most seven bytes a call, of the first slice only (`write_vectored`'s
        /// default): every write a partial one.
        struct Trickle(Vec<u8>);
        impl Write for Trickle {
            fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
                let n = buf.len().min(7);
                self.0.extend_from_slice(&buf[..n]);
                Ok(n)
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let policy = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "s3:GetObject", "iam:PassRole"], "Resource": "*"}]}"#;
        let files = (0..400)
            .map(|i| {
                let path = format!("p{i:03}.json");
                crate::check::check_bytes(
                    &path,
                    Path::new(&path),
                    policy.as_bytes().to_vec(),
                    crate::source::FileFormat::Json,
                    crate::source::Origin::Explicit,
                    &crate::check::Options::default(),
                )
            })
            .collect();
        let report = Report::of_files(files);
        for format in [Format::Json, Format::Concise, Format::Sarif] {
            let mut whole = Vec::new();
            write(&report, format, &Style::plain(), &mut whole).unwrap();
            let mut trickle = Trickle(Vec::new());
            write(&report, format, &Style::plain(), &mut trickle).unwrap();
            assert!(
                whole.len() > QUEUED,
                "{format:?}: more than is queued at once"
            );
            assert!(trickle.0 == whole, "{format:?}");
        }
    }
}
