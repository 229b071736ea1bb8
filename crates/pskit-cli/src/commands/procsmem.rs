//! `pskit procsmem`: USS, PSS, swap and RSS of every process, sorted by USS, like
//! psutil's procsmem.py (smem).

use pskit::{Attr, AttrError, Field, ProcessTable};

use crate::failure::Failure;
use crate::output::{emit, emit_json};
use crate::procs::{command_of, info_json, text};
use crate::table::{Column, Table};
use crate::Ctx;

/// Options of `pskit procsmem`.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Processes whose memory cannot be read (another user's, when not root) are \
counted on stderr. Zombies and kernel threads, which have no memory, are left out.

Examples:
  pskit procsmem                 smallest USS first, the biggest at the bottom
  pskit procsmem --json          psutil's memory_full_info per process"
)]
pub struct Args {}

/// Runs `pskit procsmem`.
pub fn run(_args: Args, ctx: &Ctx) -> Result<(), Failure> {
    let attrs = [
        Attr::Username,
        Attr::Cmdline,
        Attr::Name,
        Attr::MemoryFullInfo,
    ];
    let infos = ProcessTable::new().scan(&attrs)?;
    let denied = infos
        .iter()
        .filter(|i| matches!(i.memory_full_info, Field::Err(AttrError::AccessDenied)))
        .count();
    let mut readable: Vec<_> = infos
        .iter()
        .filter(|i| {
            let rss = i.memory_full_info.value().map(|m| m.rss);
            rss.is_some_and(|r| r > 0)
        })
        .collect();
    readable.sort_by_key(|i| (i.memory_full_info.value().map(|m| m.uss), i.pid));
    if ctx.json {
        let all: Vec<_> = readable.iter().map(|i| info_json(i, None)).collect();
        emit_json(&all)?;
    } else {
        let mut t = Table::new(vec![
            Column::right("PID"),
            Column::left("User").optional(),
            Column::right("USS"),
            Column::right("PSS").optional(),
            Column::right("Swap").optional(),
            Column::right("RSS").optional(),
            Column::left("Cmdline"),
        ]);
        for i in &readable {
            let Some(m) = i.memory_full_info.value() else {
                continue;
            };
            t.push(vec![
                i.pid.to_string(),
                i.username.value().map(text).unwrap_or_default(),
                ctx.sizes.show(m.uss),
                ctx.sizes.show(m.pss),
                ctx.sizes.show(m.swap),
                ctx.sizes.show(m.rss),
                command_of(i),
            ]);
        }
        emit(&t.render(ctx.width, ctx.colour))?;
    }
    if denied > 0 {
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "pskit: warning: access denied for {denied} processes (run as root to see them)"
        );
    }
    Ok(())
}
