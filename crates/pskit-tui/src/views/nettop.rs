//! `nettop`: bytes and packets per second per network interface, and the totals
//! (psutil's `nettop.py`).

use std::collections::BTreeMap;
use std::time::Instant;

use pskit::NetIoCounters;
use serde::Serialize;

use crate::args::SampleArgs;
use crate::format::{bytes2human, sanitize, Align};
use crate::runner::{unix_now, View};
use crate::screen::{clip, Column, Line, Screen, Table};
use crate::Result;

/// Arguments of the `nettop` view.
///
/// ```
/// use clap::Parser;
/// #[derive(Parser)]
/// struct Cli {
///     #[command(flatten)]
///     nettop: pskit_tui::NettopArgs,
/// }
/// let cli = Cli::parse_from(["nettop", "--nic", "lo", "--once"]);
/// assert_eq!(cli.nettop.nics, ["lo"]);
/// ```
#[derive(clap::Args, Clone, Debug, PartialEq)]
pub struct NettopArgs {
    /// Sampling and output.
    #[command(flatten)]
    pub sampling: SampleArgs,
    /// Show only these interfaces (repeat the option or separate them with commas).
    #[arg(long = "nic", value_name = "NAME", value_delimiter = ',')]
    pub nics: Vec<String>,
}

/// [`NetIoCounters`] deltas divided by the interval: the same field names, per second.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct NetRates {
    /// Bytes sent per second.
    pub bytes_sent: f64,
    /// Bytes received per second.
    pub bytes_recv: f64,
    /// Packets sent per second.
    pub packets_sent: f64,
    /// Packets received per second.
    pub packets_recv: f64,
    /// Receive errors per second.
    pub errin: f64,
    /// Send errors per second.
    pub errout: f64,
    /// Dropped incoming packets per second.
    pub dropin: f64,
    /// Dropped outgoing packets per second.
    pub dropout: f64,
}

impl NetRates {
    /// Rates between two counter samples `seconds` apart (0 where a counter went back).
    ///
    /// ```
    /// use pskit_tui::NetRates;
    /// let a = pskit::NetIoCounters::default();
    /// let mut b = a;
    /// b.bytes_recv = 2048;
    /// assert_eq!(NetRates::between(&a, &b, 2.0).bytes_recv, 1024.0);
    /// ```
    pub fn between(before: &NetIoCounters, after: &NetIoCounters, seconds: f64) -> NetRates {
        let r = |a: u64, b: u64| {
            if seconds > 0.0 {
                b.saturating_sub(a) as f64 / seconds
            } else {
                0.0
            }
        };
        NetRates {
            bytes_sent: r(before.bytes_sent, after.bytes_sent),
            bytes_recv: r(before.bytes_recv, after.bytes_recv),
            packets_sent: r(before.packets_sent, after.packets_sent),
            packets_recv: r(before.packets_recv, after.packets_recv),
            errin: r(before.errin, after.errin),
            errout: r(before.errout, after.errout),
            dropin: r(before.dropin, after.dropin),
            dropout: r(before.dropout, after.dropout),
        }
    }
}

/// One `nettop` sample.
#[derive(Clone, Debug, Serialize)]
pub struct NettopSample {
    /// Seconds since the epoch.
    pub timestamp: f64,
    /// The seconds the rates are measured over.
    pub interval: f64,
    /// `net_io_counters()` (None without interfaces).
    pub net_io_counters: Option<NetIoCounters>,
    /// `net_io_counters(pernic=True)`, filtered by `--nic`.
    pub net_io_counters_pernic: BTreeMap<String, NetIoCounters>,
    /// The system-wide rates.
    pub per_second: NetRates,
    /// The rates of each interface present in both samples.
    pub per_second_pernic: BTreeMap<String, NetRates>,
}

/// The `nettop` view's state: the previous counters.
pub(crate) struct NettopView {
    nics: Vec<String>,
    last_at: Instant,
    last_total: Option<NetIoCounters>,
    last_pernic: BTreeMap<String, NetIoCounters>,
}

impl NettopView {
    /// Reads the first counters, so the first sample measures from now.
    pub(crate) fn new(args: &NettopArgs) -> Result<NettopView> {
        Ok(NettopView {
            nics: args.nics.clone(),
            last_at: Instant::now(),
            last_total: pskit::net_io_counters(true)?,
            last_pernic: pskit::net_io_counters_pernic(true)?,
        })
    }
}

impl View for NettopView {
    type Sample = NettopSample;

