//! psutil's OS flags and string constants.

use serde::{Deserialize, Serialize};

/// True on Linux (psutil `LINUX`).
///
/// ```
/// assert_eq!(pskit::LINUX, cfg!(target_os = "linux"));
/// ```
pub const LINUX: bool = cfg!(target_os = "linux");
/// True on Windows (psutil `WINDOWS`).
///
/// ```
/// assert!(!pskit::WINDOWS || cfg!(windows));
/// ```
pub const WINDOWS: bool = cfg!(windows);
/// True on macOS (psutil `MACOS`).
///
/// ```
/// assert_eq!(pskit::MACOS, pskit::OSX);
/// ```
pub const MACOS: bool = cfg!(target_os = "macos");
/// Deprecated psutil alias of [`MACOS`].
///
/// ```
/// assert_eq!(pskit::OSX, pskit::MACOS);
/// ```
pub const OSX: bool = MACOS;
/// True on FreeBSD.
///
/// ```
/// assert!(!(pskit::FREEBSD && pskit::LINUX));
/// ```
pub const FREEBSD: bool = cfg!(target_os = "freebsd");
/// True on OpenBSD.
///
/// ```
/// assert!(!(pskit::OPENBSD && pskit::LINUX));
/// ```
pub const OPENBSD: bool = cfg!(target_os = "openbsd");
/// True on NetBSD.
///
/// ```
/// assert!(!(pskit::NETBSD && pskit::LINUX));
/// ```
pub const NETBSD: bool = cfg!(target_os = "netbsd");
/// True on any BSD (psutil `BSD`).
///
/// ```
/// assert_eq!(pskit::BSD, pskit::FREEBSD || pskit::OPENBSD || pskit::NETBSD);
/// ```
pub const BSD: bool = FREEBSD || OPENBSD || NETBSD;
/// True on Solaris/illumos (psutil `SUNOS`).
///
/// ```
/// assert!(!(pskit::SUNOS && pskit::LINUX));
/// ```
pub const SUNOS: bool = cfg!(any(target_os = "solaris", target_os = "illumos"));
/// True on AIX.
///
/// ```
/// assert!(!(pskit::AIX && pskit::LINUX));
/// ```
pub const AIX: bool = cfg!(target_os = "aix");
/// True on every Unix (psutil `POSIX`).
///
/// ```
/// assert_eq!(pskit::POSIX, cfg!(unix));
/// ```
pub const POSIX: bool = cfg!(unix);

/// A TCP connection state (psutil's `CONN_*` strings), serialized as psutil's value:
/// `"ESTABLISHED"`, …, `"NONE"`.
///
/// ```
/// use pskit::ConnectionStatus;
/// assert_eq!(serde_json::to_string(&ConnectionStatus::SynSent).unwrap(), "\"SYN_SENT\"");
/// assert_eq!(ConnectionStatus::from_tcp_state(0x0A), Some(ConnectionStatus::Listen));
/// assert_eq!(ConnectionStatus::FinWait1.as_str(), "FIN_WAIT1");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ConnectionStatus {
    /// `CONN_ESTABLISHED`.
    Established,
    /// `CONN_SYN_SENT`.
    SynSent,
    /// `CONN_SYN_RECV`.
    SynRecv,
    /// `CONN_FIN_WAIT1`.
    #[serde(rename = "FIN_WAIT1")]
    FinWait1,
    /// `CONN_FIN_WAIT2`.
    #[serde(rename = "FIN_WAIT2")]
    FinWait2,
    /// `CONN_TIME_WAIT`.
    TimeWait,
    /// `CONN_CLOSE`.
    Close,
    /// `CONN_CLOSE_WAIT`.
    CloseWait,
    /// `CONN_LAST_ACK`.
    LastAck,
    /// `CONN_LISTEN`.
    Listen,
    /// `CONN_CLOSING`.
    Closing,
    /// `CONN_NONE` (UDP and UNIX sockets).
    None,
}

impl ConnectionStatus {
    /// The state for a hex state number of /proc/net/tcp (01 … 0B), as psutil's
    /// `TCP_STATUSES`.
    ///
    /// ```
    /// assert_eq!(pskit::ConnectionStatus::from_tcp_state(1), Some(pskit::ConnectionStatus::Established));
    /// assert_eq!(pskit::ConnectionStatus::from_tcp_state(0x0C), None);
    /// ```
    pub fn from_tcp_state(state: u8) -> Option<ConnectionStatus> {
        use ConnectionStatus::*;
        Some(match state {
            0x01 => Established,
            0x02 => SynSent,
            0x03 => SynRecv,
            0x04 => FinWait1,
            0x05 => FinWait2,
            0x06 => TimeWait,
            0x07 => Close,
            0x08 => CloseWait,
            0x09 => LastAck,
            0x0A => Listen,
            0x0B => Closing,
            _ => return Option::None,
        })
    }

    /// psutil's string.
    ///
    /// ```
    /// assert_eq!(pskit::ConnectionStatus::None.as_str(), "NONE");
    /// ```
    pub fn as_str(self) -> &'static str {
        use ConnectionStatus::*;
        match self {
            Established => "ESTABLISHED",
            SynSent => "SYN_SENT",
            SynRecv => "SYN_RECV",
            FinWait1 => "FIN_WAIT1",
            FinWait2 => "FIN_WAIT2",
            TimeWait => "TIME_WAIT",
            Close => "CLOSE",
            CloseWait => "CLOSE_WAIT",
            LastAck => "LAST_ACK",
            Listen => "LISTEN",
            Closing => "CLOSING",
            None => "NONE",
        }
    }
}
