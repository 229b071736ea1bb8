//! Helpers for the integration tests: run the built `pskit`, and start children with
//! a name no other process has.

#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// A `pskit` command with a clean environment for table output (no COLUMNS, no colour).
pub fn pskit_cmd(args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_pskit"));
    c.args(args)
        .env_remove("COLUMNS")
        .env_remove("NO_COLOR")
        .stdin(Stdio::null());
    c
}

/// Runs `pskit args` and returns its output.
pub fn pskit(args: &[&str]) -> Output {
    pskit_cmd(args).output().expect("run pskit")
}

/// Runs `pskit args`, requires success and an empty stderr, and returns stdout.
pub fn pskit_ok(args: &[&str]) -> String {
    let out = pskit(args);
    assert!(
        out.status.success(),
        "pskit {args:?} failed: {:?}\nstderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

/// Runs `pskit args --json` and parses the document.
pub fn pskit_json(args: &[&str]) -> serde_json::Value {
    let mut all = args.to_vec();
    all.push("--json");
    let text = pskit_ok(&all);
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("pskit {all:?}: {e}\n{text}"))
}

/// Requires a failure with `code`, empty stdout and one `pskit: ...` line on stderr
/// containing `needle`; returns that line.
pub fn expect_failure(args: &[&str], code: i32, needle: &str) -> String {
    let out = pskit(args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(code), "pskit {args:?}: {stderr}");
    assert!(out.stdout.is_empty(), "pskit {args:?} printed to stdout");
    assert_eq!(stderr.lines().count(), 1, "one line expected: {stderr:?}");
    assert!(stderr.starts_with("pskit: "), "{stderr:?}");
    assert!(stderr.contains(needle), "{stderr:?} lacks {needle:?}");
    assert!(!stderr.contains("panicked") && !stderr.contains("RUST_BACKTRACE"));
    stderr
}

/// A copy of `sleep` under a name no other process has, so a test can find exactly
/// its own children by name.
pub struct Sleeper {
    /// The process name (at most 15 bytes, so it is the full comm).
    pub name: String,
    /// The executable's path.
    pub exe: PathBuf,
    dir: PathBuf,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

impl Sleeper {
    /// Makes the copy.
    pub fn new() -> Sleeper {
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let name = format!("pkt{}x{n}", std::process::id());
        assert!(name.len() <= 15);
        let dir = std::env::temp_dir().join(format!("pskit-cli-test-{name}"));
        std::fs::create_dir_all(&dir).unwrap();
        let exe = dir.join(&name);
        let sleep = ["/bin/sleep", "/usr/bin/sleep"]
            .into_iter()
            .find(|p| std::path::Path::new(p).exists())
            .expect("sleep(1) is needed by the tests");
        std::fs::copy(sleep, &exe).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        std::fs::set_permissions(&exe, std::fs::Permissions::from_mode(0o755)).unwrap();
        Sleeper { name, exe, dir }
    }

    /// Starts one `NAME 30`, and waits until it runs its own image and sleeps.
    pub fn spawn(&self) -> Child {
        let mut spawned = None;
        // A copy just written may be "text file busy" for a moment: another test thread
        // that forked meanwhile holds the writing descriptor until its exec.
        wait_until(|| {
            match Command::new(&self.exe)
                .arg("30")
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .spawn()
            {
                Ok(c) => spawned = Some(c),
                Err(e) if e.raw_os_error() == Some(libc::ETXTBSY) => {}
                Err(e) => panic!("cannot start {}: {e}", self.exe.display()),
            }
            spawned.is_some()
        });
        let child = spawned.unwrap();
        wait_until(|| {
            pskit::Process::new(child.id()).is_ok_and(|p| {
                p.name().is_ok_and(|n| n == self.name.as_str())
                    && p.status().is_ok_and(|s| s == pskit::Status::Sleeping)
            })
        });
        child
    }
}

impl Drop for Sleeper {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Kills and reaps a child.
pub fn reap(mut child: Child) {
    let _ = child.kill();
    let _ = child.wait();
}

/// Polls `cond` for up to 10 seconds.
pub fn wait_until(mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !cond() {
        assert!(Instant::now() < deadline, "condition not met within 10 s");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// A zombie child of this test process: `true`, exited and not reaped. Reap it with
/// `wait()` on the returned child.
pub fn zombie() -> Child {
    let child = Command::new("true").stdin(Stdio::null()).spawn().unwrap();
    wait_until(|| {
        pskit::Process::new(child.id())
            .and_then(|p| p.status())
            .is_ok_and(|s| s == pskit::Status::Zombie)
    });
    child
}

/// The data rows of a table whose first cell (after trimming) or `column`-th cell is `pid`.
pub fn row_with(text: &str, column: usize, value: &str) -> Option<Vec<String>> {
    text.lines()
        .skip(1)
        .map(|l| l.split_whitespace().map(str::to_string).collect::<Vec<_>>())
        .find(|cells| cells.get(column).is_some_and(|c| c == value))
}
