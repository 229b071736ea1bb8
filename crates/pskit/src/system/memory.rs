//! Memory: physical memory, swap and swap devices.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::sys::system::memory as backend;
use crate::{Host, Result};

/// Physical memory in bytes (psutil's `svmem`), from /proc/meminfo (kB × 1024).
///
/// A /proc/meminfo line that is absent (old kernels) gives 0 for its field, as in
/// psutil (which also warns); `MemTotal` and `MemFree` are required.
///
/// ```
/// let m = pskit::virtual_memory()?;
/// assert_eq!(m.used, m.total - m.available);
/// assert!(m.percent >= 0.0 && m.percent <= 100.0);
/// # Ok::<(), pskit::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct VirtualMemory {
    /// `MemTotal`.
    pub total: u64,
    /// `MemAvailable`; when it is absent (before Linux 3.14) or 0, the estimate `free`
    /// makes from /proc/zoneinfo's low watermarks, else free + cached. Capped: a value
    /// above `total` (seen in LXC) becomes `free`.
    pub available: u64,
    /// (total − available) / total × 100, rounded to 1 decimal.
    pub percent: f64,
    /// total − available (psutil ≥ 7.1).
    pub used: u64,
    /// `MemFree`.
    pub free: u64,
    /// `Active`.
    pub active: u64,
    /// `Inactive` (Linux 2.4: `Inact_dirty + Inact_clean + Inact_laundry`).
    pub inactive: u64,
    /// `Buffers`.
    pub buffers: u64,
    /// `Cached` + `SReclaimable`.
    pub cached: u64,
    /// `Shmem` (Linux 2.4: `MemShared`).
    pub shared: u64,
    /// `Slab`.
    pub slab: u64,
}

/// Swap totals (psutil's `sswap`).
///
/// ```
/// let s = pskit::swap_memory()?;
/// assert_eq!(s.used, s.total - s.free);
/// # Ok::<(), pskit::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SwapMemory {
    /// `SwapTotal` of /proc/meminfo (without the line: sysinfo(2) of the running kernel).
    pub total: u64,
    /// total − free.
    pub used: u64,
    /// `SwapFree`.
    pub free: u64,
    /// used / total × 100, 1 decimal; 0.0 without swap.
    pub percent: f64,
    /// Bytes swapped in since boot: `pswpin` of /proc/vmstat × 4096 (psutil's constant).
    /// 0 when /proc/vmstat lacks the line (psutil warns and uses 0 too).
    pub sin: u64,
    /// Bytes swapped out since boot: `pswpout` × 4096.
    pub sout: u64,
}

/// One swap area from /proc/swaps (not in psutil 7.2).
///
/// ```
/// for d in pskit::swap_devices()? {
///     assert!(d.used <= d.size);
/// }
/// # Ok::<(), pskit::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SwapDevice {
    /// The device or file (`\040` escapes decoded).
    #[serde(with = "crate::serde_os")]
    pub path: PathBuf,
    /// `partition` or `file`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Size in bytes.
    pub size: u64,
    /// Bytes in use.
    pub used: u64,
    /// Priority (higher is used first).
    pub priority: i64,
}

pub(crate) fn percent(used: u64, total: u64) -> f64 {
    if total == 0 {
        0.0
    } else {
        (used as f64 / total as f64 * 1000.0).round() / 10.0
    }
}

/// One line of /proc/meminfo as the kernel wrote it (what node_exporter's meminfo
/// collector exports, one gauge per line).
///
/// ```
/// let fields = pskit::meminfo_fields()?;
/// let total = fields.iter().find(|f| f.name == "MemTotal").unwrap();
/// assert!(total.bytes && total.value == pskit::virtual_memory()?.total);
/// # Ok::<(), pskit::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MeminfoField {
    /// The key before the colon, unchanged (`MemTotal`, `Active(anon)`, `HugePages_Total`).
    pub name: String,
    /// The value: bytes when the line had a `kB` unit (kB × 1024), else the raw count.
    pub value: u64,
    /// Whether the line had a `kB` unit, i.e. `value` is in bytes.
    pub bytes: bool,
}

