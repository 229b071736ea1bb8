//! `pskit-bench`: pskit against psutil, sysinfo and the raw /proc floor, measured side
//! by side in interleaved rounds (the method of `shared/reference/perf-anchors.md`).
//!
//! ```text
//! pskit-bench procscan [--rounds 5] [--reps 5] [--sleepers 0,2000] [--json FILE]
//! pskit-bench uss      [--rounds 5] [--reps 5] [--sleepers 500]    [--json FILE]
//! pskit-bench syscalls [--sleepers 500] [--tools a,b,...]          [--json FILE]
//! pskit-bench small    [--rounds 5] [--reps 2] [--calls 1000]      [--json FILE]
//! pskit-bench instructions [--sleepers 500] [--tools a,b,...]      [--json FILE]
//! pskit-bench conns    [K ...] [--rounds 5] [--reps 5]             [--json FILE]
//! pskit-bench all      [--rounds 5] [--reps 5]                     [--json FILE]
//! pskit-bench one TOOL K      (hidden: K samples of one tool, for strace/callgrind)
//! ```
//!
//! Tables (Markdown) go to standard output; `--json FILE` also writes one JSON document
//! (the machine, then per workload its summary rows and raw samples); with `--json -`
//! the document goes to standard output and the tables to standard error.
//! Run everything with `bash bench/run.sh` (it installs what is missing, then runs
//! `pskit-bench all`).

/// Prints a line of the human tables: to standard output, or to standard error when
/// the JSON document takes standard output (`--json -`).
macro_rules! out {
    ($($arg:tt)*) => {
        if $crate::report::tables_to_stderr() {
            eprintln!($($arg)*)
        } else {
            println!($($arg)*)
        }
    };
}

mod conns;
mod floor;
mod instructions;
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
    /// Whether --reps was given (`small` has its own default).
    reps_given: bool,
    calls: Option<usize>,
    positional: Vec<String>,
}

impl Opts {
    /// Batches per round of `small`: --reps, else 2 (5 rounds x 2 x 1,000 = 10,000 calls).
    fn small_reps(&self) -> usize {
        if self.reps_given {
            self.reps
        } else {
            2
        }
    }

    /// Calls per batch of `small`: --calls, else 1,000.
    fn small_calls(&self) -> usize {
        self.calls.unwrap_or(1000)
    }
}

fn parse_opts(args: &[String]) -> Result<Opts, String> {
    let mut o = Opts {
        rounds: 5,
        reps: 5,
        sleepers: None,
        tools: None,
        json: None,
        reps_given: false,
        calls: None,
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
            "--reps" => {
                o.reps = val()?.parse().map_err(|e| format!("--reps: {e}"))?;
                o.reps_given = true;
            }
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
            "--calls" => o.calls = Some(val()?.parse().map_err(|e| format!("--calls: {e}"))?),
            s if s.starts_with("--") => return Err(format!("unknown option {s}")),
            s => o.positional.push(s.to_string()),
        }
    }
    if o.rounds == 0 || o.reps == 0 || o.calls == Some(0) {
        return Err("--rounds, --reps and --calls must be at least 1".into());
    }
    Ok(o)
}

const USAGE: &str = "usage: pskit-bench <all|procscan|uss|syscalls|instructions|small|conns> \
[--rounds R] [--reps K] [--sleepers N,M] [--tools a,b] [--calls C] [--json FILE|-] [K ...]";

fn main() {
    sleepers::install_signal_handlers();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(cmd) = args.first() else {
        eprintln!("{USAGE}");
        std::process::exit(2);
    };
    let result = parse_opts(&args[1..]).and_then(|o| {
        if o.json.as_deref() == Some("-") {
            report::set_tables_to_stderr();
        }
        let started = Instant::now();
        let section = match cmd.as_str() {
            "all" => all(&o)?,
            "procscan" => procscan(&o)?,
            "uss" => uss(&o)?,
            "conns" => conns::run(&o)?,
            "syscalls" => syscalls::run(&o.sleepers, &o.tools)?,
            "instructions" => instructions::run(&o.sleepers, &o.tools)?,
            "small" => small::run(o.rounds, o.small_reps(), o.small_calls(), &o.tools)?,
            "one" => return one(&o.positional),
            "-h" | "--help" | "help" => {
                println!("{USAGE}");
                return Ok(());
            }
            other => return Err(format!("unknown subcommand '{other}'\n{USAGE}")),
        };
        let secs = started.elapsed().as_secs_f64();
        eprintln!("pskit-bench {cmd}: done in {secs:.0} s");
        // `all` returns its workloads already keyed by name.
        let workloads = if cmd == "all" {
            section
        } else {
            serde_json::json!({ cmd.as_str(): section })
        };
        let doc = serde_json::json!({
            "command": std::iter::once("pskit-bench".to_string()).chain(args.clone())
                .collect::<Vec<_>>().join(" "),
            "machine": machine_json(),
            "seconds": secs,
            "workloads": workloads,
        });
        write_document(o.json.as_deref(), &doc)
    });
    if let Err(e) = result {
        eprintln!("pskit-bench: error: {e}");
        std::process::exit(1);
    }
}

