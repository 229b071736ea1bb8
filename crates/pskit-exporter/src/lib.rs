//! # pskit-exporter: `pskit serve`, a Prometheus exporter over the pskit library
//!
//! Serves `GET /metrics` in the Prometheus text format, or OpenMetrics when the scraper
//! asks for it, with node_exporter's names for host metrics (CPU, memory, load, disks,
//! file systems, network, /proc/stat, hwmon), process-exporter's
//! `namedprocess_namegroup_*` metrics for process groups, and `pskit_cgroup_*` for
//! cgroups. Every value comes from the `pskit` library, except hwmon's, read from
//! `{sysfs}/class/hwmon` for node_exporter's chip labels.
//!
//! ```no_run
//! use clap::Parser;
//!
//! #[derive(Parser)]
//! struct Cli {
//!     #[command(flatten)]
//!     serve: pskit_exporter::ServeArgs,
//! }
//!
//! fn main() {
//!     if let Err(e) = pskit_exporter::serve(Cli::parse().serve) {
//!         eprintln!("pskit serve: {e}");
//!         std::process::exit(1);
//!     }
//! }
//! ```
//!
//! Robustness rules (each has a test): one bad process, mount or value is skipped and
//! counted in `pskit_scrape_skipped_total{collector,item,kind}`, never failing the
//! scrape; a scrape answers within its budget, with `pskit_scrape_collector_success 0`
//! for a late collector; statfs runs under a deadline; series are deduplicated on their
//! exact label set; CPU counters never go backwards; concurrent scrapes share one
//! collection; more than `--web.max-requests` concurrent scrapes get 503; command
//! lines and other users' names are exported only when enabled.
#![deny(missing_docs)]
#![deny(rustdoc::broken_intra_doc_links)]

mod args;
mod auth;
mod collect;
mod config;
mod error;
mod metrics;
mod scrape;
mod server;
mod tls;
mod web;

pub use args::{
    ServeArgs, DEFAULT_DISK_EXCLUDE, DEFAULT_FS_TYPES_EXCLUDE, DEFAULT_LISTEN_ADDRESS,
    DEFAULT_MOUNT_POINTS_EXCLUDE,
};
pub use collect::{CollectorName, GroupBy};
pub use config::Config;
pub use error::{Error, Result};
pub use metrics::Format;
pub use server::{Server, ShutdownHandle};
pub use web::{ClientAuthType, HttpServerConfig, TlsServerConfig, TlsVersion, WebConfig};

/// Runs `pskit serve` with `args` until the process is stopped: resolves the
/// configuration, binds (errors such as a port in use or an expired certificate are
/// returned before serving) and serves. Blocks.
///
/// ```no_run
/// pskit_exporter::serve(pskit_exporter::ServeArgs::default()).unwrap();
/// ```
pub fn serve(args: ServeArgs) -> Result<()> {
    let config = Config::from_args(args)?;
    let server = Server::bind(config)?;
    eprintln!("pskit serve: listening on {}", server.local_addr());
    server.run()
}
