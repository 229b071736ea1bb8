//! `pskit free`: memory and swap, like free (psutil's free.py).

use serde::Serialize;

use crate::failure::Failure;
use crate::output::{emit, emit_json};
use crate::table::{Column, Table};
use crate::Ctx;

/// Options of `pskit free`.
#[derive(clap::Args, Debug)]
#[command(after_help = "Examples:
  pskit free              sizes like 1.5G
  pskit free --bytes      exact bytes
  pskit free --json       {\"virtual_memory\": ..., \"swap_memory\": ...}")]
pub struct Args {}

/// `virtual_memory()` and `swap_memory()` together, for `--json` (also used by meminfo).
#[derive(Serialize)]
pub struct Memory {
    /// psutil's `virtual_memory()`.
    pub virtual_memory: pskit::VirtualMemory,
    /// psutil's `swap_memory()`.
    pub swap_memory: pskit::SwapMemory,
}

impl Memory {
    /// Reads both.
    pub fn read() -> Result<Memory, Failure> {
        Ok(Memory {
            virtual_memory: pskit::virtual_memory()?,
            swap_memory: pskit::swap_memory()?,
        })
    }
}

/// Runs `pskit free`.
pub fn run(_args: Args, ctx: &Ctx) -> Result<(), Failure> {
    let m = Memory::read()?;
    if ctx.json {
        return emit_json(&m);
    }
    let s = ctx.sizes;
    let (v, w) = (&m.virtual_memory, &m.swap_memory);
    let mut t = Table::new(vec![
        Column::left(""),
        Column::right("total"),
        Column::right("used"),
        Column::right("free"),
        Column::right("shared").optional(),
        Column::right("buffers").optional(),
        Column::right("cache").optional(),
        Column::right("available").optional(),
    ]);
    t.push(vec![
        "Mem:".into(),
        s.show(v.total),
        s.show(v.used),
        s.show(v.free),
        s.show(v.shared),
        s.show(v.buffers),
        s.show(v.cached),
        s.show(v.available),
    ]);
    t.push(vec![
        "Swap:".into(),
        s.show(w.total),
        s.show(w.used),
        s.show(w.free),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
    ]);
    emit(&t.render(ctx.width, ctx.colour))
}
