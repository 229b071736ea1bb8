//! Sensor readers: /sys/class/hwmon, /sys/class/thermal, /sys/class/power_supply.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::hwmon::{self, SensorFiles};
use super::{list_dir, numbered, read_f64, read_text, read_u64};
use crate::linux::parse::power::{self, BatteryAttrs};
use crate::linux::HostState;
use crate::system::hwmon::{HwmonKind, HwmonSensor};
use crate::system::sensors::{Battery, BatteryTime, Fan, Temperature};
use crate::Result;

/// Inserts under `name`, or `name-1`, `name-2`… when another chip already took it.
fn insert_unique<T>(map: &mut BTreeMap<String, Vec<T>>, name: String, v: Vec<T>) {
    if v.is_empty() {
        return;
    }
    let mut key = name.clone();
    let mut i = 0;
    while map.contains_key(&key) {
        i += 1;
        key = format!("{name}-{i}");
    }
    map.insert(key, v);
}

/// psutil's hwmon directories: `{sys}/class/hwmon/hwmon*` and their `device/` subdirs
/// (CentOS layout), plus coretemp chips not linked from /sys/class/hwmon.
fn hwmon_dirs(host: &HostState) -> Result<Vec<PathBuf>> {
    let mut names = Vec::new();
    let mut dirs = Vec::new();
    for (name, dir) in hwmon::class_dirs(host)? {
        let device = dir.join("device");
        dirs.extend([dir, device]);
        names.push(name);
    }
    let platform = host.sys_path("devices/platform");
    for p in list_dir(&platform)
        .into_iter()
        .filter(|p| p.starts_with("coretemp."))
    {
        let hw = platform.join(&p).join("hwmon");
        for n in list_dir(&hw) {
            if numbered(&n, "hwmon").is_some() && !names.contains(&n) {
                names.push(n.clone());
                dirs.push(hw.join(n));
            }
        }
    }
    Ok(dirs)
}

/// The sensors of `kind` in one hwmon directory (psutil reads the chip directory and
/// its `device/` subdirectory as two chips).
fn sensors_in(dir: &Path, kind: HwmonKind) -> SensorFiles {
    let mut files = SensorFiles::default();
    files.read_dir(dir, |k| k == kind);
    files
}

/// A sensor's label as psutil gives it: `""` when absent (or not UTF-8).
fn label_of(s: &HwmonSensor) -> String {
    s.label
        .as_ref()
        .and_then(|l| l.to_str())
        .unwrap_or_default()
        .to_owned()
}

pub(crate) fn temperatures(host: &HostState) -> Result<BTreeMap<String, Vec<Temperature>>> {
    let mut map = BTreeMap::new();
    let mut any_hwmon = false;
    for dir in hwmon_dirs(host)? {
        let files = sensors_in(&dir, HwmonKind::Temp);
        if !files.has_input_file() {
            continue;
        }
        any_hwmon = true;
        let Some(name) = read_text(&dir.join("name")) else {
            continue;
        };
        let temps = files
            .with_input()
            .map(|(s, current)| Temperature {
                label: label_of(s),
                current,
                high: s.max,
                critical: s.crit,
            })
            .collect();
        insert_unique(&mut map, name, temps);
    }
    if any_hwmon {
        return Ok(map);
    }
    let base = host.sys_path("class/thermal");
    for zone in list_dir(&base) {
        if numbered(&zone, "thermal_zone").is_none() {
            continue;
        }
        let dir = base.join(&zone);
        let (Some(cur), Some(kind)) = (read_f64(&dir.join("temp")), read_text(&dir.join("type")))
        else {
            continue;
        };
        let (mut high, mut critical) = (None, None);
        for f in list_dir(&dir) {
            let Some(tp) = f
                .strip_suffix("_type")
                .filter(|t| t.starts_with("trip_point_"))
            else {
                continue;
            };
            let value = || read_f64(&dir.join(format!("{tp}_temp"))).map(|v| v / 1000.0);
            match read_text(&dir.join(&f)).as_deref() {
                Some("critical") => critical = value(),
                Some("high") => high = value(),
                _ => {}
            }
        }
        let t = Temperature {
            label: String::new(),
            current: cur / 1000.0,
            high,
            critical,
        };
        // Zones of one type are one chip in psutil too: append.
        map.entry(kind).or_insert_with(Vec::new).push(t);
    }
    Ok(map)
}

pub(crate) fn fans(host: &HostState) -> Result<BTreeMap<String, Vec<Fan>>> {
    let mut map = BTreeMap::new();
    for dir in hwmon_dirs(host)? {
        let files = sensors_in(&dir, HwmonKind::Fan);
        if !files.has_input_file() {
            continue;
        }
        let Some(name) = read_text(&dir.join("name")) else {
            continue;
        };
        let fans = files
            .with_input()
            .filter(|(_, rpm)| *rpm >= 0.0)
            .map(|(s, rpm)| Fan {
                label: label_of(s),
                current: rpm as u64,
            })
            .collect();
        insert_unique(&mut map, name, fans);
    }
    Ok(map)
}

pub(crate) fn battery(host: &HostState) -> Result<Option<Battery>> {
    let base = host.sys_path("class/power_supply");
    let entries = list_dir(&base);
    let Some(bat) = entries
        .iter()
        .filter(|n| n.starts_with("BAT") || n.to_lowercase().contains("battery"))
        .min()
    else {
        return Ok(None);
    };
    let dir = base.join(bat);
    let f = |n: &str| read_f64(&dir.join(n));
    let attrs = BatteryAttrs {
        energy_now: f("energy_now"),
        energy_full: f("energy_full"),
        power_now: f("power_now"),
        charge_now: f("charge_now"),
        charge_full: f("charge_full"),
        current_now: f("current_now"),
        capacity: f("capacity"),
        time_to_empty_now: f("time_to_empty_now"),
        ac_online: read_u64(&base.join("AC0/online")).or_else(|| read_u64(&base.join("AC/online"))),
        status_discharging: read_text(&dir.join("status"))
            .and_then(|s| power::status_discharging(s.as_bytes())),
    };
    Ok(
        power::battery(&attrs).map(|(percent, secs, plugged)| Battery {
            percent,
            secsleft: match secs {
                Ok(s) => BatteryTime::Seconds(s),
                Err(true) => BatteryTime::Unlimited,
                Err(false) => BatteryTime::Unknown,
            },
            power_plugged: plugged,
        }),
    )
}
