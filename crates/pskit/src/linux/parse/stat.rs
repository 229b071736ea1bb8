//! /proc/PID/stat and /proc/PID/task/TID/stat.

use super::{parse_i64, parse_u64};

/// The fields of a stat line that pskit uses. Tick counts are raw (divide by CLK_TCK).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Stat {
    /// The command name between the first `(` and the **last** `)`: it may itself hold
    /// spaces, parentheses or newlines.
    pub comm: Vec<u8>,
    pub state: u8,
    pub ppid: u32,
    pub tty_nr: u64,
    pub minflt: u64,
    pub majflt: u64,
    pub utime: u64,
    pub stime: u64,
    pub cutime: u64,
    pub cstime: u64,
    pub nice: i32,
    pub num_threads: u64,
    pub starttime: u64,
    pub vsize: u64,
    pub rss_pages: u64,
    /// Field 39 (since Linux 2.2.8); absent on some kernels and in old fixtures.
    pub processor: Option<i32>,
    /// Field 42, delayacct_blkio_ticks (since 2.6.18); 0 when missing, as psutil.
    pub blkio_ticks: u64,
}

/// Why a stat line was rejected.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum StatError {
    /// No `(comm)` pair.
    NoComm,
    /// Fewer fields than the 22 pskit needs (up to `rss`), or a field that is not a number.
    Field(&'static str),
}

impl std::fmt::Display for StatError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StatError::NoComm => write!(f, "no '(comm)' in stat line"),
            StatError::Field(name) => write!(f, "missing or invalid field '{name}'"),
        }
    }
}

/// Splits `text` into at most `N` fields separated by spaces or newlines (the kernel
/// writes one space between fields and a newline at the end), skipping empty ones;
/// returns how many were found; the text after the `N`th field is not looked at.
///
/// The separators are found eight bytes at a time (a stat line is about 300 bytes and
/// this split was a third of a process scan's user-space instructions byte by byte).
fn split_fields<'a, const N: usize>(text: &'a [u8], out: &mut [&'a [u8]; N]) -> usize {
    const { assert!(N > 0) };
    let mut count = 0;
    let mut start = 0;
    let mut push = |start: usize, end: usize| {
        if end > start {
            out[count] = &text[start..end];
            count += 1;
        }
        count == N
    };
    let mut chunks = text.chunks_exact(8);
    let mut at = 0;
    for chunk in &mut chunks {
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
        let mut mask = separator_bytes(word);
        while mask != 0 {
            let end = at + (mask.trailing_zeros() / 8) as usize;
            if push(start, end) {
                return N;
            }
            start = end + 1;
            mask &= mask - 1;
        }
        at += 8;
    }
    for (k, &b) in chunks.remainder().iter().enumerate() {
        if b == b' ' || b == b'\n' {
            if push(start, at + k) {
                return N;
            }
            start = at + k + 1;
        }
    }
    push(start, text.len());
    count
}

/// The high bit of every byte of `word` that is a space or a newline (exact: no false
/// positives, unlike the shorter zero-byte tests).
fn separator_bytes(word: u64) -> u64 {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    let zero_bytes = |x: u64| !(((x & LOW7).wrapping_add(LOW7)) | x | LOW7);
    zero_bytes(word ^ 0x2020_2020_2020_2020) | zero_bytes(word ^ 0x0a0a_0a0a_0a0a_0a0a)
}

