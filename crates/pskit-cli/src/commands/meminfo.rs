//! `pskit meminfo`: every field of `virtual_memory()` and `swap_memory()`, like
//! psutil's meminfo.py.

use serde_json::Value;

use super::free::Memory;
use crate::failure::Failure;
use crate::output::{bold, emit, emit_json, fit};
use crate::Ctx;

/// Options of `pskit meminfo`.
#[derive(clap::Args, Debug)]
#[command(after_help = "Examples:
  pskit meminfo            MEMORY and SWAP sections, one field a line
  pskit meminfo --json     the same as pskit free --json")]
pub struct Args {}

/// Runs `pskit meminfo`.
pub fn run(_args: Args, ctx: &Ctx) -> Result<(), Failure> {
    let m = Memory::read()?;
    if ctx.json {
        return emit_json(&m);
    }
    let mut out = String::new();
    for (title, value) in [
        ("MEMORY", serde_json::to_value(m.virtual_memory)),
        ("SWAP", serde_json::to_value(m.swap_memory)),
    ] {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&bold(&fit(title), ctx.colour));
        out.push('\n');
        let Ok(Value::Object(fields)) = value else {
            continue;
        };
        for (name, v) in fields {
            let shown = if name == "percent" {
                format!("{}%", v)
            } else {
                v.as_u64()
                    .map(|n| ctx.sizes.show(n))
                    .unwrap_or(v.to_string())
            };
            out.push_str(&fit(&format!("{:<10} : {shown:>7}", capitalize(&name))));
            out.push('\n');
        }
    }
    emit(&out)
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}
