//! Runs the psutil helper (`bench/psutil_scan.py`) as a subprocess and reads its JSON
//! lines. psutil is mandatory: a missing psutil is a loud error, never a skipped tool.

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

/// One timing reported by the helper.
#[derive(Debug, Clone)]
pub struct PySample {
    /// `psutil`, `psutil-first`, `psutil-uss` or `psutil-uss-first`.
    pub tool: String,
    /// Seconds, from `time.perf_counter()` inside the interpreter.
    pub secs: f64,
    /// Processes covered.
    pub procs: usize,
}

/// The Python interpreter: `$PYTHON`, else `python3`.
pub fn python() -> String {
    std::env::var("PYTHON").unwrap_or_else(|_| "python3".into())
}

/// The helper script: `$PSKIT_BENCH_PY`, else `bench/psutil_scan.py` of this checkout.
pub fn script() -> PathBuf {
    if let Ok(p) = std::env::var("PSKIT_BENCH_PY") {
        return PathBuf::from(p);
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../bench/psutil_scan.py")
}

/// psutil's version, or an error telling how to install it.
pub fn check() -> Result<String, String> {
    let out = Command::new(python())
        .arg(script())
        .arg("check")
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run {} {}: {e}", python(), script().display()))?;
    if !out.status.success() {
        return Err(
            "psutil is missing: install it with `pip install psutil==7.2.2` (see above)".into(),
        );
    }
    let v = String::from_utf8_lossy(&out.stdout).trim().to_string();
    if v != "7.2.2" {
        eprintln!("warning: psutil {v} found; the reference numbers used psutil 7.2.2");
    }
    Ok(v)
}

/// Runs a Python helper script with `args` and returns its stdout's JSON lines.
pub fn json_lines(
    script: &std::path::Path,
    args: &[String],
) -> Result<Vec<serde_json::Value>, String> {
    let out = Command::new(python())
        .arg(script)
        .args(args)
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run the psutil helper {}: {e}", script.display()))?;
    if !out.status.success() {
        return Err(format!("psutil helper failed: {}", out.status));
    }
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|line| {
            serde_json::from_str(line).map_err(|e| format!("bad helper line {line:?}: {e}"))
        })
        .collect()
}

/// One psutil interpreter (`psutil_scan.py serve MODE`) that times one call per
/// request, so psutil takes its turn between the in-process tools call by call. The
/// interpreter is killed on drop.
pub struct Server {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl Server {
    /// Starts the interpreter for `mode` (`procscan` or `uss`).
    pub fn start(mode: &str) -> Result<Server, String> {
        let mut child = Command::new(python())
            .arg(script())
            .args(["serve", mode])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("cannot run the psutil helper {}: {e}", script().display()))?;
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            let _ = child.kill();
            let _ = child.wait();
            return Err("psutil helper without pipes".into());
        };
        Ok(Server {
            child,
            stdin,
            stdout: BufReader::new(stdout),
        })
    }

    /// Times one call (the first is reported as `…-first`).
    pub fn sample(&mut self) -> Result<PySample, String> {
        self.stdin
            .write_all(b"\n")
            .and_then(|()| self.stdin.flush())
            .map_err(|e| format!("psutil helper: {e}"))?;
        let mut line = String::new();
        let n = self
            .stdout
            .read_line(&mut line)
            .map_err(|e| format!("psutil helper: {e}"))?;
        if n == 0 {
            return Err("psutil helper exited (see its error above)".into());
        }
        let j: serde_json::Value =
            serde_json::from_str(&line).map_err(|e| format!("bad helper line {line:?}: {e}"))?;
        sample_from(&j, "procs")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A helper's JSON line as a sample; a missing field is an error, never a NaN.
pub fn sample_from(j: &serde_json::Value, count_key: &str) -> Result<PySample, String> {
    let field = |k: &str| format!("psutil helper line without {k:?}: {j}");
    Ok(PySample {
        tool: j["tool"].as_str().ok_or_else(|| field("tool"))?.to_string(),
        secs: j["secs"].as_f64().ok_or_else(|| field("secs"))?,
        procs: j[count_key].as_u64().ok_or_else(|| field(count_key))? as usize,
    })
}
