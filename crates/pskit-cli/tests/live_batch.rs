//! The non-interactive modes run as scripts use them: `--once` and `-n COUNT` plain
//! text, `--json` lines checked against the library, bad arguments, and a closed
//! output.

#[path = "live_common/mod.rs"]
mod common;

use std::io::{BufRead, BufReader};
use std::net::UdpSocket;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use common::{row_of, run_view, scratch_dir, view_command, Sleeper, CHILD_NAME};
use serde_json::Value;

const VIEWS: [&str; 4] = ["top", "iotop", "nettop", "cpu-distribution"];

fn stdout_of(args: &[&str]) -> String {
    let out = run_view(args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// The JSON documents printed by `args`, one per line.
fn json_lines(args: &[&str]) -> Vec<Value> {
    stdout_of(args)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

fn process(doc: &Value, pid: u32) -> Option<&Value> {
    doc["processes"]
        .as_array()
        .expect("a processes array")
        .iter()
        .find(|p| p["pid"] == pid)
}

#[test]
fn top_once_prints_plain_text_with_our_child() {
    let child = Sleeper::start();
    let text = stdout_of(&["top", "--once", "-i", "0.2"]);
    assert!(!text.contains('\x1b'), "no escape codes");
    assert!(text.starts_with("CPU0 "), "{text}");
    assert!(text.contains("\nMem ") && text.contains("\nSwap "));
    assert!(text.contains("Load average: ") && text.contains("Uptime: "));
    let header = text
        .lines()
        .find(|l| l.trim_start().starts_with("PID"))
        .unwrap();
    let titles: Vec<&str> = header.split_whitespace().collect();
    assert_eq!(
        titles,
        ["PID", "USER", "NI", "VIRT", "RES", "CPU%", "MEM%", "TIME+", "NAME"]
    );
    let row = row_of(&text, child.pid(), CHILD_NAME).expect("our child's row");
    assert!(row.trim_end().ends_with(CHILD_NAME), "{row}");
    assert_eq!(text.matches("Load average:").count(), 1, "one sample");
}

#[test]
fn count_prints_that_many_plain_samples() {
    let markers = [
        ("top", "Load average: "),
        ("iotop", "Total DISK READ: "),
        ("nettop", "total bytes: "),
        ("cpu-distribution", "CPUs: "),
    ];
    for (view, marker) in markers {
        let text = stdout_of(&[view, "-n", "2", "-i", "0.1"]);
        let samples = text.lines().filter(|l| l.starts_with(marker)).count();
        assert_eq!(samples, 2, "{view}: {text}");
        assert!(
            text.contains("\n\n"),
            "{view}: samples separated by a blank line"
        );
        assert!(!text.contains('\x1b'));
    }
}

#[test]
fn top_json_lines_match_the_library() {
    let child = Sleeper::start();
    let boot = pskit::boot_time().unwrap();
    let cpus = pskit::cpu_times_percpu().unwrap().len();
    let total = pskit::virtual_memory().unwrap().total;
    let docs = json_lines(&["top", "-n", "2", "--json", "-i", "0.2"]);
    assert_eq!(docs.len(), 2);
    for doc in &docs {
        // The kernel derives boot time from the wall clock, which NTP may step.
        let shown = doc["boot_time"].as_f64().expect("a boot_time");
        assert!(
            (shown - boot).abs() <= 1.0,
            "{shown} vs the library's {boot}"
        );
        assert_eq!(doc["cpu_percent_percpu"].as_array().unwrap().len(), cpus);
        assert_eq!(doc["virtual_memory"]["total"], total);
        assert!(doc["swap_memory"]["total"].is_u64());
        assert_eq!(doc["getloadavg"].as_array().unwrap().len(), 3);
        let me = process(doc, child.pid()).expect("our child");
        assert_eq!(me["name"], CHILD_NAME);
        assert_eq!(me["status"], "sleeping");
        for key in [
            "username",
            "nice",
            "memory_info",
            "memory_percent",
            "cpu_percent",
            "cpu_times",
        ] {
            assert!(me.get(key).is_some(), "{key} in {me}");
        }
        assert!(
            me.get("cmdline").is_none(),
            "only top's attributes are read"
        );
    }
    assert!(docs[1]["timestamp"].as_f64() > docs[0]["timestamp"].as_f64());
}

#[test]
fn iotop_json_measures_a_writer() {
    let dir = scratch_dir("writer");
    let file = dir.join("data");
    let script = "import os, sys, time\n\
                  f = open(sys.argv[1], 'wb')\n\
                  while True:\n    \
                  f.write(b'x' * 65536); f.flush(); os.fsync(f.fileno()); f.seek(0); time.sleep(0.02)\n";
    let mut writer = Command::new("python3")
        .args(["-c", script])
        .arg(&file)
        .spawn()
        .expect("python3");
    // The sampled window must hold writes: wait until the writer has written (python
    // may take a while to start on a loaded machine).
    let deadline = Instant::now() + Duration::from_secs(10);
    while !pskit::Process::new(writer.id())
        .and_then(|p| p.io_counters())
        .is_ok_and(|io| io.write_bytes > 0)
    {
        if Instant::now() > deadline {
            let _ = writer.kill();
            let _ = writer.wait();
            panic!("the writer wrote nothing in 10 s");
        }
        thread::sleep(Duration::from_millis(20));
    }
    let docs = json_lines(&["iotop", "-n", "2", "--json", "-i", "0.5"]);
    let _ = writer.kill();
    let _ = writer.wait();
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(docs.len(), 2);
    let me = process(&docs[1], writer.id()).expect("the writer");
    assert!(me["write_bytes_per_sec"].as_f64().unwrap() > 0.0, "{me}");
    assert!(
        me["io_counters"]["write_bytes"].as_u64().unwrap() > 0,
        "{me}"
    );
    assert_eq!(me["name"], "python3");
    assert!(docs[1]["access_denied"].is_u64());
    assert!(docs[1]["interval"].as_f64().unwrap() >= 0.4);
    // Busiest first.
    let rates: Vec<f64> = docs[1]["processes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            p["read_bytes_per_sec"].as_f64().unwrap() + p["write_bytes_per_sec"].as_f64().unwrap()
        })
        .collect();
    assert!(rates.windows(2).all(|w| w[0] >= w[1]));
}

#[test]
fn nettop_json_sees_loopback_traffic_between_library_readings() {
    let before = pskit::net_io_counters_pernic(true).unwrap()["lo"];
    let stop = Arc::new(AtomicBool::new(false));
    let sender = {
        let stop = stop.clone();
        thread::spawn(move || {
            let rx = UdpSocket::bind("127.0.0.1:0").unwrap();
            let tx = UdpSocket::bind("127.0.0.1:0").unwrap();
            let to = rx.local_addr().unwrap();
            let mut buf = [0u8; 2048];
            rx.set_nonblocking(true).unwrap();
            while !stop.load(Ordering::Relaxed) {
                tx.send_to(&[7u8; 1000], to).unwrap();
                while rx.recv(&mut buf).is_ok() {}
                thread::sleep(Duration::from_millis(2));
            }
        })
    };
    let docs = json_lines(&["nettop", "-n", "2", "--json", "-i", "0.3"]);
    stop.store(true, Ordering::Relaxed);
    sender.join().unwrap();
    let after = pskit::net_io_counters_pernic(true).unwrap()["lo"];
    assert_eq!(docs.len(), 2);
    for doc in &docs {
        let lo = &doc["net_io_counters_pernic"]["lo"];
        let recv = lo["bytes_recv"].as_u64().unwrap();
        assert!(
            before.bytes_recv <= recv && recv <= after.bytes_recv,
            "{lo}"
        );
        let packets = lo["packets_recv"].as_u64().unwrap();
        assert!(
            before.packets_recv <= packets && packets <= after.packets_recv,
            "{lo}"
        );
        let rate = &doc["per_second_pernic"]["lo"];
        assert!(rate["bytes_recv"].as_f64().unwrap() > 0.0, "{rate}");
        assert!(rate["packets_sent"].as_f64().unwrap() > 0.0, "{rate}");
        assert!(doc["per_second"]["bytes_recv"].as_f64().unwrap() > 0.0);
        assert!(doc["net_io_counters"]["bytes_recv"].as_u64().unwrap() >= recv);
    }
}

#[test]
fn nettop_text_shows_packet_totals_and_rates_per_interface() {
    let before = pskit::net_io_counters_pernic(true).unwrap()["lo"];
    let text = stdout_of(&["nettop", "--once", "-i", "0.2", "--nic", "lo"]);
    let after = pskit::net_io_counters_pernic(true).unwrap()["lo"];
    assert!(
        text.lines().any(|l| l.starts_with("packets/s:     sent: ")),
        "{text}"
    );
    let header = text
        .lines()
        .find(|l| l.starts_with("NIC"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(header.ends_with("PKTS OUT      PKTS IN"), "{header}");
    let lo: Vec<&str> = text
        .lines()
        .find(|l| l.split_whitespace().next() == Some("lo"))
        .unwrap_or_else(|| panic!("{text}"))
        .split_whitespace()
        .collect();
    assert_eq!(lo.len(), 9, "{lo:?}");
    let rate: f64 = lo[3].parse().unwrap();
    assert!(rate >= 0.0, "{lo:?}");
    let (sent, recv): (u64, u64) = (lo[7].parse().unwrap(), lo[8].parse().unwrap());
    assert!(
        (before.packets_sent..=after.packets_sent).contains(&sent),
        "{sent} not within the library's {} and {}",
        before.packets_sent,
        after.packets_sent
    );
    assert!(
        (before.packets_recv..=after.packets_recv).contains(&recv),
        "{recv} not within the library's {} and {}",
        before.packets_recv,
        after.packets_recv
    );
}

#[test]
fn cpu_distribution_json_places_our_child_on_a_cpu() {
    let child = Sleeper::start();
    let cpus = pskit::cpu_times_percpu().unwrap().len();
    let docs = json_lines(&["cpu-distribution", "-n", "2", "--json", "-i", "0.2"]);
    assert_eq!(docs.len(), 2);
    for doc in &docs {
        assert_eq!(doc["cpu_percent_percpu"].as_array().unwrap().len(), cpus);
        let me = process(doc, child.pid()).expect("our child");
        assert_eq!(me["name"], CHILD_NAME);
        let cpu = me["cpu_num"].as_u64().unwrap();
        let affinity = pskit::Process::new(child.pid())
            .unwrap()
            .cpu_affinity()
            .unwrap();
        assert!(
            affinity.contains(&(cpu as usize)),
            "cpu {cpu} in {affinity:?}"
        );
    }
    let text = stdout_of(&[
        "cpu-distribution",
        "--once",
        "-i",
        "0.1",
        "-p",
        &child.pid().to_string(),
    ]);
    assert!(
        text.contains(&format!("{} {CHILD_NAME}", child.pid())),
        "{text}"
    );
}

#[test]
fn bad_arguments_are_usage_errors_with_one_clear_line() {
    for view in VIEWS {
        for bad in [
            vec!["--once", "-i", "0"],
            vec!["-n", "2", "--interval=-1"],
            vec!["--json", "-i", "-0.5"],
            vec!["--once", "-i", "nan"],
            vec!["-n", "0"],
        ] {
            let mut args = vec![view];
            args.extend(&bad);
            let out = run_view(&args);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
            assert!(out.stdout.is_empty());
            assert_eq!(stderr.lines().count(), 1, "{stderr}");
            assert!(
                stderr.contains("interval must be more than 0") || stderr.contains("count must be"),
                "{stderr}"
            );
            assert!(!stderr.contains("panicked"));
        }
        // Parsing errors are clap's, also status 2.
        let out = run_view(&[view, "--once", "-i", "soon"]);
        assert_eq!(out.status.code(), Some(2));
    }
}

#[test]
fn full_screen_without_a_terminal_is_a_usage_error() {
    let out = run_view(&["top", "-i", "0.2"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("not a terminal"), "{stderr}");
}

#[test]
fn a_closed_output_ends_quietly() {
    for view in VIEWS {
        let mut child = view_command(&[view, "-n", "5", "-i", "0.1"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        assert!(!first.is_empty());
        // The reader is gone: the next write gets EPIPE.
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{view}: {stderr}");
        assert!(stderr.is_empty(), "{view}: {stderr}");
    }
}
