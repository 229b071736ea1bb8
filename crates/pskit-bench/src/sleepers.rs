//! Extra sleeping processes (`sleep 900`), started and killed by PID by the benchmark.
//!
//! Three layers make sure none is left behind: [`Sleepers`] kills and reaps them on
//! drop (normal end and panic); SIGINT/SIGTERM only set a flag (see [`interrupted`]) so
//! the benchmark unwinds to that drop; and each child has `PR_SET_PDEATHSIG = SIGKILL`,
//! so even a SIGKILL of the benchmark takes them down.

use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

extern "C" fn on_signal(_sig: libc::c_int) {
    INTERRUPTED.store(true, Ordering::SeqCst);
}

/// Routes SIGINT and SIGTERM to a flag instead of killing the benchmark at once.
pub fn install_signal_handlers() {
    for sig in [libc::SIGINT, libc::SIGTERM] {
        // SAFETY: the handler only stores to an atomic, which is async-signal-safe.
        unsafe {
            libc::signal(sig, on_signal as *const () as libc::sighandler_t);
        }
    }
}

/// Whether Ctrl-C (or SIGTERM) was received; long loops check it and bail out.
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// An error if the benchmark was interrupted.
pub fn check_interrupted() -> Result<(), String> {
    if interrupted() {
        Err("interrupted".into())
    } else {
        Ok(())
    }
}

/// A set of `sleep 900` children, killed (SIGKILL) and reaped by PID on drop.
pub struct Sleepers {
    children: Vec<Child>,
}

impl Sleepers {
    /// Starts `n` sleepers and waits until every one has exec'd `sleep` (so each has
    /// its final cmdline and memory map). Fails if the process limit is too low.
    pub fn spawn(n: usize) -> Result<Sleepers, String> {
        check_nproc_limit(n)?;
        let mut s = Sleepers {
            children: Vec::with_capacity(n),
        };
        for i in 0..n {
            check_interrupted()?;
            let mut cmd = Command::new("sleep");
            cmd.arg("900")
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null());
            // SAFETY: only async-signal-safe calls (prctl, getppid, _exit) between fork
            // and exec.
            unsafe {
                let parent = libc::getpid();
                cmd.pre_exec(move || {
                    libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                    if libc::getppid() != parent {
                        libc::_exit(1);
                    }
                    Ok(())
                });
            }
            match cmd.spawn() {
                Ok(c) => s.children.push(c),
                Err(e) => return Err(format!("spawning sleeper {i} of {n}: {e}")),
            }
        }
        s.wait_exec()?;
        Ok(s)
    }

    /// How many sleepers are alive.
    #[allow(clippy::len_without_is_empty)]
    pub fn len(&self) -> usize {
        self.children.len()
    }

    /// Waits until /proc/PID/comm of every child reads `sleep`, then lets the machine
    /// settle for a moment.
    fn wait_exec(&self) -> Result<(), String> {
        let deadline = Instant::now() + Duration::from_secs(60);
        for c in &self.children {
            loop {
                let comm = std::fs::read(format!("/proc/{}/comm", c.id())).unwrap_or_default();
                if comm.starts_with(b"sleep") {
                    break;
                }
                if Instant::now() > deadline {
                    return Err(format!("sleeper {} did not exec sleep", c.id()));
                }
                check_interrupted()?;
                std::thread::sleep(Duration::from_millis(2));
            }
        }
        std::thread::sleep(Duration::from_millis(300));
        Ok(())
    }

    /// Kills and reaps every sleeper; returns how many were reaped.
    pub fn kill_all(&mut self) -> usize {
        let mut reaped = 0;
        for c in &mut self.children {
            let _ = c.kill();
        }
        for mut c in self.children.drain(..) {
            if c.wait().is_ok() {
                reaped += 1;
            }
        }
        reaped
    }
}

impl Drop for Sleepers {
    fn drop(&mut self) {
        if !self.children.is_empty() {
            let n = self.children.len();
            let reaped = self.kill_all();
            eprintln!("[sleepers] killed and reaped {reaped} of {n}");
        }
    }
}

/// Fails early when RLIMIT_NPROC leaves no room for `n` more processes.
fn check_nproc_limit(n: usize) -> Result<(), String> {
    // SAFETY: getrlimit writes into a local struct.
    let mut rl = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    if unsafe { libc::getrlimit(libc::RLIMIT_NPROC, &mut rl) } != 0 {
        return Ok(());
    }
    if rl.rlim_cur != libc::RLIM_INFINITY && (rl.rlim_cur as usize) < n + 200 {
        return Err(format!(
            "RLIMIT_NPROC (ulimit -u) is {}, too low for {n} sleepers",
            rl.rlim_cur
        ));
    }
    Ok(())
}
