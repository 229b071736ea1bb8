//! `pskit battery`: charge, time left and power source, like psutil's battery.py.

use pskit::{Battery, BatteryTime};

use crate::failure::Failure;
use crate::human::duration;
use crate::output::{emit, emit_json, fit};
use crate::Ctx;

/// Options of `pskit battery`.
#[derive(clap::Args, Debug)]
#[command(after_help = "Exits with 1 when no battery is installed.

Examples:
  pskit battery
  pskit battery --json    sensors_battery(): {percent, secsleft, power_plugged} or null")]
pub struct Args {}

/// Runs `pskit battery`.
pub fn run(_args: Args, ctx: &Ctx) -> Result<(), Failure> {
    let battery = pskit::sensors_battery()?;
    if ctx.json {
        return emit_json(&battery);
    }
    match battery {
        Some(b) => emit(&render(&b)),
        None => Err(Failure::Runtime("no battery is installed".into())),
    }
}

/// psutil's lines: `charge`, then `left` when discharging, `status` and `plugged in`.
pub fn render(b: &Battery) -> String {
    let mut lines = vec![format!("charge:     {:.0}%", b.percent)];
    match b.power_plugged {
        Some(true) => {
            let status = if b.percent < 100.0 {
                "charging"
            } else {
                "fully charged"
            };
            lines.push(format!("status:     {status}"));
            lines.push("plugged in: yes".into());
        }
        Some(false) => {
            if let BatteryTime::Seconds(s) = b.secsleft {
                lines.push(format!("left:       {}", duration(s)));
            }
            lines.push("status:     discharging".into());
            lines.push("plugged in: no".into());
        }
        None => lines.push("plugged in: unknown".into()),
    }
    lines.iter().map(|l| fit(l) + "\n").collect()
}
