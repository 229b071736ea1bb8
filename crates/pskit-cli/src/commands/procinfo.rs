//! `pskit procinfo PID`: everything about one process, like psutil's procinfo.py.
//! A value the kernel refuses reads `AccessDenied` (or `ZombieProcess`) in its row.

use pskit::{Field, ProcessInfo, RlimitResource, RLIM_INFINITY};
use serde_json::Value;

use crate::failure::{process_failure, Failure};
use crate::human::{date_time, duration, Sizes};
use crate::output::{emit, emit_json, truncate};
use crate::procs::{field_text, info_json, open, text};
use crate::Ctx;

/// Options of `pskit procinfo`.
#[derive(clap::Args, Debug)]
#[command(after_help = "Examples:
  pskit procinfo $$             the shell: parent, memory, I/O, limits, threads...
  pskit procinfo -v 1234        also the environment and every memory map
  pskit procinfo --json 1234    as_dict() plus parent, children and rlimits")]
pub struct Args {
    /// The process id.
    pid: u32,
    /// Also show the whole environment and all memory maps.
    #[arg(short, long)]
    verbose: bool,
}

/// Runs `pskit procinfo`.
pub fn run(args: Args, ctx: &Ctx) -> Result<(), Failure> {
    let process = open(args.pid)?;
    let fail = |e| process_failure(args.pid, e);
    let info = process.as_dict(&[]).map_err(fail)?;
    let parent = process.parent().ok().flatten();
    let parent_name = parent.as_ref().and_then(|p| p.name().ok());
    let children = process.children(false).unwrap_or_default();
    let limits: Vec<(RlimitResource, Result<pskit::Rlimit, pskit::Error>)> = RlimitResource::ALL
        .iter()
        .map(|&r| (r, process.rlimit(r)))
        .collect();
    if ctx.json {
        let mut v = info_json(&info, None);
        if let Value::Object(map) = &mut v {
            map.insert("parent".into(), parent.as_ref().map(|p| p.pid()).into());
            let kids: Vec<u32> = children.iter().map(|c| c.pid()).collect();
            map.insert("children".into(), kids.into());
            let rl: serde_json::Map<String, Value> = limits
                .iter()
                .filter_map(|(r, l)| {
                    Some((
                        rlimit_name(*r),
                        serde_json::to_value(l.as_ref().ok()?).ok()?,
                    ))
                })
                .collect();
            map.insert("rlimits".into(), Value::Object(rl));
            // net_connections comes with as_dict, as psutil's pconn rows (no pid).
        }
        return emit_json(&v);
    }
    let s = ctx.sizes;
    let mut rows: Vec<(String, String)> = Vec::new();
    let mut row = |k: &str, v: String| rows.push((k.to_string(), v));
    row("pid", info.pid.to_string());
    row("name", field_text(&info.name, text));
    let parent_text = match (parent.as_ref(), parent_name) {
        (Some(p), Some(n)) => format!("{} ({})", p.pid(), n.to_string_lossy()),
        (Some(p), None) => p.pid().to_string(),
        (None, _) => field_text(&info.ppid, u32::to_string),
    };
    row("parent", parent_text);
    row("exe", field_text(&info.exe, |p| p.display().to_string()));
    row("cwd", field_text(&info.cwd, |p| p.display().to_string()));
    row(
        "cmdline",
        field_text(&info.cmdline, |c| {
            c.iter().map(text).collect::<Vec<_>>().join(" ")
        }),
    );
    row("started", field_text(&info.create_time, |t| date_time(*t)));
    row(
        "cpu-tspent",
        field_text(&info.cpu_times, |t| duration((t.user + t.system) as u64)),
    );
    row(
        "cpu-times",
        field_text(&info.cpu_times, |t| {
            format!("user={:.2}, system={:.2}, children_user={:.2}, children_system={:.2}, iowait={:.2}",
            t.user, t.system, t.children_user, t.children_system, t.iowait)
        }),
    );
    row(
        "cpu-affinity",
        field_text(&info.cpu_affinity, |a| format!("{a:?}")),
    );
    row("cpu-num", field_text(&info.cpu_num, i32::to_string));
    row(
        "memory",
        field_text(&info.memory_info, |m| {
            format!(
                "rss={}, vms={}, shared={}, text={}, data={}",
                s.show(m.rss),
                s.show(m.vms),
                s.show(m.shared),
                s.show(m.text),
                s.show(m.data)
            )
        }),
    );
    row(
        "memory-full",
        field_text(&info.memory_full_info, |m| {
            format!(
                "uss={}, pss={}, swap={}",
                s.show(m.uss),
                s.show(m.pss),
                s.show(m.swap)
            )
        }),
    );
    row(
        "memory %",
        field_text(&info.memory_percent, |p| format!("{p:.2}")),
    );
    row("user", field_text(&info.username, text));
    let ids = |u: &pskit::Ids| {
        format!(
            "real={}, effective={}, saved={}",
            u.real, u.effective, u.saved
        )
    };
    row("uids", field_text(&info.uids, ids));
    row("gids", field_text(&info.gids, ids));
    row(
        "terminal",
        field_text(&info.terminal, |t| {
            t.as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_default()
        }),
    );
    row(
        "status",
        field_text(&info.status, |st| st.as_str().to_string()),
    );
    row("nice", field_text(&info.nice, i32::to_string));
    row(
        "ionice",
        field_text(&info.ionice, |n| {
            format!("class={}, value={}", ioclass_name(n.ioclass), n.value)
        }),
    );
    row("num-threads", field_text(&info.num_threads, u64::to_string));
    row("num-fds", field_text(&info.num_fds, usize::to_string));
    row(
        "I/O",
        field_text(&info.io_counters, |io| {
            format!(
                "read_count={}, write_count={}, read_bytes={}, write_bytes={}",
                io.read_count,
                io.write_count,
                s.show(io.read_bytes),
                s.show(io.write_bytes)
            )
        }),
    );
    row(
        "ctx-switches",
        field_text(&info.num_ctx_switches, |c| {
            format!("voluntary={}, involuntary={}", c.voluntary, c.involuntary)
        }),
    );
    let kids: Vec<String> = children
        .iter()
        .map(|c| match c.name() {
            Ok(n) => format!("{} ({})", c.pid(), n.to_string_lossy()),
            Err(_) => c.pid().to_string(),
        })
        .collect();
    row(
        "children",
        if kids.is_empty() {
            "-".into()
        } else {
            kids.join(", ")
        },
    );
    list_rows(&mut row, "open-files", &info.open_files, |f| {
        format!("fd={} {}", f.fd, f.path.display())
    });
    list_rows(
        &mut row,
        "connections",
        &info.net_connections,
        super::netstat::describe,
    );
    list_rows(&mut row, "threads", &info.threads, |t| {
        format!(
            "id={}, user_time={:.2}, system_time={:.2}",
            t.id, t.user_time, t.system_time
        )
    });
    for (r, l) in &limits {
        let v = match l {
            Ok(l) => format!("soft={}, hard={}", limit_text(l.soft), limit_text(l.hard)),
            Err(e) => e.kind_name().to_string(),
        };
        row(&format!("rlimit {}", rlimit_name(*r)), v);
    }
    environ_rows(&mut row, &info, args.verbose);
    maps_rows(&mut row, &info, args.verbose, s);
    let pad = rows.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    let mut out = String::new();
    for (k, v) in rows {
        let line = format!("{k:<pad$}  {v}");
        out.push_str(&match ctx.width {
            Some(w) => truncate(&line, w),
            None => line,
        });
        out.push('\n');
    }
    emit(&out)
}

