//! Templates that a CloudFormation or SAM template nests by a local path: a nested stack's
//! `TemplateURL: ./network.yaml` or a SAM application's `Location: ./app/template.yaml`, as
//! written before `aws cloudformation package` or `sam build` uploads them. As for the files a
//! Terraform module reads ([`super::modules`]), such a template is checked once, whether the
//! walk found it or not: one the inputs lack is added, and so are the templates it nests.
//! A path that names no file is the parent's finding (J012), given when the parent is checked.
//!
//! Only YAML templates and JSON files named on the command line are read a first time here,
//! and only those that name a nested stack or application are parsed: a walk's JSON files are
//! mostly policies, and nested CDK stacks are uploaded assets, never local paths.

use super::{extract, format_of, read, FileFormat, Input, Origin};
use rayon::prelude::*;
use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};

/// Adds to `inputs` the local templates their templates nest and the inputs lack.
pub fn add_nested_templates(inputs: &mut Vec<Input>) {
    // The inputs' own templates on every core, as the modules' pre-read: this read comes
    // before the run, a walk may list thousands of YAML files, and few nest any. (Collected
    // in input order, whatever the order the threads finish in.)
    let mut pending: Vec<Vec<PathBuf>> = inputs
        .par_iter()
        .filter(|input| may_nest(input))
        .map(local_templates)
        .filter(|nested| !nested.is_empty())
        .collect();
    if pending.is_empty() {
        return;
    }
    let mut known: Option<HashSet<PathBuf>> = None;
    let mut next = 0;
    while next < pending.len() {
        let nested = std::mem::take(&mut pending[next]);
        next += 1;
        for path in nested {
            let Ok(real) = std::fs::canonicalize(&path) else {
                continue; // Not there: J012 on the parent.
            };
            if !real.is_file() {
                continue;
            }
            // By the file's real path: `./child.yaml` and `child.yaml` are one file.
            let known = known.get_or_insert_with(|| {
                inputs
                    .iter()
                    .filter(|input| input.origin != Origin::Stdin)
                    .filter_map(|input| std::fs::canonicalize(&input.path).ok())
                    .collect()
            });
            // Shown as `app/shared/x.yaml`, not `app/stacks/../shared/./x.yaml`, where
            // the two are one file (a symbolic link may make them two).
            let tidy = tidy(&path);
            let path = match std::fs::canonicalize(&tidy) {
                Ok(same) if same == real => tidy,
                _ => path,
            };
            if known.insert(real) {
                inputs.push(Input {
                    path,
                    origin: Origin::Walk,
                    consumer: None,
                });
                let added = inputs.len() - 1;
                // Templates it nests in turn, read one at a time: there are few.
                let nested = if may_nest(&inputs[added]) {
                    local_templates(&inputs[added])
                } else {
                    Vec::new()
                };
                pending.push(nested);
            }
        }
    }
}

/// The path without its `.` steps and with each `..` taking back the step before it.
pub fn tidy(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for step in path.components() {
        match step {
            Component::CurDir => {}
            Component::ParentDir
                if matches!(out.components().next_back(), Some(Component::Normal(_))) =>
            {
                out.pop();
            }
            step => out.push(step),
        }
    }
    out
}

/// Whether an input is read here: a YAML template, or a JSON file named on the command line.
fn may_nest(input: &Input) -> bool {
    match input.origin {
        Origin::Stdin => false,
        Origin::Explicit => matches!(format_of(&input.path), FileFormat::Yaml | FileFormat::Json),
        Origin::Walk => format_of(&input.path) == FileFormat::Yaml,
    }
}

/// The paths of the local templates the template `input` nests, relative to the current
/// folder; none when it cannot be read (reported when it is checked).
fn local_templates(input: &Input) -> Vec<PathBuf> {
    let path = &input.path;
    let Ok(Ok(bytes)) = read::read_input_file(path, input.origin) else {
        return Vec::new();
    };
    let names_one = |word: &[u8]| memchr::memmem::find(&bytes, word).is_some();
    if !names_one(b"AWS::CloudFormation::Stack") && !names_one(b"AWS::Serverless::Application") {
        return Vec::new();
    }
    let text = read::decode(bytes);
    let mut unquoted = std::borrow::Cow::Borrowed("");
    let extracted =
        extract::by_format(&text.text, text.body_offset, format_of(path), &mut unquoted);
    let folder = path.parent().map(PathBuf::from).unwrap_or_default();
    extracted
        .local_templates
        .iter()
        .map(|nested| folder.join(&nested.path))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tidy_drops_dot_steps_and_takes_back_a_step_for_each_dot_dot() {
        for (raw, tidied) in [
            ("app/./stacks/keys.yaml", "app/stacks/keys.yaml"),
            ("app/../shared/app.yaml", "shared/app.yaml"),
            ("../up/x.yaml", "../up/x.yaml"),
            ("a/b/../../../x.yaml", "../x.yaml"),
            ("/abs/./x/../y.yaml", "/abs/y.yaml"),
        ] {
            assert_eq!(tidy(Path::new(raw)), PathBuf::from(tidied), "{raw}");
        }
    }
}
