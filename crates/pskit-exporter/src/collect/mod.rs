//! The collectors: each reads one area through the `pskit` library and turns it into
//! metric families. A collector's failure is its own (reported as
//! `pskit_scrape_collector_success{collector} 0`); an item that fails inside a collector
//! (one process, mount or sensor) is skipped and counted.

mod cgroups;
mod cpu;
mod exporter;
mod filesystem;
mod hwmon;
mod memory;
mod net;
mod process_groups;
mod processes;
mod stat;

use std::time::Duration;

use pskit::Host;
use regex::Regex;

use crate::metrics::Batch;

pub(crate) use filesystem::{library_statfs as filesystem_statfs, StatFs};

/// A source of metric families, run by one scrape at a time (state such as counter
/// guards lives in `self`).
pub(crate) trait Collect: Send {
    /// Appends families (and skipped items) to `out`; an error fails the collector.
    fn collect(&mut self, out: &mut Batch) -> pskit::Result<()>;
}

/// The collectors pskit has, as named on the command line and in
/// `pskit_scrape_collector_success{collector}`.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, clap::ValueEnum, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum CollectorName {
    /// `node_cpu_seconds_total`, `node_cpu_guest_seconds_total` (/proc/stat).
    Cpu,
    /// `node_memory_*` (/proc/meminfo).
    Meminfo,
    /// `node_load1`, `node_load5`, `node_load15`.
    Loadavg,
    /// `node_disk_*` (/proc/diskstats).
    Diskstats,
    /// `node_filesystem_*` (mounts and statfs, under a deadline).
    Filesystem,
    /// `node_network_*` (/proc/net/dev).
    Netdev,
    /// `node_boot_time_seconds`, `node_context_switches_total`, `node_forks_total`, ….
    Stat,
    /// `node_hwmon_temp_celsius`, `node_hwmon_fan_rpm`, `node_hwmon_chip_names`, … (reads
    /// `{sysfs}/class/hwmon` for node_exporter's chip labels).
    Hwmon,
    /// `namedprocess_namegroup_*`: processes grouped by name, user or cgroup.
    Processes,
    /// `pskit_cgroup_*`: memory and CPU of the cgroups processes are in.
    Cgroups,
    /// `process_*`: the exporter's own resource use.
    Exporter,
}

impl CollectorName {
    /// Every collector, in scrape order.
    pub const ALL: [CollectorName; 11] = [
        CollectorName::Cpu,
        CollectorName::Meminfo,
        CollectorName::Loadavg,
        CollectorName::Diskstats,
        CollectorName::Filesystem,
        CollectorName::Netdev,
        CollectorName::Stat,
        CollectorName::Hwmon,
        CollectorName::Processes,
        CollectorName::Cgroups,
        CollectorName::Exporter,
    ];

    /// The name used in flags and labels.
    ///
    /// ```
    /// assert_eq!(pskit_exporter::CollectorName::Meminfo.as_str(), "meminfo");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            CollectorName::Cpu => "cpu",
            CollectorName::Meminfo => "meminfo",
            CollectorName::Loadavg => "loadavg",
            CollectorName::Diskstats => "diskstats",
            CollectorName::Filesystem => "filesystem",
            CollectorName::Netdev => "netdev",
            CollectorName::Stat => "stat",
            CollectorName::Hwmon => "hwmon",
            CollectorName::Processes => "processes",
            CollectorName::Cgroups => "cgroups",
            CollectorName::Exporter => "exporter",
        }
    }
}

/// How processes are grouped into `namedprocess_namegroup_*{groupname}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, clap::ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GroupBy {
    /// The process name (psutil's `name()`: comm, or the cmdline base name it abbreviates).
    #[default]
    Name,
    /// The real user: the name for the exporter's own user (or everyone's with
    /// `--export.usernames`), else the numeric uid.
    User,
    /// The cgroup (v2 path, else the first v1 hierarchy's).
    Cgroup,
}

/// Everything the collectors need to know, resolved from flags and the config file.
#[derive(Clone, Debug)]
pub(crate) struct CollectorOptions {
    pub(crate) host: Host,
    pub(crate) diskstats_device_exclude: Regex,
    pub(crate) filesystem_mount_points_exclude: Regex,
    pub(crate) filesystem_fs_types_exclude: Regex,
    pub(crate) filesystem_mount_timeout: Duration,
    pub(crate) netdev_device_exclude: Option<Regex>,
    pub(crate) group_by: GroupBy,
    pub(crate) max_groups: usize,
    pub(crate) smaps: bool,
    pub(crate) export_cmdline: bool,
    pub(crate) export_usernames: bool,
}

/// Builds the collector called `name`.
pub(crate) fn build(
    name: CollectorName,
    opts: &CollectorOptions,
    statfs: StatFs,
) -> Box<dyn Collect> {
    let host = opts.host.clone();
    match name {
        CollectorName::Cpu => Box::new(cpu::CpuCollector::new(host)),
        CollectorName::Meminfo => Box::new(memory::MeminfoCollector(host)),
        CollectorName::Loadavg => Box::new(stat::LoadavgCollector(host)),
        CollectorName::Diskstats => Box::new(stat::DiskstatsCollector {
            host,
            exclude: opts.diskstats_device_exclude.clone(),
        }),
        CollectorName::Filesystem => Box::new(filesystem::FilesystemCollector::new(opts, statfs)),
        CollectorName::Netdev => Box::new(net::NetdevCollector {
            host,
            exclude: opts.netdev_device_exclude.clone(),
        }),
        CollectorName::Stat => Box::new(stat::StatCollector(host)),
        CollectorName::Hwmon => Box::new(hwmon::HwmonCollector(host)),
        CollectorName::Processes => Box::new(processes::ProcessCollector::new(opts)),
        CollectorName::Cgroups => Box::new(cgroups::CgroupCollector {
            host,
            max: opts.max_groups,
        }),
        CollectorName::Exporter => Box::new(exporter::ExporterCollector),
    }
}

/// `pskit::Error` → the `kind` label of `pskit_scrape_skipped_total`.
pub(crate) fn error_kind(e: &pskit::Error) -> &'static str {
    e.kind_name()
}

/// An `OsStr` as a label value: invalid UTF-8 becomes U+FFFD (the encoder escapes
/// the rest).
pub(crate) fn label(s: &std::ffi::OsStr) -> String {
    s.to_string_lossy().into_owned()
}
