//! The one error type of pskit, shaped after psutil's exception hierarchy.

use std::ffi::OsString;
use std::fmt;
use std::io;
use std::path::PathBuf;

/// Shorthand for `std::result::Result<T, pskit::Error>`.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Every failure pskit reports.
///
/// The process variants mirror psutil's exceptions (`NoSuchProcess`, `ZombieProcess`,
/// `AccessDenied`, `TimeoutExpired`) and their messages read the same way:
///
/// ```
/// let err = pskit::Error::NoSuchProcess { pid: 42, name: Some("sleep".into()) };
/// assert_eq!(err.to_string(), "process no longer exists (pid=42, name='sleep')");
/// assert!(err.is_gone());
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The process is gone (psutil `NoSuchProcess`).
    #[error("process no longer exists{}", Details::new(Some(*pid), None, name.as_ref()))]
    NoSuchProcess {
        /// The PID that was asked about.
        pid: u32,
        /// The last name seen for it, if any.
        name: Option<OsString>,
    },
    /// The PID was recycled by a new process since this handle was made: psutil's
    /// `NoSuchProcess("process no longer exists and its PID has been reused")`.
    #[error("process no longer exists and its PID has been reused{}", Details::new(Some(*pid), None, name.as_ref()))]
    PidReused {
        /// The PID that was asked about.
        pid: u32,
        /// The last name seen for the old process.
        name: Option<OsString>,
    },
    /// The process has exited but its parent has not reaped it (psutil `ZombieProcess`).
    #[error("PID still exists but it's a zombie{}", Details::new(Some(*pid), *ppid, name.as_ref()))]
    ZombieProcess {
        /// The zombie's PID.
        pid: u32,
        /// Its name.
        name: Option<OsString>,
        /// Its parent, which has to reap it.
        ppid: Option<u32>,
    },
    /// The kernel refused access (EPERM or EACCES; psutil `AccessDenied`).
    #[error("access denied{}", Details::new(*pid, None, name.as_ref()))]
    AccessDenied {
        /// The PID concerned, when the request was about a process.
        pid: Option<u32>,
        /// Its name, if known.
        name: Option<OsString>,
    },
    /// `wait()` ran out of time (psutil `TimeoutExpired`).
    #[error("timeout after {seconds} seconds{}", Details::new(*pid, None, name.as_ref()))]
    TimeoutExpired {
        /// The timeout that expired.
        seconds: f64,
        /// The process waited for.
        pid: Option<u32>,
        /// Its name, if known.
        name: Option<OsString>,
    },
    /// A bad argument (psutil raises `ValueError` for these).
    #[error("{0}")]
    InvalidArgument(String),
    /// A file or syscall failed for a reason other than the ones above.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file (or, for syscalls, a description such as `prlimit(1234)`).
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
    /// A kernel file held content pskit could not make sense of.
    #[error("cannot parse {}: {detail}", path.display())]
    Parse {
        /// The file.
        path: PathBuf,
        /// What was wrong.
        detail: String,
    },
    /// The kernel does not provide this value on this machine (psutil `NotImplementedError`).
    #[error("not supported: {0}")]
    NotSupported(String),
}

impl Error {
    /// True for "this process is gone": `NoSuchProcess`, `PidReused` and `ZombieProcess`
    /// (psutil's `ZombieProcess` is a subclass of `NoSuchProcess`).
    ///
    /// ```
    /// let zombie = pskit::Error::ZombieProcess { pid: 7, name: None, ppid: Some(1) };
    /// assert!(zombie.is_gone());
    /// ```
    pub fn is_gone(&self) -> bool {
        matches!(
            self,
            Error::NoSuchProcess { .. } | Error::PidReused { .. } | Error::ZombieProcess { .. }
        )
    }

    /// True for `AccessDenied`.
    ///
    /// ```
    /// assert!(pskit::Error::AccessDenied { pid: Some(1), name: None }.is_access_denied());
    /// ```
    pub fn is_access_denied(&self) -> bool {
        matches!(self, Error::AccessDenied { .. })
    }

    /// psutil's exception class name for this error (`"NoSuchProcess"`, `"ZombieProcess"`,
    /// `"AccessDenied"`, `"TimeoutExpired"`, `"ValueError"`, `"OSError"`, …), as used in
    /// the `errors` object of the CLI's JSON output.
    ///
    /// ```
    /// let e = pskit::Error::AccessDenied { pid: None, name: None };
    /// assert_eq!(e.kind_name(), "AccessDenied");
    /// ```
    pub fn kind_name(&self) -> &'static str {
        match self {
            Error::NoSuchProcess { .. } | Error::PidReused { .. } => "NoSuchProcess",
            Error::ZombieProcess { .. } => "ZombieProcess",
            Error::AccessDenied { .. } => "AccessDenied",
            Error::TimeoutExpired { .. } => "TimeoutExpired",
            Error::InvalidArgument(_) => "ValueError",
            Error::Io { .. } => "OSError",
            Error::Parse { .. } => "ParseError",
            Error::NotSupported(_) => "NotImplementedError",
        }
    }

    /// Builds an [`Error::Io`] for `path`.
    pub(crate) fn io(path: impl Into<PathBuf>, source: io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// Builds an [`Error::Parse`] for `path`.
    pub(crate) fn parse(path: impl Into<PathBuf>, detail: impl Into<String>) -> Self {
        Error::Parse {
            path: path.into(),
            detail: detail.into(),
        }
    }
}

/// The ` (pid=1, ppid=2, name='x')` tail of psutil's messages: only the fields that are set.
struct Details<'a> {
    pid: Option<u32>,
    ppid: Option<u32>,
    name: Option<&'a OsString>,
}

impl<'a> Details<'a> {
    fn new(pid: Option<u32>, ppid: Option<u32>, name: Option<&'a OsString>) -> Self {
        Details { pid, ppid, name }
    }
}

impl fmt::Display for Details<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts: Vec<String> = Vec::new();
        if let Some(pid) = self.pid {
            parts.push(format!("pid={pid}"));
        }
        if let Some(ppid) = self.ppid {
            parts.push(format!("ppid={ppid}"));
        }
        if let Some(name) = self.name.filter(|n| !n.is_empty()) {
            parts.push(format!("name='{}'", name.to_string_lossy()));
        }
        if parts.is_empty() {
            Ok(())
        } else {
            write!(f, " ({})", parts.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_read_like_psutil() {
        let z = Error::ZombieProcess {
            pid: 5,
            name: Some("x".into()),
            ppid: Some(1),
        };
        assert_eq!(
            z.to_string(),
            "PID still exists but it's a zombie (pid=5, ppid=1, name='x')"
        );
        let ad = Error::AccessDenied {
            pid: None,
            name: None,
        };
        assert_eq!(ad.to_string(), "access denied");
        let t = Error::TimeoutExpired {
            seconds: 0.5,
            pid: Some(3),
            name: None,
        };
        assert_eq!(t.to_string(), "timeout after 0.5 seconds (pid=3)");
        assert!(!t.is_gone());
        assert!(Error::PidReused { pid: 1, name: None }.is_gone());
    }
}
