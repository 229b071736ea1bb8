//! File reading tuned for /proc: one reused buffer, no `fstat`/`lseek` size probing, and
//! the right end-of-file rule for each kind of file.

use std::cell::RefCell;
use std::io;

use rustix::fd::{AsFd, OwnedFd};
use rustix::fs::{openat, Mode, OFlags};
use rustix::path::Arg;

/// How a file must be read to get all of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ReadMode {
    /// A single-record file (stat, statm, status, cmdline, io…): the kernel returns the
    /// whole record in the first read() if it fits, so a read that does not fill the
    /// buffer is the end. Saves one syscall per file.
    Record,
    /// A multi-record seq file (smaps, maps, mounts, /proc/net/*): the kernel returns
    /// about a page per read() whatever the buffer size, so read until 0.
    ToEof,
}

/// Opens `path` (relative to `dir`, or absolute) read-only.
pub(crate) fn open_at<P: Arg>(dir: impl AsFd, path: P) -> io::Result<OwnedFd> {
    Ok(openat(
        dir,
        path,
        OFlags::RDONLY | OFlags::CLOEXEC | OFlags::NOCTTY,
        Mode::empty(),
    )?)
}

/// Reads the whole of `fd` into `buf` (cleared first) following `mode`.
pub(crate) fn read_fd(fd: impl AsFd, buf: &mut Vec<u8>, mode: ReadMode) -> io::Result<()> {
    fill(buf, mode, |buf| {
        rustix::io::read(fd.as_fd(), rustix::buffer::spare_capacity(buf))
    })
}

/// Reads the whole of an already open file from offset 0 into `buf` (cleared first)
/// with positioned reads, so one descriptor serves reader after reader. A /proc seq
/// file read at offset 0 regenerates its content: each call sees fresh values.
pub(crate) fn pread_from_start(fd: impl AsFd, buf: &mut Vec<u8>, mode: ReadMode) -> io::Result<()> {
    fill(buf, mode, |buf| {
        let offset = buf.len() as u64;
        rustix::io::pread(fd.as_fd(), rustix::buffer::spare_capacity(buf), offset)
    })
}

/// Clears `buf` and appends reads from `read_more` (which fills the spare capacity)
/// until `mode`'s end of file, growing the buffer when a read fills it.
fn fill(
    buf: &mut Vec<u8>,
    mode: ReadMode,
    mut read_more: impl FnMut(&mut Vec<u8>) -> rustix::io::Result<usize>,
) -> io::Result<()> {
    buf.clear();
    if buf.capacity() < 4096 {
        buf.reserve(4096);
    }
    loop {
        if buf.len() == buf.capacity() {
            buf.reserve(buf.capacity());
        }
        let space = buf.capacity() - buf.len();
        let n = loop {
            match read_more(buf) {
                Ok(n) => break n,
                Err(rustix::io::Errno::INTR) => continue,
                Err(e) => return Err(e.into()),
            }
        };
        if n == 0 || (mode == ReadMode::Record && n < space) {
            return Ok(());
        }
    }
}

/// Opens and reads `path` relative to `dir` into `buf`.
pub(crate) fn read_at<P: Arg>(
    dir: impl AsFd,
    path: P,
    buf: &mut Vec<u8>,
    mode: ReadMode,
) -> io::Result<()> {
    let fd = open_at(dir, path)?;
    read_fd(&fd, buf, mode)
}

thread_local! {
    static SCRATCH: RefCell<Vec<u8>> = RefCell::new(Vec::with_capacity(16 * 1024));
}

/// Runs `f` with this thread's reusable read buffer (a fresh one if it is already in use
/// further up the stack), so single getters do not allocate a buffer per call.
pub(crate) fn with_scratch<R>(f: impl FnOnce(&mut Vec<u8>) -> R) -> R {
    SCRATCH.with(|cell| match cell.try_borrow_mut() {
        Ok(mut buf) => f(&mut buf),
        Err(_) => f(&mut Vec::with_capacity(4096)),
    })
}

/// Reads a symlink relative to `dir` into an owned byte vector (no lossy conversion).
pub(crate) fn readlink_at<P: Arg>(dir: impl AsFd, path: P) -> io::Result<Vec<u8>> {
    let target = rustix::fs::readlinkat(dir, path, Vec::with_capacity(128))?;
    Ok(target.into_bytes())
}

/// Reads a symlink relative to `dir` into `buf` without allocating and returns its
/// target, cut at `buf.len()` bytes when longer (enough to recognise `socket:[N]`).
pub(crate) fn readlink_into<P: Arg>(dir: impl AsFd, path: P, buf: &mut [u8]) -> io::Result<&[u8]> {
    let n = rustix::fs::readlinkat_raw(dir, path, &mut *buf)?;
    Ok(&buf[..n])
}

/// Hands each entry name of the open directory `dir` (`.` and `..` excluded) to `f`,
/// reading with getdents64 into the caller's reusable `buf`: no allocation per
/// directory, for walks over many small directories such as every /proc/PID/fd.
pub(crate) fn for_each_entry_in(
    dir: rustix::fd::BorrowedFd<'_>,
    buf: &mut [std::mem::MaybeUninit<u8>],
    mut f: impl FnMut(&std::ffi::CStr),
) -> io::Result<()> {
    let mut d = rustix::fs::RawDir::new(dir, buf);
    while let Some(entry) = d.next() {
        let entry = entry?;
        let name = entry.file_name();
        if name.to_bytes() == b"." || name.to_bytes() == b".." {
            continue;
        }
        f(name);
    }
    Ok(())
}

/// Names of the entries of an open directory, `.` and `..` excluded, handed to `f` as
/// raw bytes. Stops early if `f` returns an error.
pub(crate) fn for_each_entry(
    dir: OwnedFd,
    mut f: impl FnMut(&[u8], rustix::fs::FileType) -> io::Result<()>,
) -> io::Result<()> {
    let mut d = rustix::fs::Dir::new(dir)?;
    while let Some(entry) = d.read() {
        let entry = entry?;
        let name = entry.file_name().to_bytes();
        if name == b"." || name == b".." {
            continue;
        }
        f(name, entry.file_type())?;
    }
    Ok(())
}

/// Opens a directory (relative to `dir`, or absolute) for listing.
pub(crate) fn open_dir_at<P: Arg>(dir: impl AsFd, path: P) -> io::Result<OwnedFd> {
    Ok(openat(
        dir,
        path,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seq_files_are_read_past_the_first_page() {
        // /proc/self/smaps of a test binary is many pages; a Record read would stop early.
        let mut buf = Vec::new();
        read_at(
            rustix::fs::CWD,
            "/proc/self/smaps",
            &mut buf,
            ReadMode::ToEof,
        )
        .unwrap();
        let mut again = Vec::new();
        let mut f = std::fs::File::open("/proc/self/smaps").unwrap();
        std::io::Read::read_to_end(&mut f, &mut again).unwrap();
        assert!(buf.len() > 4096);
        // Both end with a complete VmFlags line.
        assert_eq!(buf.last(), Some(&b'\n'));
        assert_eq!(again.last(), Some(&b'\n'));
    }

    #[test]
    fn record_files_that_exceed_the_buffer_are_read_whole() {
        let mut buf = Vec::with_capacity(16);
        read_at(
            rustix::fs::CWD,
            "/proc/self/status",
            &mut buf,
            ReadMode::Record,
        )
        .unwrap();
        assert!(buf.windows(4).any(|w| w == b"Pid:"));
        assert!(buf.ends_with(b"\n"));
    }
}
