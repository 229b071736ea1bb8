//! The getters of [`Process`], available both one at a time and through a
//! [`Oneshot`] that reads each /proc file once.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::PathBuf;

use super::types::*;
use super::Process;
use crate::sys::process::Snapshot;
use crate::Result;

/// Several reads of one process sharing one read of each /proc file: psutil's
/// `with p.oneshot():`. Made by [`Process::oneshot`]; values are as of the first read
/// of each file, so drop it and take a new one to see changes.
///
/// ```
/// let p = pskit::Process::current().unwrap();
/// let o = p.oneshot();
/// // name, status, ppid and cpu_times all come from one read of /proc/PID/stat.
/// println!("{:?} {} {} {:?}", o.name().unwrap(), o.status().unwrap(), o.ppid().unwrap(), o.cpu_times().unwrap());
/// ```
pub struct Oneshot<'p> {
    pub(crate) process: &'p Process,
    pub(crate) snap: Snapshot<'p>,
}

impl<'p> Oneshot<'p> {
    pub(crate) fn new(process: &'p Process, snap: Snapshot<'p>) -> Self {
        Oneshot { process, snap }
    }

    /// The process this reads.
    ///
    /// ```
    /// let p = pskit::Process::current().unwrap();
    /// assert_eq!(p.oneshot().process().pid(), p.pid());
    /// ```
    pub fn process(&self) -> &'p Process {
        self.process
    }

    pub(crate) fn busy_seconds(&self) -> Result<f64> {
        self.snap.busy_seconds()
    }
}

