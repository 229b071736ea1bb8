//! Disks: mounted partitions, usage and I/O counters.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::wrap::{self, Counters};
use crate::sys::system::disk as backend;
use crate::{Host, Result};

/// A mounted file system (psutil's `sdiskpart`).
///
/// ```
/// let parts = pskit::disk_partitions(true)?;
/// assert!(parts.iter().any(|p| p.mountpoint == std::path::Path::new("/")));
/// # Ok::<(), pskit::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DiskPartition {
    /// The device (`/dev/sda1`); `""` for `none`; `/dev/root` and `rootfs` are resolved
    /// to the real device when it can be found.
    #[serde(with = "crate::serde_os")]
    pub device: PathBuf,
    /// Where it is mounted.
    #[serde(with = "crate::serde_os")]
    pub mountpoint: PathBuf,
    /// File system type (`ext4`, `tmpfs`, …).
    pub fstype: String,
    /// Mount options, comma-separated as in the mount table.
    pub opts: String,
}

/// Space on a file system, in bytes (psutil's `sdiskusage`), from statvfs(3).
///
/// ```
/// let u = pskit::disk_usage("/")?;
/// assert!(u.used <= u.total && u.free <= u.total);
/// # Ok::<(), pskit::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DiskUsage {
    /// `f_blocks × f_frsize`.
    pub total: u64,
    /// total − `f_bfree × f_frsize` (root-reserved blocks count as free here).
    pub used: u64,
    /// Free for unprivileged users: `f_bavail × f_frsize`.
    pub free: u64,
    /// used / (used + free) × 100, 1 decimal: relative to what users can use, so it
    /// is higher than `total`-based ratios and matches `df`'s Use%.
    pub percent: f64,
}

/// Inodes of a file system (not in psutil), from statvfs(3), with psutil's percent rule.
///
/// ```
/// let i = pskit::disk_inode_usage("/")?;
/// assert!(i.used <= i.total);
/// # Ok::<(), pskit::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct InodeUsage {
    /// `f_files` (0 on file systems without a fixed inode table, such as btrfs).
    pub total: u64,
    /// `f_files − f_ffree`.
    pub used: u64,
    /// `f_favail`.
    pub free: u64,
    /// used / (used + free) × 100, 1 decimal; 0.0 when both are 0.
    pub percent: f64,
}

/// Disk I/O counters since boot (psutil's `sdiskio`), from /proc/diskstats.
///
/// Times are milliseconds; bytes are sectors × 512 (the kernel's fixed unit). 7-field
/// partition lines (Linux 2.6) have no times or merges: those fields are 0 there.
///
/// ```
/// if let Some(d) = pskit::disk_io_counters(true)? {
///     assert!(d.read_bytes >= d.read_count || d.read_count == 0);
/// }
/// # Ok::<(), pskit::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DiskIoCounters {
    /// Reads completed.
    pub read_count: u64,
    /// Writes completed.
    pub write_count: u64,
    /// Bytes read.
    pub read_bytes: u64,
    /// Bytes written.
    pub write_bytes: u64,
    /// Time spent reading (ms).
    pub read_time: u64,
    /// Time spent writing (ms).
    pub write_time: u64,
    /// Adjacent reads merged by the I/O scheduler.
    pub read_merged_count: u64,
    /// Adjacent writes merged.
    pub write_merged_count: u64,
    /// Time the device had I/O in flight (ms; `io_ticks`).
    pub busy_time: u64,
}

impl DiskIoCounters {
    pub(crate) fn from_array(a: [u64; 9]) -> DiskIoCounters {
        DiskIoCounters {
            read_count: a[0],
            write_count: a[1],
            read_bytes: a[2],
            write_bytes: a[3],
            read_time: a[4],
            write_time: a[5],
            read_merged_count: a[6],
            write_merged_count: a[7],
            busy_time: a[8],
        }
    }
}

impl Counters for DiskIoCounters {
    fn counters_mut(&mut self) -> impl Iterator<Item = &mut u64> {
        [
            &mut self.read_count,
            &mut self.write_count,
            &mut self.read_bytes,
            &mut self.write_bytes,
            &mut self.read_time,
            &mut self.write_time,
            &mut self.read_merged_count,
            &mut self.write_merged_count,
            &mut self.busy_time,
        ]
        .into_iter()
    }
}

