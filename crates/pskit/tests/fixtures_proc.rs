//! Hostile /proc trees: each fixture below is written into a temporary directory and
//! read through `Host::with_roots`, so the parsing rules are pinned on any machine.

use std::fs;
use std::path::Path;

use pskit::{Attr, Error, Host, Process, ProcessTable, Status};

const BTIME: u64 = 1_700_000_000;

/// A /proc root with a /proc/stat holding `btime`.
fn proc_root() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("stat"),
        format!("cpu  1 2 3 4 5 6 7 0 0 0\ncpu0 1 2 3 4 5 6 7 0 0 0\nbtime {BTIME}\n"),
    )
    .unwrap();
    fs::write(
        dir.path().join("meminfo"),
        "MemTotal:       1000000 kB\nMemFree:         500000 kB\n",
    )
    .unwrap();
    dir
}

fn host_of(dir: &tempfile::TempDir) -> Host {
    Host::with_roots(dir.path(), dir.path().join("sys"))
}

fn stat_line(pid: u32, comm: &str, state: char, starttime: u64) -> String {
    format!(
        "{pid} ({comm}) {state} 1 {pid} {pid} 0 -1 4194560 100 0 2 0 300 100 0 0 20 0 1 0 {starttime} 10485760 250 \
         18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 5 0 0\n"
    )
}

/// Writes a user process (Linux 6.x layout) under `root/pid`.
fn write_process(root: &Path, pid: u32, comm: &str) -> std::path::PathBuf {
    let d = root.join(pid.to_string());
    fs::create_dir_all(&d).unwrap();
    fs::write(d.join("stat"), stat_line(pid, comm, 'S', 500)).unwrap();
    fs::write(d.join("statm"), "2560 250 200 5 0 100 0\n").unwrap();
    fs::write(
        d.join("status"),
        "Name:\tx\nTgid:\t42\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nThreads:\t1\nvoluntary_ctxt_switches:\t3\nnonvoluntary_ctxt_switches:\t4\n",
    )
    .unwrap();
    fs::write(d.join("cmdline"), "/usr/bin/x\0--flag\0").unwrap();
    fs::write(d.join("smaps_rollup"), "00-ff ---p 0 00:00 0 [rollup]\nRss: 1000 kB\nPss: 600 kB\nPrivate_Clean: 100 kB\nPrivate_Dirty: 200 kB\nSwap: 8 kB\n").unwrap();
    d
}

#[test]
fn a_user_process_reads_from_the_relocated_root() {
    let root = proc_root();
    write_process(root.path(), 42, "x");
    let host = host_of(&root);
    assert_eq!(host.pids().unwrap(), vec![42]);
    let p = Process::with_host(&host, 42).unwrap();
    let page = rustix_page_size();
    assert_eq!(p.create_time(), BTIME as f64 + 500.0 / 100.0);
    assert_eq!(p.status().unwrap(), Status::Sleeping);
    assert_eq!(p.memory_info().unwrap().rss, 250 * page);
    let full = p.memory_full_info().unwrap();
    assert_eq!(
        (full.uss, full.pss, full.swap),
        (300 * 1024, 600 * 1024, 8 * 1024)
    );
    assert_eq!(p.num_ctx_switches().unwrap().involuntary, 4);
    assert_eq!(p.cmdline().unwrap(), vec!["/usr/bin/x", "--flag"]);
    let pct = p.memory_percent(pskit::MemoryType::Rss).unwrap();
    assert!((pct - (250 * page) as f64 / 1_024_000_000.0 * 100.0).abs() < 1e-9);
}

fn rustix_page_size() -> u64 {
    // SAFETY: sysconf has no preconditions.
    unsafe { libc::sysconf(libc::_SC_PAGESIZE) as u64 }
}

#[test]
fn missing_smaps_rollup_falls_back_to_smaps() {
    // Linux < 4.14 has no smaps_rollup.
    let root = proc_root();
    let d = write_process(root.path(), 42, "x");
    fs::remove_file(d.join("smaps_rollup")).unwrap();
    fs::write(
        d.join("smaps"),
        "00400000-00452000 r-xp 00000000 08:02 1 /usr/bin/x\nRss: 100 kB\nPss: 50 kB\nPrivate_Clean: 20 kB\nPrivate_Dirty: 10 kB\nSwap: 4 kB\n\
         7f00-7f10 rw-p 00000000 00:00 0 \nRss: 8 kB\nPss: 8 kB\nPrivate_Dirty: 8 kB\nSwap: 0 kB\n",
    )
    .unwrap();
    let p = Process::with_host(&host_of(&root), 42).unwrap();
    let f = p.memory_footprint().unwrap();
    assert_eq!((f.uss, f.pss, f.swap), (38 * 1024, 58 * 1024, 4 * 1024));
    let maps = p.memory_maps().unwrap();
    assert_eq!(maps[1].path, Path::new("[anon]"));
}

