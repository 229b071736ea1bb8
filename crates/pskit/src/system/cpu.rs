//! CPU: times, utilisation, counts, statistics, frequencies, load and model.

use std::cell::RefCell;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::sys::system::cpu as backend;
use crate::{Host, Result};

/// Time the CPUs spent in each mode since boot, in seconds (psutil's `scputimes`).
///
/// Source: the `cpu` (or `cpuN`) line of /proc/stat, ticks ÷ `CLK_TCK`. As in the
/// kernel, `user` includes `guest` and `nice` includes `guest_nice`. Columns an old
/// kernel does not have are `None` (`steal` before 2.6.11, `guest` before 2.6.24,
/// `guest_nice` before 3.2); `iowait`, `irq` and `softirq` are 0 before 2.5.41.
///
/// ```
/// let t = pskit::cpu_times()?;
/// assert!(t.idle > 0.0 && t.user >= 0.0);
/// # Ok::<(), pskit::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SystemCpuTimes {
    /// Normal processes in user mode (includes `guest`).
    pub user: f64,
    /// Niced processes in user mode (includes `guest_nice`).
    pub nice: f64,
    /// Kernel mode.
    pub system: f64,
    /// Idle.
    pub idle: f64,
    /// Waiting for I/O to complete.
    pub iowait: f64,
    /// Servicing hardware interrupts.
    pub irq: f64,
    /// Servicing software interrupts.
    pub softirq: f64,
    /// Stolen by the hypervisor (Linux 2.6.11+).
    pub steal: Option<f64>,
    /// Running guest virtual CPUs (Linux 2.6.24+).
    pub guest: Option<f64>,
    /// Running niced guests (Linux 3.2+).
    pub guest_nice: Option<f64>,
}

impl SystemCpuTimes {
    /// The ten fields in order, absent ones as 0.
    fn array(&self) -> [f64; 10] {
        [
            self.user,
            self.nice,
            self.system,
            self.idle,
            self.iowait,
            self.irq,
            self.softirq,
            self.steal.unwrap_or(0.0),
            self.guest.unwrap_or(0.0),
            self.guest_nice.unwrap_or(0.0),
        ]
    }

    fn from_array(a: [f64; 10], like: &SystemCpuTimes) -> SystemCpuTimes {
        SystemCpuTimes {
            user: a[0],
            nice: a[1],
            system: a[2],
            idle: a[3],
            iowait: a[4],
            irq: a[5],
            softirq: a[6],
            steal: like.steal.map(|_| a[7]),
            guest: like.guest.map(|_| a[8]),
            guest_nice: like.guest_nice.map(|_| a[9]),
        }
    }

    pub(crate) fn from_ticks(ticks: &[u64; 10], columns: usize, clk: f64) -> SystemCpuTimes {
        let s = |i: usize| ticks[i] as f64 / clk;
        let opt = |i: usize| (columns > i).then(|| s(i));
        SystemCpuTimes {
            user: s(0),
            nice: s(1),
            system: s(2),
            idle: s(3),
            iowait: s(4),
            irq: s(5),
            softirq: s(6),
            steal: opt(7),
            guest: opt(8),
            guest_nice: opt(9),
        }
    }

    /// Total time excluding guest and guest_nice, which are already counted in user
    /// and nice (psutil's `_cpu_tot_time`).
    pub fn total(&self) -> f64 {
        let a = self.array();
        a.iter().sum::<f64>() - a[8] - a[9]
    }
}

