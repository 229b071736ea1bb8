//! The raw floors of socket listing, in libc with no decoding: a NETLINK_SOCK_DIAG dump
//! that only counts messages, the /proc/PID/fd scan (readdir + readlinkat of every
//! entry) that attributes sockets to processes, and reading /proc/net/tcp{,6} to EOF.

use std::ffi::CStr;

const RECV_BUF: usize = 256 * 1024;

/// A reusable raw measurer: one receive buffer, one read buffer.
pub struct Raw {
    buf: Vec<u8>,
}

impl Raw {
    /// Allocates the buffers.
    pub fn new() -> Raw {
        Raw {
            buf: vec![0u8; RECV_BUF],
        }
    }

    /// Dumps every TCP socket (AF_INET then AF_INET6, all states) and returns how many
    /// messages came back.
    pub fn netlink_tcp(&mut self) -> Result<usize, String> {
        // SAFETY: plain socket syscalls on a descriptor owned by this function, with
        // buffers that outlive each call; the fd is closed exactly once.
        unsafe {
            let fd = libc::socket(libc::AF_NETLINK, libc::SOCK_DGRAM | libc::SOCK_CLOEXEC, 4);
            if fd < 0 {
                return Err(format!(
                    "netlink socket: {}",
                    std::io::Error::last_os_error()
                ));
            }
            let mut count = 0;
            for (seq, family) in [(1u32, libc::AF_INET as u8), (2, libc::AF_INET6 as u8)] {
                let mut req = [0u8; 72];
                req[0..4].copy_from_slice(&72u32.to_ne_bytes());
                req[4..6].copy_from_slice(&20u16.to_ne_bytes()); // SOCK_DIAG_BY_FAMILY
                req[6..8].copy_from_slice(&0x301u16.to_ne_bytes()); // REQUEST | DUMP
                req[8..12].copy_from_slice(&seq.to_ne_bytes());
                req[16] = family;
                req[17] = libc::IPPROTO_TCP as u8;
                req[20..24].copy_from_slice(&0x1ffeu32.to_ne_bytes());
                if libc::send(fd, req.as_ptr().cast(), req.len(), 0) < 0 {
                    libc::close(fd);
                    return Err("netlink send failed".into());
                }
                'dump: loop {
                    let n = libc::recv(fd, self.buf.as_mut_ptr().cast(), self.buf.len(), 0);
                    if n <= 0 {
                        libc::close(fd);
                        return Err("netlink recv failed".into());
                    }
                    let mut at = 0usize;
                    while at + 16 <= n as usize {
                        let len =
                            u32::from_ne_bytes(self.buf[at..at + 4].try_into().unwrap()) as usize;
                        let kind = u16::from_ne_bytes(self.buf[at + 4..at + 6].try_into().unwrap());
                        if kind == 3 || kind == 2 || len < 16 {
                            break 'dump; // DONE or ERROR
                        }
                        count += 1;
                        at += (len + 3) & !3;
                    }
                }
            }
            libc::close(fd);
            Ok(count)
        }
    }

    /// Reads /proc/net/tcp and /proc/net/tcp6 to EOF; returns the bytes read.
    pub fn procnet_tcp(&mut self) -> usize {
        let mut total = 0;
        for path in [c"/proc/net/tcp", c"/proc/net/tcp6"] {
            // SAFETY: NUL-terminated path, a buffer that outlives the reads, one close.
            unsafe {
                let fd = libc::open(path.as_ptr(), libc::O_RDONLY | libc::O_CLOEXEC);
                if fd < 0 {
                    continue;
                }
                loop {
                    let n = libc::read(fd, self.buf.as_mut_ptr().cast(), self.buf.len());
                    if n <= 0 {
                        break;
                    }
                    total += n as usize;
                }
                libc::close(fd);
            }
        }
        total
    }

    /// readdir of /proc/`pid`/fd and readlinkat of each entry; returns the socket
    /// links seen.
    pub fn fdscan_pid(&mut self, pid: u32) -> usize {
        let path = format!("/proc/{pid}/fd\0");
        let mut sockets = 0;
        // SAFETY: NUL-terminated path; fdopendir takes ownership of the fd, closedir
        // closes it; each dirent is used before the next readdir.
        unsafe {
            let fd = libc::open(
                path.as_ptr().cast(),
                libc::O_RDONLY | libc::O_DIRECTORY | libc::O_CLOEXEC,
            );
            if fd < 0 {
                return 0;
            }
            let dir = libc::fdopendir(fd);
            if dir.is_null() {
                libc::close(fd);
                return 0;
            }
            let mut link = [0u8; 64];
            loop {
                let ent = libc::readdir(dir);
                if ent.is_null() {
                    break;
                }
                let name = CStr::from_ptr((*ent).d_name.as_ptr());
                if name.to_bytes().first() == Some(&b'.') {
                    continue;
                }
                let n = libc::readlinkat(fd, name.as_ptr(), link.as_mut_ptr().cast(), link.len());
                if n > 8 && link.starts_with(b"socket:[") {
                    sockets += 1;
                }
            }
            libc::closedir(dir);
        }
        sockets
    }

    /// [`Raw::fdscan_pid`] over every PID in /proc.
    pub fn fdscan_all(&mut self) -> usize {
        let mut pids = Vec::with_capacity(1024);
        if let Ok(rd) = std::fs::read_dir("/proc") {
            for e in rd.flatten() {
                if let Some(pid) = e.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) {
                    pids.push(pid);
                }
            }
        }
        pids.iter().map(|&p| self.fdscan_pid(p)).sum()
    }
}
