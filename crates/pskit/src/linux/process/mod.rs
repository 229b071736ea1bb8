//! Per-process reads: a [`Snapshot`] reads each /proc/PID file at most once and turns
//! kernel errors into psutil's exceptions.

use std::cell::OnceCell;
use std::collections::BTreeMap;
use std::ffi::OsString;
use std::io;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};

use super::fs::{self, ReadMode};
use super::host::is_not_found;
use super::parse::{cmdline, pid_files, stat, status};
use super::{syscalls, users, HostState};
use crate::process::types::*;
use crate::{Error, Result};

pub(crate) mod control;
mod files;
mod memory;

/// Builds `PID/file` relative paths on the stack.
struct RelPath {
    buf: [u8; 96],
    len: usize,
}

impl RelPath {
    fn new(pid: u32, file: &str) -> RelPath {
        let mut buf = [0u8; 96];
        // The PID's digits, written backwards from the end of a 10-byte field.
        let mut digits = [0u8; 10];
        let mut start = digits.len();
        let mut v = pid;
        loop {
            start -= 1;
            digits[start] = b'0' + (v % 10) as u8;
            v /= 10;
            if v == 0 {
                break;
            }
        }
        let pid_len = digits.len() - start;
        buf[..pid_len].copy_from_slice(&digits[start..]);
        buf[pid_len] = b'/';
        // At most 85 bytes of file name; a longer one is cut, which then fails to open
        // with a clear error.
        let name = &file.as_bytes()[..file.len().min(buf.len() - pid_len - 1)];
        buf[pid_len + 1..pid_len + 1 + name.len()].copy_from_slice(name);
        RelPath {
            buf,
            len: pid_len + 1 + name.len(),
        }
    }

    fn bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

/// Lazily loaded, parsed per-process files, for one process at one moment (psutil's
/// `oneshot()` cache). Nothing is read until a getter needs it.
pub(crate) struct Snapshot<'h> {
    pub(crate) host: &'h HostState,
    pub(crate) pid: u32,
    /// The name to put in errors (psutil's `_name`).
    name_hint: Option<OsString>,
    stat: OnceCell<stat::Stat>,
    status: OnceCell<Vec<u8>>,
    statm: OnceCell<[u64; 7]>,
    cmdline: OnceCell<Vec<OsString>>,
}

impl<'h> Snapshot<'h> {
    pub(crate) fn new(host: &'h HostState, pid: u32, name_hint: Option<OsString>) -> Self {
        Snapshot {
            host,
            pid,
            name_hint,
            stat: OnceCell::new(),
            status: OnceCell::new(),
            statm: OnceCell::new(),
            cmdline: OnceCell::new(),
        }
    }

    /// The stat of this snapshot if some getter already read it.
    pub(crate) fn loaded_stat(&self) -> Option<&stat::Stat> {
        self.stat.get()
    }

    fn name_for_errors(&self) -> Option<OsString> {
        self.stat
            .get()
            .map(|s| OsString::from_vec(s.comm.clone()))
            .or_else(|| self.name_hint.clone())
    }

    fn path(&self, file: &str) -> PathBuf {
        self.host.proc_path(format!("{}/{}", self.pid, file))
    }

    /// Maps an error from reading `file` the way psutil's `wrap_exceptions` does.
    pub(crate) fn map_err(&self, file: &str, e: io::Error) -> Error {
        match e.raw_os_error() {
            Some(libc::EACCES) | Some(libc::EPERM) => Error::AccessDenied {
                pid: Some(self.pid),
                name: self.name_for_errors(),
            },
            Some(libc::ENOENT) | Some(libc::ESRCH) => match self.liveness() {
                Liveness::Gone => self.no_such_process(),
                Liveness::Zombie(ppid) => self.zombie(ppid),
                // Still there: the file itself refused (kernel threads answer ESRCH for
                // smaps_rollup), which is not "process gone".
                Liveness::Alive => Error::io(self.path(file), e),
            },
            _ => Error::io(self.path(file), e),
        }
    }

