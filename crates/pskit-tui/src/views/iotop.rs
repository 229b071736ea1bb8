//! `iotop`: disk read and write rates per process, from `io_counters` deltas, and
//! the disk totals (psutil's `iotop.py`).

use std::collections::HashMap;
use std::time::Instant;

use pskit::{Attr, AttrError, DiskIoCounters, Field, IoCounters, ProcessInfo, ProcessTable};
use serde::Serialize;

use crate::args::SampleArgs;
use crate::format::{bytes2human, display_os, Align};
use crate::runner::{unix_now, View};
use crate::screen::{clip, Column, Line, Screen, Table};
use crate::Result;

/// Arguments of the `iotop` view.
///
/// ```
/// use clap::Parser;
/// #[derive(Parser)]
/// struct Cli {
///     #[command(flatten)]
///     iotop: pskit_tui::IotopArgs,
/// }
/// let cli = Cli::parse_from(["iotop", "-n", "2", "--only"]);
/// assert!(cli.iotop.only);
/// ```
#[derive(clap::Args, Clone, Debug, PartialEq)]
pub struct IotopArgs {
    /// Sampling and output.
    #[command(flatten)]
    pub sampling: SampleArgs,
    /// Show only processes that read or wrote during the interval.
    #[arg(short, long)]
    pub only: bool,
    /// Show only these PIDs (repeat the option or separate them with commas).
    #[arg(short, long = "pid", value_name = "PID", value_delimiter = ',')]
    pub pids: Vec<u32>,
}

/// What `iotop` reads per process.
const IOTOP_ATTRS: [Attr; 5] = [
    Attr::Name,
    Attr::Username,
    Attr::Cmdline,
    Attr::CreateTime,
    Attr::IoCounters,
];

/// One process in an `iotop` sample: its `as_dict` of the attributes read, plus the
/// rates over the interval.
#[derive(Clone, Debug, Serialize)]
pub struct ProcessIo {
    /// pid, name, username, cmdline, create_time and io_counters (psutil's names).
    #[serde(flatten)]
    pub info: ProcessInfo,
    /// `io_counters.read_bytes` per second over the interval.
    pub read_bytes_per_sec: f64,
    /// `io_counters.write_bytes` per second over the interval.
    pub write_bytes_per_sec: f64,
}

/// One `iotop` sample.
#[derive(Clone, Debug, Serialize)]
pub struct IotopSample {
    /// Seconds since the epoch.
    pub timestamp: f64,
    /// The seconds the rates are measured over.
    pub interval: f64,
    /// `disk_io_counters()` (None without disks).
    pub disk_io_counters: Option<DiskIoCounters>,
    /// Whole-system disk reads per second.
    pub disk_read_bytes_per_sec: f64,
    /// Whole-system disk writes per second.
    pub disk_write_bytes_per_sec: f64,
    /// Processes whose `io_counters` raised AccessDenied (left out of `processes`).
    pub access_denied: usize,
    /// The readable processes, busiest first.
    pub processes: Vec<ProcessIo>,
}

/// Identifies a process across samples: PID plus creation time (PIDs are reused).
type ProcessKey = (u32, u64);

fn key_of(info: &ProcessInfo) -> ProcessKey {
    let created = info.create_time.value().copied().unwrap_or(0.0);
    (info.pid, created.to_bits())
}

/// The `iotop` view's state: the previous counters.
pub(crate) struct IotopView {
    table: ProcessTable,
    args: IotopArgs,
    last_at: Instant,
    last_disk: Option<DiskIoCounters>,
    last_procs: HashMap<ProcessKey, IoCounters>,
}

impl IotopView {
    /// Reads the first counters, so the first sample measures from now.
    pub(crate) fn new(args: &IotopArgs) -> Result<IotopView> {
        let mut table = ProcessTable::new();
        let last_at = Instant::now();
        let infos = table.scan(&IOTOP_ATTRS)?;
        Ok(IotopView {
            table,
            args: args.clone(),
            last_at,
            last_disk: pskit::disk_io_counters(true)?,
            last_procs: counters_by_process(&infos),
        })
    }
}

fn counters_by_process(infos: &[ProcessInfo]) -> HashMap<ProcessKey, IoCounters> {
    infos
        .iter()
        .filter_map(|i| i.io_counters.value().map(|c| (key_of(i), *c)))
        .collect()
}

/// Bytes per second between two counter values (0 if the counter went back).
fn rate(before: u64, after: u64, seconds: f64) -> f64 {
    if seconds > 0.0 {
        after.saturating_sub(before) as f64 / seconds
    } else {
        0.0
    }
}

