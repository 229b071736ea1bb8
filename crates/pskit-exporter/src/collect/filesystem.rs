//! The `filesystem` collector: `node_filesystem_*{device,fstype,mountpoint}` from the
//! library's mount list and statvfs, with node_exporter's default exclusions.
//!
//! statvfs on a hung network mount blocks in the kernel, so each call runs on a worker
//! thread and the collector waits at most the mount timeout. A mount that times out is
//! reported with `node_filesystem_device_error 1` (and counted as a skipped
//! `mount`/`Stuck` item) and is not asked again until its pending call returns; the
//! worker blocked on it is abandoned and a fresh one serves the other mounts.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use pskit::Host;
use regex::Regex;

use crate::metrics::{Batch, Labels};

/// What statvfs says about one file system.
#[derive(Clone, Copy, Debug)]
pub(crate) struct FsStats {
    pub(crate) usage: pskit::DiskUsage,
    pub(crate) inodes: pskit::InodeUsage,
}

/// The statvfs call: the library's by default; tests inject a blocking one.
pub(crate) type StatFs = Arc<dyn Fn(&Path) -> pskit::Result<FsStats> + Send + Sync>;

/// The library's statvfs (space, then inodes).
pub(crate) fn library_statfs() -> StatFs {
    Arc::new(|p: &Path| {
        Ok(FsStats {
            usage: pskit::disk_usage(p)?,
            inodes: pskit::disk_inode_usage(p)?,
        })
    })
}

type Job = (PathBuf, mpsc::Sender<pskit::Result<FsStats>>);

/// One statvfs worker thread; replaced when it gets stuck.
struct Worker {
    jobs: mpsc::Sender<Job>,
}

impl Worker {
    fn spawn(statfs: StatFs, stuck: Arc<Mutex<HashSet<PathBuf>>>) -> Option<Worker> {
        let (tx, rx) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("pskit-statfs".into())
            .stack_size(64 * 1024)
            .spawn(move || {
                for (path, reply) in rx {
                    let r = statfs(&path);
                    // The collector may have given up on this mount: it is stuck no more.
                    stuck
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .remove(&path);
                    let _ = reply.send(r);
                }
            })
            .ok()?;
        Some(Worker { jobs: tx })
    }
}

/// The `filesystem` collector.
pub(crate) struct FilesystemCollector {
    host: Host,
    mount_points_exclude: Regex,
    fs_types_exclude: Regex,
    timeout: Duration,
    statfs: StatFs,
    worker: Option<Worker>,
    stuck: Arc<Mutex<HashSet<PathBuf>>>,
}

/// Outcome of statvfs on one mount.
enum Stat {
    Done(pskit::Result<FsStats>),
    Stuck,
}

impl FilesystemCollector {
    pub(crate) fn new(opts: &super::CollectorOptions, statfs: StatFs) -> Self {
        FilesystemCollector {
            host: opts.host.clone(),
            mount_points_exclude: opts.filesystem_mount_points_exclude.clone(),
            fs_types_exclude: opts.filesystem_fs_types_exclude.clone(),
            timeout: opts.filesystem_mount_timeout,
            statfs,
            worker: None,
            stuck: Arc::default(),
        }
    }

    fn is_stuck(&self, path: &Path) -> bool {
        self.stuck
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .contains(path)
    }

    fn stat(&mut self, path: &Path) -> Stat {
        if self.is_stuck(path) {
            return Stat::Stuck;
        }
        if self.worker.is_none() {
            self.worker = Worker::spawn(self.statfs.clone(), self.stuck.clone());
        }
        let Some(worker) = &self.worker else {
            return Stat::Done(Err(pskit::Error::NotSupported(
                "no statfs worker thread".into(),
            )));
        };
        let (tx, rx) = mpsc::channel();
        // Marked before sending: the worker unmarks it when the call returns.
        self.stuck
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(path.to_owned());
        if worker.jobs.send((path.to_owned(), tx)).is_err() {
            self.worker = None;
            self.stuck
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .remove(path);
            return Stat::Done(Err(pskit::Error::NotSupported(
                "statfs worker exited".into(),
            )));
        }
        match rx.recv_timeout(self.timeout) {
            Ok(r) => Stat::Done(r),
            Err(_) => {
                // Abandon the blocked worker; the next mount gets a new one.
                self.worker = None;
                Stat::Stuck
            }
        }
    }
}

