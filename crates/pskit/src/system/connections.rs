//! Socket connections: psutil's `net_connections(kind)`, system-wide and per process.
//!
//! On the local machine the sockets come from the kernel's `NETLINK_SOCK_DIAG` interface
//! (one dump per family and protocol, as `ss` does), with `/proc/net/{tcp,tcp6,udp,udp6,unix}`
//! (psutil's source) as the fallback when netlink is refused. A [`Host`] with a
//! relocated /proc reads that root's `net/*` files. Owning processes are found by
//! reading every `/proc/PID/fd` once, only when pids are asked for.
//!
//! Where pskit differs from psutil 7.2 (each documented on the item):
//! - psutil returns a Python `set`, so sockets whose seven fields are equal (for example
//!   many unbound UNIX sockets without a known owner) collapse into one row; pskit keeps
//!   one row per socket (and per descriptor for UNIX sockets). As sets, the two agree.
//! - a UNIX path containing a space is returned whole (psutil returns `''`); one
//!   containing a newline too when read through netlink (/proc/net/unix, psutil's
//!   source, cuts it at the newline).
//! - a TCP state number unknown to psutil is skipped (psutil raises `KeyError`).

use std::fmt;
use std::net::IpAddr;
use std::path::PathBuf;
use std::str::FromStr;

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{SerializeMap, SerializeSeq, Serializer};
use serde::{Deserialize, Serialize};

use super::constants::ConnectionStatus;
use crate::sys::connections as backend;
use crate::{Error, Host, Result};

/// `AF_UNIX`: the family of UNIX domain sockets in [`Connection::family`].
///
/// ```
/// assert_eq!(pskit::AF_UNIX, 1);
/// ```
pub const AF_UNIX: i32 = 1;
/// `SOCK_STREAM`: a TCP or stream UNIX socket in [`Connection::type_`].
///
/// ```
/// assert_eq!(pskit::SOCK_STREAM, 1);
/// ```
pub const SOCK_STREAM: i32 = 1;
/// `SOCK_DGRAM`: a UDP or datagram UNIX socket.
///
/// ```
/// assert_eq!(pskit::SOCK_DGRAM, 2);
/// ```
pub const SOCK_DGRAM: i32 = 2;
/// `SOCK_SEQPACKET`: a sequenced-packet UNIX socket.
///
/// ```
/// assert_eq!(pskit::SOCK_SEQPACKET, 5);
/// ```
pub const SOCK_SEQPACKET: i32 = 5;

/// Which sockets to list: psutil's `kind` argument.
///
/// | kind | sockets |
/// |---|---|
/// | `inet` | TCP and UDP over IPv4 and IPv6 (psutil's default) |
/// | `inet4`, `inet6` | TCP and UDP over one IP version |
/// | `tcp`, `tcp4`, `tcp6` | TCP over both or one IP version |
/// | `udp`, `udp4`, `udp6` | UDP over both or one IP version |
/// | `unix` | UNIX domain sockets of every type |
/// | `all` | all of the above |
///
/// ```
/// use pskit::ConnectionKind;
/// assert_eq!("tcp6".parse::<ConnectionKind>().unwrap(), ConnectionKind::Tcp6);
/// assert_eq!(ConnectionKind::default().name(), "inet");
/// assert!(ConnectionKind::from_name("sctp").is_err());
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum ConnectionKind {
    /// `inet`: TCP and UDP, IPv4 and IPv6.
    #[default]
    Inet,
    /// `inet4`: TCP and UDP over IPv4.
    Inet4,
    /// `inet6`: TCP and UDP over IPv6.
    Inet6,
    /// `tcp`: TCP over IPv4 and IPv6.
    Tcp,
    /// `tcp4`: TCP over IPv4.
    Tcp4,
    /// `tcp6`: TCP over IPv6.
    Tcp6,
    /// `udp`: UDP over IPv4 and IPv6.
    Udp,
    /// `udp4`: UDP over IPv4.
    Udp4,
    /// `udp6`: UDP over IPv6.
    Udp6,
    /// `unix`: UNIX domain sockets.
    Unix,
    /// `all`: every kind above.
    All,
}

impl ConnectionKind {
    /// Every kind, in psutil's documentation order.
    ///
    /// ```
    /// assert_eq!(pskit::ConnectionKind::ALL_KINDS.len(), 11);
    /// ```
    pub const ALL_KINDS: [ConnectionKind; 11] = [
        ConnectionKind::Inet,
        ConnectionKind::Inet4,
        ConnectionKind::Inet6,
        ConnectionKind::Tcp,
        ConnectionKind::Tcp4,
        ConnectionKind::Tcp6,
        ConnectionKind::Udp,
        ConnectionKind::Udp4,
        ConnectionKind::Udp6,
        ConnectionKind::Unix,
        ConnectionKind::All,
    ];

