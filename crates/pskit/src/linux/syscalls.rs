//! Thin wrappers over the process syscalls (priority, I/O priority, limits, affinity,
//! signals, pidfd), returning `io::Error` for the caller to map.

use std::io;

use rustix::process::{Pid, Resource, Rlimit as RxRlimit};

use crate::process::types::{IoNice, IoPriorityClass, Rlimit, RlimitResource, RLIM_INFINITY};

fn pid_of(pid: u32) -> io::Result<Pid> {
    i32::try_from(pid)
        .ok()
        .and_then(Pid::from_raw)
        .ok_or_else(|| io::Error::from_raw_os_error(libc::ESRCH))
}

/// `setpriority(PRIO_PROCESS, pid, value)`.
pub(crate) fn set_nice(pid: u32, value: i32) -> io::Result<()> {
    Ok(rustix::process::setpriority_process(
        Some(pid_of(pid)?),
        value,
    )?)
}

const IOPRIO_WHO_PROCESS: libc::c_long = 1;
const IOPRIO_CLASS_SHIFT: u32 = 13;

/// `ioprio_get(IOPRIO_WHO_PROCESS, pid)`; rustix does not wrap it.
pub(crate) fn get_ionice(pid: u32) -> io::Result<IoNice> {
    // SAFETY: ioprio_get takes two integers and returns an integer or -1 with errno.
    let rc = unsafe {
        libc::syscall(
            libc::SYS_ioprio_get,
            IOPRIO_WHO_PROCESS,
            pid as libc::c_long,
        )
    };
    if rc < 0 {
        return Err(io::Error::last_os_error());
    }
    let prio = rc as u32;
    let class = IoPriorityClass::try_from((prio >> IOPRIO_CLASS_SHIFT) as u8)
        .unwrap_or(IoPriorityClass::None);
    Ok(IoNice {
        ioclass: class,
        value: prio & 0x1fff,
    })
}

