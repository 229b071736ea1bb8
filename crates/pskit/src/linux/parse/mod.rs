//! Pure parsers: bytes in, values out. No I/O, so every rule is tested with fixtures.

pub(crate) mod cgroup;
pub(crate) mod cmdline;
pub(crate) mod cpuinfo;
pub(crate) mod diskstats;
pub(crate) mod kstat;
pub(crate) mod meminfo;
pub(crate) mod mounts;
pub(crate) mod netdev;
pub(crate) mod pid_files;
pub(crate) mod power;
pub(crate) mod smaps;
pub(crate) mod stat;
pub(crate) mod status;

pub(crate) use kstat::stat_btime;

/// Parses an unsigned decimal number from ASCII bytes; `None` on anything else.
pub(crate) fn parse_u64(bytes: &[u8]) -> Option<u64> {
    if bytes.is_empty() || bytes.len() > 20 {
        return None;
    }
    let mut v: u64 = 0;
    for &b in bytes {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        v = v.checked_mul(10)?.checked_add(d as u64)?;
    }
    Some(v)
}

/// Parses a signed decimal number from ASCII bytes.
pub(crate) fn parse_i64(bytes: &[u8]) -> Option<i64> {
    match bytes.split_first() {
        Some((b'-', rest)) => parse_u64(rest)
            .and_then(|v| i64::try_from(v).ok())
            .map(|v| -v),
        _ => parse_u64(bytes).and_then(|v| i64::try_from(v).ok()),
    }
}

/// Splits on runs of ASCII whitespace.
pub(crate) fn fields(line: &[u8]) -> impl Iterator<Item = &[u8]> {
    line.split(|b| b.is_ascii_whitespace())
        .filter(|f| !f.is_empty())
}

/// Iterates over lines (without the `\n`).
pub(crate) fn lines(data: &[u8]) -> impl Iterator<Item = &[u8]> {
    data.split(|&b| b == b'\n').filter(|l| !l.is_empty())
}

/// For `Key:   123 kB` lines: the number after the colon (kB values are *not* scaled).
pub(crate) fn value_after_colon(line: &[u8]) -> Option<u64> {
    let colon = line.iter().position(|&b| b == b':')?;
    let mut it = fields(&line[colon + 1..]);
    parse_u64(it.next()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(parse_u64(b"18446744073709551615"), Some(u64::MAX));
        assert_eq!(parse_u64(b"18446744073709551616"), None);
        assert_eq!(parse_u64(b""), None);
        assert_eq!(parse_u64(b"12a"), None);
        assert_eq!(parse_i64(b"-20"), Some(-20));
        assert_eq!(value_after_colon(b"VmRSS:\t  1234 kB"), Some(1234));
        assert_eq!(value_after_colon(b"VmRSS"), None);
    }
}
