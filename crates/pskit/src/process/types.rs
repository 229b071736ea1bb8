//! The values `Process` methods return, with psutil's field names and units
//! (bytes, seconds as `f64`), so their JSON reads like psutil's `_asdict()`.

use std::ffi::OsString;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// A process state, serialized as psutil's `STATUS_*` strings.
///
/// ```
/// assert_eq!(serde_json::to_string(&pskit::Status::DiskSleep).unwrap(), "\"disk-sleep\"");
/// assert_eq!(pskit::Status::from_letter(b'I'), pskit::Status::Idle);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Status {
    /// `R`: running or runnable.
    Running,
    /// `S`: interruptible sleep.
    Sleeping,
    /// `D`: uninterruptible (disk) sleep.
    DiskSleep,
    /// `T`: stopped by a signal.
    Stopped,
    /// `t`: stopped by a debugger.
    TracingStop,
    /// `Z`: exited, not yet reaped.
    Zombie,
    /// `X` or `x`: dead.
    Dead,
    /// `K`: wake-kill (Linux 2.6.33 to 3.13).
    WakeKill,
    /// `W`: waking (Linux 2.6.33 to 3.13) or paging (before 2.6).
    Waking,
    /// `I`: idle kernel thread (Linux 4.14+).
    Idle,
    /// `P`: parked kernel thread (Linux 3.9 to 3.13).
    Parked,
    /// Not produced on Linux (psutil's `STATUS_LOCKED`).
    Locked,
    /// Not produced on Linux (psutil's `STATUS_WAITING`).
    Waiting,
    /// A state letter pskit does not know: psutil's `'?'`.
    #[serde(rename = "?")]
    Unknown,
}

impl Status {
    /// Maps the state letter of /proc/PID/stat.
    ///
    /// ```
    /// assert_eq!(pskit::Status::from_letter(b'Z'), pskit::Status::Zombie);
    /// assert_eq!(pskit::Status::from_letter(b'#'), pskit::Status::Unknown);
    /// ```
    pub fn from_letter(letter: u8) -> Status {
        match letter {
            b'R' => Status::Running,
            b'S' => Status::Sleeping,
            b'D' => Status::DiskSleep,
            b'T' => Status::Stopped,
            b't' => Status::TracingStop,
            b'Z' => Status::Zombie,
            b'X' | b'x' => Status::Dead,
            b'K' => Status::WakeKill,
            b'W' => Status::Waking,
            b'I' => Status::Idle,
            b'P' => Status::Parked,
            _ => Status::Unknown,
        }
    }

    /// psutil's string for this status.
    ///
    /// ```
    /// assert_eq!(pskit::Status::WakeKill.as_str(), "wake-kill");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Running => "running",
            Status::Sleeping => "sleeping",
            Status::DiskSleep => "disk-sleep",
            Status::Stopped => "stopped",
            Status::TracingStop => "tracing-stop",
            Status::Zombie => "zombie",
            Status::Dead => "dead",
            Status::WakeKill => "wake-kill",
            Status::Waking => "waking",
            Status::Idle => "idle",
            Status::Parked => "parked",
            Status::Locked => "locked",
            Status::Waiting => "waiting",
            Status::Unknown => "?",
        }
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// CPU time of a process in seconds (psutil `pcputimes`).
///
/// ```
/// let t = pskit::Process::current().unwrap().cpu_times().unwrap();
/// assert!(t.user >= 0.0 && t.system >= 0.0);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CpuTimes {
    /// Time in user mode.
    pub user: f64,
    /// Time in kernel mode.
    pub system: f64,
    /// User time of waited-for children.
    pub children_user: f64,
    /// System time of waited-for children.
    pub children_system: f64,
    /// Time blocked on block I/O (delayacct_blkio_ticks; 0 if the kernel lacks it).
    pub iowait: f64,
}

/// Memory use from /proc/PID/statm, in bytes (psutil `pmem`).
///
/// ```
/// let m = pskit::Process::current().unwrap().memory_info().unwrap();
/// assert!(m.rss > 0 && m.vms >= m.rss);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MemoryInfo {
    /// Resident set size.
    pub rss: u64,
    /// Virtual memory size.
    pub vms: u64,
    /// Resident pages backed by files or shared memory.
    pub shared: u64,
    /// Code (text) size.
    pub text: u64,
    /// Always 0 since Linux 2.6 (kept for psutil's shape).
    pub lib: u64,
    /// Data + stack.
    pub data: u64,
    /// Always 0 since Linux 2.6 (kept for psutil's shape).
    pub dirty: u64,
}

