//! /proc/PID/status: only the lines pskit uses, without building a map.

use super::{fields, parse_u64, value_after_colon};

/// The fields of /proc/PID/status that pskit reads. Memory values are in bytes; a line
/// the kernel did not write stays `None` (e.g. `Vm*` lines are absent for kernel
/// threads and zombies).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Status {
    pub name: Vec<u8>,
    pub tgid: Option<u32>,
    pub ppid: Option<u32>,
    /// real, effective, saved, filesystem.
    pub uids: Option<[u32; 4]>,
    pub gids: Option<[u32; 4]>,
    pub threads: Option<u64>,
    pub voluntary_ctxt_switches: Option<u64>,
    pub nonvoluntary_ctxt_switches: Option<u64>,
    pub vm_peak: Option<u64>,
    pub vm_hwm: Option<u64>,
    pub rss_anon: Option<u64>,
    pub rss_file: Option<u64>,
    pub rss_shmem: Option<u64>,
    pub vm_swap: Option<u64>,
    pub hugetlb: Option<u64>,
}

/// The value of one `Key:` line, found by searching only as far as that line (the scan
/// needs `Uid:`, line 9 of about 57, so the rest is never looked at). The search is for
/// `\nKey:` with one SIMD substring search: the kernel escapes a newline in the `Name:`
/// value, so the first match is the line.
pub(crate) fn field<'a>(data: &'a [u8], key: &[u8]) -> Option<&'a [u8]> {
    let mut needle = [0u8; 40];
    let n = key.len() + 2;
    debug_assert!(n <= needle.len(), "status key too long: {key:?}");
    if n > needle.len() {
        return None;
    }
    needle[0] = b'\n';
    needle[1..n - 1].copy_from_slice(key);
    needle[n - 1] = b':';
    let start = if data.starts_with(&needle[1..n]) {
        n - 1
    } else {
        memchr::memmem::find(data, &needle[..n])? + n
    };
    let rest = &data[start..];
    Some(&rest[..memchr::memchr(b'\n', rest).unwrap_or(rest.len())])
}

/// The real, effective, saved and filesystem ids of a `Uid:` or `Gid:` line.
pub(crate) fn ids(data: &[u8], key: &[u8]) -> Option<[u32; 4]> {
    let value = field(data, key)?;
    let mut out = [0u32; 4];
    let mut it = fields(value);
    for slot in out.iter_mut() {
        *slot = u32::try_from(parse_u64(it.next()?)?).ok()?;
    }
    Some(out)
}

fn four_ids(line: &[u8]) -> Option<[u32; 4]> {
    let colon = super::colon(line)?;
    let mut out = [0u32; 4];
    let mut it = fields(&line[colon + 1..]);
    for slot in out.iter_mut() {
        *slot = u32::try_from(parse_u64(it.next()?)?).ok()?;
    }
    Some(out)
}

