//! Live behaviour of processes: setters, signals, wait, zombies, vanishing processes,
//! cpu_percent, the tree, and TIDs.

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use pskit::{Error, IoPriorityClass, Process, ProcessTable, Rlimit, RlimitResource, Status};

#[test]
fn setters_change_what_psutil_sees() {
    let child = common::spawn_sleeper();
    let p = Process::new(child.pid()).unwrap();
    p.set_nice(7).unwrap();
    p.set_ionice(IoPriorityClass::BestEffort, Some(5)).unwrap();
    p.set_rlimit(
        RlimitResource::Nofile,
        Rlimit {
            soft: 100,
            hard: 200,
        },
    )
    .unwrap();
    p.set_cpu_affinity(&[0]).unwrap();
    let doc = common::oracle_procs(&[child.pid()]);
    let seen = &doc[child.pid().to_string()];
    assert_eq!(seen["nice"], 7);
    assert_eq!(
        seen["ionice"],
        serde_json::json!({"ioclass": 2, "value": 5})
    );
    assert_eq!(seen["cpu_affinity"], serde_json::json!([0]));
    assert_eq!(
        p.rlimit(RlimitResource::Nofile).unwrap(),
        Rlimit {
            soft: 100,
            hard: 200
        }
    );
    // The empty set means every eligible CPU.
    p.set_cpu_affinity(&[]).unwrap();
    assert_eq!(
        p.cpu_affinity().unwrap(),
        Process::current().unwrap().cpu_affinity().unwrap()
    );
    // Bad values are refused before any syscall.
    assert!(matches!(
        p.set_ionice(IoPriorityClass::Idle, Some(3)),
        Err(Error::InvalidArgument(_))
    ));
    assert!(matches!(
        p.set_ionice(IoPriorityClass::BestEffort, Some(8)),
        Err(Error::InvalidArgument(_))
    ));
    assert!(matches!(
        p.set_cpu_affinity(&[100_000]),
        Err(Error::InvalidArgument(_))
    ));
}

#[test]
fn signals_and_wait() {
    let child = common::spawn_sleeper();
    let p = Process::new(child.pid()).unwrap();
    p.suspend().unwrap();
    common::wait_for_state(p.pid(), 'T');
    assert_eq!(p.status().unwrap(), Status::Stopped);
    p.resume().unwrap();
    common::wait_for_state(p.pid(), 'S');
    let t0 = Instant::now();
    match p.wait(Some(Duration::from_millis(100))) {
        Err(Error::TimeoutExpired { seconds, pid, .. }) => {
            assert_eq!(seconds, 0.1);
            assert_eq!(pid, Some(p.pid()));
        }
        other => panic!("expected TimeoutExpired, got {other:?}"),
    }
    assert!(t0.elapsed() >= Duration::from_millis(100));
    assert!(matches!(
        p.wait(Some(Duration::ZERO)),
        Err(Error::TimeoutExpired { .. })
    ));
    p.terminate().unwrap();
    assert_eq!(
        p.wait(Some(Duration::from_secs(5))).unwrap(),
        Some(-libc::SIGTERM)
    );
    // The code is kept.
    assert_eq!(p.wait(None).unwrap(), Some(-libc::SIGTERM));
    assert!(!p.is_running());
    assert!(p.kill().unwrap_err().is_gone());
    std::mem::forget(child); // already reaped
}

#[test]
#[allow(clippy::zombie_processes)] // pskit's wait() reaps them
fn wait_returns_exit_codes_and_none_for_non_children() {
    let c = Command::new("sh").args(["-c", "exit 3"]).spawn().unwrap();
    assert_eq!(Process::new(c.id()).unwrap().wait(None).unwrap(), Some(3));
    // A grandchild is not ours: wait says None once it is gone.
    let out = Command::new("sh")
        .args(["-c", "sleep 0.3 >/dev/null & echo $!"])
        .output()
        .unwrap();
    let pid: u32 = String::from_utf8_lossy(&out.stdout).trim().parse().unwrap();
    if let Ok(p) = Process::new(pid) {
        assert_eq!(p.wait(Some(Duration::from_secs(5))).unwrap(), None);
    }
}

#[test]
#[allow(clippy::zombie_processes)] // pskit's wait_procs() reaps it
fn wait_procs_splits_gone_and_alive() {
    let quick = Command::new("true").spawn().unwrap();
    let slow = common::spawn_sleeper();
    // `true` has exited (a zombie until reaped) before the 300 ms wait starts.
    common::wait_for_state(quick.id(), 'Z');
    let procs = vec![
        Process::new(quick.id()).unwrap(),
        Process::new(slow.pid()).unwrap(),
    ];
    let mut called = Vec::new();
    let (gone, alive) = pskit::wait_procs(procs, Some(Duration::from_millis(300)), |p| {
        called.push(p.pid())
    })
    .unwrap();
    assert_eq!(
        gone.iter().map(Process::pid).collect::<Vec<_>>(),
        vec![quick.id()]
    );
    assert_eq!(
        alive.iter().map(Process::pid).collect::<Vec<_>>(),
        vec![slow.pid()]
    );
    assert_eq!(called, vec![quick.id()]);
    assert_eq!(gone[0].returncode(), Some(Some(0)));
}

