//! The `hwmon` collector: `node_hwmon_temp_celsius{chip,sensor}` (plus `_max_` and
//! `_crit_`) and `node_hwmon_fan_rpm{chip,sensor}` from the library's sensors API.
//!
//! Label values differ from node_exporter's: `chip` is the hwmon `name` (the library
//! keys chips sharing a name `name-1`, …) instead of the device path, and `sensor` is the
//! sensor's label, or `temp<N>`/`fan<N>` by position when it has none.

use pskit::Host;

use crate::metrics::Batch;

/// The `hwmon` collector.
pub(crate) struct HwmonCollector(pub(crate) Host);

/// The sensor label: the kernel's label, or `<prefix><position>` when it is empty or
/// already used on this chip (two sensors with one label would be duplicate series).
fn sensor_names<'a>(labels: impl Iterator<Item = &'a str>, prefix: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (i, l) in labels.enumerate() {
        let name = if l.is_empty() || out.iter().any(|o| o == l) {
            format!("{prefix}{}", i + 1)
        } else {
            l.to_owned()
        };
        out.push(name);
    }
    out
}

impl super::Collect for HwmonCollector {
    fn collect(&mut self, out: &mut Batch) -> pskit::Result<()> {
        let temps = self.0.sensors_temperatures(false)?;
        let mut rows = Vec::new();
        for (chip, sensors) in &temps {
            let names = sensor_names(sensors.iter().map(|s| s.label.as_str()), "temp");
            for (s, name) in sensors.iter().zip(names) {
                rows.push((vec![("chip", chip.clone()), ("sensor", name)], s));
            }
        }
        let cur = out.gauge(
            "node_hwmon_temp_celsius",
            "Hardware monitor for temperature (input).",
        );
        for (labels, s) in &rows {
            cur.push(labels.clone(), s.current);
        }
        let max = out.gauge(
            "node_hwmon_temp_max_celsius",
            "Hardware monitor for temperature (max).",
        );
        for (labels, s) in &rows {
            if let Some(v) = s.high {
                max.push(labels.clone(), v);
            }
        }
        let crit = out.gauge(
            "node_hwmon_temp_crit_celsius",
            "Hardware monitor for temperature (crit).",
        );
        for (labels, s) in &rows {
            if let Some(v) = s.critical {
                crit.push(labels.clone(), v);
            }
        }
        let fans = self.0.sensors_fans()?;
        let fam = out.gauge(
            "node_hwmon_fan_rpm",
            "Hardware monitor for fan revolutions per minute (input).",
        );
        for (chip, list) in &fans {
            let names = sensor_names(list.iter().map(|f| f.label.as_str()), "fan");
            for (f, name) in list.iter().zip(names) {
                fam.push(vec![("chip", chip.clone()), ("sensor", name)], f.current);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn empty_and_repeated_labels_get_positions() {
        let n = super::sensor_names(["Core 0", "", "Core 0"].into_iter(), "temp");
        assert_eq!(n, vec!["Core 0", "temp2", "temp3"]);
    }
}
