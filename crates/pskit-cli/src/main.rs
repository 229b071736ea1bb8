//! `pskit`: the command-line face of the pskit library: the psutil example tools
//! (`ps`, `pstree`, `free`, `iostat`, `sensors`, ...) as subcommands, each with a table
//! for people and `--json` for scripts.
//!
//! Adding a subcommand is one module under `commands/` (an `Args` struct deriving
//! `clap::Args` and a `run(args, &Ctx)` function) and one line in the `commands!` list.

mod commands;
mod failure;
mod human;
mod output;
mod procs;
mod table;

use std::io::Write;
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

use failure::Failure;
use human::Sizes;

/// What every command may consult: output format, size style, colour and width.
#[derive(Clone, Copy, Debug)]
pub struct Ctx {
    /// Print the library's serde output instead of a table.
    pub json: bool,
    /// How sizes are shown.
    pub sizes: Sizes,
    /// Whether to colour (stdout is a terminal and NO_COLOR is unset).
    pub colour: bool,
    /// The width to fit tables into, if any.
    pub width: Option<usize>,
}

const EXAMPLES: &str = "Examples:
  pskit ps --sort rss             processes, biggest resident memory first
  pskit ps --json --attrs name,memory_full_info
  pskit proc 1 --attrs name,cmdline --json
  pskit free
  pskit iostat 2 -n 5             five 2-second disk reports
  pskit info --json               every system-wide value in one document
  pskit completions bash > /etc/bash_completion.d/pskit";

/// pskit: what is running on this machine and what it is using.
#[derive(Parser, Debug)]
#[command(name = "pskit", version, after_help = EXAMPLES, arg_required_else_help = true)]
struct Cli {
    /// Print JSON (psutil's field names and units) instead of a table.
    #[arg(long, global = true)]
    json: bool,
    /// Print sizes as exact byte counts instead of 1.5G style.
    #[arg(long, global = true)]
    bytes: bool,
    #[command(subcommand)]
    command: Command,
}

/// Declares the subcommands: each line is a variant and the module that implements it.
macro_rules! commands {
    ($( $(#[$meta:meta])* $variant:ident => $module:ident, )*) => {
        #[derive(Subcommand, Debug)]
        enum Command {
            $( $(#[$meta])* $variant(commands::$module::Args), )*
        }

        impl Command {
            fn run(self, ctx: &Ctx) -> Result<(), Failure> {
                match self {
                    $( Command::$variant(args) => commands::$module::run(args, ctx), )*
                }
            }
        }
    };
}

commands! {
    /// Processes, like ps aux (USER PID %CPU %MEM VSZ RSS TTY STAT START TIME COMMAND).
    Ps => ps,
    /// The process tree.
    Pstree => pstree,
    /// PIDs of the processes with this name.
    Pidof => pidof,
    /// Send a signal to every process with this name.
    Killall => killall,
    /// One process as psutil's as_dict(attrs).
    Proc => proc_dict,
    /// Everything about one process.
    Procinfo => procinfo,
    /// The memory maps of one process.
    Pmap => pmap,
    /// Unique and proportional memory of each process, sorted by USS.
    Procsmem => procsmem,
    /// Memory and swap, like free.
    Free => free,
    /// Every memory and swap figure.
    Meminfo => meminfo,
    /// Mounted file systems and their usage, like df -h.
    #[command(name = "disk-usage")]
    DiskUsage => disk_usage,
    /// Per-disk I/O rates and utilisation over an interval, like iostat -x.
    Iostat => iostat,
    /// Network interfaces: addresses, state and counters.
    Ifconfig => ifconfig,
    /// Sockets with their owning processes, like netstat -antup.
    Netstat => netstat,
    /// Temperatures, fans and battery.
    Sensors => sensors,
    /// Temperature sensors.
    Temperatures => temperatures,
    /// Fan speeds.
    Fans => fans,
    /// Battery charge and time left.
    Battery => battery,
    /// Users logged in.
    Who => who,
    /// Every system-wide value in one document.
    Info => info,
    /// Processes, CPU, memory, load and uptime, live (like top).
    Top => top,
    /// Disk read and write rates per process, live (like iotop).
    Iotop => iotop,
    /// Network rates per interface, live (like psutil's nettop.py).
    Nettop => nettop,
    /// The load of each CPU and the processes on it, live.
    #[command(name = "cpu-distribution")]
    CpuDistribution => cpu_distribution,
    /// Prometheus exporter: node_exporter's metrics plus process groups, on /metrics.
    Serve => serve,
    /// Shell completion script for bash, zsh, fish, elvish or powershell.
    Completions => completions,
}

/// The command-line definition (for completion scripts).
pub fn cli_command() -> clap::Command {
    Cli::command()
}

fn main() -> ExitCode {
    // A bug must still end in one line on stderr, never a backtrace.
    std::panic::set_hook(Box::new(|info| {
        let msg = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown".into());
        let _ = writeln!(std::io::stderr(), "pskit: internal error: {msg}");
    }));
    match std::panic::catch_unwind(run) {
        Ok(code) => code,
        Err(_) => ExitCode::from(1),
    }
}

fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return parse_failure(e),
    };
    let ctx = Ctx {
        json: cli.json,
        sizes: Sizes { exact: cli.bytes },
        colour: output::colour_enabled(),
        width: output::terminal_width(),
    };
    match cli.command.run(&ctx) {
        Ok(()) | Err(Failure::BrokenPipe) => ExitCode::SUCCESS,
        Err(Failure::Usage(msg)) => fail(&msg, 2),
        Err(Failure::Runtime(msg)) => fail(&msg, 1),
    }
}

fn fail(msg: &str, code: u8) -> ExitCode {
    let _ = writeln!(std::io::stderr(), "pskit: {msg}");
    ExitCode::from(code)
}

/// `pskit SUBCOMMAND --help` when the arguments name a subcommand, else `pskit --help`.
fn help_hint() -> String {
    let cmd = Cli::command();
    std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .and_then(|a| cmd.find_subcommand(&a).map(|s| s.get_name().to_string()))
        .map(|name| format!("pskit {name} --help"))
        .unwrap_or_else(|| "pskit --help".into())
}

/// Help and version go to stdout (exit 0); usage errors are one line on stderr (exit 2).
fn parse_failure(e: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = e.print();
            ExitCode::SUCCESS
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = e.print();
            ExitCode::from(2)
        }
        _ => {
            let message = one_line(&e.render().to_string());
            fail(&format!("{message} (see '{}')", help_hint()), 2)
        }
    }
}

