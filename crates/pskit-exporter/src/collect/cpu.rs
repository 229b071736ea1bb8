//! `node_cpu_seconds_total{cpu,mode}` and `node_cpu_guest_seconds_total{cpu,mode}` from
//! the library's per-CPU times, with node_exporter's guard against counters that go
//! backwards (idle and iowait on NO_HZ kernels, steal).

use std::collections::HashMap;

use pskit::{Host, SystemCpuTimes};

use crate::metrics::Batch;

/// A drop of idle time this large (seconds) means the CPU went offline and came back
/// (node_exporter's hotplug rule): its counters restart instead of being held.
const HOTPLUG_IDLE_DROP: f64 = 3.0;

/// Keeps each series at the largest value seen, so the output never decreases.
#[derive(Debug, Default)]
pub(crate) struct CounterGuard {
    last: HashMap<(u32, &'static str), f64>,
}

impl CounterGuard {
    /// The value to export for `(cpu, mode)`: `value`, or the previous one if larger.
    /// `reset` forgets the previous value (CPU hotplug).
    fn clamp(
        &mut self,
        next: &mut HashMap<(u32, &'static str), f64>,
        key: (u32, &'static str),
        value: f64,
        reset: bool,
    ) -> f64 {
        let prev = if reset {
            None
        } else {
            self.last.get(&key).copied()
        };
        let out = prev.map_or(value, |p| p.max(value));
        next.insert(key, out);
        out
    }

    /// Applies the guard to one scrape's CPU times; CPUs that disappeared are forgotten.
    pub(crate) fn apply(
        &mut self,
        cpus: &[(u32, SystemCpuTimes)],
    ) -> Vec<(u32, Vec<(&'static str, f64)>)> {
        let mut next = HashMap::with_capacity(self.last.len());
        let mut out = Vec::with_capacity(cpus.len());
        for (n, t) in cpus {
            let reset = self
                .last
                .get(&(*n, "idle"))
                .is_some_and(|prev| prev - t.idle >= HOTPLUG_IDLE_DROP);
            let mut modes = Vec::with_capacity(10);
            for (mode, v) in modes_of(t) {
                modes.push((mode, self.clamp(&mut next, (*n, mode), v, reset)));
            }
            out.push((*n, modes));
        }
        self.last = next;
        out
    }
}

/// node_exporter's modes, then the guest times under `guest:` keys.
fn modes_of(t: &SystemCpuTimes) -> Vec<(&'static str, f64)> {
    let mut v = vec![
        ("user", t.user),
        ("nice", t.nice),
        ("system", t.system),
        ("idle", t.idle),
        ("iowait", t.iowait),
        ("irq", t.irq),
        ("softirq", t.softirq),
    ];
    if let Some(s) = t.steal {
        v.push(("steal", s));
    }
    if let Some(g) = t.guest {
        v.push(("guest:user", g));
    }
    if let Some(g) = t.guest_nice {
        v.push(("guest:nice", g));
    }
    v
}

/// The `cpu` collector.
pub(crate) struct CpuCollector {
    host: Host,
    guard: CounterGuard,
}

impl CpuCollector {
    pub(crate) fn new(host: Host) -> Self {
        CpuCollector {
            host,
            guard: CounterGuard::default(),
        }
    }
}

impl super::Collect for CpuCollector {
    fn collect(&mut self, out: &mut Batch) -> pskit::Result<()> {
        let cpus = self.host.cpu_times_numbered()?;
        let guarded = self.guard.apply(&cpus);
        let secs = out.counter("node_cpu_seconds", "Seconds the CPUs spent in each mode.");
        for (n, modes) in &guarded {
            for (mode, v) in modes.iter().filter(|(m, _)| !m.starts_with("guest:")) {
                secs.push(vec![("cpu", n.to_string()), ("mode", mode.to_string())], *v);
            }
        }
        let guest = out.counter(
            "node_cpu_guest_seconds",
            "Seconds the CPUs spent in guests (VMs) for each mode.",
        );
        for (n, modes) in &guarded {
            for (mode, v) in modes
                .iter()
                .filter_map(|(m, v)| Some((m.strip_prefix("guest:")?, v)))
            {
                guest.push(vec![("cpu", n.to_string()), ("mode", mode.to_string())], *v);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn times(idle: f64, steal: f64) -> SystemCpuTimes {
        let mut t = SystemCpuTimes::default();
        t.idle = idle;
        t.steal = Some(steal);
        t.user = 10.0;
        t
    }

    fn get(out: &[(u32, Vec<(&'static str, f64)>)], mode: &str) -> f64 {
        out[0].1.iter().find(|(m, _)| *m == mode).unwrap().1
    }

    #[test]
    fn steal_going_back_is_held_and_a_big_idle_drop_resets() {
        let mut g = CounterGuard::default();
        g.apply(&[(0, times(100.0, 1.0))]);
        // NO_HZ: steal 1 -> 0 and idle 100 -> 99.5 are held at their previous values.
        let out = g.apply(&[(0, times(99.5, 0.0))]);
        assert_eq!(get(&out, "steal"), 1.0);
        assert_eq!(get(&out, "idle"), 100.0);
        // Then they grow again past the held value.
        let out = g.apply(&[(0, times(101.0, 2.0))]);
        assert_eq!((get(&out, "idle"), get(&out, "steal")), (101.0, 2.0));
        // Idle dropping by 5 s: the CPU was replugged, its counters restart.
        let out = g.apply(&[(0, times(96.0, 0.5))]);
        assert_eq!((get(&out, "idle"), get(&out, "steal")), (96.0, 0.5));
    }

    #[test]
    fn offline_cpus_are_forgotten() {
        let mut g = CounterGuard::default();
        g.apply(&[(0, times(1.0, 0.0)), (1, times(1.0, 0.0))]);
        g.apply(&[(0, times(2.0, 0.0))]);
        assert!(g.last.keys().all(|(n, _)| *n == 0));
    }
}
