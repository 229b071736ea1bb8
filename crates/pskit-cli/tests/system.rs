//! The system-wide subcommands: their tables carry the library's values, and their
//! `--json` is the library's serde output.

mod common;

use common::*;
use serde_json::{json, Value};

fn lib<T: serde::Serialize>(v: pskit::Result<T>) -> Value {
    serde_json::to_value(v.unwrap()).unwrap()
}

/// Runs `cli` between two readings of `lib` until its output agrees (`same`) with one
/// of them, at most three times; returns the agreeing reading and the output. Lists of
/// mounts, disks and interfaces may change between two moments; a CLI that shows a
/// list neither before nor after does not pass.
fn agree<T: std::fmt::Debug, O: std::fmt::Debug>(
    lib: impl Fn() -> T,
    cli: impl Fn() -> O,
    same: impl Fn(&T, &O) -> bool,
) -> (T, O) {
    let mut attempts = Vec::new();
    for _ in 0..3 {
        let before = lib();
        let out = cli();
        let after = lib();
        if same(&before, &out) {
            return (before, out);
        }
        if same(&after, &out) {
            return (after, out);
        }
        attempts.push((before, out, after));
    }
    panic!("the output never agreed with the library read before or after it (before, output, after): {attempts:#?}");
}

/// The second cell of the line starting with `label`.
fn cell(text: &str, label: &str, index: usize) -> String {
    text.lines()
        .find(|l| l.starts_with(label))
        .unwrap_or_else(|| panic!("no {label} line in\n{text}"))
        .split_whitespace()
        .nth(index)
        .unwrap()
        .to_string()
}

#[test]
fn free_shows_total_used_free_and_its_json_is_the_librarys() {
    let text = pskit_ok(&["free", "--bytes"]);
    let header: Vec<&str> = text.lines().next().unwrap().split_whitespace().collect();
    assert_eq!(
        header,
        [
            "total",
            "used",
            "free",
            "shared",
            "buffers",
            "cache",
            "available"
        ]
    );
    let vm = pskit::virtual_memory().unwrap();
    let swap = pskit::swap_memory().unwrap();
    assert_eq!(cell(&text, "Mem:", 1), vm.total.to_string());
    assert_eq!(cell(&text, "Swap:", 1), swap.total.to_string());
    let human = pskit_ok(&["free"]);
    assert!(
        cell(&human, "Mem:", 1).ends_with(['K', 'M', 'G', 'T']),
        "{human}"
    );
    let v = pskit_json(&["free"]);
    assert_eq!(v["virtual_memory"]["total"], vm.total);
    assert_eq!(v["swap_memory"]["total"], swap.total);
    let keys: Vec<&String> = v["virtual_memory"].as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "total",
            "available",
            "percent",
            "used",
            "free",
            "active",
            "inactive",
            "buffers",
            "cached",
            "shared",
            "slab"
        ]
    );
}

#[test]
fn meminfo_lists_every_field() {
    let text = pskit_ok(&["meminfo", "--bytes"]);
    assert!(text.starts_with("MEMORY\n"));
    assert!(text.contains("\nSWAP\n"));
    let vm = pskit::virtual_memory().unwrap();
    assert_eq!(cell(&text, "Total", 2), vm.total.to_string());
    for field in [
        "Available",
        "Percent",
        "Used",
        "Free",
        "Active",
        "Inactive",
        "Buffers",
        "Cached",
        "Shared",
        "Slab",
        "Sin",
        "Sout",
    ] {
        assert!(text.lines().any(|l| l.starts_with(field)), "{field}");
    }
}

#[test]
fn disk_usage_lists_each_partition_with_the_librarys_usage() {
    let mountpoints = |parts: &[pskit::DiskPartition]| -> Vec<String> {
        parts
            .iter()
            .map(|p| p.mountpoint.to_str().unwrap().to_owned())
            .collect()
    };
    let row_of = |text: &str, mount: &str| -> Option<Vec<String>> {
        text.lines()
            .map(|l| l.split_whitespace().map(str::to_owned).collect::<Vec<_>>())
            .find(|c| c.last().is_some_and(|m| m == mount))
    };
    let (parts, text) = agree(
        || pskit::disk_partitions(false).unwrap(),
        || pskit_ok(&["disk-usage", "--bytes"]),
        |parts, text| mountpoints(parts).iter().all(|m| row_of(text, m).is_some()),
    );
    assert!(!parts.is_empty());
    let header: Vec<&str> = text.lines().next().unwrap().split_whitespace().collect();
    assert_eq!(
        header,
        ["Device", "Total", "Used", "Free", "Use%", "Type", "Mount"]
    );
    for p in &parts {
        let row = row_of(&text, p.mountpoint.to_str().unwrap()).unwrap();
        assert_eq!(row[0], p.device.to_str().unwrap());
        assert_eq!(
            row[1],
            pskit::disk_usage(&p.mountpoint).unwrap().total.to_string()
        );
        assert_eq!(row[5], p.fstype);
    }
    let (_, v) = agree(
        || mountpoints(&pskit::disk_partitions(false).unwrap()),
        || pskit_json(&["disk-usage"]),
        |expected, v| {
            let mounts: Vec<&str> = v
                .as_array()
                .unwrap()
                .iter()
                .map(|m| m["mountpoint"].as_str().unwrap())
                .collect();
            mounts == *expected
        },
    );
    assert!(v[0]["usage"]["total"].as_u64().unwrap() > 0);
}

