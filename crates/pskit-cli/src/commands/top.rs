//! `pskit top`: processes, CPU, memory, load and uptime, live (like top) (the pskit-tui view).

use crate::failure::Failure;
use crate::Ctx;

/// Options of `pskit top`: the view's own, with the global `--json`.
#[derive(clap::Args, Debug)]
#[command(after_help = "Examples:
  pskit top                    full screen; keys p u c m t n sort, r reverses, q quits
  pskit top --sort mem -n 1    one plain-text sample, biggest memory first
  pskit top --json -n 3        three JSON documents, one per second")]
pub struct Args {
    #[command(flatten)]
    view: pskit_tui::TopArgs,
}

/// Runs `pskit top`.
pub fn run(mut args: Args, ctx: &Ctx) -> Result<(), Failure> {
    super::live_sizes(ctx, "top")?;
    args.view.sampling.json |= ctx.json;
    pskit_tui::run_top(&args.view).map_err(super::live_failure)
}
