//! Files that cannot go out as soon as they are checked: the files of a group (inputs shown
//! with one path) wait for each other, and a file granting use of a KMS key waits for the
//! rest of its directory, where the key policy may be (X001, see [`crate::rules::relate`]),
//! unless what it will find is decided already.

use super::plan::Plan;
use crate::outcome::FileReport;
use crate::rules::relate::{self, FileFacts, KeyCounts, KeyPolicy};
// Keyed by positions and directory numbers: a hash of a word, not SipHash's.
use rustc_hash::FxHashMap as HashMap;

/// A checked file that waits, with the facts its documents leave for relating them to other
/// files' (dropped once it has been related).
pub(super) struct Pending {
    pub file: FileReport,
    pub facts: FileFacts,
}

/// How a checked file arrives.
pub(super) enum Arrival {
    /// Rendered already: nothing waits for it but its directory's count.
    Gone,
    /// Waits for its group or its directory.
    Waiting(Pending),
    /// Could not be read.
    Failed,
}

/// A file that waits, and whether it still waits for its directory.
struct Parked {
    file: Option<Pending>,
    unrelated: bool,
}

pub(super) struct Barrier {
    /// Per group (at its first position): how many of its files have not come back yet.
    group_left: Vec<usize>,
    parked: HashMap<usize, Parked>,
    /// Per directory: how many files have not come back yet, the key policies of those that
    /// have, how many per home account, and which positions wait for the rest.
    directory_left: Vec<usize>,
    directory_keys: HashMap<usize, Vec<KeyPolicy>>,
    directory_counts: HashMap<usize, KeyCounts>,
    directory_waiting: HashMap<usize, Vec<usize>>,
    /// Positions whose group may be complete now.
    release: Vec<usize>,
}

/// Files of one group, by input number, ready to filter and render.
pub(super) type Group = Vec<(usize, FileReport)>;

impl Barrier {
    pub(super) fn new(plan: &Plan) -> Self {
        let n = plan.len();
        Barrier {
            group_left: (0..n).map(|p| plan.group_end[p] - p).collect(),
            parked: HashMap::default(),
            directory_left: plan.directory_size.clone(),
            directory_keys: HashMap::default(),
            directory_counts: HashMap::default(),
            directory_waiting: HashMap::default(),
            release: Vec::new(),
        }
    }

    /// Takes in the file at `position` with the key policies others of its directory can
    /// relate to. `relate` adds to a waiting file (input number) what the key policies of
    /// its whole directory show, once they have all come.
    pub(super) fn arrive(
        &mut self,
        plan: &Plan,
        position: usize,
        keys: Vec<KeyPolicy>,
        arrival: Arrival,
        relate: &mut dyn FnMut(usize, &mut Pending, &[KeyPolicy]),
    ) {
        self.group_left[plan.group_start(position)] -= 1;
        let directory = plan.directory[position];
        let arrived = !keys.is_empty();
        let counts = self.directory_counts.entry(directory).or_default();
        counts.add(&keys);
        self.directory_keys
            .entry(directory)
            .or_default()
            .extend(keys);
        match arrival {
            Arrival::Gone => {}
            Arrival::Failed => {
                self.parked.insert(
                    position,
                    Parked {
                        file: None,
                        unrelated: false,
                    },
                );
                self.release.push(position);
            }
            Arrival::Waiting(file) => {
                let unrelated = relate::needs_directory(&file.facts)
                    && plan.shares_directory(position)
                    && !relate::settled(&file.facts, counts);
                if unrelated {
                    self.directory_waiting
                        .entry(directory)
                        .or_default()
                        .push(position);
                }
                self.parked.insert(
                    position,
                    Parked {
                        file: Some(file),
                        unrelated,
                    },
                );
                self.release.push(position);
            }
        }
        // Grants may now pair with two key policies or more: decided early.
        if let Some(waiting) = self
            .directory_waiting
            .get_mut(&directory)
            .filter(|_| arrived)
        {
            let parked = &mut self.parked;
            let release = &mut self.release;
            waiting.retain(|&p| {
                let Some(w) = parked.get_mut(&p) else {
                    return false;
                };
                let decided = w
                    .file
                    .as_ref()
                    .is_none_or(|f| relate::settled(&f.facts, counts));
                if decided {
                    w.unrelated = false;
                    release.push(p);
                }
                !decided
            });
        }
        self.directory_left[directory] -= 1;
        if self.directory_left[directory] == 0 {
            self.directory_counts.remove(&directory);
            let keys = self.directory_keys.remove(&directory).unwrap_or_default();
            for waiting in self
                .directory_waiting
                .remove(&directory)
                .unwrap_or_default()
            {
                if let Some(w) = self.parked.get_mut(&waiting) {
                    if let Some(file) = w.file.as_mut() {
                        relate(plan.order[waiting], file, &keys);
                    }
                    w.unrelated = false;
                    self.release.push(waiting);
                }
            }
        }
    }

    /// The groups whose every file has come and been related, by first position, with
    /// their files (none when none could be read).
    pub(super) fn released(&mut self, plan: &Plan) -> Vec<(usize, Group)> {
        let mut release = std::mem::take(&mut self.release);
        release.sort_unstable();
        release.dedup();
        let mut groups = Vec::new();
        for position in release {
            let start = plan.group_start(position);
            let end = plan.group_end[position];
            let waiting = self.group_left[start] > 0
                || (start..end).any(|p| self.parked.get(&p).is_none_or(|w| w.unrelated));
            if waiting {
                continue;
            }
            let group = (start..end)
                .filter_map(|p| Some((plan.order[p], self.parked.remove(&p)?.file?.file)))
                .collect();
            groups.push((start, group));
        }
        groups
    }
}

