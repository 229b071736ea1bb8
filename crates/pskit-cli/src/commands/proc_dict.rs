//! `pskit proc PID`: psutil's `as_dict(attrs)` for one process. In JSON, a value the
//! kernel refuses is `null` (psutil's ad_value) and its error name is under `errors`.

use crate::failure::{process_failure, Failure};
use crate::output::{emit, emit_json};
use crate::procs::{info_json, open, AttrList};
use crate::Ctx;

/// Options of `pskit proc`.
#[derive(clap::Args, Debug)]
#[command(after_help = "Examples:
  pskit proc 1 --attrs name,cmdline,memory_info --json
  pskit proc $$                      every attribute of the shell, as key: value lines")]
pub struct Args {
    /// The process id.
    pid: u32,
    /// The attributes (psutil's names, comma-separated); default all.
    #[arg(long, value_name = "NAME,...")]
    attrs: Option<AttrList>,
}

/// Runs `pskit proc`.
pub fn run(args: Args, ctx: &Ctx) -> Result<(), Failure> {
    let process = open(args.pid)?;
    let attrs = args.attrs.unwrap_or_default().0;
    let info = process
        .as_dict(&attrs)
        .map_err(|e| process_failure(args.pid, e))?;
    let value = info_json(&info, None);
    if ctx.json {
        return emit_json(&value);
    }
    emit(&render(&value, ctx.width))
}

/// A JSON object as `key: value` lines (values in compact JSON), cut to `width`.
pub fn render(value: &serde_json::Value, width: Option<usize>) -> String {
    let mut out = String::new();
    if let serde_json::Value::Object(map) = value {
        let pad = map.keys().map(String::len).max().unwrap_or(0);
        for (k, v) in map {
            let shown = match v {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            let line = format!("{k:<pad$}  {shown}");
            out.push_str(&match width {
                Some(w) => crate::output::truncate(&line, w),
                None => line,
            });
            out.push('\n');
        }
    }
    out
}
