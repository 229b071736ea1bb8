//! `pskit-live VIEW [ARGS]`: the live views on their own, for this crate's tests and
//! for trying them out; the `pskit` command embeds the same views as subcommands.

use std::process::ExitCode;

use clap::Parser;

/// Full-screen live views of the system (pskit).
#[derive(Parser)]
#[command(name = "pskit-live", version)]
enum Cli {
    /// Processes, CPU, memory, load and uptime (like top).
    ///
    /// Example: pskit-live top --sort mem -n 1
    Top(pskit_tui::TopArgs),
    /// Disk read and write rates per process (like iotop).
    ///
    /// Example: pskit-live iotop --only
    Iotop(pskit_tui::IotopArgs),
    /// Network rates per interface (like psutil's nettop.py).
    ///
    /// Example: pskit-live nettop --json -n 3
    Nettop(pskit_tui::NettopArgs),
    /// The load of each CPU and the processes on it.
    ///
    /// Example: pskit-live cpu-distribution --once
    CpuDistribution(pskit_tui::CpuDistributionArgs),
}

fn main() -> ExitCode {
    let result = match Cli::parse() {
        Cli::Top(args) => pskit_tui::run_top(&args),
        Cli::Iotop(args) => pskit_tui::run_iotop(&args),
        Cli::Nettop(args) => pskit_tui::run_nettop(&args),
        Cli::CpuDistribution(args) => pskit_tui::run_cpu_distribution(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("pskit-live: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}
