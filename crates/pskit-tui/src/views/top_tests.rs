//! `top`'s data and formatting layer on synthetic samples.

use super::*;
use pskit::{AttrError, CpuTimes, Field, MemoryInfo, Status};
use std::ffi::OsString;
use unicode_width::UnicodeWidthStr;

fn process(pid: u32, name: &str, cpu: f64, rss: u64) -> ProcessInfo {
    let mut p = ProcessInfo::default();
    p.pid = pid;
    p.name = Field::Ok(OsString::from(name));
    p.username = Field::Ok(OsString::from("alice"));
    p.nice = Field::Ok(0);
    p.cpu_percent = Field::Ok(cpu);
    p.memory_percent = Field::Ok(rss as f64 / 1e6);
    p.status = Field::Ok(Status::Sleeping);
    let mut mem = MemoryInfo::default();
    mem.rss = rss;
    mem.vms = rss * 2;
    p.memory_info = Field::Ok(mem);
    let mut times = CpuTimes::default();
    times.user = 61.0;
    times.system = 0.5;
    p.cpu_times = Field::Ok(times);
    p
}

fn sample(processes: Vec<ProcessInfo>) -> TopSample {
    TopSample {
        timestamp: 1_000_000.0,
        cpu_percent_percpu: vec![12.5, 100.0],
        virtual_memory: serde_json::from_value(serde_json::json!({
            "total": 8u64 << 30, "available": 6u64 << 30, "percent": 25.0, "used": 2u64 << 30,
            "free": 5u64 << 30, "active": 0, "inactive": 0, "buffers": 0, "cached": 0,
            "shared": 0, "slab": 0
        }))
        .unwrap(),
        swap_memory: serde_json::from_value(serde_json::json!({
            "total": 0, "used": 0, "free": 0, "percent": 0.0, "sin": 0, "sout": 0
        }))
        .unwrap(),
        getloadavg: (0.5, 0.25, 0.125),
        boot_time: 1_000_000.0 - 90_061.0,
        processes,
    }
}

fn order(sort: TopSort) -> TopOrder {
    TopOrder {
        sort,
        reverse: false,
    }
}

fn pids_in_rows(screen: &Screen) -> Vec<u32> {
    screen
        .rows
        .iter()
        .map(|l| l.text.split_whitespace().next().unwrap().parse().unwrap())
        .collect()
}

fn three() -> TopSample {
    sample(vec![
        process(30, "gamma", 5.0, 3_000_000),
        process(10, "alpha", 50.0, 1_000_000),
        process(20, "beta", 0.5, 2_000_000),
    ])
}

#[test]
fn summary_and_header_read_like_top_py() {
    let screen = top_screen(&three(), order(TopSort::Cpu), Some(100));
    let text: Vec<&str> = screen.summary.iter().map(|l| l.text.as_str()).collect();
    assert!(
        text[0].starts_with("CPU0  [|||||") && text[0].ends_with(" 12.5%"),
        "{text:?}"
    );
    assert!(text[1].ends_with("100.0%"));
    assert!(text[2].starts_with("Mem   [") && text[2].ends_with("25.0% 2.0G / 8.0G"));
    assert!(text[3].starts_with("Swap  ["));
    assert_eq!(text[4], "Processes: 3 (sleeping=3)");
    assert_eq!(
        text[5],
        "Load average: 0.50 0.25 0.12  Uptime: 1 day, 1:01:01"
    );
    let header: Vec<&str> = screen
        .header
        .as_ref()
        .unwrap()
        .text
        .split_whitespace()
        .collect();
    assert_eq!(
        header,
        ["PID", "USER", "NI", "VIRT", "RES", "CPU%", "MEM%", "TIME+", "NAME"]
    );
    let row: Vec<&str> = screen.rows[0].text.split_whitespace().collect();
    assert_eq!(
        row,
        ["10", "alice", "0", "1.9M", "976.6K", "50.0", "1.0", "1:01.50", "alpha"]
    );
    assert_eq!(screen.status, "sort: CPU% desc");
}

