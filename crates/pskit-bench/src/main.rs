//! `pskit-bench`: pskit against psutil, sysinfo and the raw /proc floor, measured side
//! by side in interleaved rounds (the method of `shared/reference/perf-anchors.md`).
//!
//! ```text
//! pskit-bench procscan [--rounds 5] [--reps 5] [--sleepers 0,2000] [--json FILE]
//! pskit-bench uss      [--rounds 5] [--reps 5] [--sleepers 500]    [--json FILE]
//! pskit-bench syscalls [--sleepers 500] [--tools a,b,...]          [--json FILE]
//! pskit-bench small    [--rounds 5] [--reps 5] [--calls 2000]      [--json FILE]
//! pskit-bench one TOOL K      (hidden: K samples of one tool, for strace/callgrind)
//! ```
//!
//! Run everything with `bash bench/run.sh`.

mod conns;
mod floor;
mod psutil;
mod report;
mod sleepers;
mod small;
mod syscalls;
mod tools;

use std::collections::BTreeMap;
use std::time::Instant;

use report::{marginal, print_per_n, summarize, Sample, Summary};
use sleepers::{check_interrupted, Sleepers};

/// Command-line options shared by the subcommands.
#[derive(Debug, Clone)]
struct Opts {
    rounds: usize,
    reps: usize,
    sleepers: Option<Vec<usize>>,
    tools: Option<Vec<String>>,
    json: Option<String>,
    calls: usize,
    positional: Vec<String>,
}

fn parse_opts(args: &[String]) -> Result<Opts, String> {
    let mut o = Opts {
        rounds: 5,
        reps: 5,
        sleepers: None,
        tools: None,
        json: None,
        calls: 2000,
        positional: Vec::new(),
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut val = || {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{a} needs a value"))
        };
        match a.as_str() {
            "--rounds" => o.rounds = val()?.parse().map_err(|e| format!("--rounds: {e}"))?,
            "--reps" => o.reps = val()?.parse().map_err(|e| format!("--reps: {e}"))?,
            "--sleepers" => {
                o.sleepers = Some(
                    val()?
                        .split(',')
                        .map(|s| s.trim().parse::<usize>())
                        .collect::<Result<_, _>>()
                        .map_err(|e| format!("--sleepers: {e}"))?,
                )
            }
            "--tools" => o.tools = Some(val()?.split(',').map(str::to_string).collect()),
            "--json" => o.json = Some(val()?),
            "--calls" => o.calls = val()?.parse().map_err(|e| format!("--calls: {e}"))?,
            s if s.starts_with("--") => return Err(format!("unknown option {s}")),
            s => o.positional.push(s.to_string()),
        }
    }
    if o.rounds == 0 || o.reps == 0 || o.calls == 0 {
        return Err("--rounds, --reps and --calls must be at least 1".into());
    }
    Ok(o)
}

const USAGE: &str = "usage: pskit-bench <procscan|uss|syscalls|small> [--rounds R] [--reps K] \
[--sleepers N,M] [--tools a,b] [--calls C] [--json FILE]";

fn main() {
    sleepers::install_signal_handlers();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(cmd) = args.first() else {
        eprintln!("{USAGE}");
        std::process::exit(2);
    };
    let result = parse_opts(&args[1..]).and_then(|o| match cmd.as_str() {
        "procscan" => procscan(&o),
        "uss" => uss(&o),
        "conns" => conns::run(&o),
        "syscalls" => syscalls::run(&o.sleepers, &o.tools, o.json.as_deref()),
        "small" => small::run(o.rounds, o.reps, o.calls, o.json.as_deref()),
        "one" => one(&o.positional),
        "-h" | "--help" | "help" => {
            println!("{USAGE}");
            Ok(())
        }
        other => Err(format!("unknown subcommand '{other}'\n{USAGE}")),
    });
    if let Err(e) = result {
        eprintln!("pskit-bench: error: {e}");
        std::process::exit(1);
    }
}

