//! `pskit serve`: the Prometheus exporter (crate pskit-exporter) on this machine.

use crate::failure::Failure;
use crate::Ctx;

/// Options of `pskit serve` (node_exporter-style flags; see the exporter's README).
#[derive(clap::Args, Debug)]
#[command(after_help = "Examples:
  pskit serve                                   http://127.0.0.1:9181/metrics
  pskit serve --web.listen-address 0.0.0.0:9181 --group-by user
  pskit serve --web.config.file web.yml         TLS and basic auth as node_exporter")]
pub struct Args {
    #[command(flatten)]
    serve: Box<pskit_exporter::ServeArgs>,
}

/// Runs `pskit serve` until interrupted; start-up errors (port in use, a bad TLS
/// file) are one line and exit status 1 (2 for a bad flag value).
pub fn run(args: Args, _ctx: &Ctx) -> Result<(), Failure> {
    pskit_exporter::serve(*args.serve).map_err(|e| match e {
        e @ pskit_exporter::Error::InvalidArgument { .. } => Failure::Usage(e.to_string()),
        e => Failure::Runtime(e.to_string()),
    })
}
