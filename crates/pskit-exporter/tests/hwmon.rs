//! node_exporter's hwmon labels over a fixture /sys laid out as the kernel does: class
//! links to hwmon directories under their devices, `device` links, sensors in the
//! device directory, chips without a device.

mod common;
#[path = "../../pskit/tests/common/hwmon_tree.rs"]
mod hwmon_tree;

use common::{get, samples, value, Running};

#[test]
fn chips_and_sensors_are_labelled_as_node_exporter_labels_them() {
    let tmp = tempfile::tempdir().unwrap();
    let sys = tmp.path().join("sys");
    hwmon_tree::desktop(&sys);
    let s = Running::with_flags(&[
        "--path.sysfs",
        sys.to_str().unwrap(),
        "--collector.disable-defaults",
        "--collector",
        "hwmon",
    ]);
    let r = get(s.addr, "/metrics", &[]);
    assert_eq!(r.status, 200);
    let body = &r.body;
    let temp = |chip: &str, sensor: &str| {
        value(
            body,
            "node_hwmon_temp_celsius",
            &format!("chip=\"{chip}\",sensor=\"{sensor}\""),
        )
    };
    assert_eq!(temp("platform_coretemp_0", "temp1"), Some(45.0));
    assert_eq!(temp("platform_coretemp_0", "temp2"), Some(43.5));
    assert_eq!(temp("pci0000:00_0000:00:18_3", "temp1"), Some(51.25));
    assert_eq!(temp("nvme_nvme0", "temp1"), Some(38.85));
    assert_eq!(temp("platform_it87_656", "temp1"), Some(30.0));
    assert_eq!(temp("fake", "temp1"), Some(20.0));
    assert_eq!(temp("hwmon6", "temp1"), Some(21.0));
    let labels = "chip=\"platform_coretemp_0\",sensor=\"temp1\"";
    assert_eq!(
        value(body, "node_hwmon_temp_max_celsius", labels),
        Some(100.0)
    );
    assert_eq!(
        value(body, "node_hwmon_temp_crit_celsius", labels),
        Some(105.0)
    );
    assert_eq!(
        value(
            body,
            "node_hwmon_fan_rpm",
            "chip=\"platform_it87_656\",sensor=\"fan1\""
        ),
        Some(1200.0)
    );
    // Annotations: chip names from the name file, sensor labels from *_label.
    let names: Vec<String> = samples(body)
        .into_iter()
        .filter(|(n, _, _)| n == "node_hwmon_chip_names")
        .map(|(_, l, v)| {
            assert_eq!(v, 1.0);
            l
        })
        .collect();
    assert_eq!(
        names.len(),
        5,
        "every chip with a name file (not it87): {names:?}"
    );
    for expected in [
        "chip=\"platform_coretemp_0\",chip_name=\"coretemp\"",
        "chip=\"pci0000:00_0000:00:18_3\",chip_name=\"k10temp\"",
        "chip=\"nvme_nvme0\",chip_name=\"nvme\"",
        "chip=\"hwmon6\",chip_name=\"fake\"",
    ] {
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} in {names:?}"
        );
    }
    assert_eq!(
        value(
            body,
            "node_hwmon_sensor_label",
            "chip=\"platform_coretemp_0\",label=\"Package id 0\",sensor=\"temp1\""
        )
        .or_else(|| value(
            body,
            "node_hwmon_sensor_label",
            "chip=\"platform_coretemp_0\",sensor=\"temp1\",label=\"Package id 0\""
        )),
        Some(1.0),
        "{body}"
    );
    // The unreadable sensor is counted, the scrape succeeds without duplicates.
    assert_eq!(
        value(
            body,
            "pskit_scrape_skipped_total",
            "collector=\"hwmon\",item=\"sensor\",kind=\"OSError\""
        ),
        Some(1.0),
        "{body}"
    );
    assert_eq!(
        value(
            body,
            "pskit_scrape_collector_success",
            "collector=\"hwmon\""
        ),
        Some(1.0)
    );
    assert_eq!(common::duplicate_series(body), Vec::<String>::new());
}
