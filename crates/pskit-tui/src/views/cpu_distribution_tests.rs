//! `cpu-distribution`'s layout on synthetic samples.

use super::*;
use pskit::Field;
use std::ffi::OsString;
use unicode_width::UnicodeWidthStr;

fn process(pid: u32, name: &str, cpu: i32) -> ProcessInfo {
    let mut p = ProcessInfo::default();
    p.pid = pid;
    p.name = Field::Ok(OsString::from(name));
    p.cpu_num = Field::Ok(cpu);
    p
}

fn sample(cpus: usize) -> CpuDistributionSample {
    CpuDistributionSample {
        timestamp: 0.0,
        cpu_percent_percpu: (0..cpus).map(|i| i as f64 * 10.0).collect(),
        processes: vec![
            process(1, "init", 0),
            process(7, "worker", 1),
            process(9, "shell", 0),
            process(12, "late", 5),
        ],
    }
}

#[test]
fn processes_sit_under_their_cpu() {
    let screen = distribution_screen(&sample(2), Some(80));
    let lines: Vec<String> = screen.rows.iter().map(|l| l.text.clone()).collect();
    assert!(lines[0].starts_with("CPU 0") && lines[0].contains("CPU 1"));
    assert!(lines[1].starts_with("  0.0% [") && lines[1].contains(" 10.0% ["));
    let col = lines[0].find("CPU 1").unwrap();
    assert!(lines[2].starts_with("1 init") && lines[2][col..].starts_with("7 worker"));
    assert!(lines[3].starts_with("9 shell"));
    // CPU 5 is past the per-CPU list (offline since): shown, without a load.
    let all = screen.plain_lines().join("\n");
    assert!(all.contains("CPU 5") && all.contains("offline") && all.contains("12 late"));
    assert_eq!(screen.summary[0].text, "CPUs: 2  Processes: 4");
}

#[test]
fn bands_follow_the_width_and_never_overflow() {
    let s = sample(16);
    let plain = distribution_screen(&s, None);
    let bands = plain
        .rows
        .iter()
        .filter(|l| l.kind == crate::screen::LineKind::Title)
        .count();
    assert_eq!(bands, 2, "at most 8 CPUs side by side, as psutil's script");
    let narrow = distribution_screen(&s, Some(30));
    let titles = narrow
        .rows
        .iter()
        .filter(|l| l.text.starts_with("CPU "))
        .count();
    assert_eq!(titles, 16, "one CPU per band at 30 columns");
    for width in 0..120 {
        for line in distribution_screen(&s, Some(width)).plain_lines() {
            assert!(line.width() <= width, "{width}: {line:?}");
        }
    }
}

#[test]
fn json_lists_processes_with_cpu_num() {
    let v = serde_json::to_value(sample(2)).unwrap();
    assert_eq!(
        v["processes"][1],
        serde_json::json!({"pid": 7, "name": "worker", "cpu_num": 1})
    );
    assert_eq!(v["cpu_percent_percpu"], serde_json::json!([0.0, 10.0]));
}
