//! /proc/meminfo.

use super::{lines, value_after_colon};

/// `MemTotal` in bytes.
pub(crate) fn mem_total(data: &[u8]) -> Option<u64> {
    lines(data)
        .find(|l| l.starts_with(b"MemTotal:"))
        .and_then(value_after_colon)
        .map(|kb| kb * 1024)
}

#[cfg(test)]
mod tests {
    #[test]
    fn total() {
        assert_eq!(
            super::mem_total(b"MemTotal:  1000 kB\nMemFree: 5 kB\n"),
            Some(1_024_000)
        );
        assert_eq!(super::mem_total(b"MemFree: 5 kB\n"), None);
    }
}
