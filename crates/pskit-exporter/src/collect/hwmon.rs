//! The `hwmon` collector with node_exporter's labels: `node_hwmon_temp_celsius`
//! (`_max_`, `_crit_`), `node_hwmon_fan_rpm`, `node_hwmon_chip_names{chip,chip_name}`
//! and `node_hwmon_sensor_label{chip,sensor,label}`.
//!
//! node_exporter's `chip` label is derived from the hwmon device's sysfs path and
//! `sensor` is the file's base name (`temp1`); the library's sensors API keys chips by
//! their `name` and sensors by label, so this collector reads `{sysfs}/class/hwmon`
//! itself, through the host's sys root. Derivation, as node_exporter's:
//! 1. the `device` link resolved, `<parent dir>_<device dir>` cleaned
//!    (`/sys/devices/platform/coretemp.0` → `platform_coretemp_0`,
//!    `…/0000:01:00.0/nvme/nvme0` → `nvme_nvme0`);
//! 2. else the `name` file, cleaned;
//! 3. else the `hwmonN` directory name.
//!
//! Cleaning lower-cases and turns anything but `[a-z0-9:_]` into `_`, trimming `_`.
//! Unlike node_exporter, when two chips still end up with one `chip` value (two
//! device-less chips with one name), the later ones (by `hwmonN`) use rule 3 instead of
//! producing duplicate series.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use pskit::Host;

use crate::metrics::Batch;

/// The `hwmon` collector.
pub(crate) struct HwmonCollector(pub(crate) Host);

/// node_exporter's `cleanMetricName`.
fn clean(name: &str) -> String {
    let replaced: String = name
        .to_lowercase()
        .chars()
        .map(|c| {
            if c.is_ascii_lowercase() || c.is_ascii_digit() || c == ':' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    replaced.trim_matches('_').to_owned()
}

/// Rule 1: `<parent>_<device>` of the resolved `device` link, or `<device>` alone.
fn device_chip(dir: &Path) -> Option<String> {
    let device = std::fs::canonicalize(dir.join("device")).ok()?;
    let name = clean(&device.file_name()?.to_string_lossy());
    let parent = device
        .parent()
        .and_then(Path::file_name)
        .map(|p| clean(&p.to_string_lossy()))
        .unwrap_or_default();
    match (parent.is_empty(), name.is_empty()) {
        (false, false) => Some(format!("{parent}_{name}")),
        (_, false) => Some(name),
        _ => None,
    }
}

/// The cleaned `name` file (node_exporter's `chip_name`).
fn chip_name(dir: &Path) -> Option<String> {
    let raw = std::fs::read(dir.join("name")).ok()?;
    Some(clean(&String::from_utf8_lossy(&raw))).filter(|n| !n.is_empty())
}

/// One sensor's files: element (`input`, `max`, `crit`, `label`) → content.
type Sensor = BTreeMap<String, String>;

/// One hwmon chip as node_exporter reads it.
struct Chip {
    /// The `hwmonN` directory name (rule 3, and the order).
    dir_name: String,
    chip: String,
    chip_name: Option<String>,
    /// `temp1`, `fan2`… → files.
    sensors: BTreeMap<String, Sensor>,
}

/// Splits `temp1_input` into (`temp1`, `input`) for the sensor types exported.
fn sensor_file(file: &str) -> Option<(&str, &str)> {
    let (sensor, element) = file.split_once('_')?;
    let digits = sensor.trim_start_matches(|c: char| !c.is_ascii_digit());
    let kind = &sensor[..sensor.len() - digits.len()];
    let wanted =
        matches!(kind, "temp" | "fan") && matches!(element, "input" | "max" | "crit" | "label");
    (wanted && !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
        .then_some((sensor, element))
}

/// Reads the sensor files of `dir` into `sensors` (later reads override, as
/// node_exporter reads the chip directory and then its `device` directory).
fn read_sensors(dir: &Path, sensors: &mut BTreeMap<String, Sensor>, out: &mut Batch) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let file = entry.file_name();
        let Some((sensor, element)) = file.to_str().and_then(sensor_file) else {
            continue;
        };
        match std::fs::read(entry.path()) {
            Ok(raw) => {
                let text = String::from_utf8_lossy(&raw).trim().to_owned();
                sensors
                    .entry(sensor.to_owned())
                    .or_default()
                    .insert(element.to_owned(), text);
            }
            // A faulted or absent sensor (EIO, ENXIO, ENODATA): skipped and counted.
            Err(_) => out.skip("sensor", "OSError"),
        }
    }
}

fn read_chip(dir: &Path, dir_name: String, out: &mut Batch) -> Chip {
    let mut sensors = BTreeMap::new();
    read_sensors(dir, &mut sensors, out);
    let device = dir.join("device");
    if device.is_dir() {
        read_sensors(&device, &mut sensors, out);
    }
    let chip_name = chip_name(dir);
    let chip = device_chip(dir)
        .or_else(|| chip_name.clone())
        .unwrap_or_else(|| clean(&dir_name));
    Chip {
        dir_name,
        chip,
        chip_name,
        sensors,
    }
}

/// The hwmon chips under `{sys}/class/hwmon`, in `hwmonN` order, with distinct `chip`
/// values.
fn chips(sys_root: &Path, out: &mut Batch) -> Vec<Chip> {
    let class = sys_root.join("class/hwmon");
    let mut dirs: Vec<(u64, String, PathBuf)> = std::fs::read_dir(&class)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            let n = name.strip_prefix("hwmon")?.parse().ok()?;
            Some((n, name, e.path()))
        })
        .filter(|(_, _, path)| path.is_dir())
        .collect();
    dirs.sort();
    let mut chips: Vec<Chip> = Vec::new();
    for (_, name, path) in dirs {
        let mut chip = read_chip(&path, name, out);
        if chips.iter().any(|c| c.chip == chip.chip) {
            chip.chip = clean(&chip.dir_name);
        }
        chips.push(chip);
    }
    chips
}