    /// psutil's name of the kind.
    ///
    /// ```
    /// assert_eq!(pskit::ConnectionKind::Udp4.name(), "udp4");
    /// ```
    pub fn name(self) -> &'static str {
        use ConnectionKind::*;
        match self {
            Inet => "inet",
            Inet4 => "inet4",
            Inet6 => "inet6",
            Tcp => "tcp",
            Tcp4 => "tcp4",
            Tcp6 => "tcp6",
            Udp => "udp",
            Udp4 => "udp4",
            Udp6 => "udp6",
            Unix => "unix",
            All => "all",
        }
    }

    /// The kind named `name` (psutil's spelling, exact case); any other name is
    /// [`Error::InvalidArgument`] (psutil's `ValueError`), naming the valid ones.
    ///
    /// ```
    /// let err = pskit::ConnectionKind::from_name("ipx").unwrap_err();
    /// assert!(err.to_string().starts_with("invalid kind argument 'ipx'; valid ones are: inet, inet4"));
    /// ```
    pub fn from_name(name: &str) -> Result<ConnectionKind> {
        Self::ALL_KINDS
            .into_iter()
            .find(|k| k.name() == name)
            .ok_or_else(|| {
                let valid: Vec<&str> = Self::ALL_KINDS.iter().map(|k| k.name()).collect();
                Error::InvalidArgument(format!(
                    "invalid kind argument '{name}'; valid ones are: {}",
                    valid.join(", ")
                ))
            })
    }
}

impl FromStr for ConnectionKind {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        ConnectionKind::from_name(s)
    }
}

impl fmt::Display for ConnectionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One end of a connection: psutil's `addr(ip, port)` namedtuple, its empty `()`, or
/// the path string of a UNIX socket.
///
/// In JSON: `{"ip": "127.0.0.1", "port": 22}`, `[]`, or the path as a string (an array
/// of bytes when the path is not UTF-8, as every OS string in pskit).
///
/// ```
/// use pskit::ConnectionAddress;
/// let a = ConnectionAddress::Inet { ip: "::1".parse().unwrap(), port: 8080 };
/// assert_eq!(serde_json::to_string(&a).unwrap(), r#"{"ip":"::1","port":8080}"#);
/// assert_eq!(serde_json::to_string(&ConnectionAddress::Empty).unwrap(), "[]");
/// let u = ConnectionAddress::Unix("@/tmp/.X11-unix/X0".into());
/// assert_eq!(serde_json::to_string(&u).unwrap(), r#""@/tmp/.X11-unix/X0""#);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ConnectionAddress {
    /// No address (port 0), psutil's `()`: the remote end of a listening or unconnected
    /// socket.
    Empty,
    /// An IPv4 or IPv6 address and port.
    Inet {
        /// The address; IPv4-mapped IPv6 addresses stay IPv6 (`::ffff:127.0.0.1`).
        ip: IpAddr,
        /// The port.
        port: u16,
    },
    /// A UNIX socket's path: `''` when unbound (and always for the remote end, as
    /// psutil); abstract names start with `@`, and their NUL bytes are shown as `@`
    /// (the kernel's /proc/net/unix rule).
    Unix(PathBuf),
}

impl ConnectionAddress {
    /// The IP address, for inet addresses.
    ///
    /// ```
    /// assert_eq!(pskit::ConnectionAddress::Empty.ip(), None);
    /// ```
    pub fn ip(&self) -> Option<IpAddr> {
        match self {
            ConnectionAddress::Inet { ip, .. } => Some(*ip),
            _ => None,
        }
    }

    /// The port, for inet addresses.
    ///
    /// ```
    /// let a = pskit::ConnectionAddress::Inet { ip: [127, 0, 0, 1].into(), port: 53 };
    /// assert_eq!(a.port(), Some(53));
    /// ```
    pub fn port(&self) -> Option<u16> {
        match self {
            ConnectionAddress::Inet { port, .. } => Some(*port),
            _ => None,
        }
    }
}

impl Serialize for ConnectionAddress {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            ConnectionAddress::Empty => s.serialize_seq(Some(0))?.end(),
            ConnectionAddress::Inet { ip, port } => {
                let mut m = s.serialize_map(Some(2))?;
                m.serialize_entry("ip", &super::ip_text::ip(ip))?;
                m.serialize_entry("port", port)?;
                m.end()
            }
            ConnectionAddress::Unix(path) => crate::serde_os::serialize(path, s),
        }
    }
}

