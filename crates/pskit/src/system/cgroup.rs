//! Container limits: cgroup memory and CPU (no psutil equivalent).

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::sys::system::cgroup as backend;
use crate::{Host, Result};

/// Memory use and limits of a cgroup.
///
/// v2 files: `memory.current`, `memory.max`, `memory.high`, `memory.swap.current`,
/// `memory.swap.max`, `memory.stat`. v1 files: `memory.usage_in_bytes`,
/// `memory.limit_in_bytes`, `memory.memsw.*` (swap = memsw − memory), `memory.stat`.
///
/// ```
/// if let Ok(m) = pskit::cgroup_memory(None) {
///     assert!(m.version == 1 || m.version == 2);
///     assert!(m.max.map_or(true, |max| max > 0));
/// }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CgroupMemory {
    /// 2 for the unified hierarchy, 1 for the legacy memory controller.
    pub version: u8,
    /// The cgroup directory read.
    #[serde(with = "crate::serde_os")]
    pub path: PathBuf,
    /// Bytes in use (page cache included).
    pub current: u64,
    /// The hard limit; `None` when unlimited.
    pub max: Option<u64>,
    /// The v2 throttling limit `memory.high`; `None` when unlimited or on v1.
    pub high: Option<u64>,
    /// Swap in use; `None` when the kernel does not account swap here.
    pub swap_current: Option<u64>,
    /// The swap limit; `None` when unlimited or not accounted.
    pub swap_max: Option<u64>,
    /// Every `memory.stat` counter (`anon`, `file`, … on v2; `rss`, `cache`, … on v1).
    pub stat: BTreeMap<String, u64>,
}

/// CPU quota and usage of a cgroup.
///
/// v2 files: `cpu.max` and `cpu.stat`. v1 files: `cpu.cfs_quota_us`,
/// `cpu.cfs_period_us`, `cpu.stat` (throttling), `cpuacct.usage`, `cpuacct.stat`.
///
/// ```
/// if let Ok(c) = pskit::cgroup_cpu(None) {
///     assert!(c.period_us > 0);
/// }
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CgroupCpu {
    /// 2 or 1.
    pub version: u8,
    /// The cgroup directory read (the `cpu` controller's, on v1).
    #[serde(with = "crate::serde_os")]
    pub path: PathBuf,
    /// CPU time allowed per period, µs; `None` when unlimited.
    pub quota_us: Option<u64>,
    /// The period, µs.
    pub period_us: u64,
    /// quota / period: how many CPUs' worth the cgroup may use; `None` when unlimited.
    pub limit: Option<f64>,
    /// CPU time used, µs (v1: `cpuacct.usage` ns ÷ 1000); `None` if not available.
    pub usage_usec: Option<u64>,
    /// User time, µs (v1: `cpuacct.stat` ticks converted).
    pub user_usec: Option<u64>,
    /// System time, µs.
    pub system_usec: Option<u64>,
    /// Enforcement periods elapsed.
    pub nr_periods: Option<u64>,
    /// Periods in which the cgroup was throttled.
    pub nr_throttled: Option<u64>,
    /// Total time throttled, µs (v1: `throttled_time` ns ÷ 1000).
    pub throttled_usec: Option<u64>,
}

impl Host {
    /// Memory of `cgroup` (a path as in /proc/PID/cgroup, e.g. `/system.slice/x`), or
    /// of our own cgroup (from `{proc}/self/cgroup`) when `None`, read under
    /// `{sys}/fs/cgroup`: the unified (v2) hierarchy first, then the v1 `memory`
    /// controller. When the named directory is not visible (a container with its own
    /// cgroup namespace mounts its cgroup as the root), the mount root is read.
    /// [`crate::Error::NotSupported`] when no memory controller is mounted.
    ///
    /// ```
    /// let h = pskit::Host::with_roots("/nonexistent/proc", "/nonexistent/sys");
    /// assert!(h.cgroup_memory(None).is_err());
    /// ```
    pub fn cgroup_memory(&self, cgroup: Option<&str>) -> Result<CgroupMemory> {
        backend::memory(&self.inner, cgroup)
    }

    /// CPU quota and usage of `cgroup` (or our own), as for [`Host::cgroup_memory`].
    ///
    /// ```
    /// let h = pskit::Host::with_roots("/nonexistent/proc", "/nonexistent/sys");
    /// assert!(h.cgroup_cpu(None).is_err());
    /// ```
    pub fn cgroup_cpu(&self, cgroup: Option<&str>) -> Result<CgroupCpu> {
        backend::cpu(&self.inner, cgroup)
    }

    /// CPUs this process can really use: the number in its affinity mask
    /// (sched_getaffinity), lowered to ⌈quota / period⌉ of its cgroup's CPU limit when
    /// there is one. This is what a thread pool should be sized to in a container.
    ///
    /// ```
    /// let n = pskit::Host::local().cpu_count_usable()?;
    /// assert!(n >= 1 && n <= pskit::cpu_count()?.unwrap());
    /// # Ok::<(), pskit::Error>(())
    /// ```
    pub fn cpu_count_usable(&self) -> Result<usize> {
        let affinity = rustix::thread::sched_getaffinity(None)
            .map(|s| s.count() as usize)
            .map_err(|e| crate::Error::io("sched_getaffinity", e.into()))?;
        let quota = self
            .cgroup_cpu(None)
            .ok()
            .and_then(|c| c.limit)
            .map(|l| (l.ceil() as usize).max(1));
        Ok(quota.map_or(affinity, |q| q.min(affinity)).max(1))
    }
}

/// [`Host::cgroup_memory`] on the local machine.
///
/// ```
/// let _ = pskit::cgroup_memory(None);
/// ```
pub fn cgroup_memory(cgroup: Option<&str>) -> Result<CgroupMemory> {
    Host::local().cgroup_memory(cgroup)
}

/// [`Host::cgroup_cpu`] on the local machine.
///
/// ```
/// let _ = pskit::cgroup_cpu(None);
/// ```
pub fn cgroup_cpu(cgroup: Option<&str>) -> Result<CgroupCpu> {
    Host::local().cgroup_cpu(cgroup)
}

/// [`Host::cpu_count_usable`] on the local machine.
///
/// ```
/// assert!(pskit::cpu_count_usable()? >= 1);
/// # Ok::<(), pskit::Error>(())
/// ```
pub fn cpu_count_usable() -> Result<usize> {
    Host::local().cpu_count_usable()
}
