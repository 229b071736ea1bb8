//! Acting on a process: signals (kill(2)) and waiting for its end (waitpid(2), or
//! pidfd_open(2) + poll(2) for a process that is not our child).

use std::ffi::OsString;
use std::time::{Duration, Instant};

use crate::linux::syscalls::{self, Reaped};
use crate::process::types::ExitCode;
use crate::{Error, Result};

/// The signal numbers of this platform.
pub(crate) mod signals {
    pub(crate) const SIGHUP: i32 = libc::SIGHUP;
    pub(crate) const SIGINT: i32 = libc::SIGINT;
    pub(crate) const SIGKILL: i32 = libc::SIGKILL;
    pub(crate) const SIGUSR1: i32 = libc::SIGUSR1;
    pub(crate) const SIGUSR2: i32 = libc::SIGUSR2;
    pub(crate) const SIGTERM: i32 = libc::SIGTERM;
    pub(crate) const SIGCONT: i32 = libc::SIGCONT;
    pub(crate) const SIGSTOP: i32 = libc::SIGSTOP;
}

/// kill(2), its errors as psutil maps them: gone → NoSuchProcess, not ours →
/// AccessDenied, a bad number → InvalidArgument.
pub(crate) fn send_signal(pid: u32, sig: i32, name: &OsString) -> Result<()> {
    syscalls::kill(pid, sig).map_err(|e| match e.raw_os_error() {
        Some(libc::ESRCH) => Error::NoSuchProcess {
            pid,
            name: Some(name.clone()),
        },
        Some(libc::EPERM) => Error::AccessDenied {
            pid: Some(pid),
            name: Some(name.clone()),
        },
        Some(libc::EINVAL) => Error::InvalidArgument(format!("invalid signal {sig}")),
        _ => Error::io(format!("kill({pid})"), e),
    })
}

/// Waits for `pid` to end: its exit code (or minus the signal) when it is our child,
/// `None` for another process. `same` tells whether the PID still names the process
/// waited for; `expired` builds the timeout error.
pub(crate) fn wait(
    pid: u32,
    timeout: Option<Duration>,
    same: impl Fn() -> bool,
    expired: impl Fn() -> Error,
) -> Result<ExitCode> {
    let io = |e: std::io::Error| Error::io(format!("waitpid({pid})"), e);
    // Our child that already ended?
    let child = match syscalls::waitpid(pid, false).map_err(io)? {
        Reaped::Exited(code) => return Ok(Some(code)),
        Reaped::Running => true,
        Reaped::NotChild => false,
    };
    if !child && !same() {
        return Ok(None);
    }
    let deadline = timeout.map(|t| Instant::now() + t);
    match syscalls::pidfd_open(pid) {
        Ok(fd) => {
            if !syscalls::poll_readable(&fd, timeout).map_err(io)? {
                return Err(expired());
            }
        }
        Err(e) if e.raw_os_error() == Some(libc::ESRCH) => {}
        // No pidfd (Linux < 5.3, or seccomp): poll with a growing sleep, as psutil.
        Err(_) => {
            let mut nap = Duration::from_micros(100);
            loop {
                if child {
                    if let Reaped::Exited(c) = syscalls::waitpid(pid, false).map_err(io)? {
                        return Ok(Some(c));
                    }
                } else if syscalls::kill(pid, 0).is_err() || !same() {
                    return Ok(None);
                }
                if deadline.is_some_and(|d| Instant::now() >= d) {
                    return Err(expired());
                }
                std::thread::sleep(nap);
                nap = (nap * 2).min(Duration::from_millis(40));
            }
        }
    }
    if child {
        match syscalls::waitpid(pid, true).map_err(io)? {
            Reaped::Exited(code) => Ok(Some(code)),
            _ => Ok(None),
        }
    } else {
        Ok(None)
    }
}
