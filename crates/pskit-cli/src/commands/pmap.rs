//! `pskit pmap PID`: the memory maps of one process, like psutil's pmap.py.

use crate::failure::{process_failure, Failure};
use crate::output::{emit, emit_json};
use crate::procs::open;
use crate::table::{Column, Table};
use crate::Ctx;

/// Options of `pskit pmap`.
#[derive(clap::Args, Debug)]
#[command(after_help = "Examples:
  pskit pmap $$              the shell's mappings with their resident size
  pskit pmap --json 1234     psutil's memory_maps(grouped=False) records")]
pub struct Args {
    /// The process id.
    pid: u32,
}

/// Runs `pskit pmap`.
pub fn run(args: Args, ctx: &Ctx) -> Result<(), Failure> {
    let process = open(args.pid)?;
    let fail = |e| process_failure(args.pid, e);
    let maps = process.memory_maps_ungrouped().map_err(fail)?;
    if ctx.json {
        return emit_json(&maps);
    }
    let name = process.name().map_err(fail)?;
    let mut t = Table::new(vec![
        Column::left("Address"),
        Column::right("RSS"),
        Column::left("Mode").optional(),
        Column::left("Mapping"),
    ]);
    let mut total = 0u64;
    for m in &maps {
        total += m.counters.rss;
        let start = m.addr.split('-').next().unwrap_or("");
        t.push(vec![
            format!("{start:0>16}"),
            ctx.sizes.show(m.counters.rss),
            m.perms.clone(),
            m.path.to_string_lossy().into_owned(),
        ]);
    }
    t.push(vec![
        "Total".into(),
        ctx.sizes.show(total),
        String::new(),
        String::new(),
    ]);
    let mut out = t.render(ctx.width, ctx.colour);
    out.push_str(&crate::output::fit(&format!(
        "PID = {}, name = {}\n",
        args.pid,
        name.to_string_lossy()
    )));
    emit(&out)
}
