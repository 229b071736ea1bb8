//! The raw hwmon view over a fixture /sys laid out as the kernel does (the same tree as
//! the exporter's hwmon test, plus hostile files): class links to hwmon directories
//! under their devices, `device` links, sensors in the device directory, chips without
//! a device, unreadable and unparsable files, every sensor kind.

use std::ffi::OsString;
use std::fs;
use std::os::unix::ffi::OsStringExt;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};

#[path = "common/hwmon_tree.rs"]
mod hwmon_tree;

use hwmon_tree::chip;
use pskit::{Error, Host, HwmonAttribute, HwmonChip, HwmonKind, HwmonSensor, HwmonSkipReason};

/// The shared desktop tree plus a board chip with every kind and hostile files.
fn sys_tree(sys: &Path) {
    hwmon_tree::desktop(sys);
    // Every kind; a value in both directories (the device one wins), a label that is
    // not UTF-8, values that are not integers, a label-only sensor.
    let board = sys.join("devices/platform/nct6775.2592");
    fs::create_dir_all(&board).unwrap();
    chip(
        sys,
        "platform/nct6775.2592/hwmon/hwmon12",
        Some("../../../nct6775.2592"),
        &[
            ("name", "nct6798"),
            ("temp1_input", "1000"),
            ("temp10_input", "10000"),
            ("temp2_input", "-2500"),
            ("temp2_max", "4.5"),
            ("in0_input", "1824"),
            ("in0_min", "1000"),
            ("in0_label", "Vcore"),
            ("curr1_input", "250"),
            ("power1_input", "15500000"),
            ("energy1_input", "2000000"),
            ("humidity1_input", "45500"),
            ("fan2_input", "900"),
            ("fan2_min", "300"),
            ("fan3_label", "unused header"),
            ("pwm1", "128"),
        ],
    );
    fs::write(board.join("temp1_input"), "1500\n").unwrap();
    fs::write(board.join("temp2_label"), b"caf\xe9 \n").unwrap();
}

fn host() -> (tempfile::TempDir, Host) {
    let tmp = tempfile::tempdir().unwrap();
    let sys = tmp.path().join("sys");
    sys_tree(&sys);
    let host = Host::with_roots(tmp.path().join("proc"), sys);
    (tmp, host)
}

fn find<'a>(chips: &'a [HwmonChip], hwmon: &str) -> &'a HwmonChip {
    chips
        .iter()
        .find(|c| c.hwmon == hwmon)
        .unwrap_or_else(|| panic!("{hwmon} in {chips:?}"))
}

fn sensor<'a>(chip: &'a HwmonChip, name: &str) -> &'a HwmonSensor {
    chip.sensors
        .iter()
        .find(|s| s.name() == name)
        .unwrap_or_else(|| panic!("{name} in {chip:?}"))
}

#[test]
fn chips_keep_directory_name_and_device() {
    let (_tmp, host) = host();
    let chips = host.hwmon_chips().unwrap();
    let listed: Vec<_> = chips
        .iter()
        .map(|c| {
            (
                c.hwmon.as_str(),
                c.name.as_ref().map(|n| n.to_str().unwrap()),
                c.device.as_ref().map(|d| d.to_str().unwrap()),
            )
        })
        .collect();
    let nvme = "pci0000:00/0000:00:01.3/0000:01:00.0/nvme/nvme0";
    assert_eq!(
        listed,
        vec![
            ("hwmon0", Some("nvme"), Some(nvme)),
            ("hwmon1", Some("k10temp"), Some("pci0000:00/0000:00:18.3")),
            ("hwmon3", Some("coretemp"), Some("platform/coretemp.0")),
            ("hwmon5", Some("fake"), None),
            ("hwmon6", Some("fake"), None),
            ("hwmon7", None, Some("platform/it87.656")),
            ("hwmon12", Some("nct6798"), Some("platform/nct6775.2592")),
        ],
        "in number order, hwmon12 after hwmon7"
    );
}

#[test]
fn sensors_are_numbered_and_scaled() {
    let (_tmp, host) = host();
    let chips = host.hwmon_chips().unwrap();
    let core = find(&chips, "hwmon3");
    let fields: Vec<_> = core
        .sensors
        .iter()
        .map(|s| {
            let label = s.label.as_ref().map(|l| l.to_str().unwrap());
            (s.kind, s.index, label, s.input, s.min, s.max, s.crit)
        })
        .collect();
    assert_eq!(
        fields,
        vec![
            (
                HwmonKind::Temp,
                1,
                Some("Package id 0"),
                Some(45.0),
                None,
                Some(100.0),
                Some(105.0)
            ),
            (
                HwmonKind::Temp,
                2,
                Some("Core 0"),
                Some(43.5),
                None,
                None,
                None
            ),
        ],
        "temp1_crit_alarm is not an attribute read"
    );
    assert!(core.skipped.is_empty());
    assert_eq!(sensor(find(&chips, "hwmon0"), "temp1").input, Some(38.85));
    assert_eq!(sensor(find(&chips, "hwmon1"), "temp1").input, Some(51.25));
    // Sensors in the device directory.
    let it87 = find(&chips, "hwmon7");
    let names: Vec<_> = it87.sensors.iter().map(HwmonSensor::name).collect();
    assert_eq!(names, vec!["temp1", "fan1"], "by kind, then index");
    assert_eq!(sensor(it87, "fan1").input, Some(1200.0));
    assert_eq!(sensor(it87, "temp1").input, Some(30.0));
}

