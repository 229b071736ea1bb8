//! Network: I/O counters, interface addresses and interface status.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::wrap::{self, Counters};
use crate::sys::system::net as backend;
use crate::{Host, Result};

/// `AF_INET`: an IPv4 address in [`NicAddress::family`] (psutil's `socket.AF_INET`).
///
/// ```
/// assert_eq!(pskit::AF_INET, 2);
/// ```
pub const AF_INET: i32 = 2;
/// `AF_INET6`: an IPv6 address.
///
/// ```
/// assert_eq!(pskit::AF_INET6, 10);
/// ```
pub const AF_INET6: i32 = 10;
/// `AF_LINK` (= `AF_PACKET` on Linux): a MAC address (psutil's `psutil.AF_LINK`).
///
/// ```
/// assert_eq!(pskit::AF_LINK, 17);
/// ```
pub const AF_LINK: i32 = 17;

/// Network I/O counters since boot (psutil's `snetio`), from /proc/net/dev.
///
/// ```
/// let n = pskit::net_io_counters(true)?.unwrap();
/// assert!(n.bytes_recv > 0 || n.packets_recv == 0);
/// # Ok::<(), pskit::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct NetIoCounters {
    /// Bytes sent.
    pub bytes_sent: u64,
    /// Bytes received.
    pub bytes_recv: u64,
    /// Packets sent.
    pub packets_sent: u64,
    /// Packets received.
    pub packets_recv: u64,
    /// Receive errors.
    pub errin: u64,
    /// Transmit errors.
    pub errout: u64,
    /// Incoming packets dropped.
    pub dropin: u64,
    /// Outgoing packets dropped.
    pub dropout: u64,
}

impl NetIoCounters {
    pub(crate) fn from_array(a: [u64; 8]) -> NetIoCounters {
        NetIoCounters {
            bytes_sent: a[0],
            bytes_recv: a[1],
            packets_sent: a[2],
            packets_recv: a[3],
            errin: a[4],
            errout: a[5],
            dropin: a[6],
            dropout: a[7],
        }
    }
}

impl Counters for NetIoCounters {
    fn counters_mut(&mut self) -> impl Iterator<Item = &mut u64> {
        [
            &mut self.bytes_sent,
            &mut self.bytes_recv,
            &mut self.packets_sent,
            &mut self.packets_recv,
            &mut self.errin,
            &mut self.errout,
            &mut self.dropin,
            &mut self.dropout,
        ]
        .into_iter()
    }
}

/// One address of an interface (psutil's `snicaddr`), from getifaddrs(3).
///
/// ```
/// let addrs = pskit::net_if_addrs()?;
/// let lo = &addrs["lo"];
/// assert!(lo.iter().any(|a| a.family == pskit::AF_INET && a.address == "127.0.0.1"));
/// # Ok::<(), pskit::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct NicAddress {
    /// [`AF_INET`] (2), [`AF_INET6`] (10) or [`AF_LINK`] (17).
    pub family: i32,
    /// The address: dotted IPv4, IPv6 (link-local ones with `%ifname`), or a lowercase
    /// `aa:bb:cc:dd:ee:ff` MAC (padded with `:00` to six octets).
    pub address: String,
    /// The netmask (`None` for MACs).
    pub netmask: Option<String>,
    /// The broadcast address, when the interface has `IFF_BROADCAST`.
    pub broadcast: Option<String>,
    /// The peer address of a point-to-point interface (`IFF_POINTOPOINT`).
    pub ptp: Option<String>,
}

/// Duplex mode (psutil's `NicDuplex`), serialized as psutil's integers.
///
/// ```
/// assert_eq!(serde_json::to_string(&pskit::NicDuplex::Full).unwrap(), "2");
/// assert_eq!(pskit::NicDuplex::Half as i32, 1);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NicDuplex {
    /// `NIC_DUPLEX_UNKNOWN` = 0.
    Unknown = 0,
    /// `NIC_DUPLEX_HALF` = 1.
    Half = 1,
    /// `NIC_DUPLEX_FULL` = 2.
    Full = 2,
}

impl Serialize for NicDuplex {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_i32(*self as i32)
    }
}

impl<'de> Deserialize<'de> for NicDuplex {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        Ok(match i32::deserialize(d)? {
            2 => NicDuplex::Full,
            1 => NicDuplex::Half,
            _ => NicDuplex::Unknown,
        })
    }
}