/// Parses the status file. Unknown and malformed lines are skipped: the kernel adds
/// lines over time and pskit must not fail on a new one.
pub(crate) fn parse_status(data: &[u8]) -> Status {
    let mut s = Status::default();
    for line in data.split(|&b| b == b'\n') {
        let Some(colon) = super::colon(line) else {
            continue;
        };
        let key = &line[..colon];
        let kb = || value_after_colon(line).map(|v| v * 1024);
        match key {
            b"Name" => {
                // "Name:\t<comm>", where comm escapes '\n' as "\n" and '\\' as "\\\\".
                let raw = line[colon + 1..]
                    .strip_prefix(b"\t")
                    .unwrap_or(&line[colon + 1..]);
                s.name = raw.to_vec();
            }
            b"Tgid" => s.tgid = value_after_colon(line).and_then(|v| u32::try_from(v).ok()),
            b"PPid" => s.ppid = value_after_colon(line).and_then(|v| u32::try_from(v).ok()),
            b"Uid" => s.uids = four_ids(line),
            b"Gid" => s.gids = four_ids(line),
            b"Threads" => s.threads = value_after_colon(line),
            b"voluntary_ctxt_switches" => s.voluntary_ctxt_switches = value_after_colon(line),
            b"nonvoluntary_ctxt_switches" => s.nonvoluntary_ctxt_switches = value_after_colon(line),
            b"VmPeak" => s.vm_peak = kb(),
            b"VmHWM" => s.vm_hwm = kb(),
            b"RssAnon" => s.rss_anon = kb(),
            b"RssFile" => s.rss_file = kb(),
            b"RssShmem" => s.rss_shmem = kb(),
            b"VmSwap" => s.vm_swap = kb(),
            b"HugetlbPages" => s.hugetlb = kb(),
            _ => {}
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    // Linux 6.18, a user process (trimmed).
    const STATUS: &[u8] = b"Name:\tmy prog (x)\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t4242\n\
Ngid:\t0\nPid:\t4242\nPPid:\t1\nTracerPid:\t0\nUid:\t1000\t1001\t1002\t1003\n\
Gid:\t100\t101\t102\t103\nFDSize:\t64\nVmPeak:\t   10000 kB\nVmSize:\t    9000 kB\n\
VmHWM:\t     500 kB\nVmRSS:\t     400 kB\nRssAnon:\t     100 kB\nRssFile:\t     250 kB\n\
RssShmem:\t      50 kB\nVmSwap:\t       7 kB\nHugetlbPages:\t       0 kB\nThreads:\t3\n\
Cpus_allowed_list:\t0-1\nvoluntary_ctxt_switches:\t12\nnonvoluntary_ctxt_switches:\t3\n";

    #[test]
    fn fields() {
        let s = parse_status(STATUS);
        assert_eq!(s.name, b"my prog (x)");
        assert_eq!(s.tgid, Some(4242));
        assert_eq!(s.ppid, Some(1));
        assert_eq!(s.uids, Some([1000, 1001, 1002, 1003]));
        assert_eq!(s.gids, Some([100, 101, 102, 103]));
        assert_eq!(s.threads, Some(3));
        assert_eq!(s.voluntary_ctxt_switches, Some(12));
        assert_eq!(s.nonvoluntary_ctxt_switches, Some(3));
        assert_eq!(s.vm_peak, Some(10000 * 1024));
        assert_eq!(s.vm_hwm, Some(500 * 1024));
        assert_eq!(
            (s.rss_anon, s.rss_file, s.rss_shmem),
            (Some(102400), Some(256000), Some(51200))
        );
        assert_eq!(s.vm_swap, Some(7 * 1024));
        assert_eq!(s.hugetlb, Some(0));
    }

    #[test]
    fn single_fields() {
        assert_eq!(ids(STATUS, b"Uid"), Some([1000, 1001, 1002, 1003]));
        assert_eq!(ids(STATUS, b"Gid"), Some([100, 101, 102, 103]));
        assert_eq!(ids(b"Uid:\t1\t2\n", b"Uid"), None);
        assert_eq!(field(STATUS, b"Tgid"), Some(&b"\t4242"[..]));
        assert_eq!(field(STATUS, b"Nope"), None);
        // The first line, a last line without a newline, and a name that holds an
        // escaped newline followed by a key (the kernel writes `\\n` for a newline).
        let odd = b"Name:\tx\\nUid:\t9\nUid:\t1 2 3 4";
        assert_eq!(field(odd, b"Name"), Some(&b"\tx\\nUid:\t9"[..]));
        assert_eq!(field(odd, b"Uid"), Some(&b"\t1 2 3 4"[..]));
        assert_eq!(ids(odd, b"Uid"), Some([1, 2, 3, 4]));
        assert_eq!(field(b"", b"Uid"), None);
    }

    #[test]
    fn kernel_thread_has_no_vm_lines_and_garbage_is_skipped() {
        let s = parse_status(b"Name:\tkworker/0:1\nUid:\t0\t0\nbogus line\nThreads:\tx\n");
        assert_eq!(s.name, b"kworker/0:1");
        assert_eq!(s.uids, None); // truncated Uid line
        assert_eq!(s.threads, None);
        assert_eq!(s.vm_swap, None);
        assert_eq!(parse_status(b""), Status::default());
    }
}
