//! `pskit killall NAME`: signals every process with this name, like killall. A PID
//! recycled since the scan is refused (the library checks each process's identity).

use std::collections::BTreeMap;

use pskit::{signal, Attr, ProcessTable};
use serde::Serialize;

use crate::failure::Failure;
use crate::output::emit_json;
use crate::Ctx;

/// Options of `pskit killall`.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Exits with 1 when no process has that name or one could not be signalled.

Examples:
  pskit killall sleep             send SIGTERM to every sleep
  pskit killall -s KILL sleep     send SIGKILL
  pskit killall -s 1 nginx        send signal 1 (SIGHUP)"
)]
pub struct Args {
    /// The process name.
    name: String,
    /// Signal: a name (TERM, SIGKILL, hup...) or a number.
    #[arg(short, long, default_value = "TERM", value_parser = parse_signal)]
    signal: i32,
}

/// What was done, for `--json`.
#[derive(Serialize)]
struct Report {
    signal: i32,
    signalled: Vec<u32>,
    failed: BTreeMap<u32, &'static str>,
}

/// Parses a signal name (with or without `SIG`, any case) or number.
fn parse_signal(s: &str) -> Result<i32, String> {
    if let Ok(n) = s.parse::<i32>() {
        return if (1..=64).contains(&n) {
            Ok(n)
        } else {
            Err(format!("signal number {n} out of range 1-64"))
        };
    }
    let upper = s.to_ascii_uppercase();
    let name = upper.strip_prefix("SIG").unwrap_or(&upper);
    Ok(match name {
        "HUP" => signal::SIGHUP,
        "INT" => signal::SIGINT,
        "KILL" => signal::SIGKILL,
        "USR1" => signal::SIGUSR1,
        "USR2" => signal::SIGUSR2,
        "TERM" => signal::SIGTERM,
        "CONT" => signal::SIGCONT,
        "STOP" => signal::SIGSTOP,
        _ => {
            return Err(format!(
            "unknown signal '{s}' (use HUP, INT, KILL, USR1, USR2, TERM, CONT, STOP or a number)"
        ))
        }
    })
}

/// Runs `pskit killall`.
pub fn run(args: Args, ctx: &Ctx) -> Result<(), Failure> {
    let mut table = ProcessTable::new();
    let infos = table.scan(&[Attr::Name])?;
    let me = std::process::id();
    let targets: Vec<u32> = infos
        .iter()
        .filter(|i| i.pid != me && i.name.value().is_some_and(|n| *n == *args.name))
        .map(|i| i.pid)
        .collect();
    if targets.is_empty() {
        return Err(Failure::Runtime(format!(
            "no process named '{}'",
            args.name
        )));
    }
    let mut report = Report {
        signal: args.signal,
        signalled: Vec::new(),
        failed: BTreeMap::new(),
    };
    let mut problems = Vec::new();
    for process in table.processes().filter(|p| targets.contains(&p.pid())) {
        match process.send_signal(args.signal) {
            Ok(()) => report.signalled.push(process.pid()),
            Err(e) => {
                report.failed.insert(process.pid(), e.kind_name());
                problems.push(crate::failure::process_failure(process.pid(), e));
            }
        }
    }
    if ctx.json {
        emit_json(&report)?;
    }
    match problems.pop() {
        None => Ok(()),
        Some(last) => {
            for p in problems {
                if let Failure::Runtime(msg) = p {
                    eprintln_one(&msg);
                }
            }
            Err(last)
        }
    }
}

fn eprintln_one(msg: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "pskit: {msg}");
}