/// Per-field deltas clamped to ≥ 0 (a counter can step back on some hypervisors).
fn deltas(t1: &SystemCpuTimes, t2: &SystemCpuTimes) -> SystemCpuTimes {
    let (a, b) = (t1.array(), t2.array());
    let mut d = [0.0; 10];
    for i in 0..10 {
        d[i] = (b[i] - a[i]).max(0.0);
    }
    SystemCpuTimes::from_array(d, t2)
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// psutil's `cpu_percent` formula: busy = total − idle − iowait over total, ×100,
/// rounded to 1 decimal; 0.0 when no time passed.
fn busy_percent(t1: &SystemCpuTimes, t2: &SystemCpuTimes) -> f64 {
    let d = deltas(t1, t2);
    let all = d.total();
    if all <= 0.0 {
        return 0.0;
    }
    let busy = all - d.idle - d.iowait;
    round1((busy / all * 100.0).clamp(0.0, 100.0))
}

/// psutil's `cpu_times_percent` formula: each field's delta over the total delta, ×100,
/// rounded to 1 decimal and clamped to [0, 100].
///
/// psutil divides by `max(1, total_delta)` with the delta in *seconds*, so over an
/// interval with less than one CPU-second in total (one CPU, interval < 1 s) its
/// percentages come out too small; pskit divides by the real total.
fn field_percents(t1: &SystemCpuTimes, t2: &SystemCpuTimes) -> SystemCpuTimes {
    let d = deltas(t1, t2);
    let all = d.total();
    let scale = if all > 0.0 { 100.0 / all } else { 0.0 };
    let mut out = d.array();
    for v in &mut out {
        *v = round1(*v * scale).clamp(0.0, 100.0);
    }
    SystemCpuTimes::from_array(out, t2)
}

/// A CPU utilisation meter that the caller owns: it keeps the previous /proc/stat
/// sample and reports utilisation since then (psutil keeps these samples in hidden
/// per-thread globals; here each sampler is independent, so two monitors do not
/// disturb each other).
///
/// The first call after [`CpuSampler::new`] measures from the moment of `new`.
///
/// ```
/// let mut s = pskit::CpuSampler::new()?;
/// std::thread::sleep(std::time::Duration::from_millis(50));
/// let pct = s.percent()?;
/// assert!((0.0..=100.0).contains(&pct));
/// assert_eq!(s.percent_percpu()?.len(), pskit::cpu_times_percpu()?.len());
/// # Ok::<(), pskit::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct CpuSampler {
    host: Host,
    last: SystemCpuTimes,
    last_percpu: Vec<SystemCpuTimes>,
}

impl CpuSampler {
    /// A sampler on the local machine, seeded with the current times.
    ///
    /// ```
    /// assert!(pskit::CpuSampler::new().is_ok());
    /// ```
    pub fn new() -> Result<CpuSampler> {
        CpuSampler::for_host(&Host::local())
    }

    /// A sampler on `host`, seeded with the current times.
    ///
    /// ```
    /// let s = pskit::CpuSampler::for_host(&pskit::Host::local())?;
    /// # Ok::<(), pskit::Error>(())
    /// ```
    pub fn for_host(host: &Host) -> Result<CpuSampler> {
        Ok(CpuSampler {
            host: host.clone(),
            last: host.cpu_times()?,
            last_percpu: host.cpu_times_percpu()?,
        })
    }

    /// System-wide utilisation in percent since the previous call of `percent` or
    /// `times_percent` (or since `new`), psutil's `cpu_percent(interval=None)`.
    ///
    /// ```
    /// let mut s = pskit::CpuSampler::new()?;
    /// assert!(s.percent()? <= 100.0);
    /// # Ok::<(), pskit::Error>(())
    /// ```
    pub fn percent(&mut self) -> Result<f64> {
        let now = self.host.cpu_times()?;
        Ok(busy_percent(&std::mem::replace(&mut self.last, now), &now))
    }

    /// Per-CPU utilisation since the previous per-CPU call (psutil's
    /// `cpu_percent(percpu=True)`), in /proc/stat order.
    ///
    /// ```
    /// let mut s = pskit::CpuSampler::new()?;
    /// assert!(s.percent_percpu()?.iter().all(|p| (0.0..=100.0).contains(p)));
    /// # Ok::<(), pskit::Error>(())
    /// ```
    pub fn percent_percpu(&mut self) -> Result<Vec<f64>> {
        let now = self.host.cpu_times_percpu()?;
        let out = self
            .last_percpu
            .iter()
            .zip(&now)
            .map(|(a, b)| busy_percent(a, b))
            .collect();
        self.last_percpu = now;
        Ok(out)
    }

