//! /proc/PID/smaps_rollup and /proc/PID/smaps.

use super::{fields, lines, parse_u64, value_after_colon};

/// USS, PSS and swap in bytes: the sums psutil's `memory_full_info` makes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Footprint {
    pub uss: u64,
    pub pss: u64,
    pub swap: u64,
}

/// Sums `Private_*` (uss), `Pss` and `Swap` lines. Works on smaps_rollup and on full
/// smaps alike (the fallback for kernels before 4.14). `Pss_Anon`/`Pss_File`/`SwapPss`
/// are not counted: only the exact keys are.
pub(crate) fn footprint(data: &[u8]) -> Footprint {
    let mut f = Footprint::default();
    for line in lines(data) {
        let kb = |l: &[u8]| value_after_colon(l).unwrap_or(0) * 1024;
        if line.starts_with(b"Private_") {
            f.uss += kb(line);
        } else if line.starts_with(b"Pss:") {
            f.pss += kb(line);
        } else if line.starts_with(b"Swap:") {
            f.swap += kb(line);
        }
    }
    f
}

/// One mapping of /proc/PID/smaps, numbers in bytes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Mapping {
    pub addr: String,
    pub perms: String,
    pub path: Vec<u8>,
    pub rss: u64,
    pub size: u64,
    pub pss: u64,
    pub shared_clean: u64,
    pub shared_dirty: u64,
    pub private_clean: u64,
    pub private_dirty: u64,
    pub referenced: u64,
    pub anonymous: u64,
    pub swap: u64,
}

fn is_header(line: &[u8]) -> bool {
    // "7f00-7f10 r-xp 00000000 08:01 1234   /lib/x.so": the first token holds a '-'
    // and no ':' (counter lines are "Key: N kB").
    let first = line.split(|&b| b == b' ').next().unwrap_or(b"");
    first.contains(&b'-') && !first.contains(&b':')
}

/// Parses smaps into mappings. The path keeps its raw bytes (it may hold spaces or
/// invalid UTF-8); an empty path is left empty (the caller names it `[anon]`).
pub(crate) fn parse_smaps(data: &[u8]) -> Vec<Mapping> {
    let mut out: Vec<Mapping> = Vec::new();
    for line in lines(data) {
        if is_header(line) {
            let mut m = Mapping::default();
            // Split off the first five fields; the rest (with its spaces) is the path.
            let mut rest = line;
            let mut head: Vec<&[u8]> = Vec::with_capacity(5);
            while head.len() < 5 {
                let start = rest.iter().position(|&b| b != b' ').unwrap_or(rest.len());
                rest = &rest[start..];
                let end = rest.iter().position(|&b| b == b' ').unwrap_or(rest.len());
                head.push(&rest[..end]);
                rest = &rest[end..];
            }
            m.addr = String::from_utf8_lossy(head[0]).into_owned();
            m.perms = String::from_utf8_lossy(head[1]).into_owned();
            let start = rest.iter().position(|&b| b != b' ').unwrap_or(rest.len());
            m.path = rest[start..].to_vec();
            out.push(m);
            continue;
        }
        let Some(m) = out.last_mut() else { continue };
        let mut it = fields(line);
        let (Some(key), Some(val)) = (it.next(), it.next()) else {
            continue;
        };
        let Some(v) = parse_u64(val) else { continue };
        let v = v * 1024;
        match key {
            b"Rss:" => m.rss = v,
            b"Size:" => m.size = v,
            b"Pss:" => m.pss = v,
            b"Shared_Clean:" => m.shared_clean = v,
            b"Shared_Dirty:" => m.shared_dirty = v,
            b"Private_Clean:" => m.private_clean = v,
            b"Private_Dirty:" => m.private_dirty = v,
            b"Referenced:" => m.referenced = v,
            b"Anonymous:" => m.anonymous = v,
            b"Swap:" => m.swap = v,
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROLLUP: &[u8] = b"55d0c0000000-7ffd00000000 ---p 00000000 00:00 0    [rollup]\n\
Rss:                 400 kB\nPss:                 150 kB\nPss_Anon:            100 kB\n\
Pss_File:             50 kB\nShared_Clean:        200 kB\nShared_Dirty:          0 kB\n\
Private_Clean:        80 kB\nPrivate_Dirty:       120 kB\nReferenced:          400 kB\n\
Anonymous:           120 kB\nSwap:                 16 kB\nSwapPss:              16 kB\n";

    #[test]
    fn rollup_sums() {
        let f = footprint(ROLLUP);
        assert_eq!(f.uss, 200 * 1024);
        assert_eq!(f.pss, 150 * 1024);
        assert_eq!(f.swap, 16 * 1024);
    }

    const SMAPS: &[u8] = b"00400000-00452000 r-xp 00000000 08:02 173521      /usr/bin/my prog\n\
Size:                328 kB\nRss:                 300 kB\nPss:                 100 kB\n\
Shared_Clean:        200 kB\nShared_Dirty:          0 kB\nPrivate_Clean:       100 kB\n\
Private_Dirty:         0 kB\nReferenced:          300 kB\nAnonymous:             0 kB\n\
Swap:                  0 kB\nVmFlags: rd ex mr mw me dw\n\
7ffd0000-7ffd1000 rw-p 00000000 00:00 0 \nSize:  4 kB\nRss:  4 kB\nPrivate_Dirty:  4 kB\n\
Anonymous:  4 kB\nSwap: 8 kB\nVmFlags: rd wr\n";

    #[test]
    fn mappings() {
        let maps = parse_smaps(SMAPS);
        assert_eq!(maps.len(), 2);
        assert_eq!(maps[0].addr, "00400000-00452000");
        assert_eq!(maps[0].perms, "r-xp");
        assert_eq!(maps[0].path, b"/usr/bin/my prog");
        assert_eq!(maps[0].rss, 300 * 1024);
        assert_eq!(maps[0].size, 328 * 1024);
        assert_eq!(maps[0].private_clean, 100 * 1024);
        assert_eq!(maps[1].path, b"");
        assert_eq!(maps[1].swap, 8 * 1024);
        let f = footprint(SMAPS);
        assert_eq!(f.uss, 104 * 1024);
        assert_eq!(f.swap, 8 * 1024);
    }

    #[test]
    fn garbage_does_not_panic() {
        assert!(parse_smaps(b"").is_empty());
        assert!(parse_smaps(b"Rss: 4 kB\n").is_empty());
        let m = parse_smaps(b"1-2 r\n");
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].perms, "r");
        for cut in 0..SMAPS.len() {
            let _ = parse_smaps(&SMAPS[..cut]);
        }
    }
}
