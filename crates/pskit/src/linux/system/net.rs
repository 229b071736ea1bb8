//! Network readers: /proc/net/dev, getifaddrs(3) and the interface ioctls.

use std::collections::BTreeMap;
use std::ffi::CStr;
use std::io;
use std::net::Ipv6Addr;

use super::with_proc;
use crate::linux::parse::netdev;
use crate::linux::HostState;
use crate::system::ip_text;
use crate::system::net::{
    NetIoCounters, NicAddress, NicDuplex, NicStats, AF_INET, AF_INET6, AF_LINK,
};
use crate::{Error, Result};

pub(crate) fn netdev(host: &HostState) -> Result<BTreeMap<String, NetIoCounters>> {
    with_proc(host, "net/dev", |d| {
        Ok(netdev::netdev(d)
            .map(|(n, a)| {
                (
                    String::from_utf8_lossy(n).into_owned(),
                    NetIoCounters::from_array(a),
                )
            })
            .collect())
    })
}

/// The size of the address field of getifaddrs(3)'s link-layer sockaddr
/// (glibc's and musl's `sockaddr_ll_max`).
const LINK_ADDR_MAX: usize = 24;

/// Renders a socket address of the family psutil reports; `None` for other families or
/// a null pointer. `names` maps interface indexes to names (for IPv6 scopes).
///
/// SAFETY: `sa` is null or points to a sockaddr of at least the size its family needs,
/// as getifaddrs(3) guarantees.
unsafe fn render(sa: *const libc::sockaddr, names: &IndexNames) -> Option<(i32, String)> {
    if sa.is_null() {
        return None;
    }
    match (*sa).sa_family as i32 {
        libc::AF_INET => {
            let sin = &*(sa as *const libc::sockaddr_in);
            Some((AF_INET, ip_text::ipv4(u32::from_be(sin.sin_addr.s_addr))))
        }
        libc::AF_INET6 => {
            let sin6 = &*(sa as *const libc::sockaddr_in6);
            let ip = Ipv6Addr::from(sin6.sin6_addr.s6_addr);
            let mut s = ip_text::ipv6(&ip);
            let scope = sin6.sin6_scope_id;
            if scope != 0 {
                // getnameinfo(NI_NUMERICHOST): the interface name for link-local
                // unicast and multicast, the number otherwise.
                let seg = ip.segments();
                let link_local = seg[0] & 0xffc0 == 0xfe80 || seg[0] & 0xff0f == 0xff02;
                s.push('%');
                match names.name(scope).filter(|_| link_local) {
                    Some(name) => s.push_str(&name),
                    None => s.push_str(&scope.to_string()),
                }
            }
            Some((AF_INET6, s))
        }
        libc::AF_PACKET => {
            let sll = &*(sa as *const libc::sockaddr_ll);
            // glibc (and musl) store link addresses in a sockaddr_ll whose address
            // holds 24 bytes, not libc's 8: an InfiniBand address has 20.
            let len = (sll.sll_halen as usize).min(LINK_ADDR_MAX);
            if len == 0 {
                return None;
            }
            let addr = std::slice::from_raw_parts(sll.sll_addr.as_ptr(), len);
            Some((AF_LINK, mac_string(addr)))
        }
        _ => None,
    }
}

/// `aa:bb:cc:dd:ee:ff`, padded with `00` to six bytes as psutil does.
fn mac_string(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len().max(6) * 3);
    for i in 0..bytes.len().max(6) {
        let b = bytes.get(i).copied().unwrap_or(0);
        if i > 0 {
            s.push(':');
        }
        s.push(HEX[usize::from(b >> 4)] as char);
        s.push(HEX[usize::from(b & 0xf)] as char);
    }
    s
}

/// Interface index to name, from the AF_PACKET entries of the same getifaddrs list
/// (no socket and ioctl per scoped address); if_indextoname(3) for any other index.
/// The names point into the list, which outlives this map.
struct IndexNames(Vec<(u32, *const libc::c_char)>);

impl IndexNames {
    fn name(&self, index: u32) -> Option<String> {
        if let Some((_, n)) = self.0.iter().find(|(i, _)| *i == index) {
            // SAFETY: a NUL-terminated name of the live getifaddrs list.
            return Some(unsafe { CStr::from_ptr(*n) }.to_string_lossy().into_owned());
        }
        let mut name = [0 as libc::c_char; libc::IF_NAMESIZE];
        // SAFETY: the buffer holds IF_NAMESIZE bytes, as if_indextoname requires.
        let named = unsafe { !libc::if_indextoname(index, name.as_mut_ptr()).is_null() };
        // SAFETY: on success the buffer holds a NUL-terminated name.
        named.then(|| {
            unsafe { CStr::from_ptr(name.as_ptr()) }
                .to_string_lossy()
                .into_owned()
        })
    }
}

