//! Linux backend of `net_connections`: which kernel tables a kind covers, where to read
//! them (NETLINK_SOCK_DIAG, else /proc/net), and who owns each socket.
//!
//! - `netlink`: one sock_diag dump per table, with pure parsers of the answer;
//! - `procnet`: pure parsers of /proc/net/{tcp,tcp6,udp,udp6,unix} (psutil's source),
//!   used when netlink is refused or the /proc root is relocated;
//! - `inodes`: the socket inode → (pid, fd) attribution from /proc/PID/fd links.

pub(crate) mod inodes;
pub(crate) mod netlink;
pub(crate) mod procnet;

use std::path::Path;

use super::HostState;
use crate::system::connections::{Connection, ConnectionKind, AF_UNIX, SOCK_DGRAM, SOCK_STREAM};
use crate::{Result, AF_INET, AF_INET6};

/// One kernel socket table: a /proc/net file, or a (family, protocol) sock_diag dump.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Table {
    Tcp4,
    Tcp6,
    Udp4,
    Udp6,
    Unix,
}

impl Table {
    /// The tables of each kind, in psutil's order (its `tmap`).
    pub(crate) fn for_kind(kind: ConnectionKind) -> &'static [Table] {
        use ConnectionKind as K;
        use Table::*;
        match kind {
            K::All => &[Tcp4, Tcp6, Udp4, Udp6, Unix],
            K::Tcp => &[Tcp4, Tcp6],
            K::Tcp4 => &[Tcp4],
            K::Tcp6 => &[Tcp6],
            K::Udp => &[Udp4, Udp6],
            K::Udp4 => &[Udp4],
            K::Udp6 => &[Udp6],
            K::Unix => &[Unix],
            K::Inet => &[Tcp4, Tcp6, Udp4, Udp6],
            K::Inet4 => &[Tcp4, Udp4],
            K::Inet6 => &[Tcp6, Udp6],
        }
    }

    /// The file under the /proc root.
    pub(crate) fn file(self) -> &'static str {
        match self {
            Table::Tcp4 => "net/tcp",
            Table::Tcp6 => "net/tcp6",
            Table::Udp4 => "net/udp",
            Table::Udp6 => "net/udp6",
            Table::Unix => "net/unix",
        }
    }

    /// psutil's family number.
    pub(crate) fn family(self) -> i32 {
        match self {
            Table::Tcp4 | Table::Udp4 => AF_INET,
            Table::Tcp6 | Table::Udp6 => AF_INET6,
            Table::Unix => AF_UNIX,
        }
    }

    /// True for the TCP tables (whose rows carry a state).
    pub(crate) fn is_tcp(self) -> bool {
        matches!(self, Table::Tcp4 | Table::Tcp6)
    }

    /// The socket type of an inet table's rows.
    pub(crate) fn inet_type(self) -> i32 {
        if self.is_tcp() {
            SOCK_STREAM
        } else {
            SOCK_DGRAM
        }
    }
}

/// Sockets read from the tables, each with its inode (0 for TIME_WAIT and embryonic
/// connections, which no descriptor refers to), optionally limited to some inodes.
pub(crate) struct Sockets {
    pub(crate) conns: Vec<Connection>,
    pub(crate) inodes: Vec<u64>,
    /// When set (sorted): keep only these inodes (one process's sockets).
    only: Option<Vec<u64>>,
}

impl Sockets {
    pub(crate) fn new() -> Sockets {
        Sockets {
            conns: Vec::new(),
            inodes: Vec::new(),
            only: None,
        }
    }

    /// Keeps only sockets whose inode is in `inodes` (sorted, deduplicated).
    pub(crate) fn only(inodes: Vec<u64>) -> Sockets {
        Sockets {
            only: Some(inodes),
            ..Sockets::new()
        }
    }

    /// Whether a socket with this inode is to be kept (checked before building it).
    pub(crate) fn wants(&self, inode: u64) -> bool {
        match &self.only {
            Some(only) => inode != 0 && only.binary_search(&inode).is_ok(),
            None => true,
        }
    }

    pub(crate) fn push(&mut self, inode: u64, conn: Connection) {
        self.conns.push(conn);
        self.inodes.push(inode);
    }

    pub(crate) fn len(&self) -> usize {
        self.conns.len()
    }

    fn truncate(&mut self, len: usize) {
        self.conns.truncate(len);
        self.inodes.truncate(len);
    }
}

/// Where the sockets of a host come from: netlink describes the live kernel only, so a
/// relocated /proc root is read through its own net/* files.
fn uses_netlink(host: &HostState) -> bool {
    host.proc_root() == Path::new("/proc")
}

/// Reads one table by netlink into `out` (a sock_diag socket, or a stand-in in tests).
pub(crate) trait Dumper {
    /// Appends the table's sockets; on an error `out` may hold part of them.
    fn dump(
        &mut self,
        table: Table,
        out: &mut Sockets,
    ) -> std::result::Result<(), netlink::DumpError>;
}

impl Dumper for netlink::Diag {
    fn dump(
        &mut self,
        table: Table,
        out: &mut Sockets,
    ) -> std::result::Result<(), netlink::DumpError> {
        netlink::Diag::dump(self, table, out)
    }
}

/// Reads `tables` into `out`: by sock_diag dumps on the local machine, a table whose
/// dump fails (netlink refused, module missing, answer cut short) falling back to its
/// /proc/net file, which lists the same sockets.
pub(crate) fn read_tables(host: &HostState, tables: &[Table], out: &mut Sockets) -> Result<()> {
    read_tables_with(host, tables, out, uses_netlink(host), || {
        netlink::Diag::open().ok()
    })
}

