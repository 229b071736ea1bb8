//! /proc/stat (the kernel/system statistics file, not /proc/PID/stat).

use super::{fields, lines, parse_u64};

/// One `cpu`/`cpuN` line of /proc/stat in clock ticks: user, nice, system, idle, iowait,
/// irq, softirq, steal, guest, guest_nice. `columns` says how many the kernel gave (old
/// kernels: 4 before 2.5.41, 7 before 2.6.11, 8 before 2.6.24, 9 before 3.2); the
/// missing ones are 0 here and reported as absent by the caller.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct CpuTicks {
    pub(crate) ticks: [u64; 10],
    pub(crate) columns: usize,
}

/// Parses a `cpu…` line's numbers (after the label).
fn cpu_ticks<'a>(it: impl Iterator<Item = &'a [u8]>) -> Option<CpuTicks> {
    let mut t = CpuTicks::default();
    for f in it.take(10) {
        t.ticks[t.columns] = parse_u64(f)?;
        t.columns += 1;
    }
    (t.columns >= 4).then_some(t)
}

/// The aggregate `cpu` line.
pub(crate) fn stat_cpu_total(data: &[u8]) -> Option<CpuTicks> {
    lines(data).find_map(|l| {
        let mut it = fields(l);
        (it.next()? == b"cpu").then(|| cpu_ticks(it)).flatten()
    })
}

/// The `cpuN` lines in file order (offline CPUs are absent from the file), as (N, ticks).
pub(crate) fn stat_cpu_each(data: &[u8], mut f: impl FnMut(u32, CpuTicks)) -> Option<()> {
    for l in lines(data) {
        let mut it = fields(l);
        let label = it.next()?;
        if label.len() > 3 && label.starts_with(b"cpu") {
            let n = parse_u64(&label[3..])? as u32;
            f(n, cpu_ticks(it)?);
        }
    }
    Some(())
}

/// `ctxt`, the first number of `intr`, the first number of `softirq` (psutil's
/// `cpu_stats`; a missing line gives `None` for that counter).
pub(crate) fn stat_counters(data: &[u8]) -> (Option<u64>, Option<u64>, Option<u64>) {
    let (mut ctxt, mut intr, mut soft) = (None, None, None);
    for l in lines(data) {
        let mut it = fields(l);
        let slot = match it.next() {
            Some(b"ctxt") => &mut ctxt,
            Some(b"intr") => &mut intr,
            Some(b"softirq") => &mut soft,
            _ => continue,
        };
        *slot = it.next().and_then(parse_u64);
    }
    (ctxt, intr, soft)
}

/// `processes` (forks since boot), `procs_running` and `procs_blocked` of /proc/stat.
pub(crate) fn stat_procs(data: &[u8]) -> (Option<u64>, Option<u64>, Option<u64>) {
    let (mut forks, mut running, mut blocked) = (None, None, None);
    for l in lines(data) {
        let mut it = fields(l);
        let slot = match it.next() {
            Some(b"processes") => &mut forks,
            Some(b"procs_running") => &mut running,
            Some(b"procs_blocked") => &mut blocked,
            _ => continue,
        };
        *slot = it.next().and_then(parse_u64);
    }
    (forks, running, blocked)
}

/// /proc/loadavg: the three load averages.
pub(crate) fn loadavg(data: &[u8]) -> Option<(f64, f64, f64)> {
    let mut it = fields(data).map(|f| std::str::from_utf8(f).ok()?.parse::<f64>().ok());
    Some((it.next()??, it.next()??, it.next()??))
}

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

    // Linux 6.x: ten columns.
    const MODERN: &[u8] = b"cpu  100 2 30 400 5 6 7 8 9 10\ncpu0 50 1 15 200 2 3 3 4 4 5\n\
cpu1 50 1 15 200 3 3 4 4 5 5\nintr 1234 0 0 5\nctxt 999\nbtime 1\nprocesses 3\n\
softirq 77 1 2\n";

    #[test]
    fn cpu_lines() {
        let t = stat_cpu_total(MODERN).unwrap();
        assert_eq!(t.columns, 10);
        assert_eq!(t.ticks, [100, 2, 30, 400, 5, 6, 7, 8, 9, 10]);
        let mut seen = Vec::new();
        stat_cpu_each(MODERN, |n, t| seen.push((n, t.ticks[0]))).unwrap();
        assert_eq!(seen, vec![(0, 50), (1, 50)]);
        assert_eq!(stat_counters(MODERN), (Some(999), Some(1234), Some(77)));
        assert_eq!(stat_procs(MODERN), (Some(3), None, None));
        assert_eq!(
            stat_procs(b"procs_running 2\nprocs_blocked 1\nprocesses x\n"),
            (None, Some(2), Some(1))
        );
    }

    #[test]
    fn old_kernels_have_fewer_columns() {
        // Linux 2.6.9 (7 columns, no steal/guest), Linux 2.6.18 (8, no guest).
        let t = stat_cpu_total(b"cpu  1 2 3 4 5 6 7\n").unwrap();
        assert_eq!(t.columns, 7);
        assert_eq!(&t.ticks[7..], &[0, 0, 0]);
        assert_eq!(
            stat_cpu_total(b"cpu  1 2 3 4 5 6 7 8\n").unwrap().columns,
            8
        );
        // Linux 2.4: four columns.
        assert_eq!(stat_cpu_total(b"cpu 1 2 3 4\n").unwrap().columns, 4);
        assert_eq!(stat_cpu_total(b"cpu 1 2\n"), None);
        assert_eq!(stat_cpu_total(b""), None);
        // No softirq line (before 2.6.31).
        assert_eq!(
            stat_counters(b"ctxt 5\nintr 6 1\n"),
            (Some(5), Some(6), None)
        );
    }

    #[test]
    fn load() {
        assert_eq!(
            loadavg(b"0.52 0.58 0.59 1/389 12345\n"),
            Some((0.52, 0.58, 0.59))
        );
        assert_eq!(loadavg(b"0.52\n"), None);
    }
}