/// [`MemoryInfo`] plus USS, PSS and swap (psutil `pfullmem`).
///
/// ```
/// let m = pskit::Process::current().unwrap().memory_full_info().unwrap();
/// assert!(m.uss > 0 && m.uss <= m.rss);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MemoryFullInfo {
    /// See [`MemoryInfo::rss`].
    pub rss: u64,
    /// See [`MemoryInfo::vms`].
    pub vms: u64,
    /// See [`MemoryInfo::shared`].
    pub shared: u64,
    /// See [`MemoryInfo::text`].
    pub text: u64,
    /// See [`MemoryInfo::lib`].
    pub lib: u64,
    /// See [`MemoryInfo::data`].
    pub data: u64,
    /// See [`MemoryInfo::dirty`].
    pub dirty: u64,
    /// Unique set size: memory that would be freed if the process exited.
    pub uss: u64,
    /// Proportional set size: shared pages divided among their users.
    pub pss: u64,
    /// Swapped-out memory.
    pub swap: u64,
}

/// USS, PSS and swap alone (psutil 8.0 `memory_footprint`).
///
/// ```
/// let f = pskit::Process::current().unwrap().memory_footprint().unwrap();
/// assert!(f.pss > 0);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MemoryFootprint {
    /// Unique set size.
    pub uss: u64,
    /// Proportional set size.
    pub pss: u64,
    /// Swapped-out memory.
    pub swap: u64,
}

/// Extra memory figures from /proc/PID/status (psutil 8.0 `memory_info_ex`), in bytes.
/// A line the kernel does not write (old kernels, kernel threads) reads as 0.
///
/// ```
/// let m = pskit::Process::current().unwrap().memory_info_ex().unwrap();
/// assert!(m.peak_rss > 0);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MemoryInfoEx {
    /// Peak resident set size (`VmHWM`).
    pub peak_rss: u64,
    /// Peak virtual size (`VmPeak`).
    pub peak_vms: u64,
    /// Resident anonymous memory (`RssAnon`, Linux 4.5+).
    pub rss_anon: u64,
    /// Resident file mappings (`RssFile`, Linux 4.5+).
    pub rss_file: u64,
    /// Resident shared memory (`RssShmem`, Linux 4.5+).
    pub rss_shmem: u64,
    /// Swapped-out anonymous memory (`VmSwap`).
    pub swap: u64,
    /// Huge TLB pages (`HugetlbPages`, Linux 4.4+).
    pub hugetlb: u64,
}

/// Page fault counts since the process started (psutil 8.0 `page_faults`).
///
/// ```
/// let f = pskit::Process::current().unwrap().page_faults().unwrap();
/// assert!(f.minor > 0);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PageFaults {
    /// Faults served without disk I/O.
    pub minor: u64,
    /// Faults that needed disk I/O.
    pub major: u64,
}

/// Real, effective and saved user or group ids (psutil `puids`/`pgids`).
///
/// ```
/// let u = pskit::Process::current().unwrap().uids().unwrap();
/// println!("real uid {} effective uid {}", u.real, u.effective);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Ids {
    /// Real id.
    pub real: u32,
    /// Effective id.
    pub effective: u32,
    /// Saved set id.
    pub saved: u32,
}

/// Voluntary and involuntary context switches (psutil `pctxsw`).
///
/// ```
/// let c = pskit::Process::current().unwrap().num_ctx_switches().unwrap();
/// println!("{} voluntary, {} involuntary", c.voluntary, c.involuntary);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CtxSwitches {
    /// The process gave up the CPU (blocked).
    pub voluntary: u64,
    /// The scheduler took the CPU away.
    pub involuntary: u64,
}

/// I/O counters from /proc/PID/io (psutil `pio`).
///
/// ```
/// let io = pskit::Process::current().unwrap().io_counters().unwrap();
/// assert!(io.read_chars > 0);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct IoCounters {
    /// read-like syscalls (`syscr`).
    pub read_count: u64,
    /// write-like syscalls (`syscw`).
    pub write_count: u64,
    /// Bytes fetched from storage (`read_bytes`).
    pub read_bytes: u64,
    /// Bytes sent to storage (`write_bytes`).
    pub write_bytes: u64,
    /// Bytes passed to read-like syscalls (`rchar`).
    pub read_chars: u64,
    /// Bytes passed to write-like syscalls (`wchar`).
    pub write_chars: u64,
}

