//! System-wide /proc files kept open per host and re-read with pread at offset 0.
//!
//! /proc/stat, meminfo, diskstats and net/dev are read on every call of cpu_times,
//! virtual_memory, disk_io_counters and net_io_counters; opening and closing them costs
//! about as much as reading them (net/dev's open alone about 2 µs). A seq file read at
//! offset 0 regenerates its content, so one descriptor per file serves every call.
//!
//! Rules that keep this exactly as correct as a fresh open:
//! - One reader at a time per descriptor (the kernel keeps one read position per open
//!   file): a thread that finds the file in use opens it afresh instead of waiting.
//! - Only procfs's own files are kept: a relocated root of plain files (fixtures) or a
//!   FUSE overlay such as LXCFS is opened on every call.
//! - A forked child never shares its parent's descriptor: descriptors opened before a
//!   fork are dropped in the child and opened again.
//! - Any read error drops the descriptor; the call then opens the file afresh, which
//!   reports the error with its path if it persists.
//!
//! A kept net/dev shows the network namespace the process was in when it was opened
//! (a thread that later moves to another namespace sees the first one).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, Once, TryLockError};

use rustix::fd::{BorrowedFd, OwnedFd};

use super::fs::{self, ReadMode};

/// The files kept open, relative to the /proc root.
const KEPT_OPEN: [&str; 4] = ["stat", "meminfo", "diskstats", "net/dev"];

/// `PROC_SUPER_MAGIC` of statfs(2).
const PROC_SUPER_MAGIC: i64 = 0x9fa0;

/// What is known of one kept file.
enum Slot {
    /// Not opened yet (or dropped after an error or a fork).
    Untried,
    /// Not procfs's own file: always opened afresh.
    Elsewhere,
    /// Open, in the process of the given fork generation.
    Open { fd: OwnedFd, generation: u64 },
}

/// The kept descriptors of one host.
pub(crate) struct KeptFiles {
    slots: [Mutex<Slot>; KEPT_OPEN.len()],
}

impl KeptFiles {
    pub(crate) fn new() -> KeptFiles {
        KeptFiles {
            slots: std::array::from_fn(|_| Mutex::new(Slot::Untried)),
        }
    }

    /// Reads `rel` into `buf` through its kept descriptor. `None` when `rel` is not a
    /// kept file, another thread is reading it, it is not procfs's own, or anything
    /// failed: the caller then opens the file afresh.
    pub(crate) fn read<'d>(
        &self,
        proc_dir: impl FnOnce() -> Option<BorrowedFd<'d>>,
        rel: &str,
        buf: &mut Vec<u8>,
        mode: ReadMode,
    ) -> Option<()> {
        let i = KEPT_OPEN.iter().position(|k| *k == rel)?;
        let mut slot = match self.slots[i].try_lock() {
            Ok(slot) => slot,
            Err(TryLockError::Poisoned(p)) => p.into_inner(),
            Err(TryLockError::WouldBlock) => return None,
        };
        let generation = fork_generation();
        if matches!(&*slot, Slot::Open { generation: g, .. } if *g != generation) {
            *slot = Slot::Untried; // opened by the parent before a fork: reopen here
        }
        if matches!(*slot, Slot::Untried) {
            let fd = fs::open_at(proc_dir()?, rel).ok()?;
            let st = rustix::fs::fstatfs(&fd).ok()?;
            #[allow(clippy::unnecessary_cast)] // f_type's type differs between targets
            let procfs = st.f_type as i64 == PROC_SUPER_MAGIC;
            *slot = if procfs {
                Slot::Open { fd, generation }
            } else {
                Slot::Elsewhere
            };
        }
        let Slot::Open { fd, .. } = &*slot else {
            return None;
        };
        match fs::pread_from_start(fd, buf, mode) {
            Ok(()) => Some(()),
            Err(_) => {
                *slot = Slot::Untried;
                None
            }
        }
    }
}

static FORK_GENERATION: AtomicU64 = AtomicU64::new(0);
static WATCH_FORKS: Once = Once::new();

extern "C" fn forked_child() {
    FORK_GENERATION.fetch_add(1, Ordering::Relaxed);
}

/// How many forks this process descends from (since the first kept file), counted by a
/// pthread_atfork handler in the child.
fn fork_generation() -> u64 {
    WATCH_FORKS.call_once(|| {
        // SAFETY: registers a handler that only bumps an atomic counter
        // (async-signal-safe, as a child handler must be).
        unsafe { libc::pthread_atfork(None, None, Some(forked_child)) };
    });
    FORK_GENERATION.load(Ordering::Relaxed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn concurrent_readers_never_mix_contents() {
        let kept = std::sync::Arc::new(KeptFiles::new());
        let dir = fs::open_dir_at(rustix::fs::CWD, "/proc").unwrap();
        let dir = std::sync::Arc::new(dir);
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let (kept, dir) = (kept.clone(), dir.clone());
                std::thread::spawn(move || {
                    use rustix::fd::AsFd;
                    let mut buf = Vec::new();
                    for _ in 0..500 {
                        let via_kept = kept
                            .read(|| Some(dir.as_fd()), "stat", &mut buf, ReadMode::ToEof)
                            .is_some();
                        if via_kept {
                            // Every line whole: starts with a known key.
                            let text = String::from_utf8(buf.clone()).unwrap();
                            assert!(text.starts_with("cpu "), "{text:.80}");
                            assert!(text.contains("\nbtime "), "{text:.80}");
                            assert!(text.ends_with('\n'));
                        }
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
    }

    #[test]
    fn plain_files_are_never_kept() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("meminfo"), "MemTotal: 1 kB\n").unwrap();
        let dir = fs::open_dir_at(rustix::fs::CWD, tmp.path()).unwrap();
        let kept = KeptFiles::new();
        let mut buf = Vec::new();
        use rustix::fd::AsFd;
        assert!(kept
            .read(|| Some(dir.as_fd()), "meminfo", &mut buf, ReadMode::ToEof)
            .is_none());
        assert!(kept
            .read(|| Some(dir.as_fd()), "not-kept", &mut buf, ReadMode::ToEof)
            .is_none());
    }
}
