//! Samples, statistics (min / median) and the printed tables.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};

static TABLES_TO_STDERR: AtomicBool = AtomicBool::new(false);

/// Sends the human tables to standard error (standard output carries the JSON).
pub fn set_tables_to_stderr() {
    TABLES_TO_STDERR.store(true, Ordering::Relaxed);
}

/// Whether the human tables go to standard error.
pub fn tables_to_stderr() -> bool {
    TABLES_TO_STDERR.load(Ordering::Relaxed)
}

/// One timed run of one tool.
#[derive(Debug, Clone)]
pub struct Sample {
    /// `procscan` or `uss`.
    pub bench: &'static str,
    /// Extra sleepers alive during the sample.
    pub sleepers: usize,
    /// Round number (0-based).
    pub round: usize,
    /// Tool name.
    pub tool: String,
    /// Wall-clock seconds of the whole operation.
    pub secs: f64,
    /// Processes the tool covered.
    pub procs: usize,
}

impl Sample {
    /// The sample as a JSON object (for `--json`).
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "bench": self.bench, "sleepers": self.sleepers, "round": self.round,
            "tool": self.tool, "secs": self.secs, "procs": self.procs,
        })
    }
}

/// Median of a non-empty slice (mean of the two middle values for even lengths).
pub fn median(v: &[f64]) -> f64 {
    let mut s: Vec<f64> = v.to_vec();
    s.sort_by(|a, b| a.total_cmp(b));
    let n = s.len();
    if n == 0 {
        return f64::NAN;
    }
    if n % 2 == 1 {
        s[n / 2]
    } else {
        (s[n / 2 - 1] + s[n / 2]) / 2.0
    }
}

/// Minimum of a slice.
pub fn min(v: &[f64]) -> f64 {
    v.iter().copied().fold(f64::INFINITY, f64::min)
}

/// Summary of one tool at one sleeper count.
#[derive(Debug, Clone, Copy)]
pub struct Summary {
    /// Number of samples.
    pub count: usize,
    /// Median process count.
    pub procs: f64,
    /// Minimum total seconds.
    pub min_secs: f64,
    /// Median total seconds.
    pub med_secs: f64,
}

/// Summaries keyed by (sleepers, tool), for samples of one bench.
pub fn summarize(samples: &[Sample]) -> BTreeMap<(usize, String), Summary> {
    let mut groups: BTreeMap<(usize, String), Vec<&Sample>> = BTreeMap::new();
    for s in samples {
        groups
            .entry((s.sleepers, s.tool.clone()))
            .or_default()
            .push(s);
    }
    groups
        .into_iter()
        .map(|(k, v)| {
            let secs: Vec<f64> = v.iter().map(|s| s.secs).collect();
            let procs: Vec<f64> = v.iter().map(|s| s.procs as f64).collect();
            let sum = Summary {
                count: v.len(),
                procs: median(&procs),
                min_secs: min(&secs),
                med_secs: median(&secs),
            };
            (k, sum)
        })
        .collect()
}

/// Prints one table per sleeper count: µs per process (min / median) and the
/// median's ratio to `floor`'s median. Returns the same rows as JSON objects.
pub fn print_per_n(
    title: &str,
    sums: &BTreeMap<(usize, String), Summary>,
    order: &[String],
    floor: &str,
    common: Option<&str>,
) -> Vec<serde_json::Value> {
    let mut rows = Vec::new();
    let ns: Vec<usize> = {
        let mut v: Vec<usize> = sums.keys().map(|k| k.0).collect();
        v.dedup();
        v
    };
    for n in ns {
        let Some(fl) = sums.get(&(n, floor.to_string())) else {
            continue;
        };
        // With `common`, every tool is divided by that tool's process count.
        let denom = |s: &Summary| match common.and_then(|c| sums.get(&(n, c.to_string()))) {
            Some(c) => c.procs,
            None => s.procs,
        };
        let fl_us = fl.med_secs * 1e6 / denom(fl);
        out!("\n### {title}, N={n} extra sleepers");
        out!("| tool | samples | procs | total ms min / med | µs/proc min / med | ×{floor} |");
        out!("|---|---:|---:|---:|---:|---:|");
        for tool in order {
            if let Some(s) = sums.get(&(n, tool.clone())) {
                let d = denom(s);
                let med_us = s.med_secs * 1e6 / d;
                out!(
                    "| {tool} | {} | {:.0} | {:.2} / {:.2} | {:.1} / {:.1} | {:.2} |",
                    s.count,
                    s.procs,
                    s.min_secs * 1e3,
                    s.med_secs * 1e3,
                    s.min_secs * 1e6 / d,
                    med_us,
                    med_us / fl_us
                );
                rows.push(serde_json::json!({
                    "sleepers": n, "tool": tool, "samples": s.count, "procs": s.procs,
                    "min_secs": s.min_secs, "med_secs": s.med_secs,
                    "us_per_proc_min": s.min_secs * 1e6 / d, "us_per_proc_med": med_us,
                    "ratio_to_floor": med_us / fl_us,
                }));
            }
        }
    }
    rows
}

/// Marginal cost per extra process between two sleeper counts, from medians and
/// from minimums: (total at `hi` − total at `lo`) / (procs at `hi` − procs at `lo`),
/// each tool divided by its own process counts.
pub fn marginal(
    sums: &BTreeMap<(usize, String), Summary>,
    tool: &str,
    lo: usize,
    hi: usize,
) -> Option<(f64, f64)> {
    let a = sums.get(&(lo, tool.to_string()))?;
    let b = sums.get(&(hi, tool.to_string()))?;
    let dp = b.procs - a.procs;
    if dp <= 0.0 {
        return None;
    }
    Some((
        (b.med_secs - a.med_secs) * 1e6 / dp,
        (b.min_secs - a.min_secs) * 1e6 / dp,
    ))
}
