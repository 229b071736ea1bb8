//! The resolved configuration of a server: flags merged over `--config.file` merged over
//! the defaults, validated.

use std::path::PathBuf;
use std::time::Duration;

use crate::args::{self, FileConfig, ServeArgs};
use crate::collect::{CollectorName, CollectorOptions, GroupBy};
use crate::web::WebConfig;
use crate::{Error, Result};

/// Everything [`crate::Server::bind`] needs. Made from [`ServeArgs`] by
/// [`Config::from_args`]; its public fields may be adjusted afterwards (tests bind to
/// port 0 this way).
///
/// ```
/// let mut config = pskit_exporter::Config::from_args(Default::default()).unwrap();
/// assert_eq!(config.listen_address, "127.0.0.1:9181");
/// config.listen_address = "127.0.0.1:0".into();
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Config {
    /// `host:port` to listen on.
    pub listen_address: String,
    /// Concurrent /metrics requests allowed (0 = unlimited); more get 503.
    pub max_requests: usize,
    /// Time a client has to send its request headers.
    pub read_header_timeout: Duration,
    /// The scrape time budget.
    pub scrape_timeout: Duration,
    /// Enabled collectors, in scrape order.
    pub collectors: Vec<CollectorName>,
    /// TLS and basic auth, from `--web.config.file`.
    pub web: WebConfig,
    /// The web config file it came from, if any (for messages).
    pub web_config_file: Option<PathBuf>,
    pub(crate) collector: CollectorOptions,
}

