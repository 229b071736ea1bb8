//! Memory readers: /proc/meminfo, /proc/zoneinfo, /proc/vmstat, /proc/swaps.

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;

use super::{with_proc, with_proc_opt};
use crate::linux::parse::meminfo;
use crate::linux::HostState;
use crate::system::memory::{percent, MeminfoField, SwapDevice, SwapMemory, VirtualMemory};
use crate::{Error, Result};

pub(crate) fn virtual_memory(host: &HostState) -> Result<VirtualMemory> {
    let m = with_proc(host, "meminfo", |d| Ok(meminfo::meminfo(d)))?;
    let missing = |k: &str| Error::parse(host.proc_path("meminfo"), format!("no {k} line"));
    let total = m.mem_total.ok_or_else(|| missing("MemTotal"))?;
    let free = m.mem_free.ok_or_else(|| missing("MemFree"))?;
    let mut avail = match m.mem_available {
        Some(v) if v > 0 => v,
        _ => {
            let low = with_proc_opt(host, "zoneinfo", |d| {
                Ok(meminfo::zoneinfo_low_pages(d) * host.page_size)
            })
            .ok()
            .flatten();
            meminfo::estimate_available(&m, low)
        }
    };
    if avail > total {
        avail = free;
    }
    let inactive =
        m.inactive
            .unwrap_or_else(|| match (m.inact_dirty, m.inact_clean, m.inact_laundry) {
                (Some(a), Some(b), Some(c)) => a + b + c,
                _ => 0,
            });
    // MemFree above MemTotal (a broken or zero MemTotal) must not wrap around.
    let used = total.saturating_sub(avail);
    Ok(VirtualMemory {
        total,
        available: avail,
        percent: percent(used, total),
        used,
        free,
        active: m.active.unwrap_or(0),
        inactive,
        buffers: m.buffers.unwrap_or(0),
        cached: m.cached.map_or(0, |c| c + m.sreclaimable.unwrap_or(0)),
        shared: m.shmem.or(m.mem_shared).unwrap_or(0),
        slab: m.slab.unwrap_or(0),
    })
}

pub(crate) fn meminfo_fields(host: &HostState) -> Result<Vec<MeminfoField>> {
    with_proc(host, "meminfo", |d| {
        Ok(meminfo::meminfo_all(d)
            .into_iter()
            .map(|(name, value, in_kb)| MeminfoField {
                name,
                value: if in_kb {
                    value.saturating_mul(1024)
                } else {
                    value
                },
                bytes: in_kb,
            })
            .collect())
    })
}

pub(crate) fn swap_memory(host: &HostState) -> Result<SwapMemory> {
    let m = with_proc(host, "meminfo", |d| Ok(meminfo::meminfo(d)))?;
    let (total, free) = match (m.swap_total, m.swap_free) {
        (Some(t), Some(f)) => (t, f),
        _ => {
            let info = rustix::system::sysinfo();
            let unit = info.mem_unit.max(1) as u64;
            (info.totalswap as u64 * unit, info.freeswap as u64 * unit)
        }
    };
    let (sin, sout) =
        with_proc_opt(host, "vmstat", |d| Ok(meminfo::vmstat_swap(d)))?.unwrap_or((None, None));
    let used = total.saturating_sub(free);
    Ok(SwapMemory {
        total,
        used,
        free,
        percent: percent(used, total),
        sin: sin.unwrap_or(0) * 4096,
        sout: sout.unwrap_or(0) * 4096,
    })
}

pub(crate) fn swap_devices(host: &HostState) -> Result<Vec<SwapDevice>> {
    with_proc(host, "swaps", |d| {
        meminfo::swaps(d)
            .into_iter()
            .map(|row| {
                let r = row.ok_or_else(|| Error::parse(host.proc_path("swaps"), "bad row"))?;
                Ok(SwapDevice {
                    path: OsString::from_vec(r.path).into(),
                    kind: String::from_utf8_lossy(&r.kind).into_owned(),
                    size: r.size,
                    used: r.used,
                    priority: r.priority,
                })
            })
            .collect()
    })
}
