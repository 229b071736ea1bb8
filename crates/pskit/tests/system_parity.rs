//! Live parity with psutil 7.2.2 (and `free`, `df`, `nproc`), which must be installed:
//! `pip install psutil==7.2.2`. A missing psutil is a failure, never a skip.
//!
//! Counters that move are compared with the bracket method: psutil, then pskit, then
//! psutil again, and pskit must lie between the two samples. Gauges get a stated
//! tolerance. Fields not compared are named with the reason next to each test.

use std::collections::BTreeMap;
use std::process::Command;
use std::time::Duration;

use serde_json::Value;

/// Python helper turning psutil's namedtuples and enums into plain JSON.
const PRELUDE: &str = r#"
import json, enum, sys
try:
    import psutil
except ImportError:
    print("PSUTIL-MISSING"); sys.exit(3)
def conv(o):
    if hasattr(o, "_asdict"):
        return {k: conv(v) for k, v in o._asdict().items()}
    if isinstance(o, enum.Enum):
        return o.value
    if isinstance(o, dict):
        return {str(k): conv(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [conv(v) for v in o]
    return o
def out(x):
    print(json.dumps(conv(x)))
"#;

fn py(code: &str) -> Value {
    let script = format!("{PRELUDE}\n{code}");
    let o = Command::new("python3")
        .arg("-c")
        .arg(&script)
        .output()
        .expect(
            "python3 must be installed for the parity tests (with `pip install psutil==7.2.2`)",
        );
    let stdout = String::from_utf8_lossy(&o.stdout);
    if stdout.contains("PSUTIL-MISSING") {
        panic!("psutil is not importable by python3: run `pip install psutil==7.2.2` (these parity tests never skip)");
    }
    assert!(
        o.status.success(),
        "python failed: {}\n{}",
        String::from_utf8_lossy(&o.stderr),
        code
    );
    serde_json::from_str(stdout.trim())
        .unwrap_or_else(|e| panic!("bad JSON from psutil ({e}): {stdout}"))
}

fn sh(cmd: &str, args: &[&str]) -> String {
    let o = Command::new(cmd)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{cmd}: {e}"));
    assert!(o.status.success(), "{cmd} {args:?} failed");
    String::from_utf8(o.stdout).unwrap()
}

fn json<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap()
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

/// Every numeric field of `mid` lies within [lo − slack, hi + slack].
fn bracket(what: &str, lo: &Value, mid: &Value, hi: &Value, slack: f64) {
    let lo = lo.as_object().unwrap();
    let hi = hi.as_object().unwrap();
    for (k, m) in mid.as_object().unwrap() {
        if m.is_null() {
            assert!(
                lo[k].is_null() || !lo.contains_key(k),
                "{what}.{k}: pskit null, psutil {}",
                lo[k]
            );
            continue;
        }
        let (a, b, m) = (f(&lo[k]), f(&hi[k]), f(m));
        assert!(
            a - slack <= m && m <= b + slack,
            "{what}.{k}: pskit {m} not within psutil [{a}, {b}]"
        );
    }
}

#[test]
fn psutil_is_the_expected_version() {
    let v = py("out(psutil.__version__)");
    assert_eq!(
        v, "7.2.2",
        "parity baseline is psutil 7.2.2: `pip install psutil==7.2.2`"
    );
}

#[test]
fn cpu_counts_and_nproc() {
    let v = py("out([psutil.cpu_count(), psutil.cpu_count(logical=False), len(psutil.Process().cpu_affinity())])");
    assert_eq!(json(&pskit::cpu_count().unwrap()), v[0]);
    assert_eq!(json(&pskit::cpu_count_physical().unwrap()), v[1]);
    let nproc_all: usize = sh("nproc", &["--all"]).trim().parse().unwrap();
    assert_eq!(pskit::cpu_count().unwrap(), Some(nproc_all));
    // Usable = affinity, lowered by a cgroup quota if any.
    let usable = pskit::cpu_count_usable().unwrap();
    assert!(usable as u64 <= v[2].as_u64().unwrap());
    let nproc: usize = sh("nproc", &[]).trim().parse().unwrap();
    assert!(usable <= nproc);
}

#[test]
fn cpu_times_and_stats_bracketed() {
    let code = "out([psutil.cpu_times(), psutil.cpu_times(percpu=True), psutil.cpu_stats()])";
    let a = py(code);
    let mid = (
        pskit::cpu_times().unwrap(),
        pskit::cpu_times_percpu().unwrap(),
        pskit::cpu_stats().unwrap(),
    );
    let b = py(code);
    // 0.011 s: psutil rounds nothing, but both divide the same ticks; allow one tick.
    // On a tickless kernel an idle period in progress is counted as iowait while a task
    // waits for I/O and as idle afterwards, so iowait alone may go backwards: those two
    // are bracketed as their sum, and iowait with a second of slack.
    let idle_as_sum = |v: &Value| {
        let mut v = v.clone();
        let sum = f(&v["idle"]) + f(&v["iowait"]);
        v["idle"] = sum.into();
        v
    };
    let check = |what: &str, a: &Value, m: &Value, b: &Value| {
        bracket(
            what,
            &idle_as_sum(a),
            &idle_as_sum(m),
            &idle_as_sum(b),
            0.011,
        );
        let io = |v: &Value| f(&v["iowait"]);
        assert!(
            io(a) - 1.0 <= io(m) && io(m) <= io(b) + 1.0,
            "{what}.iowait: pskit {} not near psutil [{}, {}]",
            io(m),
            io(a),
            io(b)
        );
    };
    check("cpu_times", &a[0], &json(&mid.0), &b[0]);
    assert_eq!(a[1].as_array().unwrap().len(), mid.1.len());
    for (i, t) in mid.1.iter().enumerate() {
        check("cpu_times_percpu", &a[1][i], &json(t), &b[1][i]);
    }
    bracket("cpu_stats", &a[2], &json(&mid.2), &b[2], 0.0);
}

#[test]
fn cpu_freq_boot_time_loadavg() {
    let v = py("out([psutil.cpu_freq(), psutil.cpu_freq(percpu=True), psutil.boot_time(), psutil.getloadavg()])");
    // psutil 7.2 gives one entry per cpufreq policy (8.0: per online CPU); on machines
    // where each CPU has its own policy, and on VMs without cpufreq, they agree.
    let per = json(&pskit::cpu_freq_percpu().unwrap());
    assert_eq!(
        per.as_array().unwrap().len(),
        v[1].as_array().unwrap().len()
    );
    for (p, q) in per.as_array().unwrap().iter().zip(v[1].as_array().unwrap()) {
        assert!(
            (f(&p["current"]) - f(&q["current"])).abs() < 500.0,
            "{p} vs {q}"
        );
        assert_eq!(p["min"], q["min"]);
        assert_eq!(p["max"], q["max"]);
    }
    if v[0].is_null() {
        assert!(pskit::cpu_freq().unwrap().is_none());
    }
    // The boot time is derived from the wall clock, which NTP may step on a fresh VM.
    assert!((pskit::boot_time().unwrap() - f(&v[2])).abs() <= 1.0);
    let (one, _, fifteen) = pskit::getloadavg().unwrap();
    assert!((one - f(&v[3][0])).abs() < 1.0);
    assert!((fifteen - f(&v[3][2])).abs() < 0.5);
}

#[test]
fn cpu_percent_blocking_matches_psutil_over_the_same_second() {
    // psutil measures in a child over the same 1 s window, started once the child has
    // imported psutil (Python's start-up is itself load that only one side would see);
    // utilisation is a gauge, so allow 15 points, and three tries on a busy machine.
    let mut seen = Vec::new();
    let mut mine = 0.0;
    for _ in 0..3 {
        let mut child = Command::new("python3")
            .arg("-c")
            .arg(format!(
                "{PRELUDE}\nprint('ready', flush=True)\n\
                 out([psutil.cpu_percent(interval=1), psutil.cpu_times_percent(interval=None)])"
            ))
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
        let mut ready = String::new();
        std::io::BufRead::read_line(&mut stdout, &mut ready).unwrap();
        assert_eq!(
            ready.trim(),
            "ready",
            "psutil must be importable by python3"
        );
        mine = pskit::cpu_percent(Some(Duration::from_secs(1))).unwrap();
        let mut rest = Vec::new();
        std::io::Read::read_to_end(&mut stdout, &mut rest).unwrap();
        assert!(child.wait().unwrap().success());
        let v: Value = serde_json::from_slice(&rest).unwrap();
        if (mine - f(&v[0])).abs() <= 15.0 {
            seen.clear();
            break;
        }
        seen.push((mine, f(&v[0])));
    }
    assert!(seen.is_empty(), "pskit vs psutil cpu_percent: {seen:?}");
    assert_eq!(mine, (mine * 10.0).round() / 10.0, "rounded to 1 decimal");
    let t = pskit::cpu_times_percent(Some(Duration::from_millis(500))).unwrap();
    let fields = [t.user, t.nice, t.system, t.idle, t.iowait, t.irq, t.softirq];
    assert!(fields.iter().all(|p| (0.0..=100.0).contains(p)));
    let sum: f64 = fields.iter().sum::<f64>() + t.steal.unwrap_or(0.0);
    assert!(
        (sum - 100.0).abs() < 1.5,
        "percentages add up to 100: {sum}"
    );
}

#[test]
fn virtual_memory_vs_psutil_and_free() {
    let a = py("out(psutil.virtual_memory())");
    let m = json(&pskit::virtual_memory().unwrap());
    assert_eq!(m["total"], a["total"]);
    // Gauges: 64 MiB tolerance (the test harness itself allocates).
    const TOL: f64 = 64.0 * 1024.0 * 1024.0;
    for k in [
        "available",
        "used",
        "free",
        "active",
        "inactive",
        "buffers",
        "cached",
        "shared",
        "slab",
    ] {
        assert!(
            (f(&m[k]) - f(&a[k])).abs() < TOL,
            "{k}: pskit {} psutil {}",
            m[k],
            a[k]
        );
    }
    assert!((f(&m["percent"]) - f(&a["percent"])).abs() < 1.0);
    // free -b: "Mem:  total used free shared buff/cache available"
    let free = sh("free", &["-b"]);
    let mem: Vec<u64> = free
        .lines()
        .find(|l| l.starts_with("Mem:"))
        .unwrap()
        .split_whitespace()
        .skip(1)
        .map(|x| x.parse().unwrap())
        .collect();
    assert_eq!(f(&m["total"]) as u64, mem[0]);
    assert!((f(&m["available"]) - mem[5] as f64).abs() < TOL);
}

#[test]
fn swap_memory_vs_psutil() {
    let a = py("out(psutil.swap_memory())");
    let s = json(&pskit::swap_memory().unwrap());
    assert_eq!(s["total"], a["total"]);
    assert!((f(&s["free"]) - f(&a["free"])).abs() < 64.0 * 1024.0 * 1024.0);
    let b = py("out(psutil.swap_memory())");
    for k in ["sin", "sout"] {
        assert!(f(&a[k]) <= f(&s[k]) && f(&s[k]) <= f(&b[k]), "{k}");
    }
    let devs: u64 = pskit::swap_devices().unwrap().iter().map(|d| d.size).sum();
    // /proc/swaps sizes are in kB and SwapTotal excludes the header page of each area.
    assert!(devs >= f(&s["total"]) as u64);
}

#[test]
fn disk_partitions_and_usage_vs_psutil_and_df() {
    for all in [false, true] {
        let v = py(&format!(
            "out(psutil.disk_partitions(all={}))",
            if all { "True" } else { "False" }
        ));
        assert_eq!(json(&pskit::disk_partitions(all).unwrap()), v, "all={all}");
    }
    for p in pskit::disk_partitions(false).unwrap() {
        let mp = p.mountpoint.to_str().unwrap();
        let v = py(&format!("out(psutil.disk_usage({mp:?}))"));
        let u = pskit::disk_usage(&p.mountpoint).unwrap();
        assert_eq!(json(&u.total), v["total"], "{mp}");
        assert!((u.free as f64 - f(&v["free"])).abs() < 64e6, "{mp}");
        assert!((u.percent - f(&v["percent"])).abs() <= 0.2, "{mp}");
        // df -B1 reports the same total (f_blocks × f_frsize).
        let df = sh("df", &["-B1", "--output=size", mp]);
        let size: u64 = df.lines().nth(1).unwrap().trim().parse().unwrap();
        assert_eq!(u.total, size, "{mp}");
        // df -i: the same inode total; used within what other tests create meanwhile.
        let inodes = pskit::disk_inode_usage(&p.mountpoint).unwrap();
        let df = sh("df", &["--output=itotal,iused", mp]);
        let v: Vec<u64> = df
            .lines()
            .nth(1)
            .unwrap()
            .split_whitespace()
            .map(|x| x.parse().unwrap())
            .collect();
        assert_eq!(inodes.total, v[0], "{mp} inodes");
        assert!(
            inodes.used.abs_diff(v[1]) < 10_000,
            "{mp} inodes used {inodes:?} vs {v:?}"
        );
    }
}

#[test]
fn disk_io_counters_bracketed() {
    let code = "out([psutil.disk_io_counters(perdisk=True, nowrap=False), psutil.disk_io_counters(nowrap=False)])";
    let a = py(code);
    let per = pskit::disk_io_counters_perdisk(false).unwrap();
    let total = pskit::disk_io_counters(false).unwrap();
    let b = py(code);
    let keys: Vec<&String> = per.keys().collect();
    let mut theirs: Vec<&String> = a[0].as_object().unwrap().keys().collect();
    theirs.sort();
    assert_eq!(keys, theirs);
    for (k, d) in &per {
        bracket(&format!("disk {k}"), &a[0][k], &json(d), &b[0][k], 0.0);
    }
    match total {
        Some(t) => bracket("disk total", &a[1], &json(&t), &b[1], 0.0),
        None => assert!(a[1].is_null()),
    }
}

#[test]
fn net_io_counters_bracketed() {
    let code = "out([psutil.net_io_counters(pernic=True, nowrap=False), psutil.net_io_counters(nowrap=False)])";
    let a = py(code);
    let per = pskit::net_io_counters_pernic(false).unwrap();
    let total = pskit::net_io_counters(false).unwrap();
    let b = py(code);
    let mut theirs: Vec<&String> = a[0].as_object().unwrap().keys().collect();
    theirs.sort();
    assert_eq!(per.keys().collect::<Vec<_>>(), theirs);
    for (k, n) in &per {
        bracket(&format!("nic {k}"), &a[0][k], &json(n), &b[0][k], 0.0);
    }
    bracket("net total", &a[1], &json(&total.unwrap()), &b[1], 0.0);
}

#[test]
fn net_if_addrs_and_stats_exact() {
    let v = py("out(psutil.net_if_addrs())");
    let mine = json(&pskit::net_if_addrs().unwrap());
    assert_eq!(mine, v);
    let v = py("out(psutil.net_if_stats())");
    assert_eq!(json(&pskit::net_if_stats().unwrap()), v);
}

#[test]
fn sensors_vs_psutil() {
    let v =
        py("out([psutil.sensors_temperatures(), psutil.sensors_fans(), psutil.sensors_battery()])");
    // pskit keys duplicate chip names `name-1`, `name-2`; psutil merges them under
    // `name`. Fold them back to compare.
    let mut temps: BTreeMap<String, Vec<(String, f64)>> = BTreeMap::new();
    for (k, list) in pskit::sensors_temperatures(false).unwrap() {
        let base = match k.rsplit_once('-') {
            Some((b, n)) if n.bytes().all(|c| c.is_ascii_digit()) && v[0].get(b).is_some() => {
                b.to_string()
            }
            _ => k,
        };
        temps
            .entry(base)
            .or_default()
            .extend(list.into_iter().map(|t| (t.label, t.current)));
    }
    let theirs = v[0].as_object().unwrap();
    assert_eq!(
        temps.keys().collect::<Vec<_>>(),
        theirs.keys().collect::<Vec<_>>()
    );
    for (k, mine) in &temps {
        let their: Vec<(String, f64)> = theirs[k]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| (t["label"].as_str().unwrap().to_string(), f(&t["current"])))
            .collect();
        assert_eq!(mine.len(), their.len(), "{k}");
        for (m, t) in mine.iter().zip(&their) {
            assert!((m.1 - t.1).abs() < 5.0, "{k}: {m:?} vs {t:?}");
        }
    }
    let fans = json(&pskit::sensors_fans().unwrap());
    assert_eq!(
        fans.as_object().unwrap().len(),
        v[1].as_object().unwrap().len()
    );
    let bat = pskit::sensors_battery().unwrap();
    assert_eq!(bat.is_none(), v[2].is_null());
    if let Some(b) = bat {
        assert!((b.percent - f(&v[2]["percent"])).abs() < 1.0);
        assert_eq!(json(&b.power_plugged), v[2]["power_plugged"]);
    }
}

#[test]
fn users_exact() {
    // psutil reads utmp; pskit reads utmp too when it exists (and logind otherwise,
    // where psutil returns []).
    let v = py("out(psutil.users())");
    let utmp = std::path::Path::new("/var/run/utmp").exists()
        || std::path::Path::new("/run/utmp").exists();
    let mine = json(&pskit::users().unwrap());
    if utmp {
        assert_eq!(mine, v);
    } else {
        assert_eq!(v, serde_json::json!([]));
    }
}

#[test]
fn constants() {
    let v = py("out([psutil.LINUX, psutil.POSIX, psutil.WINDOWS, psutil.MACOS, psutil.BSD, psutil.AF_LINK, psutil.CONN_ESTABLISHED, psutil.NIC_DUPLEX_FULL, psutil.POWER_TIME_UNLIMITED])");
    assert_eq!(v[0], pskit::LINUX);
    assert_eq!(v[1], pskit::POSIX);
    assert_eq!(v[2], pskit::WINDOWS);
    assert_eq!(v[3], pskit::MACOS);
    assert_eq!(v[4], pskit::BSD);
    assert_eq!(v[5], pskit::AF_LINK);
    assert_eq!(v[6], json(&pskit::ConnectionStatus::Established));
    assert_eq!(v[7], json(&pskit::NicDuplex::Full));
    assert_eq!(v[8], json(&pskit::BatteryTime::Unlimited));
}

#[test]
fn cpu_info_matches_lscpu() {
    // lscpu reads the same /proc/cpuinfo (first processor) for these three.
    let doc: Value = serde_json::from_str(&sh("lscpu", &["-J"])).unwrap();
    fn walk<'a>(entries: &'a [Value], out: &mut BTreeMap<String, &'a str>) {
        for e in entries {
            let field = e["field"].as_str().unwrap_or("").trim_end_matches(':');
            if let Some(data) = e["data"].as_str() {
                out.insert(field.to_string(), data);
            }
            if let Some(children) = e["children"].as_array() {
                walk(children, out);
            }
        }
    }
    let mut fields = BTreeMap::new();
    walk(doc["lscpu"].as_array().unwrap(), &mut fields);
    let info = pskit::cpu_info().unwrap();
    assert_eq!(info.vendor.as_deref(), fields.get("Vendor ID").copied());
    assert_eq!(
        info.model_name.as_deref(),
        fields.get("Model name").copied()
    );
    let flags: Vec<&str> = fields
        .get("Flags")
        .map(|f| f.split_whitespace().collect())
        .unwrap_or_default();
    assert_eq!(info.flags, flags);
}

