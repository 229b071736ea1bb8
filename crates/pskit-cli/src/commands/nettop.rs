//! `pskit nettop`: network rates per interface, live (like psutil's nettop.py) (the pskit-tui view).

use crate::failure::Failure;
use crate::Ctx;

/// Options of `pskit nettop`: the view's own, with the global `--json`.
#[derive(clap::Args, Debug)]
#[command(after_help = "Examples:
  pskit nettop                 full screen; q quits
  pskit nettop --nic eth0 -n 3 three plain-text samples of one interface
  pskit nettop --json -n 3     three JSON documents")]
pub struct Args {
    #[command(flatten)]
    view: pskit_tui::NettopArgs,
}

/// Runs `pskit nettop`.
pub fn run(mut args: Args, ctx: &Ctx) -> Result<(), Failure> {
    super::live_sizes(ctx, "nettop")?;
    args.view.sampling.json |= ctx.json;
    pskit_tui::run_nettop(&args.view).map_err(super::live_failure)
}
