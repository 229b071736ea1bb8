//! `pskit who`: users logged in, like who (psutil's who.py).

use crate::failure::Failure;
use crate::human::local_time;
use crate::output::{emit, emit_json};
use crate::table::{Column, Table};
use crate::Ctx;

/// Options of `pskit who`.
#[derive(clap::Args, Debug)]
#[command(after_help = "Examples:
  pskit who
  pskit who --json    users(): [{name, terminal, host, started, pid}]")]
pub struct Args {}

/// Runs `pskit who`.
pub fn run(_args: Args, ctx: &Ctx) -> Result<(), Failure> {
    let users = pskit::users()?;
    if ctx.json {
        return emit_json(&users);
    }
    let mut t = Table::new(vec![
        Column::left("USER"),
        Column::left("TERMINAL"),
        Column::left("STARTED"),
        Column::left("HOST").optional(),
        Column::left("PROCESS"),
    ]);
    for u in &users {
        let started = local_time(u.started)
            .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_else(|| "?".into());
        let process = u
            .pid
            .and_then(|pid| pskit::Process::new(pid).ok())
            .and_then(|p| p.name().ok())
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let host = if u.host.is_empty() {
            String::new()
        } else {
            format!("({})", u.host)
        };
        t.push(vec![
            u.name.clone(),
            u.terminal.clone().unwrap_or_default(),
            started,
            host,
            process,
        ]);
    }
    emit(&t.render(ctx.width, ctx.colour))
}
