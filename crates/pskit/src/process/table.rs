//! The process table: listing PIDs, iterating processes, bulk scans with attribute
//! selection, and waiting for many processes.

use std::time::{Duration, Instant};

use super::info::{Attr, AttrSet, ProcessInfo};
use super::Process;
use crate::sys;
use crate::sys::process::Snapshot;
use crate::{Host, Result};

/// Every PID on the local machine, ascending. Thread ids are not included.
///
/// ```
/// let pids = pskit::pids().unwrap();
/// assert!(pids.contains(&std::process::id()));
/// assert!(pids.windows(2).all(|w| w[0] < w[1]));
/// ```
pub fn pids() -> Result<Vec<u32>> {
    pids_of(&Host::local())
}

pub(crate) fn pids_of(host: &Host) -> Result<Vec<u32>> {
    sys::process::pids(&host.inner)
}

impl Host {
    /// Every PID of this host, ascending.
    ///
    /// ```
    /// assert!(!pskit::Host::local().pids().unwrap().is_empty());
    /// ```
    pub fn pids(&self) -> Result<Vec<u32>> {
        pids_of(self)
    }

    /// Whether `pid` is a process of this host (a thread id is not: psutil #687).
    ///
    /// ```
    /// assert!(pskit::Host::local().pid_exists(std::process::id()));
    /// ```
    pub fn pid_exists(&self, pid: u32) -> bool {
        sys::process::pid_exists(&self.inner, pid)
    }
}

/// Whether `pid` is a process on the local machine (signal 0, then a check that it is
/// not a thread id).
///
/// ```
/// assert!(pskit::pid_exists(std::process::id()));
/// assert!(!pskit::pid_exists(0));
/// ```
pub fn pid_exists(pid: u32) -> bool {
    Host::local().pid_exists(pid)
}

/// Every process of the local machine, ascending by PID; processes that end while
/// being listed are skipped. For repeated scans with per-process `cpu_percent`, or
/// to read chosen attributes efficiently, use [`ProcessTable`].
///
/// ```
/// let me = std::process::id();
/// assert!(pskit::process_iter().unwrap().any(|p| p.pid() == me));
/// ```
pub fn process_iter() -> Result<impl Iterator<Item = Process>> {
    let host = Host::local();
    let pids = pids_of(&host)?;
    Ok(pids
        .into_iter()
        .filter_map(move |pid| Process::with_host(&host, pid).ok()))
}

/// A process table kept across scans: psutil's `process_iter(attrs)` with its
/// instance cache. Instances survive from one scan to the next (so `cpu_percent`
/// measures between scans, as in `top`), PIDs that were reused get new instances, and
/// each /proc file is read at most once per process per scan.
///
/// ```
/// use pskit::{Attr, ProcessTable};
/// let mut table = ProcessTable::new();
/// let attrs = [Attr::Pid, Attr::Name, Attr::CpuPercent, Attr::MemoryInfo];
/// table.scan(&attrs).unwrap();
/// std::thread::sleep(std::time::Duration::from_millis(50));
/// let infos = table.scan(&attrs).unwrap();
/// let me = infos.iter().find(|i| i.pid == std::process::id()).unwrap();
/// assert!(me.cpu_percent.value().unwrap() >= &0.0);
/// ```
pub struct ProcessTable {
    host: Host,
    /// Instances from the last scan, ascending by PID (merged with the next PID list
    /// instead of hashed: both are sorted).
    procs: Vec<Process>,
}

impl Default for ProcessTable {
    fn default() -> Self {
        ProcessTable::new()
    }
}

impl ProcessTable {
    /// An empty table of the local machine.
    ///
    /// ```
    /// let table = pskit::ProcessTable::new();
    /// assert_eq!(table.processes().count(), 0);
    /// ```
    pub fn new() -> Self {
        ProcessTable::with_host(Host::local())
    }

    /// An empty table of `host`.
    ///
    /// ```
    /// let table = pskit::ProcessTable::with_host(pskit::Host::local());
    /// assert_eq!(table.processes().count(), 0);
    /// ```
    pub fn with_host(host: Host) -> Self {
        ProcessTable {
            host,
            procs: Vec::new(),
        }
    }

