//! `top`: per-CPU bars, memory and swap, load and uptime, and the process table
//! (psutil's `top.py`).

use std::cmp::Ordering;
use std::collections::BTreeMap;

use pskit::{Attr, CpuSampler, ProcessInfo, ProcessTable, SwapMemory, VirtualMemory};
use serde::Serialize;

use crate::args::SampleArgs;
use crate::format::{bar, bytes2human, cpu_time_plus, display_os, fit, uptime, Align};
use crate::runner::{unix_now, View};
use crate::screen::{clip, Column, Line, Screen, Table};
use crate::Result;

/// Arguments of the `top` view.
///
/// ```
/// use clap::Parser;
/// #[derive(Parser)]
/// struct Cli {
///     #[command(flatten)]
///     top: pskit_tui::TopArgs,
/// }
/// let cli = Cli::parse_from(["top", "--once", "--sort", "mem", "-p", "1,2"]);
/// assert_eq!(cli.top.sort, pskit_tui::TopSort::Mem);
/// assert_eq!(cli.top.pids, [1, 2]);
/// ```
#[derive(clap::Args, Clone, Debug, PartialEq)]
pub struct TopArgs {
    /// Sampling and output.
    #[command(flatten)]
    pub sampling: SampleArgs,
    /// The column the process table is sorted by (keys on screen: p u c m t n, < >).
    #[arg(short, long, value_enum, default_value_t = TopSort::Cpu)]
    pub sort: TopSort,
    /// Reverse the sort order (key on screen: r).
    #[arg(short, long)]
    pub reverse: bool,
    /// Show only these PIDs (repeat the option or separate them with commas).
    #[arg(short, long = "pid", value_name = "PID", value_delimiter = ',')]
    pub pids: Vec<u32>,
}

/// A column of the `top` process table to sort by, in screen order.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum TopSort {
    /// PID (ascending by default).
    Pid,
    /// User name (ascending by default).
    User,
    /// Nice value (descending by default, like every number but PID).
    Ni,
    /// Virtual memory size (`memory_info.vms`).
    Virt,
    /// Resident set size (`memory_info.rss`).
    Res,
    /// CPU percent since the previous sample.
    Cpu,
    /// Memory percent (of RSS).
    Mem,
    /// CPU time (user + system).
    Time,
    /// Process name (ascending by default).
    Name,
}

const SORTS: [TopSort; 9] = [
    TopSort::Pid,
    TopSort::User,
    TopSort::Ni,
    TopSort::Virt,
    TopSort::Res,
    TopSort::Cpu,
    TopSort::Mem,
    TopSort::Time,
    TopSort::Name,
];

impl TopSort {
    fn title(self) -> &'static str {
        COLUMNS[self as usize].title
    }

    fn ascending_by_default(self) -> bool {
        matches!(self, TopSort::Pid | TopSort::User | TopSort::Name)
    }

    fn from_key(key: char) -> Option<TopSort> {
        Some(match key {
            'p' => TopSort::Pid,
            'u' => TopSort::User,
            'c' => TopSort::Cpu,
            'm' => TopSort::Mem,
            't' => TopSort::Time,
            'n' => TopSort::Name,
            _ => return None,
        })
    }
}

/// The process table's columns, in [`TopSort`] order.
const COLUMNS: [Column; 9] = [
    Column::new("PID", 7, Align::Right, 0),
    Column::new("USER", 9, Align::Left, 4),
    Column::new("NI", 3, Align::Right, 7),
    Column::new("VIRT", 6, Align::Right, 6),
    Column::new("RES", 6, Align::Right, 3),
    Column::new("CPU%", 5, Align::Right, 0),
    Column::new("MEM%", 5, Align::Right, 2),
    Column::new("TIME+", 9, Align::Right, 5),
    Column::new("NAME", 6, Align::Left, 0),
];
const NAME_COLUMN: usize = 8;

/// The attributes `top` reads for each process (psutil's `top.py` list).
pub(crate) const TOP_ATTRS: [Attr; 8] = [
    Attr::Username,
    Attr::Nice,
    Attr::MemoryInfo,
    Attr::MemoryPercent,
    Attr::CpuPercent,
    Attr::CpuTimes,
    Attr::Name,
    Attr::Status,
];

/// One `top` sample; its JSON uses psutil's function names as keys.
#[derive(Clone, Debug, Serialize)]
pub struct TopSample {
    /// Seconds since the epoch when the sample was taken.
    pub timestamp: f64,
    /// `cpu_percent(percpu=True)` since the previous sample.
    pub cpu_percent_percpu: Vec<f64>,
    /// `virtual_memory()`.
    pub virtual_memory: VirtualMemory,
    /// `swap_memory()`.
    pub swap_memory: SwapMemory,
    /// `getloadavg()`.
    pub getloadavg: (f64, f64, f64),
    /// `boot_time()`.
    pub boot_time: f64,
    /// `process_iter(attrs)` with the attributes `top.py` reads, plus `pid`.
    pub processes: Vec<ProcessInfo>,
}

