//! # pskit-tui: the live views of pskit
//!
//! Full-screen, interactive views of a running system, each a faithful version of the
//! psutil example script it is named after, built on the [`pskit`] library only:
//!
//! | view | like | shows |
//! |---|---|---|
//! | [`run_top`] | `top.py`, `top` | per-CPU bars, memory and swap, load and uptime, a sortable process table |
//! | [`run_iotop`] | `iotop.py`, `iotop` | disk read/write rates per process and in total |
//! | [`run_nettop`] | `nettop.py` | bytes and packets per second per interface and in total |
//! | [`run_cpu_distribution`] | `cpu_distribution.py` | the load of each CPU and the processes on it |
//!
//! Each takes a clap [`clap::Args`] struct, so a command-line tool embeds it as a
//! subcommand (`pskit top ARGS`). Without `--once`, `-n COUNT` or `--json` a view is
//! full-screen (quit with `q`, Esc or Ctrl-C; the terminal is restored on every way
//! out). `--once` and `-n COUNT` print plain text without escape codes; `--json`
//! prints one JSON document per sample (JSON lines) with psutil's field names.
//!
//! ```no_run
//! use clap::Parser;
//!
//! #[derive(Parser)]
//! enum Cli {
//!     /// Processes, CPU and memory, live.
//!     Top(pskit_tui::TopArgs),
//! }
//!
//! let Cli::Top(args) = Cli::parse();
//! if let Err(e) = pskit_tui::run_top(&args) {
//!     eprintln!("pskit: {e}");
//!     std::process::exit(e.exit_code().into());
//! }
//! ```
#![deny(missing_docs)]
#![deny(rustdoc::broken_intra_doc_links)]

mod args;
mod error;
pub mod format;
mod runner;
pub mod screen;
mod terminal;
mod views;

pub use args::SampleArgs;
pub use error::{Error, Result};
pub use views::cpu_distribution::{CpuDistributionArgs, CpuDistributionSample};
pub use views::iotop::{IotopArgs, IotopSample, ProcessIo};
pub use views::nettop::{NetRates, NettopArgs, NettopSample};
pub use views::top::{TopArgs, TopSample, TopSort};

use views::cpu_distribution::CpuDistributionView;
use views::iotop::IotopView;
use views::nettop::NettopView;
use views::top::TopView;

/// Runs `top`: full-screen, or printed as `args.sampling` asks.
///
/// Keys: `p` `u` `c` `m` `t` `n` sort by PID, user, CPU%, MEM%, TIME+ or name (the
/// same key again reverses), `<` `>` move the sort column, `r` reverses, `j` `k` and
/// the arrows scroll, `q` quits.
///
/// An interval of 0 or less is [`Error::Usage`]:
///
/// ```
/// use clap::Parser;
/// #[derive(Parser)]
/// struct Cli { #[command(flatten)] top: pskit_tui::TopArgs }
/// let cli = Cli::parse_from(["top", "--once", "--interval", "0"]);
/// assert!(pskit_tui::run_top(&cli.top).unwrap_err().is_usage());
/// ```
pub fn run_top(args: &TopArgs) -> Result<()> {
    let plan = args.sampling.plan()?;
    runner::run(TopView::new(args)?, plan)
}

/// Runs `iotop`: full-screen, or printed as `args.sampling` asks. Processes whose
/// `io_counters` are denied are left out and counted.
///
/// ```
/// use clap::Parser;
/// #[derive(Parser)]
/// struct Cli { #[command(flatten)] iotop: pskit_tui::IotopArgs }
/// let cli = Cli::parse_from(["iotop", "-n", "1", "-i", "-2"]);
/// assert_eq!(pskit_tui::run_iotop(&cli.iotop).unwrap_err().exit_code(), 2);
/// ```
pub fn run_iotop(args: &IotopArgs) -> Result<()> {
    let plan = args.sampling.plan()?;
    runner::run(IotopView::new(args)?, plan)
}

/// Runs `nettop`: full-screen, or printed as `args.sampling` asks.
///
/// ```
/// use clap::Parser;
/// #[derive(Parser)]
/// struct Cli { #[command(flatten)] nettop: pskit_tui::NettopArgs }
/// let cli = Cli::parse_from(["nettop", "--once", "-i", "0"]);
/// assert!(pskit_tui::run_nettop(&cli.nettop).unwrap_err().is_usage());
/// ```
pub fn run_nettop(args: &NettopArgs) -> Result<()> {
    let plan = args.sampling.plan()?;
    runner::run(NettopView::new(args)?, plan)
}

/// Runs `cpu-distribution`: full-screen, or printed as `args.sampling` asks.
///
/// ```
/// use clap::Parser;
/// #[derive(Parser)]
/// struct Cli { #[command(flatten)] view: pskit_tui::CpuDistributionArgs }
/// let cli = Cli::parse_from(["cpu-distribution", "-n", "0"]);
/// assert!(pskit_tui::run_cpu_distribution(&cli.view).unwrap_err().is_usage());
/// ```
pub fn run_cpu_distribution(args: &CpuDistributionArgs) -> Result<()> {
    let plan = args.sampling.plan()?;
    runner::run(CpuDistributionView::new(args)?, plan)
}
