//! `syscalls`: exact syscall counts per process with `strace -f -c`.
//!
//! For each tool, `strace -f -c` wraps `pskit-bench one TOOL 1` and `... one TOOL 2`
//! (for psutil, the helper with 1 and 2 calls). The difference is the cost of one more
//! scan with startup excluded; the second scan is the steady one for the steady tools.
//! Doing that at N=0 and N=500 sleepers gives the marginal syscalls per extra process.
//! The sleepers are children of this process, not of strace, so they are not traced.

use std::collections::BTreeMap;
use std::process::{Command, Stdio};

use crate::psutil;
use crate::sleepers::{check_interrupted, Sleepers};

/// Tools counted by default (in-process names, plus `psutil` and `psutil-uss`).
const DEFAULT_TOOLS: &[&str] = &[
    "floor",
    "floor-eof",
    "pskit",
    "pskit-steady",
    "sysinfo",
    "sysinfo-second",
    "ps",
    "psutil",
    "floor-uss",
    "pskit-uss",
    "pskit-uss-proc",
    "psutil-uss",
];

/// Syscall name → calls, and the process count of the last sample.
type Counts = (BTreeMap<String, f64>, f64);

/// Runs `tool` with `k` samples under `strace -f -c` and returns its counts.
fn strace(tool: &str, k: usize) -> Result<Counts, String> {
    let out_file = std::env::temp_dir().join(format!(
        "pskit-bench-strace-{}-{tool}-{k}.txt",
        std::process::id()
    ));
    let mut cmd = Command::new("strace");
    cmd.args(["-f", "-c", "-o"]).arg(&out_file).arg("--");
    match tool {
        "psutil" | "psutil-uss" => {
            let mode = if tool == "psutil" { "procscan" } else { "uss" };
            cmd.arg(psutil::python())
                .arg(psutil::script())
                .arg(mode)
                .arg((k - 1).to_string());
        }
        _ => {
            let me = std::env::current_exe().map_err(|e| e.to_string())?;
            cmd.arg(me).arg("one").arg(tool).arg(k.to_string());
        }
    }
    let out = cmd
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run strace (apt-get install -y strace): {e}"));
    let text = std::fs::read_to_string(&out_file).unwrap_or_default();
    let _ = std::fs::remove_file(&out_file);
    let out = out?;
    if !out.status.success() {
        return Err(format!("strace run of {tool} failed: {}", out.status));
    }
    let procs = crate::procs_of_last_sample(&out.stdout)
        .ok_or_else(|| format!("no sample line from {tool}"))?;
    let counts = parse_strace_c(&text);
    if counts.is_empty() {
        return Err(format!("strace -c printed no table for {tool}"));
    }
    Ok((counts, procs))
}

/// Parses the table of `strace -c`: calls per syscall (the `total` row left out).
fn parse_strace_c(text: &str) -> BTreeMap<String, f64> {
    let mut m = BTreeMap::new();
    for line in text.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        // % time, seconds, usecs/call, calls, [errors], syscall
        if f.len() < 5 || f[0].starts_with('-') || f[0] == "%" {
            continue;
        }
        let name = f[f.len() - 1];
        if name == "total" {
            continue;
        }
        if let Ok(calls) = f[3].parse::<f64>() {
            *m.entry(name.to_string()).or_insert(0.0) += calls;
        }
    }
    m
}

/// Counts of one more scan: run with 2 samples minus run with 1.
fn one_scan(tool: &str) -> Result<Counts, String> {
    let (c1, _) = strace(tool, 1)?;
    let (c2, p2) = strace(tool, 2)?;
    let mut d = c2;
    for (k, v) in c1 {
        *d.entry(k).or_insert(0.0) -= v;
    }
    Ok((d, p2))
}