/// `ioprio_set(IOPRIO_WHO_PROCESS, pid, class << 13 | value)`.
pub(crate) fn set_ionice(pid: u32, class: IoPriorityClass, value: u32) -> io::Result<()> {
    let prio = ((class as u32) << IOPRIO_CLASS_SHIFT) | value;
    // SAFETY: ioprio_set takes three integers and returns 0 or -1 with errno.
    let rc = unsafe {
        libc::syscall(
            libc::SYS_ioprio_set,
            IOPRIO_WHO_PROCESS,
            pid as libc::c_long,
            prio as libc::c_long,
        )
    };
    if rc < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

fn resource(r: RlimitResource) -> Resource {
    match r {
        RlimitResource::Cpu => Resource::Cpu,
        RlimitResource::Fsize => Resource::Fsize,
        RlimitResource::Data => Resource::Data,
        RlimitResource::Stack => Resource::Stack,
        RlimitResource::Core => Resource::Core,
        RlimitResource::Rss => Resource::Rss,
        RlimitResource::Nproc => Resource::Nproc,
        RlimitResource::Nofile => Resource::Nofile,
        RlimitResource::Memlock => Resource::Memlock,
        RlimitResource::As => Resource::As,
        RlimitResource::Locks => Resource::Locks,
        RlimitResource::Sigpending => Resource::Sigpending,
        RlimitResource::Msgqueue => Resource::Msgqueue,
        RlimitResource::Nice => Resource::Nice,
        RlimitResource::Rtprio => Resource::Rtprio,
        RlimitResource::Rttime => Resource::Rttime,
    }
}

fn from_rx(l: RxRlimit) -> Rlimit {
    let conv = |v: Option<u64>| {
        v.map(|v| i64::try_from(v).unwrap_or(i64::MAX))
            .unwrap_or(RLIM_INFINITY)
    };
    Rlimit {
        soft: conv(l.current),
        hard: conv(l.maximum),
    }
}

fn to_rx(l: Rlimit) -> io::Result<RxRlimit> {
    let conv = |v: i64| -> io::Result<Option<u64>> {
        match v {
            RLIM_INFINITY => Ok(None),
            v if v >= 0 => Ok(Some(v as u64)),
            _ => Err(io::Error::from_raw_os_error(libc::EINVAL)),
        }
    };
    Ok(RxRlimit {
        current: conv(l.soft)?,
        maximum: conv(l.hard)?,
    })
}

/// `prlimit(pid, resource, NULL, &old)`.
pub(crate) fn get_rlimit(pid: u32, r: RlimitResource) -> io::Result<Rlimit> {
    // rustix's prlimit always passes `new`; read with getrlimit semantics via libc.
    let mut old = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: a NULL new limit makes prlimit a pure read into `old`.
    let rc = unsafe {
        libc::prlimit(
            pid as libc::pid_t,
            r as libc::__rlimit_resource_t,
            std::ptr::null(),
            &mut old,
        )
    };
    if rc != 0 {
        return Err(io::Error::last_os_error());
    }
    let conv = |v: libc::rlim_t| {
        if v == libc::RLIM_INFINITY {
            None
        } else {
            Some(v)
        }
    };
    Ok(from_rx(RxRlimit {
        current: conv(old.rlim_cur),
        maximum: conv(old.rlim_max),
    }))
}

/// `prlimit(pid, resource, &new, NULL)`.
pub(crate) fn set_rlimit(pid: u32, r: RlimitResource, limits: Rlimit) -> io::Result<()> {
    rustix::process::prlimit(Some(pid_of(pid)?), resource(r), to_rx(limits)?)?;
    Ok(())
}

/// `sched_getaffinity`, as a sorted list of CPU numbers.
pub(crate) fn get_affinity(pid: u32) -> io::Result<Vec<usize>> {
    let set = rustix::thread::sched_getaffinity(Some(pid_of(pid)?))?;
    Ok((0..rustix::thread::CpuSet::MAX_CPU)
        .filter(|&c| set.is_set(c))
        .collect())
}

/// `sched_setaffinity`.
pub(crate) fn set_affinity(pid: u32, cpus: &[usize]) -> io::Result<()> {
    let mut set = rustix::thread::CpuSet::new();
    for &c in cpus {
        if c >= rustix::thread::CpuSet::MAX_CPU {
            return Err(io::Error::from_raw_os_error(libc::EINVAL));
        }
        set.set(c);
    }
    Ok(rustix::thread::sched_setaffinity(Some(pid_of(pid)?), &set)?)
}

/// `kill(pid, sig)`; `sig == 0` only checks existence and permission.
pub(crate) fn kill(pid: u32, sig: i32) -> io::Result<()> {
    let p = pid_of(pid)?;
    // SAFETY: kill takes two integers and returns 0 or -1 with errno.
    let rc = unsafe { libc::kill(p.as_raw_nonzero().get(), sig) };
    if rc != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// `pidfd_open(pid, 0)`: a descriptor that becomes readable when the process exits.
pub(crate) fn pidfd_open(pid: u32) -> io::Result<rustix::fd::OwnedFd> {
    Ok(rustix::process::pidfd_open(
        pid_of(pid)?,
        rustix::process::PidfdFlags::empty(),
    )?)
}

/// Waits up to `timeout` for `fd` to become readable; true if it did.
pub(crate) fn poll_readable(
    fd: &rustix::fd::OwnedFd,
    timeout: Option<std::time::Duration>,
) -> io::Result<bool> {
    use rustix::event::{poll, PollFd, PollFlags, Timespec};
    let ts = timeout.map(|d| Timespec {
        tv_sec: d.as_secs() as i64,
        tv_nsec: d.subsec_nanos() as i64,
    });
    let mut fds = [PollFd::new(fd, PollFlags::IN)];
    loop {
        match poll(&mut fds, ts.as_ref()) {
            Ok(n) => return Ok(n > 0),
            Err(rustix::io::Errno::INTR) => continue,
            Err(e) => return Err(e.into()),
        }
    }
}

/// How a reaped child ended.
pub(crate) enum Reaped {
    /// Not our child (ECHILD): the exit status belongs to someone else.
    NotChild,
    /// Still running (WNOHANG).
    Running,
    /// Exit code, or the negated signal number.
    Exited(i32),
}

/// `waitpid(pid, WNOHANG or 0)`.
pub(crate) fn waitpid(pid: u32, block: bool) -> io::Result<Reaped> {
    let mut status: libc::c_int = 0;
    let flags = if block { 0 } else { libc::WNOHANG };
    loop {
        // SAFETY: waitpid writes an int status through a valid pointer.
        let rc = unsafe { libc::waitpid(pid as libc::pid_t, &mut status, flags) };
        if rc < 0 {
            let e = io::Error::last_os_error();
            match e.raw_os_error() {
                Some(libc::EINTR) => continue,
                Some(libc::ECHILD) => return Ok(Reaped::NotChild),
                _ => return Err(e),
            }
        }
        if rc == 0 {
            return Ok(Reaped::Running);
        }
        if libc::WIFEXITED(status) {
            return Ok(Reaped::Exited(libc::WEXITSTATUS(status)));
        }
        if libc::WIFSIGNALED(status) {
            return Ok(Reaped::Exited(-libc::WTERMSIG(status)));
        }
        // Stopped or continued: not an end; keep waiting as psutil does.
        if !block {
            return Ok(Reaped::Running);
        }
    }
}

/// `secs` (Unix time) as local wall-clock text, as psutil's repr shows a start time:
/// `HH:MM:SS`, or `YYYY-MM-DD HH:MM:SS` with `with_date`. `None` when the C library
/// cannot convert it.
pub(crate) fn local_time_text(secs: f64, with_date: bool) -> Option<String> {
    let t = secs as libc::time_t;
    // SAFETY: an all-zero `tm` is a valid value for localtime_r to overwrite.
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    // SAFETY: both pointers are valid for the call; localtime_r is thread-safe.
    if unsafe { libc::localtime_r(&t, &mut tm) }.is_null() {
        return None;
    }
    let time = format!("{:02}:{:02}:{:02}", tm.tm_hour, tm.tm_min, tm.tm_sec);
    Some(if with_date {
        format!(
            "{:04}-{:02}-{:02} {time}",
            tm.tm_year + 1900,
            tm.tm_mon + 1,
            tm.tm_mday
        )
    } else {
        time
    })
}
