//! `net_connections` under churn and without privileges, on the live machine:
//! sockets opened and closed during the dump, processes holding sockets exiting during
//! the fd walk, and other users' fd directories closed to an unprivileged caller (checked
//! against psutil 7.2.2 run as that same user).

use std::collections::BTreeSet;
use std::net::{TcpListener, TcpStream, UdpSocket};
use std::os::fd::AsRawFd;
use std::os::unix::net::UnixStream;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use pskit::{ConnectionKind, Process};

mod common;

/// Held by the churn test and by the comparison with psutil: sockets the churn thread
/// opens and closes between psutil's two reads would otherwise count as differences.
static MACHINE_SOCKETS: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Opens and closes loopback TCP pairs, UDP and UNIX sockets, and starts short-lived
/// children that inherit a socket and exit, until `stop`.
fn churn(stop: Arc<AtomicBool>) -> std::thread::JoinHandle<usize> {
    std::thread::spawn(move || {
        let mut rounds = 0;
        while !stop.load(Ordering::Relaxed) {
            let l = TcpListener::bind("127.0.0.1:0").unwrap();
            let c = TcpStream::connect(l.local_addr().unwrap()).unwrap();
            let (a, _) = l.accept().unwrap();
            let u = UdpSocket::bind("127.0.0.1:0").unwrap();
            let (x, y) = UnixStream::pair().unwrap();
            // A child holding the listener on fd 3 that exits at once.
            let fd = l.as_raw_fd();
            let mut cmd = Command::new("true");
            // SAFETY: dup2 is async-signal-safe; the closure touches nothing else.
            unsafe {
                cmd.pre_exec(move || {
                    if libc::dup2(fd, 3) < 0 {
                        return Err(std::io::Error::last_os_error());
                    }
                    Ok(())
                });
            }
            let mut child = cmd.stdin(Stdio::null()).spawn().unwrap();
            drop((c, a, u, x, y));
            drop(l);
            let _ = child.wait();
            rounds += 1;
        }
        rounds
    })
}

#[test]
fn sockets_and_processes_coming_and_going_never_fail_a_listing() {
    let _quiet = MACHINE_SOCKETS.lock().unwrap_or_else(|p| p.into_inner());
    let stop = Arc::new(AtomicBool::new(false));
    let worker = churn(stop.clone());
    let me = Process::current().unwrap();
    let mut listed = 0;
    for i in 0..150 {
        let kind = ConnectionKind::ALL_KINDS[i % ConnectionKind::ALL_KINDS.len()];
        listed += pskit::net_connections(kind).unwrap().len();
        me.net_connections(kind).unwrap();
        pskit::Host::local()
            .net_connections_without_pids(kind)
            .unwrap();
    }
    stop.store(true, Ordering::Relaxed);
    let rounds = worker.join().unwrap();
    assert!(rounds > 10, "the churn thread ran only {rounds} rounds");
    assert!(listed > 0);
}

fn unprivileged_uid() -> u32 {
    let out = Command::new("id")
        .args(["-u", "pskit-test"])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .unwrap_or(65534)
}

/// Run by `other_users_sockets_have_no_pid_and_fd_minus_one` as the unprivileged
/// user (`--ignored --exact`): prints what it sees as one JSON document.
#[test]
#[ignore = "helper: started as the pskit-test user by another test"]
fn helper_print_connections_as_seen_by_this_user() {
    let own = TcpListener::bind("127.0.0.1:0").unwrap();
    let all = pskit::net_connections(ConnectionKind::All).unwrap();
    let pid1 = Process::new(1)
        .unwrap()
        .net_connections(ConnectionKind::All)
        .map(|_| "ok".to_string())
        .unwrap_or_else(|e| e.kind_name().to_string());
    let doc = serde_json::json!({
        "own_port": own.local_addr().unwrap().port(),
        "own_pid": std::process::id(),
        "all": all,
        "pid1": pid1,
    });
    println!("PSKIT-JSON {doc}");
}

