//! Numbers, sizes and times the way people read them.

use chrono::{DateTime, Datelike, Local, TimeZone};

/// psutil's `bytes2human`: 10000 → `9.8K`, 100001221 → `95.4M`, 512 → `512B`.
pub fn bytes2human(n: u64) -> String {
    const SYMBOLS: [char; 8] = ['K', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y'];
    for (i, symbol) in SYMBOLS.iter().enumerate().rev() {
        let prefix = 1u128 << ((i + 1) * 10);
        if u128::from(n) >= prefix {
            return format!("{:.1}{symbol}", n as f64 / prefix as f64);
        }
    }
    format!("{n}B")
}

/// How sizes are shown: human-readable by default, exact bytes with `--bytes`.
#[derive(Clone, Copy, Debug)]
pub struct Sizes {
    /// Print exact byte counts.
    pub exact: bool,
}

impl Sizes {
    /// `n` bytes as text.
    pub fn show(self, n: u64) -> String {
        if self.exact {
            n.to_string()
        } else {
            bytes2human(n)
        }
    }
}

/// A Unix time as local time, or `None` when out of range.
pub fn local_time(unix: f64) -> Option<DateTime<Local>> {
    let secs = unix.floor();
    let nanos = ((unix - secs) * 1e9) as u32;
    Local.timestamp_opt(secs as i64, nanos).single()
}

/// ps's START column: `HH:MM` for today, `Mon DD` for this year, else the year.
pub fn start_column(unix: f64, now: DateTime<Local>) -> String {
    match local_time(unix) {
        Some(t) if t.date_naive() == now.date_naive() => t.format("%H:%M").to_string(),
        Some(t) if t.year() == now.year() => t.format("%b%d").to_string(),
        Some(t) => t.format("%Y").to_string(),
        None => "?".to_string(),
    }
}

/// `YYYY-MM-DD HH:MM:SS` in local time.
pub fn date_time(unix: f64) -> String {
    local_time(unix)
        .map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_else(|| "?".to_string())
}

/// CPU time as ps's TIME column (`M:SS`, minutes unbounded).
pub fn cpu_time(seconds: f64) -> String {
    let total = seconds.max(0.0) as u64;
    format!("{}:{:02}", total / 60, total % 60)
}

/// A duration as `H:MM:SS` (battery time left), or `D days, H:MM:SS` past a day.
pub fn duration(seconds: u64) -> String {
    let (d, rest) = (seconds / 86_400, seconds % 86_400);
    let hms = format!("{}:{:02}:{:02}", rest / 3600, rest % 3600 / 60, rest % 60);
    match d {
        0 => hms,
        1 => format!("1 day, {hms}"),
        d => format!("{d} days, {hms}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes2human_matches_psutil() {
        // The values of psutil's own doctest, and the edges.
        assert_eq!(bytes2human(10000), "9.8K");
        assert_eq!(bytes2human(100001221), "95.4M");
        assert_eq!(bytes2human(0), "0B");
        assert_eq!(bytes2human(1023), "1023B");
        assert_eq!(bytes2human(1024), "1.0K");
        assert_eq!(bytes2human(u64::MAX), "16.0E");
    }

    #[test]
    fn exact_sizes_are_plain_numbers() {
        assert_eq!(Sizes { exact: true }.show(10000), "10000");
        assert_eq!(Sizes { exact: false }.show(10000), "9.8K");
    }

    #[test]
    fn times() {
        assert_eq!(cpu_time(125.9), "2:05");
        assert_eq!(duration(3725), "1:02:05");
        assert_eq!(duration(90_000), "1 day, 1:00:00");
    }
}
