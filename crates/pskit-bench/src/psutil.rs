//! Runs the psutil helper (`bench/psutil_scan.py`) as a subprocess and reads its JSON
//! lines. psutil is mandatory: a missing psutil is a loud error, never a skipped tool.

use std::path::PathBuf;
use std::process::{Command, Stdio};

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

/// Runs `psutil_scan.py MODE REPS` once and returns its samples (the first call,
/// then `reps` steady ones).
pub fn run(mode: &str, reps: usize) -> Result<Vec<PySample>, String> {
    let v: Vec<PySample> = json_lines(&script(), &[mode.to_string(), reps.to_string()])?
        .iter()
        .map(|j| PySample {
            tool: j["tool"].as_str().unwrap_or("?").to_string(),
            secs: j["secs"].as_f64().unwrap_or(f64::NAN),
            procs: j["procs"].as_u64().unwrap_or(0) as usize,
        })
        .collect();
    if v.len() != reps + 1 {
        return Err(format!(
            "psutil helper printed {} samples, expected {}",
            v.len(),
            reps + 1
        ));
    }
    Ok(v)
}
