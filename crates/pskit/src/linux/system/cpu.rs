//! CPU readers: /proc/stat, /proc/cpuinfo, /proc/loadavg, /sys/devices/system/cpu.

use super::{list_dir, numbered, read_text, read_u64, with_proc};
use crate::linux::parse::{cpuinfo, kstat};
use crate::linux::HostState;
use crate::system::cpu::{
    CpuCache, CpuFreq, CpuInfo, CpuStats, KernelProcessStats, SystemCpuTimes,
};
use crate::{Error, Result};

fn no_cpu_line(host: &HostState) -> Error {
    Error::parse(host.proc_path("stat"), "no cpu line")
}

pub(crate) fn cpu_times(host: &HostState) -> Result<SystemCpuTimes> {
    with_proc(host, "stat", |data| {
        let t = kstat::stat_cpu_total(data).ok_or_else(|| no_cpu_line(host))?;
        Ok(SystemCpuTimes::from_ticks(
            &t.ticks,
            t.columns,
            host.clock_ticks,
        ))
    })
}

pub(crate) fn cpu_times_percpu(host: &HostState) -> Result<Vec<SystemCpuTimes>> {
    with_proc(host, "stat", |data| {
        let mut out = Vec::new();
        kstat::stat_cpu_each(data, |_, t| {
            out.push(SystemCpuTimes::from_ticks(
                &t.ticks,
                t.columns,
                host.clock_ticks,
            ))
        })
        .ok_or_else(|| Error::parse(host.proc_path("stat"), "malformed cpuN line"))?;
        if out.is_empty() {
            return Err(no_cpu_line(host));
        }
        Ok(out)
    })
}

pub(crate) fn cpu_times_numbered(host: &HostState) -> Result<Vec<(u32, SystemCpuTimes)>> {
    with_proc(host, "stat", |data| {
        let mut out = Vec::new();
        kstat::stat_cpu_each(data, |n, t| {
            out.push((
                n,
                SystemCpuTimes::from_ticks(&t.ticks, t.columns, host.clock_ticks),
            ))
        })
        .ok_or_else(|| Error::parse(host.proc_path("stat"), "malformed cpuN line"))?;
        if out.is_empty() {
            return Err(no_cpu_line(host));
        }
        Ok(out)
    })
}

pub(crate) fn kernel_process_stats(host: &HostState) -> Result<KernelProcessStats> {
    with_proc(host, "stat", |data| {
        let (forks, procs_running, procs_blocked) = kstat::stat_procs(data);
        Ok(KernelProcessStats {
            forks,
            procs_running,
            procs_blocked,
        })
    })
}

pub(crate) fn cpu_stats(host: &HostState) -> Result<CpuStats> {
    with_proc(host, "stat", |data| {
        let (ctxt, intr, soft) = kstat::stat_counters(data);
        let missing = |what: &str| Error::parse(host.proc_path("stat"), format!("no {what} line"));
        Ok(CpuStats {
            ctx_switches: ctxt.ok_or_else(|| missing("ctxt"))?,
            interrupts: intr.ok_or_else(|| missing("intr"))?,
            soft_interrupts: soft.unwrap_or(0),
            syscalls: 0,
        })
    })
}

pub(crate) fn loadavg(host: &HostState) -> Result<(f64, f64, f64)> {
    with_proc(host, "loadavg", |data| {
        kstat::loadavg(data).ok_or_else(|| Error::parse(host.proc_path("loadavg"), "bad format"))
    })
}

/// The online CPUs from `{sys}/devices/system/cpu/online`, if readable.
pub(crate) fn online_cpus(host: &HostState) -> Option<Vec<u32>> {
    let text = read_text(&host.sys_path("devices/system/cpu/online"))?;
    cpuinfo::cpu_list(text.as_bytes()).filter(|l| !l.is_empty())
}

fn read_cpuinfo(host: &HostState) -> Result<cpuinfo::Cpuinfo> {
    with_proc(host, "cpuinfo", |d| Ok(cpuinfo::cpuinfo(d)))
}

