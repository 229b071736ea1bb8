//! `pskit completions SHELL`: a completion script generated from the argument
//! definitions.

use clap_complete::Shell;

use crate::failure::Failure;
use crate::output::emit;
use crate::Ctx;

/// Options of `pskit completions`.
#[derive(clap::Args, Debug)]
#[command(after_help = "Examples:
  pskit completions bash > /etc/bash_completion.d/pskit
  pskit completions zsh > ~/.zfunc/_pskit
  pskit completions fish > ~/.config/fish/completions/pskit.fish")]
pub struct Args {
    /// The shell.
    shell: Shell,
}

/// Runs `pskit completions`.
pub fn run(args: Args, ctx: &Ctx) -> Result<(), Failure> {
    if ctx.json {
        return Err(Failure::Usage(
            "completions prints a shell script; it has no --json form".into(),
        ));
    }
    let mut cmd = crate::cli_command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "pskit", &mut script);
    emit(&String::from_utf8_lossy(&script))
}
