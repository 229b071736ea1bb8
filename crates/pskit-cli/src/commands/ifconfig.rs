//! `pskit ifconfig`: each network interface's state, counters and addresses, like
//! psutil's ifconfig.py.

use std::collections::{BTreeMap, BTreeSet};

use pskit::{NetIoCounters, NicAddress, NicDuplex, NicStats, AF_INET, AF_INET6, AF_LINK};
use serde::Serialize;

use crate::failure::Failure;
use crate::output::{bold, emit, emit_json, fit};
use crate::Ctx;

/// Options of `pskit ifconfig`.
#[derive(clap::Args, Debug)]
#[command(after_help = "Examples:
  pskit ifconfig           every interface
  pskit ifconfig lo        one interface
  pskit ifconfig --json    per interface: net_if_stats, net_io_counters and net_if_addrs")]
pub struct Args {
    /// Show only this interface.
    interface: Option<String>,
}

/// One interface, for `--json`.
#[derive(Serialize)]
struct Nic {
    stats: Option<NicStats>,
    io_counters: Option<NetIoCounters>,
    addrs: Vec<NicAddress>,
}

/// Runs `pskit ifconfig`.
pub fn run(args: Args, ctx: &Ctx) -> Result<(), Failure> {
    let mut addrs = pskit::net_if_addrs()?;
    let mut stats = pskit::net_if_stats()?;
    let mut io = pskit::net_io_counters_pernic(true)?;
    let mut names: BTreeSet<String> = addrs.keys().chain(stats.keys()).cloned().collect();
    names.extend(io.keys().cloned());
    if let Some(only) = &args.interface {
        if !names.contains(only) {
            return Err(Failure::Runtime(format!(
                "no network interface named '{only}'"
            )));
        }
        names.retain(|n| n == only);
    }
    let nics: BTreeMap<String, Nic> = names
        .into_iter()
        .map(|n| {
            let nic = Nic {
                stats: stats.remove(&n),
                io_counters: io.remove(&n),
                addrs: addrs.remove(&n).unwrap_or_default(),
            };
            (n, nic)
        })
        .collect();
    if ctx.json {
        return emit_json(&nics);
    }
    let mut out = String::new();
    for (name, nic) in &nics {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&bold(&fit(&format!("{name}:")), ctx.colour));
        out.push('\n');
        let mut line = |label: &str, value: String| {
            out.push_str(&fit(&format!("    {label:<15}: {value}")));
            out.push('\n');
        };
        if let Some(s) = &nic.stats {
            let duplex = match s.duplex {
                NicDuplex::Full => "full",
                NicDuplex::Half => "half",
                NicDuplex::Unknown => "?",
            };
            let up = if s.isup { "yes" } else { "no" };
            line(
                "stats",
                format!(
                    "speed={}MB, duplex={duplex}, mtu={}, up={up}",
                    s.speed, s.mtu
                ),
            );
        }
        if let Some(c) = &nic.io_counters {
            let sz = |n| ctx.sizes.show(n);
            line(
                "incoming",
                format!(
                    "bytes={}, pkts={}, errs={}, drops={}",
                    sz(c.bytes_recv),
                    c.packets_recv,
                    c.errin,
                    c.dropin
                ),
            );
            line(
                "outgoing",
                format!(
                    "bytes={}, pkts={}, errs={}, drops={}",
                    sz(c.bytes_sent),
                    c.packets_sent,
                    c.errout,
                    c.dropout
                ),
            );
        }
        for a in &nic.addrs {
            let family = match a.family {
                f if f == AF_INET => "IPv4",
                f if f == AF_INET6 => "IPv6",
                f if f == AF_LINK => "MAC",
                _ => "?",
            };
            line(&format!("{family} address"), a.address.clone());
            for (label, v) in [
                ("broadcast", &a.broadcast),
                ("netmask", &a.netmask),
                ("p2p", &a.ptp),
            ] {
                if let Some(v) = v {
                    line(&format!("     {label}"), v.clone());
                }
            }
        }
    }
    emit(&out)
}
