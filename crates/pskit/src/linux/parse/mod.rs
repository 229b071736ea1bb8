//! Pure parsers: bytes in, values out. No I/O, so every rule is tested with fixtures.

pub(crate) mod cgroup;
pub(crate) mod cmdline;
pub(crate) mod cpuinfo;
pub(crate) mod diskstats;
pub(crate) mod hwmon;
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

/// Parses whitespace-separated decimal numbers into `out` in one pass over the bytes;
/// returns how many there were, or `None` on any other byte, on a number that does
/// not fit in u64, or on more numbers than `out` holds.
pub(crate) fn numbers_into(bytes: &[u8], out: &mut [u64]) -> Option<usize> {
    match numbers_prefix(bytes, out)? {
        (n, false) => Some(n),
        (_, true) => None,
    }
}

/// Like [`numbers_into`] but stops once `out` is full: returns how many numbers were
/// parsed and whether more text follows them (left unread).
pub(crate) fn numbers_prefix(bytes: &[u8], out: &mut [u64]) -> Option<(usize, bool)> {
    let (mut n, mut i, len) = (0, 0, bytes.len());
    loop {
        while i < len && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if i == len {
            return Some((n, false));
        }
        if n == out.len() {
            return Some((n, true));
        }
        let start = i;
        let mut v: u64 = 0;
        while i < len {
            let d = bytes[i].wrapping_sub(b'0');
            if d > 9 {
                break;
            }
            v = v.wrapping_mul(10).wrapping_add(u64::from(d));
            i += 1;
        }
        if i == start || (i < len && !bytes[i].is_ascii_whitespace()) {
            return None; // a byte that is neither a digit nor a separator
        }
        // Up to 19 digits cannot overflow; longer ones are checked.
        if i - start > 19 {
            v = parse_u64(&bytes[start..i])?;
        }
        out[n] = v;
        n += 1;
    }
}

/// Splits on runs of ASCII whitespace (one pass, no empty fields).
pub(crate) fn fields(line: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = line;
    std::iter::from_fn(move || {
        let start = rest.iter().position(|b| !b.is_ascii_whitespace())?;
        let word = &rest[start..];
        let end = word
            .iter()
            .position(|b| b.is_ascii_whitespace())
            .unwrap_or(word.len());
        rest = &word[end..];
        Some(&word[..end])
    })
}

/// Iterates over the non-empty lines (without the `\n`).
pub(crate) fn lines(data: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = data;
    std::iter::from_fn(move || loop {
        if rest.is_empty() {
            return None;
        }
        let (line, next) = match memchr::memchr(b'\n', rest) {
            Some(i) => (&rest[..i], &rest[i + 1..]),
            None => (rest, &rest[rest.len()..]),
        };
        rest = next;
        if !line.is_empty() {
            return Some(line);
        }
    })
}

/// The position of the first `:` in `line`.
pub(crate) fn colon(line: &[u8]) -> Option<usize> {
    memchr::memchr(b':', line)
}

/// For `Key:   123 kB` lines: the number after the colon (kB values are *not* scaled).
pub(crate) fn value_after_colon(line: &[u8]) -> Option<u64> {
    let colon = colon(line)?;
    let mut it = fields(&line[colon + 1..]);
    parse_u64(it.next()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_lists() {
        let mut out = [0u64; 4];
        assert_eq!(numbers_into(b" 1  22\t333 ", &mut out), Some(3));
        assert_eq!(out[..3], [1, 22, 333]);
        assert_eq!(numbers_into(b"", &mut out), Some(0));
        assert_eq!(numbers_into(b"1 x 2", &mut out), None);
        assert_eq!(numbers_into(b"1 2 3 4 5", &mut out), None);
        assert_eq!(numbers_into(b"18446744073709551616", &mut out), None);
        assert_eq!(numbers_into(b"-1", &mut out), None);
        let mut two = [0u64; 2];
        assert_eq!(numbers_prefix(b"7 8 9 junk", &mut two), Some((2, true)));
        assert_eq!(two, [7, 8]);
        assert_eq!(numbers_prefix(b" 7 8 ", &mut two), Some((2, false)));
        assert_eq!(numbers_prefix(b"7 x", &mut two), None);
    }

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