/// Writes the JSON document to `path` (`-`: standard output).
fn write_document(path: Option<&str>, doc: &serde_json::Value) -> Result<(), String> {
    let Some(path) = path else { return Ok(()) };
    let text = serde_json::to_string_pretty(doc).map_err(|e| e.to_string())?;
    if path == "-" {
        println!("{text}");
    } else {
        std::fs::write(path, text + "\n").map_err(|e| format!("writing {path}: {e}"))?;
        eprintln!("JSON document written to {path}");
    }
    Ok(())
}

/// Every workload in turn, with the sizes of the README's table: the process scan at
/// 0 / 500 / 2,000 extra sleepers, memory_full_info at 500, syscalls and instructions
/// N=0 → N=500, 10,000 calls of each small function, and 0 / 1,000 / 10,000 loopback
/// connections. About 2½ minutes on a 2-core machine.
fn all(o: &Opts) -> Result<serde_json::Value, String> {
    if o.sleepers.is_some() || o.tools.is_some() || !o.positional.is_empty() {
        return Err("all takes only --rounds, --reps, --calls and --json; \
                    run a workload alone to choose its sizes or tools"
            .into());
    }
    let with = |sleepers: &[usize], positional: &[&str]| Opts {
        sleepers: Some(sleepers.to_vec()),
        positional: positional.iter().map(|s| s.to_string()).collect(),
        tools: None,
        ..o.clone()
    };
    let mut doc = serde_json::Map::new();
    doc.insert("procscan".into(), procscan(&with(&[0, 500, 2000], &[]))?);
    doc.insert("uss".into(), uss(&with(&[500], &[]))?);
    // The stable metrics need strace and valgrind; without them (or where tracing is
    // not allowed) the timed workloads still count, and the document says what is missing.
    let span = Some(vec![0, 500]);
    let stable = [
        ("syscalls", syscalls::run(&span, &None)),
        ("instructions", instructions::run(&span, &None)),
    ];
    for (name, result) in stable {
        let section = result.unwrap_or_else(|why| {
            eprintln!("pskit-bench all: WARNING: {name} not measured: {why}");
            out!("\n### {name}: not measured: {why}");
            serde_json::json!({ "missing": why })
        });
        doc.insert(name.into(), section);
    }
    let small = small::run(o.rounds, o.small_reps(), o.small_calls(), &None)?;
    doc.insert("small".into(), small);
    doc.insert(
        "conns".into(),
        conns::run(&with(&[], &["0", "1000", "10000"]))?,
    );
    Ok(serde_json::Value::Object(doc))
}

/// The machine the numbers belong to.
fn machine_json() -> serde_json::Value {
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
    let mem_kib = std::fs::read_to_string("/proc/meminfo")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|v| v.split_whitespace().next()?.parse::<u64>().ok())
        .unwrap_or(0);
    serde_json::json!({
        "date": date,
        "kernel": kernel.trim(),
        "cpu": cpu,
        "nproc": std::thread::available_parallelism().map_or(0, |n| n.get()),
        "mem_total_bytes": mem_kib * 1024,
        // SAFETY: geteuid has no preconditions.
        "euid": unsafe { libc::geteuid() },
    })
}

/// Prints the machine, kernel and date the numbers belong to.
fn print_machine(bench: &str, o: &Opts, sizes: &str, ns: &[usize]) {
    let m = machine_json();
    out!(
        "\n## pskit-bench {bench}: {}, nproc {}, kernel {}, {}, euid {}",
        m["date"].as_str().unwrap_or("?"),
        m["nproc"],
        m["kernel"].as_str().unwrap_or("?"),
        m["cpu"].as_str().unwrap_or("?"),
        m["euid"]
    );
    out!(
        "rounds {} x reps {} per tool, interleaved in a fixed order; {sizes} {:?}",
        o.rounds,
        o.reps,
        ns
    );
}

