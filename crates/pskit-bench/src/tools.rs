//! The in-process tools that are timed: pskit, sysinfo and the raw floors. (psutil runs
//! in its own interpreter, see `psutil.rs`.)

use std::hint::black_box;

use pskit::{Attr, Process, ProcessTable};
use sysinfo::{ProcessRefreshKind, ProcessesToUpdate, System, UpdateKind, Users};

use crate::floor::{RawReader, ReadRule};

/// The 10 attributes of the process-scan benchmark (psutil names: pid, ppid, name,
/// status, username, create_time, cpu_times, memory_info, num_threads, cmdline).
pub const SCAN_ATTRS: [Attr; 10] = [
    Attr::Pid,
    Attr::Ppid,
    Attr::Name,
    Attr::Status,
    Attr::Username,
    Attr::CreateTime,
    Attr::CpuTimes,
    Attr::MemoryInfo,
    Attr::NumThreads,
    Attr::Cmdline,
];

/// The in-process process-scan tools, in the fixed order of a round.
pub const PROCSCAN_TOOLS: &[&str] = &[
    "floor",
    "floor-eof",
    "pskit",
    "pskit-steady",
    "sysinfo",
    "sysinfo-second",
    "ps",
];

/// The `ps` columns that match the scan's attributes.
pub const PS_FORMAT: &str = "pid,ppid,comm,stat,user,lstart,cputime,rss,vsz,nlwp,args";

/// The in-process memory_full_info tools, in the fixed order of a round.
pub const USS_TOOLS: &[&str] = &["floor-uss", "floor-rollup", "pskit-uss", "pskit-uss-proc"];

/// One timed tool. `sample` does the whole operation once and returns how many
/// processes it covered (each tool is divided by its own count).
pub trait Tool {
    /// Runs the operation once.
    fn sample(&mut self) -> Result<usize, String>;
}

/// Builds a tool by name. "Steady" tools (`pskit-steady`, `sysinfo-second`) keep their
/// state between samples and are warmed up here with one untimed call.
pub fn make(name: &str) -> Result<Box<dyn Tool>, String> {
    let mut t = make_cold(name)?;
    if matches!(name, "pskit-steady" | "sysinfo-second") {
        t.sample()?;
    }
    Ok(t)
}

/// Builds a tool by name without the warm-up call: the first sample of a steady tool
/// is then its first (cold) call.
pub fn make_cold(name: &str) -> Result<Box<dyn Tool>, String> {
    let t: Box<dyn Tool> = match name {
        "floor" => Box::new(Floor(RawReader::new(), ReadRule::Once)),
        "floor-eof" => Box::new(Floor(RawReader::new(), ReadRule::ToEof)),
        "pskit" => Box::new(PskitFresh),
        "pskit-steady" => Box::new(PskitSteady(ProcessTable::new())),
        "sysinfo" => Box::new(SysinfoFresh),
        "sysinfo-second" => Box::new(SysinfoSecond(
            Users::new_with_refreshed_list().map_err(|e| e.to_string())?,
            System::new().map_err(|e| e.to_string())?,
        )),
        "floor-uss" => Box::new(FloorUss(RawReader::new(), true)),
        "floor-rollup" => Box::new(FloorUss(RawReader::new(), false)),
        "pskit-uss" => Box::new(PskitUss),
        "pskit-uss-proc" => Box::new(PskitUssProc),
        "ps" => Box::new(PsCommand),
        other => return Err(format!("unknown tool '{other}'")),
    };
    Ok(t)
}

/// Raw floor of the process scan.
struct Floor(RawReader, ReadRule);
impl Tool for Floor {
    fn sample(&mut self) -> Result<usize, String> {
        Ok(black_box(self.0.procscan(self.1)))
    }
}

/// Raw floor of memory_full_info: smaps_rollup (+ statm if `.1`).
struct FloorUss(RawReader, bool);
impl Tool for FloorUss {
    fn sample(&mut self) -> Result<usize, String> {
        Ok(black_box(self.0.uss(self.1)))
    }
}

/// Counts the scan's records, checking that the main values are there.
fn consume(infos: &[pskit::ProcessInfo]) -> Result<usize, String> {
    let me = std::process::id();
    let mine = infos
        .iter()
        .find(|i| i.pid == me)
        .ok_or("pskit scan did not list the benchmark itself")?;
    if mine.username.value().is_none()
        || mine.cmdline.value().is_none()
        || mine.num_threads.value().is_none()
    {
        return Err(format!("pskit scan lacks values for itself: {mine:?}"));
    }
    Ok(black_box(infos).len())
}

/// pskit: a new `ProcessTable` per sample (first scan, empty caches).
struct PskitFresh;
impl Tool for PskitFresh {
    fn sample(&mut self) -> Result<usize, String> {
        let infos = ProcessTable::new()
            .scan(&SCAN_ATTRS)
            .map_err(|e| e.to_string())?;
        consume(&infos)
    }
}

