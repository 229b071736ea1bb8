//! cgroup v2 and v1 readers under `{sys}/fs/cgroup`.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

use super::{read_path, with_proc};
use crate::linux::fs::with_scratch;
use crate::linux::parse::{cgroup, fields, lines, parse_u64};
use crate::linux::HostState;
use crate::system::cgroup::{CgroupCpu, CgroupMemory};
use crate::{Error, Result};

fn read<T>(path: &Path, f: impl FnOnce(&[u8]) -> Option<T>) -> Option<T> {
    with_scratch(|buf| {
        read_path(path, buf).ok()?;
        f(buf)
    })
}

fn keyed_all(data: &[u8]) -> BTreeMap<String, u64> {
    lines(data)
        .filter_map(|l| {
            let mut it = fields(l);
            let k = std::str::from_utf8(it.next()?).ok()?;
            Some((k.to_owned(), parse_u64(it.next()?)?))
        })
        .collect()
}

fn join(root: &Path, cg: &[u8]) -> PathBuf {
    let rel = String::from_utf8_lossy(cg);
    let rel = rel.trim_matches('/');
    if rel.is_empty() {
        root.to_path_buf()
    } else {
        root.join(rel)
    }
}

/// The cgroup directory to read: `(version, dir)`.
fn locate(
    host: &HostState,
    given: Option<&str>,
    v2_probe: &str,
    v1: &[&str],
) -> Result<(u8, PathBuf)> {
    let m = match given {
        Some(_) => cgroup::Membership::default(),
        None => with_proc(host, "self/cgroup", |d| Ok(cgroup::membership(d)))?,
    };
    let root = host.sys_path("fs/cgroup");
    let v2root = [root.clone(), root.join("unified")]
        .into_iter()
        .find(|r| r.join("cgroup.controllers").exists());
    if given.is_some_and(|g| g.split('/').any(|part| part == "..")) {
        return Err(Error::InvalidArgument(format!(
            "cgroup path {:?} must not leave the cgroup tree",
            given.unwrap_or_default()
        )));
    }
    // A cgroup the caller names must exist: never answer for another one instead.
    let no_such = |dir: PathBuf| Error::io(dir, io::Error::from(io::ErrorKind::NotFound));
    if let (Some(v2root), Some(g)) = (&v2root, given) {
        let dir = join(v2root, g.as_bytes());
        let v1_mounted = v1.iter().any(|c| root.join(c).is_dir());
        if !dir.is_dir() && !v1_mounted {
            return Err(no_such(dir));
        }
    }
    if let Some(v2root) = &v2root {
        let path = given.map(|g| g.as_bytes().to_vec()).or(m.unified.clone());
        if let Some(p) = path {
            // The named (or own) cgroup; for our own, the root when we are in it.
            let dirs = [join(v2root, &p), v2root.clone()];
            for dir in dirs.into_iter().take(if given.is_some() { 1 } else { 2 }) {
                if dir.join(v2_probe).exists() {
                    return Ok((2, dir));
                }
            }
        }
    }
    for ctl in v1 {
        let mount = root.join(ctl);
        if !mount.is_dir() {
            continue;
        }
        let path = given.map(|g| g.as_bytes().to_vec()).or_else(|| match *ctl {
            "memory" => m.memory_v1.clone(),
            _ => m.cpu_v1.clone().or(m.cpuacct_v1.clone()),
        });
        let dir = match path.map(|p| join(&mount, &p)) {
            Some(d) if d.is_dir() => d,
            Some(d) if given.is_some() => return Err(no_such(d)),
            _ => mount,
        };
        return Ok((1, dir));
    }
    // Pure v2 without the probe file: the root cgroup (which has no limits files).
    if let Some(v2root) = v2root.filter(|r| r == &root) {
        let path = given.map(|g| g.as_bytes().to_vec()).or(m.unified);
        let dir = match path.map(|p| join(&v2root, &p)) {
            Some(d) if d.is_dir() => d,
            Some(d) if given.is_some() => return Err(no_such(d)),
            _ => v2root,
        };
        return Ok((2, dir));
    }
    Err(Error::NotSupported(format!(
        "no cgroup controller for {v2_probe} under {}",
        root.display()
    )))
}

