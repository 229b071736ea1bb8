//! The machine being observed: where its /proc and /sys are, and what is cached about it.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use crate::sys;

/// A handle on the machine pskit reads: its /proc and /sys roots plus caches that are
/// valid for the machine's lifetime (boot time, clock ticks, page size, user names).
///
/// `Host` plays the part of psutil's `PROCFS_PATH`, but as a value instead of a mutable
/// global, so two roots can be used at once (tests run in parallel; a monitor can read a
/// host's /proc bind-mounted at `/host/proc` while also looking at its own container).
/// Cloning is cheap (an `Arc`). The free functions such as [`crate::pids`] use
/// [`Host::local`].
///
/// ```
/// use pskit::Host;
/// let host = Host::local();
/// assert!(host.pids().unwrap().contains(&std::process::id()));
///
/// // A relocated /proc, e.g. the host's /proc bind-mounted into a container:
/// let other = Host::with_roots("/host/proc", "/host/sys");
/// assert_eq!(other.proc_root(), std::path::Path::new("/host/proc"));
/// ```
#[derive(Clone)]
pub struct Host {
    pub(crate) inner: Arc<sys::HostState>,
}

impl Host {
    /// The machine pskit runs on, with /proc at `/proc` and /sys at `/sys`. Every call
    /// returns a handle on the same shared state.
    ///
    /// ```
    /// assert_eq!(pskit::Host::local().proc_root(), std::path::Path::new("/proc"));
    /// ```
    pub fn local() -> Host {
        static LOCAL: OnceLock<Host> = OnceLock::new();
        LOCAL
            .get_or_init(|| Host::with_roots("/proc", "/sys"))
            .clone()
    }

    /// A machine whose /proc and /sys are mounted at other places. Nothing is opened
    /// until the first call; a missing root then gives an [`crate::Error::Io`] naming it.
    ///
    /// ```
    /// let h = pskit::Host::with_roots("/nonexistent/proc", "/nonexistent/sys");
    /// assert!(h.pids().is_err());
    /// ```
    pub fn with_roots(proc_root: impl Into<PathBuf>, sys_root: impl Into<PathBuf>) -> Host {
        Host {
            inner: Arc::new(sys::HostState::new(proc_root.into(), sys_root.into())),
        }
    }

    /// Where this host's /proc is mounted.
    ///
    /// ```
    /// println!("{}", pskit::Host::local().proc_root().display());
    /// ```
    pub fn proc_root(&self) -> &Path {
        self.inner.proc_root()
    }

    /// Where this host's /sys is mounted.
    ///
    /// ```
    /// println!("{}", pskit::Host::local().sys_root().display());
    /// ```
    pub fn sys_root(&self) -> &Path {
        self.inner.sys_root()
    }
}

impl std::fmt::Debug for Host {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Host")
            .field("proc_root", &self.proc_root())
            .field("sys_root", &self.sys_root())
            .finish()
    }
}

impl Default for Host {
    fn default() -> Self {
        Host::local()
    }
}