/// clap's error message as one line: its first line, and when that ends in a colon
/// (a list follows, such as the missing required arguments) the indented items under
/// it, separated by commas.
fn one_line(rendered: &str) -> String {
    let mut lines = rendered.lines();
    let first = lines.next().unwrap_or("invalid arguments");
    let first = first.strip_prefix("error: ").unwrap_or(first).trim_end();
    if !first.ends_with(':') {
        // Keep clap's list of the accepted values: the one line must say what to type.
        return match rendered
            .lines()
            .map(str::trim)
            .find(|l| l.starts_with("[possible values:"))
        {
            Some(values) => format!("{first} {values}"),
            None => first.to_string(),
        };
    }
    let items: Vec<&str> = lines
        .take_while(|l| l.starts_with(char::is_whitespace) && !l.trim().is_empty())
        .map(str::trim)
        .collect();
    if items.is_empty() {
        return first.trim_end_matches(':').to_string();
    }
    format!("{first} {}", items.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_listed_error_names_its_items_on_one_line() {
        let rendered = "error: the following required arguments were not provided:\n  \
                        <PID>\n  <NAME>\n\nUsage: pskit pmap <PID>\n\nFor more information, \
                        try '--help'.\n";
        assert_eq!(
            one_line(rendered),
            "the following required arguments were not provided: <PID>, <NAME>"
        );
    }

    #[test]
    fn a_plain_error_keeps_its_first_line() {
        let rendered = "error: unexpected argument '--x' found\n\n  tip: use '-- --x'\n";
        assert_eq!(one_line(rendered), "unexpected argument '--x' found");
        let rendered = "error: invalid value 'x' for '--sort <SORT>'\n  [possible values: pid, \
                        rss]\n\n  tip: a similar value exists: 'rss'\n";
        assert_eq!(
            one_line(rendered),
            "invalid value 'x' for '--sort <SORT>' [possible values: pid, rss]"
        );
        assert_eq!(
            one_line("error: nothing listed:\n\nUsage: x\n"),
            "nothing listed"
        );
    }

    #[test]
    fn clap_reports_the_missing_pid_of_pmap() {
        let e = Cli::try_parse_from(["pskit", "pmap"]).unwrap_err();
        assert_eq!(
            one_line(&e.render().to_string()),
            "the following required arguments were not provided: <PID>"
        );
    }
}
