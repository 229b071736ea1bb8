//! `pskit-bench conns [K ...] [--rounds R] [--reps N] [--json FILE]`: listing TCP
//! sockets with K loopback connections open (default K = 0, 1000, 10000), pskit against
//! psutil 7.2.2, `ss` and the raw floors, in interleaved rounds.
//!
//! K connections make 2K+1 TCP sockets (K accepted + listener in the server holder, K
//! in the client holder; see `conns/holders.rs`). Four questions, each with its floor
//! (a sum of the raw tools' medians, `conns/raw.rs`):
//! - every TCP socket with its owner: pskit `net_connections(Tcp)`, psutil
//!   `net_connections('tcp')`, `ss -tanp`; floor = raw sock_diag dump + fd scan of
//!   every process;
//! - every TCP socket, no owners: pskit `net_connections_without_pids(Tcp)`, `ss -tan`,
//!   reading /proc/net/tcp{,6} (raw); floor = raw sock_diag dump;
//! - the server holder's sockets: `Process::net_connections(Tcp)` of pskit and psutil;
//!   floor = raw dump + fd scan of that process;
//! - a process with one socket, same calls; floor = raw dump + its fd scan.

mod holders;
mod raw;

use std::collections::BTreeMap;
use std::process::{Command, Stdio};
use std::time::Instant;

use pskit::{ConnectionKind, Host, Process};

use crate::report::{summarize, Sample, Summary};
use crate::sleepers::check_interrupted;
use crate::Opts;
use holders::Holders;
use raw::Raw;

/// In-process tools, in the order they are run in each round.
const TOOLS: &[&str] = &[
    "pskit",
    "pskit-nopids",
    "pskit-process",
    "pskit-one",
    "netlink-raw",
    "fdscan-all",
    "fdscan-process",
    "fdscan-one",
    "procnet-raw",
    "ss -tanp",
    "ss -tan",
];

/// One report table: its title, the tools in it, the raw tools whose medians sum to
/// its floor, and the tool whose row count is the socket count (None: per call).
struct Group {
    title: &'static str,
    tools: &'static [&'static str],
    floor: &'static [&'static str],
    count_from: Option<&'static str>,
}

const GROUPS: &[Group] = &[
    Group {
        title: "all TCP sockets + owning pid",
        tools: &["pskit", "psutil", "ss -tanp"],
        floor: &["netlink-raw", "fdscan-all"],
        count_from: Some("pskit-nopids"),
    },
    Group {
        title: "all TCP sockets, no pids",
        tools: &["pskit-nopids", "ss -tan", "procnet-raw"],
        floor: &["netlink-raw"],
        count_from: Some("pskit-nopids"),
    },
    Group {
        title: "one process holding K+1 sockets",
        tools: &["pskit-process", "psutil-process"],
        floor: &["netlink-raw", "fdscan-process"],
        count_from: Some("pskit-process"),
    },
    Group {
        title: "a process with one socket (per call)",
        tools: &["pskit-one", "psutil-one"],
        floor: &["netlink-raw", "fdscan-one"],
        count_from: None,
    },
];

/// Handles reused by the in-process tools at one K.
struct Targets {
    server: Process,
    one: Process,
    holders: Holders,
    raw: Raw,
}

fn sample(tool: &str, t: &mut Targets) -> Result<usize, String> {
    let e = |e: pskit::Error| format!("{tool}: {e}");
    Ok(match tool {
        "pskit" => pskit::net_connections(ConnectionKind::Tcp)
            .map_err(e)?
            .len(),
        "pskit-nopids" => Host::local()
            .net_connections_without_pids(ConnectionKind::Tcp)
            .map_err(e)?
            .len(),
        "pskit-process" => t
            .server
            .net_connections(ConnectionKind::Tcp)
            .map_err(e)?
            .len(),
        "pskit-one" => t.one.net_connections(ConnectionKind::Tcp).map_err(e)?.len(),
        "netlink-raw" => t.raw.netlink_tcp()?,
        "fdscan-all" => t.raw.fdscan_all(),
        "fdscan-process" => t.raw.fdscan_pid(t.holders.server),
        "fdscan-one" => t.raw.fdscan_pid(t.holders.one),
        "procnet-raw" => t.raw.procnet_tcp(),
        ss if ss.starts_with("ss ") => {
            let status = Command::new("ss")
                .args(ss.split(' ').skip(1))
                .stdout(Stdio::null())
                .status()
                .map_err(|e| format!("cannot run ss (apt-get install iproute2): {e}"))?;
            if !status.success() {
                return Err(format!("{ss} failed: {status}"));
            }
            0
        }
        other => return Err(format!("unknown tool {other}")),
    })
}