/// Runs the interleaved rounds of one bench at each sleeper count. Within a round,
/// every tool (psutil's interpreter included) takes one sample in turn, `reps` times:
/// A, B, C, A, B, C, ...; each round starts fresh tools and a fresh interpreter, whose
/// first call is reported apart (`…-first`).
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
            let mut push = |tool: String, secs: f64, procs: usize| {
                samples.push(Sample {
                    bench,
                    sleepers: n,
                    round,
                    tool,
                    secs,
                    procs,
                })
            };
            let mut tools = in_process
                .iter()
                .map(|name| Ok((*name, tools::make(name)?)))
                .collect::<Result<Vec<_>, String>>()?;
            let mut py = psutil::Server::start(py_mode)?;
            let first = py.sample()?;
            push(first.tool, first.secs, first.procs);
            for _ in 0..o.reps {
                for (name, tool) in &mut tools {
                    check_interrupted()?;
                    let t0 = Instant::now();
                    let procs = tool.sample()?;
                    push(name.to_string(), t0.elapsed().as_secs_f64(), procs);
                }
                check_interrupted()?;
                let p = py.sample()?;
                push(p.tool, p.secs, p.procs);
            }
            eprintln!("[{bench}] N={n} round {} done", round + 1);
        }
        drop(s);
    }
    Ok(samples)
}

/// The sleeper counts a two-point workload compares: the first and last of
/// `--sleepers`, by default 0 and 500.
fn sleeper_span(sleepers: &Option<Vec<usize>>) -> Result<(usize, usize), String> {
    let v = sleepers.clone().unwrap_or_else(|| vec![0, 500]);
    match (v.first(), v.last()) {
        (Some(&lo), Some(&hi)) if hi > lo => Ok((lo, hi)),
        _ => Err(format!("--sleepers needs two counts, low then high: {v:?}")),
    }
}

/// Raw samples as JSON objects, for the document's `samples`.
fn samples_json(samples: &[Sample]) -> Vec<serde_json::Value> {
    samples.iter().map(Sample::to_json).collect()
}

/// `procscan`: the 10-attribute process table scan at 0 and 2000 extra sleepers.
fn procscan(o: &Opts) -> Result<serde_json::Value, String> {
    let ns = o.sleepers.clone().unwrap_or_else(|| vec![0, 500, 2000]);
    let pv = psutil::check()?;
    print_machine("procscan", o, "extra sleepers", &ns);
    out!(
        "attrs: pid ppid name status username create_time cpu_times memory_info num_threads \
         cmdline; psutil {pv}, sysinfo 0.40 (system,user; cpu+memory+user+cmd, without tasks)"
    );
    let samples = run_rounds("procscan", tools::PROCSCAN_TOOLS, "procscan", o, &ns)?;
    let sums = summarize(&samples);
    // The in-process tools in their round order, then psutil's two.
    let order: Vec<String> = tools::PROCSCAN_TOOLS
        .iter()
        .chain(&["psutil", "psutil-first"])
        .map(|s| s.to_string())
        .collect();
    let summary = print_per_n(
        "Process scan (µs per process)",
        &sums,
        &order,
        "floor",
        None,
    );
    let (mut marginal_rows, mut targets) = (Vec::new(), Vec::new());
    if ns.len() >= 2 {
        let (lo, hi) = (ns[0], ns[ns.len() - 1]);
        marginal_rows = print_marginal(&sums, &order, lo, hi, "floor", "floor-eof");
        targets = print_target(&sums, &["pskit", "pskit-steady"], lo, hi, "floor", 1.10);
    }
    Ok(serde_json::json!({
        "psutil_version": pv,
        "sysinfo_version": "0.40",
        "rounds": o.rounds,
        "reps": o.reps,
        "target": targets,
        "attrs": tools::SCAN_ATTRS.map(|a| format!("{a:?}")),
        "ps_format": tools::PS_FORMAT,
        "sleepers": ns,
        "summary": summary,
        "marginal": marginal_rows,
        "samples": samples_json(&samples),
    }))
}