/// One thread of a process (psutil `pthread`, plus its name: psutil #613).
///
/// ```
/// let threads = pskit::Process::current().unwrap().threads().unwrap();
/// assert!(threads.iter().any(|t| t.id == std::process::id()));
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ThreadInfo {
    /// Thread id (TID).
    pub id: u32,
    /// User time in seconds.
    pub user_time: f64,
    /// System time in seconds.
    pub system_time: f64,
    /// The thread's name (`comm`, at most 15 bytes).
    #[serde(with = "crate::serde_os")]
    pub name: OsString,
}

/// A regular file the process has open (psutil `popenfile`).
///
/// ```
/// let files = pskit::Process::current().unwrap().open_files().unwrap();
/// for f in files { println!("{} fd={} mode={}", f.path.display(), f.fd, f.mode); }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OpenFile {
    /// Absolute path.
    #[serde(with = "crate::serde_os")]
    pub path: PathBuf,
    /// Descriptor number.
    pub fd: i32,
    /// File offset (`pos` of fdinfo).
    pub position: u64,
    /// `r`, `w`, `a`, `r+` or `a+`, from the open flags.
    pub mode: String,
    /// The open flags (`flags` of fdinfo).
    pub flags: u32,
}

/// What an open descriptor refers to (see [`crate::Process::open_descriptors`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum DescriptorKind {
    /// A regular file.
    File,
    /// A directory.
    Directory,
    /// A socket (`socket:[inode]`).
    Socket,
    /// A pipe or FIFO (`pipe:[inode]`).
    Pipe,
    /// An anonymous inode (`anon_inode:[eventfd]`, epoll, timerfd, …).
    AnonInode,
    /// A terminal (/dev/tty*, /dev/pts/*).
    Tty,
    /// Another character or block device.
    Device,
    /// Something else (memfd, deleted file, …).
    Other,
}

/// Any open descriptor, not only regular files (psutil #2523).
///
/// ```
/// let fds = pskit::Process::current().unwrap().open_descriptors().unwrap();
/// assert!(!fds.is_empty());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Descriptor {
    /// Descriptor number.
    pub fd: i32,
    /// What it refers to.
    pub kind: DescriptorKind,
    /// The link target: a path, or `socket:[1234]`, `pipe:[99]`, `anon_inode:[eventfd]`.
    #[serde(with = "crate::serde_os")]
    pub target: PathBuf,
    /// File offset, when fdinfo could be read.
    pub position: Option<u64>,
    /// Open flags, when fdinfo could be read.
    pub flags: Option<u32>,
}

/// The counters of one memory mapping, in bytes, as in smaps.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MapCounters {
    /// Resident.
    pub rss: u64,
    /// Mapped size.
    pub size: u64,
    /// Proportional set size.
    pub pss: u64,
    /// Shared, clean pages.
    pub shared_clean: u64,
    /// Shared, dirty pages.
    pub shared_dirty: u64,
    /// Private, clean pages.
    pub private_clean: u64,
    /// Private, dirty pages.
    pub private_dirty: u64,
    /// Referenced pages.
    pub referenced: u64,
    /// Anonymous pages.
    pub anonymous: u64,
    /// Swapped-out pages.
    pub swap: u64,
}

/// Mappings summed per path (psutil `pmmap_grouped`).
///
/// ```
/// let maps = pskit::Process::current().unwrap().memory_maps().unwrap();
/// assert!(maps.iter().any(|m| m.path.to_string_lossy().starts_with('/')));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MemoryMapGrouped {
    /// File path, or `[anon]`, `[heap]`, `[stack]`, `[vdso]`…
    #[serde(with = "crate::serde_os")]
    pub path: PathBuf,
    /// The counters.
    #[serde(flatten)]
    pub counters: MapCounters,
}

/// One mapping (psutil `pmmap_ext`, from `memory_maps(grouped=False)`).
///
/// ```
/// let maps = pskit::Process::current().unwrap().memory_maps_ungrouped().unwrap();
/// assert!(maps.iter().all(|m| m.addr.contains('-')));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MemoryMap {
    /// Address range, `start-end` in hex.
    pub addr: String,
    /// Permissions such as `r-xp`.
    pub perms: String,
    /// File path, or `[anon]`.
    #[serde(with = "crate::serde_os")]
    pub path: PathBuf,
    /// The counters.
    #[serde(flatten)]
    pub counters: MapCounters,
}

