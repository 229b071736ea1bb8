//! The `hwmon` collector with node_exporter's labels: `node_hwmon_temp_celsius`
//! (`_max_`, `_crit_`), `node_hwmon_fan_rpm`, `node_hwmon_chip_names{chip,chip_name}`
//! and `node_hwmon_sensor_label{chip,sensor,label}`.
//!
//! node_exporter's `chip` label is derived from the hwmon device's sysfs path and
//! `sensor` is the file's base name (`temp1`); both come from the library's raw hwmon
//! view ([`Host::hwmon_chips`]). Derivation, as node_exporter's:
//! 1. the `device` link resolved, `<parent dir>_<device dir>` cleaned
//!    (`/sys/devices/platform/coretemp.0` → `platform_coretemp_0`,
//!    `…/0000:01:00.0/nvme/nvme0` → `nvme_nvme0`);
//! 2. else the `name` file, cleaned;
//! 3. else the `hwmonN` directory name.
//!
//! Cleaning lower-cases and turns anything but `[a-z0-9:_]` into `_`, trimming `_`.
//! Unlike node_exporter, when two chips still end up with one `chip` value (two
//! device-less chips with one name), the later ones (by `hwmonN`) use rule 3 instead of
//! producing duplicate series. Values are integers in sysfs; one that is not is skipped
//! and counted as node_exporter's parse failures are.

use std::path::Path;

use pskit::{Host, HwmonAttribute, HwmonChip, HwmonKind, HwmonSensor, HwmonSkipReason};

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

/// Rule 1: `<parent>_<device>` of the device path (relative to /sys/devices), or
/// `<device>` alone.
fn device_chip(device: &Path) -> Option<String> {
    let name = clean(&device.file_name()?.to_string_lossy());
    let parent = match device.parent().and_then(Path::file_name) {
        Some(parent) => clean(&parent.to_string_lossy()),
        // A device right under /sys/devices.
        None => "devices".to_owned(),
    };
    match (parent.is_empty(), name.is_empty()) {
        (false, false) => Some(format!("{parent}_{name}")),
        (_, false) => Some(name),
        _ => None,
    }
}

/// The sensor kinds exported, and the files of theirs node_exporter reads.
fn exported(kind: HwmonKind, attribute: HwmonAttribute) -> bool {
    matches!(kind, HwmonKind::Temp | HwmonKind::Fan)
        && matches!(
            attribute,
            HwmonAttribute::Input
                | HwmonAttribute::Max
                | HwmonAttribute::Crit
                | HwmonAttribute::Label
        )
}

/// One hwmon chip with its node_exporter labels.
struct Chip {
    chip: String,
    chip_name: Option<String>,
    /// The temperature and fan sensors, by name (`fan1` < `temp1` < `temp10`).
    sensors: Vec<(String, HwmonSensor)>,
}

fn labelled(c: HwmonChip) -> Chip {
    let chip_name = c
        .name
        .map(|n| clean(&n.to_string_lossy()))
        .filter(|n| !n.is_empty());
    let chip = c
        .device
        .as_deref()
        .and_then(device_chip)
        .or_else(|| chip_name.clone())
        .unwrap_or_else(|| clean(&c.hwmon));
    let mut sensors: Vec<(String, HwmonSensor)> = c
        .sensors
        .into_iter()
        .filter(|s| matches!(s.kind, HwmonKind::Temp | HwmonKind::Fan))
        .map(|s| (s.name(), s))
        .collect();
    sensors.sort_by(|a, b| a.0.cmp(&b.0));
    Chip {
        chip,
        chip_name,
        sensors,
    }
}

