//! `small`: the per-call cost of the system-wide functions and of two per-process
//! getters, side by side with psutil and with the raw floor: open + read to EOF + close
//! of each function's source files into a reused buffer, no parsing; getifaddrs +
//! freeifaddrs for `net_if_addrs`; /proc/net/dev plus the three ioctls per interface
//! (flags, MTU, ethtool) for `net_if_stats`.
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
    "net_if_stats",
    "swap_memory",
    "boot_time",
    "Process.memory_info",
    "Process.cpu_times",
];

/// Per-call seconds, by (function, tool).
type Timings = BTreeMap<(String, &'static str), Vec<f64>>;

/// Runs the benchmark, prints its table and returns its JSON section. `only` limits
/// the functions measured in pskit and the floor (psutil's helper always runs all).
pub fn run(
    rounds: usize,
    reps: usize,
    calls: usize,
    only: &Option<Vec<String>>,
) -> Result<serde_json::Value, String> {
    let pv = psutil::check()?;
    out!(
        "\n## pskit-bench small: {rounds} rounds x {reps} batches of {calls} calls per tool; psutil {pv}"
    );
    let mut floor = Floor::new()?;
    let me = pskit::Process::current().map_err(|e| e.to_string())?;
    let mut t = Timings::new();
    for round in 0..rounds {
        // Floor and pskit alternate batch by batch, so both see the same machine.
        let wanted = |f: &&&str| only.as_ref().is_none_or(|o| o.iter().any(|w| w == **f));
        for f in FUNCS.iter().filter(wanted) {
            for _ in 0..reps {
                let s = time_batch(calls, || floor.call(f))?;
                t.entry((f.to_string(), "floor")).or_default().push(s);
                let s = time_batch(calls, || pskit_call(f, &me))?;
                t.entry((f.to_string(), "pskit")).or_default().push(s);
            }
        }
        for (f, s) in psutil_round(reps, calls)? {
            t.entry((f, "psutil")).or_default().push(s);
        }
        eprintln!("[small] round {} done", round + 1);
    }
    let rows = print_table(&t);
    let samples: Vec<serde_json::Value> = t
        .iter()
        .map(|((f, tool), v)| serde_json::json!({"func": f, "tool": tool, "secs_per_call": v}))
        .collect();
    Ok(serde_json::json!({
        "rounds": rounds, "reps": reps, "calls": calls,
        "rows": rows, "samples": samples,
    }))
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
/// result is used. The per-process getters ask about `me`, created once, as psutil's
/// side does with one `Process()`.
fn pskit_call(f: &str, me: &pskit::Process) -> Result<usize, String> {
    let e = |e: pskit::Error| e.to_string();
    Ok(match f {
        "cpu_times" => black_box(pskit::cpu_times().map_err(e)?).user as usize,
        "virtual_memory" => black_box(pskit::virtual_memory().map_err(e)?).total as usize,
        "disk_io_counters(perdisk=True)" => pskit::disk_io_counters_perdisk(true).map_err(e)?.len(),
        "net_io_counters(pernic=True)" => pskit::net_io_counters_pernic(true).map_err(e)?.len(),
        "net_if_addrs" => pskit::net_if_addrs().map_err(e)?.len(),
        "net_if_stats" => pskit::net_if_stats().map_err(e)?.len(),
        "swap_memory" => black_box(pskit::swap_memory().map_err(e)?).total as usize,
        "boot_time" => pskit::boot_time().map_err(e)? as usize,
        "Process.memory_info" => black_box(me.memory_info().map_err(e)?).rss as usize,
        "Process.cpu_times" => black_box(me.cpu_times().map_err(e)?).user as usize,
        other => return Err(format!("unknown function {other}")),
    })
}

/// The raw floor: the bytes each function needs from the kernel, unparsed.
struct Floor {
    buf: Vec<u8>,
    stat: CString,
    meminfo: CString,
    vmstat: CString,
    diskstats: CString,
    netdev: CString,
    self_statm: CString,
    self_stat: CString,
    /// Interface names, listed once outside the timing (the floor does not parse).
    nics: Vec<[u8; 16]>,
}

impl Floor {
    fn new() -> Result<Floor, String> {
        let c = |s: &str| CString::new(s).map_err(|e| e.to_string());
        Ok(Floor {
            buf: Vec::with_capacity(64 * 1024),
            stat: c("/proc/stat")?,
            meminfo: c("/proc/meminfo")?,
            vmstat: c("/proc/vmstat")?,
            diskstats: c("/proc/diskstats")?,
            netdev: c("/proc/net/dev")?,
            self_statm: c(&format!("/proc/{}/statm", std::process::id()))?,
            self_stat: c(&format!("/proc/{}/stat", std::process::id()))?,
            nics: nic_names()?,
        })
    }

    fn call(&mut self, f: &str) -> Result<usize, String> {
        match f {
            "cpu_times" | "boot_time" => read_to_eof(&self.stat, &mut self.buf),
            "virtual_memory" => read_to_eof(&self.meminfo, &mut self.buf),
            "disk_io_counters(perdisk=True)" => read_to_eof(&self.diskstats, &mut self.buf),
            "net_io_counters(pernic=True)" => read_to_eof(&self.netdev, &mut self.buf),
            "net_if_addrs" => ifaddrs_count(),
            "net_if_stats" => {
                let n = read_to_eof(&self.netdev, &mut self.buf)?;
                Ok(n + nic_ioctls(&self.nics)?)
            }
            "swap_memory" => Ok(read_to_eof(&self.meminfo, &mut self.buf)?
                + read_to_eof(&self.vmstat, &mut self.buf)?),
            "Process.memory_info" => read_to_eof(&self.self_statm, &mut self.buf),
            "Process.cpu_times" => read_to_eof(&self.self_stat, &mut self.buf),
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

/// The interface names of /proc/net/dev, as ifreq names.
fn nic_names() -> Result<Vec<[u8; 16]>, String> {
    let text =
        std::fs::read_to_string("/proc/net/dev").map_err(|e| format!("/proc/net/dev: {e}"))?;
    Ok(text
        .lines()
        .skip(2)
        .filter_map(|l| l.split(':').next())
        .map(str::trim)
        .filter(|n| !n.is_empty() && n.len() < 16)
        .map(|n| {
            let mut name = [0u8; 16];
            name[..n.len()].copy_from_slice(n.as_bytes());
            name
        })
        .collect())
}

/// socket + SIOCGIFFLAGS, SIOCGIFMTU and SIOCETHTOOL(ETHTOOL_GSET) per interface +
/// close: the kernel work of net_if_stats after the names are known. Errors of the
/// ioctls (no ethtool on loopback and virtual links) are part of the cost, not failures.
fn nic_ioctls(nics: &[[u8; 16]]) -> Result<usize, String> {
    #[repr(C)]
    struct IfReq {
        name: [u8; 16],
        data: [u64; 3],
    }
    // SAFETY: plain socket(2); closed below.
    let fd = unsafe { libc::socket(libc::AF_INET, libc::SOCK_DGRAM | libc::SOCK_CLOEXEC, 0) };
    if fd < 0 {
        return Err(format!("socket: {}", std::io::Error::last_os_error()));
    }
    let mut ok = 0;
    let mut ethtool_cmd = [0u32; 11];
    for name in nics {
        let mut r = IfReq {
            name: *name,
            data: [0; 3],
        };
        for req in [0x8913u64, 0x8921] {
            // SAFETY: a valid ifreq for SIOCGIFFLAGS / SIOCGIFMTU.
            ok += usize::from(unsafe { libc::ioctl(fd, req as _, &mut r as *mut IfReq) } == 0);
        }
        ethtool_cmd[0] = 1; // ETHTOOL_GSET
        r.data[0] = ethtool_cmd.as_mut_ptr() as u64;
        // SAFETY: ifr_data points at a 44-byte ethtool_cmd that outlives the call.
        ok += usize::from(unsafe { libc::ioctl(fd, 0x8946 as _, &mut r as *mut IfReq) } == 0);
    }
    // SAFETY: `fd` is ours.
    unsafe { libc::close(fd) };
    Ok(ok)
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

/// Prints the table; returns its rows as JSON objects.
fn print_table(t: &Timings) -> Vec<serde_json::Value> {
    let mut rows = Vec::new();
    let us = |f: &str, tool: &'static str| {
        t.get(&(f.to_string(), tool))
            .map(|v| (median(v) * 1e6, min(v) * 1e6))
    };
    out!("\n### System-wide functions: µs per call (median, min in parentheses)");
    out!("| function | floor | pskit | ×floor | psutil | ×floor | target |");
    out!("|---|---:|---:|---:|---:|---:|---|");
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
        out!(
            "| {f} | {:.2} ({:.2}) | {:.2} ({:.2}) | {r:.2} | {:.2} ({:.2}) | {:.2} | {verdict} |",
            fl.0,
            fl.1,
            pk.0,
            pk.1,
            py.0,
            py.1,
            py.0 / fl.0
        );
        rows.push(serde_json::json!({
            "func": f, "floor_us_med": fl.0, "floor_us_min": fl.1,
            "pskit_us_med": pk.0, "pskit_us_min": pk.1, "pskit_ratio": r,
            "psutil_us_med": py.0, "psutil_us_min": py.1, "psutil_ratio": py.0 / fl.0,
            "verdict": verdict,
        }));
    }
    rows
}
