//! `pskit sensors`: temperatures, fans and battery together, like psutil's sensors.py.

use serde::Serialize;

use crate::failure::Failure;
use crate::output::{bold, emit, emit_json, fit};
use crate::Ctx;

/// Options of `pskit sensors`.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Exits with 1 when the machine has no sensor and no battery.

Examples:
  pskit sensors
  pskit sensors --json    {\"temperatures\": ..., \"fans\": ..., \"battery\": ...}"
)]
pub struct Args {}

/// Everything, for `--json`.
#[derive(Serialize)]
struct Sensors {
    temperatures: std::collections::BTreeMap<String, Vec<pskit::Temperature>>,
    fans: std::collections::BTreeMap<String, Vec<pskit::Fan>>,
    battery: Option<pskit::Battery>,
}

/// Runs `pskit sensors`.
pub fn run(_args: Args, ctx: &Ctx) -> Result<(), Failure> {
    let s = Sensors {
        temperatures: pskit::sensors_temperatures(false)?,
        fans: pskit::sensors_fans()?,
        battery: pskit::sensors_battery()?,
    };
    if ctx.json {
        return emit_json(&s);
    }
    if s.temperatures.is_empty() && s.fans.is_empty() && s.battery.is_none() {
        return Err(Failure::Runtime(
            "no temperature sensor, fan or battery found".into(),
        ));
    }
    let mut out = String::new();
    let mut section = |title: &str, body: String| {
        if !body.is_empty() {
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(&bold(&fit(title), ctx.colour));
            out.push('\n');
            out.push_str(&body);
        }
    };
    section(
        "Temperatures:",
        super::temperatures::render(&s.temperatures, "°C", ctx.colour),
    );
    section("Fans:", super::fans::render(&s.fans, ctx.colour));
    section(
        "Battery:",
        s.battery
            .as_ref()
            .map(super::battery::render)
            .unwrap_or_default(),
    );
    emit(&out)
}