#[test]
fn kernel_thread_has_empty_cmdline_and_exe() {
    let root = proc_root();
    let d = root.path().join("2");
    fs::create_dir_all(&d).unwrap();
    fs::write(d.join("stat"), stat_line(2, "kthreadd", 'S', 1)).unwrap();
    fs::write(d.join("cmdline"), "").unwrap();
    let p = Process::with_host(&host_of(&root), 2).unwrap();
    assert_eq!(p.cmdline().unwrap(), Vec::<std::ffi::OsString>::new());
    assert_eq!(p.exe().unwrap(), Path::new(""));
    assert_eq!(p.name().unwrap(), "kthreadd");
}

#[test]
fn idle_parked_and_unknown_states() {
    let root = proc_root();
    for (pid, letter) in [
        (10, 'I'),
        (11, 'P'),
        (12, 'K'),
        (13, 'W'),
        (14, 'x'),
        (15, '?'),
    ] {
        let d = root.path().join(pid.to_string());
        fs::create_dir_all(&d).unwrap();
        fs::write(d.join("stat"), stat_line(pid, "k", letter, 1)).unwrap();
    }
    let host = host_of(&root);
    let states: Vec<&str> = [10, 11, 12, 13, 14, 15]
        .iter()
        .map(|&pid| {
            Process::with_host(&host, pid)
                .unwrap()
                .status()
                .unwrap()
                .as_str()
        })
        .collect();
    assert_eq!(
        states,
        ["idle", "parked", "wake-kill", "waking", "dead", "?"]
    );
}

#[test]
fn missing_io_file_is_a_typed_error_with_the_path() {
    let root = proc_root();
    write_process(root.path(), 42, "x");
    let p = Process::with_host(&host_of(&root), 42).unwrap();
    match p.io_counters() {
        Err(Error::Io { path, .. }) => assert!(path.ends_with("42/io"), "{path:?}"),
        other => panic!("expected an Io error naming the file, got {other:?}"),
    }
}

#[test]
fn short_and_truncated_stat_lines_never_panic() {
    let root = proc_root();
    let d = write_process(root.path(), 42, "x");
    // An old or damaged stat line with fewer fields than pskit needs.
    fs::write(d.join("stat"), "42 (x) S 1 42 42\n").unwrap();
    match Process::with_host(&host_of(&root), 42) {
        Err(Error::Parse { path, detail }) => {
            assert!(path.ends_with("42/stat"));
            assert!(detail.contains("tty_nr"), "{detail}");
        }
        other => panic!("expected a Parse error, got {other:?}"),
    }
    // Every cut of a real line: an error or a value, never a panic.
    let full = stat_line(42, "a) (b", 'S', 500);
    for cut in 0..full.len() {
        fs::write(d.join("stat"), &full[..cut]).unwrap();
        let _ = Process::with_host(&host_of(&root), 42);
    }
    // An empty stat (the process went away while being read) is NoSuchProcess.
    fs::write(d.join("stat"), "").unwrap();
    assert!(Process::with_host(&host_of(&root), 42)
        .unwrap_err()
        .is_gone());
    // A scan skips it instead of failing.
    assert!(ProcessTable::with_host(host_of(&root))
        .scan(&[Attr::Name])
        .unwrap()
        .is_empty());
}

#[test]
fn parentheses_spaces_and_newlines_in_comm() {
    let root = proc_root();
    let d = write_process(root.path(), 42, "a) (b\nc");
    fs::write(d.join("cmdline"), "").unwrap();
    let p = Process::with_host(&host_of(&root), 42).unwrap();
    assert_eq!(p.name().unwrap(), "a) (b\nc");
    assert_eq!(p.ppid().unwrap(), 1);
}

#[test]
fn status_without_ctxt_lines_is_not_supported() {
    let root = proc_root();
    let d = write_process(root.path(), 42, "x");
    fs::write(d.join("status"), "Name:\tx\nUid:\t0\t0\t0\t0\n").unwrap();
    let p = Process::with_host(&host_of(&root), 42).unwrap();
    assert!(matches!(p.num_ctx_switches(), Err(Error::NotSupported(_))));
    // The scan records it per field and goes on.
    let infos = ProcessTable::with_host(host_of(&root))
        .scan(&[Attr::NumCtxSwitches, Attr::Uids])
        .unwrap();
    assert_eq!(
        infos[0].errors().get("num_ctx_switches"),
        Some(&"NotImplementedError")
    );
    assert_eq!(infos[0].uids.value().unwrap().real, 0);
}