/// Runs `bench/psutil_conns.py` once: `reps` samples of each psutil tool.
fn psutil_samples(reps: usize, t: &Targets, k: usize, round: usize) -> Result<Vec<Sample>, String> {
    let script = crate::psutil::script().with_file_name("psutil_conns.py");
    let args = [reps, t.holders.server as usize, t.holders.one as usize].map(|v| v.to_string());
    let lines = crate::psutil::json_lines(&script, &args)?;
    if lines.len() != 3 * reps {
        return Err(format!(
            "psutil_conns.py printed {} samples, expected {}",
            lines.len(),
            3 * reps
        ));
    }
    lines
        .iter()
        .map(|j| {
            let p = crate::psutil::sample_from(j, "socks")?;
            Ok(Sample {
                bench: "conns",
                sleepers: k,
                round,
                tool: p.tool,
                secs: p.secs,
                procs: p.procs,
            })
        })
        .collect()
}

/// `pskit-bench conns`; returns its JSON section.
pub fn run(o: &Opts) -> Result<serde_json::Value, String> {
    let ks: Vec<usize> = if o.positional.is_empty() {
        vec![0, 1000, 10000]
    } else {
        o.positional
            .iter()
            .map(|s| s.parse().map_err(|e| format!("K {s:?}: {e}")))
            .collect::<Result<_, _>>()?
    };
    let pv = crate::psutil::check()?;
    crate::print_machine("conns", o, "loopback connections", &ks);
    out!("loopback TCP connections K = {ks:?} (2K+1 sockets); psutil {pv}; `ss` whole command");
    let mut samples = Vec::new();
    for &k in &ks {
        let t0 = Instant::now();
        let holders = Holders::spawn(k)?;
        eprintln!(
            "[conns] K={k}: connections up in {:.1}s",
            t0.elapsed().as_secs_f64()
        );
        let mut t = Targets {
            server: Process::new(holders.server).map_err(|e| e.to_string())?,
            one: Process::new(holders.one).map_err(|e| e.to_string())?,
            holders,
            raw: Raw::new(),
        };
        for tool in TOOLS {
            sample(tool, &mut t)?; // untimed warm-up (dentries, page cache)
        }
        for round in 0..o.rounds {
            // Tools alternate at every repetition, so a burst of load from elsewhere
            // on the machine hits all of them alike.
            for _ in 0..o.reps {
                for tool in TOOLS {
                    check_interrupted()?;
                    let t0 = Instant::now();
                    let n = sample(tool, &mut t)?;
                    let secs = t0.elapsed().as_secs_f64();
                    samples.push(Sample {
                        bench: "conns",
                        sleepers: k,
                        round,
                        tool: tool.to_string(),
                        secs,
                        procs: n,
                    });
                }
            }
            samples.extend(psutil_samples(o.reps, &t, k, round)?);
            eprintln!("[conns] K={k} round {} done", round + 1);
        }
    }
    let (rows, marginal_rows) = report(&summarize(&samples), &ks);
    Ok(serde_json::json!({
        "psutil_version": pv,
        "rounds": o.rounds,
        "reps": o.reps,
        "connections": ks,
        "summary": rows,
        "marginal": marginal_rows,
        "samples": crate::samples_json(&samples),
    }))
}

type Sums = BTreeMap<(usize, String), Summary>;

/// The floor of `g` at `k`: (sum of minimums, sum of medians) of its raw tools.
fn floor(sums: &Sums, g: &Group, k: usize) -> Option<(f64, f64)> {
    g.floor.iter().try_fold((0.0, 0.0), |(mn, md), tool| {
        let s = sums.get(&(k, tool.to_string()))?;
        Some((mn + s.min_secs, md + s.med_secs))
    })
}

/// Sockets the per-socket figures of `g` are divided by at `k` (1 when per call).
fn count(sums: &Sums, g: &Group, k: usize) -> f64 {
    g.count_from
        .and_then(|t| sums.get(&(k, t.to_string())))
        .map_or(1.0, |s| s.procs.max(1.0))
}

