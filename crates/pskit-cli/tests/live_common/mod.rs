//! Helpers of the integration tests: the command that starts a view, a child process
//! with a name of its own, and tmux sessions driven like a person at a terminal.

#![allow(dead_code)] // each test file uses its own part of the helpers

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// The command that starts a view; the view's name and arguments follow it.
pub const VIEW_COMMAND: &[&str] = &[env!("CARGO_BIN_EXE_pskit")];

/// The name the test's own child process runs under (a copy of `sleep`).
pub const CHILD_NAME: &str = "tui-sleeper";

/// How long a screen may take to show what is expected.
const SCREEN_TIMEOUT: Duration = Duration::from_secs(15);

/// The view command with `args` appended, as program and arguments.
pub fn view_command(args: &[&str]) -> Command {
    let mut cmd = Command::new(VIEW_COMMAND[0]);
    cmd.args(&VIEW_COMMAND[1..]).args(args);
    cmd
}

/// Runs the view command to completion with stdout and stderr captured.
pub fn run_view(args: &[&str]) -> Output {
    view_command(args)
        .stdin(Stdio::null())
        .output()
        .expect("start the view command")
}

/// A child process of this test named [`CHILD_NAME`], killed when dropped.
pub struct Sleeper {
    child: Child,
    dir: PathBuf,
}

impl Sleeper {
    /// Starts `sleep 600` under the name [`CHILD_NAME`].
    pub fn start() -> Sleeper {
        let dir = scratch_dir("sleeper");
        let exe = dir.join(CHILD_NAME);
        let sleep = which("sleep");
        std::fs::copy(&sleep, &exe).expect("copy sleep");
        let deadline = Instant::now() + Duration::from_secs(10);
        // A copy just written may be "text file busy" for a moment: another test thread
        // that forked meanwhile holds the writing descriptor until its exec.
        let child = loop {
            match Command::new(&exe).arg("600").spawn() {
                Ok(child) => break child,
                Err(e) if e.raw_os_error() == Some(libc::ETXTBSY) && Instant::now() < deadline => {
                    thread::sleep(Duration::from_millis(10));
                }
                Err(e) => panic!("cannot start the sleeper: {e}"),
            }
        };
        let sleeper = Sleeper { child, dir };
        wait_until_sleeping(sleeper.pid(), CHILD_NAME);
        sleeper
    }

    /// Its PID.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Sleeper {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A directory of its own under the target directory (a real disk, not tmpfs).
pub fn scratch_dir(what: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "pskit-tui-{what}-{}-{:?}",
        std::process::id(),
        thread::current().id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create a scratch directory");
    dir
}

/// The path of a program on PATH.
pub fn which(program: &str) -> PathBuf {
    let out = Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .output()
        .expect("run sh");
    let path = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert!(!path.is_empty(), "{program} is not installed");
    PathBuf::from(path)
}

/// Waits until `/proc/PID/comm` reads `name` (the exec has happened) and the state in
/// `/proc/PID/stat` is `S` (it sleeps).
fn wait_until_sleeping(pid: u32, name: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        let state = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().next());
        if comm.trim_end() == name && state == Some("S") {
            return;
        }
        thread::sleep(Duration::from_millis(10));
    }
    panic!("process {pid} never slept as {name}");
}

/// A detached tmux session of a fixed size on a server of its own, running one
/// command; the server is killed when dropped. The pane's shell runs the view in the
/// foreground and writes its exit status to a file (tmux itself does not always reap
/// its pane's process in time to report it).
pub struct Tmux {
    socket: String,
    dir: PathBuf,
    status_file: PathBuf,
}

/// Fails loudly when tmux is missing (scripts/test.sh installs it).
fn require_tmux() {
    let ok = Command::new("tmux")
        .arg("-V")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    assert!(
        ok,
        "tmux is not installed: the full-screen tests need it (scripts/test.sh installs it)"
    );
}

/// `s` quoted for the shell.
fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

