//! `node_memory_<Key>_bytes`: one gauge per /proc/meminfo line, named as node_exporter
//! names them (`Active(anon)` → `node_memory_Active_anon_bytes`; lines without a `kB`
//! unit, such as `HugePages_Total`, have no `_bytes` suffix).

use pskit::Host;

use crate::metrics::Batch;

/// The `meminfo` collector.
pub(crate) struct MeminfoCollector(pub(crate) Host);

/// node_exporter's metric name for a meminfo key.
pub(crate) fn metric_name(key: &str, bytes: bool) -> String {
    // `Active(anon)` -> `Active_anon`; anything else outside [A-Za-z0-9_] -> `_`.
    let key = key.replace('(', "_").replace(')', "");
    let key: String = key
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if bytes {
        format!("node_memory_{key}_bytes")
    } else {
        format!("node_memory_{key}")
    }
}

impl super::Collect for MeminfoCollector {
    fn collect(&mut self, out: &mut Batch) -> pskit::Result<()> {
        for field in self.0.meminfo_fields()? {
            out.gauge(
                metric_name(&field.name, field.bytes),
                "Memory information field from /proc/meminfo.",
            )
            .push(vec![], field.value);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_match_node_exporter() {
        assert_eq!(
            super::metric_name("MemTotal", true),
            "node_memory_MemTotal_bytes"
        );
        assert_eq!(
            super::metric_name("Active(anon)", true),
            "node_memory_Active_anon_bytes"
        );
        assert_eq!(
            super::metric_name("HugePages_Total", false),
            "node_memory_HugePages_Total"
        );
    }
}
