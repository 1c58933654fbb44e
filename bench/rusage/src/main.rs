//! `iamlint-bench-rusage OUT CMD [ARGS...]`: run CMD (stdio inherited), wait for
//! it, and write `wall_ns=N user_us=N sys_us=N maxrss_kib=N` to the file OUT.
//! Exits with CMD's exit code (128+signal if it was killed).
//!
//! Why not `os.wait4` from the Python runner: on Linux a child started by
//! fork/vfork keeps its parent's RSS high-water mark across `exec`
//! (`signal->maxrss`), so every child of the ~20 MB Python process reported at
//! least ~20 MB. Started from this small process, the floor is this process's
//! own RSS (a couple of MB), and `RUSAGE_CHILDREN` covers exactly the one
//! child it waited for.

use std::os::raw::{c_int, c_long};
use std::os::unix::process::ExitStatusExt;
use std::process::{exit, Command};
use std::time::Instant;

#[repr(C)]
struct Timeval {
    tv_sec: c_long,
    tv_usec: c_long,
}

#[repr(C)]
struct Rusage {
    ru_utime: Timeval,
    ru_stime: Timeval,
    ru_maxrss: c_long,
    _rest: [c_long; 13],
}

extern "C" {
    fn getrusage(who: c_int, usage: *mut Rusage) -> c_int;
}
const RUSAGE_CHILDREN: c_int = -1;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 2 {
        eprintln!("usage: iamlint-bench-rusage OUT CMD [ARGS...]");
        exit(2);
    }
    let start = Instant::now();
    let status = match Command::new(&args[1]).args(&args[2..]).status() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("iamlint-bench-rusage: cannot run {}: {e}", args[1]);
            exit(127);
        }
    };
    let wall = start.elapsed();
    let mut ru: Rusage = unsafe { std::mem::zeroed() };
    if unsafe { getrusage(RUSAGE_CHILDREN, &mut ru) } != 0 {
        eprintln!("iamlint-bench-rusage: getrusage failed");
        exit(2);
    }
    let us = |t: &Timeval| t.tv_sec as i64 * 1_000_000 + t.tv_usec as i64;
    let line = format!(
        "wall_ns={} user_us={} sys_us={} maxrss_kib={}\n",
        wall.as_nanos(),
        us(&ru.ru_utime),
        us(&ru.ru_stime),
        ru.ru_maxrss
    );
    if let Err(e) = std::fs::write(&args[0], line) {
        eprintln!("iamlint-bench-rusage: cannot write {}: {e}", args[0]);
        exit(2);
    }
    exit(status.code().unwrap_or_else(|| 128 + status.signal().unwrap_or(0)));
}