    pub(crate) fn no_such_process(&self) -> Error {
        Error::NoSuchProcess {
            pid: self.pid,
            name: self.name_for_errors(),
        }
    }

    fn zombie(&self, ppid: u32) -> Error {
        Error::ZombieProcess {
            pid: self.pid,
            name: self.name_for_errors(),
            ppid: Some(ppid),
        }
    }

    /// Re-reads stat to tell a vanished process from a zombie.
    fn liveness(&self) -> Liveness {
        let rel = RelPath::new(self.pid, "stat");
        let Ok(dir) = self.host.proc_dir() else {
            return Liveness::Gone;
        };
        fs::with_scratch(
            |buf| match fs::read_at(dir, rel.bytes(), buf, ReadMode::Record) {
                Ok(()) => match stat::parse_stat(buf) {
                    Ok(s) if s.state == b'Z' => Liveness::Zombie(s.ppid),
                    Ok(_) => Liveness::Alive,
                    Err(_) => Liveness::Alive,
                },
                Err(_) => Liveness::Gone,
            },
        )
    }

    /// Raises ZombieProcess if the process is a zombie.
    fn fail_if_zombie(&self) -> Result<()> {
        match self.liveness() {
            Liveness::Zombie(ppid) => Err(self.zombie(ppid)),
            _ => Ok(()),
        }
    }

    /// Reads `PID/file` into the scratch buffer and hands it to `parse`.
    pub(crate) fn read<R>(
        &self,
        file: &str,
        mode: ReadMode,
        parse: impl FnOnce(&[u8]) -> Result<R>,
    ) -> Result<R> {
        let dir = self.host.proc_dir()?;
        let rel = RelPath::new(self.pid, file);
        fs::with_scratch(|buf| {
            fs::read_at(dir, rel.bytes(), buf, mode).map_err(|e| self.map_err(file, e))?;
            parse(buf)
        })
    }

    fn parse_error(&self, file: &str, detail: impl Into<String>) -> Error {
        Error::parse(self.path(file), detail)
    }

    pub(crate) fn stat(&self) -> Result<&stat::Stat> {
        if let Some(s) = self.stat.get() {
            return Ok(s);
        }
        let s = self.read("stat", ReadMode::Record, |data| {
            if data.is_empty() {
                return Err(self.no_such_process());
            }
            stat::parse_stat(data).map_err(|e| self.parse_error("stat", e.to_string()))
        })?;
        Ok(self.stat.get_or_init(|| s))
    }

    /// The raw status file; its lines are parsed on demand (the scan needs one).
    fn status_raw(&self) -> Result<&[u8]> {
        if let Some(s) = self.status.get() {
            return Ok(s);
        }
        // Read straight into the buffer the snapshot keeps (no copy from the scratch).
        let dir = self.host.proc_dir()?;
        let rel = RelPath::new(self.pid, "status");
        let mut data = Vec::with_capacity(4096);
        fs::read_at(dir, rel.bytes(), &mut data, ReadMode::Record)
            .map_err(|e| self.map_err("status", e))?;
        Ok(self.status.get_or_init(|| data))
    }

    fn status(&self) -> Result<status::Status> {
        Ok(status::parse_status(self.status_raw()?))
    }

    fn statm(&self) -> Result<&[u64; 7]> {
        if let Some(s) = self.statm.get() {
            return Ok(s);
        }
        let s = self.read("statm", ReadMode::Record, |data| {
            pid_files::parse_statm(data)
                .ok_or_else(|| self.parse_error("statm", "expected 7 numbers"))
        })?;
        Ok(self.statm.get_or_init(|| s))
    }

    fn ticks(&self, t: u64) -> f64 {
        t as f64 / self.host.clock_ticks
    }

    // ---- identity ----------------------------------------------------------------