impl Host {
    /// Mounted file systems (psutil `disk_partitions(all)`), from `{proc}/self/mounts`.
    /// With `all == false`, only entries with a device whose type is in
    /// `{proc}/filesystems` without `nodev` (plus `zfs`).
    ///
    /// ```
    /// let h = pskit::Host::local();
    /// assert!(h.disk_partitions(false)?.len() <= h.disk_partitions(true)?.len());
    /// # Ok::<(), pskit::Error>(())
    /// ```
    pub fn disk_partitions(&self, all: bool) -> Result<Vec<DiskPartition>> {
        backend::disk_partitions(&self.inner, all)
    }

    /// Per-device I/O counters (psutil `disk_io_counters(perdisk=True, nowrap)`): every
    /// line of `{proc}/diskstats` (disks, partitions, loop, dm-…). With `nowrap`, the
    /// host's shared [`crate::WrapCorrector`] keeps them monotonic.
    ///
    /// ```
    /// let d = pskit::Host::local().disk_io_counters_perdisk(true)?;
    /// assert!(d.values().all(|c| c.read_bytes % 512 == 0));
    /// # Ok::<(), pskit::Error>(())
    /// ```
    pub fn disk_io_counters_perdisk(
        &self,
        nowrap: bool,
    ) -> Result<BTreeMap<String, DiskIoCounters>> {
        let mut map = backend::diskstats(&self.inner)?;
        if nowrap {
            wrap::shared(wrap::Source::Disk, self.proc_root()).correct(&mut map);
        }
        Ok(map)
    }

    /// Whole-system I/O counters (psutil `disk_io_counters(nowrap)`): the sum over the
    /// devices that have a `{sys}/block/<name>` directory (whole disks, including
    /// virtual ones), so partitions are not counted twice. `None` without devices.
    ///
    /// ```
    /// let h = pskit::Host::local();
    /// if let Some(total) = h.disk_io_counters(true)? {
    ///     let per = h.disk_io_counters_perdisk(true)?;
    ///     assert!(per.values().all(|d| d.read_count <= total.read_count + 1_000_000));
    /// }
    /// # Ok::<(), pskit::Error>(())
    /// ```
    pub fn disk_io_counters(&self, nowrap: bool) -> Result<Option<DiskIoCounters>> {
        let map = self.disk_io_counters_perdisk(nowrap)?;
        let mut total: Option<DiskIoCounters> = None;
        for (name, c) in map {
            if !backend::is_whole_device(&self.inner, &name) {
                continue;
            }
            let t = total.get_or_insert_with(DiskIoCounters::default);
            let mut c = c;
            for (a, b) in t.counters_mut().zip(c.counters_mut()) {
                *a = a.wrapping_add(*b);
            }
        }
        Ok(total)
    }
}

/// [`Host::disk_partitions`] on the local machine.
///
/// ```
/// assert!(!pskit::disk_partitions(true)?.is_empty());
/// # Ok::<(), pskit::Error>(())
/// ```
pub fn disk_partitions(all: bool) -> Result<Vec<DiskPartition>> {
    Host::local().disk_partitions(all)
}

/// Space on the file system holding `path` (psutil `disk_usage(path)`), via statvfs(3).
///
/// ```
/// assert!(pskit::disk_usage("/")?.total > 0);
/// assert!(pskit::disk_usage("/nonexistent/x").is_err());
/// # Ok::<(), pskit::Error>(())
/// ```
pub fn disk_usage(path: impl AsRef<Path>) -> Result<DiskUsage> {
    backend::disk_usage(path.as_ref())
}

/// Inode usage of the file system holding `path` (statvfs(3)).
///
/// ```
/// let _ = pskit::disk_inode_usage("/")?;
/// # Ok::<(), pskit::Error>(())
/// ```
pub fn disk_inode_usage(path: impl AsRef<Path>) -> Result<InodeUsage> {
    backend::inode_usage(path.as_ref())
}

/// [`Host::disk_io_counters`] on the local machine.
///
/// ```
/// let _ = pskit::disk_io_counters(true)?;
/// # Ok::<(), pskit::Error>(())
/// ```
pub fn disk_io_counters(nowrap: bool) -> Result<Option<DiskIoCounters>> {
    Host::local().disk_io_counters(nowrap)
}

/// [`Host::disk_io_counters_perdisk`] on the local machine.
///
/// ```
/// let _ = pskit::disk_io_counters_perdisk(true)?;
/// # Ok::<(), pskit::Error>(())
/// ```
pub fn disk_io_counters_perdisk(nowrap: bool) -> Result<BTreeMap<String, DiskIoCounters>> {
    Host::local().disk_io_counters_perdisk(nowrap)
}
