//! `Process::net_connections`: the sockets one process holds.

use super::Process;
use crate::sys::connections::{inodes, of_process};
use crate::sys::process::Snapshot;
use crate::{Connection, ConnectionKind, Result};

impl Process {
    /// The sockets of `kind` this process holds (psutil `Process.net_connections(kind)`):
    /// its `/proc/PID/fd` is read once for `socket:[INODE]` links, then only the tables
    /// of `kind` are read (NETLINK_SOCK_DIAG, or /proc/net as for
    /// [`crate::net_connections`]) and kept when the inode is the process's. A TCP/UDP
    /// socket is listed once with its lowest descriptor, a UNIX socket once per
    /// descriptor; `pid` is this process's PID (psutil's `pconn` has no pid field).
    /// A process without sockets answers `[]` at once, zombies included.
    ///
    /// `AccessDenied` when the fd directory or its links are closed to the caller;
    /// `NoSuchProcess` when the process is gone, checked after reading, as psutil.
    ///
    /// ```
    /// use pskit::{ConnectionKind, Process};
    /// let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    /// let conns = Process::current()?.net_connections(ConnectionKind::Inet)?;
    /// let port = l.local_addr().unwrap().port();
    /// assert!(conns.iter().any(|c| c.laddr.port() == Some(port)));
    /// # Ok::<(), pskit::Error>(())
    /// ```
    pub fn net_connections(&self, kind: ConnectionKind) -> Result<Vec<Connection>> {
        let host = &self.host().inner;
        let snap = Snapshot::new(host, self.pid(), Some(self.last_name().clone()));
        let owned =
            inodes::of_pid(host.proc_dir()?, self.pid()).map_err(|e| snap.map_err("fd", e))?;
        let conns = of_process(host, kind, self.pid(), &owned)?;
        self.check_identity()?;
        Ok(conns)
    }
}