impl<'de> Deserialize<'de> for ConnectionAddress {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ConnectionAddress;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(r#"{"ip", "port"}, [] or a UNIX socket path"#)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Self::Value, E> {
                Ok(ConnectionAddress::Unix(PathBuf::from(v)))
            }
            fn visit_seq<A: SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> std::result::Result<Self::Value, A::Error> {
                let mut bytes = Vec::new();
                while let Some(b) = seq.next_element::<u8>()? {
                    bytes.push(b);
                }
                Ok(if bytes.is_empty() {
                    ConnectionAddress::Empty
                } else {
                    use std::os::unix::ffi::OsStringExt;
                    ConnectionAddress::Unix(std::ffi::OsString::from_vec(bytes).into())
                })
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<Self::Value, A::Error> {
                let (mut ip, mut port) = (None, None);
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "ip" => ip = Some(map.next_value::<String>()?),
                        "port" => port = Some(map.next_value::<u16>()?),
                        _ => {
                            map.next_value::<de::IgnoredAny>()?;
                        }
                    }
                }
                let ip = ip.ok_or_else(|| de::Error::missing_field("ip"))?;
                let ip = ip.parse::<IpAddr>().map_err(de::Error::custom)?;
                let port = port.ok_or_else(|| de::Error::missing_field("port"))?;
                Ok(ConnectionAddress::Inet { ip, port })
            }
        }
        d.deserialize_any(V)
    }
}

/// One socket: psutil's `sconn(fd, family, type, laddr, raddr, status, pid)` (and, from
/// [`crate::Process::net_connections`], its `pconn` with `pid` set to that process).
///
/// ```
/// let conns = pskit::net_connections(pskit::ConnectionKind::All)?;
/// for c in conns.iter().filter(|c| c.status == pskit::ConnectionStatus::Listen) {
///     println!("{:?} listens on {:?}", c.pid, c.laddr);
/// }
/// # Ok::<(), pskit::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Connection {
    /// The owning process's descriptor number, `-1` when unknown (psutil's rule: no
    /// visible owner, or owners not asked for).
    pub fd: i32,
    /// [`crate::AF_INET`], [`crate::AF_INET6`] or [`AF_UNIX`].
    pub family: i32,
    /// [`SOCK_STREAM`], [`SOCK_DGRAM`] or [`SOCK_SEQPACKET`]; JSON key `type`.
    #[serde(rename = "type")]
    pub type_: i32,
    /// The local address; a path for UNIX sockets.
    pub laddr: ConnectionAddress,
    /// The remote address; [`ConnectionAddress::Empty`] when there is none, and always
    /// `''` for UNIX sockets (as psutil).
    pub raddr: ConnectionAddress,
    /// The TCP state; [`ConnectionStatus::None`] for UDP and UNIX sockets.
    pub status: ConnectionStatus,
    /// The owning process, `None` when not visible (another user's process when not
    /// root, another PID namespace, a TIME_WAIT socket) or not asked for. A socket
    /// shared by several processes is reported for the highest PID and, for TCP and
    /// UDP, its lowest descriptor, UNIX sockets once per descriptor of that process
    /// (psutil's outcome).
    pub pid: Option<u32>,
}

impl Host {
    /// Every socket of `kind` on this host with its owning process (psutil
    /// `net_connections(kind)`): from `NETLINK_SOCK_DIAG` on the local machine, from
    /// `{proc}/net/*` when netlink is refused or the /proc root is relocated; owners from
    /// one pass over every `{proc}/PID/fd`.
    ///
    /// ```
    /// let conns = pskit::Host::local().net_connections(pskit::ConnectionKind::Tcp)?;
    /// assert!(conns.iter().all(|c| c.type_ == pskit::SOCK_STREAM));
    /// # Ok::<(), pskit::Error>(())
    /// ```
    pub fn net_connections(&self, kind: ConnectionKind) -> Result<Vec<Connection>> {
        backend::system_wide(&self.inner, kind, true)
    }

    /// Like [`Host::net_connections`] without looking for owners (`pid` is `None` and
    /// `fd` is `-1` everywhere): no /proc/PID/fd walk, so several times cheaper.
    ///
    /// ```
    /// let conns = pskit::Host::local().net_connections_without_pids(pskit::ConnectionKind::All)?;
    /// assert!(conns.iter().all(|c| c.pid.is_none() && c.fd == -1));
    /// # Ok::<(), pskit::Error>(())
    /// ```
    pub fn net_connections_without_pids(&self, kind: ConnectionKind) -> Result<Vec<Connection>> {
        backend::system_wide(&self.inner, kind, false)
    }
}

/// Every socket of `kind` on this machine with its owning process (psutil
/// `net_connections(kind)`); see [`Host::net_connections`].
///
/// ```
/// use pskit::{net_connections, ConnectionKind};
/// let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
/// let port = l.local_addr().unwrap().port();
/// let conns = net_connections(ConnectionKind::Tcp4)?;
/// let mine = conns.iter().find(|c| c.laddr.port() == Some(port)).unwrap();
/// assert_eq!(mine.pid, Some(std::process::id()));
/// assert_eq!(mine.status, pskit::ConnectionStatus::Listen);
/// # Ok::<(), pskit::Error>(())
/// ```
pub fn net_connections(kind: ConnectionKind) -> Result<Vec<Connection>> {
    Host::local().net_connections(kind)
}
