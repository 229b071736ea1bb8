//! /proc/meminfo, /proc/zoneinfo, /proc/vmstat and /proc/swaps.

use super::{fields, lines, parse_u64, value_after_colon};

/// `MemTotal` in bytes.
pub(crate) fn mem_total(data: &[u8]) -> Option<u64> {
    lines(data)
        .find(|l| l.starts_with(b"MemTotal:"))
        .and_then(value_after_colon)
        .map(|kb| kb.saturating_mul(1024))
}

/// The /proc/meminfo lines psutil uses, in bytes; `None` when the line is absent.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Meminfo {
    pub(crate) mem_total: Option<u64>,
    pub(crate) mem_free: Option<u64>,
    pub(crate) mem_available: Option<u64>,
    pub(crate) buffers: Option<u64>,
    pub(crate) cached: Option<u64>,
    pub(crate) sreclaimable: Option<u64>,
    pub(crate) shmem: Option<u64>,
    pub(crate) mem_shared: Option<u64>,
    pub(crate) active: Option<u64>,
    pub(crate) inactive: Option<u64>,
    pub(crate) inact_dirty: Option<u64>,
    pub(crate) inact_clean: Option<u64>,
    pub(crate) inact_laundry: Option<u64>,
    pub(crate) slab: Option<u64>,
    pub(crate) active_file: Option<u64>,
    pub(crate) inactive_file: Option<u64>,
    pub(crate) swap_total: Option<u64>,
    pub(crate) swap_free: Option<u64>,
}

impl Meminfo {
    /// Whether every line a current kernel has (3.14+) was seen: the legacy ones
    /// (`MemShared`, `Inact_*`) are only fallbacks for these, so parsing can stop.
    fn has_current_lines(&self) -> bool {
        [
            self.mem_total,
            self.mem_free,
            self.mem_available,
            self.buffers,
            self.cached,
            self.sreclaimable,
            self.shmem,
            self.active,
            self.inactive,
            self.slab,
            self.active_file,
            self.inactive_file,
            self.swap_total,
            self.swap_free,
        ]
        .iter()
        .all(Option::is_some)
    }
}

/// Parses /proc/meminfo. Values are kB in the file and bytes here. The key is what comes
/// before the colon, so `Key:123 kB` (no space) is read too; lines without a colon or a
/// number are ignored. Stops once every current line was seen (about half the file).
pub(crate) fn meminfo(data: &[u8]) -> Meminfo {
    let mut m = Meminfo::default();
    for l in lines(data) {
        if m.sreclaimable.is_some() && m.has_current_lines() {
            break;
        }
        let Some(colon) = super::colon(l) else {
            continue;
        };
        let slot = match &l[..colon] {
            b"MemTotal" => &mut m.mem_total,
            b"MemFree" => &mut m.mem_free,
            b"MemAvailable" => &mut m.mem_available,
            b"Buffers" => &mut m.buffers,
            b"Cached" => &mut m.cached,
            b"SReclaimable" => &mut m.sreclaimable,
            b"Shmem" => &mut m.shmem,
            b"MemShared" => &mut m.mem_shared,
            b"Active" => &mut m.active,
            b"Inactive" => &mut m.inactive,
            b"Inact_dirty" => &mut m.inact_dirty,
            b"Inact_clean" => &mut m.inact_clean,
            b"Inact_laundry" => &mut m.inact_laundry,
            b"Slab" => &mut m.slab,
            b"Active(file)" => &mut m.active_file,
            b"Inactive(file)" => &mut m.inactive_file,
            b"SwapTotal" => &mut m.swap_total,
            b"SwapFree" => &mut m.swap_free,
            _ => continue,
        };
        if let Some(kb) = fields(&l[colon + 1..]).next().and_then(parse_u64) {
            *slot = Some(kb.saturating_mul(1024));
        }
    }
    m
}

/// Every line of /proc/meminfo as `(key, value, in_kb)`: the key as written before the
/// colon, the number, and whether the line carried a `kB` unit. Lines without a colon or
/// a number are skipped.
pub(crate) fn meminfo_all(data: &[u8]) -> Vec<(String, u64, bool)> {
    lines(data)
        .filter_map(|l| {
            let colon = l.iter().position(|&b| b == b':')?;
            let key = std::str::from_utf8(&l[..colon]).ok()?.trim().to_owned();
            let mut rest = fields(&l[colon + 1..]);
            let value = parse_u64(rest.next()?)?;
            let in_kb = rest.next() == Some(b"kB");
            (!key.is_empty()).then_some((key, value, in_kb))
        })
        .collect()
}

/// Sum of the `low` watermarks (in pages) of every zone in /proc/zoneinfo.
pub(crate) fn zoneinfo_low_pages(data: &[u8]) -> u64 {
    lines(data)
        .filter_map(|l| {
            let mut it = fields(l);
            (it.next()? == b"low").then(|| it.next().and_then(parse_u64))?
        })
        .sum()
}

/// The estimate of available memory that `free` (procps) and psutil make when
/// `MemAvailable` is missing (before Linux 3.14) or 0: free memory above the low
/// watermarks plus the part of the page cache and reclaimable slab that can be dropped.
/// Without the LRU lines or /proc/zoneinfo (`watermark_low == None`), `free + cached`.
pub(crate) fn estimate_available(m: &Meminfo, watermark_low: Option<u64>) -> u64 {
    let free = m.mem_free.unwrap_or(0);
    let fallback = free.saturating_add(m.cached.unwrap_or(0));
    let (Some(af), Some(inf), Some(sr), Some(low)) = (
        m.active_file,
        m.inactive_file,
        m.sreclaimable,
        watermark_low,
    ) else {
        return fallback;
    };
    let (low, sr) = (low as f64, sr as f64);
    let mut avail = free as f64 - low;
    let pagecache = af as f64 + inf as f64;
    avail += pagecache - (pagecache / 2.0).min(low);
    avail += sr - (sr / 2.0).min(low);
    if avail < 0.0 {
        0
    } else {
        avail as u64
    }
}