/// pskit: one warm `ProcessTable` reused across samples (psutil's steady state).
struct PskitSteady(ProcessTable);
impl Tool for PskitSteady {
    fn sample(&mut self) -> Result<usize, String> {
        let infos = self.0.scan(&SCAN_ATTRS).map_err(|e| e.to_string())?;
        consume(&infos)
    }
}

/// What sysinfo refreshes: cpu, memory, user and cmd, without the per-task walk
/// (perf-anchors §1 "sysinfo").
fn sysinfo_kind() -> ProcessRefreshKind {
    ProcessRefreshKind::nothing()
        .with_cpu()
        .with_memory()
        .with_user(UpdateKind::Always)
        .with_cmd(UpdateKind::Always)
        .without_tasks()
}

/// Reads every field sysinfo filled, including the user name lookup.
fn sysinfo_consume(sys: &System, users: &Users) -> usize {
    let mut acc = 0u64;
    for (pid, p) in sys.processes() {
        acc = acc.wrapping_add(u64::from(pid.as_u32()));
        acc = acc.wrapping_add(p.parent().map_or(0, |x| u64::from(x.as_u32())));
        acc = acc.wrapping_add(p.name().len() as u64);
        acc = acc.wrapping_add(p.status().to_string().len() as u64);
        if let Some(u) = p.user_id().and_then(|uid| users.get_user_by_id(uid)) {
            acc = acc.wrapping_add(u.name().len() as u64);
        }
        acc = acc.wrapping_add(p.start_time());
        acc = acc.wrapping_add(p.accumulated_cpu_time());
        acc = acc.wrapping_add(p.memory().wrapping_add(p.virtual_memory()));
        acc = acc.wrapping_add(p.cmd().iter().map(|a| a.len() as u64).sum::<u64>());
    }
    black_box(acc);
    sys.processes().len()
}

/// sysinfo: `Users` + a new `System` + one refresh per sample.
struct SysinfoFresh;
impl Tool for SysinfoFresh {
    fn sample(&mut self) -> Result<usize, String> {
        let users = Users::new_with_refreshed_list().map_err(|e| e.to_string())?;
        let mut sys = System::new().map_err(|e| e.to_string())?;
        sys.refresh_processes_specifics(ProcessesToUpdate::All, true, sysinfo_kind());
        Ok(sysinfo_consume(&sys, &users))
    }
}

/// sysinfo: another refresh of a warm `System`.
struct SysinfoSecond(Users, System);
impl Tool for SysinfoSecond {
    fn sample(&mut self) -> Result<usize, String> {
        self.1
            .refresh_processes_specifics(ProcessesToUpdate::All, true, sysinfo_kind());
        Ok(sysinfo_consume(&self.1, &self.0))
    }
}

/// pskit: `ProcessTable::scan(&[Pid, MemoryFullInfo])` on a new table.
struct PskitUss;
impl Tool for PskitUss {
    fn sample(&mut self) -> Result<usize, String> {
        let infos = ProcessTable::new()
            .scan(&[Attr::Pid, Attr::MemoryFullInfo])
            .map_err(|e| e.to_string())?;
        let ok = infos
            .iter()
            .filter(|i| i.memory_full_info.value().is_some())
            .count();
        if ok == 0 {
            return Err("pskit memory_full_info gave no value at all".into());
        }
        Ok(black_box(infos).len())
    }
}

/// pskit: `Process::new(pid)?.memory_full_info()` for every PID (the one-at-a-time API).
struct PskitUssProc;
impl Tool for PskitUssProc {
    fn sample(&mut self) -> Result<usize, String> {
        let mut n = 0;
        for pid in pskit::pids().map_err(|e| e.to_string())? {
            if let Ok(p) = Process::new(pid) {
                let _ = black_box(p.memory_full_info());
                n += 1;
            }
        }
        Ok(n)
    }
}

/// `ps -eo PS_FORMAT` as a whole command (fork, exec, its /proc reads and its output),
/// counted by its output rows.
struct PsCommand;
impl Tool for PsCommand {
    fn sample(&mut self) -> Result<usize, String> {
        let out = std::process::Command::new("ps")
            .args(["-eo", PS_FORMAT])
            .stderr(std::process::Stdio::inherit())
            .output()
            .map_err(|e| format!("cannot run ps (apt-get install -y procps): {e}"))?;
        if !out.status.success() {
            return Err(format!("ps -eo {PS_FORMAT} failed: {}", out.status));
        }
        let rows = out.stdout.split(|&b| b == b'\n').filter(|l| !l.is_empty());
        Ok(rows.count().saturating_sub(1))
    }
}