    /// Start time in clock ticks since boot: the identity psutil 7.1+ uses.
    pub(crate) fn start_ticks(&self) -> Result<u64> {
        Ok(self.stat()?.starttime)
    }

    pub(crate) fn create_time(&self) -> Result<f64> {
        let start = self.ticks(self.stat()?.starttime);
        Ok(self.host.boot_time()? + start)
    }

    pub(crate) fn ppid(&self) -> Result<u32> {
        Ok(self.stat()?.ppid)
    }

    pub(crate) fn comm(&self) -> Result<OsString> {
        Ok(OsString::from_vec(self.stat()?.comm.clone()))
    }

    pub(crate) fn name(&self) -> Result<OsString> {
        let comm = self.comm()?;
        if comm.len() < 15 {
            return Ok(comm);
        }
        // The kernel cut the name to 15 bytes: take the full one from cmdline[0] when
        // it starts with the cut name (psutil's rule). Errors keep the cut name.
        match self.cmdline() {
            Ok(args) => {
                if let Some(first) = args.first() {
                    let base = Path::new(first)
                        .file_name()
                        .map(|b| b.as_bytes())
                        .unwrap_or(b"");
                    if base.starts_with(comm.as_bytes()) {
                        return Ok(OsString::from_vec(base.to_vec()));
                    }
                }
                Ok(comm)
            }
            Err(e) if e.is_access_denied() || matches!(e, Error::ZombieProcess { .. }) => Ok(comm),
            Err(e) => Err(e),
        }
    }

    pub(crate) fn status_value(&self) -> Result<Status> {
        Ok(Status::from_letter(self.stat()?.state))
    }

    // ---- command line and environment -------------------------------------------

    pub(crate) fn cmdline(&self) -> Result<Vec<OsString>> {
        if let Some(c) = self.cmdline.get() {
            return Ok(c.clone());
        }
        let args = self.read("cmdline", ReadMode::Record, |data| {
            Ok(cmdline::split_cmdline(data))
        })?;
        if args.is_empty() {
            self.fail_if_zombie()?;
        }
        Ok(self.cmdline.get_or_init(|| args).clone())
    }

    pub(crate) fn environ(&self) -> Result<BTreeMap<OsString, OsString>> {
        let env = self.read("environ", ReadMode::Record, |data| {
            Ok(cmdline::parse_environ(data))
        })?;
        if env.is_empty() {
            self.fail_if_zombie()?;
        }
        Ok(env.into_iter().collect())
    }

    /// readlink of `PID/name` with psutil's rules: a " (deleted)" suffix is dropped when
    /// the path no longer exists; ENOENT on a live process gives an empty path.
    fn readlink(&self, name: &str) -> Result<PathBuf> {
        let dir = self.host.proc_dir()?;
        let rel = RelPath::new(self.pid, name);
        match fs::readlink_at(dir, rel.bytes()) {
            Ok(mut target) => {
                if let Some(nul) = target.iter().position(|&b| b == 0) {
                    target.truncate(nul);
                }
                const DELETED: &[u8] = b" (deleted)";
                if target.ends_with(DELETED) {
                    let trimmed = &target[..target.len() - DELETED.len()];
                    if !Path::new(std::ffi::OsStr::from_bytes(&target)).exists() {
                        return Ok(PathBuf::from(OsString::from_vec(trimmed.to_vec())));
                    }
                }
                Ok(PathBuf::from(OsString::from_vec(target)))
            }
            Err(e) if is_not_found(&e) => match self.liveness() {
                Liveness::Gone => Err(self.no_such_process()),
                Liveness::Zombie(ppid) => Err(self.zombie(ppid)),
                Liveness::Alive => Ok(PathBuf::new()),
            },
            Err(e) => Err(self.map_err(name, e)),
        }
    }