/// Defines each getter on `Oneshot` (calling the backend snapshot) and on `Process`
/// (through a fresh oneshot), with one doc comment for both.
macro_rules! getters {
    ($( $(#[$doc:meta])* fn $name:ident($($arg:ident: $ty:ty),*) -> $ret:ty => $backend:ident; )*) => {
        impl Oneshot<'_> {
            $( $(#[$doc])* pub fn $name(&self $(, $arg: $ty)*) -> Result<$ret> { self.snap.$backend($($arg),*) } )*
        }
        impl Process {
            $( $(#[$doc])* pub fn $name(&self $(, $arg: $ty)*) -> Result<$ret> { self.oneshot().$name($($arg),*) } )*
        }
    };
}

impl Oneshot<'_> {
    /// The parent's PID (`stat` field 4).
    ///
    /// ```
    /// let p = pskit::Process::current().unwrap();
    /// assert_eq!(p.oneshot().ppid().unwrap(), std::os::unix::process::parent_id());
    /// ```
    pub fn ppid(&self) -> Result<u32> {
        self.snap.ppid()
    }
}

impl Process {
    /// The parent's PID (`stat` field 4). Fails with `PidReused` when the PID now
    /// names another process (the same stat read tells), as psutil's `ppid()` does: a
    /// reused PID's parent is somebody else's.
    ///
    /// ```
    /// let p = pskit::Process::current().unwrap();
    /// assert_eq!(p.ppid().unwrap(), std::os::unix::process::parent_id());
    /// ```
    pub fn ppid(&self) -> Result<u32> {
        let o = self.oneshot();
        let ppid = o.snap.ppid()?;
        if o.snap.start_ticks()? != self.start_ticks {
            return Err(self.reused());
        }
        Ok(ppid)
    }
}

getters! {
    /// The process name: `comm` of stat, or, when that is cut at 15 bytes, the base name
    /// of `cmdline[0]` that starts with it (psutil's rule). Any bytes, including spaces,
    /// parentheses, newlines and invalid UTF-8.
    ///
    /// ```
    /// let name = pskit::Process::current().unwrap().name().unwrap();
    /// assert!(!name.is_empty());
    /// ```
    fn name() -> OsString => name;

    /// The executable's path (readlink of `exe`). A " (deleted)" suffix is removed when
    /// the file is gone; kernel threads give an empty path; when the link is denied,
    /// an absolute executable `cmdline[0]` is returned instead (psutil's guess).
    /// Zombies give `ZombieProcess`.
    ///
    /// ```
    /// let exe = pskit::Process::current().unwrap().exe().unwrap();
    /// assert_eq!(exe, std::env::current_exe().unwrap());
    /// ```
    fn exe() -> PathBuf => exe;

    /// The command line, split on NUL (or on spaces for processes that rewrote their
    /// title). Empty for kernel threads; `ZombieProcess` for zombies.
    ///
    /// ```
    /// let args = pskit::Process::current().unwrap().cmdline().unwrap();
    /// assert_eq!(args.len(), std::env::args_os().count());
    /// ```
    fn cmdline() -> Vec<OsString> => cmdline;

    /// The environment the process started with (`environ`, NUL-separated `K=V`).
    /// Usually `AccessDenied` for other users' processes; `ZombieProcess` for zombies.
    ///
    /// ```
    /// let env = pskit::Process::current().unwrap().environ().unwrap();
    /// println!("{} variables", env.len());
    /// ```
    fn environ() -> BTreeMap<OsString, OsString> => environ;

    /// The state, from the letter in stat.
    ///
    /// ```
    /// assert_eq!(pskit::Process::current().unwrap().status().unwrap(), pskit::Status::Running);
    /// ```
    fn status() -> Status => status_value;

    /// The working directory (readlink of `cwd`).
    ///
    /// ```
    /// let cwd = pskit::Process::current().unwrap().cwd().unwrap();
    /// assert_eq!(cwd, std::env::current_dir().unwrap());
    /// ```
    fn cwd() -> PathBuf => cwd;

    /// The name of the real user (uid → name through NSS, cached; the uid in decimal
    /// when no account has it).
    ///
    /// ```
    /// let user = pskit::Process::current().unwrap().username().unwrap();
    /// assert!(!user.is_empty());
    /// ```
    fn username() -> OsString => username;

    /// Real, effective and saved user ids (`Uid:` of status).
    ///
    /// ```
    /// let u = pskit::Process::current().unwrap().uids().unwrap();
    /// println!("{}", u.real);
    /// ```
    fn uids() -> Ids => uids;

    /// Real, effective and saved group ids (`Gid:` of status).
    ///
    /// ```
    /// let g = pskit::Process::current().unwrap().gids().unwrap();
    /// println!("{}", g.real);
    /// ```
    fn gids() -> Ids => gids;

    /// The controlling terminal's path, or `None`.
    ///
    /// ```
    /// println!("{:?}", pskit::Process::current().unwrap().terminal().unwrap());
    /// ```
    fn terminal() -> Option<PathBuf> => terminal;

    /// The nice value, -20 (highest priority) to 19.
    ///
    /// ```
    /// let n = pskit::Process::current().unwrap().nice().unwrap();
    /// assert!((-20..=19).contains(&n));
    /// ```
    fn nice() -> i32 => nice;

    /// The I/O scheduling class and level (`ioprio_get`).
    ///
    /// ```
    /// println!("{:?}", pskit::Process::current().unwrap().ionice().unwrap());
    /// ```
    fn ionice() -> IoNice => ionice;

    /// The soft and hard limit of one resource (`prlimit`).
    ///
    /// ```
    /// use pskit::RlimitResource;
    /// let l = pskit::Process::current().unwrap().rlimit(RlimitResource::Nofile).unwrap();
    /// assert!(l.soft > 0);
    /// ```
    fn rlimit(resource: RlimitResource) -> Rlimit => rlimit;

    /// The CPUs the process may run on, ascending (`sched_getaffinity`).
    ///
    /// ```
    /// assert!(!pskit::Process::current().unwrap().cpu_affinity().unwrap().is_empty());
    /// ```
    fn cpu_affinity() -> Vec<usize> => cpu_affinity;

    /// The CPU the process last ran on (stat field 39).
    ///
    /// ```
    /// assert!(pskit::Process::current().unwrap().cpu_num().unwrap() >= 0);
    /// ```
    fn cpu_num() -> i32 => cpu_num;

    /// User, system, children's and I/O wait times in seconds.
    ///
    /// ```
    /// let t = pskit::Process::current().unwrap().cpu_times().unwrap();
    /// assert!(t.user + t.system >= 0.0);
    /// ```
    fn cpu_times() -> CpuTimes => cpu_times;

    /// RSS, VMS and the other statm figures in bytes. All zeros for a zombie.
    ///
    /// ```
    /// assert!(pskit::Process::current().unwrap().memory_info().unwrap().rss > 0);
    /// ```
    fn memory_info() -> MemoryInfo => memory_info;

    /// memory_info plus USS, PSS and swap, from smaps_rollup (smaps on kernels before
    /// 4.14). Often `AccessDenied` for other users' processes.
    ///
    /// ```
    /// let m = pskit::Process::current().unwrap().memory_full_info().unwrap();
    /// assert!(m.uss <= m.rss);
    /// ```
    fn memory_full_info() -> MemoryFullInfo => memory_full_info;

    /// USS, PSS and swap alone (psutil 8.0's `memory_footprint`).
    ///
    /// ```
    /// assert!(pskit::Process::current().unwrap().memory_footprint().unwrap().uss > 0);
    /// ```
    fn memory_footprint() -> MemoryFootprint => memory_footprint;

    /// Peak RSS/VMS and the RSS split from status (psutil 8.0's `memory_info_ex`).
    ///
    /// ```
    /// let m = pskit::Process::current().unwrap().memory_info_ex().unwrap();
    /// assert!(m.peak_vms >= m.peak_rss);
    /// ```
    fn memory_info_ex() -> MemoryInfoEx => memory_info_ex;

    /// Minor and major page faults (psutil 8.0's `page_faults`).
    ///
    /// ```
    /// assert!(pskit::Process::current().unwrap().page_faults().unwrap().minor > 0);
    /// ```
    fn page_faults() -> PageFaults => page_faults;

    /// Memory mappings summed per path, in smaps order of first appearance
    /// (psutil's `memory_maps(grouped=True)`).
    ///
    /// ```
    /// assert!(!pskit::Process::current().unwrap().memory_maps().unwrap().is_empty());
    /// ```
    fn memory_maps() -> Vec<MemoryMapGrouped> => memory_maps;

    /// Every mapping with its address and permissions (`memory_maps(grouped=False)`).
    ///
    /// ```
    /// assert!(!pskit::Process::current().unwrap().memory_maps_ungrouped().unwrap().is_empty());
    /// ```
    fn memory_maps_ungrouped() -> Vec<MemoryMap> => memory_maps_ungrouped;

    /// I/O counters from /proc/PID/io.
    ///
    /// ```
    /// assert!(pskit::Process::current().unwrap().io_counters().unwrap().read_count > 0);
    /// ```
    fn io_counters() -> IoCounters => io_counters;

    /// Voluntary and involuntary context switches.
    ///
    /// ```
    /// println!("{:?}", pskit::Process::current().unwrap().num_ctx_switches().unwrap());
    /// ```
    fn num_ctx_switches() -> CtxSwitches => num_ctx_switches;

    /// The number of open descriptors (entries of /proc/PID/fd).
    ///
    /// ```
    /// assert!(pskit::Process::current().unwrap().num_fds().unwrap() >= 3);
    /// ```
    fn num_fds() -> usize => num_fds;

    /// The number of threads.
    ///
    /// ```
    /// assert!(pskit::Process::current().unwrap().num_threads().unwrap() >= 1);
    /// ```
    fn num_threads() -> u64 => num_threads;

    /// Every thread with its CPU times and name, ascending by id. Threads that end
    /// while being read are left out.
    ///
    /// ```
    /// let t = pskit::Process::current().unwrap().threads().unwrap();
    /// assert!(!t.is_empty());
    /// ```
    fn threads() -> Vec<ThreadInfo> => threads;

    /// Regular files open in the process, ascending by descriptor (psutil's
    /// `open_files`: sockets, pipes, ttys and anonymous inodes are left out).
    ///
    /// Unlike psutil, a file deleted while open is listed (its path ends in
    /// `" (deleted)"`, as the kernel shows it): the type is checked on the open file
    /// itself, not on its former path. That is the file `lsof` shows and the one that
    /// still holds disk space; psutil 7.2 leaves it out.
    ///
    /// ```
    /// let f = std::fs::File::open("/etc/hostname").unwrap();
    /// let files = pskit::Process::current().unwrap().open_files().unwrap();
    /// assert!(files.iter().any(|o| o.path == std::path::Path::new("/etc/hostname")));
    /// # drop(f);
    /// ```
    fn open_files() -> Vec<OpenFile> => open_files;

    /// Every open descriptor with its kind (file, socket, pipe, anon inode, tty, …):
    /// what psutil users asked for in #2523.
    ///
    /// ```
    /// let fds = pskit::Process::current().unwrap().open_descriptors().unwrap();
    /// assert!(fds.iter().any(|d| d.fd == 0));
    /// ```
    fn open_descriptors() -> Vec<Descriptor> => open_descriptors;

    /// The cgroups the process belongs to (/proc/PID/cgroup).
    ///
    /// ```
    /// let groups = pskit::Process::current().unwrap().cgroup().unwrap();
    /// assert!(groups.iter().all(|g| g.path.is_absolute()));
    /// ```
    fn cgroup() -> Vec<CgroupMembership> => cgroup;
}