#[test]
fn iostat_reports_each_disk_per_interval() {
    let disk_names = || -> Vec<String> {
        pskit::disk_io_counters_perdisk(true)
            .unwrap()
            .into_keys()
            .collect()
    };
    // Every disk of the library's list has a row in each report.
    let (_, text) = agree(
        disk_names,
        || pskit_ok(&["iostat", "0.2", "-n", "2"]),
        |disks, text| {
            text.split("\n\n").all(|r| {
                disks
                    .iter()
                    .all(|d| r.lines().any(|l| l.split_whitespace().next() == Some(d)))
            })
        },
    );
    let reports: Vec<&str> = text.split("\n\n").collect();
    assert_eq!(reports.len(), 2, "{text}");
    for r in reports {
        let header: Vec<&str> = r.lines().next().unwrap().split_whitespace().collect();
        assert_eq!(
            header,
            ["Device", "r/s", "w/s", "rkB/s", "wkB/s", "rrqm/s", "wrqm/s", "%util"]
        );
    }
    // Every disk reported is one of the library's.
    let (_, samples) = agree(
        disk_names,
        || -> Vec<Value> {
            pskit_ok(&["iostat", "0.1", "-n", "3", "--json"])
                .lines()
                .map(|l| serde_json::from_str(l).unwrap())
                .collect()
        },
        |disks, samples| {
            samples.iter().all(|s| {
                s["disks"]
                    .as_object()
                    .is_some_and(|o| o.keys().all(|k| disks.contains(k)))
            })
        },
    );
    assert_eq!(samples.len(), 3, "JSON lines, one per report");
    for s in &samples {
        let interval = s["interval"].as_f64().unwrap();
        assert!((0.09..1.0).contains(&interval), "{interval}");
        for (_, rates) in s["disks"].as_object().unwrap() {
            let util = rates["util_percent"].as_f64().unwrap();
            assert!((0.0..=100.0).contains(&util));
            assert!(rates["reads_per_sec"].as_f64().unwrap() >= 0.0);
        }
    }
}

#[test]
fn ifconfig_shows_the_loopback_interface() {
    let stats = pskit::net_if_stats().unwrap();
    let text = pskit_ok(&["ifconfig", "lo"]);
    assert!(text.starts_with("lo:\n"));
    assert!(
        text.contains(&format!("mtu={}, up=yes", stats["lo"].mtu)),
        "{text}"
    );
    assert!(text.contains("    IPv4 address   : 127.0.0.1\n"), "{text}");
    assert!(text.contains("         netmask   : 255.0.0.0\n"), "{text}");
    // Every interface of the library's list has a section.
    agree(
        || {
            pskit::net_if_stats()
                .unwrap()
                .into_keys()
                .collect::<Vec<_>>()
        },
        || pskit_ok(&["ifconfig"]),
        |names, all| names.iter().all(|n| all.contains(&format!("{n}:\n"))),
    );
    let v = pskit_json(&["ifconfig"]);
    assert_eq!(
        v["lo"]["stats"],
        serde_json::to_value(&stats["lo"]).unwrap()
    );
    let addrs = pskit::net_if_addrs().unwrap();
    assert_eq!(
        v["lo"]["addrs"],
        serde_json::to_value(&addrs["lo"]).unwrap()
    );
    expect_failure(
        &["ifconfig", "nosuch0"],
        1,
        "no network interface named 'nosuch0'",
    );
}