/// The `top` view's state: samplers and the current sort.
pub(crate) struct TopView {
    cpu: CpuSampler,
    table: ProcessTable,
    order: TopOrder,
    pids: Vec<u32>,
}

/// The process table's order: a column and a direction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct TopOrder {
    sort: TopSort,
    reverse: bool,
}

impl TopView {
    /// Seeds the CPU sampler and the process table, so the first sample measures
    /// from now.
    pub(crate) fn new(args: &TopArgs) -> Result<TopView> {
        let mut table = ProcessTable::new();
        table.scan(&TOP_ATTRS)?;
        Ok(TopView {
            cpu: CpuSampler::new()?,
            table,
            order: TopOrder {
                sort: args.sort,
                reverse: args.reverse,
            },
            pids: args.pids.clone(),
        })
    }
}

impl View for TopView {
    type Sample = TopSample;

    fn sample(&mut self) -> Result<TopSample> {
        let mut processes = self.table.scan(&TOP_ATTRS)?;
        if !self.pids.is_empty() {
            processes.retain(|p| self.pids.contains(&p.pid));
        }
        Ok(TopSample {
            timestamp: unix_now(),
            cpu_percent_percpu: self.cpu.percent_percpu()?,
            virtual_memory: pskit::virtual_memory()?,
            swap_memory: pskit::swap_memory()?,
            getloadavg: pskit::getloadavg()?,
            boot_time: pskit::boot_time()?,
            processes,
        })
    }

    fn screen(&self, s: &TopSample, width: Option<usize>) -> Screen {
        top_screen(s, self.order, width)
    }

    fn on_key(&mut self, key: char) -> bool {
        self.order.on_key(key)
    }

    fn key_help(&self) -> &'static str {
        "sort:p/u/c/m/t/n,<>,r"
    }
}

impl TopOrder {
    /// Handles a sort key: a column letter (again: reverse), `<`/`>` for the
    /// neighbouring column, `r` to reverse. Returns whether the order changed.
    fn on_key(&mut self, key: char) -> bool {
        let index = self.sort as usize;
        let next = match key {
            'r' | 'R' => {
                self.reverse = !self.reverse;
                return true;
            }
            '<' | ',' => SORTS[(index + SORTS.len() - 1) % SORTS.len()],
            '>' | '.' => SORTS[(index + 1) % SORTS.len()],
            c => match TopSort::from_key(c) {
                Some(s) if s == self.sort => {
                    self.reverse = !self.reverse;
                    return true;
                }
                Some(s) => s,
                None => return false,
            },
        };
        self.sort = next;
        self.reverse = false;
        true
    }

    /// Whether the table ascends.
    fn ascending(&self) -> bool {
        self.sort.ascending_by_default() != self.reverse
    }

    /// Orders two processes by the sort column; values that are missing (denied)
    /// always go last, and ties are broken by PID.
    fn compare(&self, a: &ProcessInfo, b: &ProcessInfo) -> Ordering {
        let (ka, kb) = (sort_key(a, self.sort), sort_key(b, self.sort));
        let by_key = match (&ka, &kb) {
            (Some(x), Some(y)) => {
                let o = x.partial_cmp(y).unwrap_or(Ordering::Equal);
                if self.ascending() {
                    o
                } else {
                    o.reverse()
                }
            }
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        };
        by_key.then(a.pid.cmp(&b.pid))
    }
}

/// A `top` sample as shown in `width` columns with the table in `order`.
fn top_screen(s: &TopSample, order: TopOrder, width: Option<usize>) -> Screen {
    let mut summary = cpu_bars(&s.cpu_percent_percpu, width);
    let vm = &s.virtual_memory;
    summary.push(meter_line(
        "Mem",
        vm.percent,
        &format!(
            "{} / {}",
            bytes2human(vm.used as f64),
            bytes2human(vm.total as f64)
        ),
        width,
    ));
    let sw = &s.swap_memory;
    summary.push(meter_line(
        "Swap",
        sw.percent,
        &format!(
            "{} / {}",
            bytes2human(sw.used as f64),
            bytes2human(sw.total as f64)
        ),
        width,
    ));
    summary.push(Line::text(clip(status_counts(&s.processes), width)));
    let (a, b, c) = s.getloadavg;
    summary.push(Line::text(clip(
        format!(
            "Load average: {a:.2} {b:.2} {c:.2}  Uptime: {}",
            uptime(s.timestamp - s.boot_time)
        ),
        width,
    )));
    let table = Table::new(&COLUMNS, Some(NAME_COLUMN), width);
    let mut sorted: Vec<&ProcessInfo> = s.processes.iter().collect();
    sorted.sort_by(|a, b| order.compare(a, b));
    Screen {
        summary,
        header: Some(Line::header(table.header())),
        rows: sorted
            .into_iter()
            .map(|p| Line::text(table.row(&cells(p))))
            .collect(),
        status: format!(
            "sort: {} {}",
            order.sort.title(),
            if order.ascending() { "asc" } else { "desc" }
        ),
    }
}