impl super::Collect for FilesystemCollector {
    fn collect(&mut self, out: &mut Batch) -> pskit::Result<()> {
        let mounts = self.host.disk_partitions(true)?;
        let mut rows: Vec<(Labels, Option<FsStats>, bool)> = Vec::new();
        for m in mounts {
            let mountpoint = super::label(m.mountpoint.as_os_str());
            if self.mount_points_exclude.is_match(&mountpoint)
                || self.fs_types_exclude.is_match(&m.fstype)
            {
                continue;
            }
            let labels = vec![
                ("device", super::label(m.device.as_os_str())),
                ("fstype", m.fstype.clone()),
                ("mountpoint", mountpoint),
            ];
            let readonly = m.opts.split(',').any(|o| o == "ro");
            match self.stat(&m.mountpoint) {
                Stat::Done(Ok(s)) => rows.push((labels, Some(s), readonly)),
                Stat::Done(Err(e)) => {
                    out.skip("mount", super::error_kind(&e));
                    rows.push((labels, None, readonly));
                }
                Stat::Stuck => {
                    out.skip("mount", "Stuck");
                    rows.push((labels, None, readonly));
                }
            }
        }
        type Get = fn(&FsStats) -> u64;
        let families: [(&str, &'static str, Get); 5] = [
            (
                "node_filesystem_size_bytes",
                "Filesystem size in bytes.",
                |s| s.usage.total,
            ),
            // psutil's used = total - f_bfree*frsize, so f_bfree*frsize = total - used.
            (
                "node_filesystem_free_bytes",
                "Filesystem free space in bytes.",
                |s| s.usage.total.saturating_sub(s.usage.used),
            ),
            (
                "node_filesystem_avail_bytes",
                "Filesystem space available to non-root users in bytes.",
                |s| s.usage.free,
            ),
            (
                "node_filesystem_files",
                "Filesystem total file nodes.",
                |s| s.inodes.total,
            ),
            (
                "node_filesystem_files_free",
                "Filesystem total free file nodes.",
                |s| s.inodes.free,
            ),
        ];
        for (name, help, get) in families {
            let fam = out.gauge(name, help);
            for (labels, stats, _) in &rows {
                if let Some(s) = stats {
                    fam.push(labels.clone(), get(s));
                }
            }
        }
        let ro = out.gauge("node_filesystem_readonly", "Filesystem read-only status.");
        for (labels, _, readonly) in &rows {
            ro.push(labels.clone(), u64::from(*readonly));
        }
        let err = out.gauge(
            "node_filesystem_device_error",
            "Whether an error occurred while getting statistics for the given device (1 also when the mount is stuck).",
        );
        for (labels, stats, _) in &rows {
            err.push(labels.clone(), u64::from(stats.is_none()));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collect::Collect;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::time::Instant;

    fn collector(statfs: StatFs) -> FilesystemCollector {
        let mut config = crate::Config::from_args(Default::default()).unwrap();
        config.collector.filesystem_mount_timeout = Duration::from_millis(100);
        // Keep every mount but the pseudo file systems, so there is something to stat.
        config.collector.filesystem_mount_points_exclude =
            Regex::new("^/(proc|sys|dev)($|/)").unwrap();
        FilesystemCollector::new(&config.collector, statfs)
    }

    fn value_count(b: &Batch, name: &str, v: u64) -> usize {
        b.families
            .iter()
            .filter(|f| f.name == name)
            .flat_map(|f| &f.samples)
            .filter(|s| s.1 == crate::metrics::Value::Int(v))
            .count()
    }

    #[test]
    fn a_hung_statfs_is_reported_stuck_and_not_waited_for_again() {
        let release = Arc::new(AtomicBool::new(false));
        let calls = Arc::new(AtomicUsize::new(0));
        let (gate, counter) = (release.clone(), calls.clone());
        let statfs: StatFs = Arc::new(move |p: &Path| {
            counter.fetch_add(1, Ordering::SeqCst);
            while !gate.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(10));
            }
            library_statfs()(p)
        });
        let mut c = collector(statfs);
        let mut first = Batch::default();
        let start = Instant::now();
        c.collect(&mut first).unwrap();
        let mounts = value_count(&first, "node_filesystem_device_error", 1);
        assert!(mounts >= 1, "no mount to test with");
        // The calls hang until released: finishing at all shows none was waited for
        // beyond the timeout (generous bound for a loaded machine).
        assert!(start.elapsed() < Duration::from_millis(100) * mounts as u32 + SLOW);
        assert_eq!(
            first
                .skipped
                .iter()
                .filter(|s| **s == ("mount", "Stuck"))
                .count(),
            mounts
        );
        assert!(first
            .families
            .iter()
            .all(|f| f.name != "node_filesystem_size_bytes" || f.samples.is_empty()));
        // Each abandoned worker is in its call, one per mount point (a path mounted
        // twice is asked once).
        let pending = c.stuck.lock().unwrap().len();
        assert!((1..=mounts).contains(&pending), "{pending} of {mounts}");
        wait_until(|| calls.load(Ordering::SeqCst) == pending);
        // Stuck mounts are skipped at once while their call is pending: with a timeout
        // far longer than the bound, a single wait would show, and no call is made.
        c.timeout = SLOW * 2;
        let start = Instant::now();
        let mut second = Batch::default();
        c.collect(&mut second).unwrap();
        assert!(start.elapsed() < SLOW, "{:?}", start.elapsed());
        assert_eq!(
            value_count(&second, "node_filesystem_device_error", 1),
            mounts
        );
        assert_eq!(calls.load(Ordering::SeqCst), pending);
        // When the calls return, the mounts are read again.
        release.store(true, Ordering::SeqCst);
        wait_until(|| c.stuck.lock().unwrap().is_empty());
        let mut third = Batch::default();
        c.collect(&mut third).unwrap();
        assert_eq!(value_count(&third, "node_filesystem_device_error", 1), 0);
        assert!(third
            .families
            .iter()
            .any(|f| f.name == "node_filesystem_size_bytes" && !f.samples.is_empty()));
    }

    /// Far longer than any step of these tests takes, even on a loaded machine.
    const SLOW: Duration = Duration::from_secs(10);

    /// Polls `cond` until it holds; fails after [`SLOW`].
    fn wait_until(cond: impl Fn() -> bool) {
        let deadline = Instant::now() + SLOW;
        while !cond() {
            assert!(
                Instant::now() < deadline,
                "condition not met within {SLOW:?}"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    #[test]
    fn a_failing_statfs_is_counted_and_the_mount_kept_with_device_error() {
        let statfs: StatFs = Arc::new(|_: &Path| {
            Err(pskit::Error::AccessDenied {
                pid: None,
                name: None,
            })
        });
        let mut c = collector(statfs);
        let mut b = Batch::default();
        c.collect(&mut b).unwrap();
        let n = value_count(&b, "node_filesystem_device_error", 1);
        assert!(n >= 1);
        assert_eq!(
            b.skipped
                .iter()
                .filter(|s| **s == ("mount", "AccessDenied"))
                .count(),
            n
        );
    }
}
