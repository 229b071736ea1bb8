//! `pskit ps`: processes like `ps aux`, filtered and sorted; with `--json`, psutil's
//! `process_iter(attrs)` records.

use std::cmp::Ordering;

use clap::ValueEnum;
use pskit::{Attr, ProcessInfo, ProcessTable};

use crate::failure::Failure;
use crate::human::{cpu_time, start_column};
use crate::output::{emit, emit_json_line};
use crate::procs::{command_of, info_json, name_of, status_letter, text, AttrList};
use crate::table::{Column, Table};
use crate::Ctx;

/// Options of `pskit ps`.
#[derive(clap::Args, Debug)]
#[command(after_help = "Examples:
  pskit ps                          every process, like ps aux
  pskit ps -u root --sort rss       root's processes, biggest RSS first
  pskit ps -n nginx                 processes whose name contains nginx
  pskit ps --json --attrs name,memory_full_info")]
pub struct Args {
    /// Only processes of this user (repeatable).
    #[arg(short, long = "user", value_name = "USER")]
    users: Vec<String>,
    /// Only these PIDs (repeatable or comma-separated).
    #[arg(short, long = "pid", value_name = "PID", value_delimiter = ',')]
    pids: Vec<u32>,
    /// Only processes whose name contains this text.
    #[arg(short, long)]
    name: Option<String>,
    /// Sort key; sizes and times sort biggest first, the rest ascending.
    #[arg(short, long, value_enum, default_value_t = SortKey::Pid)]
    sort: SortKey,
    /// Reverse the order.
    #[arg(short, long)]
    reverse: bool,
    /// With --json: the attributes to print (psutil's names, comma-separated; default all).
    #[arg(long, value_name = "NAME,...")]
    attrs: Option<AttrList>,
}

/// What `--sort` orders by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum SortKey {
    Pid,
    User,
    Cpu,
    Mem,
    Vsz,
    Rss,
    Start,
    Time,
    Name,
}

/// What the table shows (and the filters and sort keys need).
const TABLE_ATTRS: &[Attr] = &[
    Attr::Username,
    Attr::CpuTimes,
    Attr::CreateTime,
    Attr::MemoryInfo,
    Attr::MemoryPercent,
    Attr::Terminal,
    Attr::Status,
    Attr::Nice,
    Attr::NumThreads,
    Attr::Name,
    Attr::Cmdline,
];

/// Runs `pskit ps`.
pub fn run(args: Args, ctx: &Ctx) -> Result<(), Failure> {
    if args.attrs.is_some() && !ctx.json {
        return Err(Failure::Usage(
            "--attrs chooses the fields of --json output; add --json".into(),
        ));
    }
    let requested = args.attrs.clone().unwrap_or_default().0;
    let scan_attrs: Vec<Attr> = if ctx.json && !requested.is_empty() {
        let mut a = requested.clone();
        a.extend([Attr::Name, Attr::Username, Attr::CpuTimes, Attr::MemoryInfo]);
        a.extend([Attr::CreateTime, Attr::MemoryPercent]);
        a
    } else if ctx.json {
        Vec::new()
    } else {
        TABLE_ATTRS.to_vec()
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0);
    let mut infos: Vec<ProcessInfo> = ProcessTable::new()
        .scan(&scan_attrs)?
        .into_iter()
        .filter(|i| args.pids.is_empty() || args.pids.contains(&i.pid))
        .filter(|i| args.users.is_empty() || args.users.contains(&user_of(i)))
        .filter(|i| {
            args.name
                .as_ref()
                .map_or(true, |n| name_of(i).contains(n.as_str()))
        })
        .collect();
    if args.sort != SortKey::Pid || args.reverse {
        infos.sort_by(|a, b| {
            let o = compare(args.sort, a, b, now).then(a.pid.cmp(&b.pid));
            if args.reverse {
                o.reverse()
            } else {
                o
            }
        });
    }
    if ctx.json {
        let only = (!requested.is_empty()).then_some(requested.as_slice());
        let all: Vec<_> = infos.iter().map(|i| info_json(i, only)).collect();
        return emit_json_line(&all);
    }
    emit(&table(&infos, ctx, now).render(ctx.width, ctx.colour))
}

