//! Socket owners: which process holds each socket, from the `socket:[INODE]` links of
//! /proc/PID/fd. Each fd directory is read once, with one getdents buffer and one
//! readlink buffer for the whole walk.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::io;
use std::io::Write;
use std::mem::MaybeUninit;

use rustix::fd::{AsFd, BorrowedFd};

use super::Sockets;
use crate::linux::fs;
use crate::linux::HostState;
use crate::system::connections::{Connection, AF_UNIX};
use crate::{Error, Result};

/// The inode of an fd link target `socket:[12345]`.
pub(crate) fn socket_inode(target: &[u8]) -> Option<u64> {
    let digits = target.strip_prefix(b"socket:[")?.strip_suffix(b"]")?;
    if digits.is_empty() || digits.len() > 20 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(digits).ok()?.parse().ok()
}

/// `PID/fd` on the stack.
fn fd_dir_path(pid: u32, buf: &mut [u8; 24]) -> &[u8] {
    let mut cur = io::Cursor::new(&mut buf[..]);
    let _ = write!(cur, "{pid}/fd");
    let n = cur.position() as usize;
    &buf[..n]
}

/// Buffers reused across every directory of a walk.
pub(crate) struct Walker {
    dents: Vec<MaybeUninit<u8>>,
    found: Vec<(i32, u64)>,
}

impl Walker {
    pub(crate) fn new() -> Walker {
        Walker {
            dents: vec![MaybeUninit::uninit(); 16 * 1024],
            found: Vec::new(),
        }
    }

    /// The (fd, inode) of each socket descriptor of `pid`. A descriptor closed during
    /// the walk, or whose link is not one or too long, is skipped (as psutil); any other
    /// failure, a denied link included, is returned for the whole process, which psutil
    /// then leaves out (system-wide) or reports as AccessDenied (`Process`).
    pub(crate) fn sockets_of(
        &mut self,
        proc_dir: BorrowedFd<'_>,
        pid: u32,
    ) -> io::Result<&[(i32, u64)]> {
        self.found.clear();
        let mut path = [0u8; 24];
        let dir = fs::open_dir_at(proc_dir, fd_dir_path(pid, &mut path))?;
        let mut link = [0u8; 40];
        let mut failed = None;
        let found = &mut self.found;
        fs::for_each_entry_in(dir.as_fd(), &mut self.dents, |name| {
            let Some(fd) = crate::linux::parse::parse_u64(name.to_bytes()) else {
                return;
            };
            if failed.is_some() {
                return;
            }
            match fs::readlink_into(&dir, name, &mut link) {
                Ok(target) => {
                    if let Some(inode) = socket_inode(target) {
                        found.push((fd as i32, inode));
                    }
                }
                Err(e)
                    if matches!(
                        e.raw_os_error(),
                        Some(libc::ENOENT | libc::ESRCH | libc::EINVAL | libc::ENAMETOOLONG)
                    ) => {}
                Err(e) => failed = Some(e),
            }
        })?;
        match failed {
            Some(e) => Err(e),
            None => Ok(&self.found),
        }
    }
}

/// The process went away, or its fd directory or links are closed to us: psutil leaves
/// such a process out of the system-wide owner map.
pub(crate) fn is_vanished_or_denied(e: &io::Error) -> bool {
    matches!(
        e.raw_os_error(),
        Some(libc::ENOENT | libc::ESRCH | libc::EACCES | libc::EPERM)
    )
}

/// A hasher for inode keys: the inodes are already well spread, so one multiply does.
#[derive(Default)]
struct InodeHasher(u64);

impl Hasher for InodeHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = v.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// Sets `pid` and `fd` of every socket whose owner shows in some /proc/PID/fd, with
/// psutil's outcome for shared sockets: the highest PID holding it wins; a TCP/UDP
/// socket gets that process's lowest descriptor, a UNIX socket one row per descriptor.
/// Processes that exit during the walk, or whose fd directory is denied, are skipped.
pub(crate) fn attribute(host: &HostState, sockets: &mut Sockets) -> Result<()> {
    let mut index: HashMap<u64, usize, BuildHasherDefault<InodeHasher>> =
        HashMap::with_capacity_and_hasher(sockets.len(), Default::default());
    for (row, &inode) in sockets.inodes.iter().enumerate() {
        if inode != 0 {
            index.entry(inode).or_insert(row);
        }
    }
    if index.is_empty() {
        return Ok(());
    }
    let is_unix: Vec<bool> = sockets.conns.iter().map(|c| c.family == AF_UNIX).collect();
    // (pid, lowest fd) per row; pid 0: no owner seen.
    let mut owners: Vec<(u32, i32)> = vec![(0, -1); sockets.len()];
    // Further descriptors of UNIX sockets: (row, pid, fd).
    let mut extra: Vec<(usize, u32, i32)> = Vec::new();
    let mut walker = Walker::new();
    let proc_dir = host.proc_dir()?;
    for pid in crate::linux::process::pids(host)? {
        let found = match walker.sockets_of(proc_dir, pid) {
            Ok(found) => found,
            Err(e) if is_vanished_or_denied(&e) => continue,
            Err(e) => return Err(Error::io(host.proc_path(format!("{pid}/fd")), e)),
        };
        for &(fd, inode) in found {
            let Some(&row) = index.get(&inode) else {
                continue;
            };
            let owner = &mut owners[row];
            if pid > owner.0 {
                *owner = (pid, fd);
            } else if pid == owner.0 {
                if is_unix[row] {
                    extra.push((row, pid, fd.max(owner.1)));
                }
                owner.1 = owner.1.min(fd);
            }
        }
    }
    for (conn, &(pid, fd)) in sockets.conns.iter_mut().zip(&owners) {
        if pid != 0 {
            conn.pid = Some(pid);
            conn.fd = fd;
        }
    }
    for (row, pid, fd) in extra {
        if owners[row].0 == pid {
            let more = Connection {
                fd,
                ..sockets.conns[row].clone()
            };
            sockets.conns.push(more);
        }
    }
    Ok(())
}

/// The (inode, fd) pairs of `pid`'s socket descriptors, sorted.
pub(crate) fn of_pid(proc_dir: BorrowedFd<'_>, pid: u32) -> io::Result<Vec<(u64, i32)>> {
    let mut walker = Walker::new();
    let mut owned: Vec<(u64, i32)> = walker
        .sockets_of(proc_dir, pid)?
        .iter()
        .map(|&(fd, inode)| (inode, fd))
        .collect();
    owned.sort_unstable();
    Ok(owned)
}