/// Parses a sysfs number scaled by `scale`; unparsable values are counted.
fn number(text: &str, scale: f64, out: &mut Batch) -> Option<f64> {
    match text.parse::<f64>() {
        Ok(v) => Some(v * scale),
        Err(_) => {
            out.skip("sensor", "ParseError");
            None
        }
    }
}

/// (metric, help, sensor type, element, scale) for every value exported.
const VALUES: [(&str, &str, &str, &str, f64); 4] = [
    (
        "node_hwmon_temp_celsius",
        "Hardware monitor for temperature (input)",
        "temp",
        "input",
        0.001,
    ),
    (
        "node_hwmon_temp_max_celsius",
        "Hardware monitor for temperature (max)",
        "temp",
        "max",
        0.001,
    ),
    (
        "node_hwmon_temp_crit_celsius",
        "Hardware monitor for temperature (crit)",
        "temp",
        "crit",
        0.001,
    ),
    (
        "node_hwmon_fan_rpm",
        "Hardware monitor for fan revolutions per minute (input)",
        "fan",
        "input",
        1.0,
    ),
];

impl super::Collect for HwmonCollector {
    fn collect(&mut self, out: &mut Batch) -> pskit::Result<()> {
        let chips = chips(self.0.sys_root(), out);
        for (metric, help, kind, element, scale) in VALUES {
            let mut values = Vec::new();
            for c in &chips {
                for (sensor, files) in c.sensors.iter().filter(|(s, _)| s.starts_with(kind)) {
                    if let Some(v) = files.get(element).and_then(|t| number(t, scale, out)) {
                        values.push((
                            vec![("chip", c.chip.clone()), ("sensor", sensor.clone())],
                            v,
                        ));
                    }
                }
            }
            let fam = out.gauge(metric, help);
            for (labels, v) in values {
                fam.push(labels, v);
            }
        }
        let fam = out.gauge(
            "node_hwmon_chip_names",
            "Annotation metric for human-readable chip names",
        );
        for c in &chips {
            if let Some(name) = &c.chip_name {
                fam.push(
                    vec![("chip", c.chip.clone()), ("chip_name", name.clone())],
                    1u64,
                );
            }
        }
        let fam = out.gauge("node_hwmon_sensor_label", "Label for given chip and sensor");
        for c in &chips {
            for (sensor, files) in &c.sensors {
                if let Some(label) = files.get("label") {
                    let labels = vec![
                        ("chip", c.chip.clone()),
                        ("sensor", sensor.clone()),
                        ("label", label.clone()),
                    ];
                    fam.push(labels, 1u64);
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_cleaned_as_node_exporter_does() {
        assert_eq!(clean("coretemp.0"), "coretemp_0");
        assert_eq!(clean("0000:00:18.3"), "0000:00:18_3");
        assert_eq!(clean("ACPI Thermal\n"), "acpi_thermal");
        assert_eq!(clean("_x-y_"), "x_y");
    }

    #[test]
    fn only_temp_and_fan_values_and_labels_are_read() {
        assert_eq!(sensor_file("temp1_input"), Some(("temp1", "input")));
        assert_eq!(sensor_file("temp12_crit"), Some(("temp12", "crit")));
        assert_eq!(sensor_file("fan2_label"), Some(("fan2", "label")));
        assert_eq!(sensor_file("temp1_crit_alarm"), None);
        assert_eq!(sensor_file("in0_input"), None);
        assert_eq!(sensor_file("temp_input"), None);
        assert_eq!(sensor_file("name"), None);
    }
}
