//! `small`: the per-call cost of the system-wide functions, side by side with psutil
//! and with the raw floor (open + read to EOF + close of each function's source file
//! into a reused buffer, no parsing; getifaddrs + freeifaddrs for `net_if_addrs`).
//!
//! Each round times, function by function, batches of `calls` calls of the floor and
//! of pskit alternately, then psutil (one interpreter per round); the table shows the
//! median (and minimum) over rounds × reps of µs per call.

use std::collections::BTreeMap;
use std::ffi::CString;
use std::hint::black_box;
use std::time::Instant;

use crate::psutil;
use crate::report::{median, min};

/// The functions measured, by psutil's name with its arguments.
pub const FUNCS: &[&str] = &[
    "cpu_times",
    "virtual_memory",
    "disk_io_counters(perdisk=True)",
    "net_io_counters(pernic=True)",
    "net_if_addrs",
    "boot_time",
];

/// Per-call seconds, by (function, tool).
type Timings = BTreeMap<(String, &'static str), Vec<f64>>;

/// Runs the benchmark and prints its table.
pub fn run(rounds: usize, reps: usize, calls: usize, json: Option<&str>) -> Result<(), String> {
    let pv = psutil::check()?;
    println!(
        "\n## pskit-bench small: {rounds} rounds x {reps} batches of {calls} calls per tool; psutil {pv}"
    );
    let mut floor = Floor::new()?;
    let mut t = Timings::new();
    for round in 0..rounds {
        // Floor and pskit alternate batch by batch, so both see the same machine.
        for f in FUNCS {
            for _ in 0..reps {
                let s = time_batch(calls, || floor.call(f))?;
                t.entry((f.to_string(), "floor")).or_default().push(s);
                let s = time_batch(calls, || pskit_call(f))?;
                t.entry((f.to_string(), "pskit")).or_default().push(s);
            }
        }
        for (f, s) in psutil_round(reps, calls)? {
            t.entry((f, "psutil")).or_default().push(s);
        }
        eprintln!("[small] round {} done", round + 1);
    }
    if let Some(path) = json {
        write_json(path, &t)?;
    }
    print_table(&t);
    Ok(())
}

/// Seconds per call of `calls` calls of `f`.
fn time_batch(calls: usize, mut f: impl FnMut() -> Result<usize, String>) -> Result<f64, String> {
    let t0 = Instant::now();
    for _ in 0..calls {
        black_box(f()?);
    }
    Ok(t0.elapsed().as_secs_f64() / calls as f64)
}

/// One pskit call with psutil's default arguments (nowrap on), returning a size so the
/// result is used.
fn pskit_call(f: &str) -> Result<usize, String> {
    let e = |e: pskit::Error| e.to_string();
    Ok(match f {
        "cpu_times" => black_box(pskit::cpu_times().map_err(e)?).user as usize,
        "virtual_memory" => black_box(pskit::virtual_memory().map_err(e)?).total as usize,
        "disk_io_counters(perdisk=True)" => pskit::disk_io_counters_perdisk(true).map_err(e)?.len(),
        "net_io_counters(pernic=True)" => pskit::net_io_counters_pernic(true).map_err(e)?.len(),
        "net_if_addrs" => pskit::net_if_addrs().map_err(e)?.len(),
        "boot_time" => pskit::boot_time().map_err(e)? as usize,
        other => return Err(format!("unknown function {other}")),
    })
}

/// The raw floor: the bytes each function needs from the kernel, unparsed.
struct Floor {
    buf: Vec<u8>,
    stat: CString,
    meminfo: CString,
    diskstats: CString,
    netdev: CString,
}

impl Floor {
    fn new() -> Result<Floor, String> {
        let c = |s: &str| CString::new(s).map_err(|e| e.to_string());
        Ok(Floor {
            buf: Vec::with_capacity(64 * 1024),
            stat: c("/proc/stat")?,
            meminfo: c("/proc/meminfo")?,
            diskstats: c("/proc/diskstats")?,
            netdev: c("/proc/net/dev")?,
        })
    }

    fn call(&mut self, f: &str) -> Result<usize, String> {
        match f {
            "cpu_times" | "boot_time" => read_to_eof(&self.stat, &mut self.buf),
            "virtual_memory" => read_to_eof(&self.meminfo, &mut self.buf),
            "disk_io_counters(perdisk=True)" => read_to_eof(&self.diskstats, &mut self.buf),
            "net_io_counters(pernic=True)" => read_to_eof(&self.netdev, &mut self.buf),
            "net_if_addrs" => ifaddrs_count(),
            other => Err(format!("unknown function {other}")),
        }
    }
}

/// open + read until EOF + close into `buf` (capacity kept): the floor of a /proc file.
fn read_to_eof(path: &CString, buf: &mut Vec<u8>) -> Result<usize, String> {
    // SAFETY: a NUL-terminated path; the fd is closed below on every path.
    let fd = unsafe { libc::open(path.as_ptr(), libc::O_RDONLY | libc::O_CLOEXEC) };
    if fd < 0 {
        return Err(format!(
            "open {path:?}: {}",
            std::io::Error::last_os_error()
        ));
    }
    buf.clear();
    let mut total = 0;
    let result = loop {
        if buf.capacity() - buf.len() < 4096 {
            buf.reserve(buf.capacity());
        }
        let spare = buf.capacity() - buf.len();
        // SAFETY: reads at most `spare` bytes into the buffer's spare capacity.
        let n = unsafe { libc::read(fd, buf.as_mut_ptr().add(buf.len()).cast(), spare) };
        if n < 0 {
            break Err(format!(
                "read {path:?}: {}",
                std::io::Error::last_os_error()
            ));
        }
        if n == 0 {
            break Ok(total);
        }
        total += n as usize;
        // SAFETY: the kernel initialised these `n` bytes.
        unsafe { buf.set_len(buf.len() + n as usize) };
    };
    // SAFETY: `fd` is ours.
    unsafe { libc::close(fd) };
    result
}

/// getifaddrs + freeifaddrs: the floor of net_if_addrs.
fn ifaddrs_count() -> Result<usize, String> {
    let mut head: *mut libc::ifaddrs = std::ptr::null_mut();
    // SAFETY: getifaddrs writes the list head on success; freed once below.
    if unsafe { libc::getifaddrs(&mut head) } != 0 {
        return Err(format!("getifaddrs: {}", std::io::Error::last_os_error()));
    }
    let mut n = 0;
    let mut cur = head;
    while !cur.is_null() {
        n += 1;
        // SAFETY: `cur` is a node of the live list.
        cur = unsafe { (*cur).ifa_next };
    }
    // SAFETY: the list came from getifaddrs.
    unsafe { libc::freeifaddrs(head) };
    Ok(n)
}

/// One interpreter timing `reps` batches of `calls` calls of every function.
fn psutil_round(reps: usize, calls: usize) -> Result<Vec<(String, f64)>, String> {
    let args = ["small".to_string(), reps.to_string(), calls.to_string()];
    let v = psutil::json_lines(&psutil::script(), &args)?
        .iter()
        .map(|j| {
            let f = j["func"].as_str().ok_or("helper line without func")?;
            let secs = j["secs"].as_f64().ok_or("helper line without secs")?;
            Ok((f.to_string(), secs / calls as f64))
        })
        .collect::<Result<Vec<_>, String>>()?;
    if v.len() != FUNCS.len() * reps {
        return Err(format!(
            "psutil helper printed {} samples, expected {}",
            v.len(),
            FUNCS.len() * reps
        ));
    }
    Ok(v)
}

fn write_json(path: &str, t: &Timings) -> Result<(), String> {
    let rows: Vec<serde_json::Value> = t
        .iter()
        .map(|((f, tool), v)| serde_json::json!({"func": f, "tool": tool, "secs_per_call": v}))
        .collect();
    std::fs::write(
        path,
        serde_json::to_string_pretty(&rows).unwrap_or_default(),
    )
    .map_err(|e| format!("{path}: {e}"))
}

fn print_table(t: &Timings) {
    let us = |f: &str, tool: &'static str| {
        t.get(&(f.to_string(), tool))
            .map(|v| (median(v) * 1e6, min(v) * 1e6))
    };
    println!("\n### System-wide functions: µs per call (median, min in parentheses)");
    println!("| function | floor | pskit | ×floor | psutil | ×floor | target |");
    println!("|---|---:|---:|---:|---:|---:|---|");
    for f in FUNCS {
        let (Some(fl), Some(pk), Some(py)) = (us(f, "floor"), us(f, "pskit"), us(f, "psutil"))
        else {
            continue;
        };
        let r = pk.0 / fl.0;
        let verdict = if *f == "boot_time" {
            if r < 1.0 {
                "beats the floor: PASS"
            } else {
                "beats the floor: MISS"
            }
        } else if r <= 1.15 {
            "≤ 1.15×: PASS"
        } else {
            "≤ 1.15×: MISS"
        };
        println!(
            "| {f} | {:.2} ({:.2}) | {:.2} ({:.2}) | {r:.2} | {:.2} ({:.2}) | {:.2} | {verdict} |",
            fl.0,
            fl.1,
            pk.0,
            pk.1,
            py.0,
            py.1,
            py.0 / fl.0
        );
    }
}
