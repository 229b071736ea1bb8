//! `cpu-distribution`: the load of each CPU and which processes last ran on it
//! (psutil's `cpu_distribution.py`, with `Process.cpu_num`).

use pskit::{Attr, CpuSampler, ProcessInfo, ProcessTable};
use serde::Serialize;

use crate::args::SampleArgs;
use crate::format::{bar, display_os, fit, Align};
use crate::runner::{unix_now, View};
use crate::screen::{clip, Line, Screen};
use crate::Result;

/// Arguments of the `cpu-distribution` view.
///
/// ```
/// use clap::Parser;
/// #[derive(Parser)]
/// struct Cli {
///     #[command(flatten)]
///     view: pskit_tui::CpuDistributionArgs,
/// }
/// let cli = Cli::parse_from(["cpu-distribution", "--json", "-n", "1"]);
/// assert!(cli.view.sampling.json);
/// ```
#[derive(clap::Args, Clone, Debug, PartialEq)]
pub struct CpuDistributionArgs {
    /// Sampling and output.
    #[command(flatten)]
    pub sampling: SampleArgs,
    /// Show only these PIDs (repeat the option or separate them with commas).
    #[arg(short, long = "pid", value_name = "PID", value_delimiter = ',')]
    pub pids: Vec<u32>,
}

const ATTRS: [Attr; 2] = [Attr::Name, Attr::CpuNum];

/// One `cpu-distribution` sample.
#[derive(Clone, Debug, Serialize)]
pub struct CpuDistributionSample {
    /// Seconds since the epoch.
    pub timestamp: f64,
    /// `cpu_percent(percpu=True)` since the previous sample.
    pub cpu_percent_percpu: Vec<f64>,
    /// `process_iter(['name', 'cpu_num'])`, ascending by PID.
    pub processes: Vec<ProcessInfo>,
}

/// The `cpu-distribution` view's state.
pub(crate) struct CpuDistributionView {
    cpu: CpuSampler,
    table: ProcessTable,
    pids: Vec<u32>,
}

impl CpuDistributionView {
    /// Seeds the CPU sampler, so the first sample measures from now.
    pub(crate) fn new(args: &CpuDistributionArgs) -> Result<CpuDistributionView> {
        Ok(CpuDistributionView {
            cpu: CpuSampler::new()?,
            table: ProcessTable::new(),
            pids: args.pids.clone(),
        })
    }
}

impl View for CpuDistributionView {
    type Sample = CpuDistributionSample;

    fn sample(&mut self) -> Result<CpuDistributionSample> {
        let mut processes = self.table.scan(&ATTRS)?;
        if !self.pids.is_empty() {
            processes.retain(|p| self.pids.contains(&p.pid));
        }
        Ok(CpuDistributionSample {
            timestamp: unix_now(),
            cpu_percent_percpu: self.cpu.percent_percpu()?,
            processes,
        })
    }

    fn screen(&self, s: &CpuDistributionSample, width: Option<usize>) -> Screen {
        distribution_screen(s, width)
    }
}

/// The processes of each CPU as `PID name` entries; a CPU number past the list (a
/// CPU that went offline) gets its own column.
fn entries_by_cpu(s: &CpuDistributionSample) -> Vec<Vec<String>> {
    let highest = s
        .processes
        .iter()
        .filter_map(|p| p.cpu_num.value().copied())
        .filter_map(|n| usize::try_from(n).ok())
        .max();
    let count = s.cpu_percent_percpu.len().max(highest.map_or(0, |h| h + 1));
    let mut by_cpu = vec![Vec::new(); count];
    for p in &s.processes {
        let Some(cpu) = p.cpu_num.value().and_then(|&n| usize::try_from(n).ok()) else {
            continue;
        };
        let name = p.name.value().map(|n| display_os(n)).unwrap_or_default();
        by_cpu[cpu].push(format!("{} {name}", p.pid));
    }
    by_cpu
}

/// A sample as shown in `width` columns: CPUs side by side in bands as wide as the
/// width allows (at most 8 per band, as psutil's script), each with its load and its
/// processes beneath.
fn distribution_screen(s: &CpuDistributionSample, width: Option<usize>) -> Screen {
    const MIN_COLUMN: usize = 16;
    const MAX_COLUMN: usize = 30;
    let by_cpu = entries_by_cpu(s);
    let per_band = width
        .map_or(8, |w| w / MIN_COLUMN)
        .clamp(1, 8)
        .min(by_cpu.len().max(1));
    let column = width.map_or(20, |w| (w / per_band).min(MAX_COLUMN));
    let cell = |text: &str| fit(text, column.saturating_sub(1), Align::Left) + " ";
    let mut rows = Vec::new();
    for (band, cpus) in by_cpu.chunks(per_band).enumerate() {
        let first = band * per_band;
        if band > 0 {
            rows.push(Line::text(""));
        }
        let titles: String = (first..first + cpus.len())
            .map(|i| cell(&format!("CPU {i}")))
            .collect();
        rows.push(Line::title(clip(titles, width)));
        let loads: String = (first..first + cpus.len())
            .map(|i| match s.cpu_percent_percpu.get(i) {
                Some(pct) => {
                    let bar_width = column.saturating_sub(10);
                    cell(&format!("{pct:5.1}% [{}]", bar(*pct, bar_width)))
                }
                None => cell("offline"),
            })
            .collect();
        rows.push(Line::text(clip(loads, width)));
        let depth = cpus.iter().map(Vec::len).max().unwrap_or(0);
        for depth_index in 0..depth {
            let line: String = cpus
                .iter()
                .map(|entries| cell(entries.get(depth_index).map_or("", String::as_str)))
                .collect();
            rows.push(Line::text(clip(line, width)));
        }
    }
    Screen {
        summary: vec![Line::text(clip(
            format!(
                "CPUs: {}  Processes: {}",
                s.cpu_percent_percpu.len(),
                s.processes.len()
            ),
            width,
        ))],
        header: None,
        rows,
        status: String::new(),
    }
}

#[cfg(test)]
#[path = "cpu_distribution_tests.rs"]
mod tests;
