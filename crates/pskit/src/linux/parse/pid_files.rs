//! The small per-process files: statm, io, fdinfo, cgroup.

use super::{fields, lines, parse_u64};

/// /proc/PID/statm in pages: size, resident, shared, text, lib, data, dt.
pub(crate) fn parse_statm(data: &[u8]) -> Option<[u64; 7]> {
    let mut out = [0u64; 7];
    let mut it = fields(data);
    for slot in out.iter_mut() {
        *slot = parse_u64(it.next()?)?;
    }
    Some(out)
}

/// /proc/PID/io: rchar, wchar, syscr, syscw, read_bytes, write_bytes (in that order).
/// `None` when a key is missing (psutil raises ValueError) or the file is empty.
pub(crate) fn parse_io(data: &[u8]) -> Option<[u64; 6]> {
    let mut vals: [Option<u64>; 6] = [None; 6];
    for line in lines(data) {
        let mut it = fields(line);
        let (Some(key), Some(v)) = (it.next(), it.next()) else {
            continue;
        };
        let slot = match key {
            b"rchar:" => 0,
            b"wchar:" => 1,
            b"syscr:" => 2,
            b"syscw:" => 3,
            b"read_bytes:" => 4,
            b"write_bytes:" => 5,
            _ => continue,
        };
        vals[slot] = parse_u64(v);
    }
    let mut out = [0u64; 6];
    for (o, v) in out.iter_mut().zip(vals) {
        *o = v?;
    }
    Some(out)
}

/// /proc/PID/fdinfo/FD: `pos` and `flags` (octal).
pub(crate) fn parse_fdinfo(data: &[u8]) -> Option<(u64, u32)> {
    let (mut pos, mut flags) = (None, None);
    for line in lines(data) {
        let mut it = fields(line);
        match (it.next(), it.next()) {
            (Some(b"pos:"), Some(v)) => pos = parse_u64(v),
            (Some(b"flags:"), Some(v)) => {
                flags = std::str::from_utf8(v)
                    .ok()
                    .and_then(|s| u32::from_str_radix(s, 8).ok())
            }
            _ => {}
        }
    }
    Some((pos?, flags?))
}

/// One line of /proc/PID/cgroup: `hierarchy-ID:controller-list:cgroup-path`.
pub(crate) fn parse_cgroup(data: &[u8]) -> Vec<(u32, Vec<u8>, Vec<u8>)> {
    lines(data)
        .filter_map(|l| {
            let mut parts = l.splitn(3, |&b| b == b':');
            let id = parse_u64(parts.next()?)? as u32;
            let controllers = parts.next()?.to_vec();
            let path = parts.next()?.to_vec();
            Some((id, controllers, path))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statm() {
        assert_eq!(
            parse_statm(b"2000 300 200 10 0 150 0\n"),
            Some([2000, 300, 200, 10, 0, 150, 0])
        );
        assert_eq!(parse_statm(b"2000 300\n"), None);
        assert_eq!(parse_statm(b""), None);
    }

    #[test]
    fn io() {
        let data = b"rchar: 10\nwchar: 20\nsyscr: 3\nsyscw: 4\nread_bytes: 4096\nwrite_bytes: 8192\ncancelled_write_bytes: 0\n";
        assert_eq!(parse_io(data), Some([10, 20, 3, 4, 4096, 8192]));
        assert_eq!(parse_io(b"rchar: 10\n"), None);
        assert_eq!(parse_io(b""), None);
    }

    #[test]
    fn fdinfo() {
        assert_eq!(
            parse_fdinfo(b"pos:\t12\nflags:\t0102002\nmnt_id:\t25\n"),
            Some((12, 0o102002))
        );
        assert_eq!(parse_fdinfo(b"pos:\t12\n"), None);
    }

    #[test]
    fn cgroup() {
        let v = parse_cgroup(b"0::/user.slice/a:b\n12:cpu,cpuacct:/x\n");
        assert_eq!(v[0], (0, b"".to_vec(), b"/user.slice/a:b".to_vec()));
        assert_eq!(v[1], (12, b"cpu,cpuacct".to_vec(), b"/x".to_vec()));
    }
}