/// Status of an interface (psutil's `snicstats`).
///
/// ```
/// let s = pskit::net_if_stats()?;
/// assert!(s["lo"].flags.contains("loopback"));
/// assert_eq!(s["lo"].isup, s["lo"].flags.split(',').any(|f| f == "running"));
/// # Ok::<(), pskit::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct NicStats {
    /// True when the `running` flag is set (psutil's rule: operational, not just
    /// administratively up).
    pub isup: bool,
    /// From the ETHTOOL_GSET ioctl; `Unknown` when the driver does not say.
    pub duplex: NicDuplex,
    /// Speed in Mbit/s from ETHTOOL_GSET; 0 when unknown.
    pub speed: u64,
    /// MTU in bytes (SIOCGIFMTU).
    pub mtu: u64,
    /// The SIOCGIFFLAGS flags as psutil prints them: `up,broadcast,running,multicast`,
    /// in the kernel's bit order.
    pub flags: String,
}

impl Host {
    /// Per-interface counters (psutil `net_io_counters(pernic=True, nowrap)`), from
    /// `{proc}/net/dev`; with `nowrap`, kept monotonic by the host's shared
    /// [`crate::WrapCorrector`].
    ///
    /// ```
    /// assert!(pskit::Host::local().net_io_counters_pernic(true)?.contains_key("lo"));
    /// # Ok::<(), pskit::Error>(())
    /// ```
    pub fn net_io_counters_pernic(&self, nowrap: bool) -> Result<BTreeMap<String, NetIoCounters>> {
        let mut map = backend::netdev(&self.inner)?;
        if nowrap {
            wrap::shared(wrap::Source::Net, self.proc_root()).correct(&mut map);
        }
        Ok(map)
    }

    /// The sum over every interface, `lo` included (psutil `net_io_counters(nowrap)`);
    /// `None` without interfaces.
    ///
    /// ```
    /// assert!(pskit::Host::local().net_io_counters(true)?.is_some());
    /// # Ok::<(), pskit::Error>(())
    /// ```
    pub fn net_io_counters(&self, nowrap: bool) -> Result<Option<NetIoCounters>> {
        let map = self.net_io_counters_pernic(nowrap)?;
        let mut total: Option<NetIoCounters> = None;
        for mut c in map.into_values() {
            let t = total.get_or_insert_with(NetIoCounters::default);
            for (a, b) in t.counters_mut().zip(c.counters_mut()) {
                *a = a.wrapping_add(*b);
            }
        }
        Ok(total)
    }

    /// Interface status (psutil `net_if_stats()`) for the interfaces named in
    /// `{proc}/net/dev`, queried with ioctls (which see the caller's network
    /// namespace). An interface that vanished meanwhile (ENODEV) is left out; EBUSY,
    /// EOPNOTSUPP, EINVAL or EPERM from ETHTOOL_GSET give duplex `Unknown`, speed 0.
    ///
    /// ```
    /// assert!(pskit::Host::local().net_if_stats()?["lo"].mtu > 0);
    /// # Ok::<(), pskit::Error>(())
    /// ```
    pub fn net_if_stats(&self) -> Result<BTreeMap<String, NicStats>> {
        let names = backend::netdev(&self.inner)?;
        backend::if_stats(names.keys())
    }
}

/// [`Host::net_io_counters`] on the local machine.
///
/// ```
/// let _ = pskit::net_io_counters(true)?;
/// # Ok::<(), pskit::Error>(())
/// ```
pub fn net_io_counters(nowrap: bool) -> Result<Option<NetIoCounters>> {
    Host::local().net_io_counters(nowrap)
}

/// [`Host::net_io_counters_pernic`] on the local machine.
///
/// ```
/// assert!(!pskit::net_io_counters_pernic(true)?.is_empty());
/// # Ok::<(), pskit::Error>(())
/// ```
pub fn net_io_counters_pernic(nowrap: bool) -> Result<BTreeMap<String, NetIoCounters>> {
    Host::local().net_io_counters_pernic(nowrap)
}

/// Addresses of every interface (psutil `net_if_addrs()`), via getifaddrs(3), which
/// sees the caller's network namespace (not a relocated /proc). Per interface, sorted by
/// family: IPv4, IPv6, then MAC.
///
/// ```
/// let a = pskit::net_if_addrs()?;
/// for addrs in a.values() {
///     assert!(addrs.windows(2).all(|w| w[0].family <= w[1].family));
/// }
/// # Ok::<(), pskit::Error>(())
/// ```
pub fn net_if_addrs() -> Result<BTreeMap<String, Vec<NicAddress>>> {
    backend::if_addrs()
}

/// [`Host::net_if_stats`] on the local machine.
///
/// ```
/// assert!(pskit::net_if_stats()?.contains_key("lo"));
/// # Ok::<(), pskit::Error>(())
/// ```
pub fn net_if_stats() -> Result<BTreeMap<String, NicStats>> {
    Host::local().net_if_stats()
}
