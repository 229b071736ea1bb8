//! How a command fails: the exit code and the one line printed on stderr.

use std::fmt::Display;

/// A failed command. `main` prints it as one line (`pskit: ...`) and exits with its code.
#[derive(Debug)]
pub enum Failure {
    /// Bad command-line input (exit code 2).
    Usage(String),
    /// The command could not do its work (exit code 1).
    Runtime(String),
    /// The reader of stdout went away (`pskit ps | head -1`): stop quietly, exit 0.
    BrokenPipe,
}

impl Failure {
    /// A runtime failure with this message.
    pub fn runtime(msg: impl Display) -> Failure {
        Failure::Runtime(msg.to_string())
    }
}

impl From<pskit::Error> for Failure {
    fn from(e: pskit::Error) -> Self {
        match e {
            pskit::Error::InvalidArgument(msg) => Failure::Usage(msg),
            e => Failure::Runtime(e.to_string()),
        }
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            Failure::BrokenPipe
        } else {
            Failure::Runtime(format!("cannot write output: {e}"))
        }
    }
}

/// The message for an error about process `pid`, in the words a user expects:
/// `no process with PID 99999`, `PID 42 (sleep) is a zombie`, `access denied to PID 1 (systemd)`.
pub fn process_failure(pid: u32, e: pskit::Error) -> Failure {
    let named = |name: &Option<std::ffi::OsString>| match name {
        Some(n) => format!("PID {pid} ({})", n.to_string_lossy()),
        None => format!("PID {pid}"),
    };
    match &e {
        pskit::Error::NoSuchProcess { .. } | pskit::Error::PidReused { .. } => {
            Failure::Runtime(format!("no process with PID {pid}"))
        }
        pskit::Error::ZombieProcess { name, ppid, .. } => {
            let parent = ppid.map(|p| format!(" (its parent {p} has not reaped it)"));
            Failure::Runtime(format!(
                "{} is a zombie{}",
                named(name),
                parent.unwrap_or_default()
            ))
        }
        pskit::Error::AccessDenied { name, .. } if crate::procs::running_as_root() => {
            Failure::Runtime(format!(
                "access denied to {} even as root: the kernel refused (a process outside \
                 this container's namespaces, or a security module's restrictions)",
                named(name)
            ))
        }
        pskit::Error::AccessDenied { name, .. } => Failure::Runtime(format!(
            "access denied to {}: run as its owner or as root",
            named(name)
        )),
        _ => e.into(),
    }
}