#[test]
fn keys_change_the_sort_column_and_direction() {
    let s = three();
    let mut o = order(TopSort::Cpu);
    assert_eq!(pids_in_rows(&top_screen(&s, o, Some(100))), [10, 30, 20]);
    assert!(o.on_key('p'));
    assert_eq!(pids_in_rows(&top_screen(&s, o, Some(100))), [10, 20, 30]);
    assert!(o.on_key('p'));
    assert_eq!(pids_in_rows(&top_screen(&s, o, Some(100))), [30, 20, 10]);
    assert_eq!(top_screen(&s, o, None).status, "sort: PID desc");
    assert!(o.on_key('n'));
    assert_eq!(pids_in_rows(&top_screen(&s, o, Some(100))), [10, 20, 30]);
    assert!(o.on_key('<'));
    assert_eq!(o.sort, TopSort::Time);
    assert!(o.on_key('>') && o.on_key('>'));
    assert_eq!(o.sort, TopSort::Pid, "wraps around");
    assert!(o.on_key('m'));
    assert_eq!(pids_in_rows(&top_screen(&s, o, Some(100))), [30, 20, 10]);
    assert!(o.on_key('r'));
    assert_eq!(pids_in_rows(&top_screen(&s, o, Some(100))), [10, 20, 30]);
    assert!(!o.on_key('z'));
}

#[test]
fn denied_values_are_blank_and_sort_last() {
    let mut denied = process(5, "secret", 0.0, 0);
    denied.cpu_percent = Field::Err(AttrError::AccessDenied);
    denied.username = Field::Err(AttrError::AccessDenied);
    let s = sample(vec![denied, process(6, "open", 0.0, 10)]);
    let screen = top_screen(&s, order(TopSort::Cpu), Some(100));
    assert_eq!(pids_in_rows(&screen), [6, 5]);
    let mut o = order(TopSort::Cpu);
    o.on_key('r');
    assert_eq!(pids_in_rows(&top_screen(&s, o, Some(100))), [6, 5]);
    assert!(!screen.rows[1].text.contains("alice"));
}

#[test]
fn narrow_widths_never_overflow_and_keep_pid_cpu_and_name() {
    let s = three();
    for width in 0..=120 {
        let screen = top_screen(&s, order(TopSort::Cpu), Some(width));
        for line in screen.plain_lines() {
            assert!(line.width() <= width, "width {width}: {line:?}");
        }
        if width >= 20 {
            let header = &screen.header.as_ref().unwrap().text;
            assert!(header.contains("PID") && header.contains("CPU%") && header.contains("NAME"));
            assert!(screen.rows[0].text.contains("alpha"), "width {width}");
        }
    }
    let narrow = top_screen(&s, order(TopSort::Cpu), Some(30));
    assert_eq!(narrow.summary[0].text, "CPU0  [||            ]  12.5%");
    let tiny = top_screen(&s, order(TopSort::Cpu), Some(20));
    assert_eq!(tiny.summary[0].text, "CPU0   12.5%", "the bar is left out");
}

#[test]
fn control_characters_in_names_cannot_reach_the_terminal() {
    let s = sample(vec![process(1, "evil\x1b[2Jname", 0.0, 0)]);
    let screen = top_screen(&s, order(TopSort::Cpu), None);
    assert!(screen.rows[0].text.ends_with("evil?[2Jname"));
    assert!(screen.plain_lines().iter().all(|l| !l.contains('\x1b')));
}

#[test]
fn many_cpus_share_lines_on_wide_terminals() {
    let mut s = three();
    s.cpu_percent_percpu = vec![50.0; 32];
    let wide = top_screen(&s, order(TopSort::Cpu), Some(160));
    let cpu_lines = wide
        .summary
        .iter()
        .filter(|l| l.text.starts_with("CPU"))
        .count();
    assert_eq!(cpu_lines, 8);
    assert!(wide.summary[0].text.contains("CPU3"));
    let plain = top_screen(&s, order(TopSort::Cpu), None);
    assert_eq!(plain.summary.len(), 32 + 4);
}

#[test]
fn json_uses_psutil_names() {
    let v = serde_json::to_value(three()).unwrap();
    for key in [
        "timestamp",
        "cpu_percent_percpu",
        "virtual_memory",
        "swap_memory",
        "getloadavg",
        "boot_time",
        "processes",
    ] {
        assert!(v.get(key).is_some(), "{key}");
    }
    assert_eq!(v["getloadavg"], serde_json::json!([0.5, 0.25, 0.125]));
    let p = &v["processes"][1];
    assert_eq!(p["pid"], 10);
    assert_eq!(p["name"], "alpha");
    assert_eq!(p["memory_info"]["rss"], 1_000_000);
    assert_eq!(p["cpu_times"]["user"], 61.0);
    assert_eq!(p["status"], "sleeping");
}
