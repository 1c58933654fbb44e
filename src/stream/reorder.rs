//! Parts come back from the workers in any order and go out in the report's: each group's
//! part is put at the group's first position, and handed on once every group before it has
//! been.

use std::collections::HashMap;

pub(super) struct Reorder<P> {
    /// The position whose part goes out next.
    next: usize,
    /// Where the run ends.
    end: usize,
    /// Parts that came early: by group start, with the group's end; `None` for a group with
    /// nothing to write (its files could not be read).
    early: HashMap<usize, (usize, Option<P>)>,
}

impl<P> Reorder<P> {
    pub(super) fn new(end: usize) -> Self {
        Reorder {
            next: 0,
            end,
            early: HashMap::new(),
        }
    }

    /// The part of the group of positions `[start, end)`.
    pub(super) fn put(&mut self, start: usize, end: usize, part: Option<P>) {
        self.early.insert(start, (end, part));
    }

    /// The next part in the report's order, if it has come.
    pub(super) fn pop(&mut self) -> Option<P> {
        while self.next < self.end {
            let (end, part) = self.early.remove(&self.next)?;
            self.next = end;
            if part.is_some() {
                return part;
            }
        }
        None
    }

    /// Whether every group's part has gone out.
    pub(super) fn done(&self) -> bool {
        self.next >= self.end
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_go_out_in_order_whatever_order_they_come_in() {
        // Groups [0,1), [1,3), [3,4), [4,5).
        let mut order = Reorder::new(5);
        order.put(3, 4, Some("d"));
        assert_eq!(order.pop(), None, "the first group has not come");
        order.put(1, 3, Some("bc"));
        order.put(0, 1, None);
        assert_eq!(order.pop(), Some("bc"), "an empty group is skipped");
        assert_eq!(order.pop(), Some("d"));
        assert_eq!(order.pop(), None);
        assert!(!order.done());
        order.put(4, 5, Some("e"));
        assert_eq!(order.pop(), Some("e"));
        assert!(order.done());
        assert_eq!(order.pop(), None);
    }
}