pub(crate) fn memory(host: &HostState, given: Option<&str>) -> Result<CgroupMemory> {
    let (version, dir) = locate(host, given, "memory.max", &["memory"])?;
    let file = |n: &str| dir.join(n);
    let stat = read(&file("memory.stat"), |d| Some(keyed_all(d))).unwrap_or_default();
    let missing = |n: &str| Error::parse(dir.join(n), "missing or unreadable");
    if version == 2 {
        Ok(CgroupMemory {
            version,
            current: read(&file("memory.current"), |d| parse_u64(d.trim_ascii()))
                .ok_or_else(|| missing("memory.current"))?,
            max: read(&file("memory.max"), cgroup::limit).flatten(),
            high: read(&file("memory.high"), cgroup::limit).flatten(),
            swap_current: read(&file("memory.swap.current"), |d| parse_u64(d.trim_ascii())),
            swap_max: read(&file("memory.swap.max"), cgroup::limit).flatten(),
            stat,
            path: dir,
        })
    } else {
        let current = read(&file("memory.usage_in_bytes"), |d| {
            parse_u64(d.trim_ascii())
        })
        .ok_or_else(|| missing("memory.usage_in_bytes"))?;
        let memsw = read(&file("memory.memsw.usage_in_bytes"), |d| {
            parse_u64(d.trim_ascii())
        });
        let max = read(&file("memory.limit_in_bytes"), cgroup::v1_limit).flatten();
        let memsw_max = read(&file("memory.memsw.limit_in_bytes"), cgroup::v1_limit).flatten();
        Ok(CgroupMemory {
            version,
            current,
            max,
            high: None,
            swap_current: memsw.map(|s| s.saturating_sub(current)),
            swap_max: memsw_max.zip(max).map(|(s, m)| s.saturating_sub(m)),
            stat,
            path: dir,
        })
    }
}

pub(crate) fn cpu(host: &HostState, given: Option<&str>) -> Result<CgroupCpu> {
    let (version, dir) = locate(host, given, "cpu.max", &["cpu,cpuacct", "cpu", "cpuacct"])?;
    let file = |n: &str| dir.join(n);
    let num = |n: &str| read(&file(n), |d| parse_u64(d.trim_ascii()));
    let stat = |k: &[u8]| read(&file("cpu.stat"), |d| cgroup::keyed(d, k));
    let limit = |q: Option<u64>, p: u64| q.filter(|_| p > 0).map(|q| q as f64 / p as f64);
    if version == 2 {
        let (quota, period) = read(&file("cpu.max"), cgroup::cpu_max).unwrap_or((None, 100_000));
        Ok(CgroupCpu {
            version,
            quota_us: quota,
            period_us: period,
            limit: limit(quota, period),
            usage_usec: stat(b"usage_usec"),
            user_usec: stat(b"user_usec"),
            system_usec: stat(b"system_usec"),
            nr_periods: stat(b"nr_periods"),
            nr_throttled: stat(b"nr_throttled"),
            throttled_usec: stat(b"throttled_usec"),
            path: dir,
        })
    } else {
        let quota = read(&file("cpu.cfs_quota_us"), |d| {
            let v = crate::linux::parse::parse_i64(d.trim_ascii())?;
            Some(u64::try_from(v).ok())
        })
        .flatten();
        let period = num("cpu.cfs_period_us").unwrap_or(100_000);
        let ticks = |k: &[u8]| {
            read(&file("cpuacct.stat"), |d| cgroup::keyed(d, k))
                .map(|t| (t as f64 * 1e6 / host.clock_ticks) as u64)
        };
        Ok(CgroupCpu {
            version,
            quota_us: quota,
            period_us: period,
            limit: limit(quota, period),
            usage_usec: num("cpuacct.usage").map(|ns| ns / 1000),
            user_usec: ticks(b"user"),
            system_usec: ticks(b"system"),
            nr_periods: stat(b"nr_periods"),
            nr_throttled: stat(b"nr_throttled"),
            throttled_usec: stat(b"throttled_time").map(|ns| ns / 1000),
            path: dir,
        })
    }
}
