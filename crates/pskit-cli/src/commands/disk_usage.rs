//! `pskit disk-usage`: mounted file systems and their usage, like `df -h`
//! (psutil's disk_usage.py).

use serde::Serialize;

use crate::failure::Failure;
use crate::output::{emit, emit_json};
use crate::table::{Column, Table};
use crate::Ctx;

/// Options of `pskit disk-usage`.
#[derive(clap::Args, Debug)]
#[command(after_help = "Examples:
  pskit disk-usage            physical devices only, like df -h
  pskit disk-usage --all      also pseudo and memory file systems
  pskit disk-usage --json     disk_partitions() records, each with its disk_usage()")]
pub struct Args {
    /// Include pseudo, duplicate and inaccessible file systems (psutil's all=True).
    #[arg(short, long)]
    all: bool,
}

/// One mount with its usage, for `--json`.
#[derive(Serialize)]
struct Mount {
    #[serde(flatten)]
    partition: pskit::DiskPartition,
    /// `disk_usage(mountpoint)`, or null when it cannot be read.
    usage: Option<pskit::DiskUsage>,
}

/// Runs `pskit disk-usage`.
pub fn run(args: Args, ctx: &Ctx) -> Result<(), Failure> {
    let mounts: Vec<Mount> = pskit::disk_partitions(args.all)?
        .into_iter()
        .map(|p| {
            let usage = pskit::disk_usage(&p.mountpoint).ok();
            Mount {
                partition: p,
                usage,
            }
        })
        .collect();
    if ctx.json {
        return emit_json(&mounts);
    }
    let mut t = Table::new(vec![
        Column::left("Device"),
        Column::right("Total").optional(),
        Column::right("Used").optional(),
        Column::right("Free"),
        Column::right("Use%"),
        Column::left("Type").optional(),
        Column::left("Mount"),
    ]);
    for m in &mounts {
        let p = &m.partition;
        let (total, used, free, pct) = match &m.usage {
            Some(u) => (
                ctx.sizes.show(u.total),
                ctx.sizes.show(u.used),
                ctx.sizes.show(u.free),
                format!("{:.0}%", u.percent),
            ),
            None => ("-".into(), "-".into(), "-".into(), "-".into()),
        };
        t.push(vec![
            p.device.display().to_string(),
            total,
            used,
            free,
            pct,
            p.fstype.clone(),
            p.mountpoint.display().to_string(),
        ]);
    }
    emit(&t.render(ctx.width, ctx.colour))
}
