//! `pskit info`: the value of every system-wide function psutil has, in one document.
//! With `--json` the keys are psutil's function names and the values psutil's shapes.
//! pskit's additions (cgroups, `cpu_info`, swap devices, inode usage) are left out of
//! this document, whose keys are a contract; the library has them.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::failure::Failure;
use crate::human::Sizes;
use crate::output::{bold, emit, emit_json, truncate};
use crate::Ctx;

/// Options of `pskit info`.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "The JSON keys are psutil's function names; *_percpu, *_perdisk, *_pernic and \
cpu_count_physical are the calls with that argument set, the rest use default arguments.

Examples:
  pskit info
  pskit info --json | jq .virtual_memory.available"
)]
pub struct Args {}

/// Every system-wide value, in psutil's order of the issue (serde keeps field order).
#[derive(Serialize)]
pub struct Info {
    boot_time: f64,
    cpu_count: Option<usize>,
    cpu_count_physical: Option<usize>,
    cpu_times: pskit::SystemCpuTimes,
    cpu_times_percpu: Vec<pskit::SystemCpuTimes>,
    cpu_stats: pskit::CpuStats,
    cpu_freq: Option<pskit::CpuFreq>,
    getloadavg: (f64, f64, f64),
    virtual_memory: pskit::VirtualMemory,
    swap_memory: pskit::SwapMemory,
    disk_partitions: Vec<pskit::DiskPartition>,
    disk_io_counters_perdisk: BTreeMap<String, pskit::DiskIoCounters>,
    net_io_counters_pernic: BTreeMap<String, pskit::NetIoCounters>,
    net_if_addrs: BTreeMap<String, Vec<pskit::NicAddress>>,
    net_if_stats: BTreeMap<String, pskit::NicStats>,
    sensors_temperatures: BTreeMap<String, Vec<pskit::Temperature>>,
    sensors_fans: BTreeMap<String, Vec<pskit::Fan>>,
    sensors_battery: Option<pskit::Battery>,
    users: Vec<pskit::User>,
}

impl Info {
    /// Calls every function (psutil's default arguments: nowrap=True, all=False,
    /// fahrenheit=False).
    pub fn read() -> Result<Info, Failure> {
        Ok(Info {
            boot_time: pskit::boot_time()?,
            cpu_count: pskit::cpu_count()?,
            cpu_count_physical: pskit::cpu_count_physical()?,
            cpu_times: pskit::cpu_times()?,
            cpu_times_percpu: pskit::cpu_times_percpu()?,
            cpu_stats: pskit::cpu_stats()?,
            cpu_freq: pskit::cpu_freq()?,
            getloadavg: pskit::getloadavg()?,
            virtual_memory: pskit::virtual_memory()?,
            swap_memory: pskit::swap_memory()?,
            disk_partitions: pskit::disk_partitions(false)?,
            disk_io_counters_perdisk: pskit::disk_io_counters_perdisk(true)?,
            net_io_counters_pernic: pskit::net_io_counters_pernic(true)?,
            net_if_addrs: pskit::net_if_addrs()?,
            net_if_stats: pskit::net_if_stats()?,
            sensors_temperatures: pskit::sensors_temperatures(false)?,
            sensors_fans: pskit::sensors_fans()?,
            sensors_battery: pskit::sensors_battery()?,
            // psutil's value where logins are not recorded at all is [].
            users: match pskit::users() {
                Err(pskit::Error::NotSupported(_)) => Vec::new(),
                other => other?,
            },
        })
    }
}

/// Runs `pskit info`.
pub fn run(_args: Args, ctx: &Ctx) -> Result<(), Failure> {
    let info = Info::read()?;
    if ctx.json {
        return emit_json(&info);
    }
    let value = serde_json::to_value(&info).map_err(Failure::runtime)?;
    let fit = |line: &str| match ctx.width {
        Some(w) => truncate(line, w),
        None => line.to_string(),
    };
    let mut out = String::new();
    if let Value::Object(map) = &value {
        for (key, v) in map {
            out.push_str(&bold(&fit(&format!("{key}:")), ctx.colour));
            out.push('\n');
            let mut lines = Vec::new();
            tree(v, 1, ctx.sizes, None, &mut lines);
            for line in lines {
                out.push_str(&fit(&line));
                out.push('\n');
            }
        }
    }
    emit(&out)
}

/// Keys whose numbers are byte counts, shown as sizes.
const BYTE_KEYS: &[&str] = &[
    "total",
    "available",
    "used",
    "free",
    "active",
    "inactive",
    "buffers",
    "cached",
    "shared",
    "slab",
    "sin",
    "sout",
    "read_bytes",
    "write_bytes",
    "bytes_sent",
    "bytes_recv",
];

/// A JSON value as indented `key: value` lines.
fn tree(v: &Value, depth: usize, sizes: Sizes, key: Option<&str>, lines: &mut Vec<String>) {
    let pad = "  ".repeat(depth);
    match v {
        Value::Object(map) if map.values().all(is_scalar) => {
            let parts: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{k}={}", scalar(v, sizes, k)))
                .collect();
            lines.push(format!("{pad}{}", parts.join(", ")));
        }
        Value::Object(map) => {
            for (k, v) in map {
                if is_scalar(v) {
                    lines.push(format!("{pad}{k}: {}", scalar(v, sizes, k)));
                } else {
                    lines.push(format!("{pad}{k}:"));
                    tree(v, depth + 1, sizes, Some(k), lines);
                }
            }
        }
        Value::Array(items) if items.iter().all(is_scalar) => {
            let parts: Vec<String> = items.iter().map(|i| scalar(i, sizes, "")).collect();
            lines.push(format!("{pad}{}", parts.join(", ")));
        }
        Value::Array(items) if items.is_empty() => lines.push(format!("{pad}(none)")),
        Value::Array(items) => {
            for item in items {
                tree(item, depth, sizes, key, lines);
            }
        }
        other => lines.push(format!("{pad}{}", scalar(other, sizes, key.unwrap_or("")))),
    }
}

fn is_scalar(v: &Value) -> bool {
    !matches!(v, Value::Object(_) | Value::Array(_))
}

fn scalar(v: &Value, sizes: Sizes, key: &str) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "none".into(),
        Value::Number(n) if BYTE_KEYS.contains(&key) => n
            .as_u64()
            .map(|b| sizes.show(b))
            .unwrap_or_else(|| n.to_string()),
        other => other.to_string(),
    }
}
