//! node_exporter's `loadavg`, `diskstats` and `stat` collectors.

use pskit::Host;
use regex::Regex;

use crate::metrics::{Batch, Value};

/// The `loadavg` collector: `node_load1`, `node_load5`, `node_load15`.
pub(crate) struct LoadavgCollector(pub(crate) Host);

impl super::Collect for LoadavgCollector {
    fn collect(&mut self, out: &mut Batch) -> pskit::Result<()> {
        let (l1, l5, l15) = self.0.getloadavg()?;
        out.gauge("node_load1", "1m load average.").push(vec![], l1);
        out.gauge("node_load5", "5m load average.").push(vec![], l5);
        out.gauge("node_load15", "15m load average.")
            .push(vec![], l15);
        Ok(())
    }
}

/// The `stat` collector: boot time, context switches, interrupts, forks and the run
/// queue from /proc/stat.
pub(crate) struct StatCollector(pub(crate) Host);

impl super::Collect for StatCollector {
    fn collect(&mut self, out: &mut Batch) -> pskit::Result<()> {
        let host = &self.0;
        out.gauge("node_boot_time_seconds", "Node boot time, in unixtime.")
            .push(vec![], host.boot_time()?);
        let s = host.cpu_stats()?;
        out.counter("node_context_switches", "Total number of context switches.")
            .push(vec![], s.ctx_switches);
        out.counter("node_intr", "Total number of interrupts serviced.")
            .push(vec![], s.interrupts);
        let k = host.kernel_process_stats()?;
        if let Some(v) = k.forks {
            out.counter("node_forks", "Total number of forks.")
                .push(vec![], v);
        }
        if let Some(v) = k.procs_running {
            out.gauge(
                "node_procs_running",
                "Number of processes in runnable state.",
            )
            .push(vec![], v);
        }
        if let Some(v) = k.procs_blocked {
            out.gauge(
                "node_procs_blocked",
                "Number of processes blocked waiting for I/O to complete.",
            )
            .push(vec![], v);
        }
        Ok(())
    }
}

/// The `diskstats` collector: `node_disk_*{device}` from the library's per-disk counters,
/// minus the devices matching the exclude pattern (node_exporter's default drops
/// partitions, ram and loop devices).
pub(crate) struct DiskstatsCollector {
    pub(crate) host: Host,
    pub(crate) exclude: Regex,
}

impl super::Collect for DiskstatsCollector {
    fn collect(&mut self, out: &mut Batch) -> pskit::Result<()> {
        let disks: Vec<_> = self
            .host
            .disk_io_counters_perdisk(false)?
            .into_iter()
            .filter(|(name, _)| !self.exclude.is_match(name))
            .collect();
        type Get = fn(&pskit::DiskIoCounters) -> Value;
        let families: [(&str, &'static str, Get); 9] = [
            (
                "node_disk_reads_completed",
                "The total number of reads completed successfully.",
                |d| d.read_count.into(),
            ),
            (
                "node_disk_writes_completed",
                "The total number of writes completed successfully.",
                |d| d.write_count.into(),
            ),
            (
                "node_disk_reads_merged",
                "The total number of reads merged.",
                |d| d.read_merged_count.into(),
            ),
            (
                "node_disk_writes_merged",
                "The number of writes merged.",
                |d| d.write_merged_count.into(),
            ),
            (
                "node_disk_read_bytes",
                "The total number of bytes read successfully.",
                |d| d.read_bytes.into(),
            ),
            (
                "node_disk_written_bytes",
                "The total number of bytes written successfully.",
                |d| d.write_bytes.into(),
            ),
            (
                "node_disk_read_time_seconds",
                "The total number of seconds spent by all reads.",
                |d| (d.read_time as f64 / 1000.0).into(),
            ),
            (
                "node_disk_write_time_seconds",
                "This is the total number of seconds spent by all writes.",
                |d| (d.write_time as f64 / 1000.0).into(),
            ),
            (
                "node_disk_io_time_seconds",
                "Total seconds spent doing I/Os.",
                |d| (d.busy_time as f64 / 1000.0).into(),
            ),
        ];
        for (name, help, get) in families {
            let fam = out.counter(name, help);
            for (dev, c) in &disks {
                fam.push(vec![("device", dev.clone())], get(c));
            }
        }
        Ok(())
    }
}
