//! `pskit temperatures`: every temperature sensor, like psutil's temperatures.py.

use std::collections::BTreeMap;

use pskit::Temperature;

use crate::failure::Failure;
use crate::output::{bold, emit, emit_json, fit};
use crate::Ctx;

/// Options of `pskit temperatures`.
#[derive(clap::Args, Debug)]
#[command(after_help = "Exits with 1 when the machine has no temperature sensor.

Examples:
  pskit temperatures
  pskit temperatures -f        in Fahrenheit
  pskit temperatures --json    sensors_temperatures(): chip -> [{label, current, high, critical}]")]
pub struct Args {
    /// Degrees Fahrenheit instead of Celsius.
    #[arg(short, long)]
    fahrenheit: bool,
}

/// Runs `pskit temperatures`.
pub fn run(args: Args, ctx: &Ctx) -> Result<(), Failure> {
    let temps = pskit::sensors_temperatures(args.fahrenheit)?;
    if ctx.json {
        return emit_json(&temps);
    }
    if temps.is_empty() {
        return Err(Failure::Runtime("can't read any temperature".into()));
    }
    emit(&render(
        &temps,
        if args.fahrenheit { "°F" } else { "°C" },
        ctx.colour,
    ))
}

/// Per chip, one line per sensor: `label  47.0 °C (high = 80.0 °C, critical = 90.0 °C)`.
pub fn render(temps: &BTreeMap<String, Vec<Temperature>>, unit: &str, colour: bool) -> String {
    let mut out = String::new();
    for (chip, sensors) in temps {
        out.push_str(&bold(&fit(chip), colour));
        out.push('\n');
        for t in sensors {
            let label = if t.label.is_empty() {
                chip.as_str()
            } else {
                t.label.as_str()
            };
            let mut line = format!("    {label:<20} {:.1} {unit}", t.current);
            let limits: Vec<String> = [("high", t.high), ("critical", t.critical)]
                .into_iter()
                .filter_map(|(n, v)| v.map(|v| format!("{n} = {v:.1} {unit}")))
                .collect();
            if !limits.is_empty() {
                line.push_str(&format!(" ({})", limits.join(", ")));
            }
            out.push_str(&fit(&line));
            out.push('\n');
        }
    }
    out
}
