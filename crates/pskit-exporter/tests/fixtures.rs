//! The exporter over a fixture /proc and /sys (`--path.procfs`, `--path.sysfs`): the
//! library's Linux 6.8 laptop tree, plus process directories with the /proc/PID/stat
//! files that make node_exporter 1.5 and process-exporter 0.7 exit (truncated, empty,
//! swapped parentheses, invalid UTF-8, a u64 overflow), a PID whose stat is missing,
//! and a mount table that lists the same mount twice (a bind mount onto itself).

mod common;

use std::fs;
use std::path::Path;

use common::{copy_tree, duplicate_series, get, samples, value, Running, FIXTURE};

/// A stat line with `comm` and `utime` as given (Linux 6.x layout, 52 fields).
fn stat_line(pid: u32, comm: &[u8], utime: &str) -> Vec<u8> {
    let mut v = format!("{pid} (").into_bytes();
    v.extend_from_slice(comm);
    v.extend_from_slice(
        format!(") S 1 {pid} {pid} 0 -1 4194560 500 0 2 0 {utime} 50 0 0 20 0 1 0 12000 10485760 256 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n").as_bytes(),
    );
    v
}

fn add_process(proc_dir: &Path, pid: u32, stat: Option<&[u8]>) {
    let dir = proc_dir.join(pid.to_string());
    fs::create_dir_all(&dir).unwrap();
    if let Some(stat) = stat {
        fs::write(dir.join("stat"), stat).unwrap();
    }
    fs::write(dir.join("status"), "Name:\tx\nState:\tS (sleeping)\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nThreads:\t1\nvoluntary_ctxt_switches:\t7\nnonvoluntary_ctxt_switches:\t3\n").unwrap();
    fs::write(dir.join("statm"), "2560 256 100 10 0 200 0\n").unwrap();
    fs::write(dir.join("cmdline"), b"").unwrap();
}

#[test]
fn hostile_proc_files_are_skipped_counted_and_never_fail_the_scrape() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    copy_tree(Path::new(FIXTURE), root);
    let proc_dir = root.join("proc");
    // Two good processes of one group, then the hostile ones.
    add_process(&proc_dir, 100, Some(&stat_line(100, b"good", "100")));
    add_process(&proc_dir, 101, Some(&stat_line(101, b"good", "300")));
    add_process(&proc_dir, 102, Some(b"102 (trunc)"));
    add_process(&proc_dir, 103, Some(b""));
    add_process(&proc_dir, 104, Some(b"104 )x( S 1 1 1 0"));
    add_process(
        &proc_dir,
        105,
        Some(&stat_line(105, b"\xff\xfe bad utf8", "7")),
    );
    add_process(
        &proc_dir,
        106,
        Some(&stat_line(106, b"overflow", "99999999999999999999999")),
    );
    add_process(&proc_dir, 107, None);
    add_process(&proc_dir, 108, Some(&stat_line(108, b"we)ird) name", "1")));
    // The same mount twice, as a bind mount of a path onto itself shows it.
    let mounts = fs::read_to_string(proc_dir.join("self/mounts")).unwrap();
    fs::write(
        proc_dir.join("self/mounts"),
        format!("{mounts}tmpfs /tmp tmpfs rw 0 0\n"),
    )
    .unwrap();

    let s = Running::with_flags(&[
        "--path.procfs",
        proc_dir.to_str().unwrap(),
        "--path.sysfs",
        root.join("sys").to_str().unwrap(),
        "--no-collector",
        "exporter",
    ]);
    let r = get(s.addr, "/metrics", &[]);
    assert_eq!(r.status, 200);
    let body = &r.body;
    assert_eq!(duplicate_series(body), Vec::<String>::new());

    // The processes collector succeeded, grouping the good processes.
    assert_eq!(
        value(
            body,
            "pskit_scrape_collector_success",
            "collector=\"processes\""
        ),
        Some(1.0)
    );
    assert_eq!(
        value(
            body,
            "namedprocess_namegroup_num_procs",
            "groupname=\"good\""
        ),
        Some(2.0)
    );
    assert_eq!(
        value(
            body,
            "namedprocess_namegroup_num_procs",
            "groupname=\"we)ird) name\""
        ),
        Some(1.0)
    );
    assert_eq!(
        value(
            body,
            "namedprocess_namegroup_num_procs",
            "groupname=\"\u{fffd}\u{fffd} bad utf8\""
        ),
        Some(1.0)
    );
    // USER_HZ is 100: 100 + 300 ticks of user time.
    assert_eq!(
        value(
            body,
            "namedprocess_namegroup_cpu_seconds_total",
            "groupname=\"good\",mode=\"user\""
        ),
        Some(4.0)
    );
    // Truncated, swapped-parens and overflowing stat files are counted, by kind. An
    // empty stat is what a process that has just ended reads as: the library says
    // NoSuchProcess and it is skipped like any process that exits mid-scan.
    let parse_errors = value(
        body,
        "pskit_scrape_skipped_total",
        "collector=\"processes\",item=\"process\",kind=\"ParseError\"",
    );
    assert_eq!(parse_errors, Some(3.0), "{body}");
    assert!(!body.contains("groupname=\"overflow\""));

    // The duplicated mount is exported once; the skipped copy is counted.
    let tmp_sizes = samples(body)
        .into_iter()
        .filter(|(n, l, _)| n == "node_filesystem_readonly" && l.contains("mountpoint=\"/tmp\""))
        .count();
    assert_eq!(tmp_sizes, 1);
    assert!(
        value(
            body,
            "pskit_scrape_skipped_total",
            "collector=\"filesystem\",item=\"series\",kind=\"Duplicate\""
        )
        .unwrap()
            >= 1.0
    );

    // CPU 2 is offline in this fixture: cpu="3" keeps its number.
    assert!(value(body, "node_cpu_seconds_total", "cpu=\"3\",mode=\"user\"").is_some());
    assert!(value(body, "node_cpu_seconds_total", "cpu=\"2\",mode=\"user\"").is_none());
    assert_eq!(
        value(body, "node_context_switches_total", ""),
        Some(5_555_555.0)
    );
    assert_eq!(value(body, "node_forks_total", ""), Some(99_999.0));
    assert_eq!(
        value(body, "node_boot_time_seconds", ""),
        Some(1_700_000_000.0)
    );
    assert_eq!(value(body, "node_load15", ""), Some(0.5));
    // MemAvailable is 0 in this fixture: exported raw, as node_exporter does.
    assert_eq!(value(body, "node_memory_MemAvailable_bytes", ""), Some(0.0));
    // The NVMe partition is excluded from diskstats by node_exporter's default pattern.
    assert!(body.contains("node_disk_read_bytes_total{device=\"nvme0n1\"}"));
    assert!(!body.contains("device=\"nvme0n1p1\""));
    // Two device-less hwmon chips named nvme stay distinct series (the second by its
    // hwmonN directory).
    assert!(
        body.contains("chip=\"nvme\",sensor=\"temp1\"")
            && body.contains("chip=\"hwmon1\",sensor=\"temp1\""),
        "{body}"
    );
}
