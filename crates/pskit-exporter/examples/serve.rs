//! `pskit serve` as a standalone program, for the benchmark and for trying the exporter
//! before it is wired into the `pskit` CLI:
//! `cargo run --release -p pskit-exporter --example serve -- --web.listen-address 127.0.0.1:9181`.

use clap::Parser;

/// pskit's Prometheus exporter.
#[derive(Parser)]
#[command(name = "pskit-serve")]
struct Cli {
    #[command(flatten)]
    serve: pskit_exporter::ServeArgs,
}

fn main() {
    if let Err(e) = pskit_exporter::serve(Cli::parse().serve) {
        eprintln!("pskit serve: {e}");
        std::process::exit(1);
    }
}
