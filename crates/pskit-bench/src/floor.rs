//! The raw floor: libc `open` + `read` + `close` of /proc files into one reused buffer,
//! with no parsing. This is the kernel's share of the work, which no library can avoid.

use std::ffi::CStr;

/// Size of the one reused read buffer (the anchors used 64 KiB too).
const BUF_SIZE: usize = 64 * 1024;

/// How the floor reads each file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReadRule {
    /// One read() per file: right for single-record files (stat, statm, status, cmdline),
    /// whose first read returns the whole record.
    Once,
    /// read() until it returns 0: needed for seq files such as smaps_rollup.
    ToEof,
}

/// A reusable raw reader: one buffer for file contents, one for the path.
pub struct RawReader {
    buf: Vec<u8>,
    path: Vec<u8>,
    /// Sum of bytes read, so nothing can be optimised away.
    pub bytes: u64,
}

impl Default for RawReader {
    fn default() -> Self {
        RawReader::new()
    }
}

impl RawReader {
    /// A reader with its 64 KiB buffer allocated.
    pub fn new() -> Self {
        RawReader {
            buf: vec![0u8; BUF_SIZE],
            path: Vec::with_capacity(64),
            bytes: 0,
        }
    }

    /// The PIDs in /proc, in directory order, through glibc's readdir (as the anchors).
    pub fn pids(&mut self) -> Vec<u32> {
        let mut out = Vec::with_capacity(4096);
        // SAFETY: opendir/readdir/closedir on a NUL-terminated literal path; each
        // dirent pointer is used before the next readdir call and d_name is
        // NUL-terminated.
        unsafe {
            let dir = libc::opendir(c"/proc".as_ptr());
            if dir.is_null() {
                return out;
            }
            loop {
                let ent = libc::readdir(dir);
                if ent.is_null() {
                    break;
                }
                let name = CStr::from_ptr((*ent).d_name.as_ptr()).to_bytes();
                if let Some(pid) = parse_pid(name) {
                    out.push(pid);
                }
            }
            libc::closedir(dir);
        }
        out
    }

    /// Opens /proc/`pid`/`file`, reads it following `rule` and closes it. Returns the
    /// bytes read, or `None` if the open or a read failed.
    pub fn read(&mut self, pid: u32, file: &[u8], rule: ReadRule) -> Option<usize> {
        self.path.clear();
        self.path.extend_from_slice(b"/proc/");
        push_u32(&mut self.path, pid);
        self.path.push(b'/');
        self.path.extend_from_slice(file);
        self.path.push(0);
        // SAFETY: `path` is NUL-terminated; `buf` is BUF_SIZE bytes long and outlives
        // every read; the fd is closed exactly once.
        unsafe {
            let fd = libc::open(self.path.as_ptr().cast(), libc::O_RDONLY | libc::O_CLOEXEC);
            if fd < 0 {
                return None;
            }
            let mut total = 0usize;
            let ok = loop {
                let n = libc::read(fd, self.buf.as_mut_ptr().cast(), BUF_SIZE);
                if n < 0 {
                    break false;
                }
                total += n as usize;
                if n == 0 || rule == ReadRule::Once {
                    break true;
                }
            };
            libc::close(fd);
            self.bytes += total as u64;
            ok.then_some(total)
        }
    }

    /// The process-scan floor: for every PID, stat, status, statm and cmdline. Returns
    /// the number of processes whose stat could be read.
    pub fn procscan(&mut self, rule: ReadRule) -> usize {
        let mut n = 0;
        for pid in self.pids() {
            if self.read(pid, b"stat", rule).is_none() {
                continue;
            }
            self.read(pid, b"status", rule);
            self.read(pid, b"statm", rule);
            self.read(pid, b"cmdline", rule);
            n += 1;
        }
        n
    }

    /// The memory_full_info floor: smaps_rollup (a seq file, always read to EOF) and,
    /// if `statm`, statm (one read). Returns the number of PIDs visited. Kernel
    /// threads fail the smaps_rollup open with ESRCH; like psutil (which reports zeros
    /// for them) they are still counted, and statm is still read.
    pub fn uss(&mut self, statm: bool) -> usize {
        let mut n = 0;
        for pid in self.pids() {
            self.read(pid, b"smaps_rollup", ReadRule::ToEof);
            if statm {
                self.read(pid, b"statm", ReadRule::Once);
            }
            n += 1;
        }
        n
    }
}

/// A decimal PID from a directory entry name, `None` for anything else.
fn parse_pid(name: &[u8]) -> Option<u32> {
    if name.is_empty() || name.len() > 10 {
        return None;
    }
    let mut v: u32 = 0;
    for &c in name {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v.checked_mul(10)?.checked_add(u32::from(c - b'0'))?;
    }
    Some(v)
}

/// Appends `v` in decimal without allocating.
fn push_u32(out: &mut Vec<u8>, mut v: u32) {
    let mut tmp = [0u8; 10];
    let mut i = tmp.len();
    loop {
        i -= 1;
        tmp[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    out.extend_from_slice(&tmp[i..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pids_and_paths() {
        assert_eq!(parse_pid(b"123"), Some(123));
        assert_eq!(parse_pid(b"self"), None);
        let mut v = Vec::new();
        push_u32(&mut v, 4_000_000);
        assert_eq!(v, b"4000000");
        let mut r = RawReader::new();
        assert!(r.pids().contains(&std::process::id()));
        assert!(r.read(std::process::id(), b"stat", ReadRule::Once).unwrap() > 0);
        assert!(r.procscan(ReadRule::ToEof) > 0);
    }
}