/// Each process's read and write rates since `last`, busiest first, filtered as
/// `args` asks, and the number of processes whose counters were AccessDenied.
fn process_rates(
    infos: &[ProcessInfo],
    last: &HashMap<ProcessKey, IoCounters>,
    seconds: f64,
    args: &IotopArgs,
) -> (Vec<ProcessIo>, usize) {
    let mut access_denied = 0;
    let mut processes = Vec::new();
    for info in infos {
        if !args.pids.is_empty() && !args.pids.contains(&info.pid) {
            continue;
        }
        let counters = match &info.io_counters {
            Field::Ok(c) => *c,
            Field::Err(AttrError::AccessDenied) => {
                access_denied += 1;
                continue;
            }
            // Zombies and vanished /proc files have no counters to show.
            _ => continue,
        };
        // A process not seen before started during the interval: all its I/O is new.
        let before = last.get(&key_of(info)).copied().unwrap_or_default();
        let read = rate(before.read_bytes, counters.read_bytes, seconds);
        let write = rate(before.write_bytes, counters.write_bytes, seconds);
        if args.only && read == 0.0 && write == 0.0 {
            continue;
        }
        processes.push(ProcessIo {
            info: info.clone(),
            read_bytes_per_sec: read,
            write_bytes_per_sec: write,
        });
    }
    processes.sort_by(|a, b| {
        let total = |p: &ProcessIo| p.read_bytes_per_sec + p.write_bytes_per_sec;
        total(b)
            .total_cmp(&total(a))
            .then(a.info.pid.cmp(&b.info.pid))
    });
    (processes, access_denied)
}

impl View for IotopView {
    type Sample = IotopSample;

    fn sample(&mut self) -> Result<IotopSample> {
        let now = Instant::now();
        let infos = self.table.scan(&IOTOP_ATTRS)?;
        let disk = pskit::disk_io_counters(true)?;
        let seconds = now.duration_since(self.last_at).as_secs_f64();
        let (processes, access_denied) =
            process_rates(&infos, &self.last_procs, seconds, &self.args);
        let (disk_read, disk_write) = match (&self.last_disk, &disk) {
            (Some(a), Some(b)) => (
                rate(a.read_bytes, b.read_bytes, seconds),
                rate(a.write_bytes, b.write_bytes, seconds),
            ),
            _ => (0.0, 0.0),
        };
        self.last_at = now;
        self.last_disk = disk;
        self.last_procs = counters_by_process(&infos);
        Ok(IotopSample {
            timestamp: unix_now(),
            interval: seconds,
            disk_io_counters: disk,
            disk_read_bytes_per_sec: disk_read,
            disk_write_bytes_per_sec: disk_write,
            access_denied,
            processes,
        })
    }

    fn screen(&self, s: &IotopSample, width: Option<usize>) -> Screen {
        iotop_screen(s, width)
    }
}

const COLUMNS: [Column; 5] = [
    Column::new("PID", 7, Align::Right, 0),
    Column::new("USER", 9, Align::Left, 2),
    Column::new("DISK READ", 10, Align::Right, 0),
    Column::new("DISK WRITE", 10, Align::Right, 1),
    Column::new("COMMAND", 7, Align::Left, 0),
];
const COMMAND_COLUMN: usize = 4;

/// An `iotop` sample as shown in `width` columns.
fn iotop_screen(s: &IotopSample, width: Option<usize>) -> Screen {
    let summary = vec![
        Line::text(clip(
            format!(
                "Total DISK READ: {}/s | Total DISK WRITE: {}/s",
                bytes2human(s.disk_read_bytes_per_sec),
                bytes2human(s.disk_write_bytes_per_sec)
            ),
            width,
        )),
        Line::text(clip(
            format!(
                "Processes: {} shown, {} skipped (AccessDenied)",
                s.processes.len(),
                s.access_denied
            ),
            width,
        )),
    ];
    let table = Table::new(&COLUMNS, Some(COMMAND_COLUMN), width);
    let rows = s
        .processes
        .iter()
        .map(|p| {
            let info = &p.info;
            Line::text(
                table.row(&[
                    info.pid.to_string(),
                    info.username
                        .value()
                        .map(|u| display_os(u))
                        .unwrap_or_default(),
                    format!("{}/s", bytes2human(p.read_bytes_per_sec)),
                    format!("{}/s", bytes2human(p.write_bytes_per_sec)),
                    command(info),
                ]),
            )
        })
        .collect();
    Screen {
        summary,
        header: Some(Line::header(table.header())),
        rows,
        status: format!("interval {:.1}s", s.interval),
    }
}

/// The command line, or the name in brackets when it is empty (kernel threads) or
/// unreadable.
fn command(info: &ProcessInfo) -> String {
    match info.cmdline.value() {
        Some(args) if !args.is_empty() => {
            let parts: Vec<String> = args.iter().map(|a| display_os(a)).collect();
            parts.join(" ")
        }
        _ => format!(
            "[{}]",
            info.name.value().map(|n| display_os(n)).unwrap_or_default()
        ),
    }
}

#[cfg(test)]
#[path = "iotop_tests.rs"]
mod tests;