/// A sortable value: a number or a text.
#[derive(PartialEq, PartialOrd)]
enum Key {
    Number(f64),
    Text(String),
}

fn sort_key(p: &ProcessInfo, sort: TopSort) -> Option<Key> {
    let num = |v: Option<f64>| v.map(Key::Number);
    match sort {
        TopSort::Pid => Some(Key::Number(f64::from(p.pid))),
        TopSort::User => p.username.value().map(|u| Key::Text(display_os(u))),
        TopSort::Ni => num(p.nice.value().map(|&n| f64::from(n))),
        TopSort::Virt => num(p.memory_info.value().map(|m| m.vms as f64)),
        TopSort::Res => num(p.memory_info.value().map(|m| m.rss as f64)),
        TopSort::Cpu => num(p.cpu_percent.value().copied()),
        TopSort::Mem => num(p.memory_percent.value().copied()),
        TopSort::Time => num(p.cpu_times.value().map(|t| t.user + t.system)),
        TopSort::Name => p.name.value().map(|n| Key::Text(display_os(n))),
    }
}

/// One process as table cells, in [`COLUMNS`] order; unavailable values are blank.
fn cells(p: &ProcessInfo) -> Vec<String> {
    let or_blank = |v: Option<String>| v.unwrap_or_default();
    vec![
        p.pid.to_string(),
        or_blank(p.username.value().map(|u| display_os(u))),
        or_blank(p.nice.value().map(|n| n.to_string())),
        or_blank(p.memory_info.value().map(|m| bytes2human(m.vms as f64))),
        or_blank(p.memory_info.value().map(|m| bytes2human(m.rss as f64))),
        or_blank(p.cpu_percent.value().map(|c| format!("{c:.1}"))),
        or_blank(p.memory_percent.value().map(|m| format!("{m:.1}"))),
        or_blank(
            p.cpu_times
                .value()
                .map(|t| cpu_time_plus(t.user + t.system)),
        ),
        or_blank(p.name.value().map(|n| display_os(n))),
    ]
}

/// `Processes: N (running=a, sleeping=b, …)`, as `top.py` prints it.
fn status_counts(procs: &[ProcessInfo]) -> String {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for p in procs {
        if let Some(s) = p.status.value() {
            *counts.entry(s.as_str()).or_default() += 1;
        }
    }
    let parts: Vec<String> = counts.iter().map(|(k, v)| format!("{k}={v}")).collect();
    format!("Processes: {} ({})", procs.len(), parts.join(", "))
}

/// One CPU bar per CPU, several per line when the width allows and there are many.
fn cpu_bars(percpu: &[f64], width: Option<usize>) -> Vec<Line> {
    const CELL: usize = 40;
    let per_line = match width {
        Some(w) if percpu.len() > 8 => (w / CELL).clamp(1, percpu.len().div_ceil(8)),
        _ => 1,
    };
    let cell_width = width.map(|w| w / per_line);
    percpu
        .chunks(per_line)
        .enumerate()
        .map(|(row, chunk)| {
            let cells: Vec<String> = chunk
                .iter()
                .enumerate()
                .map(|(i, pct)| {
                    let label = format!("CPU{}", row * per_line + i);
                    let cell = meter_line(&label, *pct, "", cell_width).text;
                    match cell_width {
                        Some(w) if per_line > 1 => fit(&cell, w, Align::Left),
                        _ => cell,
                    }
                })
                .collect();
            Line::text(clip(cells.concat(), width))
        })
        .collect()
}

/// `LABEL  [|||||     ]  12.5% extra`, the bar shrinking with the width and left out
/// when fewer than 5 cells would remain.
fn meter_line(label: &str, percent: f64, extra: &str, width: Option<usize>) -> Line {
    let label = fit(label, 6, Align::Left);
    let pct = format!("{percent:5.1}%");
    let extra = if extra.is_empty() {
        String::new()
    } else {
        format!(" {extra}")
    };
    let fixed = label.len() + 3 + pct.len() + extra.len() + 1;
    let bar_width = width.map_or(40, |w| w.saturating_sub(fixed).min(60));
    let text = if bar_width >= 5 {
        format!("{label}[{}] {pct}{extra}", bar(percent, bar_width))
    } else {
        format!("{label}{pct}{extra}")
    };
    Line::text(clip(text, width))
}

#[cfg(test)]
#[path = "top_tests.rs"]
mod tests;