struct IfAddrs(*mut libc::ifaddrs);

impl Drop for IfAddrs {
    fn drop(&mut self) {
        // SAFETY: the list came from a successful getifaddrs and is freed once.
        unsafe { libc::freeifaddrs(self.0) }
    }
}

pub(crate) fn if_addrs() -> Result<BTreeMap<String, Vec<NicAddress>>> {
    let mut head: *mut libc::ifaddrs = std::ptr::null_mut();
    // SAFETY: getifaddrs writes a list head into `head` on success.
    if unsafe { libc::getifaddrs(&mut head) } != 0 {
        return Err(Error::io("getifaddrs", io::Error::last_os_error()));
    }
    let list = IfAddrs(head);
    let mut names = IndexNames(Vec::new());
    let mut cur = list.0;
    while !cur.is_null() {
        // SAFETY: `cur` is a node of the live list (see below).
        let ifa = unsafe { &*cur };
        cur = ifa.ifa_next;
        // SAFETY: a non-null AF_PACKET address is a sockaddr_ll; the name is a C string.
        unsafe {
            if !ifa.ifa_addr.is_null() && (*ifa.ifa_addr).sa_family as i32 == libc::AF_PACKET {
                let sll = &*(ifa.ifa_addr as *const libc::sockaddr_ll);
                names
                    .0
                    .push((sll.sll_ifindex as u32, ifa.ifa_name.cast_const()));
            }
        }
    }
    let mut out: BTreeMap<String, Vec<NicAddress>> = BTreeMap::new();
    let mut cur = list.0;
    while !cur.is_null() {
        // SAFETY: `cur` is a node of the live list; pointers in it follow getifaddrs's
        // contract (null or valid sockaddrs, NUL-terminated name).
        let ifa = unsafe { &*cur };
        cur = ifa.ifa_next;
        let Some((family, address)) = (unsafe { render(ifa.ifa_addr, &names) }) else {
            continue;
        };
        let name = unsafe { CStr::from_ptr(ifa.ifa_name) }.to_string_lossy();
        let netmask = if family == AF_LINK {
            None
        } else {
            unsafe { render(ifa.ifa_netmask, &names) }.map(|(_, s)| s)
        };
        let flags = ifa.ifa_flags;
        let other = unsafe { render(ifa.ifa_ifu, &names) }.map(|(_, s)| s);
        let (broadcast, ptp) = if flags & libc::IFF_BROADCAST as u32 != 0 {
            (other, None)
        } else if flags & libc::IFF_POINTOPOINT as u32 != 0 {
            (None, other)
        } else {
            (None, None)
        };
        let addr = NicAddress {
            family,
            address,
            netmask,
            broadcast,
            ptp,
        };
        match out.get_mut(name.as_ref()) {
            Some(list) => list.push(addr),
            None => {
                let mut list = Vec::with_capacity(4);
                list.push(addr);
                out.insert(name.into_owned(), list);
            }
        }
    }
    for v in out.values_mut() {
        v.sort_by_key(|a| a.family);
    }
    Ok(out)
}

/// `struct ifreq`: the name and a 24-byte union (flags, MTU or a data pointer).
#[repr(C)]
struct IfReq {
    name: [u8; 16],
    data: IfReqData,
}

#[repr(C)]
union IfReqData {
    flags: libc::c_short,
    mtu: libc::c_int,
    ptr: *mut libc::c_void,
    pad: [u8; 24],
}

/// `struct ethtool_cmd` (the legacy ETHTOOL_GSET layout).
#[repr(C)]
#[derive(Default)]
struct EthtoolCmd {
    cmd: u32,
    supported: u32,
    advertising: u32,
    speed: u16,
    duplex: u8,
    port: u8,
    phy_address: u8,
    transceiver: u8,
    autoneg: u8,
    mdio_support: u8,
    maxtxpkt: u32,
    maxrxpkt: u32,
    speed_hi: u16,
    eth_tp_mdix: u8,
    eth_tp_mdix_ctrl: u8,
    lp_advertising: u32,
    reserved: [u32; 2],
}

const SIOCGIFFLAGS: u64 = 0x8913;
const SIOCGIFMTU: u64 = 0x8921;
const SIOCETHTOOL: u64 = 0x8946;
const ETHTOOL_GSET: u32 = 1;

/// psutil's flag names in bit order (IFF_UP = 0x1 … IFF_DYNAMIC = 0x8000).
const FLAG_NAMES: [&str; 16] = [
    "up",
    "broadcast",
    "debug",
    "loopback",
    "pointopoint",
    "notrailers",
    "running",
    "noarp",
    "promisc",
    "allmulti",
    "master",
    "slave",
    "multicast",
    "portsel",
    "automedia",
    "dynamic",
];