/// Prints the tables; returns their rows (per K, and marginal) as JSON objects.
fn report(sums: &Sums, ks: &[usize]) -> (Vec<serde_json::Value>, Vec<serde_json::Value>) {
    let (mut rows, mut marginal_rows) = (Vec::new(), Vec::new());
    for &k in ks {
        out!("\n### TCP sockets with K={k} loopback connections");
        out!("| question | tool | sockets | ms min / med | µs/socket (med) | × floor med / min |");
        out!("|---|---|---:|---:|---:|---:|");
        for g in GROUPS {
            let Some((fmin, fmed)) = floor(sums, g, k) else {
                continue;
            };
            let n = count(sums, g, k);
            for tool in g.tools {
                if let Some(s) = sums.get(&(k, tool.to_string())) {
                    out!(
                        "| {} | {tool} | {n:.0} | {:.2} / {:.2} | {:.2} | {:.2} / {:.2} |",
                        g.title,
                        s.min_secs * 1e3,
                        s.med_secs * 1e3,
                        s.med_secs * 1e6 / n,
                        s.med_secs / fmed,
                        s.min_secs / fmin
                    );
                    rows.push(serde_json::json!({
                        "connections": k, "question": g.title, "tool": tool, "sockets": n,
                        "min_secs": s.min_secs, "med_secs": s.med_secs,
                        "us_per_socket_med": s.med_secs * 1e6 / n,
                        "ratio_to_floor": s.med_secs / fmed,
                        "ratio_to_floor_min": s.min_secs / fmin,
                    }));
                }
            }
            out!(
                "| {} | **floor** ({}) | {n:.0} | {:.2} / {:.2} | {:.2} | 1.00 / 1.00 |",
                g.title,
                g.floor.join(" + "),
                fmin * 1e3,
                fmed * 1e3,
                fmed * 1e6 / n
            );
            rows.push(serde_json::json!({
                "connections": k, "question": g.title, "tool": "floor", "sockets": n,
                "floor_of": g.floor, "min_secs": fmin, "med_secs": fmed,
                "us_per_socket_med": fmed * 1e6 / n,
                "ratio_to_floor": 1.0, "ratio_to_floor_min": 1.0,
            }));
        }
    }
    let (Some(&lo), Some(&hi)) = (ks.iter().min(), ks.iter().max()) else {
        return (rows, marginal_rows);
    };
    if lo == hi {
        return (rows, marginal_rows);
    }
    out!("\n### Marginal µs per extra socket, K={lo} → K={hi}");
    out!("| question | tool | µs/socket med / min | × floor med / min |");
    out!("|---|---|---:|---:|");
    for g in GROUPS.iter().filter(|g| g.count_from.is_some()) {
        let dn = count(sums, g, hi) - count(sums, g, lo);
        if dn <= 0.0 {
            continue;
        }
        let (Some(flo), Some(fhi)) = (floor(sums, g, lo), floor(sums, g, hi)) else {
            continue;
        };
        let fl = (fhi.1 - flo.1) * 1e6 / dn;
        let fl_min = (fhi.0 - flo.0) * 1e6 / dn;
        for tool in g.tools {
            let (Some(a), Some(b)) = (
                sums.get(&(lo, tool.to_string())),
                sums.get(&(hi, tool.to_string())),
            ) else {
                continue;
            };
            let m = (b.med_secs - a.med_secs) * 1e6 / dn;
            let m_min = (b.min_secs - a.min_secs) * 1e6 / dn;
            out!(
                "| {} | {tool} | {m:.2} / {m_min:.2} | {:.2} / {:.2} |",
                g.title,
                m / fl,
                m_min / fl_min
            );
            marginal_rows.push(serde_json::json!({
                "from_connections": lo, "to_connections": hi, "question": g.title,
                "tool": tool, "us_per_socket_med": m, "us_per_socket_min": m_min,
                "ratio_to_floor": m / fl, "ratio_to_floor_min": m_min / fl_min,
            }));
        }
        out!(
            "| {} | **floor** | {fl:.2} / {fl_min:.2} | 1.00 / 1.00 |",
            g.title
        );
    }
    out!("\nTargets (issue #4): with pids ≤ 1.3× floor, without ≤ 1.5×, one socket < 1 ms.");
    (rows, marginal_rows)
}
