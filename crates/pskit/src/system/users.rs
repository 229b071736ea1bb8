//! Logged-in users.

use serde::{Deserialize, Serialize};

use crate::Result;

/// A user session (psutil's `suser`).
///
/// ```
/// for u in pskit::users()? {
///     assert!(!u.name.is_empty());
/// }
/// # Ok::<(), pskit::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct User {
    /// The login name.
    pub name: String,
    /// The terminal (`pts/0`, `tty1`); `None` when the session has none.
    pub terminal: Option<String>,
    /// The remote host; `localhost` for local sessions (`""`, `:0`, `:0.0`), as psutil.
    pub host: String,
    /// Login time, seconds since the epoch.
    pub started: f64,
    /// The session leader's PID (`None` when unknown).
    pub pid: Option<u32>,
}

/// Logged-in users (psutil `users()`): the `USER_PROCESS` entries of utmp, read with
/// getutxent(3) under a process-wide lock (the utmp cursor is global in libc). On
/// systems without utmp (Debian 13 and other utmp-free distributions, where psutil
/// returns `[]`), the systemd-logind session files in `/run/systemd/sessions` are read
/// instead (class `user` sessions); with neither, `NotSupported` says so (psutil
/// returns `[]`, which reads as "nobody is logged in").
///
/// utmp is not under /proc, so this always describes the local machine.
///
/// ```
/// let users = pskit::users()?;
/// assert!(users.iter().all(|u| u.started > 0.0));
/// # Ok::<(), pskit::Error>(())
/// ```
pub fn users() -> Result<Vec<User>> {
    crate::sys::system::users::users()
}