impl Host {
    /// Every line of `{proc}/meminfo` in file order, kB converted to bytes; lines
    /// without a number are skipped. A value psutil does not expose (`Dirty`,
    /// `HugePages_Total`, …) is here.
    ///
    /// ```
    /// assert!(!pskit::Host::local().meminfo_fields()?.is_empty());
    /// # Ok::<(), pskit::Error>(())
    /// ```
    pub fn meminfo_fields(&self) -> Result<Vec<MeminfoField>> {
        backend::meminfo_fields(&self.inner)
    }

    /// Physical memory (psutil `virtual_memory()`), from `{proc}/meminfo` (and
    /// `{proc}/zoneinfo` when `MemAvailable` is missing or 0).
    ///
    /// ```
    /// assert!(pskit::Host::local().virtual_memory()?.total > 0);
    /// # Ok::<(), pskit::Error>(())
    /// ```
    pub fn virtual_memory(&self) -> Result<VirtualMemory> {
        backend::virtual_memory(&self.inner)
    }

    /// Swap totals (psutil `swap_memory()`), from `{proc}/meminfo` and `{proc}/vmstat`.
    ///
    /// ```
    /// let s = pskit::Host::local().swap_memory()?;
    /// assert!(s.free <= s.total);
    /// # Ok::<(), pskit::Error>(())
    /// ```
    pub fn swap_memory(&self) -> Result<SwapMemory> {
        backend::swap_memory(&self.inner)
    }

    /// Swap areas from `{proc}/swaps`, in file order.
    ///
    /// ```
    /// let total: u64 = pskit::Host::local().swap_devices()?.iter().map(|d| d.size).sum();
    /// assert!(total <= pskit::swap_memory()?.total + 4096);
    /// # Ok::<(), pskit::Error>(())
    /// ```
    pub fn swap_devices(&self) -> Result<Vec<SwapDevice>> {
        backend::swap_devices(&self.inner)
    }
}

/// [`Host::virtual_memory`] on the local machine.
///
/// Like psutil's, this is the **host's** memory even inside a container: /proc/meminfo
/// is not namespaced. A container's own limit and usage come from its cgroup, through
/// [`crate::cgroup_memory`]:
///
/// ```
/// let host = pskit::virtual_memory()?;
/// assert!(host.available <= host.total);
/// // The memory this process's cgroup may still use: its limit (or the host's total
/// // when it has none) minus its current usage.
/// if let Ok(cg) = pskit::cgroup_memory(None) {
///     let limit = cg.max.unwrap_or(host.total).min(host.total);
///     let headroom = limit.saturating_sub(cg.current);
///     println!("container: {} of {limit} bytes used, {headroom} left", cg.current);
/// }
/// # Ok::<(), pskit::Error>(())
/// ```
pub fn virtual_memory() -> Result<VirtualMemory> {
    Host::local().virtual_memory()
}

/// [`Host::meminfo_fields`] on the local machine.
///
/// ```
/// assert!(pskit::meminfo_fields()?.iter().any(|f| f.name == "MemFree"));
/// # Ok::<(), pskit::Error>(())
/// ```
pub fn meminfo_fields() -> Result<Vec<MeminfoField>> {
    Host::local().meminfo_fields()
}

/// [`Host::swap_memory`] on the local machine.
///
/// ```
/// assert!(pskit::swap_memory()?.percent <= 100.0);
/// # Ok::<(), pskit::Error>(())
/// ```
pub fn swap_memory() -> Result<SwapMemory> {
    Host::local().swap_memory()
}

/// [`Host::swap_devices`] on the local machine.
///
/// ```
/// let _ = pskit::swap_devices()?;
/// # Ok::<(), pskit::Error>(())
/// ```
pub fn swap_devices() -> Result<Vec<SwapDevice>> {
    Host::local().swap_devices()
}
