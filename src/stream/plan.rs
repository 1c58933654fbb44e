//! The order of a run, fixed before any file is read: the inputs sorted by the path they are
//! shown with (stably, so inputs shown with one path keep their input order and form one
//! group), and each position's directory, where X001 relates files.

use crate::source::Input;
use std::collections::HashMap;
use std::path::Path;

pub(super) struct Plan<'a> {
    pub inputs: &'a [Input],
    /// Input indices in the report's order.
    pub order: Vec<usize>,
    /// Per position: where its group (the positions sharing its path) starts and ends.
    group_start: Vec<usize>,
    pub group_end: Vec<usize>,
    /// Per position: its directory, numbered; per directory: how many positions.
    pub directory: Vec<usize>,
    pub directory_size: Vec<usize>,
}

/// [`crate::rules::relate::directory_of`] without the copy (a test holds the two equal).
fn directory_name(shown: &str) -> &str {
    Path::new(shown)
        .parent()
        .and_then(Path::to_str)
        .unwrap_or_default()
}

impl<'a> Plan<'a> {
    /// The plan for the inputs numbered in `order` (any subset of `inputs`).
    pub(super) fn new(inputs: &'a [Input], mut order: Vec<usize>) -> Self {
        // Stable: inputs shown with one path keep their input order.
        order.sort_by_cached_key(|&i| inputs[i].display());
        let n = order.len();
        let mut group_end = vec![n; n];
        for p in (0..n.saturating_sub(1)).rev() {
            // By the shown path: `Path` equality would call `a//b` and `a/b` the same.
            group_end[p] = if inputs[order[p]].display() == inputs[order[p + 1]].display() {
                group_end[p + 1]
            } else {
                p + 1
            };
        }
        let mut group_start = vec![0; n];
        for p in 1..n {
            group_start[p] = if group_end[p - 1] == group_end[p] {
                group_start[p - 1]
            } else {
                p
            };
        }
        // Directories numbered in order of first appearance. In path order a directory's
        // files mostly follow each other: the previous one's number is reused without
        // copying or hashing the name.
        let mut ids: HashMap<String, usize> = HashMap::new();
        let mut directory_size = Vec::new();
        let mut previous: Option<(String, usize)> = None;
        let directory = order
            .iter()
            .map(|&i| {
                let shown = inputs[i].display();
                let name = directory_name(&shown);
                let id = match &previous {
                    Some((last, id)) if last == name => *id,
                    _ => {
                        let id = match ids.get(name) {
                            Some(&id) => id,
                            None => {
                                let id = ids.len();
                                ids.insert(name.to_string(), id);
                                id
                            }
                        };
                        previous = Some((name.to_string(), id));
                        id
                    }
                };
                if id == directory_size.len() {
                    directory_size.push(0);
                }
                directory_size[id] += 1;
                id
            })
            .collect();
        Plan {
            inputs,
            order,
            group_start,
            group_end,
            directory,
            directory_size,
        }
    }

    pub(super) fn len(&self) -> usize {
        self.order.len()
    }

    pub(super) fn group_start(&self, position: usize) -> usize {
        self.group_start[position]
    }

    /// Whether the file at `position` is the only one shown with its path.
    pub(super) fn alone(&self, position: usize) -> bool {
        self.group_end[position] == position + 1 && self.group_start[position] == position
    }

    /// Whether other files share the directory of `position`.
    pub(super) fn shares_directory(&self, position: usize) -> bool {
        self.directory_size[self.directory[position]] > 1
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::rules::relate;
    use crate::source::Origin;
    use std::path::PathBuf;

    pub(crate) fn inputs(paths: &[&str]) -> Vec<Input> {
        paths
            .iter()
            .map(|p| Input {
                path: PathBuf::from(p),
                origin: Origin::Walk,
                consumer: None,
            })
            .collect()
    }

    #[test]
    fn order_groups_and_directories() {
        let inputs = inputs(&["b/x.json", "a.json", "b/x.json", "c/y.json", "b/w.json"]);
        let plan = Plan::new(&inputs, (0..5).collect());
        // By shown path, stably: the two `b/x.json` keep their input order.
        assert_eq!(plan.order, [1, 4, 0, 2, 3]);
        assert_eq!(plan.group_end, [1, 2, 4, 4, 5]);
        assert_eq!(
            (0..5).map(|p| plan.group_start(p)).collect::<Vec<_>>(),
            [0, 1, 2, 2, 4]
        );
        assert!(plan.alone(0) && !plan.alone(2) && !plan.alone(3));
        assert_eq!(plan.directory, [0, 1, 1, 1, 2]);
        assert_eq!(plan.directory_size, [1, 3, 1]);
        assert!(!plan.shares_directory(0) && plan.shares_directory(1));
        // A subset keeps the input numbers.
        let some = Plan::new(&inputs, vec![3, 0]);
        assert_eq!(some.order, [0, 3]);
    }

    #[test]
    fn directory_name_is_directory_of() {
        for shown in [
            "a/b/c.json",
            "a//b.json",
            "/abs/x.json",
            "x.json",
            "./x.json",
            "a/b/",
            "/",
            "",
            "-",
            "é/ü.md",
            "a/../b.json",
        ] {
            assert_eq!(
                directory_name(shown),
                relate::directory_of(shown),
                "{shown}"
            );
        }
    }
}
