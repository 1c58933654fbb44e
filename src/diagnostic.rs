//! The one finding type every stage shares: rules produce [`Diagnostic`]s against a
//! document; the pipeline places them in the host file as [`Finding`]s; emitters print them.

use crate::json::Span;
use crate::policy::PolicyKind;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(word: &str) -> Option<Self> {
        match word {
            "info" => Some(Severity::Info),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a rule says about one place in one document (spans relative to the document).
#[derive(Clone, Debug)]
pub struct Diagnostic {
    pub code: &'static str,
    pub span: Span,
    pub message: String,
    pub help: Option<String>,
    /// Other places that explain this one (the first of two duplicate keys, say).
    pub labels: Vec<(Span, String)>,
    /// JSON pointer of the policy element, for baselines that survive edits elsewhere.
    pub pointer: String,
    /// For rules whose severity depends on what they found; the config still overrides it.
    pub severity: Option<Severity>,
}

impl Diagnostic {
    pub fn new(code: &'static str, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            span,
            message: message.into(),
            help: None,
            labels: Vec::new(),
            pointer: String::new(),
            severity: None,
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn label(mut self, span: Span, message: impl Into<String>) -> Self {
        self.labels.push((span, message.into()));
        self
    }

    pub fn at(mut self, pointer: impl Into<String>) -> Self {
        self.pointer = pointer.into();
        self
    }

    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = Some(severity);
        self
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Label {
    pub message: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    #[serde(skip)]
    pub span: Span,
}

/// A diagnostic placed in its host file: 1-based lines and character columns, with the end
/// just past the last character of the offending token.
#[derive(Clone, Debug, Serialize)]
pub struct Finding {
    pub rule: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub message: String,
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub help: String,
    /// Which document of the file (0-based; Markdown files can hold several).
    pub document: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<PolicyKind>,
    pub pointer: String,
    /// The offending text itself.
    pub snippet: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub labels: Vec<Label>,
    /// Byte range in the host file.
    #[serde(skip)]
    pub span: Span,
}

impl Finding {
    /// The order of every report: by path, then place, then rule.
    pub fn sort_key(&self) -> (&str, usize, usize, &str, &str) {
        (&self.path, self.line, self.column, self.rule, &self.message)
    }
}