    pub(crate) fn exe(&self) -> Result<PathBuf> {
        let guess = |fallback: Result<PathBuf>| -> Result<PathBuf> {
            if let Ok(args) = self.cmdline() {
                if let Some(first) = args.first() {
                    let p = Path::new(first);
                    if p.is_absolute() && is_executable_file(p) {
                        return Ok(p.to_path_buf());
                    }
                }
            }
            fallback
        };
        match self.readlink("exe") {
            Ok(p) if p.as_os_str().is_empty() => guess(Ok(p)),
            Ok(p) => Ok(p),
            Err(e) if e.is_access_denied() => guess(Err(e)),
            Err(e) => Err(e),
        }
    }

    pub(crate) fn cwd(&self) -> Result<PathBuf> {
        self.readlink("cwd")
    }

    // ---- users and terminal -------------------------------------------------------

    fn ids(&self, key: &[u8]) -> Result<Ids> {
        let v = status::ids(self.status_raw()?, key).ok_or_else(|| {
            self.parse_error(
                "status",
                format!("no valid {} line", String::from_utf8_lossy(key)),
            )
        })?;
        Ok(Ids {
            real: v[0],
            effective: v[1],
            saved: v[2],
        })
    }

    pub(crate) fn uids(&self) -> Result<Ids> {
        self.ids(b"Uid")
    }

    pub(crate) fn gids(&self) -> Result<Ids> {
        self.ids(b"Gid")
    }

    pub(crate) fn username(&self) -> Result<OsString> {
        Ok(users::user_name(self.host, self.uids()?.real))
    }

    pub(crate) fn terminal(&self) -> Result<Option<PathBuf>> {
        let tty = self.stat()?.tty_nr;
        Ok(super::terminal::lookup(self.host, tty))
    }

    // ---- scheduling -----------------------------------------------------------------

    pub(crate) fn nice(&self) -> Result<i32> {
        Ok(self.stat()?.nice)
    }

    pub(crate) fn cpu_num(&self) -> Result<i32> {
        self.stat()?
            .processor
            .ok_or_else(|| Error::NotSupported("cpu_num: stat has no processor field".into()))
    }

    pub(crate) fn cpu_times(&self) -> Result<CpuTimes> {
        let s = self.stat()?;
        Ok(CpuTimes {
            user: self.ticks(s.utime),
            system: self.ticks(s.stime),
            children_user: self.ticks(s.cutime),
            children_system: self.ticks(s.cstime),
            iowait: self.ticks(s.blkio_ticks),
        })
    }

    /// user + system seconds, for cpu_percent.
    pub(crate) fn busy_seconds(&self) -> Result<f64> {
        let s = self.stat()?;
        Ok(self.ticks(s.utime + s.stime))
    }

    pub(crate) fn syscall<R>(&self, what: &str, r: io::Result<R>) -> Result<R> {
        r.map_err(|e| match e.raw_os_error() {
            Some(libc::ESRCH) => match self.liveness() {
                Liveness::Zombie(ppid) => self.zombie(ppid),
                _ => self.no_such_process(),
            },
            Some(libc::EPERM) | Some(libc::EACCES) => Error::AccessDenied {
                pid: Some(self.pid),
                name: self.name_for_errors(),
            },
            Some(libc::EINVAL) => Error::InvalidArgument(format!("{what}: invalid argument")),
            _ => Error::io(format!("{what}({})", self.pid), e),
        })
    }

    pub(crate) fn ionice(&self) -> Result<IoNice> {
        self.syscall("ioprio_get", syscalls::get_ionice(self.pid))
    }

    pub(crate) fn rlimit(&self, r: RlimitResource) -> Result<Rlimit> {
        self.syscall("prlimit", syscalls::get_rlimit(self.pid, r))
    }

    pub(crate) fn cpu_affinity(&self) -> Result<Vec<usize>> {
        self.syscall("sched_getaffinity", syscalls::get_affinity(self.pid))
    }

