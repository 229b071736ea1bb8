//! The system-wide API: CPU, memory, disks, network, sensors, users and cgroups, with
//! psutil's semantics, field names and units.
//!
//! Every function exists twice: as a [`crate::Host`] method, which reads the /proc and
//! /sys of that host (so a monitor can read a bind-mounted host /proc), and as a free
//! function on [`crate::Host::local`].
//!
//! psutil functions that take `percpu`/`perdisk`/`pernic` flags are split in two here
//! (`cpu_times()` / `cpu_times_percpu()`, …) so that each returns one type.
//!
//! | psutil 7.2 | pskit |
//! |---|---|
//! | `cpu_times(percpu)` | [`cpu_times`], [`cpu_times_percpu`] → [`SystemCpuTimes`] |
//! | `cpu_percent(interval, percpu)` | [`cpu_percent`], [`cpu_percent_percpu`], or a [`CpuSampler`] |
//! | `cpu_times_percent(interval, percpu)` | [`cpu_times_percent`], [`cpu_times_percent_percpu`], [`CpuSampler::times_percent`] |
//! | `cpu_count(logical)` | [`cpu_count`], [`cpu_count_physical`]; also [`cpu_count_usable`] |
//! | `cpu_stats()`, `cpu_freq(percpu)`, `getloadavg()` | [`cpu_stats`], [`cpu_freq`], [`cpu_freq_percpu`], [`getloadavg`] |
//! | `virtual_memory()`, `swap_memory()` | [`virtual_memory`], [`swap_memory`]; also [`swap_devices`] |
//! | `disk_partitions(all)`, `disk_usage(path)` | [`disk_partitions`], [`disk_usage`]; also [`disk_inode_usage`] |
//! | `disk_io_counters(perdisk, nowrap)` | [`disk_io_counters`], [`disk_io_counters_perdisk`] |
//! | `net_io_counters(pernic, nowrap)` | [`net_io_counters`], [`net_io_counters_pernic`] |
//! | `net_if_addrs()`, `net_if_stats()` | [`net_if_addrs`], [`net_if_stats`] |
//! | `net_connections(kind)` | [`net_connections`] → [`Connection`]; also [`crate::Host::net_connections_without_pids`] |
//! | `sensors_temperatures(fahrenheit)`, `sensors_fans()`, `sensors_battery()` | same names |
//! | `boot_time()`, `users()` | same names |
//! | `_common.wrap_numbers` | [`WrapCorrector`] |
//! | (none) | [`cgroup_memory`], [`cgroup_cpu`], [`cpu_info`], [`meminfo_fields`], [`kernel_process_stats`], [`crate::Host::cpu_times_numbered`], [`hwmon_chips`] |
//!
//! Where pskit deliberately differs from psutil 7.2 (each is documented on the item):
//! `cpu_freq` has one entry per online CPU (psutil 8.0's fix); `cpu_times_percent`
//! divides by the real total instead of `max(1, total)`; chips sharing a hwmon name are
//! keyed `name`, `name-1`, …; battery energy is paired with power and charge with
//! current; `users()` falls back to logind sessions when there is no utmp;
//! `net_if_stats` treats EBUSY from ethtool as "unknown" (psutil 8.0's fix).
//!
//! ```
//! let m = pskit::virtual_memory()?;
//! let c = pskit::cpu_count()?.unwrap();
//! println!("{} CPUs, {} of {} bytes used", c, m.used, m.total);
//! # Ok::<(), pskit::Error>(())
//! ```

pub mod cgroup;
pub mod connections;
pub mod constants;
pub mod cpu;
pub mod disk;
pub mod hwmon;
pub(crate) mod ip_text;
pub mod memory;
pub mod net;
pub mod sensors;
pub mod users;
pub mod wrap;

pub use cgroup::{cgroup_cpu, cgroup_memory, cpu_count_usable, CgroupCpu, CgroupMemory};
pub use connections::{
    net_connections, Connection, ConnectionAddress, ConnectionKind, AF_UNIX, SOCK_DGRAM,
    SOCK_SEQPACKET, SOCK_STREAM,
};
pub use constants::*;
pub use cpu::{
    boot_time, cpu_count, cpu_count_physical, cpu_freq, cpu_freq_percpu, cpu_info, cpu_percent,
    cpu_percent_percpu, cpu_stats, cpu_times, cpu_times_percent, cpu_times_percent_percpu,
    cpu_times_percpu, getloadavg, kernel_process_stats, CpuCache, CpuFreq, CpuInfo, CpuSampler,
    CpuStats, KernelProcessStats, SystemCpuTimes,
};
pub use disk::{
    disk_inode_usage, disk_io_counters, disk_io_counters_perdisk, disk_partitions, disk_usage,
    DiskIoCounters, DiskPartition, DiskUsage, InodeUsage,
};
pub use hwmon::{
    hwmon_chips, HwmonAttribute, HwmonChip, HwmonKind, HwmonSensor, HwmonSkipReason, HwmonSkipped,
};
pub use memory::{
    meminfo_fields, swap_devices, swap_memory, virtual_memory, MeminfoField, SwapDevice,
    SwapMemory, VirtualMemory,
};
pub use net::{
    net_if_addrs, net_if_stats, net_io_counters, net_io_counters_pernic, NetIoCounters, NicAddress,
    NicDuplex, NicStats, AF_INET, AF_INET6, AF_LINK,
};
pub use sensors::{
    sensors_battery, sensors_fans, sensors_temperatures, Battery, BatteryTime, Fan, Temperature,
};
pub use users::{users, User};
pub use wrap::{Counters, WrapCorrector};