#[test]
fn pid_reuse_is_detected_and_refused() {
    let root = proc_root();
    let d = write_process(root.path(), 4_000_001, "x");
    let host = host_of(&root);
    let p = Process::with_host(&host, 4_000_001).unwrap();
    assert!(p.is_running());
    // A new process got the same PID: another start time.
    fs::write(d.join("stat"), stat_line(4_000_001, "y", 'S', 999)).unwrap();
    assert!(!p.is_running());
    // The repr does not show the new process's status as this one's.
    assert!(format!("{p:?}").contains("status='terminated'"), "{p:?}");
    for r in [
        p.send_signal(0),
        p.kill(),
        p.set_nice(1),
        p.ppid().map(drop),
    ] {
        match r {
            Err(e @ Error::PidReused { .. }) => {
                assert!(e.is_gone());
                assert!(e.to_string().contains("PID has been reused"));
            }
            other => panic!("expected PidReused, got {other:?}"),
        }
    }
}

#[test]
fn empty_and_missing_proc_roots() {
    let empty = tempfile::tempdir().unwrap();
    let host = host_of(&empty);
    assert_eq!(host.pids().unwrap(), Vec::<u32>::new());
    assert!(Process::with_host(&host, 1).unwrap_err().is_gone());
    let missing = Host::with_roots("/nonexistent/pskit/proc", "/nonexistent/pskit/sys");
    match missing.pids() {
        Err(Error::Io { path, .. }) => assert_eq!(path, Path::new("/nonexistent/pskit/proc")),
        other => panic!("expected an Io error naming the root, got {other:?}"),
    }
    assert!(Process::with_host(&missing, 1).is_err());
}

#[test]
fn memory_only_scans_skip_the_identity_read_and_later_scans_catch_reuse() {
    let root = proc_root();
    let d = write_process(root.path(), 4_000_002, "x");
    let host = host_of(&root);
    let mut table = ProcessTable::with_host(host);

    // No stat at all: a memory scan still answers (it never reads stat) and keeps nothing.
    fs::remove_file(d.join("stat")).unwrap();
    let infos = table.scan(&[Attr::MemoryFullInfo]).unwrap();
    assert_eq!(infos.len(), 1);
    assert_eq!(infos[0].memory_full_info.value().unwrap().uss, 300 * 1024);
    assert_eq!(table.processes().count(), 0);

    // A scan that reads stat makes the instance; a memory scan then keeps it as is.
    fs::write(d.join("stat"), stat_line(4_000_002, "x", 'S', 500)).unwrap();
    table.scan(&[Attr::Name]).unwrap();
    let created = table.processes().next().unwrap().create_time();
    table.scan(&[Attr::MemoryInfo]).unwrap();
    assert_eq!(table.processes().count(), 1);

    // The PID is reused between scans: the next identity scan replaces the instance.
    fs::write(d.join("stat"), stat_line(4_000_002, "y", 'S', 900)).unwrap();
    table.scan(&[Attr::MemoryInfo]).unwrap();
    assert_eq!(table.processes().next().unwrap().create_time(), created);
    let infos = table.scan(&[Attr::CpuPercent, Attr::CreateTime]).unwrap();
    let p = table.processes().next().unwrap();
    assert!(p.create_time() > created);
    assert_eq!(infos[0].create_time.value(), Some(&p.create_time()));
    assert_eq!(
        infos[0].cpu_percent.value(),
        Some(&0.0),
        "a new instance has no sample"
    );
}

#[test]
fn pid_exists_asks_the_relocated_root_not_this_namespace() {
    // PIDs above any local pid_max: only the relocated root knows them.
    let root = proc_root();
    let (pid, tid) = (4_100_000, 4_100_001);
    for (dir, tgid) in [(pid, pid), (tid, pid)] {
        let d = root.path().join(dir.to_string());
        fs::create_dir_all(&d).unwrap();
        fs::write(d.join("status"), format!("Name:\tx\nTgid:\t{tgid}\n")).unwrap();
    }
    let host = host_of(&root);
    assert!(host.pid_exists(pid));
    assert!(!host.pid_exists(tid), "a thread is not a process");
    assert!(!host.pid_exists(4_100_002));
    assert!(!pskit::pid_exists(pid), "the local /proc has no such PID");
}

#[test]
fn open_files_of_a_process_that_exits_mid_listing_is_no_such_process() {
    let root = proc_root();
    let d = write_process(root.path(), 42, "x");
    fs::create_dir_all(d.join("fd")).unwrap();
    // A descriptor whose file cannot be looked at any more (closed meanwhile).
    std::os::unix::fs::symlink("/nonexistent/pskit/file", d.join("fd/3")).unwrap();
    let host = host_of(&root);
    let p = Process::with_host(&host, 42).unwrap();
    // Still alive: the vanished descriptor is skipped.
    assert_eq!(p.open_files().unwrap(), vec![]);
    // Gone: the partial list is not an answer.
    fs::remove_file(d.join("stat")).unwrap();
    match p.open_files() {
        Err(Error::NoSuchProcess { pid: 42, .. }) => {}
        other => panic!("expected NoSuchProcess, got {other:?}"),
    }
}
