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

use crate::diagnostic::Finding;
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

/// The findings of one group (one path), in the report's order: each file's are sorted, and
/// the files of one path are merged (stably, in input order).
pub fn findings(group: &[Checked]) -> Vec<&Finding> {
    let mut all: Vec<&Finding> = group.iter().flat_map(|c| &c.file.findings).collect();
    if group.len() > 1 {
        all.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    }
    all
}

/// One group as an emitter rendered it: text for the output now, or what the format's end
/// needs (the formats that open with totals keep compact records instead).
pub enum Part {
    Text(Text),
    Json {
        findings: Text,
        documents: Vec<json::Document>,
    },
    Sarif(Vec<sarif::Record>),
    Junit(Vec<junit::Suite>),
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

/// Writes a report in one format as its files stream past.
pub struct Emitter<W: Write> {
    format: Format,
    style: Style,
    out: W,
    /// Whether the format's opening was written.
    begun: bool,
    /// Whether a JSON finding was written (the next one follows a comma).
    wrote_finding: bool,
    documents: Vec<json::Document>,
    sarif: Vec<sarif::Record>,
    suites: Vec<junit::Suite>,
}

impl<W: Write> Emitter<W> {
    pub fn new(format: Format, style: Style, out: W) -> Self {
        Emitter {
            format,
            style,
            out,
            begun: false,
            wrote_finding: false,
            documents: Vec::new(),
            sarif: Vec::new(),
            suites: Vec::new(),
        }
    }

    fn begin(&mut self) -> io::Result<()> {
        if !self.begun {
            self.begun = true;
            if self.format == Format::Json {
                self.out.write_all(json::OPENING)?;
            }
        }
        Ok(())
    }

    /// Writes what only the end knows; returns the writer.
    pub fn finish(mut self, end: &End) -> io::Result<W> {
        self.begin()?;
        let out = &mut self.out;
        match self.format {
            Format::Human => human::finish(out, &self.style, end)?,
            Format::Concise | Format::Github => {}
            Format::Json => {
                self.documents.sort_by_key(|d| d.input);
                json::finish(out, self.wrote_finding, &self.documents, end)?
            }
            Format::Sarif => sarif::finish(out, &self.sarif, end)?,
            Format::Junit => {
                self.suites.sort_by_key(|s| s.input);
                junit::finish(out, &self.suites)?
            }
        }
        Ok(self.out)
    }
}

impl<W: Write> Sink for Emitter<W> {
    type Part = Part;
    type Renderer = (Format, Style);

    fn renderer(&self) -> (Format, Style) {
        (self.format, self.style)
    }

    fn render(&(format, style): &(Format, Style), group: &mut Vec<Checked>) -> io::Result<Part> {
        let found = findings(group);
        Ok(match format {
            Format::Human => {
                let source = group.iter().rev().find_map(|c| c.file.source.as_deref());
                Part::Text(Text::Here(human::render(
                    &found,
                    source.unwrap_or(""),
                    &style,
                )?))
            }
            Format::Concise => Part::Text(Text::Here(concise::render(&found))),
            Format::Github => Part::Text(Text::Here(github::render(&found))),
            Format::Json => Part::Json {
                findings: Text::Here(json::render(&found, false)?),
                documents: group
                    .iter()
                    .flat_map(|c| {
                        c.file
                            .documents
                            .iter()
                            .map(|d| json::Document::new(c.input, d))
                    })
                    .collect(),
            },
            Format::Sarif => Part::Sarif(found.iter().map(|f| sarif::Record::new(f)).collect()),
            Format::Junit => Part::Junit(
                group
                    .iter()
                    .map(|c| junit::Suite::new(c.input, &c.file))
                    .collect(),
            ),
        })
    }

    fn weight(part: &Part) -> usize {
        match part {
            Part::Text(text) | Part::Json { findings: text, .. } => text.weight(),
            Part::Sarif(_) | Part::Junit(_) => 0,
        }
    }

    fn spill(part: Part, spool: &mut Spool) -> io::Result<Part> {
        Ok(match part {
            Part::Text(text) => Part::Text(text.spill(spool)?),
            Part::Json {
                findings,
                documents,
            } => Part::Json {
                findings: findings.spill(spool)?,
                documents,
            },
            part => part,
        })
    }

    fn accept(&mut self, part: Part, spool: &mut Spool) -> io::Result<()> {
        self.begin()?;
        match part {
            Part::Text(text) => self.out.write_all(&text.bytes(spool)?),
            Part::Json {
                findings,
                documents,
            } => {
                self.documents.extend(documents);
                let findings = findings.bytes(spool)?;
                // Rendered as if after another finding: the first drops its comma.
                let text = match findings.split_first() {
                    Some((b',', rest)) if !self.wrote_finding => rest,
                    _ => &findings[..],
                };
                self.wrote_finding |= !findings.is_empty();
                self.out.write_all(text)
            }
            Part::Sarif(records) => {
                self.sarif.extend(records);
                Ok(())
            }
            Part::Junit(suites) => {
                self.suites.extend(suites);
                Ok(())
            }
        }
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

/// The one-line summary: what was found, in how much, and what the config and the
/// baseline accepted (shown only when they accepted something).
pub fn summary_line(summary: &Summary) -> String {
    let files = plural(summary.files, "file", "files");
    let documents = plural(summary.documents, "policy", "policies");
    let mut line = if summary.findings == 0 {
        format!("No problems found in {documents} ({files}).")
    } else {
        format!(
            "Found {} ({}) in {documents} ({files}).",
            plural(summary.findings, "problem", "problems"),
            counts(summary)
        )
    };
    let mut accepted = Vec::new();
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
}