/// The hwmon chips in `hwmonN` order with distinct `chip` values; files that gave no
/// value are counted (OSError: unreadable, as a faulted sensor's EIO/ENXIO/ENODATA;
/// ParseError: not a number).
fn chips(host: &Host, out: &mut Batch) -> pskit::Result<Vec<Chip>> {
    let mut chips: Vec<Chip> = Vec::new();
    for c in host.hwmon_chips()? {
        for s in &c.skipped {
            match s.reason {
                HwmonSkipReason::Unreadable if exported(s.kind, s.attribute) => {
                    out.skip("sensor", "OSError")
                }
                HwmonSkipReason::Unparsable
                    if VALUES.iter().any(|v| (v.2, v.3) == (s.kind, s.attribute)) =>
                {
                    out.skip("sensor", "ParseError")
                }
                _ => {}
            }
        }
        let hwmon = c.hwmon.clone();
        let mut chip = labelled(c);
        if chips.iter().any(|c| c.chip == chip.chip) {
            chip.chip = clean(&hwmon);
        }
        chips.push(chip);
    }
    Ok(chips)
}

/// (metric, help, sensor kind, attribute) for every value exported.
const VALUES: [(&str, &str, HwmonKind, HwmonAttribute); 4] = [
    (
        "node_hwmon_temp_celsius",
        "Hardware monitor for temperature (input)",
        HwmonKind::Temp,
        HwmonAttribute::Input,
    ),
    (
        "node_hwmon_temp_max_celsius",
        "Hardware monitor for temperature (max)",
        HwmonKind::Temp,
        HwmonAttribute::Max,
    ),
    (
        "node_hwmon_temp_crit_celsius",
        "Hardware monitor for temperature (crit)",
        HwmonKind::Temp,
        HwmonAttribute::Crit,
    ),
    (
        "node_hwmon_fan_rpm",
        "Hardware monitor for fan revolutions per minute (input)",
        HwmonKind::Fan,
        HwmonAttribute::Input,
    ),
];

/// A sensor's value for `attribute`, in the library's units (°C, RPM).
fn value_of(s: &HwmonSensor, attribute: HwmonAttribute) -> Option<f64> {
    match attribute {
        HwmonAttribute::Input => s.input,
        HwmonAttribute::Min => s.min,
        HwmonAttribute::Max => s.max,
        HwmonAttribute::Crit => s.crit,
        _ => None,
    }
}

impl super::Collect for HwmonCollector {
    fn collect(&mut self, out: &mut Batch) -> pskit::Result<()> {
        let chips = chips(&self.0, out)?;
        for (metric, help, kind, attribute) in VALUES {
            let fam = out.gauge(metric, help);
            for c in &chips {
                for (sensor, s) in c.sensors.iter().filter(|(_, s)| s.kind == kind) {
                    if let Some(v) = value_of(s, attribute) {
                        fam.push(
                            vec![("chip", c.chip.clone()), ("sensor", sensor.clone())],
                            v,
                        );
                    }
                }
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
            for (sensor, s) in &c.sensors {
                if let Some(label) = &s.label {
                    let labels = vec![
                        ("chip", c.chip.clone()),
                        ("sensor", sensor.clone()),
                        ("label", label.to_string_lossy().into_owned()),
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
    fn device_chips_are_parent_and_device() {
        let chip = |p: &str| device_chip(Path::new(p));
        assert_eq!(
            chip("platform/coretemp.0").as_deref(),
            Some("platform_coretemp_0")
        );
        assert_eq!(
            chip("pci0000:00/0000:00:01.3/0000:01:00.0/nvme/nvme0").as_deref(),
            Some("nvme_nvme0")
        );
        assert_eq!(chip("virtual").as_deref(), Some("devices_virtual"));
        assert_eq!(chip("platform/...").as_deref(), None);
    }

    #[test]
    fn only_temp_and_fan_values_and_labels_are_exported() {
        assert!(exported(HwmonKind::Temp, HwmonAttribute::Input));
        assert!(exported(HwmonKind::Fan, HwmonAttribute::Label));
        assert!(!exported(HwmonKind::Temp, HwmonAttribute::Min));
        assert!(!exported(HwmonKind::In, HwmonAttribute::Input));
    }
}
