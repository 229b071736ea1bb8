//! `pskit serve`'s flags (clap derive) and the optional YAML `--config.file` with the
//! same keys. A flag given on the command line wins over the file; the file wins over
//! the defaults.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::collect::{CollectorName, GroupBy};
use crate::{Error, Result};

/// The default listen address: loopback only, port 9181 (pskit's port, distinct from
/// node_exporter's 9100 and process-exporter's 9256 so they can run side by side).
pub const DEFAULT_LISTEN_ADDRESS: &str = "127.0.0.1:9181";

/// node_exporter's default `--collector.diskstats.device-exclude`: partitions, ram,
/// loop and floppy devices.
pub const DEFAULT_DISK_EXCLUDE: &str = r"^(z?ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\d+n\d+p)\d+$";

/// node_exporter's default `--collector.filesystem.mount-points-exclude`.
pub const DEFAULT_MOUNT_POINTS_EXCLUDE: &str =
    r"^/(dev|proc|run/credentials/.+|sys|var/lib/docker/.+|var/lib/containers/storage/.+)($|/)";

/// node_exporter's default `--collector.filesystem.fs-types-exclude`.
pub const DEFAULT_FS_TYPES_EXCLUDE: &str = "^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|fusectl|hugetlbfs|iso9660|mqueue|nsfs|overlay|proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs|squashfs|erofs|sysfs|tracefs)$";

/// The flags of `pskit serve`. Every option can also be set in `--config.file` (YAML,
/// same names without the dashes); the command line wins.
///
/// ```
/// use clap::Parser;
/// #[derive(Parser)]
/// struct Cli {
///     #[command(flatten)]
///     serve: pskit_exporter::ServeArgs,
/// }
/// let cli = Cli::parse_from(["pskit", "--web.listen-address", "127.0.0.1:0", "--group-by", "user"]);
/// let config = pskit_exporter::Config::from_args(cli.serve).unwrap();
/// assert_eq!(config.listen_address, "127.0.0.1:0");
/// ```
#[derive(clap::Args, Clone, Debug, Default)]
#[non_exhaustive]
pub struct ServeArgs {
    /// Address to listen on [default: 127.0.0.1:9181, loopback only].
    #[arg(long = "web.listen-address", value_name = "HOST:PORT")]
    pub listen_address: Option<String>,
    /// node_exporter-compatible web config (YAML): tls_server_config,
    /// http_server_config (headers) and basic_auth_users (bcrypt hashes).
    #[arg(long = "web.config.file", value_name = "FILE")]
    pub web_config_file: Option<PathBuf>,
    /// YAML file with any of these options (keys as the flag names without dashes).
    #[arg(long = "config.file", value_name = "FILE")]
    pub config_file: Option<PathBuf>,
    /// Maximum concurrent /metrics requests; more get HTTP 503 (0 = no limit) [default: 40].
    #[arg(long = "web.max-requests", value_name = "N")]
    pub max_requests: Option<usize>,
    /// Seconds a client has to send its request headers before the connection is
    /// closed [default: 10].
    #[arg(long = "web.read-header-timeout", value_name = "SECONDS")]
    pub read_header_timeout: Option<f64>,
    /// Scrape time budget in seconds: a scrape answers by then with what was collected
    /// (a shorter X-Prometheus-Scrape-Timeout-Seconds wins) [default: 5].
    #[arg(long = "scrape.timeout", value_name = "SECONDS")]
    pub scrape_timeout: Option<f64>,
    /// Enable a collector (repeatable; all are enabled by default).
    #[arg(long = "collector", value_enum, value_name = "NAME")]
    pub collectors: Vec<CollectorName>,
    /// Disable a collector (repeatable).
    #[arg(long = "no-collector", value_enum, value_name = "NAME")]
    pub no_collectors: Vec<CollectorName>,
    /// Start from no collectors; enable them with --collector.
    #[arg(long = "collector.disable-defaults")]
    pub disable_defaults: bool,
    /// How processes are grouped [default: name].
    #[arg(long = "group-by", value_enum)]
    pub group_by: Option<GroupBy>,
    /// Most process groups (and cgroups) with their own series; the rest are summed
    /// in the group "other" [default: 200].
    #[arg(long = "max-groups", value_name = "N")]
    pub max_groups: Option<usize>,
    /// Read PSS and USS (smaps_rollup) of every process [default: true].
    #[arg(long = "collector.processes.smaps", value_name = "BOOL")]
    pub smaps: Option<bool>,
    /// Export the command line of each group's oldest process
    /// (namedprocess_namegroup_cmdline_info). Off by default: command lines can hold secrets.
    #[arg(long = "export.cmdline")]
    pub export_cmdline: bool,
    /// With --group-by user, name other users' groups by user name instead of uid.
    #[arg(long = "export.usernames")]
    pub export_usernames: bool,
    /// Devices left out of node_disk_* (regex) [default: node_exporter's].
    #[arg(long = "collector.diskstats.device-exclude", value_name = "REGEX")]
    pub disk_exclude: Option<String>,
    /// Mount points left out of node_filesystem_* (regex) [default: node_exporter's].
    #[arg(
        long = "collector.filesystem.mount-points-exclude",
        value_name = "REGEX"
    )]
    pub mount_points_exclude: Option<String>,
    /// File system types left out of node_filesystem_* (regex) [default: node_exporter's].
    #[arg(long = "collector.filesystem.fs-types-exclude", value_name = "REGEX")]
    pub fs_types_exclude: Option<String>,
    /// Seconds statfs may take before a mount is reported stuck [default: 5].
    #[arg(long = "collector.filesystem.mount-timeout", value_name = "SECONDS")]
    pub mount_timeout: Option<f64>,
    /// Interfaces left out of node_network_* (regex) [default: none].
    #[arg(long = "collector.netdev.device-exclude", value_name = "REGEX")]
    pub netdev_exclude: Option<String>,
    /// Where /proc is mounted (e.g. /host/proc in a container) [default: /proc].
    #[arg(long = "path.procfs", value_name = "DIR")]
    pub procfs: Option<PathBuf>,
    /// Where /sys is mounted [default: /sys].
    #[arg(long = "path.sysfs", value_name = "DIR")]
    pub sysfs: Option<PathBuf>,
}

