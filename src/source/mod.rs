//! Where policy documents come from: which files ([`discover`]), how their bytes become
//! text ([`read`]), and which documents each text holds ([`extract`]).

pub mod cloudformation;
pub mod discover;
pub mod duplicates;
pub mod embedded;
pub mod extract;
pub mod intrinsics;
pub mod modules;
pub mod nested;
pub mod read;
pub mod serverless;
pub mod slots;
pub mod template;
pub mod template_json;
pub mod terraform;
pub mod tfplan;
pub mod yaml;

use std::path::{Path, PathBuf};

/// How a file came to be checked: this decides how loud we are about files that turn
/// out not to be policies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// Named on the command line: always checked, and a non-policy gets a note.
    Explicit,
    /// Found by walking a directory: a non-policy is skipped quietly.
    Walk,
    /// Read from standard input (`-`).
    Stdin,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileFormat {
    /// A JSON policy, or a JSON CloudFormation template (CDK output).
    Json,
    Markdown,
    /// Terraform HCL (`.tf`).
    Terraform,
    /// A Terraform template of JSON (`*.json.tpl`, `*.tpl`), as `templatefile` reads it.
    TerraformTemplate,
    /// YAML (CloudFormation, SAM, Serverless) or a `.template` file of either syntax.
    Yaml,
}

/// Where the paths come from and which to keep.
pub struct Selection<'a> {
    pub paths: &'a [PathBuf],
    pub include: &'a [String],
    pub exclude: &'a [String],
}

#[derive(Clone, Debug)]
pub struct Input {
    pub path: PathBuf,
    pub origin: Origin,
    /// The Terraform attribute that reads this file as a policy (`file("key.json")`), which
    /// decides its kind; found by [`modules::file_consumers`].
    pub consumer: Option<std::sync::Arc<extract::Consumer>>,
}

impl Input {
    /// The path as the user will see it in findings. (Not kept as a second string: a run
    /// holds an `Input` for every file it will check.)
    pub fn display(&self) -> std::borrow::Cow<'_, str> {
        // The same text as `to_string_lossy`, whose chunked check is several times slower
        // than `to_str` on the valid UTF-8 that almost every path is.
        match self.path.to_str() {
            Some(text) => std::borrow::Cow::Borrowed(text),
            None => self.path.to_string_lossy(),
        }
    }
}

pub fn format_of(path: &Path) -> FileFormat {
    let Some(extension) = extension_of(path) else {
        return FileFormat::Json;
    };
    let is = |name: &str| extension.eq_ignore_ascii_case(name.as_bytes());
    if is("md") || is("markdown") || is("mdx") {
        FileFormat::Markdown
    } else if is("tf") {
        FileFormat::Terraform
    } else if is("tpl") || is("tftpl") {
        FileFormat::TerraformTemplate
    } else if is("yaml") || is("yml") || is("template") {
        FileFormat::Yaml
    } else {
        FileFormat::Json
    }
}

/// The bytes of a path's extension, as [`Path::extension`] finds it: a run asks several
/// times per file, and that parses the path into components from the back. A path whose
/// last part is a plain name (every file a walk finds) is read off its bytes instead.
fn extension_of(path: &Path) -> Option<&[u8]> {
    let bytes = path.as_os_str().as_encoded_bytes();
    let name_start = bytes
        .iter()
        .rposition(|&b| std::path::is_separator(char::from(b)))
        .map_or(0, |at| at + 1);
    let name = &bytes[name_start..];
    if matches!(name, b"" | b"." | b"..") {
        return path.extension().map(|e| e.as_encoded_bytes());
    }
    // A name that only starts with a dot (`.json`) has none.
    let dot = name.iter().rposition(|&b| b == b'.')?;
    (dot > 0).then(|| &name[dot + 1..])
}

/// Standard input has no name: a text that starts like JSON is JSON, one that starts with a
/// template's first key (`AWSTemplateFormatVersion:`, `Resources:`, `service:`) is
/// YAML, anything else is Markdown.
pub fn sniff_format(text: &str) -> FileFormat {
    let body = text.trim_start_matches('\u{feff}').trim_start();
    let yaml_starts = [
        "AWSTemplateFormatVersion:",
        "Transform:",
        "Description:",
        "Parameters:",
        "Resources:",
        "service:",
    ];
    match body.chars().next() {
        Some('{' | '[' | '"') | None => FileFormat::Json,
        _ if yaml_starts.iter().any(|s| body.starts_with(s)) => FileFormat::Yaml,
        _ => FileFormat::Markdown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions_are_those_path_finds() {
        let paths = [
            "p.json",
            "dir/p.MD",
            "a/b.c/d",
            "a/.json",
            ".md",
            "a.",
            "a..yaml",
            "a/b.tf/",
            "a/b.tf/.",
            "a/b.tf/..",
            "a/./",
            "/",
            "",
            ".",
            "..",
            "x.y.Template",
            "d//e.tftpl",
            "a/b/c.yml///",
            "é/ü😀.md",
            "c:x.tpl",
        ];
        for text in paths {
            let path = Path::new(text);
            assert_eq!(
                extension_of(path),
                path.extension().map(|e| e.as_encoded_bytes()),
                "{text:?}"
            );
        }
        assert_eq!(format_of(Path::new("a/B.YML")), FileFormat::Yaml);
        assert_eq!(format_of(Path::new("a/b.mdx")), FileFormat::Markdown);
        assert_eq!(
            format_of(Path::new("a/b.tftpl")),
            FileFormat::TerraformTemplate
        );
        assert_eq!(format_of(Path::new("main.tf")), FileFormat::Terraform);
        assert_eq!(format_of(Path::new("a.md/p.json")), FileFormat::Json);
        assert_eq!(format_of(Path::new("a/.md")), FileFormat::Json);
    }

    #[test]
    fn display_is_the_lossy_text_of_the_path() {
        let mut paths = vec![
            PathBuf::from("dir/p.json"),
            PathBuf::from("é/ü😀.md"),
            PathBuf::new(),
        ];
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            paths.push(PathBuf::from(std::ffi::OsStr::from_bytes(
                b"bad\xff/p\xc3.json",
            )));
        }
        for path in paths {
            let input = Input {
                path: path.clone(),
                origin: Origin::Walk,
                consumer: None,
            };
            assert_eq!(input.display(), path.to_string_lossy(), "{path:?}");
        }
    }
}
