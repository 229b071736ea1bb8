//! `pskit fans`: fan speeds, like psutil's fans.py.

use std::collections::BTreeMap;

use pskit::Fan;

use crate::failure::Failure;
use crate::output::{bold, emit, emit_json, fit};
use crate::Ctx;

/// Options of `pskit fans`.
#[derive(clap::Args, Debug)]
#[command(after_help = "Exits with 1 when no fan is detected.

Examples:
  pskit fans
  pskit fans --json    sensors_fans(): chip -> [{label, current}]")]
pub struct Args {}

/// Runs `pskit fans`.
pub fn run(_args: Args, ctx: &Ctx) -> Result<(), Failure> {
    let fans = pskit::sensors_fans()?;
    if ctx.json {
        return emit_json(&fans);
    }
    if fans.is_empty() {
        return Err(Failure::Runtime("no fans detected".into()));
    }
    emit(&render(&fans, ctx.colour))
}

/// Per chip, one line per fan: `label  1200 RPM`.
pub fn render(fans: &BTreeMap<String, Vec<Fan>>, colour: bool) -> String {
    let mut out = String::new();
    for (chip, list) in fans {
        out.push_str(&bold(&fit(chip), colour));
        out.push('\n');
        for f in list {
            let label = if f.label.is_empty() {
                chip.as_str()
            } else {
                f.label.as_str()
            };
            out.push_str(&fit(&format!("    {label:<20} {} RPM", f.current)));
            out.push('\n');
        }
    }
    out
}