/// Prints the machine, kernel and date the numbers belong to.
fn print_machine(bench: &str, o: &Opts, ns: &[usize]) {
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split(':').nth(1))
        .unwrap_or("?")
        .trim()
        .to_string();
    let date = std::process::Command::new("date")
        .args(["-u", "+%Y-%m-%dT%H:%M:%SZ"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    let nproc = std::thread::available_parallelism().map_or(0, |n| n.get());
    // SAFETY: geteuid has no preconditions.
    let euid = unsafe { libc::geteuid() };
    println!(
        "\n## pskit-bench {bench}: {date}, nproc {nproc}, kernel {}, {cpu}, euid {euid}",
        kernel.trim()
    );
    println!(
        "rounds {} x reps {} per tool, interleaved in a fixed order; sleepers {:?}",
        o.rounds, o.reps, ns
    );
}

/// Times `reps` samples of one in-process tool into `out`.
fn time_tool(
    name: &str,
    reps: usize,
    bench: &'static str,
    n: usize,
    round: usize,
    out: &mut Vec<Sample>,
) -> Result<(), String> {
    let mut t = tools::make(name)?;
    for _ in 0..reps {
        check_interrupted()?;
        let t0 = Instant::now();
        let procs = t.sample()?;
        let secs = t0.elapsed().as_secs_f64();
        out.push(Sample {
            bench,
            sleepers: n,
            round,
            tool: name.to_string(),
            secs,
            procs,
        });
    }
    Ok(())
}

/// Runs the interleaved rounds of one bench at each sleeper count.
fn run_rounds(
    bench: &'static str,
    in_process: &[&str],
    py_mode: &str,
    o: &Opts,
    ns: &[usize],
) -> Result<Vec<Sample>, String> {
    let mut samples = Vec::new();
    for &n in ns {
        let t0 = Instant::now();
        let s = Sleepers::spawn(n)?;
        eprintln!(
            "[{bench}] N={n}: {} sleepers up in {:.1}s",
            s.len(),
            t0.elapsed().as_secs_f64()
        );
        // The first touch of a new /proc/PID/* creates its dentries and inodes; do it
        // untimed once per tool so no tool pays it for the others.
        for tool in in_process {
            tools::make(tool)?.sample()?;
        }
        for round in 0..o.rounds {
            for tool in in_process {
                time_tool(tool, o.reps, bench, n, round, &mut samples)?;
            }
            check_interrupted()?;
            for p in psutil::run(py_mode, o.reps)? {
                samples.push(Sample {
                    bench,
                    sleepers: n,
                    round,
                    tool: p.tool,
                    secs: p.secs,
                    procs: p.procs,
                });
            }
            eprintln!("[{bench}] N={n} round {} done", round + 1);
        }
        drop(s);
    }
    Ok(samples)
}

fn write_json(path: Option<&str>, samples: &[Sample]) -> Result<(), String> {
    if let Some(p) = path {
        let mut text = String::new();
        for s in samples {
            text.push_str(&s.to_json().to_string());
            text.push('\n');
        }
        std::fs::write(p, text).map_err(|e| format!("writing {p}: {e}"))?;
        eprintln!("raw samples written to {p}");
    }
    Ok(())
}

/// `procscan`: the 10-attribute process table scan at 0 and 2000 extra sleepers.
fn procscan(o: &Opts) -> Result<(), String> {
    let ns = o.sleepers.clone().unwrap_or_else(|| vec![0, 2000]);
    let pv = psutil::check()?;
    print_machine("procscan", o, &ns);
    println!(
        "attrs: pid ppid name status username create_time cpu_times memory_info num_threads \
         cmdline; psutil {pv}, sysinfo 0.40 (system,user; cpu+memory+user+cmd, without tasks)"
    );
    let samples = run_rounds("procscan", tools::PROCSCAN_TOOLS, "procscan", o, &ns)?;
    write_json(o.json.as_deref(), &samples)?;
    let sums = summarize(&samples);
    // The in-process tools in their round order, then psutil's two.
    let order: Vec<String> = tools::PROCSCAN_TOOLS
        .iter()
        .chain(&["psutil", "psutil-first"])
        .map(|s| s.to_string())
        .collect();
    print_per_n(
        "Process scan (µs per process)",
        &sums,
        &order,
        "floor",
        None,
    );
    if ns.len() >= 2 {
        let (lo, hi) = (ns[0], ns[ns.len() - 1]);
        print_marginal(&sums, &order, lo, hi, "floor", "floor-eof");
        print_target(&sums, &["pskit", "pskit-steady"], lo, hi, "floor", 1.10);
    }
    Ok(())
}

/// Prints the marginal table: µs per extra process, with ratios to two floors.
fn print_marginal(
    sums: &BTreeMap<(usize, String), Summary>,
    order: &[String],
    lo: usize,
    hi: usize,
    floor: &str,
    floor2: &str,
) {
    let Some((f_med, f_min)) = marginal(sums, floor, lo, hi) else {
        return;
    };
    let f2 = marginal(sums, floor2, lo, hi).map_or(f64::NAN, |m| m.0);
    println!("\n### Marginal µs per extra process (N={lo} → N={hi})");
    println!(
        "| tool | marginal µs/proc (median) | ×{floor} | ×{floor2} | marginal from min | ×{floor} (min) |"
    );
    println!("|---|---:|---:|---:|---:|---:|");
    for tool in order {
        if let Some((med, mn)) = marginal(sums, tool, lo, hi) {
            println!(
                "| {tool} | {med:.1} | {:.2} | {:.2} | {mn:.1} | {:.2} |",
                med / f_med,
                med / f2,
                mn / f_min
            );
        }
    }
}

/// Prints PASS/MISS lines for the marginal ratio target.
fn print_target(
    sums: &BTreeMap<(usize, String), Summary>,
    tools: &[&str],
    lo: usize,
    hi: usize,
    floor: &str,
    limit: f64,
) {
    let Some((f, _)) = marginal(sums, floor, lo, hi) else {
        return;
    };
    for t in tools {
        if let Some((m, _)) = marginal(sums, t, lo, hi) {
            let r = m / f;
            println!(
                "target: {t} marginal {m:.1} µs/proc = {r:.2}× {floor} (limit {limit:.2}×): {}",
                if r <= limit { "PASS" } else { "MISS" }
            );
        }
    }
}

/// `uss`: memory_full_info over every process at 500 extra sleepers.
fn uss(o: &Opts) -> Result<(), String> {
    let ns = o.sleepers.clone().unwrap_or_else(|| vec![500]);
    let pv = psutil::check()?;
    print_machine("uss", o, &ns);
    println!(
        "memory_full_info() of every process; floor = smaps_rollup (to EOF) + statm; psutil {pv}"
    );
    let samples = run_rounds("uss", tools::USS_TOOLS, "uss", o, &ns)?;
    write_json(o.json.as_deref(), &samples)?;
    let sums = summarize(&samples);
    let order: Vec<String> = [
        "floor-uss",
        "floor-rollup",
        "pskit-uss",
        "pskit-uss-proc",
        "psutil-uss",
        "psutil-uss-first",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    println!(
        "\nµs per process = total / PIDs in /proc (floor-uss's count); kernel threads \
         count as processes with zero USS/PSS/swap (psutil's values)."
    );
    print_per_n(
        "memory_full_info (µs per process in the table)",
        &sums,
        &order,
        "floor-uss",
        Some("floor-uss"),
    );
    let hi = *ns.last().unwrap_or(&0);
    if let Some(fl) = sums.get(&(hi, "floor-uss".to_string())) {
        // The target is the table scan; the one-at-a-time API also reads stat per
        // process for its identity (as psutil's Process() does), so it is shown only.
        for (t, is_target) in [("pskit-uss", true), ("pskit-uss-proc", false)] {
            if let Some(s) = sums.get(&(hi, t.to_string())) {
                let us = s.med_secs * 1e6 / fl.procs;
                let r = s.med_secs / fl.med_secs;
                let r_min = s.min_secs / fl.min_secs;
                let verdict = match (is_target, r <= 1.05) {
                    (false, _) => "not a target: Process::new reads stat for identity",
                    (true, true) => "PASS",
                    (true, false) => "MISS",
                };
                println!(
                    "{t} at N={hi}: {us:.1} µs/proc = {r:.2}× floor-uss, {r_min:.2}× \
                     from minimums (limit 1.05× of medians): {verdict}"
                );
            }
        }
    }
    if ns.len() >= 2 {
        let (lo, hi) = (ns[0], ns[ns.len() - 1]);
        print_marginal(&sums, &order, lo, hi, "floor-uss", "floor-rollup");
    }
    Ok(())
}

/// `one TOOL K`: K samples of one in-process tool, one JSON line each (the first
/// includes any warm-up the tool does). Used under strace and callgrind.
fn one(pos: &[String]) -> Result<(), String> {
    let tool = pos.first().ok_or("one: TOOL missing")?;
    let k: usize = pos
        .get(1)
        .map(|s| s.parse())
        .transpose()
        .map_err(|e| format!("one: K: {e}"))?
        .unwrap_or(1);
    // Steady tools warm up inside make(); for a countable K-th sample build them
    // without that, i.e. every sample here is timed, the first one included.
    let mut t = tools::make_cold(tool)?;
    for _ in 0..k {
        let t0 = Instant::now();
        let procs = t.sample()?;
        println!(
            "{}",
            serde_json::json!({"tool": tool, "secs": t0.elapsed().as_secs_f64(), "procs": procs})
        );
    }
    Ok(())
}
