//! IP addresses as text, the way glibc's inet_ntop writes them and so psutil shows them
//! (net_if_addrs, net_connections), without Rust's formatting machinery: these run
//! several times per interface or socket on every call.

use std::net::{IpAddr, Ipv6Addr};

/// Any address (see [`ipv4`] and [`ipv6`]).
pub(crate) fn ip(ip: &IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => ipv4(u32::from(*v4)),
        IpAddr::V6(v6) => ipv6(v6),
    }
}

/// Dotted-quad text of an IPv4 address (what `Ipv4Addr`'s Display writes), without
/// the formatting machinery: several per interface on every call.
pub(crate) fn ipv4(addr: u32) -> String {
    let mut s = String::with_capacity(15);
    for (i, b) in addr.to_be_bytes().into_iter().enumerate() {
        if i > 0 {
            s.push('.');
        }
        if b >= 100 {
            s.push((b'0' + b / 100) as char);
        }
        if b >= 10 {
            s.push((b'0' + b / 10 % 10) as char);
        }
        s.push((b'0' + b % 10) as char);
    }
    s
}

/// The text glibc's inet_ntop writes, as psutil shows it (RFC 5952: lower-case hex, the
/// first longest run of two or more zero groups as `::`, IPv4-mapped as
/// `::ffff:a.b.c.d` and IPv4-compatible as `::a.b.c.d`), written straight into one string.
pub(crate) fn ipv6(ip: &Ipv6Addr) -> String {
    if let Some(v4) = ip.to_ipv4_mapped() {
        let mut s = String::with_capacity(22);
        s.push_str("::ffff:");
        s.push_str(&ipv4(u32::from(v4)));
        return s;
    }
    let seg = ip.segments();
    let (mut best, mut best_len, mut cur, mut cur_len) = (0, 0, 0, 0);
    for (i, &g) in seg.iter().enumerate() {
        if g == 0 {
            if cur_len == 0 {
                cur = i;
            }
            cur_len += 1;
            if cur_len > best_len {
                (best, best_len) = (cur, cur_len);
            }
        } else {
            cur_len = 0;
        }
    }
    if best == 0 && best_len == 6 {
        // IPv4-compatible (`::a.b.c.d`): glibc's inet_ntop, and so psutil, show the
        // dotted quad where Rust's Display shows two hex groups.
        let mut s = String::from("::");
        s.push_str(&ipv4(u32::from(seg[6]) << 16 | u32::from(seg[7])));
        return s;
    }
    let mut s = String::with_capacity(39);
    let groups = |s: &mut String, part: &[u16]| {
        for (i, &g) in part.iter().enumerate() {
            if i > 0 {
                s.push(':');
            }
            push_hex(s, g);
        }
    };
    if best_len > 1 {
        groups(&mut s, &seg[..best]);
        s.push_str("::");
        groups(&mut s, &seg[best + best_len..]);
    } else {
        groups(&mut s, &seg);
    }
    s
}

/// `g` in lower-case hex without leading zeros.
fn push_hex(s: &mut String, g: u16) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut started = false;
    for shift in [12u16, 8, 4, 0] {
        let d = (g >> shift) & 0xf;
        if d != 0 || started || shift == 0 {
            s.push(HEX[usize::from(d)] as char);
            started = true;
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn ipv4_text_matches_std() {
        use std::net::Ipv4Addr;
        for a in [
            0u32, 1, 0x7f000001, 0xc0000202, 0xffffffff, 0x0a09630c, 0x64640a01,
        ] {
            assert_eq!(super::ipv4(a), Ipv4Addr::from(a).to_string());
        }
        for a in (0..=u32::MAX).step_by(7_919_993) {
            assert_eq!(super::ipv4(a), Ipv4Addr::from(a).to_string());
        }
    }

    #[test]
    fn ipv6_text_matches_std() {
        use std::net::Ipv6Addr;
        let fixed = [
            "::",
            "::1",
            "1::",
            "fe80::fc:ff:fe00:1",
            "fd00::2",
            "2001:db8::1:0:0:1",
            "2001:db8:0:0:1:0:0:1",
            "1:0:0:2:0:0:0:3",
            "::ffff:192.0.2.1",
            "ffff:ffff:ffff:ffff::",
            "1:2:3:4:5:6:7:8",
            "0:1:0:1:0:1:0:1",
            "ff02::1",
        ];
        for t in fixed {
            let ip: Ipv6Addr = t.parse().unwrap();
            assert_eq!(super::ipv6(&ip), ip.to_string(), "{t}");
        }
        // Every pattern of zero and non-zero groups, with varied digits.
        for mask in 0u32..256 {
            let mut seg = [0u16; 8];
            for (i, g) in seg.iter_mut().enumerate() {
                if mask & (1 << i) != 0 {
                    *g = [0x1, 0x2a, 0x3bc, 0xdef0, 0xffff][(i + mask as usize) % 5];
                }
            }
            let ip = Ipv6Addr::from(seg);
            if seg[..6] == [0; 6] && seg[6] != 0 {
                continue; // IPv4-compatible: glibc's form, below
            }
            assert_eq!(super::ipv6(&ip), ip.to_string(), "{seg:?}");
        }
        let compat: Ipv6Addr = "::c000:201".parse().unwrap();
        assert_eq!(super::ipv6(&compat), "::192.0.2.1");
    }
}