    /// The instances kept from the last scan: one per process whose identity (start
    /// time, from /proc/PID/stat) some scan has read. A scan of only values that never
    /// depend on the instance (say memory_full_info alone) skips that read, keeps the
    /// instances it had and makes none for new PIDs; the next scan that reads stat
    /// checks and completes them.
    ///
    /// ```
    /// let mut table = pskit::ProcessTable::new();
    /// table.scan(&[pskit::Attr::Name]).unwrap();
    /// assert!(table.processes().count() > 0);
    /// ```
    pub fn processes(&self) -> impl Iterator<Item = &Process> {
        self.procs.iter()
    }

    /// Reads `attrs` (psutil's attribute names; an empty slice means all of them) for
    /// every process, ascending by PID. Processes that end during the scan are left out;
    /// a value the kernel denies (`AccessDenied`, `ZombieProcess`) is recorded as such in
    /// its [`crate::Field`] (psutil's `ad_value`) and the scan goes on.
    ///
    /// Each /proc file is read at most once per process, and only the files the
    /// requested values come from: a scan of memory_full_info reads smaps_rollup and
    /// statm, not stat (the identity read is needed only for `cpu_percent` and
    /// `create_time`, which depend on the kept instance).
    ///
    /// ```
    /// use pskit::{Attr, ProcessTable};
    /// let infos = ProcessTable::new().scan(&[Attr::Name, Attr::Username]).unwrap();
    /// let json = serde_json::to_string(&infos[0]).unwrap();
    /// assert!(json.contains("\"name\""));
    /// ```
    pub fn scan(&mut self, attrs: &[Attr]) -> Result<Vec<ProcessInfo>> {
        let set = AttrSet::from_attrs(attrs);
        let pids = pids_of(&self.host)?;
        let mem_total = if set.needs_mem_total() {
            sys::process::total_memory(&self.host.inner).ok()
        } else {
            None
        };
        let now = Instant::now();
        let mut out = Vec::with_capacity(pids.len());
        let mut next = Vec::with_capacity(pids.len());
        let mut previous = std::mem::take(&mut self.procs).into_iter().peekable();
        for pid in pids {
            // Both lists ascend: drop instances of PIDs that are gone, take this one's.
            while previous.next_if(|p| p.pid() < pid).is_some() {}
            let known = previous.next_if(|p| p.pid() == pid);
            let snap = Snapshot::new(&self.host.inner, pid, None);
            let identified = set.needs_identity() || known.is_some();
            let process = if set.needs_identity() {
                let Ok(stat) = snap.stat() else { continue };
                match known {
                    Some(p) if p.start_ticks == stat.starttime => p,
                    _ => match Process::from_snapshot(&self.host, pid, &snap) {
                        Ok(p) => p,
                        Err(_) => continue,
                    },
                }
            } else {
                // No requested value depends on the instance: skip the identity read.
                known.unwrap_or_else(|| Process::unidentified(&self.host, pid))
            };
            let oneshot = super::Oneshot::new(&process, snap);
            let info = ProcessInfo::collect(&oneshot, &set, mem_total, now);
            let keep = self.keep(&process, identified, &oneshot.snap);
            match info {
                Ok(info) => {
                    out.push(info);
                    match keep {
                        Keep::Same => next.push(process),
                        Keep::New(p) => next.push(p),
                        Keep::Nothing => {}
                    }
                }
                Err(e) if e.is_gone() => continue,
                Err(e) => {
                    // Keep what the table knew: instances scanned so far and the rest.
                    next.extend(previous);
                    self.procs = next;
                    return Err(e);
                }
            }
        }
        self.procs = next;
        Ok(out)
    }

    /// The instance to keep for the next scan: `process` when its identity is known
    /// and still matches the stat this scan read; a new instance from that stat when
    /// the PID was reused or never identified; none when nothing identified it.
    fn keep(&self, process: &Process, identified: bool, snap: &Snapshot<'_>) -> Keep {
        match snap.loaded_stat() {
            Some(st) if identified && st.starttime == process.start_ticks => Keep::Same,
            Some(_) => match Process::from_snapshot(&self.host, process.pid, snap) {
                Ok(p) => Keep::New(p),
                Err(_) => Keep::Nothing,
            },
            None if identified => Keep::Same,
            None => Keep::Nothing,
        }
    }
}