pub(crate) fn cpu_count_logical(host: &HostState) -> Result<Option<usize>> {
    if let Some(online) = online_cpus(host) {
        return Ok(Some(online.len()));
    }
    if let Ok(info) = read_cpuinfo(host) {
        if info.processors > 0 {
            return Ok(Some(info.processors));
        }
    }
    let n = cpu_times_percpu(host).map(|v| v.len()).unwrap_or(0);
    Ok((n > 0).then_some(n))
}

pub(crate) fn cpu_count_physical(host: &HostState) -> Result<Option<usize>> {
    let base = host.sys_path("devices/system/cpu");
    let cpus: Vec<String> = list_dir(&base)
        .into_iter()
        .filter(|n| numbered(n, "cpu").is_some())
        .collect();
    for file in ["core_cpus_list", "thread_siblings_list"] {
        let mut seen: Vec<String> = Vec::new();
        for cpu in &cpus {
            if let Some(v) = read_text(&base.join(cpu).join("topology").join(file)) {
                if !seen.contains(&v) {
                    seen.push(v);
                }
            }
        }
        if !seen.is_empty() {
            return Ok(Some(seen.len()));
        }
    }
    let info = read_cpuinfo(host)?;
    Ok((info.cores > 0).then_some(info.cores))
}

pub(crate) fn cpu_freq(host: &HostState) -> Result<Vec<CpuFreq>> {
    let base = host.sys_path("devices/system/cpu");
    let online: Vec<u32> = match online_cpus(host) {
        Some(v) => v,
        None => list_dir(&base)
            .iter()
            .filter_map(|n| numbered(n, "cpu"))
            .collect(),
    };
    let mhz = read_cpuinfo(host).map(|i| i.mhz).unwrap_or_default();
    let khz = |dir: &std::path::Path, f: &str| read_u64(&dir.join(f)).map(|v| v as f64 / 1000.0);
    let mut out = Vec::new();
    let mut missing = Vec::new();
    for (i, cpu) in online.iter().enumerate() {
        let dir = base.join(format!("cpu{cpu}/cpufreq"));
        let Some(cur) = khz(&dir, "scaling_cur_freq").or_else(|| khz(&dir, "cpuinfo_cur_freq"))
        else {
            missing.push((out.len(), i));
            continue;
        };
        out.push(CpuFreq {
            current: cur,
            min: khz(&dir, "scaling_min_freq").unwrap_or(0.0),
            max: khz(&dir, "scaling_max_freq").unwrap_or(0.0),
        });
    }
    if !out.is_empty() {
        // Some online CPUs without cpufreq among others with it: one entry per online
        // CPU still, from cpuinfo's MHz where it has one, bounds unknown.
        for (at, i) in missing.into_iter().rev() {
            if let Some(&current) = mhz.get(i) {
                let entry = CpuFreq {
                    current,
                    min: 0.0,
                    max: 0.0,
                };
                out.insert(at, entry);
            }
        }
    }
    if out.is_empty() {
        // No cpufreq (virtual machines, some ARM boards): cpuinfo's MHz, bounds unknown.
        return Ok(mhz
            .into_iter()
            .map(|current| CpuFreq {
                current,
                min: 0.0,
                max: 0.0,
            })
            .collect());
    }
    if mhz.len() == out.len() {
        for (f, m) in out.iter_mut().zip(mhz) {
            f.current = m;
        }
    }
    Ok(out)
}

pub(crate) fn cpu_info(host: &HostState) -> Result<CpuInfo> {
    let info = read_cpuinfo(host)?;
    let base = host.sys_path("devices/system/cpu/cpu0/cache");
    let mut caches = Vec::new();
    for idx in list_dir(&base) {
        if numbered(&idx, "index").is_none() {
            continue;
        }
        let dir = base.join(&idx);
        let (Some(level), Some(kind), Some(size)) = (
            read_u64(&dir.join("level")),
            read_text(&dir.join("type")),
            read_text(&dir.join("size")).and_then(|s| cpuinfo::size_with_unit(s.as_bytes())),
        ) else {
            continue;
        };
        caches.push(CpuCache {
            level: level as u32,
            kind,
            size,
        });
    }
    Ok(CpuInfo {
        vendor: info.vendor,
        model_name: info.model_name,
        flags: info.flags,
        caches,
        cache_size: info.cache_size,
    })
}
