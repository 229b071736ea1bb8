//! Processes holding K loopback TCP connections: a server (listener + K accepted
//! sockets) and a client (K connected sockets), forked from the benchmark because one
//! process may not hold 2K descriptors (the hard fd limit may be about 20,000), plus a
//! process holding exactly one listening socket. All on 127.0.0.1; every socket has
//! SO_LINGER 0 so that closing leaves no TIME_WAIT behind to skew the next K. The
//! holders die with the benchmark (PR_SET_PDEATHSIG) and are killed by PID on drop.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::fd::AsRawFd;
use std::os::unix::net::UnixStream;

/// The running holders.
pub struct Holders {
    /// The server half: listener plus K accepted sockets.
    pub server: u32,
    /// The client half.
    pub client: u32,
    /// A process with a single listening socket.
    pub one: u32,
}

fn no_linger(fd: i32) {
    let l = libc::linger {
        l_onoff: 1,
        l_linger: 0,
    };
    // SAFETY: a valid socket fd and a correctly sized linger struct.
    unsafe {
        libc::setsockopt(
            fd,
            libc::SOL_SOCKET,
            libc::SO_LINGER,
            (&l as *const libc::linger).cast(),
            std::mem::size_of::<libc::linger>() as libc::socklen_t,
        );
    }
}

fn raise_fd_limit() {
    // SAFETY: getrlimit/setrlimit with a valid struct.
    unsafe {
        let mut r = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut r) == 0 {
            r.rlim_cur = r.rlim_max;
            libc::setrlimit(libc::RLIMIT_NOFILE, &r);
        }
    }
}

/// Forks a child running `body` (which reports over `tx`), then sleeping until killed.
fn fork_holder(
    body: impl FnOnce(&mut UnixStream) -> Result<(), String>,
) -> Result<(u32, UnixStream), String> {
    let (mut rx, mut tx) = UnixStream::pair().map_err(|e| e.to_string())?;
    // SAFETY: the benchmark is single-threaded here, so the child may run any code;
    // it never returns from this function (it pauses until killed, or _exits).
    let pid = unsafe { libc::fork() };
    if pid < 0 {
        return Err(format!("fork: {}", std::io::Error::last_os_error()));
    }
    if pid == 0 {
        drop(rx);
        // SAFETY: prctl/pause/_exit have no memory-safety preconditions.
        unsafe {
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
            if let Err(e) = body(&mut tx) {
                let _ = writeln!(tx, "error: {e}");
                libc::_exit(1);
            }
            loop {
                libc::pause();
            }
        }
    }
    drop(tx);
    let _ = &mut rx;
    Ok((pid as u32, rx))
}

fn read_line(rx: &mut UnixStream) -> Result<String, String> {
    let mut line = Vec::new();
    let mut byte = [0u8; 1];
    while rx.read(&mut byte).map_err(|e| e.to_string())? == 1 && byte[0] != b'\n' {
        line.push(byte[0]);
    }
    let line = String::from_utf8_lossy(&line).into_owned();
    match line.strip_prefix("error: ") {
        Some(e) => Err(format!("holder failed: {e}")),
        None if line.is_empty() => Err("holder exited before reporting".into()),
        None => Ok(line),
    }
}

impl Holders {
    /// Starts the holders with `k` connections and waits until all are established.
    pub fn spawn(k: usize) -> Result<Holders, String> {
        let (server, mut srx) = fork_holder(move |tx| {
            raise_fd_limit();
            let l = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
            // std listens with a backlog of 128; a full accept queue drops SYNs, which
            // are retried after a second. Ask for the kernel's maximum instead.
            // SAFETY: listen on a bound socket we own.
            unsafe { libc::listen(l.as_raw_fd(), 65535) };
            let port = l.local_addr().map_err(|e| e.to_string())?.port();
            writeln!(tx, "{port}").map_err(|e| e.to_string())?;
            let mut kept: Vec<TcpStream> = Vec::with_capacity(k);
            while kept.len() < k {
                let (s, _) = l.accept().map_err(|e| format!("accept: {e}"))?;
                no_linger(s.as_raw_fd());
                kept.push(s);
            }
            writeln!(tx, "ready").map_err(|e| e.to_string())?;
            std::mem::forget((l, kept));
            Ok(())
        })?;
        let mut holders = Holders {
            server,
            client: 0,
            one: 0,
        };
        let port: u16 = read_line(&mut srx)?
            .parse()
            .map_err(|e| format!("port: {e}"))?;
        let (client, mut crx) = fork_holder(move |tx| {
            raise_fd_limit();
            let mut kept: Vec<TcpStream> = Vec::with_capacity(k);
            for _ in 0..k {
                let s =
                    TcpStream::connect(("127.0.0.1", port)).map_err(|e| format!("connect: {e}"))?;
                no_linger(s.as_raw_fd());
                kept.push(s);
            }
            writeln!(tx, "ready").map_err(|e| e.to_string())?;
            std::mem::forget(kept);
            Ok(())
        })?;
        holders.client = client;
        read_line(&mut crx)?;
        read_line(&mut srx)?;
        let (one, mut orx) = fork_holder(|tx| {
            let l = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
            // One TCP socket (plus the few descriptors inherited from the fork).
            writeln!(tx, "ready").map_err(|e| e.to_string())?;
            std::mem::forget(l);
            Ok(())
        })?;
        holders.one = one;
        read_line(&mut orx)?;
        Ok(holders)
    }
}

impl Drop for Holders {
    fn drop(&mut self) {
        for pid in [self.server, self.client, self.one] {
            if pid > 0 {
                // SAFETY: kill/waitpid on our own children, by PID.
                unsafe {
                    libc::kill(pid as i32, libc::SIGKILL);
                    libc::waitpid(pid as i32, std::ptr::null_mut(), 0);
                }
            }
        }
    }
}
