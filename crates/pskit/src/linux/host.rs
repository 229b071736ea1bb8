//! Per-machine state of the Linux backend: roots, the /proc directory fd and caches.

use std::collections::HashMap;
use std::ffi::OsString;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use rustix::fd::{BorrowedFd, OwnedFd};

use super::fs;
use super::kept::KeptFiles;
use crate::{Error, Result};

/// What the Linux backend knows about one machine. Lives behind [`crate::Host`].
pub(crate) struct HostState {
    proc_root: PathBuf,
    sys_root: PathBuf,
    proc_fd: OnceLock<OwnedFd>,
    /// `sysconf(_SC_CLK_TCK)`: the unit of the tick counts in stat files.
    pub(crate) clock_ticks: f64,
    /// The page size: the unit of statm.
    pub(crate) page_size: u64,
    boot_time: OnceLock<f64>,
    /// uid → user name; glibc re-reads the passwd database on every lookup otherwise.
    pub(crate) user_names: Mutex<HashMap<u32, OsString>>,
    /// tty device number → path under /dev, refreshed on a miss.
    pub(crate) terminals: Mutex<HashMap<u64, PathBuf>>,
    /// /proc/stat, meminfo, diskstats and net/dev kept open (see `kept`).
    kept: KeptFiles,
}

impl HostState {
    pub(crate) fn new(proc_root: PathBuf, sys_root: PathBuf) -> Self {
        HostState {
            proc_root,
            sys_root,
            proc_fd: OnceLock::new(),
            clock_ticks: rustix::param::clock_ticks_per_second() as f64,
            page_size: rustix::param::page_size() as u64,
            boot_time: OnceLock::new(),
            user_names: Mutex::new(HashMap::new()),
            terminals: Mutex::new(HashMap::new()),
            kept: KeptFiles::new(),
        }
    }

    pub(crate) fn proc_root(&self) -> &Path {
        &self.proc_root
    }

    pub(crate) fn sys_root(&self) -> &Path {
        &self.sys_root
    }

    /// The /proc root as an open directory, opened on first use.
    pub(crate) fn proc_dir(&self) -> Result<BorrowedFd<'_>> {
        use rustix::fd::AsFd;
        if let Some(fd) = self.proc_fd.get() {
            return Ok(fd.as_fd());
        }
        let fd = fs::open_dir_at(rustix::fs::CWD, &self.proc_root)
            .map_err(|e| Error::io(&self.proc_root, e))?;
        Ok(self.proc_fd.get_or_init(|| fd).as_fd())
    }

    /// A path under the /proc root, for error messages and the rare absolute open.
    pub(crate) fn proc_path(&self, rel: impl AsRef<Path>) -> PathBuf {
        self.proc_root.join(rel)
    }

    /// A path under the /sys root.
    #[allow(dead_code)] // the system-wide readers use it
    pub(crate) fn sys_path(&self, rel: impl AsRef<Path>) -> PathBuf {
        self.sys_root.join(rel)
    }

    /// Reads `rel` (relative to the /proc root) into `buf`, mapping errors to
    /// [`Error::Io`] with the full path.
    pub(crate) fn read_proc(&self, rel: &str, buf: &mut Vec<u8>, mode: fs::ReadMode) -> Result<()> {
        let dir = || self.proc_dir().ok();
        if self.kept.read(dir, rel, buf, mode).is_some() {
            return Ok(());
        }
        let dir = self.proc_dir()?;
        fs::read_at(dir, rel, buf, mode).map_err(|e| Error::io(self.proc_path(rel), e))
    }

    /// Boot time in seconds since the epoch (`btime` of /proc/stat), read once per host:
    /// the kernel never changes it (psutil re-reads it so that a wall-clock step moves
    /// it; pskit keeps the value seen first, which keeps create times stable).
    pub(crate) fn boot_time(&self) -> Result<f64> {
        if let Some(bt) = self.boot_time.get() {
            return Ok(*bt);
        }
        let bt = fs::with_scratch(|buf| {
            self.read_proc("stat", buf, fs::ReadMode::ToEof)?;
            super::parse::stat_btime(buf)
                .ok_or_else(|| Error::parse(self.proc_path("stat"), "no btime line"))
        })?;
        Ok(*self.boot_time.get_or_init(|| bt as f64))
    }
}

/// True when an I/O error means "the file is not there" (the process left, or a field
/// this kernel does not have).
pub(crate) fn is_not_found(e: &io::Error) -> bool {
    matches!(e.raw_os_error(), Some(libc::ENOENT) | Some(libc::ESRCH))
}
