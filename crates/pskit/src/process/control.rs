//! What acts on a process (setters, signals, wait) and its place in the tree.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use super::types::*;
use super::Process;
use crate::sys::{self, syscalls};
use crate::{Error, Result};

/// The memory figures `memory_percent` accepts (psutil's `memtype`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MemoryType {
    /// Resident set size (psutil's default).
    Rss,
    /// Virtual size.
    Vms,
    /// Shared.
    Shared,
    /// Text.
    Text,
    /// Always 0 on Linux.
    Lib,
    /// Data + stack.
    Data,
    /// Always 0 on Linux.
    Dirty,
    /// Unique set size (reads smaps_rollup).
    Uss,
    /// Proportional set size (reads smaps_rollup).
    Pss,
    /// Swap (reads smaps_rollup).
    Swap,
}

impl std::str::FromStr for MemoryType {
    type Err = Error;
    /// Parses psutil's names; anything else is psutil's ValueError.
    fn from_str(s: &str) -> Result<Self> {
        Ok(match s {
            "rss" => MemoryType::Rss,
            "vms" => MemoryType::Vms,
            "shared" => MemoryType::Shared,
            "text" => MemoryType::Text,
            "lib" => MemoryType::Lib,
            "data" => MemoryType::Data,
            "dirty" => MemoryType::Dirty,
            "uss" => MemoryType::Uss,
            "pss" => MemoryType::Pss,
            "swap" => MemoryType::Swap,
            other => {
                return Err(Error::InvalidArgument(format!(
                    "invalid memtype {other:?}; valid types are rss, vms, shared, text, lib, data, dirty, uss, pss, swap"
                )))
            }
        })
    }
}

/// The signals `send_signal` is usually given, by this platform's numbers.
pub mod signal {
    use crate::sys::process::control::signals;
    /// Hang up.
    pub const SIGHUP: i32 = signals::SIGHUP;
    /// Interrupt (Ctrl-C).
    pub const SIGINT: i32 = signals::SIGINT;
    /// Kill, cannot be caught.
    pub const SIGKILL: i32 = signals::SIGKILL;
    /// User signal 1.
    pub const SIGUSR1: i32 = signals::SIGUSR1;
    /// User signal 2.
    pub const SIGUSR2: i32 = signals::SIGUSR2;
    /// Terminate.
    pub const SIGTERM: i32 = signals::SIGTERM;
    /// Continue if stopped.
    pub const SIGCONT: i32 = signals::SIGCONT;
    /// Stop, cannot be caught.
    pub const SIGSTOP: i32 = signals::SIGSTOP;
}

impl Process {
    fn syscall_result<R>(&self, what: &str, r: std::io::Result<R>) -> Result<R> {
        self.oneshot().snap.syscall(what, r)
    }

    /// Memory use as a percentage of total physical memory (MemTotal), for one of
    /// psutil's memory types. Not rounded.
    ///
    /// ```
    /// use pskit::MemoryType;
    /// let p = pskit::Process::current().unwrap();
    /// let pct = p.memory_percent(MemoryType::Rss).unwrap();
    /// assert!(pct > 0.0 && pct < 100.0);
    /// let uss: MemoryType = "uss".parse().unwrap();
    /// assert!(p.memory_percent(uss).unwrap() <= pct);
    /// ```
    pub fn memory_percent(&self, memtype: MemoryType) -> Result<f64> {
        let total = sys::process::total_memory(&self.host().inner)?;
        self.oneshot().memory_percent_of(memtype, total)
    }

    /// Sets the nice value (`setpriority`). Refuses a reused PID.
    ///
    /// ```no_run
    /// pskit::Process::current().unwrap().set_nice(10).unwrap();
    /// ```
    pub fn set_nice(&self, value: i32) -> Result<()> {
        self.check_identity()?;
        self.syscall_result("setpriority", syscalls::set_nice(self.pid(), value))
    }

    /// Sets the I/O class and level (`ioprio_set`). `value` must be 0..=7, and `None`
    /// (0) for the idle and none classes, as psutil checks.
    ///
    /// ```no_run
    /// use pskit::IoPriorityClass;
    /// pskit::Process::current().unwrap().set_ionice(IoPriorityClass::BestEffort, Some(4)).unwrap();
    /// ```
    pub fn set_ionice(&self, ioclass: IoPriorityClass, value: Option<u32>) -> Result<()> {
        if matches!(ioclass, IoPriorityClass::None | IoPriorityClass::Idle)
            && value.is_some_and(|v| v != 0)
        {
            return Err(Error::InvalidArgument(format!(
                "{ioclass:?} ioclass accepts no value"
            )));
        }
        let value = value.unwrap_or(0);
        if value > 7 {
            return Err(Error::InvalidArgument("value not in 0-7 range".into()));
        }
        self.check_identity()?;
        self.syscall_result(
            "ioprio_set",
            syscalls::set_ionice(self.pid(), ioclass, value),
        )
    }

