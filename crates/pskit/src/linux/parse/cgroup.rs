//! cgroup files: /proc/PID/cgroup, and the v2/v1 controller files.

use super::{fields, lines, parse_u64};

/// Where a process sits in each hierarchy: the unified (v2) path from the `0::` line,
/// and the v1 paths of the `memory` and `cpu` (or `cpu,cpuacct`) controllers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Membership {
    pub(crate) unified: Option<Vec<u8>>,
    pub(crate) memory_v1: Option<Vec<u8>>,
    pub(crate) cpu_v1: Option<Vec<u8>>,
    pub(crate) cpuacct_v1: Option<Vec<u8>>,
}

/// Parses /proc/PID/cgroup (`id:controllers:path` lines).
pub(crate) fn membership(data: &[u8]) -> Membership {
    let mut m = Membership::default();
    for l in lines(data) {
        let mut parts = l.splitn(3, |&b| b == b':');
        let (Some(id), Some(ctrls), Some(path)) = (parts.next(), parts.next(), parts.next()) else {
            continue;
        };
        if id == b"0" && ctrls.is_empty() {
            m.unified = Some(path.to_vec());
            continue;
        }
        for c in ctrls.split(|&b| b == b',') {
            match c {
                b"memory" => m.memory_v1 = Some(path.to_vec()),
                b"cpu" => m.cpu_v1 = Some(path.to_vec()),
                b"cpuacct" => m.cpuacct_v1 = Some(path.to_vec()),
                _ => {}
            }
        }
    }
    m
}

/// A limit file: `max` (v2) is `None`; a number is `Some`.
pub(crate) fn limit(data: &[u8]) -> Option<Option<u64>> {
    let v = data.trim_ascii();
    if v == b"max" {
        return Some(None);
    }
    parse_u64(v).map(Some)
}

/// v2 `cpu.max`: (`quota` or `None` for `max`, `period`), both in µs.
pub(crate) fn cpu_max(data: &[u8]) -> Option<(Option<u64>, u64)> {
    let mut it = fields(data);
    let quota = limit(it.next()?)?;
    let period = it.next().map_or(Some(100_000), parse_u64)?;
    Some((quota, period))
}

/// The value of `key` in a flat keyed file (`memory.stat`, `cpu.stat`, `cpuacct.stat`).
pub(crate) fn keyed(data: &[u8], key: &[u8]) -> Option<u64> {
    lines(data).find_map(|l| {
        let mut it = fields(l);
        (it.next()? == key).then(|| it.next().and_then(parse_u64))?
    })
}

/// v1 memory limits are "unlimited" when they are at or above this (the kernel writes
/// `PAGE_COUNTER_MAX * page size`, 0x7FFFFFFFFFFFF000 on 64-bit with 4 KiB pages).
pub(crate) const V1_UNLIMITED: u64 = 0x7FFF_FFFF_FFFF_F000 / 2;

/// A v1 limit file as `None` for unlimited.
pub(crate) fn v1_limit(data: &[u8]) -> Option<Option<u64>> {
    let v = parse_u64(data.trim_ascii())?;
    Some((v < V1_UNLIMITED).then_some(v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn membership_v1_v2_hybrid() {
        // systemd hybrid layout (Ubuntu 20.04): v1 controllers plus the unified line.
        let data = b"12:memory:/user.slice\n4:cpu,cpuacct:/user.slice/a\n1:name=systemd:/x\n0::/user.slice/b\n";
        let m = membership(data);
        assert_eq!(m.unified.as_deref(), Some(&b"/user.slice/b"[..]));
        assert_eq!(m.memory_v1.as_deref(), Some(&b"/user.slice"[..]));
        assert_eq!(m.cpu_v1.as_deref(), Some(&b"/user.slice/a"[..]));
        assert_eq!(m.cpuacct_v1.as_deref(), Some(&b"/user.slice/a"[..]));
        // Pure v2 (Fedora 31+, Debian 11+).
        let m = membership(b"0::/system.slice/x.service\n");
        assert_eq!(m.memory_v1, None);
        assert_eq!(m.unified.as_deref(), Some(&b"/system.slice/x.service"[..]));
    }

    #[test]
    fn values() {
        assert_eq!(limit(b"max\n"), Some(None));
        assert_eq!(limit(b"1073741824\n"), Some(Some(1 << 30)));
        assert_eq!(limit(b"x"), None);
        assert_eq!(cpu_max(b"max 100000\n"), Some((None, 100_000)));
        assert_eq!(cpu_max(b"150000 100000\n"), Some((Some(150_000), 100_000)));
        assert_eq!(cpu_max(b""), None);
        let stat = b"usage_usec 500\nuser_usec 300\nsystem_usec 200\nnr_throttled 2\n";
        assert_eq!(keyed(stat, b"user_usec"), Some(300));
        assert_eq!(keyed(stat, b"nr_periods"), None);
        assert_eq!(v1_limit(b"9223372036854771712\n"), Some(None));
        assert_eq!(v1_limit(b"536870912\n"), Some(Some(536870912)));
    }
}