/// Prints the marginal table: µs per extra process, with ratios to two floors.
/// Returns its rows as JSON objects.
fn print_marginal(
    sums: &BTreeMap<(usize, String), Summary>,
    order: &[String],
    lo: usize,
    hi: usize,
    floor: &str,
    floor2: &str,
) -> Vec<serde_json::Value> {
    let mut rows = Vec::new();
    let Some((f_med, f_min)) = marginal(sums, floor, lo, hi) else {
        return rows;
    };
    let f2 = marginal(sums, floor2, lo, hi).map_or(f64::NAN, |m| m.0);
    out!("\n### Marginal µs per extra process (N={lo} → N={hi})");
    out!(
        "| tool | marginal µs/proc (median) | ×{floor} | ×{floor2} | marginal from min | ×{floor} (min) |"
    );
    out!("|---|---:|---:|---:|---:|---:|");
    for tool in order {
        if let Some((med, mn)) = marginal(sums, tool, lo, hi) {
            out!(
                "| {tool} | {med:.1} | {:.2} | {:.2} | {mn:.1} | {:.2} |",
                med / f_med,
                med / f2,
                mn / f_min
            );
            rows.push(serde_json::json!({
                "from_sleepers": lo, "to_sleepers": hi, "tool": tool,
                "us_per_proc_med": med, "us_per_proc_min": mn,
                "ratio_to_floor": med / f_med, "ratio_to_floor_min": mn / f_min,
                "second_floor": floor2, "ratio_to_second_floor": med / f2,
            }));
        }
    }
    rows
}

/// Prints PASS/MISS lines for the marginal ratio target; returns them as JSON.
fn print_target(
    sums: &BTreeMap<(usize, String), Summary>,
    tools: &[&str],
    lo: usize,
    hi: usize,
    floor: &str,
    limit: f64,
) -> Vec<serde_json::Value> {
    let mut rows = Vec::new();
    let Some((f, _)) = marginal(sums, floor, lo, hi) else {
        return rows;
    };
    for t in tools {
        if let Some((m, _)) = marginal(sums, t, lo, hi) {
            let r = m / f;
            let verdict = if r <= limit { "PASS" } else { "MISS" };
            out!(
                "target: {t} marginal {m:.1} µs/proc = {r:.2}× {floor} (limit {limit:.2}×): {verdict}"
            );
            rows.push(serde_json::json!({
                "tool": t, "ratio_to_floor": r, "limit": limit, "verdict": verdict,
            }));
        }
    }
    rows
}

/// `uss`: memory_full_info over every process at 500 extra sleepers.
fn uss(o: &Opts) -> Result<serde_json::Value, String> {
    let ns = o.sleepers.clone().unwrap_or_else(|| vec![500]);
    let pv = psutil::check()?;
    print_machine("uss", o, "extra sleepers", &ns);
    out!("memory_full_info() of every process; floor = smaps_rollup (to EOF) + statm; psutil {pv}");
    let samples = run_rounds("uss", tools::USS_TOOLS, "uss", o, &ns)?;
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
    out!(
        "\nµs per process = total / PIDs in /proc (floor-uss's count); kernel threads \
         count as processes with zero USS/PSS/swap (psutil's values)."
    );
    let summary = print_per_n(
        "memory_full_info (µs per process in the table)",
        &sums,
        &order,
        "floor-uss",
        Some("floor-uss"),
    );
    let hi = *ns.last().unwrap_or(&0);
    let mut targets = Vec::new();
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
                out!(
                    "{t} at N={hi}: {us:.1} µs/proc = {r:.2}× floor-uss, {r_min:.2}× \
                     from minimums (limit 1.05× of medians): {verdict}"
                );
                targets.push(serde_json::json!({
                    "tool": t, "sleepers": hi, "us_per_proc_med": us, "ratio_to_floor": r,
                    "ratio_to_floor_min": r_min, "limit": 1.05, "verdict": verdict,
                }));
            }
        }
    }
    let mut marginal_rows = Vec::new();
    if ns.len() >= 2 {
        let (lo, hi) = (ns[0], ns[ns.len() - 1]);
        marginal_rows = print_marginal(&sums, &order, lo, hi, "floor-uss", "floor-rollup");
    }
    Ok(serde_json::json!({
        "psutil_version": pv,
        "rounds": o.rounds,
        "reps": o.reps,
        "sleepers": ns,
        "target": targets,
        "summary": summary,
        "marginal": marginal_rows,
        "samples": samples_json(&samples),
    }))
}

/// The process count of the last sample line `one` printed (the run under strace or
/// callgrind may print other lines too).
fn procs_of_last_sample(stdout: &[u8]) -> Option<f64> {
    String::from_utf8_lossy(stdout)
        .lines()
        .rev()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find_map(|j| j["procs"].as_f64())
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