/// Two readings of temperatures or fans (chip → sensors) agree: same chips, labels and
/// limits; `current` values at most `tolerance` apart (°C or RPM).
fn assert_same_sensors(shown: &Value, lib: &Value, tolerance: f64) {
    let (a, b) = (shown.as_object().unwrap(), lib.as_object().unwrap());
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        b.keys().collect::<Vec<_>>(),
        "chips"
    );
    for (chip, sensors) in a {
        let (x, y) = (sensors.as_array().unwrap(), b[chip].as_array().unwrap());
        assert_eq!(x.len(), y.len(), "{chip}: {shown} vs {lib}");
        for (s, t) in x.iter().zip(y) {
            let (mut s_rest, mut t_rest) = (s.clone(), t.clone());
            let now = s_rest.as_object_mut().unwrap().remove("current");
            let then = t_rest.as_object_mut().unwrap().remove("current");
            assert_eq!(s_rest, t_rest, "{chip}: labels and limits");
            let (now, then) = (
                now.unwrap().as_f64().unwrap(),
                then.unwrap().as_f64().unwrap(),
            );
            assert!(
                (now - then).abs() <= tolerance,
                "{chip}: {s} vs the library's {t}"
            );
        }
    }
}

/// Two readings of the battery agree: both absent, or the same plugged state and kind
/// of time left (seconds, unknown or unlimited), and a charge at most 3% apart.
fn assert_same_battery(shown: &Value, lib: &Value) {
    if shown.is_null() || lib.is_null() {
        assert_eq!(shown, lib);
        return;
    }
    assert_eq!(shown["power_plugged"], lib["power_plugged"]);
    let kind = |v: &Value| v["secsleft"].as_i64().unwrap().clamp(-2, 0);
    assert_eq!(kind(shown), kind(lib), "{shown} vs {lib}");
    let (now, then) = (
        shown["percent"].as_f64().unwrap(),
        lib["percent"].as_f64().unwrap(),
    );
    assert!((now - then).abs() <= 3.0, "{shown} vs the library's {lib}");
    assert_eq!(
        shown.as_object().unwrap().keys().collect::<Vec<_>>(),
        lib.as_object().unwrap().keys().collect::<Vec<_>>()
    );
}

#[test]
fn the_sensor_comparisons_accept_drift_and_reject_changes() {
    let temps = |label: &str, current: f64, high: f64| json!({"coretemp": [{"label": label, "current": current, "high": high, "critical": null}]});
    let battery = |percent: f64, secsleft: i64| json!({"percent": percent, "secsleft": secsleft, "power_plugged": false});
    assert_same_sensors(
        &temps("Core 0", 45.0, 80.0),
        &temps("Core 0", 48.0, 80.0),
        5.0,
    );
    assert_same_battery(&battery(50.0, 3600), &battery(49.0, 3300));
    assert_same_battery(&Value::Null, &Value::Null);
    let fails = |f: &dyn Fn()| std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).is_err();
    let a = temps("Core 0", 45.0, 80.0);
    assert!(fails(&|| assert_same_sensors(
        &a,
        &temps("Core 0", 51.0, 80.0),
        5.0
    )));
    assert!(fails(&|| assert_same_sensors(
        &a,
        &temps("Core 1", 45.0, 80.0),
        5.0
    )));
    assert!(fails(&|| assert_same_sensors(
        &a,
        &temps("Core 0", 45.0, 90.0),
        5.0
    )));
    assert!(fails(&|| assert_same_sensors(&a, &json!({}), 5.0)));
    let b = battery(50.0, 3600);
    assert!(fails(&|| assert_same_battery(&b, &battery(54.0, 3600))));
    assert!(fails(&|| assert_same_battery(&b, &battery(50.0, -2))));
    assert!(fails(&|| assert_same_battery(&b, &Value::Null)));
}

#[test]
fn sensors_temperatures_fans_and_battery_match_the_library() {
    let temps = pskit::sensors_temperatures(false).unwrap();
    let fans = pskit::sensors_fans().unwrap();
    let battery = pskit::sensors_battery().unwrap();
    // Sensors are read at two moments: chips, labels and limits must be the same;
    // current values may move by what a sensor moves in a moment.
    let lib_temps = || lib(pskit::sensors_temperatures(false));
    let lib_fans = || lib(pskit::sensors_fans());
    let lib_battery = || lib(pskit::sensors_battery());
    assert_same_sensors(&pskit_json(&["temperatures"]), &lib_temps(), 5.0);
    assert_same_sensors(&pskit_json(&["fans"]), &lib_fans(), 300.0);
    assert_same_battery(&pskit_json(&["battery"]), &lib_battery());
    let all = pskit_json(&["sensors"]);
    assert_same_sensors(&all["temperatures"], &lib_temps(), 5.0);
    assert_same_sensors(&all["fans"], &lib_fans(), 300.0);
    assert_same_battery(&all["battery"], &lib_battery());
    if temps.is_empty() {
        expect_failure(&["temperatures"], 1, "can't read any temperature");
    } else {
        let text = pskit_ok(&["temperatures"]);
        for chip in temps.keys() {
            assert!(text.lines().any(|l| l == chip), "{chip}");
        }
        assert!(text.contains(" °C"));
        assert!(pskit_ok(&["temperatures", "-f"]).contains(" °F"));
    }
    if fans.is_empty() {
        expect_failure(&["fans"], 1, "no fans detected");
    } else {
        assert!(pskit_ok(&["fans"]).contains(" RPM"));
    }
    match battery {
        None => {
            expect_failure(&["battery"], 1, "no battery is installed");
        }
        Some(b) => {
            let text = pskit_ok(&["battery"]);
            let charge: f64 = text
                .strip_prefix("charge:")
                .and_then(|t| t.trim_start().split('%').next())
                .and_then(|c| c.parse().ok())
                .unwrap_or_else(|| panic!("no charge line first:\n{text}"));
            assert!((charge - b.percent).abs() <= 3.0, "{text} vs {b:?}");
        }
    }
    if temps.is_empty() && fans.is_empty() && battery.is_none() {
        expect_failure(
            &["sensors"],
            1,
            "no temperature sensor, fan or battery found",
        );
    } else {
        assert!(!pskit_ok(&["sensors"]).is_empty());
    }
}

