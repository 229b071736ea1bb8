//! The `cgroups` collector: memory and CPU of every cgroup that holds a process, from
//! the library's cgroup API (`pskit_cgroup_*{cgroup}`), at most `max` cgroups (in path
//! order; the rest are counted as skipped `cgroup`/`Capped` items).

use std::collections::BTreeMap;

use pskit::{Host, Process};

use crate::metrics::Batch;

/// The `cgroups` collector.
pub(crate) struct CgroupCollector {
    pub(crate) host: Host,
    pub(crate) max: usize,
}

impl CgroupCollector {
    /// Distinct cgroups (v2 path, else the first hierarchy's) with their process count.
    fn cgroups(&self, out: &mut Batch) -> pskit::Result<BTreeMap<String, u64>> {
        let mut seen = BTreeMap::new();
        for pid in self.host.pids()? {
            let groups = match Process::with_host(&self.host, pid).and_then(|p| p.cgroup()) {
                Ok(g) => g,
                Err(e) if e.is_gone() => continue,
                Err(e) => {
                    out.skip("process", super::error_kind(&e));
                    continue;
                }
            };
            let Some(g) = groups
                .iter()
                .find(|g| g.hierarchy_id == 0)
                .or(groups.first())
            else {
                continue;
            };
            let Some(path) = g.path.to_str() else {
                out.skip("cgroup", "NonUtf8Path");
                continue;
            };
            *seen.entry(path.to_owned()).or_insert(0u64) += 1;
        }
        Ok(seen)
    }
}

impl super::Collect for CgroupCollector {
    fn collect(&mut self, out: &mut Batch) -> pskit::Result<()> {
        let all = self.cgroups(out)?;
        let capped = all.len().saturating_sub(self.max);
        out.skipped
            .extend(std::iter::repeat(("cgroup", "Capped")).take(capped));
        let mut rows = Vec::new();
        for (path, procs) in all.into_iter().take(self.max) {
            let mem = match self.host.cgroup_memory(Some(&path)) {
                Ok(m) => Some(m),
                Err(e) => {
                    out.skip("cgroup_memory", super::error_kind(&e));
                    None
                }
            };
            let cpu = match self.host.cgroup_cpu(Some(&path)) {
                Ok(c) => Some(c),
                Err(e) => {
                    out.skip("cgroup_cpu", super::error_kind(&e));
                    None
                }
            };
            rows.push((path, procs, mem, cpu));
        }
        let l = |p: &String| vec![("cgroup", p.clone())];
        let fam = out.gauge("pskit_cgroup_processes", "Processes in the cgroup.");
        for (p, n, _, _) in &rows {
            fam.push(l(p), *n);
        }
        let fam = out.gauge(
            "pskit_cgroup_memory_usage_bytes",
            "Memory charged to the cgroup (memory.current or memory.usage_in_bytes).",
        );
        for (p, _, m, _) in &rows {
            if let Some(m) = m {
                fam.push(l(p), m.current);
            }
        }
        let fam = out.gauge(
            "pskit_cgroup_memory_limit_bytes",
            "Memory limit of the cgroup (absent when unlimited).",
        );
        for (p, _, m, _) in &rows {
            if let Some(v) = m.as_ref().and_then(|m| m.max) {
                fam.push(l(p), v);
            }
        }
        let fam = out.gauge(
            "pskit_cgroup_memory_swap_usage_bytes",
            "Swap charged to the cgroup.",
        );
        for (p, _, m, _) in &rows {
            if let Some(v) = m.as_ref().and_then(|m| m.swap_current) {
                fam.push(l(p), v);
            }
        }
        let fam = out.gauge(
            "pskit_cgroup_cpu_limit_cpus",
            "CPU limit of the cgroup in CPUs (quota / period; absent when unlimited).",
        );
        for (p, _, _, c) in &rows {
            if let Some(v) = c.as_ref().and_then(|c| c.limit) {
                fam.push(l(p), v);
            }
        }
        let usec = |v: Option<u64>| v.map(|v| v as f64 / 1e6);
        let fam = out.counter(
            "pskit_cgroup_cpu_usage_seconds",
            "CPU time consumed by the cgroup.",
        );
        for (p, _, _, c) in &rows {
            if let Some(v) = usec(c.as_ref().and_then(|c| c.usage_usec)) {
                fam.push(l(p), v);
            }
        }
        let fam = out.counter(
            "pskit_cgroup_cpu_seconds",
            "CPU time consumed by the cgroup by mode.",
        );
        for (p, _, _, c) in &rows {
            let Some(c) = c else { continue };
            for (mode, v) in [("user", c.user_usec), ("system", c.system_usec)] {
                if let Some(v) = usec(v) {
                    fam.push(vec![("cgroup", p.clone()), ("mode", mode.into())], v);
                }
            }
        }
        let fam = out.counter("pskit_cgroup_cpu_periods", "Enforcement periods elapsed.");
        for (p, _, _, c) in &rows {
            if let Some(v) = c.as_ref().and_then(|c| c.nr_periods) {
                fam.push(l(p), v);
            }
        }
        let fam = out.counter(
            "pskit_cgroup_cpu_throttled_periods",
            "Enforcement periods in which the cgroup was throttled.",
        );
        for (p, _, _, c) in &rows {
            if let Some(v) = c.as_ref().and_then(|c| c.nr_throttled) {
                fam.push(l(p), v);
            }
        }
        let fam = out.counter(
            "pskit_cgroup_cpu_throttled_seconds",
            "Time the cgroup was throttled.",
        );
        for (p, _, _, c) in &rows {
            if let Some(v) = usec(c.as_ref().and_then(|c| c.throttled_usec)) {
                fam.push(l(p), v);
            }
        }
        Ok(())
    }
}
