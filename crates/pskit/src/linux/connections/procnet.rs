//! /proc/net/{tcp,tcp6,udp,udp6,unix}: psutil's source of sockets, read when netlink
//! is refused or the /proc root is relocated. Pure parsers plus one read per file.

use std::ffi::OsString;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::os::unix::ffi::OsStringExt;

use super::{Sockets, Table};
use crate::linux::fs::{self, ReadMode};
use crate::linux::host::is_not_found;
use crate::linux::HostState;
use crate::system::connections::{Connection, ConnectionAddress, AF_UNIX};
use crate::{ConnectionStatus, Error, Result};

/// Reads `{proc}/net/<table>` into `out`. A missing tcp6 or udp6 means IPv6 is
/// disabled: no sockets, as psutil.
pub(crate) fn read(host: &HostState, table: Table, out: &mut Sockets) -> Result<()> {
    let file = table.file();
    fs::with_scratch(|buf| {
        match host.read_proc(file, buf, ReadMode::ToEof) {
            Ok(()) => {}
            Err(Error::Io { source, .. })
                if table.family() == crate::AF_INET6 && is_not_found(&source) =>
            {
                return Ok(())
            }
            Err(e) => return Err(e),
        }
        let parsed = if table == Table::Unix {
            parse_unix(buf, out)
        } else {
            parse_inet(buf, table, out)
        };
        parsed.map_err(|detail| Error::parse(host.proc_path(file), detail))
    })
}

/// The whitespace-separated fields of a line.
fn fields(line: &[u8]) -> impl Iterator<Item = &[u8]> {
    line.split(|b| b.is_ascii_whitespace())
        .filter(|t| !t.is_empty())
}

fn hex_u32(s: &[u8]) -> Option<u32> {
    if s.is_empty() || s.len() > 8 {
        return None;
    }
    u32::from_str_radix(std::str::from_utf8(s).ok()?, 16).ok()
}

fn dec_u64(s: &[u8]) -> Option<u64> {
    std::str::from_utf8(s).ok()?.parse().ok()
}

/// `IP:PORT` in the kernel's hex, IPv4 as one native-endian u32 of network-order
/// bytes, IPv6 as four such words; port 0 is psutil's `()`.
pub(crate) fn decode_address(text: &[u8], v6: bool) -> Option<ConnectionAddress> {
    let colon = text.iter().position(|&b| b == b':')?;
    let (ip, port) = (&text[..colon], &text[colon + 1..]);
    let port = u16::try_from(hex_u32(port)?).ok()?;
    let words = if v6 { 4 } else { 1 };
    if ip.len() != 8 * words {
        return None;
    }
    let mut bytes = [0u8; 16];
    for (i, chunk) in ip.chunks(8).enumerate() {
        bytes[i * 4..i * 4 + 4].copy_from_slice(&hex_u32(chunk)?.to_ne_bytes());
    }
    if port == 0 {
        return Some(ConnectionAddress::Empty);
    }
    let ip = if v6 {
        IpAddr::V6(Ipv6Addr::from(bytes))
    } else {
        IpAddr::V4(Ipv4Addr::new(bytes[0], bytes[1], bytes[2], bytes[3]))
    };
    Some(ConnectionAddress::Inet { ip, port })
}

/// Parses a tcp/tcp6/udp/udp6 file (header line first). A line without the ten
/// fields psutil reads, or with fields that do not decode, is an error naming it.
pub(crate) fn parse_inet(data: &[u8], table: Table, out: &mut Sockets) -> Result<(), String> {
    let v6 = table.family() == crate::AF_INET6;
    for (lineno, line) in data.split(|&b| b == b'\n').enumerate().skip(1) {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let bad = || {
            format!(
                "malformed line {lineno}: {:?}",
                String::from_utf8_lossy(line)
            )
        };
        let mut f = fields(line);
        let (Some(_), Some(local), Some(remote), Some(state)) =
            (f.next(), f.next(), f.next(), f.next())
        else {
            return Err(bad());
        };
        let Some(inode) = f.nth(5) else {
            return Err(bad());
        };
        let inode = dec_u64(inode).ok_or_else(bad)?;
        if !out.wants(inode) {
            continue;
        }
        let state = hex_u32(state).ok_or_else(bad)?;
        let status = if table.is_tcp() {
            // A state psutil does not know (a newer kernel's) is skipped.
            match u8::try_from(state)
                .ok()
                .and_then(ConnectionStatus::from_tcp_state)
            {
                Some(s) => s,
                None => continue,
            }
        } else {
            ConnectionStatus::None
        };
        let laddr = decode_address(local, v6).ok_or_else(bad)?;
        let raddr = decode_address(remote, v6).ok_or_else(bad)?;
        let conn = Connection {
            fd: -1,
            family: table.family(),
            type_: table.inet_type(),
            laddr,
            raddr,
            status,
            pid: None,
        };
        out.push(inode, conn);
    }
    Ok(())
}