    /// Percentage of time spent in each mode since the previous call (psutil's
    /// `cpu_times_percent(interval=None)`).
    ///
    /// ```
    /// let mut s = pskit::CpuSampler::new()?;
    /// let p = s.times_percent()?;
    /// assert!(p.idle >= 0.0 && p.idle <= 100.0);
    /// # Ok::<(), pskit::Error>(())
    /// ```
    pub fn times_percent(&mut self) -> Result<SystemCpuTimes> {
        let now = self.host.cpu_times()?;
        Ok(field_percents(
            &std::mem::replace(&mut self.last, now),
            &now,
        ))
    }

    /// Per-CPU percentages by mode since the previous per-CPU call.
    ///
    /// ```
    /// let mut s = pskit::CpuSampler::new()?;
    /// assert!(!s.times_percent_percpu()?.is_empty());
    /// # Ok::<(), pskit::Error>(())
    /// ```
    pub fn times_percent_percpu(&mut self) -> Result<Vec<SystemCpuTimes>> {
        let now = self.host.cpu_times_percpu()?;
        let out = self
            .last_percpu
            .iter()
            .zip(&now)
            .map(|(a, b)| field_percents(a, b))
            .collect();
        self.last_percpu = now;
        Ok(out)
    }
}

/// Statistics counters since boot (psutil's `scpustats`).
///
/// ```
/// let s = pskit::cpu_stats()?;
/// assert!(s.ctx_switches > 0 && s.interrupts > 0);
/// assert_eq!(s.syscalls, 0);
/// # Ok::<(), pskit::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CpuStats {
    /// Context switches (`ctxt` of /proc/stat).
    pub ctx_switches: u64,
    /// Interrupts (first number of the `intr` line).
    pub interrupts: u64,
    /// Soft interrupts (first number of `softirq`; 0 before Linux 2.6.31).
    pub soft_interrupts: u64,
    /// Always 0 on Linux (the kernel does not count them), as in psutil.
    pub syscalls: u64,
}

/// Process creation and run-queue counts from /proc/stat (node_exporter's stat
/// collector; psutil has no equivalent). Each is `None` when its line is missing.
///
/// ```
/// let s = pskit::kernel_process_stats()?;
/// assert!(s.forks.unwrap() > 0 && s.procs_running.unwrap() >= 1);
/// # Ok::<(), pskit::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct KernelProcessStats {
    /// Processes and threads created since boot (`processes`).
    pub forks: Option<u64>,
    /// Tasks runnable now (`procs_running`, since Linux 2.5.45).
    pub procs_running: Option<u64>,
    /// Tasks blocked on I/O now (`procs_blocked`, since Linux 2.5.45).
    pub procs_blocked: Option<u64>,
}

/// A CPU frequency in MHz (psutil's `scpufreq`).
///
/// `min` and `max` are 0.0 when they are unknown (no cpufreq in sysfs: virtual machines).
///
/// ```
/// if let Some(f) = pskit::cpu_freq()? {
///     assert!(f.current > 0.0);
/// }
/// # Ok::<(), pskit::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CpuFreq {
    /// Current frequency.
    pub current: f64,
    /// Lowest frequency the governor may pick (`scaling_min_freq`).
    pub min: f64,
    /// Highest frequency the governor may pick (`scaling_max_freq`).
    pub max: f64,
}

/// One CPU cache as described in `{sys}/devices/system/cpu/cpu0/cache/index*`.
///
/// ```
/// for c in pskit::cpu_info()?.caches {
///     assert!(c.level >= 1);
/// }
/// # Ok::<(), pskit::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CpuCache {
    /// 1, 2, 3…
    pub level: u32,
    /// `Data`, `Instruction` or `Unified`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Size in bytes.
    pub size: u64,
}