/// Runs `program args` as the unprivileged user from `/` and returns its stdout.
fn run_as_user(program: &Path, args: &[&str]) -> String {
    let out = Command::new(program)
        .args(args)
        .uid(unprivileged_uid())
        .gid(65534)
        .current_dir("/")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{} failed: {stdout}\n{}",
        program.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// A row as canonical JSON; UNIX paths with whitespace blanked (psutil gives '').
fn canonical(mut row: serde_json::Value) -> String {
    if row["laddr"]
        .as_str()
        .is_some_and(|s| s.chars().any(char::is_whitespace))
    {
        row["laddr"] = serde_json::Value::String(String::new());
    }
    row.to_string()
}

#[test]
fn other_users_sockets_have_no_pid_and_fd_minus_one() {
    let _quiet = MACHINE_SOCKETS.lock().unwrap_or_else(|p| p.into_inner());
    // SAFETY: geteuid has no preconditions.
    assert_eq!(
        unsafe { libc::geteuid() },
        0,
        "this test must run as root to switch to an unprivileged user"
    );
    let root_listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let root_port = root_listener.local_addr().unwrap().port();
    // The checkout may sit under a directory the user cannot enter: run copies.
    let dir = tempfile::tempdir().unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let bin = dir.path().join("connections_live");
    std::fs::copy(std::env::current_exe().unwrap(), &bin).unwrap();
    std::fs::set_permissions(&bin, std::fs::Permissions::from_mode(0o755)).unwrap();
    // psutil as the same user: the oracle starts as root (root's Python installation)
    // and drops to the user once psutil is imported.
    let uid = unprivileged_uid().to_string();
    let psutil_as_user = || -> BTreeSet<String> {
        let v = common::oracle(&["--as-uid".into(), uid.clone(), "conns".into(), "all".into()]);
        v["system"]
            .as_array()
            .unwrap()
            .iter()
            .cloned()
            .map(canonical)
            .collect()
    };
    let helper = || -> serde_json::Value {
        let stdout = run_as_user(
            &bin,
            &[
                "--ignored",
                "--exact",
                "helper_print_connections_as_seen_by_this_user",
                "--nocapture",
            ],
        );
        let json = stdout
            .lines()
            .find_map(|l| l.strip_prefix("PSKIT-JSON "))
            .unwrap_or_else(|| panic!("no output from the helper: {stdout}"));
        serde_json::from_str(json).unwrap()
    };
    // psutil run as the same user, bracketing pskit (the helper's own sockets aside),
    // up to five times as in connections_parity.rs.
    let mut last = None;
    let mut v = serde_json::Value::Null;
    for _ in 0..5 {
        let a = psutil_as_user();
        v = helper();
        let b = psutil_as_user();
        let p: BTreeSet<String> = v["all"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["pid"] != v["own_pid"])
            .cloned()
            .map(canonical)
            .collect();
        let missing: Vec<_> = a.intersection(&b).filter(|r| !p.contains(*r)).collect();
        let extra: Vec<_> = p
            .iter()
            .filter(|r| !a.contains(*r) && !b.contains(*r))
            .collect();
        last = (!missing.is_empty() || !extra.is_empty())
            .then(|| format!("as pskit-test: pskit misses {missing:?}, has extra {extra:?}"));
        if last.is_none() {
            break;
        }
    }
    if let Some(diff) = last {
        panic!("{diff}");
    }
    assert_eq!(v["pid1"], "AccessDenied", "PID 1's fd directory is root's");
    let rows = v["all"].as_array().unwrap();
    let port_row = |port: &serde_json::Value| {
        rows.iter()
            .find(|r| &r["laddr"]["port"] == port && r["status"] == "LISTEN")
            .unwrap_or_else(|| panic!("no LISTEN row for port {port}"))
            .clone()
    };
    // Root's listener: visible, owner unknown, as psutil.
    let theirs = port_row(&root_port.into());
    assert_eq!(theirs["pid"], serde_json::Value::Null, "{theirs}");
    assert_eq!(theirs["fd"], -1, "{theirs}");
    // The helper's own listener: its own fd directory is readable.
    let own = port_row(&v["own_port"]);
    assert_eq!(own["pid"], v["own_pid"], "{own}");
    assert!(own["fd"].as_i64().unwrap() >= 0, "{own}");
    drop(root_listener);
}
