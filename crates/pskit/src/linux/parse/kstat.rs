//! /proc/stat (the kernel/system statistics file, not /proc/PID/stat).

use super::{fields, lines, parse_u64};

/// The `btime` line: boot time in seconds since the epoch.
pub(crate) fn stat_btime(data: &[u8]) -> Option<u64> {
    lines(data).find_map(|l| {
        let mut it = fields(l);
        (it.next()? == b"btime")
            .then(|| it.next().and_then(parse_u64))
            .flatten()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn btime() {
        let data = b"cpu  1 2 3 4\nintr 5\nbtime 1700000000\nprocesses 9\n";
        assert_eq!(stat_btime(data), Some(1_700_000_000));
        assert_eq!(stat_btime(b"cpu 1 2 3\n"), None);
        assert_eq!(stat_btime(b"btime\n"), None);
    }
}