/// What the CPU is (not in psutil): from /proc/cpuinfo and sysfs.
///
/// ```
/// let info = pskit::cpu_info()?;
/// if cfg!(target_arch = "x86_64") {
///     assert!(info.flags.iter().any(|f| f == "sse2"));
/// }
/// # Ok::<(), pskit::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CpuInfo {
    /// `vendor_id` (x86, e.g. `GenuineIntel`) or `CPU implementer` (ARM, e.g. `0x41`);
    /// `None` if the kernel does not say.
    pub vendor: Option<String>,
    /// `model name` (x86) or `Processor`/`cpu model`; `None` if absent (most ARM).
    pub model_name: Option<String>,
    /// `flags` (x86) or `Features` (ARM) of the first CPU.
    pub flags: Vec<String>,
    /// Caches of CPU 0 from sysfs; empty when sysfs does not describe them.
    pub caches: Vec<CpuCache>,
    /// `cache size` of /proc/cpuinfo in bytes (x86 only; the last-level cache).
    pub cache_size: Option<u64>,
}

impl Host {
    /// System-wide CPU times (psutil `cpu_times()`), from `{proc}/stat`.
    ///
    /// ```
    /// let t = pskit::Host::local().cpu_times()?;
    /// assert!(t.total() > 0.0);
    /// # Ok::<(), pskit::Error>(())
    /// ```
    pub fn cpu_times(&self) -> Result<SystemCpuTimes> {
        backend::cpu_times(&self.inner)
    }

    /// Per-CPU times (psutil `cpu_times(percpu=True)`), in /proc/stat order; offline
    /// CPUs are absent.
    ///
    /// ```
    /// assert!(!pskit::Host::local().cpu_times_percpu()?.is_empty());
    /// # Ok::<(), pskit::Error>(())
    /// ```
    pub fn cpu_times_percpu(&self) -> Result<Vec<SystemCpuTimes>> {
        backend::cpu_times_percpu(&self.inner)
    }

    /// Per-CPU times keyed by the kernel's CPU number (the `N` of `cpuN` in
    /// `{proc}/stat`), so offline CPUs leave a gap instead of shifting the others.
    ///
    /// ```
    /// let t = pskit::Host::local().cpu_times_numbered()?;
    /// assert!(t.windows(2).all(|w| w[0].0 < w[1].0));
    /// # Ok::<(), pskit::Error>(())
    /// ```
    pub fn cpu_times_numbered(&self) -> Result<Vec<(u32, SystemCpuTimes)>> {
        backend::cpu_times_numbered(&self.inner)
    }

    /// Forks since boot and run-queue counts, from `{proc}/stat`.
    ///
    /// ```
    /// assert!(pskit::Host::local().kernel_process_stats()?.forks.is_some());
    /// # Ok::<(), pskit::Error>(())
    /// ```
    pub fn kernel_process_stats(&self) -> Result<KernelProcessStats> {
        backend::kernel_process_stats(&self.inner)
    }

    /// Logical CPUs online (psutil `cpu_count()`): the `{sys}/devices/system/cpu/online`
    /// list, else `processor` lines of /proc/cpuinfo, else `cpuN` lines of /proc/stat.
    /// `None` if nothing says.
    ///
    /// ```
    /// assert!(pskit::Host::local().cpu_count()?.unwrap() >= 1);
    /// # Ok::<(), pskit::Error>(())
    /// ```
    pub fn cpu_count(&self) -> Result<Option<usize>> {
        backend::cpu_count_logical(&self.inner)
    }

    /// Physical cores (psutil `cpu_count(logical=False)`): distinct
    /// `topology/core_cpus_list` (or `thread_siblings_list`) of every CPU, else the sum
    /// of `cpu cores` per `physical id` in /proc/cpuinfo; `None` if unknown.
    ///
    /// ```
    /// let h = pskit::Host::local();
    /// if let Some(cores) = h.cpu_count_physical()? {
    ///     assert!(cores <= h.cpu_count()?.unwrap());
    /// }
    /// # Ok::<(), pskit::Error>(())
    /// ```
    pub fn cpu_count_physical(&self) -> Result<Option<usize>> {
        backend::cpu_count_physical(&self.inner)
    }

    /// CPU statistics (psutil `cpu_stats()`), from `{proc}/stat`.
    ///
    /// ```
    /// assert!(pskit::Host::local().cpu_stats()?.ctx_switches > 0);
    /// # Ok::<(), pskit::Error>(())
    /// ```
    pub fn cpu_stats(&self) -> Result<CpuStats> {
        backend::cpu_stats(&self.inner)
    }

