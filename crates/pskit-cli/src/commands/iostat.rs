//! `pskit iostat`: per-disk request and byte rates, merges and utilisation over an
//! interval, like `iostat -x`, from two `disk_io_counters(perdisk=True)` samples.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use pskit::DiskIoCounters;
use serde::Serialize;

use crate::failure::Failure;
use crate::output::{emit, emit_json_line};
use crate::table::{Column, Table};
use crate::Ctx;

/// Options of `pskit iostat`.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "%util is the share of the interval the disk was busy (busy_time).

Examples:
  pskit iostat             one report over 1 second
  pskit iostat 2 -n 5      five reports, 2 seconds apart
  pskit iostat 0.5 -n 0    every half second until interrupted
  pskit iostat --json      one JSON object per report (JSON lines)"
)]
pub struct Args {
    /// Seconds between samples (greater than 0; fractions allowed).
    #[arg(default_value = "1", value_parser = parse_interval, allow_negative_numbers = true)]
    interval: Duration,
    /// Number of reports; 0 means until interrupted.
    #[arg(short = 'n', long, default_value_t = 1)]
    count: u64,
}

/// Parses an interval in seconds: a finite number greater than 0.
pub fn parse_interval(s: &str) -> Result<Duration, String> {
    let secs: f64 = s
        .parse()
        .map_err(|_| format!("'{s}' is not a number of seconds"))?;
    if !secs.is_finite() || secs <= 0.0 {
        return Err(format!("the interval must be greater than 0 (got {s})"));
    }
    Duration::try_from_secs_f64(secs).map_err(|e| e.to_string())
}

/// The rates of one disk over one interval.
#[derive(Serialize, Debug, Clone, Copy, PartialEq)]
pub struct DiskRates {
    /// Reads completed per second (r/s).
    pub reads_per_sec: f64,
    /// Writes completed per second (w/s).
    pub writes_per_sec: f64,
    /// Kilobytes (1024 bytes) read per second (rkB/s).
    pub read_kb_per_sec: f64,
    /// Kilobytes written per second (wkB/s).
    pub write_kb_per_sec: f64,
    /// Read requests merged per second (rrqm/s).
    pub read_merged_per_sec: f64,
    /// Write requests merged per second (wrqm/s).
    pub write_merged_per_sec: f64,
    /// Share of the interval with I/O in flight, 0 to 100 (%util, from busy_time).
    pub util_percent: f64,
}

impl DiskRates {
    /// The rates between two samples `seconds` apart.
    pub fn between(before: &DiskIoCounters, after: &DiskIoCounters, seconds: f64) -> DiskRates {
        let per_sec = |a: u64, b: u64| b.saturating_sub(a) as f64 / seconds;
        let busy_ms = after.busy_time.saturating_sub(before.busy_time) as f64;
        DiskRates {
            reads_per_sec: per_sec(before.read_count, after.read_count),
            writes_per_sec: per_sec(before.write_count, after.write_count),
            read_kb_per_sec: per_sec(before.read_bytes, after.read_bytes) / 1024.0,
            write_kb_per_sec: per_sec(before.write_bytes, after.write_bytes) / 1024.0,
            read_merged_per_sec: per_sec(before.read_merged_count, after.read_merged_count),
            write_merged_per_sec: per_sec(before.write_merged_count, after.write_merged_count),
            util_percent: (busy_ms / (seconds * 1000.0) * 100.0).min(100.0),
        }
    }
}

/// One report, for `--json`.
#[derive(Serialize)]
struct Report {
    /// The measured interval in seconds.
    interval: f64,
    disks: BTreeMap<String, DiskRates>,
}

