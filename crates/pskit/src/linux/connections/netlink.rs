//! NETLINK_SOCK_DIAG dumps (`ss`'s interface; sock_diag(7)): one request per table,
//! answered by batches of `inet_diag_msg` or `unix_diag_msg` records.
//!
//! The messages are a few fixed C layouts, so they are encoded and decoded here by hand
//! (about as long as the glue a netlink crate needs, and 1.4× cheaper per socket than
//! netlink-packet-sock-diag in `perf-anchors.md`); the socket calls go through rustix.
//! The parsers are pure functions of the received bytes, tested on answers laid out as
//! the kernel sends them (whole, cut short, with errors) and on a live dump.

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::os::unix::ffi::OsStringExt;

use rustix::fd::OwnedFd;
use rustix::net::{netlink, AddressFamily, RecvFlags, SendFlags, SocketFlags, SocketType};

use super::{Sockets, Table};
use crate::system::connections::{Connection, ConnectionAddress, AF_UNIX};
use crate::ConnectionStatus;

const NLMSG_HDRLEN: usize = 16;
const NLMSG_ERROR: u16 = 2;
const NLMSG_DONE: u16 = 3;
const SOCK_DIAG_BY_FAMILY: u16 = 20;
const NLM_F_REQUEST: u16 = 0x1;
const NLM_F_DUMP: u16 = 0x100 | 0x200;
/// `struct inet_diag_msg`: family, state, timer, retrans, sockid (48), expires,
/// rqueue, wqueue, uid, inode.
const INET_DIAG_MSG_LEN: usize = 72;
/// `struct unix_diag_msg`: family, type, state, pad, ino, cookie[2].
const UNIX_DIAG_MSG_LEN: usize = 16;
const UNIX_DIAG_NAME: u16 = 0;
const UDIAG_SHOW_NAME: u32 = 0x1;
const IPPROTO_TCP: u8 = 6;
const IPPROTO_UDP: u8 = 17;
/// TCP states 1 (ESTABLISHED) to 12 (NEW_SYN_RECV, reported as SYN_RECV): what
/// /proc/net/tcp lists. Bit 13 (TCP_BOUND_INACTIVE: bound-only sockets, recent kernels)
/// is left out, as they are not listed there.
const TCP_STATES: u32 = 0x1ffe;
const ALL_STATES: u32 = u32::MAX;
/// Larger than the biggest dump batch the kernel sends (32 KiB minus overhead).
const RECV_BUF: usize = 32 * 1024;
/// The longest request: nlmsghdr + inet_diag_req_v2.
const REQUEST_MAX: usize = 72;

/// Why a dump could not be used (the caller then reads /proc/net instead).
#[derive(Debug)]
#[allow(dead_code)] // the details are for Debug output (tests, diagnostics)
pub(crate) enum DumpError {
    /// A syscall failed (netlink refused by a sandbox, …).
    Io(io::Error),
    /// The kernel answered with an error (for example a diag module not available).
    Kernel(i32),
    /// The answer was cut short: what was being decoded.
    Truncated(&'static str),
}

impl From<io::Error> for DumpError {
    fn from(e: io::Error) -> Self {
        DumpError::Io(e)
    }
}

impl From<rustix::io::Errno> for DumpError {
    fn from(e: rustix::io::Errno) -> Self {
        DumpError::Io(e.into())
    }
}

/// Whether a batch ended the dump.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Step {
    More,
    Done,
}

/// An open sock_diag socket with its receive buffer, used for one table after another.
pub(crate) struct Diag {
    fd: OwnedFd,
    buf: Vec<u8>,
    seq: u32,
}

impl Diag {
    pub(crate) fn open() -> Result<Diag, DumpError> {
        let fd = rustix::net::socket_with(
            AddressFamily::NETLINK,
            SocketType::DGRAM,
            SocketFlags::CLOEXEC,
            Some(netlink::SOCK_DIAG),
        )?;
        Ok(Diag {
            fd,
            buf: vec![0; RECV_BUF],
            seq: 0,
        })
    }