    /// Per-CPU frequencies, one entry per **online** CPU (psutil 8.0's rule; 7.2 gives
    /// one per cpufreq policy and `(0,0,0)` for offline CPUs). Sources:
    /// `{sys}/devices/system/cpu/cpuN/cpufreq/scaling_{cur,min,max}_freq` (kHz), with
    /// `current` taken from /proc/cpuinfo's `cpu MHz` when it has one line per entry
    /// (psutil #1851); without cpufreq, `cpu MHz` with min = max = 0.0. Empty if none.
    ///
    /// ```
    /// let h = pskit::Host::local();
    /// let f = h.cpu_freq_percpu()?;
    /// assert!(f.is_empty() || f.len() == h.cpu_count()?.unwrap());
    /// # Ok::<(), pskit::Error>(())
    /// ```
    pub fn cpu_freq_percpu(&self) -> Result<Vec<CpuFreq>> {
        backend::cpu_freq(&self.inner)
    }

    /// The average of [`Host::cpu_freq_percpu`] (psutil `cpu_freq()`); `None` if there
    /// are no entries.
    ///
    /// ```
    /// let _ = pskit::Host::local().cpu_freq()?;
    /// # Ok::<(), pskit::Error>(())
    /// ```
    pub fn cpu_freq(&self) -> Result<Option<CpuFreq>> {
        let all = self.cpu_freq_percpu()?;
        if all.is_empty() {
            return Ok(None);
        }
        let n = all.len() as f64;
        let avg = |f: fn(&CpuFreq) -> f64| all.iter().map(f).sum::<f64>() / n;
        Ok(Some(CpuFreq {
            current: avg(|f| f.current),
            min: avg(|f| f.min),
            max: avg(|f| f.max),
        }))
    }

    /// Load averages over 1, 5 and 15 minutes (psutil `getloadavg()`), from
    /// `{proc}/loadavg` (psutil calls libc, which always reads /proc).
    ///
    /// ```
    /// let (one, five, fifteen) = pskit::Host::local().getloadavg()?;
    /// assert!(one >= 0.0 && five >= 0.0 && fifteen >= 0.0);
    /// # Ok::<(), pskit::Error>(())
    /// ```
    pub fn getloadavg(&self) -> Result<(f64, f64, f64)> {
        backend::loadavg(&self.inner)
    }

    /// CPU vendor, model, flags and caches (not in psutil).
    ///
    /// ```
    /// let _ = pskit::Host::local().cpu_info()?;
    /// # Ok::<(), pskit::Error>(())
    /// ```
    pub fn cpu_info(&self) -> Result<CpuInfo> {
        backend::cpu_info(&self.inner)
    }

    /// Boot time in seconds since the epoch (psutil `boot_time()`), the `btime` line of
    /// `{proc}/stat`, read once per host and cached.
    ///
    /// ```
    /// assert!(pskit::Host::local().boot_time()? > 1e9);
    /// # Ok::<(), pskit::Error>(())
    /// ```
    pub fn boot_time(&self) -> Result<f64> {
        self.inner.boot_time()
    }
}

/// [`Host::cpu_times`] on the local machine (psutil `cpu_times()`).
///
/// ```
/// assert!(pskit::cpu_times()?.idle > 0.0);
/// # Ok::<(), pskit::Error>(())
/// ```
pub fn cpu_times() -> Result<SystemCpuTimes> {
    Host::local().cpu_times()
}

/// [`Host::cpu_times_percpu`] on the local machine (psutil `cpu_times(percpu=True)`).
///
/// ```
/// assert!(!pskit::cpu_times_percpu()?.is_empty());
/// # Ok::<(), pskit::Error>(())
/// ```
pub fn cpu_times_percpu() -> Result<Vec<SystemCpuTimes>> {
    Host::local().cpu_times_percpu()
}

thread_local! {
    static PERCENT: RefCell<Option<CpuSampler>> = const { RefCell::new(None) };
    static TIMES_PERCENT: RefCell<Option<CpuSampler>> = const { RefCell::new(None) };
}

