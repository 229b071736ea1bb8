//! `pskit iotop`: disk read and write rates per process, live (like iotop) (the pskit-tui view).

use crate::failure::Failure;
use crate::Ctx;

/// Options of `pskit iotop`: the view's own, with the global `--json`.
#[derive(clap::Args, Debug)]
#[command(after_help = "Examples:
  pskit iotop                  full screen, busiest first; q quits
  pskit iotop --only -n 2      two plain-text samples of processes doing I/O
  pskit iotop --json --once    one JSON document")]
pub struct Args {
    #[command(flatten)]
    view: pskit_tui::IotopArgs,
}

/// Runs `pskit iotop`.
pub fn run(mut args: Args, ctx: &Ctx) -> Result<(), Failure> {
    super::live_sizes(ctx, "iotop")?;
    args.view.sampling.json |= ctx.json;
    pskit_tui::run_iotop(&args.view).map_err(super::live_failure)
}