fn user_of(i: &ProcessInfo) -> String {
    i.username.value().map(text).unwrap_or_else(|| "?".into())
}

fn busy_seconds(i: &ProcessInfo) -> f64 {
    i.cpu_times
        .value()
        .map(|t| t.user + t.system)
        .unwrap_or(0.0)
}

/// ps's %CPU: CPU time over the process's lifetime.
fn lifetime_cpu_percent(i: &ProcessInfo, now: f64) -> f64 {
    let elapsed = i.create_time.value().map(|c| now - c).unwrap_or(0.0);
    if elapsed > 0.0 {
        busy_seconds(i) / elapsed * 100.0
    } else {
        0.0
    }
}

fn compare(key: SortKey, a: &ProcessInfo, b: &ProcessInfo, now: f64) -> Ordering {
    let mem = |i: &ProcessInfo, f: fn(&pskit::MemoryInfo) -> u64| i.memory_info.value().map(f);
    let float = |x: f64, y: f64| y.partial_cmp(&x).unwrap_or(Ordering::Equal);
    match key {
        SortKey::Pid => a.pid.cmp(&b.pid),
        SortKey::User => user_of(a).cmp(&user_of(b)),
        SortKey::Name => name_of(a).cmp(&name_of(b)),
        SortKey::Cpu => float(lifetime_cpu_percent(a, now), lifetime_cpu_percent(b, now)),
        SortKey::Mem | SortKey::Rss => mem(b, |m| m.rss).cmp(&mem(a, |m| m.rss)),
        SortKey::Vsz => mem(b, |m| m.vms).cmp(&mem(a, |m| m.vms)),
        SortKey::Time => float(busy_seconds(a), busy_seconds(b)),
        SortKey::Start => {
            let t = |i: &ProcessInfo| i.create_time.value().copied().unwrap_or(0.0);
            t(a).partial_cmp(&t(b)).unwrap_or(Ordering::Equal)
        }
    }
}

/// ps's STAT: the state letter, `<` for high priority, `N` for low, `l` if threaded.
fn stat_column(i: &ProcessInfo) -> String {
    let mut s = String::new();
    s.push(i.status.value().map(|s| status_letter(*s)).unwrap_or('?'));
    match i.nice.value() {
        Some(n) if *n < 0 => s.push('<'),
        Some(n) if *n > 0 => s.push('N'),
        _ => {}
    }
    if i.num_threads.value().is_some_and(|n| *n > 1) {
        s.push('l');
    }
    s
}

fn table(infos: &[ProcessInfo], ctx: &Ctx, now: f64) -> Table {
    let mut t = Table::new(vec![
        Column::left("USER").optional(),
        Column::right("PID"),
        Column::right("%CPU").optional(),
        Column::right("%MEM").optional(),
        Column::right("VSZ").optional(),
        Column::right("RSS").optional(),
        Column::left("TTY").optional(),
        Column::left("STAT").optional(),
        Column::left("START").optional(),
        Column::right("TIME").optional(),
        Column::left("COMMAND"),
    ]);
    let today = chrono::Local::now();
    for i in infos {
        let mem = i.memory_info.value();
        let size = |f: fn(&pskit::MemoryInfo) -> u64| {
            mem.map(|m| ctx.sizes.show(f(m))).unwrap_or("?".into())
        };
        let tty = match i.terminal.value() {
            Some(Some(p)) => {
                let s = p.to_string_lossy();
                s.strip_prefix("/dev/").unwrap_or(&s).to_string()
            }
            _ => "?".into(),
        };
        let mut user = user_of(i);
        user.truncate(user.char_indices().nth(12).map_or(user.len(), |(k, _)| k));
        t.push(vec![
            user,
            i.pid.to_string(),
            format!("{:.1}", lifetime_cpu_percent(i, now)),
            i.memory_percent
                .value()
                .map(|p| format!("{p:.1}"))
                .unwrap_or("?".into()),
            size(|m| m.vms),
            size(|m| m.rss),
            tty,
            stat_column(i),
            i.create_time
                .value()
                .map(|c| start_column(*c, today))
                .unwrap_or("?".into()),
            cpu_time(busy_seconds(i)),
            command_of(i),
        ]);
    }
    t
}