#[test]
fn zombies_answer_what_psutil_answers() {
    let z = common::spawn_zombie();
    let p = Process::new(z.pid()).unwrap();
    assert!(p.is_running());
    assert_eq!(p.status().unwrap(), Status::Zombie);
    assert_eq!(p.ppid().unwrap(), std::process::id());
    assert!(p.name().is_ok() && p.uids().is_ok() && p.cpu_times().is_ok() && p.threads().is_ok());
    assert_eq!(p.memory_info().unwrap().rss, 0);
    assert_eq!(p.num_fds().unwrap(), 0);
    for r in [
        p.cmdline().err(),
        p.environ().err(),
        p.memory_maps().err(),
        p.exe().err(),
        p.cwd().err(),
    ] {
        match r {
            Some(Error::ZombieProcess { pid, ppid, .. }) => {
                assert_eq!(pid, z.pid());
                assert_eq!(ppid, Some(std::process::id()));
            }
            other => panic!("expected ZombieProcess, got {other:?}"),
        }
    }
}

#[test]
fn a_process_that_exits_gives_no_such_process_everywhere() {
    let mut c = Command::new("sleep").arg("1000").spawn().unwrap();
    let p = Process::new(c.id()).unwrap();
    c.kill().unwrap();
    c.wait().unwrap();
    let results: Vec<Result<(), Error>> = vec![
        p.name().map(drop),
        p.cmdline().map(drop),
        p.exe().map(drop),
        p.cwd().map(drop),
        p.environ().map(drop),
        p.status().map(drop),
        p.memory_info().map(drop),
        p.memory_full_info().map(drop),
        p.memory_maps().map(drop),
        p.io_counters().map(drop),
        p.num_fds().map(drop),
        p.threads().map(drop),
        p.open_files().map(drop),
        p.uids().map(drop),
        p.ionice().map(drop),
        p.cpu_affinity().map(drop),
        p.rlimit(RlimitResource::Nofile).map(drop),
        p.cgroup().map(drop),
        p.send_signal(0),
        p.set_nice(1),
    ];
    for (i, r) in results.into_iter().enumerate() {
        let e = r.expect_err("a dead process answered");
        assert!(matches!(e, Error::NoSuchProcess { .. }), "call {i}: {e:?}");
        assert!(e.to_string().starts_with("process no longer exists"), "{e}");
    }
    assert!(!p.is_running());
    assert!(Process::new(c.id()).unwrap_err().is_gone());
}

#[test]
fn scans_skip_processes_that_come_and_go() {
    // Churn processes while scanning; no scan may fail or return a dead pid's garbage.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = stop.clone();
    let churn = std::thread::spawn(move || {
        while !flag.load(std::sync::atomic::Ordering::Relaxed) {
            let _ = Command::new("true").status();
        }
    });
    let mut table = ProcessTable::new();
    for _ in 0..20 {
        let infos = table.scan(&[]).unwrap();
        assert!(infos.iter().any(|i| i.pid == std::process::id()));
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    churn.join().unwrap();
}

#[test]
fn cpu_percent_follows_a_busy_process() {
    let busy = Command::new("sh")
        .args(["-c", "while :; do :; done"])
        .spawn()
        .unwrap();
    let busy = common::TestChild { child: busy };
    let p = Process::new(busy.pid()).unwrap();
    assert_eq!(
        p.cpu_percent(None).unwrap(),
        0.0,
        "first call has nothing to compare with"
    );
    // The busy loop's share depends on the machine's load, so the value is checked
    // against the process's own CPU time over the same wall time.
    let busy_secs = |p: &Process| {
        let t = p.cpu_times().unwrap();
        t.user + t.system
    };
    let (b0, w0) = (busy_secs(&p), std::time::Instant::now());
    p.cpu_percent(None).unwrap();
    std::thread::sleep(Duration::from_millis(500));
    let pct = p.cpu_percent(None).unwrap();
    let expected = (busy_secs(&p) - b0) / w0.elapsed().as_secs_f64() * 100.0;
    assert!(pct > 5.0 && pct <= 110.0, "busy loop at {pct}%");
    assert!(
        (pct - expected).abs() < 20.0,
        "cpu_percent {pct}% vs cpu_times {expected:.1}%"
    );
    let blocking = p.cpu_percent(Some(Duration::from_millis(300))).unwrap();
    assert!(blocking > 5.0, "blocking {blocking}%");
    let idle = common::spawn_sleeper();
    assert_eq!(
        Process::new(idle.pid())
            .unwrap()
            .cpu_percent(Some(Duration::from_millis(100)))
            .unwrap(),
        0.0
    );
}

#[test]
fn tree_children_parent_parents() {
    let kid = common::spawn_sleeper();
    let me = Process::current().unwrap();
    let kids = me.children(false).unwrap();
    assert!(kids.iter().any(|k| k.pid() == kid.pid()));
    let k = Process::new(kid.pid()).unwrap();
    assert_eq!(k.parent().unwrap().unwrap(), me);
    let chain = k.parents().unwrap();
    assert_eq!(chain[0], me);
    assert_eq!(
        chain.last().unwrap().pid(),
        1.min(chain.last().unwrap().pid())
            .max(chain.last().unwrap().pid())
    );
    // Recursive: a grandchild through sh.
    let sh = common::TestChild {
        child: Command::new("sh")
            .args(["-c", "sleep 1000; true"])
            .spawn()
            .unwrap(),
    };
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let all = me.children(true).unwrap();
        if all.iter().any(|p| p.ppid().ok() == Some(sh.pid())) {
            assert!(!me
                .children(false)
                .unwrap()
                .iter()
                .any(|p| p.ppid().ok() == Some(sh.pid())));
            break;
        }
        assert!(Instant::now() < deadline, "grandchild never seen");
        std::thread::sleep(Duration::from_millis(20));
    }
    for g in me.children(true).unwrap() {
        if g.ppid().ok() == Some(sh.pid()) {
            let _ = g.kill();
        }
    }
}