impl Tmux {
    /// Starts the view command with `args` in a `width`×`height` session.
    pub fn start(width: u16, height: u16, args: &[&str]) -> Tmux {
        require_tmux();
        let dir = scratch_dir("tmux");
        let config = dir.join("tmux.conf");
        std::fs::write(&config, "set -g remain-on-exit on\nset -g status off\n")
            .expect("write tmux.conf");
        let socket = format!("pskit-tui-{}-{}", std::process::id(), rand_suffix());
        let command: Vec<String> = VIEW_COMMAND
            .iter()
            .chain(args)
            .map(|a| shell_quote(a))
            .collect();
        let status_file = dir.join("status");
        let tmux = Tmux {
            socket,
            dir,
            status_file,
        };
        let status = Command::new("tmux")
            .args(["-L", &tmux.socket, "-f"])
            .arg(&config)
            .args(["new-session", "-d", "-s", "view", "-x"])
            .arg(width.to_string())
            .arg("-y")
            .arg(height.to_string())
            .arg(format!(
                "{}; echo $? > {}",
                command.join(" "),
                shell_quote(&tmux.status_file.to_string_lossy())
            ))
            .env_remove("TMUX")
            .status()
            .expect("start tmux");
        assert!(status.success(), "tmux new-session failed");
        tmux
    }

    fn tmux(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket])
            .args(args)
            .env_remove("TMUX")
            .output()
            .expect("run tmux");
        assert!(
            out.status.success(),
            "tmux {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// The screen as text (`capture-pane -p`).
    pub fn capture(&self) -> String {
        self.tmux(&["capture-pane", "-p", "-t", "view"])
    }

    /// The history and screen with wrapped lines joined (`capture-pane -p -J -S -`):
    /// a line longer than the pane shows as one long line. Leaves out tmux's own
    /// "Pane is dead" line.
    pub fn capture_joined(&self) -> String {
        let text = self.tmux(&["capture-pane", "-p", "-J", "-S", "-", "-t", "view"]);
        let lines: Vec<&str> = text
            .lines()
            .filter(|l| !l.starts_with("Pane is dead"))
            .collect();
        lines.join("\n")
    }

    /// Sends keys by tmux's names (`q`, `C-c`, `Down`).
    pub fn send(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "view"];
        args.extend(keys);
        self.tmux(&args);
    }

    /// A pane property by tmux format name (`pane_dead`, `alternate_on`, `pane_pid`).
    pub fn pane(&self, format: &str) -> String {
        self.tmux(&[
            "display-message",
            "-p",
            "-t",
            "view",
            &format!("#{{{format}}}"),
        ])
        .trim()
        .to_string()
    }

    /// Waits until the screen satisfies `ok`, and returns it; panics with the last
    /// screen otherwise.
    pub fn wait_for(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + SCREEN_TIMEOUT;
        loop {
            let screen = self.capture();
            if ok(&screen) {
                return screen;
            }
            if Instant::now() > deadline {
                panic!("screen never showed {what}; last screen:\n{screen}");
            }
            thread::sleep(Duration::from_millis(100));
        }
    }

    /// The PID of the view: the child of the pane's shell.
    pub fn view_pid(&self) -> u32 {
        let shell: u32 = self.pane("pane_pid").parse().expect("a pane pid");
        let deadline = Instant::now() + SCREEN_TIMEOUT;
        loop {
            if let Some(pid) = children_of(shell).first() {
                return *pid;
            }
            assert!(Instant::now() < deadline, "the view never started");
            thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits for the view to end and returns its exit status (as the shell saw it:
    /// 128 + N for a signal N).
    pub fn wait_exit(&self) -> i32 {
        let deadline = Instant::now() + SCREEN_TIMEOUT;
        loop {
            let text = std::fs::read_to_string(&self.status_file).unwrap_or_default();
            if let Ok(status) = text.trim().parse() {
                return status;
            }
            if Instant::now() > deadline {
                panic!("the view did not exit; screen:\n{}", self.capture());
            }
            thread::sleep(Duration::from_millis(50));
        }
    }
}

/// The PIDs whose parent is `parent` (from /proc/PID/stat).
pub fn children_of(parent: u32) -> Vec<u32> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir("/proc").expect("read /proc").flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let stat = std::fs::read_to_string(entry.path().join("stat")).unwrap_or_default();
        let ppid = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().nth(1))
            .and_then(|p| p.parse::<u32>().ok());
        if ppid == Some(parent) {
            out.push(pid);
        }
    }
    out
}

/// Whether a process `pid` exists (a reaped one does not).
pub fn process_exists(pid: u32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A number that differs between sessions started by one test process.
fn rand_suffix() -> usize {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// The line of `screen` that holds `pid` as a word and `name`, if any.
pub fn row_of<'a>(screen: &'a str, pid: u32, name: &str) -> Option<&'a str> {
    let pid = pid.to_string();
    screen
        .lines()
        .find(|l| l.split_whitespace().any(|w| w == pid) && l.contains(name))
}