impl Config {
    /// Resolves flags over `--config.file` over the defaults, compiling the patterns
    /// and loading the web config (TLS files are checked later, by `Server::bind`).
    ///
    /// ```
    /// let mut args = pskit_exporter::ServeArgs::default();
    /// args.config_file = Some("/nonexistent.yml".into());
    /// let e = pskit_exporter::Config::from_args(args);
    /// assert!(matches!(e, Err(pskit_exporter::Error::Config { .. })));
    /// ```
    pub fn from_args(a: ServeArgs) -> Result<Config> {
        let f: FileConfig = match &a.config_file {
            Some(p) => args::read_yaml(p)?,
            None => FileConfig::default(),
        };
        let listen_address = a
            .listen_address
            .or(f.listen_address)
            .unwrap_or_else(|| args::DEFAULT_LISTEN_ADDRESS.to_owned());
        let web_config_file = a.web_config_file.or(f.web_config_file);
        let web = match &web_config_file {
            Some(p) => WebConfig::load(p)?,
            None => WebConfig::default(),
        };
        let disable_defaults = a.disable_defaults || f.disable_defaults;
        let mut collectors: Vec<CollectorName> = if disable_defaults {
            Vec::new()
        } else {
            CollectorName::ALL.to_vec()
        };
        collectors.extend(f.collectors.iter().chain(&a.collectors));
        // A flag re-enabling what the file disabled wins, and the reverse.
        let enabled_by_flag = |c: &CollectorName| a.collectors.contains(c);
        collectors.retain(|c| {
            let off_by_flag = a.no_collectors.contains(c);
            let off_by_file = f.no_collectors.contains(c) && !enabled_by_flag(c);
            !(off_by_flag || off_by_file)
        });
        collectors.sort();
        collectors.dedup();
        let max_groups = a.max_groups.or(f.max_groups).unwrap_or(200);
        if max_groups == 0 {
            return Err(Error::InvalidArgument {
                flag: "--max-groups",
                message: "must be at least 1".into(),
            });
        }
        let host = pskit::Host::with_roots(
            a.procfs.or(f.procfs).unwrap_or_else(|| "/proc".into()),
            a.sysfs.or(f.sysfs).unwrap_or_else(|| "/sys".into()),
        );
        let netdev = a.netdev_exclude.or(f.netdev_exclude);
        let collector = CollectorOptions {
            host,
            diskstats_device_exclude: args::regex(
                "--collector.diskstats.device-exclude",
                a.disk_exclude
                    .as_deref()
                    .or(f.disk_exclude.as_deref())
                    .unwrap_or(args::DEFAULT_DISK_EXCLUDE),
            )?,
            filesystem_mount_points_exclude: args::regex(
                "--collector.filesystem.mount-points-exclude",
                a.mount_points_exclude
                    .as_deref()
                    .or(f.mount_points_exclude.as_deref())
                    .unwrap_or(args::DEFAULT_MOUNT_POINTS_EXCLUDE),
            )?,
            filesystem_fs_types_exclude: args::regex(
                "--collector.filesystem.fs-types-exclude",
                a.fs_types_exclude
                    .as_deref()
                    .or(f.fs_types_exclude.as_deref())
                    .unwrap_or(args::DEFAULT_FS_TYPES_EXCLUDE),
            )?,
            filesystem_mount_timeout: args::seconds(
                "--collector.filesystem.mount-timeout",
                a.mount_timeout.or(f.mount_timeout).unwrap_or(5.0),
            )?,
            netdev_device_exclude: match netdev {
                Some(p) => Some(args::regex("--collector.netdev.device-exclude", &p)?),
                None => None,
            },
            group_by: a.group_by.or(f.group_by).unwrap_or(GroupBy::Name),
            max_groups,
            smaps: a.smaps.or(f.smaps).unwrap_or(true),
            export_cmdline: a.export_cmdline || f.export_cmdline,
            export_usernames: a.export_usernames || f.export_usernames,
        };
        Ok(Config {
            listen_address,
            max_requests: a.max_requests.or(f.max_requests).unwrap_or(40),
            read_header_timeout: args::seconds(
                "--web.read-header-timeout",
                a.read_header_timeout
                    .or(f.read_header_timeout)
                    .unwrap_or(10.0),
            )?,
            scrape_timeout: args::seconds(
                "--scrape.timeout",
                a.scrape_timeout.or(f.scrape_timeout).unwrap_or(5.0),
            )?,
            collectors,
            web,
            web_config_file,
            collector,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(yaml: &str) -> (tempfile::TempDir, ServeArgs) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pskit.yml");
        std::fs::write(&path, yaml).unwrap();
        let a = ServeArgs {
            config_file: Some(path),
            ..Default::default()
        };
        (dir, a)
    }

    #[test]
    fn flags_override_the_file_which_overrides_defaults() {
        let (_d, mut a) = file("web.listen-address: 127.0.0.1:1234\nmax-groups: 7\nno-collector: [hwmon, cpu]\ngroup-by: cgroup\nscrape.timeout: 2.5\n");
        a.max_groups = Some(9);
        a.collectors = vec![CollectorName::Cpu];
        let c = Config::from_args(a).unwrap();
        assert_eq!(c.listen_address, "127.0.0.1:1234");
        assert_eq!(c.collector.max_groups, 9);
        assert_eq!(c.collector.group_by, GroupBy::Cgroup);
        assert_eq!(c.scrape_timeout, Duration::from_millis(2500));
        assert!(c.collectors.contains(&CollectorName::Cpu));
        assert!(!c.collectors.contains(&CollectorName::Hwmon));
        assert_eq!(c.max_requests, 40);
    }

    #[test]
    fn bad_values_are_errors_naming_the_flag_or_file() {
        let (_d, a) = file("no-such-option: 1\n");
        assert!(matches!(Config::from_args(a), Err(Error::Config { .. })));
        let a = ServeArgs {
            scrape_timeout: Some(-1.0),
            ..Default::default()
        };
        let e = Config::from_args(a).unwrap_err();
        assert!(e.to_string().contains("--scrape.timeout"), "{e}");
        let a = ServeArgs {
            disk_exclude: Some("(".into()),
            ..Default::default()
        };
        assert!(matches!(
            Config::from_args(a),
            Err(Error::InvalidArgument { .. })
        ));
        let a = ServeArgs {
            max_groups: Some(0),
            ..Default::default()
        };
        assert!(Config::from_args(a).is_err());
    }
}