/// `pswpin` and `pswpout` of /proc/vmstat (pages).
pub(crate) fn vmstat_swap(data: &[u8]) -> (Option<u64>, Option<u64>) {
    let (mut sin, mut sout) = (None, None);
    for l in lines(data) {
        let mut it = fields(l);
        match it.next() {
            Some(b"pswpin") => sin = it.next().and_then(parse_u64),
            Some(b"pswpout") => sout = it.next().and_then(parse_u64),
            _ => {}
        }
    }
    (sin, sout)
}

/// One row of /proc/swaps: path (octal escapes such as `\040` decoded), type, size and
/// used (kB in the file, bytes here), priority.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SwapRow {
    pub(crate) path: Vec<u8>,
    pub(crate) kind: Vec<u8>,
    pub(crate) size: u64,
    pub(crate) used: u64,
    pub(crate) priority: i64,
}

/// Parses /proc/swaps (the header line is skipped; malformed rows are `None`).
pub(crate) fn swaps(data: &[u8]) -> Vec<Option<SwapRow>> {
    lines(data)
        .skip(1)
        .map(|l| {
            let mut it = fields(l);
            Some(SwapRow {
                path: super::mounts::unescape_octal(it.next()?),
                kind: it.next()?.to_vec(),
                size: parse_u64(it.next()?)?.saturating_mul(1024),
                used: parse_u64(it.next()?)?.saturating_mul(1024),
                priority: super::parse_i64(it.next()?)?,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_lines_with_units() {
        let data =
            b"MemTotal:  100 kB\nActive(anon): 5 kB\nHugePages_Total:   3\nbad line\nX: y kB\n";
        assert_eq!(
            meminfo_all(data),
            vec![
                ("MemTotal".into(), 100, true),
                ("Active(anon)".into(), 5, true),
                ("HugePages_Total".into(), 3, false),
            ]
        );
    }

    #[test]
    fn total() {
        assert_eq!(
            super::mem_total(b"MemTotal:  1000 kB\nMemFree: 5 kB\n"),
            Some(1_024_000)
        );
        assert_eq!(super::mem_total(b"MemFree: 5 kB\n"), None);
    }

    #[test]
    fn fields_missing_zero_and_without_space() {
        // Linux 3.10 (RHEL 7) without MemAvailable; one line written without a space
        // after the colon; a line without a colon; a huge-page count without "kB".
        let data = b"MemTotal:        1000 kB\nMemFree:100 kB\nBuffers: 10 kB\n\
Cached: 200 kB\nSReclaimable: 50 kB\nActive(file): 300 kB\nInactive(file): 100 kB\n\
garbage line\nHugePages_Total:       0\nMemAvailable:\n";
        let m = meminfo(data);
        assert_eq!(m.mem_total, Some(1000 * 1024));
        assert_eq!(m.mem_free, Some(100 * 1024));
        assert_eq!(m.mem_available, None);
        assert_eq!(m.shmem, None);
        assert_eq!(m.sreclaimable, Some(50 * 1024));
        let m0 = meminfo(b"MemAvailable: 0 kB\n");
        assert_eq!(m0.mem_available, Some(0));
    }

    #[test]
    fn available_estimate() {
        let m = meminfo(
            b"MemFree: 1000 kB\nCached: 500 kB\nActive(file): 400 kB\n\
Inactive(file): 200 kB\nSReclaimable: 100 kB\n",
        );
        // low watermark 64 kB: free-low + pagecache - min(pagecache/2, low)
        // + sr - min(sr/2, low)
        let low = 64 * 1024;
        let expect = (1000.0 - 64.0 + 600.0 - 64.0 + 100.0 - 50.0) * 1024.0;
        assert_eq!(estimate_available(&m, Some(low)), expect as u64);
        // No zoneinfo: free + cached.
        assert_eq!(estimate_available(&m, None), 1500 * 1024);
        let zi = b"Node 0, zone      DMA\n  pages free     3976\n        min      33\n        low      41\n\
Node 0, zone    DMA32\n        low      100\n  lowmem_reserve: 0 1 2\n";
        assert_eq!(zoneinfo_low_pages(zi), 141);
    }

    #[test]
    fn vmstat_and_swaps() {
        assert_eq!(
            vmstat_swap(b"nr_free_pages 5\npswpin 7\npswpout 9\n"),
            (Some(7), Some(9))
        );
        assert_eq!(vmstat_swap(b"nr_free_pages 5\n"), (None, None));
        let s = b"Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n\
/swap\\040file                              file\t\t1048572\t\t0\t\t-2\n\
/dev/zram0                              partition\t8388604\t\t1024\t\t100\n";
        let rows = swaps(s);
        assert_eq!(rows.len(), 2);
        let r = rows[0].as_ref().unwrap();
        assert_eq!(r.path, b"/swap file");
        assert_eq!(r.kind, b"file");
        assert_eq!(r.size, 1048572 * 1024);
        assert_eq!(r.priority, -2);
        assert_eq!(rows[1].as_ref().unwrap().used, 1024 * 1024);
        assert!(swaps(b"Filename Type Size Used Priority\n").is_empty());
    }
}