/// Runs `f` on a sampler: a fresh one measured over `interval` (blocking), or this
/// thread's stored one (since the previous call in this thread).
fn sample<T>(
    store: &'static std::thread::LocalKey<RefCell<Option<CpuSampler>>>,
    interval: Option<Duration>,
    f: impl FnOnce(&mut CpuSampler) -> Result<T>,
) -> Result<T> {
    match interval {
        Some(d) if !d.is_zero() => {
            let mut s = CpuSampler::new()?;
            std::thread::sleep(d);
            f(&mut s)
        }
        _ => store.with(|cell| {
            let mut slot = cell.borrow_mut();
            if slot.is_none() {
                *slot = Some(CpuSampler::new()?);
            }
            f(slot.as_mut().expect("just set"))
        }),
    }
}

/// System-wide CPU utilisation in percent (psutil `cpu_percent(interval)`).
///
/// With `Some(interval)` it blocks for that long and measures over it. With `None` (or
/// zero) it compares with the previous call **in this thread**, as psutil does; the
/// first such call in a thread returns 0.0 (psutil seeds at import time instead). For
/// independent meters use a [`CpuSampler`].
///
/// ```
/// let p = pskit::cpu_percent(Some(std::time::Duration::from_millis(100)))?;
/// assert!((0.0..=100.0).contains(&p));
/// assert!(pskit::cpu_percent(None)? <= 100.0); // since the previous call in this thread
/// # Ok::<(), pskit::Error>(())
/// ```
pub fn cpu_percent(interval: Option<Duration>) -> Result<f64> {
    sample(&PERCENT, interval, |s| s.percent())
}

/// Per-CPU utilisation (psutil `cpu_percent(interval, percpu=True)`).
///
/// ```
/// let p = pskit::cpu_percent_percpu(Some(std::time::Duration::from_millis(50)))?;
/// assert_eq!(p.len(), pskit::cpu_times_percpu()?.len());
/// # Ok::<(), pskit::Error>(())
/// ```
pub fn cpu_percent_percpu(interval: Option<Duration>) -> Result<Vec<f64>> {
    sample(&PERCENT, interval, |s| s.percent_percpu())
}

/// Percent of time per mode (psutil `cpu_times_percent(interval)`); its own state,
/// separate from [`cpu_percent`]'s, as in psutil.
///
/// ```
/// let p = pskit::cpu_times_percent(Some(std::time::Duration::from_millis(50)))?;
/// assert!(p.user <= 100.0);
/// # Ok::<(), pskit::Error>(())
/// ```
pub fn cpu_times_percent(interval: Option<Duration>) -> Result<SystemCpuTimes> {
    sample(&TIMES_PERCENT, interval, |s| s.times_percent())
}

/// Per-CPU percent of time per mode (psutil `cpu_times_percent(percpu=True)`).
///
/// ```
/// let p = pskit::cpu_times_percent_percpu(Some(std::time::Duration::from_millis(50)))?;
/// assert!(!p.is_empty());
/// # Ok::<(), pskit::Error>(())
/// ```
pub fn cpu_times_percent_percpu(interval: Option<Duration>) -> Result<Vec<SystemCpuTimes>> {
    sample(&TIMES_PERCENT, interval, |s| s.times_percent_percpu())
}

/// [`Host::cpu_count`] on the local machine (psutil `cpu_count()`).
///
/// ```
/// assert!(pskit::cpu_count()?.unwrap() >= 1);
/// # Ok::<(), pskit::Error>(())
/// ```
pub fn cpu_count() -> Result<Option<usize>> {
    Host::local().cpu_count()
}

/// [`Host::cpu_count_physical`] on the local machine (psutil `cpu_count(logical=False)`).
///
/// ```
/// assert!(pskit::cpu_count_physical()?.unwrap_or(1) >= 1);
/// # Ok::<(), pskit::Error>(())
/// ```
pub fn cpu_count_physical() -> Result<Option<usize>> {
    Host::local().cpu_count_physical()
}

