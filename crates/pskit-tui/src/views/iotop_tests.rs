//! `iotop`'s rate computation and formatting on synthetic counters.

use super::*;
use std::ffi::OsString;
use unicode_width::UnicodeWidthStr;

fn io(read: u64, write: u64) -> IoCounters {
    let mut c = IoCounters::default();
    c.read_bytes = read;
    c.write_bytes = write;
    c
}

fn info(pid: u32, created: f64, counters: Field<IoCounters>) -> ProcessInfo {
    let mut p = ProcessInfo::default();
    p.pid = pid;
    p.create_time = Field::Ok(created);
    p.name = Field::Ok(OsString::from(format!("proc{pid}")));
    p.username = Field::Ok(OsString::from("bob"));
    p.cmdline = Field::Ok(vec![]);
    p.io_counters = counters;
    p
}

fn args(only: bool, pids: Vec<u32>) -> IotopArgs {
    IotopArgs {
        sampling: SampleArgs {
            once: true,
            count: None,
            interval: 1.0,
            json: false,
        },
        only,
        pids,
    }
}

#[test]
fn rates_are_deltas_over_the_interval_busiest_first() {
    let before = [
        info(1, 100.0, Field::Ok(io(1000, 0))),
        info(2, 100.0, Field::Ok(io(0, 0))),
        info(3, 100.0, Field::Ok(io(0, 0))),
    ];
    let last = counters_by_process(&before);
    let after = [
        info(1, 100.0, Field::Ok(io(3000, 0))),
        info(2, 100.0, Field::Ok(io(0, 8000))),
        // PID 3 was reused by a new process: its counters all count as new.
        info(3, 150.0, Field::Ok(io(500, 0))),
        info(4, 160.0, Field::Err(AttrError::AccessDenied)),
        info(5, 160.0, Field::Err(AttrError::ZombieProcess)),
    ];
    let (procs, denied) = process_rates(&after, &last, 2.0, &args(false, vec![]));
    assert_eq!(denied, 1, "AccessDenied counted, zombies not");
    let got: Vec<(u32, f64, f64)> = procs
        .iter()
        .map(|p| (p.info.pid, p.read_bytes_per_sec, p.write_bytes_per_sec))
        .collect();
    assert_eq!(got, [(2, 0.0, 4000.0), (1, 1000.0, 0.0), (3, 250.0, 0.0)]);
}

#[test]
fn only_and_pid_filters() {
    let before = [
        info(1, 1.0, Field::Ok(io(0, 0))),
        info(2, 1.0, Field::Ok(io(0, 0))),
    ];
    let last = counters_by_process(&before);
    let after = [
        info(1, 1.0, Field::Ok(io(0, 0))),
        info(2, 1.0, Field::Ok(io(10, 0))),
    ];
    let (procs, _) = process_rates(&after, &last, 1.0, &args(true, vec![]));
    assert_eq!(procs.iter().map(|p| p.info.pid).collect::<Vec<_>>(), [2]);
    let (procs, _) = process_rates(&after, &last, 1.0, &args(false, vec![1]));
    assert_eq!(procs.iter().map(|p| p.info.pid).collect::<Vec<_>>(), [1]);
}

#[test]
fn counters_going_back_and_zero_intervals_give_zero() {
    assert_eq!(rate(10, 5, 1.0), 0.0);
    assert_eq!(rate(0, 5, 0.0), 0.0);
    assert_eq!(rate(0, 3072, 2.0), 1536.0);
}

fn sample() -> IotopSample {
    let mut p = info(42, 1.0, Field::Ok(io(0, 0)));
    p.cmdline = Field::Ok(vec!["dd".into(), "if=/dev/zero".into()]);
    let mut kernel = info(2, 1.0, Field::Ok(io(0, 0)));
    kernel.name = Field::Ok("kthreadd".into());
    IotopSample {
        timestamp: 0.0,
        interval: 1.0,
        disk_io_counters: None,
        disk_read_bytes_per_sec: 2048.0,
        disk_write_bytes_per_sec: 1.5 * 1024.0 * 1024.0,
        access_denied: 7,
        processes: vec![
            ProcessIo {
                info: p,
                read_bytes_per_sec: 0.0,
                write_bytes_per_sec: 1536.0,
            },
            ProcessIo {
                info: kernel,
                read_bytes_per_sec: 0.0,
                write_bytes_per_sec: 0.0,
            },
        ],
    }
}

#[test]
fn screen_reads_like_iotop_py() {
    let screen = iotop_screen(&sample(), Some(80));
    assert_eq!(
        screen.summary[0].text,
        "Total DISK READ: 2.0K/s | Total DISK WRITE: 1.5M/s"
    );
    assert_eq!(
        screen.summary[1].text,
        "Processes: 2 shown, 7 skipped (AccessDenied)"
    );
    let header = &screen.header.as_ref().unwrap().text;
    assert_eq!(header.trim(), "PID USER       DISK READ DISK WRITE COMMAND");
    let row: Vec<&str> = screen.rows[0].text.split_whitespace().collect();
    assert_eq!(row, ["42", "bob", "0B/s", "1.5K/s", "dd", "if=/dev/zero"]);
    assert!(screen.rows[1].text.ends_with("[kthreadd]"));
    for width in 0..100 {
        for line in iotop_screen(&sample(), Some(width)).plain_lines() {
            assert!(line.width() <= width, "{width}: {line:?}");
        }
    }
}

#[test]
fn json_keeps_psutil_names_next_to_the_rates() {
    let v = serde_json::to_value(sample()).unwrap();
    let p = &v["processes"][0];
    assert_eq!(p["pid"], 42);
    assert_eq!(p["name"], "proc42");
    assert_eq!(p["io_counters"]["write_bytes"], 0);
    assert_eq!(p["write_bytes_per_sec"], 1536.0);
    assert_eq!(v["access_denied"], 7);
    assert!(v["disk_io_counters"].is_null());
}