#[test]
fn thread_ids_are_not_pids_but_can_be_opened() {
    let (tx, rx) = std::sync::mpsc::channel();
    let (done_tx, done_rx) = std::sync::mpsc::channel::<()>();
    let t = std::thread::spawn(move || {
        // SAFETY: gettid has no preconditions.
        tx.send(unsafe { libc::gettid() } as u32).unwrap();
        let _ = done_rx.recv();
    });
    let tid = rx.recv().unwrap();
    assert_ne!(tid, std::process::id());
    assert!(!pskit::pid_exists(tid));
    assert!(!pskit::pids().unwrap().contains(&tid));
    assert!(Process::new(tid).is_ok(), "psutil accepts a TID");
    let threads = Process::current().unwrap().threads().unwrap();
    assert!(threads.iter().any(|th| th.id == tid));
    done_tx.send(()).unwrap();
    t.join().unwrap();
}

#[test]
#[allow(clippy::mutable_key_type)] // the hash uses pid and start time only
fn hashing_and_equality_use_pid_and_start_time() {
    use std::collections::HashSet;
    let a = Process::current().unwrap();
    let b = Process::current().unwrap();
    assert_eq!(a, b);
    let set: HashSet<Process> = [a.clone(), b].into_iter().collect();
    assert_eq!(set.len(), 1);
    let other = common::spawn_sleeper();
    assert_ne!(a, Process::new(other.pid()).unwrap());
    assert!(format!("{a:?}").starts_with(&format!("pskit.Process(pid={}, name=", a.pid())));
    // psutil's repr: the status, and the start time as local wall-clock time (date(1)
    // converts the same second the same way).
    let started = Command::new("date")
        .args(["-d", &format!("@{}", a.create_time() as i64), "+%H:%M:%S"])
        .output()
        .unwrap();
    let started = String::from_utf8(started.stdout).unwrap();
    let shown = format!("{a:?}");
    assert!(
        shown.contains("status='running'") || shown.contains("status='sleeping'"),
        "{shown}"
    );
    assert!(
        shown.ends_with(&format!(", started='{}')", started.trim())),
        "{shown} vs {started}"
    );
}

#[test]
fn open_files_and_descriptors() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data (1).txt");
    std::fs::write(&path, b"hello").unwrap();
    let f = std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap();
    let files = Process::current().unwrap().open_files().unwrap();
    let entry = files
        .iter()
        .find(|o| o.path == path)
        .expect("open file listed");
    assert_eq!(entry.mode, "a");
    let (r, w) = std::io::pipe().unwrap();
    let fds = Process::current().unwrap().open_descriptors().unwrap();
    assert!(fds.iter().any(|d| d.kind == pskit::DescriptorKind::Pipe));
    assert!(fds
        .iter()
        .any(|d| d.kind == pskit::DescriptorKind::File && d.target == path));
    drop((f, r, w));
}

#[test]
fn a_file_deleted_while_open_is_still_listed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gone.txt");
    let f = std::fs::File::create(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    let files = Process::current().unwrap().open_files().unwrap();
    let mut expected = path.into_os_string();
    expected.push(" (deleted)");
    assert!(
        files.iter().any(|o| o.path.as_os_str() == expected),
        "{files:?}"
    );
    drop(f);
}