#[test]
fn every_kind_and_hostile_files() {
    let (_tmp, host) = host();
    let chips = host.hwmon_chips().unwrap();
    let board = find(&chips, "hwmon12");
    let names: Vec<_> = board.sensors.iter().map(HwmonSensor::name).collect();
    assert_eq!(
        names,
        vec![
            "temp1",
            "temp2",
            "temp10",
            "fan2",
            "fan3",
            "in0",
            "curr1",
            "power1",
            "energy1",
            "humidity1"
        ],
        "pwm1 is not a sensor"
    );
    assert_eq!(sensor(board, "temp1").input, Some(1.5), "device dir wins");
    let temp2 = sensor(board, "temp2");
    assert_eq!((temp2.input, temp2.max), (Some(-2.5), None));
    assert_eq!(
        temp2.label,
        Some(OsString::from_vec(b"caf\xe9".to_vec())),
        "exact bytes, trimmed"
    );
    let in0 = sensor(board, "in0");
    assert_eq!(
        (in0.input, in0.min, in0.label.as_deref()),
        (Some(1.824), Some(1.0), Some(std::ffi::OsStr::new("Vcore")))
    );
    assert_eq!(sensor(board, "curr1").input, Some(0.25));
    assert_eq!(sensor(board, "power1").input, Some(15.5));
    assert_eq!(sensor(board, "energy1").input, Some(2.0));
    assert_eq!(sensor(board, "humidity1").input, Some(45.5));
    assert_eq!(
        (sensor(board, "fan2").input, sensor(board, "fan2").min),
        (Some(900.0), Some(300.0))
    );
    let fan3 = sensor(board, "fan3");
    assert_eq!((fan3.input, fan3.label.is_some()), (None, true));
    let skipped: Vec<_> = board
        .skipped
        .iter()
        .map(|s| (s.kind, s.index, s.attribute, s.reason, s.file_name()))
        .collect();
    assert_eq!(
        skipped,
        vec![(
            HwmonKind::Temp,
            2,
            HwmonAttribute::Max,
            HwmonSkipReason::Unparsable,
            "temp2_max".to_owned()
        )]
    );
    let unreadable = &find(&chips, "hwmon6").skipped;
    assert_eq!(
        unreadable
            .iter()
            .map(|s| (s.file_name(), s.reason))
            .collect::<Vec<_>>(),
        vec![("temp9_input".to_owned(), HwmonSkipReason::Unreadable)]
    );
}

#[test]
fn chips_round_trip_through_json_with_clear_names() {
    let (_tmp, host) = host();
    let chips = host.hwmon_chips().unwrap();
    let json = serde_json::to_value(&chips).unwrap();
    let core = &json[2];
    assert_eq!(core["hwmon"], "hwmon3");
    assert_eq!(core["name"], "coretemp");
    assert_eq!(core["device"], "platform/coretemp.0");
    assert_eq!(core["sensors"][0]["kind"], "temp");
    assert_eq!(core["sensors"][0]["index"], 1);
    assert_eq!(core["sensors"][0]["crit"], 105.0);
    assert_eq!(json[3]["device"], serde_json::Value::Null);
    let back: Vec<HwmonChip> = serde_json::from_value(json).unwrap();
    assert_eq!(back, chips, "the non-UTF-8 label survives as bytes");
}

#[test]
fn psutil_sensors_read_the_same_files() {
    let (_tmp, host) = host();
    let temps = host.sensors_temperatures(false).unwrap();
    let keys: Vec<_> = temps.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        vec!["coretemp", "fake", "fake-1", "k10temp", "nct6798", "nvme"],
        "it87 has no name file: skipped, as psutil does"
    );
    // psutil reads the chip directory and its device directory as two chips: the
    // device's temp1 (1.5 °C) is keyed by the device's name file, which is absent.
    let board: Vec<_> = temps["nct6798"].iter().map(|t| t.current).collect();
    assert_eq!(board, vec![1.0, -2.5, 10.0]);
    let fans = host.sensors_fans().unwrap();
    assert_eq!(fans["nct6798"].len(), 1);
    assert_eq!(fans["nct6798"][0].current, 900);
}

#[test]
fn missing_class_is_empty_and_a_broken_one_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let sys = tmp.path().join("sys");
    fs::create_dir_all(&sys).unwrap();
    let host = Host::with_roots(tmp.path().join("proc"), &sys);
    assert_eq!(host.hwmon_chips().unwrap(), vec![]);
    fs::create_dir_all(sys.join("class")).unwrap();
    fs::write(sys.join("class/hwmon"), "not a directory\n").unwrap();
    match host.hwmon_chips() {
        Err(Error::Io { path, .. }) => assert_eq!(path, sys.join("class/hwmon")),
        other => panic!("expected Io for a file in place of class/hwmon: {other:?}"),
    }
}

#[test]
fn a_relocated_root_through_a_link_resolves_devices() {
    let (tmp, _) = host();
    let link: PathBuf = tmp.path().join("sys-link");
    symlink(tmp.path().join("sys"), &link).unwrap();
    let host = Host::with_roots(tmp.path().join("proc"), &link);
    let chips = host.hwmon_chips().unwrap();
    assert_eq!(
        find(&chips, "hwmon3").device.as_deref(),
        Some(Path::new("platform/coretemp.0"))
    );
}
