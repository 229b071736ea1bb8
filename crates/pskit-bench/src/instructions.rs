//! `instructions`: user-space instructions per process with `valgrind --tool=callgrind`.
//!
//! Wall-clock time on a shared VM moves from run to run; the instruction count of the
//! same work does not. For each tool, callgrind runs `pskit-bench one TOOL 1` and
//! `... one TOOL 2`; the difference of the two totals (`Ir`, instructions executed in
//! user space, the kernel's work excluded) is one more scan with startup excluded.
//! Doing that at N=0 and N=500 sleepers (the first and last of `--sleepers`) gives the
//! marginal instructions per process.

use std::collections::BTreeMap;
use std::process::{Command, Stdio};

use crate::sleepers::{check_interrupted, Sleepers};

/// Tools counted by default: the scan floor, pskit cold and warm, sysinfo cold and warm.
pub const DEFAULT_TOOLS: &[&str] = &[
    "floor",
    "pskit",
    "pskit-steady",
    "sysinfo",
    "sysinfo-second",
];

/// Whether callgrind can run here.
pub fn available() -> bool {
    Command::new("valgrind")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Total `Ir` of `tool` run with `k` samples, and the process count of its last sample.
fn callgrind(tool: &str, k: usize) -> Result<(f64, f64), String> {
    let out_file = std::env::temp_dir().join(format!(
        "pskit-bench-callgrind-{}-{tool}-{k}.out",
        std::process::id()
    ));
    let me = std::env::current_exe().map_err(|e| e.to_string())?;
    let out = Command::new("valgrind")
        .args(["--tool=callgrind", "-q"])
        .arg(format!("--callgrind-out-file={}", out_file.display()))
        .arg(me)
        .args(["one", tool, &k.to_string()])
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run valgrind (apt-get install -y valgrind): {e}"))?;
    let text = std::fs::read_to_string(&out_file).unwrap_or_default();
    let _ = std::fs::remove_file(&out_file);
    if !out.status.success() {
        return Err(format!("callgrind run of {tool} failed: {}", out.status));
    }
    let procs = crate::procs_of_last_sample(&out.stdout)
        .ok_or_else(|| format!("no sample line from {tool} under callgrind"))?;
    let ir = total_ir(&text).ok_or_else(|| format!("no instruction total for {tool}"))?;
    Ok((ir, procs))
}

/// The `Ir` total of a callgrind output file (its `summary:` or `totals:` line).
fn total_ir(text: &str) -> Option<f64> {
    text.lines()
        .find_map(|l| {
            l.strip_prefix("summary:")
                .or_else(|| l.strip_prefix("totals:"))
        })
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
}

/// Instructions of one more sample, and its process count.
fn one_scan(tool: &str) -> Result<(f64, f64), String> {
    let (a, _) = callgrind(tool, 1)?;
    let (b, procs) = callgrind(tool, 2)?;
    Ok((b - a, procs))
}

/// The `instructions` subcommand; returns its JSON section.
pub fn run(
    sleepers: &Option<Vec<usize>>,
    tools: &Option<Vec<String>>,
) -> Result<serde_json::Value, String> {
    if !available() {
        return Err("valgrind is not installed: apt-get install -y valgrind".into());
    }
    let (lo, hi) = crate::sleeper_span(sleepers)?;
    let tools: Vec<String> = tools
        .clone()
        .unwrap_or_else(|| DEFAULT_TOOLS.iter().map(|s| s.to_string()).collect());
    let mut at: BTreeMap<usize, BTreeMap<String, (f64, f64)>> = BTreeMap::new();
    for n in [lo, hi] {
        let s = Sleepers::spawn(n)?;
        eprintln!("[instructions] N={n}: {} sleepers up", s.len());
        for t in &tools {
            check_interrupted()?;
            at.entry(n).or_default().insert(t.clone(), one_scan(t)?);
        }
        drop(s);
    }
    out!(
        "\n### User-space instructions per process (callgrind Ir; one more scan, N={lo} → N={hi})"
    );
    out!("| tool | per scan at N={lo} | procs N={lo} → N={hi} | marginal instructions/proc | ×floor |");
    out!("|---|---:|---:|---:|---:|");
    let marginal = |t: &str| {
        let (i0, p0) = at[&lo][t];
        let (i1, p1) = at[&hi][t];
        if p1 > p0 {
            Ok((i1 - i0) / (p1 - p0))
        } else {
            Err(format!("{t}: the process count did not grow ({p0} → {p1})"))
        }
    };
    let floor = match tools.iter().any(|t| t == "floor") {
        true => Some(marginal("floor")?),
        false => None,
    };
    let mut rows = Vec::new();
    for t in &tools {
        let (i0, p0) = at[&lo][t];
        let (_, p1) = at[&hi][t];
        let m = marginal(t)?;
        let ratio = floor.map_or(f64::NAN, |f| m / f);
        out!("| {t} | {i0:.0} | {p0:.0} → {p1:.0} | {m:.0} | {ratio:.2} |");
        rows.push(
            serde_json::json!({"tool": t, "per_scan_low": i0, "procs": [p0, p1],
            "per_proc": m, "ratio_to_floor": ratio}),
        );
    }
    Ok(serde_json::json!({"sleepers": [lo, hi], "rows": rows}))
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_the_total() {
        let t = "version: 1\ncreator: callgrind-3.19.0\nevents: Ir\n\nfn=(1) main\n3 5\n\
                 totals: 2784602\n";
        assert_eq!(super::total_ir(t), Some(2_784_602.0));
        assert_eq!(super::total_ir("summary: 17\n"), Some(17.0));
        assert_eq!(super::total_ir("events: Ir\n"), None);
    }
}
