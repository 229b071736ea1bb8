//! The system-wide subcommands: their tables carry the library's values, and their
//! `--json` is the library's serde output.

mod common;

use common::*;
use serde_json::{json, Value};

fn lib<T: serde::Serialize>(v: pskit::Result<T>) -> Value {
    serde_json::to_value(v.unwrap()).unwrap()
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
    let parts = pskit::disk_partitions(false).unwrap();
    assert!(!parts.is_empty());
    let text = pskit_ok(&["disk-usage", "--bytes"]);
    let header: Vec<&str> = text.lines().next().unwrap().split_whitespace().collect();
    assert_eq!(
        header,
        ["Device", "Total", "Used", "Free", "Use%", "Type", "Mount"]
    );
    for p in &parts {
        let mount = p.mountpoint.to_str().unwrap();
        let row = text
            .lines()
            .map(|l| l.split_whitespace().collect::<Vec<_>>())
            .find(|c| c.last() == Some(&mount))
            .unwrap_or_else(|| panic!("{mount} missing:\n{text}"));
        assert_eq!(row[0], p.device.to_str().unwrap());
        assert_eq!(
            row[1],
            pskit::disk_usage(&p.mountpoint).unwrap().total.to_string()
        );
        assert_eq!(row[5], p.fstype);
    }
    let v = pskit_json(&["disk-usage"]);
    let mounts: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["mountpoint"].as_str().unwrap())
        .collect();
    let expected: Vec<&str> = parts
        .iter()
        .map(|p| p.mountpoint.to_str().unwrap())
        .collect();
    assert_eq!(mounts, expected);
    assert!(v[0]["usage"]["total"].as_u64().unwrap() > 0);
}

#[test]
fn iostat_reports_each_disk_per_interval() {
    let disks = pskit::disk_io_counters_perdisk(true).unwrap();
    let text = pskit_ok(&["iostat", "0.2", "-n", "2"]);
    let reports: Vec<&str> = text.split("\n\n").collect();
    assert_eq!(reports.len(), 2, "{text}");
    for r in reports {
        let header: Vec<&str> = r.lines().next().unwrap().split_whitespace().collect();
        assert_eq!(
            header,
            ["Device", "r/s", "w/s", "rkB/s", "wkB/s", "rrqm/s", "wrqm/s", "%util"]
        );
        for name in disks.keys() {
            assert!(
                r.lines().any(|l| l.split_whitespace().next() == Some(name)),
                "{name}"
            );
        }
    }
    let out = pskit_ok(&["iostat", "0.1", "-n", "3", "--json"]);
    let samples: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(samples.len(), 3, "JSON lines, one per report");
    for s in &samples {
        let interval = s["interval"].as_f64().unwrap();
        assert!((0.09..1.0).contains(&interval), "{interval}");
        for (name, rates) in s["disks"].as_object().unwrap() {
            assert!(disks.contains_key(name));
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
    let all = pskit_ok(&["ifconfig"]);
    for name in stats.keys() {
        assert!(all.contains(&format!("{name}:\n")), "{name}");
    }
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

#[test]
fn sensors_temperatures_fans_and_battery_match_the_library() {
    let temps = pskit::sensors_temperatures(false).unwrap();
    let fans = pskit::sensors_fans().unwrap();
    let battery = pskit::sensors_battery().unwrap();
    assert_eq!(
        pskit_json(&["temperatures"]),
        lib(pskit::sensors_temperatures(false))
    );
    assert_eq!(pskit_json(&["fans"]), lib(pskit::sensors_fans()));
    assert_eq!(pskit_json(&["battery"]), lib(pskit::sensors_battery()));
    let all = pskit_json(&["sensors"]);
    assert_eq!(all["temperatures"], lib(pskit::sensors_temperatures(false)));
    assert_eq!(all["battery"], lib(pskit::sensors_battery()));
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
            assert!(text.starts_with(&format!("charge:     {:.0}%", b.percent)));
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
    assert_eq!(v["boot_time"], lib(pskit::boot_time()));
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
    assert_eq!(v["disk_partitions"], lib(pskit::disk_partitions(false)));
    assert_eq!(v["net_if_addrs"], lib(pskit::net_if_addrs()));
    assert_eq!(v["net_if_stats"], lib(pskit::net_if_stats()));
    assert_eq!(v["users"], lib(pskit::users()));
    assert_eq!(v["getloadavg"].as_array().unwrap().len(), 3);
    // psutil's shapes: integer address families, named tuple fields.
    let lo = v["net_if_addrs"]["lo"].as_array().unwrap();
    assert!(lo
        .iter()
        .any(|a| a["family"] == json!(pskit::AF_INET) && a["address"] == "127.0.0.1"));
    assert!(v["cpu_times"]["idle"].as_f64().unwrap() > 0.0);
    assert!(v["cpu_stats"]["ctx_switches"].as_u64().unwrap() > 0);
    let disks = pskit::disk_io_counters_perdisk(true).unwrap();
    let listed: Vec<&String> = v["disk_io_counters_perdisk"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    assert_eq!(listed, disks.keys().collect::<Vec<_>>());
    // The human form has a section per key.
    let text = pskit_ok(&["info"]);
    for k in keys {
        assert!(text.lines().any(|l| l == format!("{k}:")), "{k}");
    }
}
