//! The `netdev` collector: `node_network_{receive,transmit}_*_total{device}` from the
//! library's per-interface counters (/proc/net/dev). Counters restart when an interface
//! is recreated or the driver resets them; Prometheus' `rate()` handles such resets.

use pskit::Host;
use regex::Regex;

use crate::metrics::{Batch, Value};

/// The `netdev` collector.
pub(crate) struct NetdevCollector {
    pub(crate) host: Host,
    pub(crate) exclude: Option<Regex>,
}

impl super::Collect for NetdevCollector {
    fn collect(&mut self, out: &mut Batch) -> pskit::Result<()> {
        let nics: Vec<_> = self
            .host
            .net_io_counters_pernic(false)?
            .into_iter()
            .filter(|(name, _)| !self.exclude.as_ref().is_some_and(|re| re.is_match(name)))
            .collect();
        type Get = fn(&pskit::NetIoCounters) -> u64;
        let families: [(&str, &'static str, Get); 8] = [
            (
                "node_network_receive_bytes",
                "Network device statistic receive_bytes.",
                |n| n.bytes_recv,
            ),
            (
                "node_network_transmit_bytes",
                "Network device statistic transmit_bytes.",
                |n| n.bytes_sent,
            ),
            (
                "node_network_receive_packets",
                "Network device statistic receive_packets.",
                |n| n.packets_recv,
            ),
            (
                "node_network_transmit_packets",
                "Network device statistic transmit_packets.",
                |n| n.packets_sent,
            ),
            (
                "node_network_receive_errs",
                "Network device statistic receive_errs.",
                |n| n.errin,
            ),
            (
                "node_network_transmit_errs",
                "Network device statistic transmit_errs.",
                |n| n.errout,
            ),
            (
                "node_network_receive_drop",
                "Network device statistic receive_drop.",
                |n| n.dropin,
            ),
            (
                "node_network_transmit_drop",
                "Network device statistic transmit_drop.",
                |n| n.dropout,
            ),
        ];
        for (name, help, get) in families {
            let fam = out.counter(name, help);
            for (dev, c) in &nics {
                fam.push(vec![("device", dev.clone())], Value::Int(get(c)));
            }
        }
        Ok(())
    }
}