/// What a scan keeps of one process for the next scan.
enum Keep {
    Same,
    New(Process),
    Nothing,
}

/// (process, ppid) for every process: what `children()` walks.
pub(crate) fn ppid_map(host: &Host) -> Result<Vec<(Process, u32)>> {
    let mut out = Vec::new();
    for pid in pids_of(host)? {
        let snap = Snapshot::new(&host.inner, pid, None);
        let ppid = match snap.ppid() {
            Ok(ppid) => ppid,
            Err(e) if e.is_access_denied() => return Err(e),
            Err(_) => continue,
        };
        if let Ok(p) = Process::from_snapshot(host, pid, &snap) {
            out.push((p, ppid));
        }
    }
    Ok(out)
}

/// Waits for several processes to end (psutil's `wait_procs`): returns `(gone, alive)`
/// once all are gone or `timeout` expires; never raises `TimeoutExpired`. `callback` is
/// called with each process as it goes. Exit codes are then in
/// [`Process::returncode`].
///
/// ```
/// use std::time::Duration;
/// let kids: Vec<_> = (0..2).map(|_| std::process::Command::new("true").spawn().unwrap()).collect();
/// let procs: Vec<_> = kids.iter().map(|c| pskit::Process::new(c.id()).unwrap()).collect();
/// let (gone, alive) = pskit::wait_procs(procs, Some(Duration::from_secs(5)), |_| {}).unwrap();
/// assert_eq!((gone.len(), alive.len()), (2, 0));
/// assert_eq!(gone[0].returncode(), Some(Some(0)));
/// ```
pub fn wait_procs(
    procs: Vec<Process>,
    timeout: Option<Duration>,
    mut callback: impl FnMut(&Process),
) -> Result<(Vec<Process>, Vec<Process>)> {
    let deadline = timeout.map(|t| Instant::now() + t);
    let mut gone = Vec::new();
    let mut alive = procs;
    let mut check =
        |alive: &mut Vec<Process>, gone: &mut Vec<Process>, slice: Duration| -> Result<()> {
            let mut still = Vec::with_capacity(alive.len());
            for p in alive.drain(..) {
                let ended = match p.wait(Some(slice)) {
                    Ok(_) => true,
                    Err(crate::Error::TimeoutExpired { .. }) => !p.is_running(),
                    Err(e) if e.is_gone() => true,
                    Err(e) => return Err(e),
                };
                if ended {
                    callback(&p);
                    gone.push(p);
                } else {
                    still.push(p);
                }
            }
            *alive = still;
            Ok(())
        };
    while !alive.is_empty() {
        let remaining = match deadline {
            Some(d) => {
                let now = Instant::now();
                if now >= d {
                    break;
                }
                d - now
            }
            None => Duration::from_secs(3600),
        };
        let slice = (remaining / alive.len() as u32)
            .min(Duration::from_millis(100))
            .max(Duration::from_millis(1));
        check(&mut alive, &mut gone, slice)?;
    }
    if !alive.is_empty() {
        check(&mut alive, &mut gone, Duration::ZERO)?;
    }
    Ok((gone, alive))
}

impl Process {
    /// The exit code learned by [`Process::wait`] or [`wait_procs`]: `None` if not yet
    /// known, `Some(None)` for a process that was not our child.
    ///
    /// ```
    /// let c = std::process::Command::new("false").spawn().unwrap();
    /// let p = pskit::Process::new(c.id()).unwrap();
    /// assert_eq!(p.returncode(), None);
    /// p.wait(None).unwrap();
    /// assert_eq!(p.returncode(), Some(Some(1)));
    /// ```
    pub fn returncode(&self) -> Option<Option<i32>> {
        *self.exit_code.lock().unwrap_or_else(|p| p.into_inner())
    }
}