/// Parses /proc/net/unix: `Num RefCount Protocol Flags Type St Inode [Path]`. The
/// path is the rest of the line after the inode and one space, so paths with spaces
/// are whole; abstract names already start with `@`. The kernel writes a newline in a
/// path as is, so a line that is not a row continues the previous row's path (psutil
/// #766 cuts such paths, or fails); a first line that is not a row is an error.
pub(crate) fn parse_unix(data: &[u8], out: &mut Sockets) -> Result<(), String> {
    let body = data.strip_suffix(b"\n").unwrap_or(data);
    // The row being read: inode, type and path (which later lines may continue).
    let mut pending: Option<(u64, i32, Vec<u8>)> = None;
    for (lineno, line) in body.split(|&b| b == b'\n').enumerate().skip(1) {
        match unix_row(line) {
            Some((inode, type_, path)) => {
                push_unix(out, pending.replace((inode, type_, path.to_vec())));
            }
            None => match pending.as_mut() {
                Some((_, _, path)) => {
                    path.push(b'\n');
                    path.extend_from_slice(line);
                }
                None => {
                    return Err(format!(
                        "malformed line {lineno}: {:?}",
                        String::from_utf8_lossy(line)
                    ))
                }
            },
        }
    }
    push_unix(out, pending);
    Ok(())
}

/// One /proc/net/unix row: `%pK: ` then six hex or decimal fields, then the path.
fn unix_row(line: &[u8]) -> Option<(u64, i32, &[u8])> {
    let mut pos = 0;
    let mut tokens: [&[u8]; 7] = [&[]; 7];
    for token in tokens.iter_mut() {
        while pos < line.len() && line[pos] == b' ' {
            pos += 1;
        }
        let start = pos;
        while pos < line.len() && line[pos] != b' ' {
            pos += 1;
        }
        if start == pos {
            return None;
        }
        *token = &line[start..pos];
    }
    let hex_fields_ok = tokens[1..6].iter().all(|t| hex_u32(t).is_some());
    if !tokens[0].ends_with(b":") || !hex_fields_ok {
        return None;
    }
    let inode = dec_u64(tokens[6])?;
    let type_ = hex_u32(tokens[4])? as i32;
    Some((inode, type_, line.get(pos + 1..).unwrap_or_default()))
}

