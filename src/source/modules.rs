//! Files a Terraform module reads as policies: `policy = file("${path.module}/key.json")` or
//! `templatefile("key.json.tpl", {…})`. Such a file is checked once, as its own document,
//! with the kind of the attribute that reads it (a key policy, a trust policy…): a walk that
//! finds it gets the consumer on its input, and a file the walk did not list (a `.tf` named
//! alone, a template outside the walk's extensions) is added to the inputs.
//!
//! Only `.tf` files that mention `file(` are read here a first time; the others are read once.

use super::extract::Consumer;
use super::{format_of, read, FileFormat, Input, Origin};
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

/// Gives each input a module reads as a policy its consumer, adding those not listed yet.
pub fn file_consumers(inputs: &mut Vec<Input>) {
    // On every core: this read comes before the run, and a walk may list thousands of
    // modules. (Collected in input order, whatever the order the threads finish in.)
    let uses: Vec<(PathBuf, Consumer)> = inputs.par_iter().flat_map_iter(files_read_by).collect();
    if uses.is_empty() {
        return;
    }
    // By the file's real path: `./key.json` and `key.json` are one file.
    let mut by_file: HashMap<PathBuf, (PathBuf, Arc<Consumer>)> = HashMap::new();
    for (path, consumer) in uses {
        let Ok(real) = std::fs::canonicalize(&path) else {
            continue; // A file that is not there is Terraform's error, not a policy's.
        };
        match by_file.get_mut(&real) {
            // Read by attributes of different kinds: detection decides.
            Some((_, first)) if first.kind != consumer.kind => {
                *first = Arc::new(Consumer {
                    kind: None,
                    ..consumer
                });
            }
            Some(_) => {}
            None => {
                by_file.insert(real, (path, Arc::new(consumer)));
            }
        }
    }
    for input in inputs.iter_mut() {
        if let Ok(real) = std::fs::canonicalize(&input.path) {
            if let Some((_, consumer)) = by_file.remove(&real) {
                input.consumer = Some(consumer);
            }
        }
    }
    let mut added: Vec<(PathBuf, Arc<Consumer>)> = by_file.into_values().collect();
    added.sort_by(|a, b| a.0.cmp(&b.0));
    for (path, consumer) in added {
        inputs.push(Input {
            path,
            origin: Origin::Walk,
            consumer: Some(consumer),
        });
    }
}

/// The files a Terraform input reads as policies, with their consumers.
fn files_read_by(input: &Input) -> Vec<(PathBuf, Consumer)> {
    if input.origin == Origin::Stdin || format_of(&input.path) != FileFormat::Terraform {
        return Vec::new();
    }
    let Ok(Ok(bytes)) = read::read_input_file(&input.path, input.origin) else {
        return Vec::new(); // Reported when the file is checked.
    };
    if memchr::memmem::find(&bytes, b"file(").is_none() {
        return Vec::new();
    }
    let Ok(text) = String::from_utf8(bytes) else {
        return Vec::new();
    };
    let dir = input.path.parent().map(PathBuf::from).unwrap_or_default();
    super::terraform::read(&text)
        .files
        .into_iter()
        .map(|used| (dir.join(&used.path), used.consumer))
        .collect()
}