/// `--config.file`: the same options as the flags.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FileConfig {
    #[serde(rename = "web.listen-address")]
    pub(crate) listen_address: Option<String>,
    #[serde(rename = "web.config.file")]
    pub(crate) web_config_file: Option<PathBuf>,
    #[serde(rename = "web.max-requests")]
    pub(crate) max_requests: Option<usize>,
    #[serde(rename = "web.read-header-timeout")]
    pub(crate) read_header_timeout: Option<f64>,
    #[serde(rename = "scrape.timeout")]
    pub(crate) scrape_timeout: Option<f64>,
    #[serde(rename = "collector", default)]
    pub(crate) collectors: Vec<CollectorName>,
    #[serde(rename = "no-collector", default)]
    pub(crate) no_collectors: Vec<CollectorName>,
    #[serde(rename = "collector.disable-defaults", default)]
    pub(crate) disable_defaults: bool,
    #[serde(rename = "group-by")]
    pub(crate) group_by: Option<GroupBy>,
    #[serde(rename = "max-groups")]
    pub(crate) max_groups: Option<usize>,
    #[serde(rename = "collector.processes.smaps")]
    pub(crate) smaps: Option<bool>,
    #[serde(rename = "export.cmdline", default)]
    pub(crate) export_cmdline: bool,
    #[serde(rename = "export.usernames", default)]
    pub(crate) export_usernames: bool,
    #[serde(rename = "collector.diskstats.device-exclude")]
    pub(crate) disk_exclude: Option<String>,
    #[serde(rename = "collector.filesystem.mount-points-exclude")]
    pub(crate) mount_points_exclude: Option<String>,
    #[serde(rename = "collector.filesystem.fs-types-exclude")]
    pub(crate) fs_types_exclude: Option<String>,
    #[serde(rename = "collector.filesystem.mount-timeout")]
    pub(crate) mount_timeout: Option<f64>,
    #[serde(rename = "collector.netdev.device-exclude")]
    pub(crate) netdev_exclude: Option<String>,
    #[serde(rename = "path.procfs")]
    pub(crate) procfs: Option<PathBuf>,
    #[serde(rename = "path.sysfs")]
    pub(crate) sysfs: Option<PathBuf>,
}

/// Reads and parses a YAML file into `T`, naming the file in errors.
pub(crate) fn read_yaml<T: for<'de> Deserialize<'de> + Default>(path: &Path) -> Result<T> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::Config {
        path: path.to_owned(),
        message: e.to_string(),
    })?;
    if text.trim().is_empty() {
        return Ok(T::default());
    }
    serde_yaml_ng::from_str(&text).map_err(|e| Error::Config {
        path: path.to_owned(),
        message: e.to_string(),
    })
}

/// A positive, finite number of seconds.
pub(crate) fn seconds(flag: &'static str, v: f64) -> Result<std::time::Duration> {
    if v.is_finite() && v > 0.0 && v < 1e9 {
        Ok(std::time::Duration::from_secs_f64(v))
    } else {
        Err(Error::InvalidArgument {
            flag,
            message: format!("{v} is not a positive number of seconds"),
        })
    }
}

/// A regular expression, anchored as node_exporter's patterns are written.
pub(crate) fn regex(flag: &'static str, pattern: &str) -> Result<regex::Regex> {
    regex::Regex::new(pattern).map_err(|e| Error::InvalidArgument {
        flag,
        message: e.to_string(),
    })
}
