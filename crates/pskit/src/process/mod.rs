//! Processes: psutil's `Process` class and its module-level helpers.

mod connections;
mod control;
mod info;
mod oneshot;
mod table;
pub(crate) mod types;

use std::ffi::OsString;
use std::hash::{Hash, Hasher};
use std::sync::Mutex;
use std::time::Instant;

pub use control::{signal, MemoryType};
pub use info::{Attr, AttrError, Field, ProcessInfo};
pub use oneshot::Oneshot;
pub use table::{pid_exists, pids, process_iter, wait_procs, ProcessTable};
pub use types::*;

use crate::sys::process::Snapshot;
use crate::{Error, Host, Result};

/// A process, identified by its PID **and** its start time, so a recycled PID is never
/// mistaken for the process this handle was made for (psutil's `Process`).
///
/// Getters read /proc each time they are called; use [`Process::oneshot`] to read each
/// file once for several values. Equality and hashing use (pid, start time).
///
/// ```
/// use pskit::Process;
/// let me = Process::current()?;
/// assert_eq!(me.pid(), std::process::id());
/// println!("{:?} started at {}", me.name()?, me.create_time());
/// assert_eq!(me, Process::new(me.pid())?);
/// # Ok::<(), pskit::Error>(())
/// ```
pub struct Process {
    pid: u32,
    host: Host,
    start_ticks: u64,
    create_time: f64,
    /// Last name seen, for error messages (psutil's `_name`).
    name: OsString,
    /// (wall clock, busy seconds) at the last `cpu_percent` call.
    cpu_sample: Mutex<Option<(Instant, f64)>>,
    /// The exit code once `wait()` learned it.
    pub(crate) exit_code: Mutex<Option<Option<i32>>>,
}

impl Process {
    /// Opens the process `pid` on the local machine.
    ///
    /// Fails with `NoSuchProcess` if there is no such PID. A thread id is accepted
    /// (as psutil: /proc/TID exists), although [`pid_exists`] says false for it.
    ///
    /// ```
    /// assert!(pskit::Process::new(1).is_ok());
    /// assert!(pskit::Process::new(4_000_000).unwrap_err().is_gone());
    /// ```
    pub fn new(pid: u32) -> Result<Process> {
        Process::with_host(&Host::local(), pid)
    }

    /// Opens the process `pid` of `host` (a relocated /proc).
    ///
    /// ```
    /// let host = pskit::Host::local();
    /// let p = pskit::Process::with_host(&host, std::process::id()).unwrap();
    /// assert_eq!(p.pid(), std::process::id());
    /// ```
    pub fn with_host(host: &Host, pid: u32) -> Result<Process> {
        let snap = Snapshot::new(&host.inner, pid, None);
        snap.stat().map_err(|e| match e {
            Error::Io { .. } | Error::Parse { .. } if pid != 0 => e,
            _ => Error::NoSuchProcess { pid, name: None },
        })?;
        Process::from_snapshot(host, pid, &snap)
    }

    /// The calling process.
    ///
    /// ```
    /// assert_eq!(pskit::Process::current().unwrap().pid(), std::process::id());
    /// ```
    pub fn current() -> Result<Process> {
        Process::new(std::process::id())
    }

    /// The process a snapshot describes, from its stat (read now if it was not).
    pub(crate) fn from_snapshot(host: &Host, pid: u32, snap: &Snapshot<'_>) -> Result<Process> {
        Ok(Process {
            pid,
            host: host.clone(),
            start_ticks: snap.start_ticks()?,
            create_time: snap.create_time()?,
            name: snap.comm()?,
            cpu_sample: Mutex::new(None),
            exit_code: Mutex::new(None),
        })
    }

    /// A handle whose identity is unknown (no stat read): used only inside one table
    /// scan for attributes that never look at identity, and never handed out.
    pub(crate) fn unidentified(host: &Host, pid: u32) -> Process {
        Process {
            pid,
            host: host.clone(),
            start_ticks: 0,
            create_time: 0.0,
            name: OsString::new(),
            cpu_sample: Mutex::new(None),
            exit_code: Mutex::new(None),
        }
    }

    /// The process id.
    ///
    /// ```
    /// assert_eq!(pskit::Process::current().unwrap().pid(), std::process::id());
    /// ```
    pub fn pid(&self) -> u32 {
        self.pid
    }

    /// The machine this process lives on.
    ///
    /// ```
    /// let p = pskit::Process::current().unwrap();
    /// assert_eq!(p.host().proc_root(), std::path::Path::new("/proc"));
    /// ```
    pub fn host(&self) -> &Host {
        &self.host
    }

    /// Start time in seconds since the epoch (boot time + `starttime` of stat), fixed
    /// when the handle was made (psutil caches it too).
    ///
    /// ```
    /// let t = pskit::Process::current().unwrap().create_time();
    /// assert!(t > 1.0e9);
    /// ```
    pub fn create_time(&self) -> f64 {
        self.create_time
    }