    /// Dumps one table into `out`.
    pub(crate) fn dump(&mut self, table: Table, out: &mut Sockets) -> Result<(), DumpError> {
        self.seq = self.seq.wrapping_add(1);
        let mut req = [0u8; REQUEST_MAX];
        let len = request(table, self.seq, &mut req);
        retry(|| rustix::net::send(&self.fd, &req[..len], SendFlags::empty()))?;
        loop {
            let (n, full) =
                retry(|| rustix::net::recv(&self.fd, &mut self.buf[..], RecvFlags::empty()))?;
            if full > n {
                return Err(DumpError::Truncated("datagram larger than the buffer"));
            }
            if n == 0 {
                return Err(DumpError::Truncated("end of answer before NLMSG_DONE"));
            }
            if parse_batch(&self.buf[..n], self.seq, table, out)? == Step::Done {
                return Ok(());
            }
        }
    }
}

fn retry<T>(mut f: impl FnMut() -> rustix::io::Result<T>) -> rustix::io::Result<T> {
    loop {
        match f() {
            Err(rustix::io::Errno::INTR) => continue,
            r => return r,
        }
    }
}

/// Encodes the dump request of `table` into `buf`; returns its length.
pub(crate) fn request(table: Table, seq: u32, buf: &mut [u8; REQUEST_MAX]) -> usize {
    // nlmsghdr (16) + unix_diag_req (24) or inet_diag_req_v2 (56).
    let len = if table == Table::Unix {
        40
    } else {
        REQUEST_MAX
    };
    buf.fill(0);
    buf[0..4].copy_from_slice(&(len as u32).to_ne_bytes());
    buf[4..6].copy_from_slice(&SOCK_DIAG_BY_FAMILY.to_ne_bytes());
    buf[6..8].copy_from_slice(&(NLM_F_REQUEST | NLM_F_DUMP).to_ne_bytes());
    buf[8..12].copy_from_slice(&seq.to_ne_bytes());
    buf[16] = table.family() as u8;
    if table == Table::Unix {
        // unix_diag_req: family, protocol, pad, states, ino, show, cookie[2].
        buf[20..24].copy_from_slice(&ALL_STATES.to_ne_bytes());
        buf[28..32].copy_from_slice(&UDIAG_SHOW_NAME.to_ne_bytes());
    } else {
        // inet_diag_req_v2: family, protocol, ext, pad, states, sockid (zero: all).
        buf[17] = if table.is_tcp() {
            IPPROTO_TCP
        } else {
            IPPROTO_UDP
        };
        let states = if table.is_tcp() {
            TCP_STATES
        } else {
            ALL_STATES
        };
        buf[20..24].copy_from_slice(&states.to_ne_bytes());
    }
    len
}

fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_ne_bytes([b[at], b[at + 1]])
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_ne_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

/// Decodes one received batch of netlink messages of the dump numbered `seq` into
/// `out`. Messages of other sequence numbers are ignored.
pub(crate) fn parse_batch(
    mut rest: &[u8],
    seq: u32,
    table: Table,
    out: &mut Sockets,
) -> Result<Step, DumpError> {
    while !rest.is_empty() {
        if rest.len() < NLMSG_HDRLEN {
            return Err(DumpError::Truncated("netlink message header"));
        }
        let len = u32_at(rest, 0) as usize;
        if len < NLMSG_HDRLEN || len > rest.len() {
            return Err(DumpError::Truncated("netlink message"));
        }
        let (kind, msg_seq) = (u16_at(rest, 4), u32_at(rest, 8));
        let payload = &rest[NLMSG_HDRLEN..len];
        rest = &rest[((len + 3) & !3).min(rest.len())..];
        if msg_seq != seq {
            continue;
        }
        match kind {
            NLMSG_DONE => {
                // A dump that failed part way ends with a negative errno here.
                if payload.len() >= 4 && (u32_at(payload, 0) as i32) < 0 {
                    return Err(DumpError::Kernel(-(u32_at(payload, 0) as i32)));
                }
                return Ok(Step::Done);
            }
            NLMSG_ERROR => {
                if payload.len() < 4 {
                    return Err(DumpError::Truncated("netlink error message"));
                }
                let errno = -(u32_at(payload, 0) as i32);
                if errno != 0 {
                    return Err(DumpError::Kernel(errno));
                }
            }
            SOCK_DIAG_BY_FAMILY if table == Table::Unix => parse_unix(payload, out)?,
            SOCK_DIAG_BY_FAMILY => parse_inet(payload, table, out)?,
            _ => {}
        }
    }
    Ok(Step::More)
}