    /// Sets a resource limit (`prlimit`); [`RLIM_INFINITY`] means unlimited.
    ///
    /// ```no_run
    /// use pskit::{Rlimit, RlimitResource};
    /// let p = pskit::Process::current().unwrap();
    /// p.set_rlimit(RlimitResource::Nofile, Rlimit { soft: 1024, hard: 4096 }).unwrap();
    /// ```
    pub fn set_rlimit(&self, resource: RlimitResource, limits: Rlimit) -> Result<()> {
        self.check_identity()?;
        self.syscall_result(
            "prlimit",
            syscalls::set_rlimit(self.pid(), resource, limits),
        )
    }

    /// Pins the process to `cpus` (`sched_setaffinity`). An empty list means every
    /// eligible CPU (psutil's rule). A CPU that does not exist is `InvalidArgument`.
    ///
    /// ```no_run
    /// let p = pskit::Process::current().unwrap();
    /// p.set_cpu_affinity(&[0]).unwrap();
    /// p.set_cpu_affinity(&[]).unwrap(); // back to all
    /// ```
    pub fn set_cpu_affinity(&self, cpus: &[usize]) -> Result<()> {
        let eligible = self.oneshot().snap.eligible_cpus()?;
        let cpus: Vec<usize> = if cpus.is_empty() {
            eligible.clone()
        } else {
            cpus.to_vec()
        };
        if let Some(bad) = cpus.iter().find(|c| !eligible.contains(c)) {
            return Err(Error::InvalidArgument(format!(
                "invalid CPU {bad}; choose between {eligible:?}"
            )));
        }
        self.check_identity()?;
        self.syscall_result(
            "sched_setaffinity",
            syscalls::set_affinity(self.pid(), &cpus),
        )
    }

    /// Sends signal `sig` (see [`signal`]). Refuses a reused PID (`NoSuchProcess`);
    /// a process that has gone is `NoSuchProcess`, one we may not signal
    /// `AccessDenied`.
    ///
    /// ```no_run
    /// pskit::Process::new(1234).unwrap().send_signal(pskit::signal::SIGTERM).unwrap();
    /// ```
    pub fn send_signal(&self, sig: i32) -> Result<()> {
        if self.pid() == 0 {
            return Err(Error::InvalidArgument(
                "preventing sending signal to process with PID 0".into(),
            ));
        }
        self.check_identity()?;
        sys::process::control::send_signal(self.pid(), sig, self.last_name())
    }

    /// SIGSTOP.
    ///
    /// ```no_run
    /// pskit::Process::new(1234).unwrap().suspend().unwrap();
    /// ```
    pub fn suspend(&self) -> Result<()> {
        self.send_signal(signal::SIGSTOP)
    }

    /// SIGCONT.
    ///
    /// ```no_run
    /// pskit::Process::new(1234).unwrap().resume().unwrap();
    /// ```
    pub fn resume(&self) -> Result<()> {
        self.send_signal(signal::SIGCONT)
    }

    /// SIGTERM.
    ///
    /// ```no_run
    /// pskit::Process::new(1234).unwrap().terminate().unwrap();
    /// ```
    pub fn terminate(&self) -> Result<()> {
        self.send_signal(signal::SIGTERM)
    }

    /// SIGKILL.
    ///
    /// ```no_run
    /// pskit::Process::new(1234).unwrap().kill().unwrap();
    /// ```
    pub fn kill(&self) -> Result<()> {
        self.send_signal(signal::SIGKILL)
    }

    /// Waits for the process to end: its exit code, or minus the signal that killed it,
    /// for a child of the caller; `None` for any other process (its status belongs to
    /// its parent). `timeout` of `None` waits forever, zero does not block; on expiry
    /// `TimeoutExpired`. Uses `pidfd_open` + `poll` (no busy loop); the code is kept,
    /// so later calls return it again.
    ///
    /// ```
    /// let child = std::process::Command::new("true").spawn().unwrap();
    /// let p = pskit::Process::new(child.id()).unwrap();
    /// assert_eq!(p.wait(None).unwrap(), Some(0));
    /// ```
    pub fn wait(&self, timeout: Option<Duration>) -> Result<ExitCode> {
        if self.pid() == 0 {
            return Err(Error::InvalidArgument("can't wait for PID 0".into()));
        }
        if let Some(code) = *self.exit_code.lock().unwrap_or_else(|p| p.into_inner()) {
            return Ok(code);
        }
        let code = self.wait_inner(timeout)?;
        *self.exit_code.lock().unwrap_or_else(|p| p.into_inner()) = Some(code);
        Ok(code)
    }