    /// Reads several values with each /proc file read at most once (psutil's
    /// `oneshot()` context): the returned value caches stat, status, statm and cmdline.
    ///
    /// ```
    /// let p = pskit::Process::current().unwrap();
    /// let o = p.oneshot();
    /// let (name, ppid, times) = (o.name().unwrap(), o.ppid().unwrap(), o.cpu_times().unwrap());
    /// println!("{name:?} {ppid} {times:?}");
    /// ```
    pub fn oneshot(&self) -> Oneshot<'_> {
        Oneshot::new(
            self,
            Snapshot::new(&self.host.inner, self.pid, Some(self.name.clone())),
        )
    }

    /// True if the process is still there and is the same process (PID not reused). A
    /// zombie is running.
    ///
    /// ```
    /// assert!(pskit::Process::current().unwrap().is_running());
    /// ```
    pub fn is_running(&self) -> bool {
        self.check_identity().is_ok()
    }

    /// The error for a PID that now names another process.
    pub(crate) fn reused(&self) -> Error {
        Error::PidReused {
            pid: self.pid,
            name: Some(self.name.clone()),
        }
    }

    /// `Ok` when the PID still names this process; `PidReused` or `NoSuchProcess`
    /// otherwise. Setters and signals call it first, as psutil does.
    pub(crate) fn check_identity(&self) -> Result<()> {
        let snap = Snapshot::new(&self.host.inner, self.pid, Some(self.name.clone()));
        match snap.start_ticks() {
            Ok(t) if t == self.start_ticks => Ok(()),
            Ok(_) => Err(self.reused()),
            Err(e) if e.is_gone() || matches!(e, Error::Io { .. }) => Err(Error::NoSuchProcess {
                pid: self.pid,
                name: Some(self.name.clone()),
            }),
            Err(e) => Err(e),
        }
    }

    /// CPU use in percent since the last call on this handle (`interval` of `None` or
    /// zero; the first call returns 0.0), or over a blocking `interval`. Not divided by
    /// the CPU count: a process busy on two CPUs shows 200.0, as in `top` and psutil.
    /// Rounded to one decimal.
    ///
    /// ```
    /// use std::time::Duration;
    /// let p = pskit::Process::current().unwrap();
    /// let pct = p.cpu_percent(Some(Duration::from_millis(50))).unwrap();
    /// assert!(pct >= 0.0);
    /// ```
    pub fn cpu_percent(&self, interval: Option<std::time::Duration>) -> Result<f64> {
        let sample = || -> Result<(Instant, f64)> {
            let busy = self.oneshot().busy_seconds()?;
            Ok((Instant::now(), busy))
        };
        if let Some(iv) = interval.filter(|d| !d.is_zero()) {
            let (t0, b0) = sample()?;
            std::thread::sleep(iv);
            let (t1, b1) = sample()?;
            *self.cpu_sample.lock().unwrap_or_else(|p| p.into_inner()) = Some((t1, b1));
            return Ok(percent(b1 - b0, t1 - t0));
        }
        let now = sample()?;
        Ok(self.cpu_percent_from(now.0, now.1))
    }

    /// cpu_percent against the stored sample, updating it (used by the table scan,
    /// which already has the busy time from its stat read).
    pub(crate) fn cpu_percent_from(&self, now: Instant, busy: f64) -> f64 {
        let mut last = self.cpu_sample.lock().unwrap_or_else(|p| p.into_inner());
        let result = match *last {
            Some((t0, b0)) => percent(busy - b0, now - t0),
            None => 0.0,
        };
        *last = Some((now, busy));
        result
    }

    /// The name last seen for this process (as carried by errors).
    pub(crate) fn last_name(&self) -> &OsString {
        &self.name
    }
}

fn percent(busy_delta: f64, wall: std::time::Duration) -> f64 {
    let wall = wall.as_secs_f64();
    if wall <= 0.0 {
        return 0.0;
    }
    ((busy_delta.max(0.0) / wall) * 1000.0).round() / 10.0
}

impl Clone for Process {
    /// A new handle on the same process; cpu_percent state and a learned exit code are
    /// copied.
    fn clone(&self) -> Self {
        Process {
            pid: self.pid,
            host: self.host.clone(),
            start_ticks: self.start_ticks,
            create_time: self.create_time,
            name: self.name.clone(),
            cpu_sample: Mutex::new(*self.cpu_sample.lock().unwrap_or_else(|p| p.into_inner())),
            exit_code: Mutex::new(*self.exit_code.lock().unwrap_or_else(|p| p.into_inner())),
        }
    }
}

impl PartialEq for Process {
    fn eq(&self, other: &Self) -> bool {
        self.pid == other.pid && self.start_ticks == other.start_ticks
    }
}

impl Eq for Process {}

impl Hash for Process {
    fn hash<H: Hasher>(&self, state: &mut H) {
        (self.pid, self.start_ticks).hash(state);
    }
}

impl std::fmt::Debug for Process {
    /// `pskit.Process(pid=N, name='x', status='sleeping', started='HH:MM:SS')`, like
    /// psutil's repr: the date is added when the process started a day or more ago,
    /// and a process that ended (or whose PID now names another) is `terminated`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "pskit.Process(pid={}, name='{}'",
            self.pid,
            self.name.to_string_lossy()
        )?;
        let status = match self.check_identity() {
            Ok(()) => self.oneshot().status().ok(),
            Err(_) => None,
        };
        match status {
            Some(s) => write!(f, ", status='{s}'")?,
            None => write!(f, ", status='terminated'")?,
        }
        if let Some(Some(code)) = *self.exit_code.lock().unwrap_or_else(|p| p.into_inner()) {
            write!(f, ", exitcode={code}")?;
        }
        if self.create_time > 0.0 {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0.0, |d| d.as_secs_f64());
            let old = now - self.create_time >= 86_400.0;
            if let Some(t) = crate::sys::syscalls::local_time_text(self.create_time, old) {
                write!(f, ", started='{t}'")?;
            }
        }
        write!(f, ")")
    }
}