/// [`read_tables`] with the netlink side given: `open` makes a dumper (`None`: netlink
/// refused); a failed dump drops what it appended and reads the /proc/net file instead.
fn read_tables_with<D: Dumper>(
    host: &HostState,
    tables: &[Table],
    out: &mut Sockets,
    use_netlink: bool,
    mut open: impl FnMut() -> Option<D>,
) -> Result<()> {
    let mut diag = None;
    let mut netlink_ok = use_netlink;
    for &table in tables {
        if netlink_ok {
            if diag.is_none() {
                diag = open();
                netlink_ok = diag.is_some();
            }
            if let Some(d) = diag.as_mut() {
                let mark = out.len();
                match d.dump(table, out) {
                    Ok(()) => continue,
                    Err(_) => {
                        // The socket may be mid-dump: drop it, try a fresh one next time.
                        out.truncate(mark);
                        diag = None;
                    }
                }
            }
        }
        procnet::read(host, table, out)?;
    }
    Ok(())
}

/// `net_connections(kind)` of the whole host, with owners when `with_pids`.
pub(crate) fn system_wide(
    host: &HostState,
    kind: ConnectionKind,
    with_pids: bool,
) -> Result<Vec<Connection>> {
    let mut sockets = Sockets::new();
    read_tables(host, Table::for_kind(kind), &mut sockets)?;
    if with_pids {
        inodes::attribute(host, &mut sockets)?;
    }
    Ok(sockets.conns)
}

/// The sockets of `kind` among `owned`, the (inode, fd) pairs of one process's socket
/// descriptors sorted by inode then fd: psutil's per-process rule, one row per TCP/UDP
/// socket (lowest fd) and one per descriptor of a UNIX socket, `pid` set to `pid`.
pub(crate) fn of_process(
    host: &HostState,
    kind: ConnectionKind,
    pid: u32,
    owned: &[(u64, i32)],
) -> Result<Vec<Connection>> {
    if owned.is_empty() {
        return Ok(Vec::new());
    }
    let mut wanted: Vec<u64> = owned.iter().map(|o| o.0).collect();
    wanted.dedup();
    let mut sockets = Sockets::only(wanted);
    read_tables(host, Table::for_kind(kind), &mut sockets)?;
    let mut out = Vec::with_capacity(sockets.len());
    for (mut conn, inode) in sockets.conns.into_iter().zip(sockets.inodes) {
        let start = owned.partition_point(|o| o.0 < inode);
        let fds = owned[start..].iter().take_while(|o| o.0 == inode);
        conn.pid = Some(pid);
        if conn.family == AF_UNIX {
            for &(_, fd) in fds {
                out.push(Connection { fd, ..conn.clone() });
            }
        } else if let Some(&(_, fd)) = fds.into_iter().next() {
            conn.fd = fd;
            out.push(conn);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ConnectionAddress, ConnectionStatus};

    /// A /proc root whose net/tcp holds one listener on 127.0.0.1:22 (inode 1001).
    fn proc_with_tcp() -> (tempfile::TempDir, HostState) {
        let dir = tempfile::tempdir().unwrap();
        let net = dir.path().join("net");
        std::fs::create_dir_all(&net).unwrap();
        std::fs::write(
            net.join("tcp"),
            "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n   \
             0: 0100007F:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1001 1 0 100 0 0 10 0\n",
        )
        .unwrap();
        let host = HostState::new(dir.path().to_path_buf(), dir.path().join("sys"));
        (dir, host)
    }

    /// A dumper that appends one made-up socket and then fails, as an answer cut
    /// short would; or, with `ok`, answers with nothing.
    struct CutShort {
        ok: bool,
        calls: usize,
    }

    impl Dumper for CutShort {
        fn dump(
            &mut self,
            _t: Table,
            out: &mut Sockets,
        ) -> std::result::Result<(), netlink::DumpError> {
            self.calls += 1;
            if self.ok {
                return Ok(());
            }
            out.push(
                7,
                Connection {
                    fd: -1,
                    family: AF_INET,
                    type_: SOCK_STREAM,
                    laddr: ConnectionAddress::Empty,
                    raddr: ConnectionAddress::Empty,
                    status: ConnectionStatus::None,
                    pid: None,
                },
            );
            Err(netlink::DumpError::Truncated("a test"))
        }
    }

    #[test]
    fn a_dump_cut_short_falls_back_to_proc_net_without_its_partial_rows() {
        let (_dir, host) = proc_with_tcp();
        let mut out = Sockets::new();
        let mut opened = 0;
        read_tables_with(&host, &[Table::Tcp4], &mut out, true, || {
            opened += 1;
            Some(CutShort {
                ok: false,
                calls: 0,
            })
        })
        .unwrap();
        assert_eq!(opened, 1);
        assert_eq!(out.inodes, vec![1001], "only /proc/net/tcp's row");
        assert_eq!(out.conns[0].status, ConnectionStatus::Listen);
        assert_eq!(out.conns[0].laddr.port(), Some(22));
    }

    #[test]
    fn refused_netlink_reads_proc_net_and_a_good_dump_does_not() {
        let (_dir, host) = proc_with_tcp();
        let mut out = Sockets::new();
        read_tables_with(&host, &[Table::Tcp4], &mut out, true, || None::<CutShort>).unwrap();
        assert_eq!(out.inodes, vec![1001]);
        let mut out = Sockets::new();
        read_tables_with(&host, &[Table::Tcp4], &mut out, true, || {
            Some(CutShort { ok: true, calls: 0 })
        })
        .unwrap();
        assert!(out.conns.is_empty(), "the dump's answer stands");
    }
}