/// One `inet_diag_msg` (attributes after it, none requested, are ignored).
fn parse_inet(p: &[u8], table: Table, out: &mut Sockets) -> Result<(), DumpError> {
    if p.len() < INET_DIAG_MSG_LEN {
        return Err(DumpError::Truncated("inet_diag_msg"));
    }
    let inode = u64::from(u32_at(p, 68));
    if !out.wants(inode) {
        return Ok(());
    }
    let status = if table.is_tcp() {
        match ConnectionStatus::from_tcp_state(p[1]) {
            Some(s) => s,
            None => return Ok(()),
        }
    } else {
        ConnectionStatus::None
    };
    let v6 = table.family() == crate::AF_INET6;
    let addr = |port: &[u8], ip: &[u8]| {
        let port = u16::from_be_bytes([port[0], port[1]]);
        if port == 0 {
            return ConnectionAddress::Empty;
        }
        let ip = if v6 {
            let mut b = [0u8; 16];
            b.copy_from_slice(&ip[..16]);
            IpAddr::V6(Ipv6Addr::from(b))
        } else {
            IpAddr::V4(Ipv4Addr::new(ip[0], ip[1], ip[2], ip[3]))
        };
        ConnectionAddress::Inet { ip, port }
    };
    let conn = Connection {
        fd: -1,
        family: table.family(),
        type_: table.inet_type(),
        laddr: addr(&p[4..6], &p[8..24]),
        raddr: addr(&p[6..8], &p[24..40]),
        status,
        pid: None,
    };
    out.push(inode, conn);
    Ok(())
}

/// One `unix_diag_msg` and its `UNIX_DIAG_NAME` attribute.
fn parse_unix(p: &[u8], out: &mut Sockets) -> Result<(), DumpError> {
    if p.len() < UNIX_DIAG_MSG_LEN {
        return Err(DumpError::Truncated("unix_diag_msg"));
    }
    let inode = u64::from(u32_at(p, 4));
    if !out.wants(inode) {
        return Ok(());
    }
    let type_ = i32::from(p[1]);
    let mut attrs = &p[UNIX_DIAG_MSG_LEN..];
    let mut name: &[u8] = &[];
    while !attrs.is_empty() {
        if attrs.len() < 4 {
            return Err(DumpError::Truncated("netlink attribute header"));
        }
        let len = usize::from(u16_at(attrs, 0));
        if len < 4 || len > attrs.len() {
            return Err(DumpError::Truncated("netlink attribute"));
        }
        if u16_at(attrs, 2) == UNIX_DIAG_NAME {
            name = &attrs[4..len];
        }
        attrs = &attrs[((len + 3) & !3).min(attrs.len())..];
    }
    let conn = Connection {
        fd: -1,
        family: AF_UNIX,
        type_,
        laddr: ConnectionAddress::Unix(std::ffi::OsString::from_vec(unix_name_text(name)).into()),
        raddr: ConnectionAddress::Unix(Default::default()),
        status: ConnectionStatus::None,
        pid: None,
    };
    out.push(inode, conn);
    Ok(())
}

