//! `pskit cpu-distribution`: the load of each CPU and the processes on it, live (the pskit-tui view).

use crate::failure::Failure;
use crate::Ctx;

/// Options of `pskit cpu-distribution`: the view's own, with the global `--json`.
#[derive(clap::Args, Debug)]
#[command(after_help = "Examples:
  pskit cpu-distribution             full screen; q quits
  pskit cpu-distribution --once      one plain-text sample
  pskit cpu-distribution --json -n 2 two JSON documents")]
pub struct Args {
    #[command(flatten)]
    view: pskit_tui::CpuDistributionArgs,
}

/// Runs `pskit cpu-distribution`.
pub fn run(mut args: Args, ctx: &Ctx) -> Result<(), Failure> {
    super::live_sizes(ctx, "cpu-distribution")?;
    args.view.sampling.json |= ctx.json;
    pskit_tui::run_cpu_distribution(&args.view).map_err(super::live_failure)
}
