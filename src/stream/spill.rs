//! Rendered parts that wait for their turn are held in memory up to a limit; past it they
//! move to the spool, so a run whose first file waits long does not hold the whole report.

use crate::sink::Sink;
use crate::spool::Spool;
use std::io;

/// Bytes of rendered parts kept in memory while they wait; past this they go to the spool.
pub(super) const WAITING_IN_MEMORY: usize = 32 << 20;

/// A part waiting for its turn, and the bytes it holds in memory.
pub(super) struct Held<P> {
    part: io::Result<P>,
    weight: usize,
}

/// What the waiting parts hold in memory.
pub(super) struct Holding {
    bytes: usize,
    limit: usize,
}

impl Holding {
    pub(super) fn new(limit: usize) -> Self {
        Holding { bytes: 0, limit }
    }

    /// A part to keep until its turn, moved to `spool` if too much waits already.
    pub(super) fn hold<S: Sink>(
        &mut self,
        part: io::Result<S::Part>,
        spool: &mut Spool,
    ) -> Held<S::Part> {
        let part = match part {
            Ok(part) if self.bytes > self.limit => S::spill(part, spool),
            part => part,
        };
        let weight = part.as_ref().map_or(0, S::weight);
        self.bytes += weight;
        Held { part, weight }
    }

    /// The part, now that its turn has come.
    pub(super) fn release<P>(&mut self, held: Held<P>) -> io::Result<P> {
        self.bytes -= held.weight;
        held.part
    }

    #[cfg(test)]
    fn bytes(&self) -> usize {
        self.bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sink::Checked;

    /// Parts are text; spilling moves it to the spool and leaves its length.
    struct Texts;

    enum Text {
        Here(Vec<u8>),
        Away(crate::spool::Spilled),
    }

    impl Sink for Texts {
        type Part = Text;
        type Renderer = ();
        fn renderer(&self) {}
        fn render(_: &(), _: &mut Vec<Checked>) -> io::Result<Text> {
            Ok(Text::Here(Vec::new()))
        }
        fn accept(&mut self, _: Text, _: &mut Spool) -> io::Result<()> {
            Ok(())
        }
        fn weight(part: &Text) -> usize {
            match part {
                Text::Here(bytes) => bytes.len(),
                Text::Away(_) => 0,
            }
        }
        fn spill(part: Text, spool: &mut Spool) -> io::Result<Text> {
            match part {
                Text::Here(bytes) => Ok(Text::Away(spool.put(&bytes)?)),
                away => Ok(away),
            }
        }
    }

    #[test]
    fn parts_past_the_limit_go_to_the_spool_and_come_back() {
        let mut spool = Spool::default();
        let mut holding = Holding::new(10);
        let first = holding.hold::<Texts>(Ok(Text::Here(vec![b'a'; 8])), &mut spool);
        let second = holding.hold::<Texts>(Ok(Text::Here(vec![b'b'; 8])), &mut spool);
        assert_eq!(holding.bytes(), 16, "under the limit when each came: kept");
        let third = holding.hold::<Texts>(Ok(Text::Here(vec![b'c'; 8])), &mut spool);
        assert_eq!(holding.bytes(), 16, "over it: spilled");
        let failed = holding.hold::<Texts>(Err(io::Error::other("x")), &mut spool);
        assert!(holding.release(failed).is_err());
        assert!(matches!(holding.release(first), Ok(Text::Here(_))));
        assert!(matches!(holding.release(second), Ok(Text::Here(_))));
        assert_eq!(holding.bytes(), 0);
        match holding.release(third) {
            Ok(Text::Away(spilled)) => assert_eq!(spool.take(spilled).unwrap(), vec![b'c'; 8]),
            _ => panic!("the third part was not spilled"),
        }
    }
}