    fn timeout_error(&self, timeout: Option<Duration>) -> Error {
        Error::TimeoutExpired {
            seconds: timeout.map(|d| d.as_secs_f64()).unwrap_or(0.0),
            pid: Some(self.pid()),
            name: Some(self.last_name().clone()),
        }
    }

    fn wait_inner(&self, timeout: Option<Duration>) -> Result<ExitCode> {
        sys::process::control::wait(
            self.pid(),
            timeout,
            || self.check_identity().is_ok(),
            || self.timeout_error(timeout),
        )
    }

    /// The parent process, or `None` for the lowest PID (init) or when the parent has
    /// gone or its PID was reused (its start time is later than ours).
    ///
    /// ```
    /// let parent = pskit::Process::current().unwrap().parent().unwrap().unwrap();
    /// assert_eq!(parent.pid(), std::os::unix::process::parent_id());
    /// ```
    pub fn parent(&self) -> Result<Option<Process>> {
        let ppid = self.ppid()?;
        let lowest = crate::process::table::pids_of(self.host())?
            .first()
            .copied()
            .unwrap_or(1);
        if self.pid() == lowest || ppid == 0 {
            return Ok(None);
        }
        match Process::with_host(self.host(), ppid) {
            Ok(parent) if parent.create_time() <= self.create_time() => Ok(Some(parent)),
            Ok(_) => Ok(None),
            Err(e) if e.is_gone() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Every ancestor, nearest first.
    ///
    /// ```
    /// let ancestors = pskit::Process::current().unwrap().parents().unwrap();
    /// assert!(!ancestors.is_empty());
    /// ```
    pub fn parents(&self) -> Result<Vec<Process>> {
        let mut out: Vec<Process> = Vec::new();
        let mut seen = HashSet::new();
        let mut cur = self.parent()?;
        while let Some(p) = cur {
            if !seen.insert(p.pid()) {
                break;
            }
            cur = p.parent()?;
            out.push(p);
        }
        Ok(out)
    }

    /// Direct children, or all descendants when `recursive` (depth first, cycle-safe).
    /// A child counts only if it started after this process (PID reuse guard).
    ///
    /// ```
    /// let mut child = std::process::Command::new("sleep").arg("5").spawn().unwrap();
    /// let kids = pskit::Process::current().unwrap().children(false).unwrap();
    /// assert!(kids.iter().any(|k| k.pid() == child.id()));
    /// child.kill().unwrap();
    /// child.wait().unwrap();
    /// ```
    pub fn children(&self, recursive: bool) -> Result<Vec<Process>> {
        self.check_identity()?;
        let table = crate::process::table::ppid_map(self.host())?;
        let mut by_parent: HashMap<u32, Vec<&Process>> = HashMap::new();
        for (proc_, ppid) in &table {
            by_parent.entry(*ppid).or_default().push(proc_);
        }
        let mut out = Vec::new();
        let mut seen = HashSet::from([self.pid()]);
        let mut stack: Vec<(u32, f64)> = vec![(self.pid(), self.create_time())];
        while let Some((pid, ctime)) = stack.pop() {
            for child in by_parent.get(&pid).map(Vec::as_slice).unwrap_or(&[]) {
                if child.create_time() < ctime || !seen.insert(child.pid()) {
                    continue;
                }
                out.push((*child).clone());
                if recursive {
                    stack.push((child.pid(), child.create_time()));
                }
            }
            if !recursive {
                break;
            }
        }
        out.sort_by_key(|p| p.pid());
        Ok(out)
    }
}

impl super::Oneshot<'_> {
    /// [`Process::memory_percent`] against a known total (the table scan reads
    /// MemTotal once).
    pub(crate) fn memory_percent_of(&self, memtype: MemoryType, total: u64) -> Result<f64> {
        if total == 0 {
            return Err(Error::NotSupported("MemTotal is 0".into()));
        }
        let value = match memtype {
            MemoryType::Uss | MemoryType::Pss | MemoryType::Swap => {
                let f = self.memory_footprint()?;
                match memtype {
                    MemoryType::Uss => f.uss,
                    MemoryType::Pss => f.pss,
                    _ => f.swap,
                }
            }
            _ => {
                let m = self.memory_info()?;
                match memtype {
                    MemoryType::Rss => m.rss,
                    MemoryType::Vms => m.vms,
                    MemoryType::Shared => m.shared,
                    MemoryType::Text => m.text,
                    MemoryType::Lib => m.lib,
                    MemoryType::Data => m.data,
                    _ => m.dirty,
                }
            }
        };
        Ok(value as f64 / total as f64 * 100.0)
    }
}