#[test]
fn cgroup_memory_reads_this_process_cgroup() {
    // /proc/self/cgroup names our cgroup per hierarchy: `0::PATH` (v2) and
    // `N:memory:PATH` (v1). The library must read the directory of that path.
    let own = std::fs::read_to_string("/proc/self/cgroup").unwrap();
    let listed = |controller: &str| {
        own.lines().find_map(|l| {
            let mut parts = l.splitn(3, ':');
            let (_, ctl, path) = (parts.next()?, parts.next()?, parts.next()?);
            (ctl == controller).then(|| path.trim_matches('/').to_string())
        })
    };
    let m = match pskit::cgroup_memory(None) {
        Ok(m) => m,
        Err(e) => {
            // Only where our cgroup has no memory accounting to read (the root cgroup).
            let v2 = listed("").map(|p| format!("/sys/fs/cgroup/{p}/memory.current"));
            let v1 = listed("memory")
                .map(|p| format!("/sys/fs/cgroup/memory/{p}/memory.usage_in_bytes"));
            for f in [v2, v1].into_iter().flatten() {
                assert!(!std::path::Path::new(&f).exists(), "{f} exists, yet: {e}");
            }
            return;
        }
    };
    let (path, usage_file) = match m.version {
        1 => (listed("memory").unwrap(), "memory.usage_in_bytes"),
        _ => (listed("").unwrap(), "memory.current"),
    };
    assert!(
        m.path.ends_with(&path),
        "read {:?}, /proc/self/cgroup says {path:?}",
        m.path
    );
    let usage: u64 = std::fs::read_to_string(m.path.join(usage_file))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    // A gauge that moves with every test thread's allocations.
    assert!(
        m.current.abs_diff(usage) < 64 << 20,
        "{} vs {usage_file} {usage}",
        m.current
    );
}

#[test]
fn memory_and_swap_match_vmstat() {
    // vmstat -s (procps) reads the same /proc/meminfo, in KiB.
    let text = sh("vmstat", &["-s"]);
    let kib = |label: &str| -> u64 {
        let line = text
            .lines()
            .find(|l| l.trim_end().ends_with(label))
            .unwrap_or_else(|| panic!("no '{label}' in vmstat -s"));
        line.split_whitespace()
            .next()
            .unwrap()
            .parse::<u64>()
            .unwrap()
            * 1024
    };
    let m = pskit::virtual_memory().unwrap();
    let s = pskit::swap_memory().unwrap();
    assert_eq!(m.total, kib("K total memory"));
    assert_eq!(s.total, kib("K total swap"));
    // Gauges: the same 64 MiB as against psutil.
    const TOL: u64 = 64 << 20;
    assert!(m.free.abs_diff(kib("K free memory")) < TOL);
    assert!(m.active.abs_diff(kib("K active memory")) < TOL);
    assert!(m.inactive.abs_diff(kib("K inactive memory")) < TOL);
    assert!(m.buffers.abs_diff(kib("K buffer memory")) < TOL);
    assert!(s.free.abs_diff(kib("K free swap")) < TOL);
}
