//! Where checked files go: a [`Sink`] takes them one group (one path) at a time, in the
//! report's order. Below both the run that feeds it and the emitters and filters that are
//! sinks, so neither imports the other.

use crate::outcome::FileReport;
use crate::spool::Spool;
use std::io;

/// A checked file and its place in the input order.
#[derive(Debug)]
pub struct Checked {
    pub input: usize,
    pub file: FileReport,
}

/// Where the files go, one group at a time: the files of one path (almost always one),
/// filtered, in input order. `render` runs on any thread, as soon as a group is complete;
/// `accept` takes what it made on the calling thread, in the report's order.
pub trait Sink {
    type Part: Send;
    /// What `render` needs, shared by every thread.
    type Renderer: Sync;
    fn renderer(&self) -> Self::Renderer;
    /// May take the files out of `group`; they are dropped after it returns.
    fn render(renderer: &Self::Renderer, group: &mut Vec<Checked>) -> io::Result<Self::Part>;
    /// Takes a part in the report's order; `spool` holds what [`Sink::spill`] moved there.
    fn accept(&mut self, part: Self::Part, spool: &mut Spool) -> io::Result<()>;
    /// The bytes a waiting part holds in memory.
    fn weight(_part: &Self::Part) -> usize {
        0
    }
    /// Moves a waiting part's bytes to `spool`.
    fn spill(part: Self::Part, _spool: &mut Spool) -> io::Result<Self::Part> {
        Ok(part)
    }
}

/// Two sinks fed the same groups: the report and the statistics, say.
impl<A: Sink, B: Sink> Sink for (A, B) {
    type Part = (A::Part, B::Part);
    type Renderer = (A::Renderer, B::Renderer);
    fn renderer(&self) -> Self::Renderer {
        (self.0.renderer(), self.1.renderer())
    }
    fn render(renderer: &Self::Renderer, group: &mut Vec<Checked>) -> io::Result<Self::Part> {
        Ok((
            A::render(&renderer.0, group)?,
            B::render(&renderer.1, group)?,
        ))
    }
    fn accept(&mut self, part: Self::Part, spool: &mut Spool) -> io::Result<()> {
        self.0.accept(part.0, spool)?;
        self.1.accept(part.1, spool)
    }
    fn weight(part: &Self::Part) -> usize {
        A::weight(&part.0) + B::weight(&part.1)
    }
    fn spill(part: Self::Part, spool: &mut Spool) -> io::Result<Self::Part> {
        Ok((A::spill(part.0, spool)?, B::spill(part.1, spool)?))
    }
}

/// A sink that may be absent.
impl<A: Sink> Sink for Option<A> {
    type Part = Option<A::Part>;
    type Renderer = Option<A::Renderer>;
    fn renderer(&self) -> Self::Renderer {
        self.as_ref().map(A::renderer)
    }
    fn render(renderer: &Self::Renderer, group: &mut Vec<Checked>) -> io::Result<Self::Part> {
        renderer.as_ref().map(|r| A::render(r, group)).transpose()
    }
    fn accept(&mut self, part: Self::Part, spool: &mut Spool) -> io::Result<()> {
        match (self, part) {
            (Some(sink), Some(part)) => sink.accept(part, spool),
            _ => Ok(()),
        }
    }
    fn weight(part: &Self::Part) -> usize {
        part.as_ref().map_or(0, A::weight)
    }
    fn spill(part: Self::Part, spool: &mut Spool) -> io::Result<Self::Part> {
        part.map(|p| A::spill(p, spool)).transpose()
    }
}

/// Keeps every file: the whole [`crate::outcome::Report`] for library users.
#[derive(Default)]
pub struct Collect {
    pub files: Vec<Checked>,
}

impl Sink for Collect {
    type Part = Vec<Checked>;
    type Renderer = ();
    fn renderer(&self) {}
    fn render(_: &(), group: &mut Vec<Checked>) -> io::Result<Vec<Checked>> {
        Ok(std::mem::take(group))
    }
    fn accept(&mut self, part: Vec<Checked>, _: &mut Spool) -> io::Result<()> {
        self.files.extend(part);
        Ok(())
    }
}