/// Runs `pskit iostat`.
pub fn run(args: Args, ctx: &Ctx) -> Result<(), Failure> {
    let mut before = pskit::disk_io_counters_perdisk(true)?;
    let mut taken = Instant::now();
    let mut k = 0u64;
    while args.count == 0 || k < args.count {
        std::thread::sleep(args.interval);
        let after = pskit::disk_io_counters_perdisk(true)?;
        let now = Instant::now();
        let seconds = now.duration_since(taken).as_secs_f64();
        let disks: BTreeMap<String, DiskRates> = after
            .iter()
            .filter_map(|(name, a)| {
                let b = before.get(name)?;
                Some((name.clone(), DiskRates::between(b, a, seconds)))
            })
            .collect();
        let report = Report {
            interval: seconds,
            disks,
        };
        if ctx.json {
            emit_json_line(&report)?;
        } else {
            emit(&render(&report, ctx, k > 0))?;
        }
        before = after;
        taken = now;
        k += 1;
    }
    Ok(())
}

fn render(report: &Report, ctx: &Ctx, separate: bool) -> String {
    let mut t = Table::new(vec![
        Column::left("Device"),
        Column::right("r/s"),
        Column::right("w/s"),
        Column::right("rkB/s").optional(),
        Column::right("wkB/s").optional(),
        Column::right("rrqm/s").optional(),
        Column::right("wrqm/s").optional(),
        Column::right("%util"),
    ]);
    for (name, r) in &report.disks {
        t.push(vec![
            name.clone(),
            format!("{:.2}", r.reads_per_sec),
            format!("{:.2}", r.writes_per_sec),
            format!("{:.2}", r.read_kb_per_sec),
            format!("{:.2}", r.write_kb_per_sec),
            format!("{:.2}", r.read_merged_per_sec),
            format!("{:.2}", r.write_merged_per_sec),
            format!("{:.2}", r.util_percent),
        ]);
    }
    let text = t.render(ctx.width, ctx.colour);
    if separate {
        format!("\n{text}")
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counters(v: serde_json::Value) -> DiskIoCounters {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn rates_over_two_seconds() {
        let before = counters(serde_json::json!({
            "read_count": 100, "write_count": 50, "read_bytes": 1_048_576, "write_bytes": 0,
            "read_time": 0, "write_time": 0, "read_merged_count": 10, "write_merged_count": 4,
            "busy_time": 1000
        }));
        let after = counters(serde_json::json!({
            "read_count": 300, "write_count": 60, "read_bytes": 3_145_728, "write_bytes": 20_480,
            "read_time": 0, "write_time": 0, "read_merged_count": 30, "write_merged_count": 8,
            "busy_time": 1500
        }));
        let r = DiskRates::between(&before, &after, 2.0);
        assert_eq!(r.reads_per_sec, 100.0);
        assert_eq!(r.writes_per_sec, 5.0);
        assert_eq!(r.read_kb_per_sec, 1024.0);
        assert_eq!(r.write_kb_per_sec, 10.0);
        assert_eq!(r.read_merged_per_sec, 10.0);
        assert_eq!(r.write_merged_per_sec, 2.0);
        assert_eq!(r.util_percent, 25.0);
    }

    #[test]
    fn utilisation_is_capped_and_counters_going_back_give_zero() {
        let busy = |b: u64| {
            counters(serde_json::json!({
                "read_count": 5, "write_count": 0, "read_bytes": 0, "write_bytes": 0,
                "read_time": 0, "write_time": 0, "read_merged_count": 0,
                "write_merged_count": 0, "busy_time": b
            }))
        };
        assert_eq!(
            DiskRates::between(&busy(0), &busy(5000), 1.0).util_percent,
            100.0
        );
        let mut reset = busy(0);
        reset.read_count = 0;
        assert_eq!(DiskRates::between(&busy(0), &reset, 1.0).reads_per_sec, 0.0);
    }

    #[test]
    fn interval_must_be_positive_and_finite() {
        assert_eq!(parse_interval("0.5").unwrap(), Duration::from_millis(500));
        for bad in ["0", "-1", "nan", "inf", "x"] {
            assert!(parse_interval(bad).is_err(), "{bad}");
        }
    }
}