/// The I/O class as ionice(1) names it.
fn ioclass_name(c: pskit::IoPriorityClass) -> &'static str {
    match c {
        pskit::IoPriorityClass::None => "none",
        pskit::IoPriorityClass::RealTime => "realtime",
        pskit::IoPriorityClass::BestEffort => "best-effort",
        pskit::IoPriorityClass::Idle => "idle",
    }
}

fn rlimit_name(r: RlimitResource) -> String {
    serde_json::to_value(r)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_else(|| format!("{r:?}"))
}

fn limit_text(v: i64) -> String {
    if v == RLIM_INFINITY {
        "infinity".into()
    } else {
        v.to_string()
    }
}

/// A list value: its count on the label row, then one row per item.
fn list_rows<T>(
    row: &mut impl FnMut(&str, String),
    label: &str,
    field: &Field<Vec<T>>,
    show: impl Fn(&T) -> String,
) {
    match field.value() {
        Some(items) => {
            row(label, items.len().to_string());
            for item in items {
                row("", show(item));
            }
        }
        None => row(label, field_text(field, |_| String::new())),
    }
}

fn environ_rows(row: &mut impl FnMut(&str, String), info: &ProcessInfo, verbose: bool) {
    match info.environ.value() {
        Some(env) if verbose => {
            row("environ", env.len().to_string());
            for (k, v) in env {
                row(
                    "",
                    format!("{}={}", k.to_string_lossy(), v.to_string_lossy()),
                );
            }
        }
        Some(env) => row("environ", format!("{} variables (-v to show)", env.len())),
        None => row("environ", field_text(&info.environ, |_| String::new())),
    }
}

/// The memory maps, biggest RSS first: the top 10, or all with `verbose`.
fn maps_rows(row: &mut impl FnMut(&str, String), info: &ProcessInfo, verbose: bool, s: Sizes) {
    let Some(maps) = info.memory_maps.value() else {
        return row("mem-maps", field_text(&info.memory_maps, |_| String::new()));
    };
    let mut sorted: Vec<_> = maps.iter().collect();
    sorted.sort_by_key(|m| std::cmp::Reverse(m.counters.rss));
    let limit = if verbose { sorted.len() } else { 10 };
    row(
        "mem-maps",
        format!("{} (RSS, path; biggest first)", maps.len()),
    );
    for m in sorted.into_iter().take(limit) {
        row(
            "",
            format!("{:>8} {}", s.show(m.counters.rss), m.path.display()),
        );
    }
}
