//! Shared helpers of the integration tests: the psutil oracle and test processes.
#![allow(dead_code)]

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// Runs the psutil oracle; fails loudly when psutil 7.2.2 is missing (never skips).
pub fn oracle(args: &[String]) -> Value {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oracle/psutil_oracle.py");
    let out = Command::new("python3")
        .arg(&script)
        .args(args)
        .output()
        .expect("python3 is required for the psutil parity tests");
    assert!(
        out.status.success(),
        "psutil oracle failed (install it with `pip install psutil==7.2.2`): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("oracle printed invalid JSON")
}

/// psutil's per-process answers for `pids` (all processes when empty).
pub fn oracle_procs(pids: &[u32]) -> Value {
    let mut args = vec!["procs".to_string()];
    args.extend(pids.iter().map(|p| p.to_string()));
    oracle(&args)
}

/// A child that is killed and reaped when dropped.
pub struct TestChild {
    pub child: Child,
}

impl TestChild {
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for TestChild {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Waits until `/proc/PID/stat` shows `state`, or panics after 5 s.
pub fn wait_for_state(pid: u32, state: char) {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let stat = std::fs::read(format!("/proc/{pid}/stat")).unwrap_or_default();
        let close = stat.iter().rposition(|&b| b == b')').unwrap_or(0);
        if stat.get(close + 2) == Some(&(state as u8)) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "pid {pid} never reached state {state}"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// A `sleep` child started from a copy of the sleep binary whose path and name hold
/// spaces, parentheses, a newline-free but long name (over 15 bytes) and invalid
/// UTF-8, running in a directory of the same kind, with an odd environment.
pub struct OddChild {
    pub child: TestChild,
    pub dir: tempfile::TempDir,
    pub exe: PathBuf,
}

pub fn odd_name_bytes() -> &'static [u8] {
    b"my prog (x) \xff\xfe-with-a-long-name"
}

pub fn spawn_odd_child(arg0_is_exe: bool) -> OddChild {
    let dir = tempfile::Builder::new()
        .prefix("pskit dir (\u{e9}) ")
        .tempdir()
        .unwrap();
    let sub = dir.path().join(OsStr::from_bytes(b"cwd \xff\nline"));
    std::fs::create_dir(&sub).unwrap();
    let exe = dir.path().join(OsStr::from_bytes(odd_name_bytes()));
    std::fs::copy("/bin/sleep", &exe).unwrap();
    let mut cmd = Command::new(&exe);
    if arg0_is_exe {
        cmd.arg0(&exe);
    } else {
        cmd.arg0(OsStr::from_bytes(b"renamed\nargv0 \xff"));
    }
    cmd.arg("1000")
        .current_dir(&sub)
        .env_clear()
        .env("PLAIN", "value with spaces")
        .env(
            OsStr::from_bytes(b"BAD_BYTES"),
            OsStr::from_bytes(b"\xff\xfe"),
        )
        .stdin(Stdio::null())
        .stdout(Stdio::null());
    // A copy just written may be "text file busy" for a moment: another test thread
    // that forked meanwhile holds the writing descriptor until its exec.
    let deadline = Instant::now() + Duration::from_secs(10);
    let spawned = loop {
        match cmd.spawn() {
            Err(e) if e.raw_os_error() == Some(libc::ETXTBSY) => {
                assert!(Instant::now() < deadline, "{exe:?} stays busy");
                std::thread::sleep(Duration::from_millis(10));
            }
            other => break other.unwrap(),
        }
    };
    let child = TestChild { child: spawned };
    wait_for_state(child.pid(), 'S');
    OddChild { child, dir, exe }
}

/// A zombie: a child that exited and is not reaped until the returned value drops.
pub fn spawn_zombie() -> TestChild {
    let child = TestChild {
        child: Command::new("true").spawn().unwrap(),
    };
    wait_for_state(child.pid(), 'Z');
    child
}

/// A sleeping child (`sleep 1000`).
pub fn spawn_sleeper() -> TestChild {
    let child = TestChild {
        child: Command::new("sleep")
            .arg("1000")
            .stdin(Stdio::null())
            .spawn()
            .unwrap(),
    };
    wait_for_state(child.pid(), 'S');
    child
}
