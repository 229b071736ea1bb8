//! One module per subcommand: each has an `Args` struct (its options, `--help` text
//! and example) and `run(args, &Ctx)`.

pub mod battery;
pub mod completions;
pub mod cpu_distribution;
pub mod disk_usage;
pub mod fans;
pub mod free;
pub mod ifconfig;
pub mod info;
pub mod iostat;
pub mod iotop;
pub mod killall;
pub mod meminfo;
pub mod netstat;
pub mod nettop;
pub mod pidof;
pub mod pmap;
pub mod proc_dict;
pub mod procinfo;
pub mod procsmem;
pub mod ps;
pub mod pstree;
pub mod sensors;
pub mod serve;
pub mod temperatures;
pub mod top;
pub mod who;

/// A live view's error as a command failure (usage errors exit with 2).
/// The live views show sizes in psutil's 1.5G style only: `--bytes` is refused there
/// rather than silently ignored.
fn live_sizes(ctx: &crate::Ctx, view: &str) -> Result<(), crate::failure::Failure> {
    if ctx.sizes.exact {
        return Err(crate::failure::Failure::Usage(format!(
            "--bytes applies to table output; {view} shows sizes as 1.5G (use --json for exact counts)"
        )));
    }
    Ok(())
}

fn live_failure(e: pskit_tui::Error) -> crate::failure::Failure {
    if e.exit_code() == 2 {
        crate::failure::Failure::Usage(e.to_string())
    } else {
        crate::failure::Failure::Runtime(e.to_string())
    }
}
