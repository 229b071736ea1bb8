//! Counters, threads and descriptors of a [`Snapshot`]: io, context switches, the
//! task and fd directories, fdinfo and cgroup membership.

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::path::PathBuf;

use super::{Liveness, RelPath, Snapshot};
use crate::linux::fs::{self, ReadMode};
use crate::linux::parse::{self, pid_files, stat};
use crate::process::types::*;
use crate::{Error, Result};

impl Snapshot<'_> {
    pub(crate) fn io_counters(&self) -> Result<IoCounters> {
        let v = self.read("io", ReadMode::Record, |d| {
            if d.is_empty() {
                return Err(self.parse_error("io", "empty file"));
            }
            pid_files::parse_io(d).ok_or_else(|| self.parse_error("io", "missing field"))
        })?;
        Ok(IoCounters {
            read_chars: v[0],
            write_chars: v[1],
            read_count: v[2],
            write_count: v[3],
            read_bytes: v[4],
            write_bytes: v[5],
        })
    }

    pub(crate) fn num_ctx_switches(&self) -> Result<CtxSwitches> {
        let s = self.status()?;
        match (s.voluntary_ctxt_switches, s.nonvoluntary_ctxt_switches) {
            (Some(voluntary), Some(involuntary)) => Ok(CtxSwitches {
                voluntary,
                involuntary,
            }),
            _ => Err(Error::NotSupported(
                "status has no *_ctxt_switches lines (Linux < 2.6.23)".into(),
            )),
        }
    }

    pub(crate) fn num_threads(&self) -> Result<u64> {
        Ok(self.stat()?.num_threads)
    }

    fn list_dir(&self, sub: &str) -> Result<Vec<u32>> {
        let dir = self.host.proc_dir()?;
        let rel = RelPath::new(self.pid, sub);
        let fd = fs::open_dir_at(dir, rel.bytes()).map_err(|e| self.map_err(sub, e))?;
        let mut out = Vec::new();
        fs::for_each_entry(fd, |name, _| {
            if let Some(n) = parse::parse_u64(name) {
                out.push(n as u32);
            }
            Ok(())
        })
        .map_err(|e| self.map_err(sub, e))?;
        Ok(out)
    }

    pub(crate) fn num_fds(&self) -> Result<usize> {
        Ok(self.list_dir("fd")?.len())
    }

    pub(crate) fn threads(&self) -> Result<Vec<ThreadInfo>> {
        let mut tids = self.list_dir("task")?;
        tids.sort_unstable();
        let mut out = Vec::with_capacity(tids.len());
        for tid in tids {
            let file = format!("task/{tid}/stat");
            match self.read(&file, ReadMode::Record, |d| {
                stat::parse_stat(d).map_err(|e| self.parse_error(&file, e.to_string()))
            }) {
                Ok(s) => out.push(ThreadInfo {
                    id: tid,
                    user_time: self.ticks(s.utime),
                    system_time: self.ticks(s.stime),
                    name: OsString::from_vec(s.comm),
                }),
                // The thread ended between listing and reading: skip it.
                Err(Error::Io { .. }) => continue,
                Err(e) if e.is_gone() => {
                    if matches!(self.liveness(), Liveness::Gone) {
                        return Err(e);
                    }
                }
                Err(e) => return Err(e),
            }
        }
        Ok(out)
    }

    fn fd_entries(&self) -> Result<Vec<(i32, Vec<u8>)>> {
        let dir = self.host.proc_dir()?;
        let mut fds = self.list_dir("fd")?;
        fds.sort_unstable();
        let mut out = Vec::with_capacity(fds.len());
        let mut vanished = false;
        for fd in fds {
            let rel = RelPath::new(self.pid, &format!("fd/{fd}"));
            match fs::readlink_at(dir, rel.bytes()) {
                Ok(t) => out.push((fd as i32, t)),
                // Closed meanwhile, or a name too long to read: skip, as psutil.
                Err(e) if e.raw_os_error() == Some(libc::ENOENT) => vanished = true,
                Err(e)
                    if matches!(
                        e.raw_os_error(),
                        Some(libc::EINVAL) | Some(libc::ENAMETOOLONG)
                    ) => {}
                Err(e) => return Err(self.map_err("fd", e)),
            }
        }
        if vanished {
            self.fail_if_gone()?;
        }
        Ok(out)
    }

    /// NoSuchProcess when the process exited: a descriptor that vanished during a
    /// listing may mean the whole process did, and a partial list must not pass for
    /// the answer (psutil checks the same way).
    fn fail_if_gone(&self) -> Result<()> {
        match self.liveness() {
            Liveness::Gone => Err(self.no_such_process()),
            _ => Ok(()),
        }
    }

    fn fdinfo(&self, fd: i32) -> Option<(u64, u32)> {
        self.read(&format!("fdinfo/{fd}"), ReadMode::Record, |d| {
            Ok(pid_files::parse_fdinfo(d))
        })
        .ok()
        .flatten()
    }

    fn fd_stat(&self, fd: i32) -> Option<rustix::fs::Stat> {
        let dir = self.host.proc_dir().ok()?;
        let rel = RelPath::new(self.pid, &format!("fd/{fd}"));
        rustix::fs::statat(dir, rel.bytes(), rustix::fs::AtFlags::empty()).ok()
    }

    pub(crate) fn open_files(&self) -> Result<Vec<OpenFile>> {
        let mut out = Vec::new();
        let mut vanished = false;
        for (fd, target) in self.fd_entries()? {
            if target.first() != Some(&b'/') {
                continue;
            }
            let Some(st) = self.fd_stat(fd) else {
                vanished = true;
                continue;
            };
            if rustix::fs::FileType::from_raw_mode(st.st_mode) != rustix::fs::FileType::RegularFile
            {
                continue;
            }
            let Some((position, flags)) = self.fdinfo(fd) else {
                vanished = true;
                continue;
            };
            out.push(OpenFile {
                path: PathBuf::from(OsString::from_vec(target)),
                fd,
                position,
                mode: file_mode(flags),
                flags,
            });
        }
        if vanished {
            self.fail_if_gone()?;
        }
        Ok(out)
    }

    pub(crate) fn open_descriptors(&self) -> Result<Vec<Descriptor>> {
        use rustix::fs::FileType;
        let mut out = Vec::new();
        for (fd, target) in self.fd_entries()? {
            let kind = if target.starts_with(b"socket:[") {
                DescriptorKind::Socket
            } else if target.starts_with(b"pipe:[") {
                DescriptorKind::Pipe
            } else if target.starts_with(b"anon_inode:") {
                DescriptorKind::AnonInode
            } else if target.starts_with(b"/dev/pts/")
                || target.starts_with(b"/dev/tty")
                || target == b"/dev/console"
            {
                DescriptorKind::Tty
            } else {
                match self.fd_stat(fd).map(|s| FileType::from_raw_mode(s.st_mode)) {
                    Some(FileType::RegularFile) => DescriptorKind::File,
                    Some(FileType::Directory) => DescriptorKind::Directory,
                    Some(FileType::CharacterDevice) | Some(FileType::BlockDevice) => {
                        DescriptorKind::Device
                    }
                    Some(FileType::Fifo) => DescriptorKind::Pipe,
                    Some(FileType::Socket) => DescriptorKind::Socket,
                    _ => DescriptorKind::Other,
                }
            };
            let info = self.fdinfo(fd);
            out.push(Descriptor {
                fd,
                kind,
                target: PathBuf::from(OsString::from_vec(target)),
                position: info.map(|i| i.0),
                flags: info.map(|i| i.1),
            });
        }
        Ok(out)
    }

    pub(crate) fn cgroup(&self) -> Result<Vec<CgroupMembership>> {
        self.read("cgroup", ReadMode::ToEof, |d| {
            Ok(pid_files::parse_cgroup(d)
                .into_iter()
                .map(|(id, ctl, path)| CgroupMembership {
                    hierarchy_id: id,
                    controllers: String::from_utf8_lossy(&ctl)
                        .split(',')
                        .filter(|c| !c.is_empty())
                        .map(String::from)
                        .collect(),
                    path: PathBuf::from(OsString::from_vec(path)),
                })
                .collect())
        })
    }
}

/// psutil's mode string from open flags.
pub(crate) fn file_mode(flags: u32) -> String {
    let acc = flags & libc::O_ACCMODE as u32;
    let append = flags & libc::O_APPEND as u32 != 0;
    let m = match acc {
        x if x == libc::O_RDONLY as u32 => "r",
        x if x == libc::O_WRONLY as u32 => {
            if append {
                "a"
            } else {
                "w"
            }
        }
        _ => {
            if append {
                "a+"
            } else {
                "r+"
            }
        }
    };
    m.to_string()
}

#[cfg(test)]
mod tests {
    use super::file_mode;

    #[test]
    fn modes() {
        assert_eq!(file_mode(libc::O_RDONLY as u32), "r");
        assert_eq!(file_mode(libc::O_WRONLY as u32), "w");
        assert_eq!(file_mode((libc::O_WRONLY | libc::O_APPEND) as u32), "a");
        assert_eq!(file_mode(libc::O_RDWR as u32), "r+");
        assert_eq!(file_mode((libc::O_RDWR | libc::O_APPEND) as u32), "a+");
    }
}