/// I/O scheduling class (psutil `IOPriority`), serialized as its integer.
///
/// ```
/// assert_eq!(serde_json::to_string(&pskit::IoPriorityClass::BestEffort).unwrap(), "2");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "u8", try_from = "u8")]
pub enum IoPriorityClass {
    /// `IOPRIO_CLASS_NONE` (0): derived from the nice value.
    None,
    /// `IOPRIO_CLASS_RT` (1): real time.
    RealTime,
    /// `IOPRIO_CLASS_BE` (2): best effort.
    BestEffort,
    /// `IOPRIO_CLASS_IDLE` (3): only when the disk is otherwise idle.
    Idle,
}

impl From<IoPriorityClass> for u8 {
    fn from(c: IoPriorityClass) -> u8 {
        c as u8
    }
}

impl TryFrom<u8> for IoPriorityClass {
    type Error = String;
    fn try_from(v: u8) -> Result<Self, String> {
        Ok(match v {
            0 => IoPriorityClass::None,
            1 => IoPriorityClass::RealTime,
            2 => IoPriorityClass::BestEffort,
            3 => IoPriorityClass::Idle,
            other => return Err(format!("invalid I/O priority class {other}")),
        })
    }
}

/// I/O priority (psutil `pionice`).
///
/// ```
/// let io = pskit::Process::current().unwrap().ionice().unwrap();
/// assert!(io.value <= 7);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct IoNice {
    /// The class.
    pub ioclass: IoPriorityClass,
    /// The level within the class, 0 (highest) to 7.
    pub value: u32,
}

/// The resources of `getrlimit`/`prlimit` (psutil `RLIMIT_*`), with Linux's numbers.
///
/// ```
/// assert_eq!(pskit::RlimitResource::Nofile as i32, 7);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
#[allow(missing_docs)]
pub enum RlimitResource {
    Cpu = 0,
    Fsize = 1,
    Data = 2,
    Stack = 3,
    Core = 4,
    Rss = 5,
    Nproc = 6,
    Nofile = 7,
    Memlock = 8,
    As = 9,
    Locks = 10,
    Sigpending = 11,
    Msgqueue = 12,
    Nice = 13,
    Rtprio = 14,
    Rttime = 15,
}

impl RlimitResource {
    /// Every resource, in numeric order.
    pub const ALL: [RlimitResource; 16] = [
        RlimitResource::Cpu,
        RlimitResource::Fsize,
        RlimitResource::Data,
        RlimitResource::Stack,
        RlimitResource::Core,
        RlimitResource::Rss,
        RlimitResource::Nproc,
        RlimitResource::Nofile,
        RlimitResource::Memlock,
        RlimitResource::As,
        RlimitResource::Locks,
        RlimitResource::Sigpending,
        RlimitResource::Msgqueue,
        RlimitResource::Nice,
        RlimitResource::Rtprio,
        RlimitResource::Rttime,
    ];
}

/// psutil's `RLIM_INFINITY`.
pub const RLIM_INFINITY: i64 = -1;

/// A soft and hard limit, serialized as psutil's `(soft, hard)` pair; [`RLIM_INFINITY`]
/// (-1) means unlimited.
///
/// ```
/// use pskit::{Process, RlimitResource};
/// let l = Process::current().unwrap().rlimit(RlimitResource::Nofile).unwrap();
/// assert!(l.soft <= l.hard || l.hard == pskit::RLIM_INFINITY);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "(i64, i64)", into = "(i64, i64)")]
pub struct Rlimit {
    /// The limit enforced.
    pub soft: i64,
    /// The ceiling for the soft limit.
    pub hard: i64,
}

impl From<(i64, i64)> for Rlimit {
    fn from((soft, hard): (i64, i64)) -> Self {
        Rlimit { soft, hard }
    }
}

impl From<Rlimit> for (i64, i64) {
    fn from(r: Rlimit) -> Self {
        (r.soft, r.hard)
    }
}

/// One line of /proc/PID/cgroup: the process's cgroup in one hierarchy (psutil #2522).
///
/// ```
/// let groups = pskit::Process::current().unwrap().cgroup().unwrap();
/// assert!(!groups.is_empty());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CgroupMembership {
    /// Hierarchy id (0 for the cgroup v2 unified hierarchy).
    pub hierarchy_id: u32,
    /// Controllers bound to the hierarchy (empty for v2).
    pub controllers: Vec<String>,
    /// Path of the cgroup relative to the hierarchy's mount point.
    #[serde(with = "crate::serde_os")]
    pub path: PathBuf,
}

/// What `wait()` learned about a process's end.
///
/// psutil returns the exit code, or the negated signal number when a signal killed
/// the process, or `None` when the process was not a child of the caller.
pub type ExitCode = Option<i32>;
