//! The `exporter` collector: the standard `process_*` self metrics of the exporter's
//! own process, read through the library.

use pskit::{Process, RlimitResource};

use crate::metrics::Batch;

/// The `exporter` collector.
pub(crate) struct ExporterCollector;

impl super::Collect for ExporterCollector {
    fn collect(&mut self, out: &mut Batch) -> pskit::Result<()> {
        let me = Process::current()?;
        let o = me.oneshot();
        let t = o.cpu_times()?;
        out.counter(
            "process_cpu_seconds",
            "Total user and system CPU time spent in seconds.",
        )
        .push(vec![], t.user + t.system);
        let m = o.memory_info()?;
        out.gauge(
            "process_resident_memory_bytes",
            "Resident memory size in bytes.",
        )
        .push(vec![], m.rss);
        out.gauge(
            "process_virtual_memory_bytes",
            "Virtual memory size in bytes.",
        )
        .push(vec![], m.vms);
        out.gauge("process_open_fds", "Number of open file descriptors.")
            .push(vec![], o.num_fds()? as u64);
        let limit = o.rlimit(RlimitResource::Nofile)?;
        if limit.soft >= 0 {
            out.gauge(
                "process_max_fds",
                "Maximum number of open file descriptors.",
            )
            .push(vec![], limit.soft as u64);
        }
        out.gauge(
            "process_start_time_seconds",
            "Start time of the process since unix epoch in seconds.",
        )
        .push(vec![], me.create_time());
        out.gauge(
            "pskit_exporter_build_info",
            "The exporter's version (value 1).",
        )
        .push(
            vec![("version", env!("CARGO_PKG_VERSION").to_owned())],
            1u64,
        );
        Ok(())
    }
}
