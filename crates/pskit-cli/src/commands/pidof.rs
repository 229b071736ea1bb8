//! `pskit pidof NAME`: the PIDs of processes with this name, like psutil's pidof.py.

use pskit::{Attr, ProcessInfo, ProcessTable};

use crate::failure::Failure;
use crate::output::{emit_json, emit_line};
use crate::Ctx;

/// Options of `pskit pidof`.
#[derive(clap::Args, Debug)]
#[command(after_help = "Exits with 1 when no process has that name.

Examples:
  pskit pidof sshd
  pskit pidof --json sshd     a JSON array of PIDs")]
pub struct Args {
    /// The process name (or the first word of the command line).
    name: String,
}

/// Whether a process is called `name`: its name, or its `cmdline[0]` (psutil's rule).
pub fn matches(info: &ProcessInfo, name: &str) -> bool {
    info.name.value().is_some_and(|n| n == name)
        || info
            .cmdline
            .value()
            .and_then(|c| c.first())
            .is_some_and(|c| c == name)
}

/// Runs `pskit pidof`.
pub fn run(args: Args, ctx: &Ctx) -> Result<(), Failure> {
    let pids: Vec<u32> = ProcessTable::new()
        .scan(&[Attr::Name, Attr::Cmdline])?
        .iter()
        .filter(|i| matches(i, &args.name))
        .map(|i| i.pid)
        .collect();
    if ctx.json {
        return emit_json(&pids);
    }
    if pids.is_empty() {
        return Err(Failure::Runtime(format!(
            "no process named '{}'",
            args.name
        )));
    }
    let text: Vec<String> = pids.iter().map(u32::to_string).collect();
    emit_line(&text.join(" "))
}