/// [`Host::kernel_process_stats`] on the local machine.
///
/// ```
/// assert!(pskit::kernel_process_stats()?.forks.is_some());
/// # Ok::<(), pskit::Error>(())
/// ```
pub fn kernel_process_stats() -> Result<KernelProcessStats> {
    Host::local().kernel_process_stats()
}

/// [`Host::cpu_stats`] on the local machine.
///
/// ```
/// assert!(pskit::cpu_stats()?.interrupts > 0);
/// # Ok::<(), pskit::Error>(())
/// ```
pub fn cpu_stats() -> Result<CpuStats> {
    Host::local().cpu_stats()
}

/// [`Host::cpu_freq`] on the local machine.
///
/// ```
/// let _ = pskit::cpu_freq()?;
/// # Ok::<(), pskit::Error>(())
/// ```
pub fn cpu_freq() -> Result<Option<CpuFreq>> {
    Host::local().cpu_freq()
}

/// [`Host::cpu_freq_percpu`] on the local machine.
///
/// ```
/// let _ = pskit::cpu_freq_percpu()?;
/// # Ok::<(), pskit::Error>(())
/// ```
pub fn cpu_freq_percpu() -> Result<Vec<CpuFreq>> {
    Host::local().cpu_freq_percpu()
}

/// [`Host::getloadavg`] on the local machine.
///
/// ```
/// assert!(pskit::getloadavg()?.0 >= 0.0);
/// # Ok::<(), pskit::Error>(())
/// ```
pub fn getloadavg() -> Result<(f64, f64, f64)> {
    Host::local().getloadavg()
}

/// [`Host::cpu_info`] on the local machine.
///
/// ```
/// let _ = pskit::cpu_info()?.model_name;
/// # Ok::<(), pskit::Error>(())
/// ```
pub fn cpu_info() -> Result<CpuInfo> {
    Host::local().cpu_info()
}

/// [`Host::boot_time`] on the local machine (psutil `boot_time()`).
///
/// ```
/// let now = std::time::SystemTime::now()
///     .duration_since(std::time::UNIX_EPOCH).unwrap().as_secs_f64();
/// assert!(pskit::boot_time()? < now);
/// # Ok::<(), pskit::Error>(())
/// ```
pub fn boot_time() -> Result<f64> {
    Host::local().boot_time()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(user: f64, idle: f64, guest: f64) -> SystemCpuTimes {
        SystemCpuTimes {
            user,
            idle,
            guest: Some(guest),
            steal: Some(0.0),
            guest_nice: Some(0.0),
            ..Default::default()
        }
    }

    #[test]
    fn formulas() {
        // 30 s user (10 of them guest) and 70 s idle: guest is not counted twice.
        let a = t(0.0, 0.0, 0.0);
        let b = t(30.0, 70.0, 10.0);
        assert_eq!(busy_percent(&a, &b), 30.0);
        let p = field_percents(&a, &b);
        assert_eq!((p.user, p.idle, p.guest), (30.0, 70.0, Some(10.0)));
        // No time passed: 0.0, not NaN.
        assert_eq!(busy_percent(&b, &b), 0.0);
        assert_eq!(field_percents(&b, &b).idle, 0.0);
        // A counter going backwards is clamped to 0.
        let c = t(29.0, 80.0, 10.0);
        assert_eq!(busy_percent(&b, &c), 0.0);
        // Rounding to one decimal.
        assert_eq!(busy_percent(&a, &t(1.0, 2.0, 0.0)), 33.3);
        // Short intervals on one CPU: psutil's max(1, total) would give 25.0 here.
        let p = field_percents(&a, &t(0.25, 0.25, 0.0));
        assert_eq!(p.user, 50.0);
    }

    #[test]
    fn old_kernel_fields_stay_absent() {
        let mut ticks = [0u64; 10];
        ticks[..7].copy_from_slice(&[100, 0, 100, 800, 0, 0, 0]);
        let a = SystemCpuTimes::from_ticks(&ticks, 7, 100.0);
        assert_eq!((a.steal, a.guest, a.guest_nice), (None, None, None));
        let p = field_percents(&a, &a);
        assert_eq!(p.steal, None);
    }
}