fn push_unix(out: &mut Sockets, row: Option<(u64, i32, Vec<u8>)>) {
    let Some((inode, type_, path)) = row else {
        return;
    };
    if !out.wants(inode) {
        return;
    }
    out.push(
        inode,
        Connection {
            fd: -1,
            family: AF_UNIX,
            type_,
            laddr: ConnectionAddress::Unix(OsString::from_vec(path).into()),
            raddr: ConnectionAddress::Unix(Default::default()),
            status: ConnectionStatus::None,
            pid: None,
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    const TCP: &[u8] = b"  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1001 1 0000000000000000 100 0 0 10 0
   1: 0500000A:0016 0900000A:C738 01 00000000:00000000 02:000A7D3E 00000000     0        0 1002 4 0000000000000000 20 4 30 10 -1
   2: 0100007F:8AE2 0100007F:0016 06 00000000:00000000 03:00000F7C 00000000     0        0 0 3 0000000000000000
";

    #[test]
    fn tcp_rows_decode_like_psutil() {
        let mut out = Sockets::new();
        parse_inet(TCP, Table::Tcp4, &mut out).unwrap();
        assert_eq!(out.inodes, [1001, 1002, 0]);
        let c = &out.conns;
        assert_eq!(
            c[0].laddr,
            ConnectionAddress::Inet {
                ip: [127, 0, 0, 1].into(),
                port: 22
            }
        );
        assert_eq!(
            (c[0].raddr.clone(), c[0].status),
            (ConnectionAddress::Empty, ConnectionStatus::Listen)
        );
        assert_eq!(
            c[1].raddr,
            ConnectionAddress::Inet {
                ip: [10, 0, 0, 9].into(),
                port: 51000
            }
        );
        assert_eq!(c[2].status, ConnectionStatus::TimeWait);
    }

    #[test]
    fn ipv6_words_are_native_endian() {
        // ::ffff:127.0.0.1 port 40521, and ::1 port 53, as tcp6 shows them.
        let a = decode_address(b"0000000000000000FFFF00000100007F:9E49", true).unwrap();
        assert_eq!(a.ip().unwrap().to_string(), "::ffff:127.0.0.1");
        assert_eq!(a.port(), Some(40521));
        let b = decode_address(b"00000000000000000000000001000000:0035", true).unwrap();
        assert_eq!(b.ip().unwrap().to_string(), "::1");
        assert_eq!(
            decode_address(b"00000000000000000000000000000000:0000", true),
            Some(ConnectionAddress::Empty)
        );
        assert_eq!(decode_address(b"0100007F0016", false), None);
        assert_eq!(decode_address(b"0100007:0016", false), None);
        assert_eq!(decode_address(b"0100007G:0016", false), None);
    }

    #[test]
    fn malformed_inet_lines_are_errors_naming_the_line() {
        for bad in [
            &b"hdr\n   0: 0100007F:0016 00000000:0000 0A 00000000:00000000\n"[..],
            b"hdr\n   0: 0100007F:0016 00000000:0000 ZZ 00000000:00000000 00:00000000 00000000 0 0 1001\n",
            b"hdr\n   0: 0100007F-0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 1001\n",
            b"hdr\n   0: 0100007F:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 x1001\n",
        ] {
            let err = parse_inet(bad, Table::Tcp4, &mut Sockets::new()).unwrap_err();
            assert!(err.starts_with("malformed line 1:"), "{err}");
        }
        // A state psutil does not know is skipped; UDP ignores the state.
        let odd = b"hdr\n   0: 0100007F:0016 00000000:0000 0D 00000000:00000000 00:00000000 00000000 0 0 7\n";
        let mut out = Sockets::new();
        parse_inet(odd, Table::Tcp4, &mut out).unwrap();
        assert!(out.conns.is_empty());
        parse_inet(odd, Table::Udp4, &mut out).unwrap();
        assert_eq!(out.conns[0].status, ConnectionStatus::None);
    }

    const UNIX: &[u8] = b"Num       RefCount Protocol Flags    Type St Inode Path
0000000000000000: 00000002 00000000 00010000 0001 01 20001 /run/systemd/notify
0000000000000000: 00000002 00000000 00000000 0002 01 20002 @/tmp/.X11-unix/X0
0000000000000000: 00000003 00000000 00000000 0001 03    17
0000000000000000: 00000002 00000000 00010000 0005 01 20004 /tmp/dir with spaces/s.sock
0000000000000000: 00000002 00000000 00010000 0001 01 20005 /tmp/line
break.sock
0000000000000000: 00000002 00000000 00010000 0001 01 20006  leading-space
0000000000000000: 00000002 00000000 00010000 0001 01 20007 /tmp/two
line breaks, one with spaces

0000000000000000: 00000002 00000000 00010000 0001 01 20008 /tmp/after
";

    #[test]
    fn unix_paths_whole_abstract_and_empty() {
        let mut out = Sockets::new();
        parse_unix(UNIX, &mut out).unwrap();
        let rows: Vec<(u64, i32, String)> = out
            .inodes
            .iter()
            .zip(&out.conns)
            .map(|(&i, c)| match &c.laddr {
                ConnectionAddress::Unix(p) => (i, c.type_, p.to_string_lossy().into_owned()),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(
            rows,
            [
                (20001, 1, "/run/systemd/notify".to_string()),
                (20002, 2, "@/tmp/.X11-unix/X0".to_string()),
                (17, 1, String::new()),
                (20004, 5, "/tmp/dir with spaces/s.sock".to_string()),
                // A newline in a path: the next lines continue it.
                (20005, 1, "/tmp/line\nbreak.sock".to_string()),
                (20006, 1, " leading-space".to_string()),
                (
                    20007,
                    1,
                    "/tmp/two\nline breaks, one with spaces\n".to_string()
                ),
                (20008, 1, "/tmp/after".to_string()),
            ]
        );
        assert!(out
            .conns
            .iter()
            .all(|c| c.family == AF_UNIX && c.status == ConnectionStatus::None));
    }

    #[test]
    fn malformed_unix_lines_are_errors() {
        let bad = b"Num RefCount\n0000000000000000: 00000002 00000000 00010000 0001\n";
        let err = parse_unix(bad, &mut Sockets::new()).unwrap_err();
        assert!(err.starts_with("malformed line 1:"), "{err}");
        let bad_inode = b"Num\n0000000000000000: 00000002 00000000 00010000 0001 01 x9 /p\n";
        assert!(parse_unix(bad_inode, &mut Sockets::new()).is_err());
        // After a row, a line that is not one continues its path: never an error.
        let piece =
            b"Num\n0000000000000000: 00000002 00000000 00010000 0001 01 9 /p\nq r s t u v w x\n";
        let mut out = Sockets::new();
        parse_unix(piece, &mut out).unwrap();
        assert_eq!(out.inodes, [9]);
    }

    #[test]
    fn only_wanted_inodes_are_kept() {
        let mut out = Sockets::only(vec![1002, 20002]);
        parse_inet(TCP, Table::Tcp4, &mut out).unwrap();
        parse_unix(UNIX, &mut out).unwrap();
        assert_eq!(out.inodes, [1002, 20002]);
    }
}