/// The psutil flag string for SIOCGIFFLAGS bits.
pub(crate) fn flag_string(bits: u32) -> String {
    let mut s = String::new();
    for (i, n) in FLAG_NAMES.iter().enumerate() {
        if bits & (1 << i) != 0 {
            if !s.is_empty() {
                s.push(',');
            }
            s.push_str(n);
        }
    }
    s
}

struct Sock(libc::c_int);

impl Drop for Sock {
    fn drop(&mut self) {
        // SAFETY: an fd we opened and close once.
        unsafe { libc::close(self.0) };
    }
}

fn ioctl(sock: &Sock, req: u64, ifr: &mut IfReq) -> io::Result<()> {
    // SAFETY: `ifr` is a valid ifreq for these requests; the kernel writes into its
    // union (or into the ethtool_cmd its pointer refers to, which outlives the call).
    let rc = unsafe { libc::ioctl(sock.0, req as _, ifr as *mut IfReq) };
    if rc < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(())
    }
}

fn ifreq(name: &str) -> Option<IfReq> {
    let b = name.as_bytes();
    if b.len() >= 16 || b.contains(&0) {
        return None;
    }
    let mut r = IfReq {
        name: [0; 16],
        data: IfReqData { pad: [0; 24] },
    };
    r.name[..b.len()].copy_from_slice(b);
    Some(r)
}

pub(crate) fn if_stats<'a>(
    names: impl Iterator<Item = &'a String>,
) -> Result<BTreeMap<String, NicStats>> {
    // SAFETY: plain socket(2).
    let fd = unsafe { libc::socket(libc::AF_INET, libc::SOCK_DGRAM | libc::SOCK_CLOEXEC, 0) };
    if fd < 0 {
        return Err(Error::io("socket(AF_INET)", io::Error::last_os_error()));
    }
    let sock = Sock(fd);
    let gone = |e: &io::Error| e.raw_os_error() == Some(libc::ENODEV);
    let mut out = BTreeMap::new();
    for name in names {
        let Some(mut r) = ifreq(name) else { continue };
        let flags = match ioctl(&sock, SIOCGIFFLAGS, &mut r) {
            // SAFETY: SIOCGIFFLAGS filled the `flags` member.
            Ok(()) => (unsafe { r.data.flags }) as u16 as u32,
            Err(e) if gone(&e) => continue,
            Err(e) => return Err(Error::io(format!("SIOCGIFFLAGS({name})"), e)),
        };
        let mtu = match ioctl(&sock, SIOCGIFMTU, &mut r) {
            // SAFETY: SIOCGIFMTU filled the `mtu` member.
            Ok(()) => (unsafe { r.data.mtu }).max(0) as u64,
            Err(e) if gone(&e) => continue,
            Err(e) => return Err(Error::io(format!("SIOCGIFMTU({name})"), e)),
        };
        let mut cmd = EthtoolCmd {
            cmd: ETHTOOL_GSET,
            ..Default::default()
        };
        r.data.ptr = (&mut cmd as *mut EthtoolCmd).cast();
        let (duplex, speed) = match ioctl(&sock, SIOCETHTOOL, &mut r) {
            Ok(()) => {
                let duplex = match cmd.duplex {
                    1 => NicDuplex::Full,
                    0 => NicDuplex::Half,
                    _ => NicDuplex::Unknown,
                };
                let speed = (cmd.speed as u32) | ((cmd.speed_hi as u32) << 16);
                let speed = if speed == u32::MAX || speed > i32::MAX as u32 {
                    0
                } else {
                    speed
                };
                (duplex, speed as u64)
            }
            Err(e) if gone(&e) => continue,
            // EOPNOTSUPP, EINVAL (no ethtool), EBUSY (psutil #2732), EPERM (containers).
            Err(_) => (NicDuplex::Unknown, 0),
        };
        out.insert(
            name.clone(),
            NicStats {
                isup: flags & libc::IFF_RUNNING as u32 != 0,
                duplex,
                speed,
                mtu,
                flags: flag_string(flags),
            },
        );
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn flags_in_psutil_order() {
        assert_eq!(
            super::flag_string(0x1 | 0x2 | 0x40 | 0x1000),
            "up,broadcast,running,multicast"
        );
        assert_eq!(super::flag_string(0x1 | 0x8 | 0x40), "up,loopback,running");
        assert_eq!(super::flag_string(0), "");
        assert_eq!(std::mem::size_of::<super::EthtoolCmd>(), 44);
        assert_eq!(std::mem::size_of::<super::IfReq>(), 40);
    }
}