/// A bound `sun_path` as /proc/net/unix shows it: a path up to its NUL; an abstract
/// name with its leading NUL and any other NUL written as `@`.
pub(crate) fn unix_name_text(raw: &[u8]) -> Vec<u8> {
    match raw.first() {
        None => Vec::new(),
        Some(0) => raw.iter().map(|&b| if b == 0 { b'@' } else { b }).collect(),
        Some(_) => raw.split(|&b| b == 0).next().unwrap_or_default().to_vec(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One netlink message of `kind` and `seq` around `payload`, padded to 4 bytes.
    fn message(kind: u16, seq: u32, payload: &[u8]) -> Vec<u8> {
        let len = NLMSG_HDRLEN + payload.len();
        let mut m = Vec::new();
        m.extend_from_slice(&(len as u32).to_ne_bytes());
        m.extend_from_slice(&kind.to_ne_bytes());
        m.extend_from_slice(&0x2u16.to_ne_bytes()); // NLM_F_MULTI
        m.extend_from_slice(&seq.to_ne_bytes());
        m.extend_from_slice(&0u32.to_ne_bytes());
        m.extend_from_slice(payload);
        while m.len() % 4 != 0 {
            m.push(0);
        }
        m
    }

    /// An `inet_diag_msg` as the kernel lays it out.
    fn inet_msg(
        family: u8,
        state: u8,
        src: &[u8],
        sport: u16,
        dst: &[u8],
        dport: u16,
        inode: u32,
    ) -> Vec<u8> {
        let mut p = vec![0u8; INET_DIAG_MSG_LEN];
        p[0] = family;
        p[1] = state;
        p[4..6].copy_from_slice(&sport.to_be_bytes());
        p[6..8].copy_from_slice(&dport.to_be_bytes());
        p[8..8 + src.len()].copy_from_slice(src);
        p[24..24 + dst.len()].copy_from_slice(dst);
        p[68..72].copy_from_slice(&inode.to_ne_bytes());
        p
    }

    fn unix_msg(type_: u8, inode: u32, name: Option<&[u8]>) -> Vec<u8> {
        let mut p = vec![0u8; UNIX_DIAG_MSG_LEN];
        p[0] = 1;
        p[1] = type_;
        p[4..8].copy_from_slice(&inode.to_ne_bytes());
        if let Some(name) = name {
            p.extend_from_slice(&((4 + name.len()) as u16).to_ne_bytes());
            p.extend_from_slice(&UNIX_DIAG_NAME.to_ne_bytes());
            p.extend_from_slice(name);
            while p.len() % 4 != 0 {
                p.push(0);
            }
        }
        p
    }

    fn done(seq: u32) -> Vec<u8> {
        message(NLMSG_DONE, seq, &0i32.to_ne_bytes())
    }

    fn tcp_answer() -> Vec<u8> {
        let mut a = message(
            SOCK_DIAG_BY_FAMILY,
            7,
            &inet_msg(2, 10, &[127, 0, 0, 1], 8080, &[0; 4], 0, 4242),
        );
        a.extend(message(
            SOCK_DIAG_BY_FAMILY,
            7,
            &inet_msg(2, 1, &[10, 0, 0, 5], 22, &[10, 0, 0, 9], 51000, 4343),
        ));
        a.extend(done(7));
        a
    }

    #[test]
    fn inet_messages_decode_to_psutil_rows() {
        let mut out = Sockets::new();
        assert_eq!(
            parse_batch(&tcp_answer(), 7, Table::Tcp4, &mut out).unwrap(),
            Step::Done
        );
        assert_eq!(out.inodes, [4242, 4343]);
        let listen = &out.conns[0];
        assert_eq!(listen.status, ConnectionStatus::Listen);
        assert_eq!(
            listen.laddr,
            ConnectionAddress::Inet {
                ip: [127, 0, 0, 1].into(),
                port: 8080
            }
        );
        assert_eq!(listen.raddr, ConnectionAddress::Empty);
        assert_eq!(
            (listen.family, listen.type_, listen.fd, listen.pid),
            (2, 1, -1, None)
        );
        let est = &out.conns[1];
        assert_eq!(est.status, ConnectionStatus::Established);
        assert_eq!(
            est.raddr,
            ConnectionAddress::Inet {
                ip: [10, 0, 0, 9].into(),
                port: 51000
            }
        );
    }

    #[test]
    fn ipv6_and_udp_messages() {
        let mapped: [u8; 16] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1];
        let answer = [
            message(
                SOCK_DIAG_BY_FAMILY,
                1,
                &inet_msg(10, 7, &mapped, 53, &[0; 16], 0, 9),
            ),
            done(1),
        ]
        .concat();
        let mut out = Sockets::new();
        parse_batch(&answer, 1, Table::Udp6, &mut out).unwrap();
        let c = &out.conns[0];
        assert_eq!(
            (c.family, c.type_, c.status),
            (10, 2, ConnectionStatus::None)
        );
        assert_eq!(c.laddr.ip().unwrap().to_string(), "::ffff:127.0.0.1");
    }

    #[test]
    fn unix_messages_with_paths_abstract_names_and_none() {
        let answer = [
            message(
                SOCK_DIAG_BY_FAMILY,
                3,
                &unix_msg(1, 10, Some(b"/run/a b.sock\0")),
            ),
            message(
                SOCK_DIAG_BY_FAMILY,
                3,
                &unix_msg(2, 11, Some(b"\0abs\0tract")),
            ),
            message(SOCK_DIAG_BY_FAMILY, 3, &unix_msg(5, 12, None)),
            done(3),
        ]
        .concat();
        let mut out = Sockets::new();
        assert_eq!(
            parse_batch(&answer, 3, Table::Unix, &mut out).unwrap(),
            Step::Done
        );
        let paths: Vec<_> = out.conns.iter().map(|c| c.laddr.clone()).collect();
        assert_eq!(
            paths,
            [
                ConnectionAddress::Unix("/run/a b.sock".into()),
                ConnectionAddress::Unix("@abs@tract".into()),
                ConnectionAddress::Unix("".into()),
            ]
        );
        let types: Vec<i32> = out.conns.iter().map(|c| c.type_).collect();
        assert_eq!(types, [1, 2, 5]);
        assert!(out
            .conns
            .iter()
            .all(|c| c.raddr == ConnectionAddress::Unix("".into())));
    }

    #[test]
    fn an_answer_cut_short_is_an_error_never_a_panic() {
        let full = tcp_answer();
        let boundaries = [0, 88, 176, full.len()];
        for cut in 1..full.len() {
            let mut out = Sockets::new();
            let r = parse_batch(&full[..cut], 7, Table::Tcp4, &mut out);
            if boundaries.contains(&cut) {
                // Whole messages without DONE: the dump continues in the next datagram.
                assert_eq!(r.unwrap(), Step::More, "cut at {cut}");
            } else {
                assert!(
                    matches!(r, Err(DumpError::Truncated(_))),
                    "cut at {cut}: {r:?}"
                );
            }
        }
        // A message whose payload is shorter than inet_diag_msg.
        let short = message(SOCK_DIAG_BY_FAMILY, 7, &[2, 10, 0, 0]);
        let r = parse_batch(&short, 7, Table::Tcp4, &mut Sockets::new());
        assert!(
            matches!(r, Err(DumpError::Truncated("inet_diag_msg"))),
            "{r:?}"
        );
        // An attribute running past its message.
        let mut bad = unix_msg(1, 10, Some(b"/x\0"));
        bad[UNIX_DIAG_MSG_LEN] = 200;
        let r = parse_batch(
            &message(SOCK_DIAG_BY_FAMILY, 1, &bad),
            1,
            Table::Unix,
            &mut Sockets::new(),
        );
        assert!(
            matches!(r, Err(DumpError::Truncated("netlink attribute"))),
            "{r:?}"
        );
    }

    #[test]
    fn kernel_errors_and_foreign_sequence_numbers() {
        let err = message(NLMSG_ERROR, 4, &(-2i32).to_ne_bytes());
        let r = parse_batch(&err, 4, Table::Unix, &mut Sockets::new());
        assert!(matches!(r, Err(DumpError::Kernel(2))), "{r:?}");
        let failed_dump = message(NLMSG_DONE, 4, &(-16i32).to_ne_bytes());
        let r = parse_batch(&failed_dump, 4, Table::Unix, &mut Sockets::new());
        assert!(matches!(r, Err(DumpError::Kernel(16))), "{r:?}");
        // Leftovers of an earlier dump are ignored.
        let mut out = Sockets::new();
        let mixed = [tcp_answer(), done(8)].concat();
        assert_eq!(
            parse_batch(&mixed, 8, Table::Tcp4, &mut out).unwrap(),
            Step::Done
        );
        assert!(out.conns.is_empty());
    }

    #[test]
    fn requests_ask_for_every_listed_state() {
        let mut buf = [0u8; REQUEST_MAX];
        assert_eq!(request(Table::Tcp6, 5, &mut buf), 72);
        assert_eq!((buf[16], buf[17]), (10, IPPROTO_TCP));
        assert_eq!(u32_at(&buf, 20), TCP_STATES);
        assert_eq!(u32_at(&buf, 8), 5);
        assert_eq!(request(Table::Unix, 6, &mut buf), 40);
        assert_eq!(buf[16], 1);
        assert_eq!(u32_at(&buf, 28), UDIAG_SHOW_NAME);
    }

    #[test]
    fn a_live_dump_finds_this_processs_listener() {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        let mut diag = Diag::open().expect("NETLINK_SOCK_DIAG must be available to the tests");
        let mut out = Sockets::new();
        diag.dump(Table::Tcp4, &mut out).unwrap();
        assert!(out
            .conns
            .iter()
            .any(|c| c.laddr.port() == Some(port) && c.status == ConnectionStatus::Listen));
        // The same socket serves every table (net_connections would otherwise fall
        // back to /proc/net without a word).
        for table in [Table::Tcp6, Table::Udp4, Table::Udp6, Table::Unix] {
            diag.dump(table, &mut out)
                .unwrap_or_else(|e| panic!("{table:?}: {e:?}"));
        }
        assert!(out.conns.iter().any(|c| c.family == AF_UNIX));
    }
}