#[test]
fn who_lists_the_librarys_users() {
    let users = pskit::users().unwrap();
    assert_eq!(pskit_json(&["who"]), lib(pskit::users()));
    let text = pskit_ok(&["who"]);
    let header: Vec<&str> = text.lines().next().unwrap().split_whitespace().collect();
    assert_eq!(header, ["USER", "TERMINAL", "STARTED", "HOST", "PROCESS"]);
    assert_eq!(text.lines().count(), 1 + users.len());
    for u in &users {
        assert!(text.lines().any(|l| l.starts_with(&u.name)), "{}", u.name);
    }
}

#[test]
fn info_json_has_exactly_psutils_keys_and_values() {
    let v = pskit_json(&["info"]);
    let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "boot_time",
            "cpu_count",
            "cpu_count_physical",
            "cpu_times",
            "cpu_times_percpu",
            "cpu_stats",
            "cpu_freq",
            "getloadavg",
            "virtual_memory",
            "swap_memory",
            "disk_partitions",
            "disk_io_counters_perdisk",
            "net_io_counters_pernic",
            "net_if_addrs",
            "net_if_stats",
            "sensors_temperatures",
            "sensors_fans",
            "sensors_battery",
            "users"
        ]
    );
    // The kernel derives boot time from the wall clock, which NTP may step.
    let boot = pskit::boot_time().unwrap();
    let shown = v["boot_time"].as_f64().unwrap();
    assert!(
        (shown - boot).abs() <= 1.0,
        "{shown} vs the library's {boot}"
    );
    assert_eq!(v["cpu_count"], lib(pskit::cpu_count()));
    assert_eq!(v["cpu_count_physical"], lib(pskit::cpu_count_physical()));
    assert_eq!(
        v["cpu_times_percpu"].as_array().unwrap().len(),
        pskit::cpu_times_percpu().unwrap().len()
    );
    assert_eq!(
        v["virtual_memory"]["total"],
        pskit::virtual_memory().unwrap().total
    );
    // The lists (mounts, interfaces, users, disks) as the library reads them just before
    // or just after an `info` run.
    let lists = || {
        json!({
            "disk_partitions": lib(pskit::disk_partitions(false)),
            "net_if_addrs": lib(pskit::net_if_addrs()),
            "net_if_stats": lib(pskit::net_if_stats()),
            "users": lib(pskit::users()),
            "disks": pskit::disk_io_counters_perdisk(true).unwrap().into_keys().collect::<Vec<_>>(),
        })
    };
    agree(
        lists,
        || pskit_json(&["info"]),
        |l, v| {
            let disks: Vec<&String> = v["disk_io_counters_perdisk"]
                .as_object()
                .unwrap()
                .keys()
                .collect();
            ["disk_partitions", "net_if_addrs", "net_if_stats", "users"]
                .iter()
                .all(|k| l[k] == v[k])
                && json!(disks) == l["disks"]
        },
    );
    assert_eq!(v["getloadavg"].as_array().unwrap().len(), 3);
    // psutil's shapes: integer address families, named tuple fields.
    let lo = v["net_if_addrs"]["lo"].as_array().unwrap();
    assert!(lo
        .iter()
        .any(|a| a["family"] == json!(pskit::AF_INET) && a["address"] == "127.0.0.1"));
    assert!(v["cpu_times"]["idle"].as_f64().unwrap() > 0.0);
    assert!(v["cpu_stats"]["ctx_switches"].as_u64().unwrap() > 0);
    // The human form has a section per key.
    let text = pskit_ok(&["info"]);
    for k in keys {
        assert!(text.lines().any(|l| l == format!("{k}:")), "{k}");
    }
}
