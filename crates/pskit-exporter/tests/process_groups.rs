//! The process group cap over a fixture /proc: kernel threads grouped without their
//! per-CPU suffixes, the largest groups admitted first, and a real process named
//! `other` kept apart from the overflow group.

mod common;

use std::fs;
use std::path::Path;

use common::{copy_tree, get, samples, value, Running, FIXTURE};

/// A process directory: stat with `ppid` and `rss_pages`, statm with the same size
/// (all zero for a kernel thread, which has no address space).
fn add(proc_dir: &Path, pid: u32, ppid: u32, comm: &str, rss_pages: u64) {
    add_in_state(proc_dir, pid, ppid, comm, rss_pages, 'S');
}

/// [`add`] in a given state letter.
fn add_in_state(proc_dir: &Path, pid: u32, ppid: u32, comm: &str, rss_pages: u64, state: char) {
    let dir = proc_dir.join(pid.to_string());
    fs::create_dir_all(&dir).unwrap();
    let vsize = rss_pages * 4096 * 4;
    fs::write(
        dir.join("stat"),
        format!("{pid} ({comm}) {state} {ppid} {pid} {pid} 0 -1 4194560 500 0 2 0 10 5 0 0 20 0 1 0 12000 {vsize} {rss_pages} 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n"),
    )
    .unwrap();
    fs::write(dir.join("status"), format!("Name:\t{comm}\nState:\t{state} (x)\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nThreads:\t1\nvoluntary_ctxt_switches:\t7\nnonvoluntary_ctxt_switches:\t3\n")).unwrap();
    fs::write(
        dir.join("statm"),
        format!("{} {rss_pages} 0 0 0 0 0\n", rss_pages * 4),
    )
    .unwrap();
    fs::write(dir.join("cmdline"), b"").unwrap();
}

/// A fixture /proc with kthreadd, per-CPU kernel threads and kworkers (no memory),
/// and user processes: `postgres` (large), `other` and `aaa` (small).
fn host(root: &Path) {
    copy_tree(Path::new(FIXTURE), root);
    let p = root.join("proc");
    add(&p, 2, 0, "kthreadd", 0);
    for cpu in 0..4 {
        add(&p, 10 + cpu, 2, &format!("ksoftirqd/{cpu}"), 0);
        add(&p, 20 + cpu, 2, &format!("cpuhp/{cpu}"), 0);
    }
    add(&p, 30, 2, "kworker/0:1-events", 0);
    add(&p, 31, 2, "kworker/u8:2-flush-259:0", 0);
    add(&p, 100, 1, "postgres", 50_000);
    add(&p, 101, 100, "postgres", 20_000);
    add(&p, 200, 1, "other", 300);
    add(&p, 300, 1, "aaa", 100);
    // A usermode helper kthreadd started, now a zombie: no memory, but not a kernel
    // thread, so its name is kept whole.
    add_in_state(&p, 40, 2, "helper/2", 0, 'Z');
}

fn groups(root: &Path, max_groups: &str) -> Vec<(String, f64)> {
    let s = Running::with_flags(&[
        "--path.procfs",
        root.join("proc").to_str().unwrap(),
        "--path.sysfs",
        root.join("sys").to_str().unwrap(),
        "--collector.disable-defaults",
        "--collector",
        "processes",
        "--max-groups",
        max_groups,
    ]);
    let r = get(s.addr, "/metrics", &[]);
    assert_eq!(r.status, 200);
    assert_eq!(
        value(
            &r.body,
            "pskit_scrape_collector_success",
            "collector=\"processes\""
        ),
        Some(1.0)
    );
    let mut out: Vec<(String, f64)> = samples(&r.body)
        .into_iter()
        .filter(|(n, _, _)| n == "namedprocess_namegroup_num_procs")
        .map(|(_, l, v)| {
            let name = l
                .strip_prefix("groupname=\"")
                .and_then(|l| l.strip_suffix('"'))
                .unwrap_or_else(|| panic!("{l}"));
            (name.to_owned(), v)
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn owned(list: &[(&str, f64)]) -> Vec<(String, f64)> {
    list.iter().map(|(n, v)| (n.to_string(), *v)).collect()
}

#[test]
fn kernel_threads_are_grouped_without_per_cpu_suffixes() {
    let tmp = tempfile::tempdir().unwrap();
    host(tmp.path());
    assert_eq!(
        groups(tmp.path(), "100"),
        owned(&[
            ("_other", 1.0),
            ("aaa", 1.0),
            ("cpuhp", 4.0),
            ("helper/2", 1.0),
            ("ksoftirqd", 4.0),
            ("kthreadd", 1.0),
            ("kworker", 2.0),
            ("postgres", 2.0),
        ])
    );
}

#[test]
fn over_the_cap_the_largest_groups_win_and_other_stays_apart() {
    let tmp = tempfile::tempdir().unwrap();
    host(tmp.path());
    // Alphabetically `aaa`, `cpuhp` and `ksoftirqd` would take the three places;
    // by resident memory they go to postgres, the real `other` and `aaa`.
    assert_eq!(
        groups(tmp.path(), "3"),
        owned(&[
            ("_other", 1.0),
            ("aaa", 1.0),
            ("other", 12.0),
            ("postgres", 2.0),
        ])
    );
}