/// Parses a stat line.
pub(crate) fn parse_stat(data: &[u8]) -> Result<Stat, StatError> {
    let open = memchr::memchr(b'(', data).ok_or(StatError::NoComm)?;
    let close = memchr::memrchr(b')', data).ok_or(StatError::NoComm)?;
    if close < open {
        return Err(StatError::NoComm);
    }
    let comm = data[open + 1..close].to_vec();
    // Fields after ") ", numbered from 0 (state) as in psutil's docs.
    let mut f: [&[u8]; 40] = [b""; 40];
    let count = split_fields(&data[close + 1..], &mut f);
    let num = |i: usize, name: &'static str| -> Result<u64, StatError> {
        if i >= count {
            return Err(StatError::Field(name));
        }
        // Some fields are signed in the kernel (cutime, cstime); negative means 0.
        parse_u64(f[i])
            .or_else(|| parse_i64(f[i]).map(|_| 0))
            .ok_or(StatError::Field(name))
    };
    let state = *f[0].first().ok_or(StatError::Field("state"))?;
    Ok(Stat {
        comm,
        state,
        ppid: num(1, "ppid")? as u32,
        tty_nr: num(4, "tty_nr")?,
        minflt: num(7, "minflt")?,
        majflt: num(9, "majflt")?,
        utime: num(11, "utime")?,
        stime: num(12, "stime")?,
        cutime: num(13, "cutime")?,
        cstime: num(14, "cstime")?,
        nice: if count > 16 {
            parse_i64(f[16]).ok_or(StatError::Field("nice"))? as i32
        } else {
            return Err(StatError::Field("nice"));
        },
        num_threads: num(17, "num_threads")?,
        starttime: num(19, "starttime")?,
        vsize: num(20, "vsize")?,
        rss_pages: if count > 21 {
            parse_i64(f[21]).unwrap_or(0).max(0) as u64
        } else {
            0
        },
        processor: (count > 36)
            .then(|| parse_i64(f[36]).map(|v| v as i32))
            .flatten(),
        blkio_ticks: if count > 39 {
            parse_u64(f[39]).unwrap_or(0)
        } else {
            0
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    // Linux 6.x, a process named "a) (b c" — parentheses and spaces in comm.
    const ODD: &[u8] = b"4242 (a) (b c) S 1 4242 4242 34816 4242 4194560 100 0 3 0 \
        250 50 7 8 20 -5 3 0 123456 10485760 300 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 9 0 0\n";

    #[test]
    fn comm_with_parentheses_and_spaces() {
        let s = parse_stat(ODD).unwrap();
        assert_eq!(s.comm, b"a) (b c");
        assert_eq!(s.state, b'S');
        assert_eq!(s.ppid, 1);
        assert_eq!(s.tty_nr, 34816);
        assert_eq!((s.minflt, s.majflt), (100, 3));
        assert_eq!((s.utime, s.stime, s.cutime, s.cstime), (250, 50, 7, 8));
        assert_eq!(s.nice, -5);
        assert_eq!(s.num_threads, 3);
        assert_eq!(s.starttime, 123456);
        assert_eq!(s.vsize, 10485760);
        assert_eq!(s.rss_pages, 300);
        assert_eq!(s.processor, Some(1));
        assert_eq!(s.blkio_ticks, 9);
    }

    #[test]
    fn newline_and_invalid_utf8_in_comm() {
        let mut line = b"7 (x\n\xff)) R 1 1 1 0 -1 0 0 0 0 0 1 1 0 0 20 0 1 0 5 100 1".to_vec();
        line.push(b'\n');
        let s = parse_stat(&line).unwrap();
        assert_eq!(s.comm, b"x\n\xff)");
        assert_eq!(s.state, b'R');
        // Old kernel: no processor, no delayacct field.
        assert_eq!(s.processor, None);
        assert_eq!(s.blkio_ticks, 0);
    }

    #[test]
    fn split_fields_matches_a_plain_split() {
        // Every mix of the bytes that matter, at every length up to 40 and at every
        // alignment: the word-at-a-time split must agree with the obvious one.
        let alphabet = [b' ', b'\n', b'1', b'x', 0x8a, 0xa0, 0x20 | 0x80];
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        fn check<const N: usize>(text: &[u8]) {
            let expected: Vec<&[u8]> = text
                .split(|&b| b == b' ' || b == b'\n')
                .filter(|f| !f.is_empty())
                .take(N)
                .collect();
            let mut out: [&[u8]; N] = [b""; N];
            let n = split_fields(text, &mut out);
            assert_eq!(&out[..n], &expected[..], "N={N} {text:?}");
        }
        for _ in 0..20_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let len = (seed % 130) as usize;
            let text: Vec<u8> = (0..len)
                .map(|k| alphabet[((seed >> (k % 60)) as usize + k * 7) % alphabet.len()])
                .collect();
            check::<1>(&text);
            check::<5>(&text);
            check::<40>(&text);
        }
    }

    #[test]
    fn truncated_lines_are_errors_not_panics() {
        assert_eq!(parse_stat(b""), Err(StatError::NoComm));
        assert_eq!(parse_stat(b"1 (init"), Err(StatError::NoComm));
        assert_eq!(
            parse_stat(b"1 (init) S 0 1"),
            Err(StatError::Field("tty_nr"))
        );
        assert_eq!(parse_stat(b"1 (init) "), Err(StatError::Field("state")));
        for cut in 0..ODD.len() {
            let _ = parse_stat(&ODD[..cut]);
        }
    }
}