    /// The CPUs `cpu_affinity([])` means: every CPU listed in /proc/stat (`cpuN` lines,
    /// so offline CPUs are left out). psutil first tries the `Cpus_allowed_list` range
    /// of the process's own status, which is the *current* affinity, so after pinning a
    /// process to one CPU "all" would mean that CPU again when the list is a range;
    /// pskit always means all CPUs.
    pub(crate) fn eligible_cpus(&self) -> Result<Vec<usize>> {
        fs::with_scratch(|buf| {
            self.host.read_proc("stat", buf, ReadMode::ToEof)?;
            let cpus: Vec<usize> = super::parse::lines(buf)
                .filter_map(|l| l.strip_prefix(b"cpu"))
                .filter_map(|rest| {
                    let end = rest
                        .iter()
                        .position(|b| !b.is_ascii_digit())
                        .unwrap_or(rest.len());
                    super::parse::parse_u64(&rest[..end]).map(|n| n as usize)
                })
                .collect();
            if cpus.is_empty() {
                return Err(Error::parse(self.host.proc_path("stat"), "no cpuN lines"));
            }
            Ok(cpus)
        })
    }
}

/// Whether a process that failed a read is still there.
enum Liveness {
    Gone,
    Zombie(u32),
    Alive,
}

fn is_executable_file(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p)
        .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

/// Every PID under the /proc root, ascending (TIDs are not listed by readdir).
pub(crate) fn pids(host: &HostState) -> Result<Vec<u32>> {
    let dir = host.proc_dir()?;
    let fd = fs::open_dir_at(dir, ".").map_err(|e| Error::io(host.proc_root(), e))?;
    let mut out = Vec::with_capacity(512);
    fs::for_each_entry(fd, |name, _| {
        if let Some(pid) = super::parse::parse_u64(name) {
            if let Ok(pid) = u32::try_from(pid) {
                out.push(pid);
            }
        }
        Ok(())
    })
    .map_err(|e| Error::io(host.proc_root(), e))?;
    out.sort_unstable();
    Ok(out)
}

/// psutil's `pid_exists`: signal 0, then `Tgid` of status to reject TIDs. Signals
/// reach this PID namespace only, so a relocated /proc (a host's, bind-mounted into a
/// container, or a fixture) is asked through its status files alone.
pub(crate) fn pid_exists(host: &HostState, pid: u32) -> bool {
    if pid == 0 {
        return false;
    }
    if host.proc_root() == std::path::Path::new("/proc") {
        match syscalls::kill(pid, 0) {
            Err(e) if e.raw_os_error() == Some(libc::ESRCH) => return false,
            Err(e) if e.raw_os_error() != Some(libc::EPERM) => return false,
            _ => {}
        }
    }
    let snap = Snapshot::new(host, pid, None);
    match snap.read("status", ReadMode::Record, |d| {
        Ok(status::parse_status(d).tgid)
    }) {
        Ok(Some(tgid)) => tgid == pid,
        Ok(None) | Err(_) => pids(host)
            .map(|p| p.binary_search(&pid).is_ok())
            .unwrap_or(false),
    }
}

/// MemTotal of /proc/meminfo in bytes.
pub(crate) fn total_memory(host: &HostState) -> Result<u64> {
    fs::with_scratch(|buf| {
        host.read_proc("meminfo", buf, ReadMode::ToEof)?;
        super::parse::meminfo::mem_total(buf)
            .ok_or_else(|| Error::parse(host.proc_path("meminfo"), "no MemTotal line"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rel_paths() {
        assert_eq!(
            RelPath::new(4294967295, "task/123/stat").bytes(),
            b"4294967295/task/123/stat"
        );
        assert_eq!(RelPath::new(42, "smaps_rollup").bytes(), b"42/smaps_rollup");
    }

    #[test]
    fn pid_paths_of_every_length() {
        assert_eq!(RelPath::new(0, "stat").bytes(), b"0/stat");
        assert_eq!(RelPath::new(7, "io").bytes(), b"7/io");
        let long = "x".repeat(200);
        assert_eq!(
            RelPath::new(12, &long).bytes().len(),
            96,
            "cut, never past the buffer"
        );
    }
}