    fn sample(&mut self) -> Result<NettopSample> {
        let now = Instant::now();
        let total = pskit::net_io_counters(true)?;
        let mut pernic = pskit::net_io_counters_pernic(true)?;
        let seconds = now.duration_since(self.last_at).as_secs_f64();
        let per_second = match (&self.last_total, &total) {
            (Some(a), Some(b)) => NetRates::between(a, b, seconds),
            _ => NetRates::default(),
        };
        let per_second_pernic = pernic
            .iter()
            .filter_map(|(name, after)| {
                let before = self.last_pernic.get(name)?;
                Some((name.clone(), NetRates::between(before, after, seconds)))
            })
            .collect();
        self.last_at = now;
        self.last_total = total;
        self.last_pernic = pernic.clone();
        if !self.nics.is_empty() {
            pernic.retain(|name, _| self.nics.contains(name));
        }
        let mut sample = NettopSample {
            timestamp: unix_now(),
            interval: seconds,
            net_io_counters: total,
            net_io_counters_pernic: pernic,
            per_second,
            per_second_pernic,
        };
        let shown = &sample.net_io_counters_pernic;
        sample
            .per_second_pernic
            .retain(|name, _| shown.contains_key(name));
        Ok(sample)
    }

    fn screen(&self, s: &NettopSample, width: Option<usize>) -> Screen {
        nettop_screen(s, width)
    }
}

/// Per interface, as psutil's nettop.py: bytes and packets, sent and received, per
/// second and in total. Packet totals go first on a narrow screen, then packet rates.
const COLUMNS: [Column; 9] = [
    Column::new("NIC", 10, Align::Left, 0),
    Column::new("SENT/s", 9, Align::Right, 0),
    Column::new("RECV/s", 9, Align::Right, 0),
    Column::new("PKTS OUT/s", 10, Align::Right, 2),
    Column::new("PKTS IN/s", 10, Align::Right, 2),
    Column::new("SENT", 8, Align::Right, 1),
    Column::new("RECV", 8, Align::Right, 1),
    Column::new("PKTS OUT", 12, Align::Right, 3),
    Column::new("PKTS IN", 12, Align::Right, 3),
];

/// A packet total in its 12-column cell: the whole number when it fits, else with a
/// decimal prefix (`1234567.9M`), so the cell never cuts digits off.
fn packet_count(n: u64) -> String {
    let plain = n.to_string();
    if plain.len() <= 12 {
        return plain;
    }
    let mut v = n as f64;
    let mut prefix = 0;
    const PREFIXES: [char; 6] = ['k', 'M', 'G', 'T', 'P', 'E'];
    while v >= 1e9 && prefix < PREFIXES.len() {
        v /= 1000.0;
        prefix += 1;
    }
    format!("{v:.1}{}", PREFIXES[prefix.saturating_sub(1)])
}

/// A `nettop` sample as shown in `width` columns.
fn nettop_screen(s: &NettopSample, width: Option<usize>) -> Screen {
    let total = s.net_io_counters.unwrap_or_default();
    let r = &s.per_second;
    let summary = vec![
        Line::text(clip(
            format!(
                "total bytes:   sent: {:<9} received: {}",
                bytes2human(total.bytes_sent as f64),
                bytes2human(total.bytes_recv as f64)
            ),
            width,
        )),
        Line::text(clip(
            format!(
                "total packets: sent: {:<9} received: {}",
                total.packets_sent, total.packets_recv
            ),
            width,
        )),
        Line::text(clip(
            format!(
                "per second:    sent: {:<9} received: {}/s",
                bytes2human(r.bytes_sent) + "/s",
                bytes2human(r.bytes_recv)
            ),
            width,
        )),
        Line::text(clip(
            format!(
                "packets/s:     sent: {:<9} received: {:.0}/s",
                format!("{:.0}/s", r.packets_sent),
                r.packets_recv
            ),
            width,
        )),
    ];
    // The NIC column is as wide as the longest name shown (Linux allows 15 bytes).
    let mut columns = COLUMNS;
    columns[0].width = s
        .net_io_counters_pernic
        .keys()
        .map(|n| n.chars().count())
        .max()
        .unwrap_or(0)
        .clamp(3, 15);
    let table = Table::new(&columns, None, width);
    let rows = s
        .net_io_counters_pernic
        .iter()
        .map(|(name, c)| {
            let rates = s.per_second_pernic.get(name);
            let per_sec = |f: fn(&NetRates) -> f64, bytes: bool| match rates {
                Some(r) if bytes => bytes2human(f(r)),
                Some(r) => format!("{:.0}", f(r)),
                None => "-".into(),
            };
            Line::text(table.row(&[
                sanitize(name),
                per_sec(|r| r.bytes_sent, true),
                per_sec(|r| r.bytes_recv, true),
                per_sec(|r| r.packets_sent, false),
                per_sec(|r| r.packets_recv, false),
                bytes2human(c.bytes_sent as f64),
                bytes2human(c.bytes_recv as f64),
                packet_count(c.packets_sent),
                packet_count(c.packets_recv),
            ]))
        })
        .collect();
    Screen {
        summary,
        header: Some(Line::header(table.header())),
        rows,
        status: format!("interval {:.1}s", s.interval),
    }
}

#[cfg(test)]
#[path = "nettop_tests.rs"]
mod tests;