/// The `syscalls` subcommand; returns its JSON section.
pub fn run(
    sleepers: &Option<Vec<usize>>,
    tools: &Option<Vec<String>>,
) -> Result<serde_json::Value, String> {
    let (lo, hi) = crate::sleeper_span(sleepers)?;
    let tools: Vec<String> = tools
        .clone()
        .unwrap_or_else(|| DEFAULT_TOOLS.iter().map(|s| s.to_string()).collect());
    if Command::new("strace").arg("-V").output().is_err() {
        return Err("strace is not installed: apt-get install -y strace".into());
    }
    psutil::check()?;
    let mut at: BTreeMap<usize, BTreeMap<String, Counts>> = BTreeMap::new();
    for n in [lo, hi] {
        let s = Sleepers::spawn(n)?;
        eprintln!("[syscalls] N={n}: {} sleepers up", s.len());
        for t in &tools {
            check_interrupted()?;
            let c = one_scan(t)?;
            at.entry(n).or_default().insert(t.clone(), c);
        }
        drop(s);
    }
    out!("\n### Syscalls per process (strace -f -c; one more scan, N={lo} → N={hi})");
    out!("| tool | per scan at N={lo} | procs N={lo} → N={hi} | marginal syscalls/proc | breakdown per proc |");
    out!("|---|---:|---:|---:|---|");
    let mut rows = Vec::new();
    for t in &tools {
        let (c0, p0) = &at[&lo][t];
        let (c1, p1) = &at[&hi][t];
        let dp = p1 - p0;
        if dp <= 0.0 {
            return Err(format!("{t}: the process count did not grow ({p0} → {p1})"));
        }
        let mut per: BTreeMap<String, f64> = BTreeMap::new();
        for (k, v) in c1 {
            per.insert(k.clone(), (v - c0.get(k).copied().unwrap_or(0.0)) / dp);
        }
        for (k, v) in c0 {
            per.entry(k.clone()).or_insert(-v / dp);
        }
        let total: f64 = per.values().sum();
        let scan0: f64 = c0.values().sum();
        let mut parts: Vec<(&String, &f64)> = per.iter().filter(|(_, v)| v.abs() >= 0.05).collect();
        parts.sort_by(|a, b| b.1.total_cmp(a.1));
        let breakdown: Vec<String> = parts.iter().map(|(k, v)| format!("{v:.2} {k}")).collect();
        out!(
            "| {t} | {scan0:.0} | {p0:.0} → {p1:.0} | {total:.2} | {} |",
            breakdown.join(", ")
        );
        rows.push(
            serde_json::json!({"tool": t, "per_scan_low": scan0, "procs": [p0, p1],
            "per_proc": total, "breakdown": per}),
        );
    }
    let mut target = serde_json::Value::Null;
    if let Some(pk) = tools.iter().find(|t| *t == "pskit-steady" || *t == "pskit") {
        let (c0, p0) = &at[&lo][pk];
        let (c1, p1) = &at[&hi][pk];
        let total = (c1.values().sum::<f64>() - c0.values().sum::<f64>()) / (p1 - p0);
        let verdict = if total <= 14.0 { "PASS" } else { "MISS" };
        out!("target: {pk} {total:.2} syscalls/proc (limit 14): {verdict}");
        target =
            serde_json::json!({"tool": pk, "per_proc": total, "limit": 14, "verdict": verdict});
    }
    Ok(serde_json::json!({"sleepers": [lo, hi], "rows": rows, "target": target}))
}

#[cfg(test)]
mod tests {
    #[test]
    fn parses_strace_c() {
        let t = "% time     seconds  usecs/call     calls    errors syscall\n\
------ ----------- ----------- --------- --------- ----------------\n\
 40.00    0.000400           4       100         3 openat\n\
 10.00    0.000100           1        80           read\n\
------ ----------- ----------- --------- --------- ----------------\n\
100.00    0.001000           5       180         3 total\n";
        let m = super::parse_strace_c(t);
        assert_eq!(m["openat"], 100.0);
        assert_eq!(m["read"], 80.0);
        assert!(!m.contains_key("total"));
    }
}