#[cfg(test)]
mod tests {
    use super::super::plan::tests::inputs;
    use super::*;
    use crate::policy::PolicyKind;
    use crate::rules::relate::{Anchor, DocFacts, KeyFacts, KeyGrant};

    const ACCOUNT: &str = "111122223333";

    fn file(path: &str, grants: bool, keys: usize) -> Pending {
        let grant = KeyGrant {
            key_arn: format!("arn:aws:kms:us-east-1:{ACCOUNT}:key/k"),
            account: ACCOUNT.into(),
            account_key: ACCOUNT.into(),
            action: "kms:Decrypt".into(),
            anchor: Anchor::default(),
        };
        let key = KeyFacts {
            home: Some((ACCOUNT.into(), "test")),
            home_key: Some(ACCOUNT.into()),
            delegates_to: Vec::new(),
            principals: Vec::new(),
            anchor: Anchor::default(),
            resource: None,
            delegates_here: false,
            names_unknown: false,
            readers: Vec::new(),
        };
        let mut documents = vec![DocFacts {
            document: 0,
            kind: PolicyKind::Identity,
            key: None,
            grants: if grants { vec![grant] } else { Vec::new() },
            placeholders: Vec::new(),
            template_grants: Vec::new(),
        }];
        documents.extend((0..keys).map(|_| DocFacts {
            document: 1,
            kind: PolicyKind::KmsKey,
            key: Some(key.clone()),
            grants: Vec::new(),
            placeholders: Vec::new(),
            template_grants: Vec::new(),
        }));
        Pending {
            file: FileReport {
                path: path.into(),
                ..FileReport::default()
            },
            facts: FileFacts {
                documents,
                x001_enabled: true,
                x001_ignored_lines: Vec::new(),
            },
        }
    }

    fn keys(pending: &Pending, input: usize) -> Vec<KeyPolicy> {
        relate::key_policies(&pending.facts, &pending.file.path, input)
    }

    #[test]
    fn a_grant_waits_for_its_directory_then_is_related() {
        let inputs = inputs(&["d/a.json", "d/b.json", "d/c.json", "e.json"]);
        let plan = Plan::new(&inputs, (0..4).collect());
        let mut barrier = Barrier::new(&plan);
        let mut related = Vec::new();
        let mut relate =
            |input: usize, _: &mut Pending, keys: &[KeyPolicy]| related.push((input, keys.len()));
        let grant = file("d/a.json", true, 0);
        barrier.arrive(&plan, 0, Vec::new(), Arrival::Waiting(grant), &mut relate);
        assert!(barrier.released(&plan).is_empty(), "waits for d/b and d/c");
        let key = file("d/b.json", false, 1);
        barrier.arrive(&plan, 1, keys(&key, 1), Arrival::Gone, &mut relate);
        assert!(
            barrier.released(&plan).is_empty(),
            "one key so far: d/c may add one"
        );
        barrier.arrive(&plan, 3, Vec::new(), Arrival::Failed, &mut relate);
        let released = barrier.released(&plan);
        assert_eq!(released.len(), 1);
        assert_eq!((released[0].0, released[0].1.len()), (3, 0), "e.json");
        barrier.arrive(&plan, 2, Vec::new(), Arrival::Gone, &mut relate);
        let released = barrier.released(&plan);
        assert_eq!(released.len(), 1);
        assert_eq!(released[0].0, 0);
        assert_eq!(released[0].1[0].0, 0);
        assert_eq!(related, [(0, 1)]);
    }

    #[test]
    fn a_grant_whose_pairing_is_decided_does_not_wait() {
        let inputs = inputs(&["d/a.json", "d/b.json", "d/c.json", "d/z.json"]);
        let plan = Plan::new(&inputs, (0..4).collect());
        let mut barrier = Barrier::new(&plan);
        let mut relate = |_: usize, _: &mut Pending, _: &[KeyPolicy]| {};
        // Its own key policy qualifies: the grant pairs with it, whatever comes.
        let own = file("d/a.json", true, 1);
        let own_keys = keys(&own, 0);
        barrier.arrive(&plan, 0, own_keys, Arrival::Waiting(own), &mut relate);
        assert_eq!(barrier.released(&plan).len(), 1);
        // Two other key policies qualify: no pairing, whatever comes.
        let grant = file("d/b.json", true, 0);
        barrier.arrive(&plan, 1, Vec::new(), Arrival::Waiting(grant), &mut relate);
        assert!(barrier.released(&plan).is_empty());
        let two = file("d/c.json", false, 2);
        barrier.arrive(&plan, 2, keys(&two, 2), Arrival::Gone, &mut relate);
        let released = barrier.released(&plan);
        assert_eq!(released.iter().map(|g| g.0).collect::<Vec<_>>(), [1]);
    }

    #[test]
    fn a_group_waits_for_all_its_files() {
        let inputs = inputs(&["a.json", "a.json"]);
        let plan = Plan::new(&inputs, (0..2).collect());
        let mut barrier = Barrier::new(&plan);
        let mut relate = |_: usize, _: &mut Pending, _: &[KeyPolicy]| {};
        let first = file("a.json", false, 0);
        barrier.arrive(&plan, 1, Vec::new(), Arrival::Waiting(first), &mut relate);
        assert!(barrier.released(&plan).is_empty());
        let second = file("a.json", false, 0);
        barrier.arrive(&plan, 0, Vec::new(), Arrival::Waiting(second), &mut relate);
        let released = barrier.released(&plan);
        assert_eq!(released.len(), 1);
        assert_eq!(
            released[0].1.iter().map(|(i, _)| *i).collect::<Vec<_>>(),
            [0, 1]
        );
    }
}
