//! `pskit`: the command-line face of the pskit library.
//!
//! This first version shows processes: `pskit proc PID [--attrs a,b] [--json]` prints
//! psutil's `as_dict(attrs)` for one process, `pskit ps [--attrs a,b] --json` the
//! same for every process, ascending by PID.

use std::io::Write;
use std::process::ExitCode;

use pskit::{Attr, Process, ProcessInfo, ProcessTable};

const USAGE: &str = "usage: pskit proc PID [--attrs NAME,...] [--json]
       pskit ps [--attrs NAME,...] [--json]

Examples:
  pskit proc 1 --attrs name,cmdline,memory_info --json
  pskit ps --json --attrs name,memory_full_info";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(msg)) => {
            eprintln!("pskit: {msg}\n{USAGE}");
            ExitCode::from(2)
        }
        Err(Failure::Runtime(msg)) => {
            eprintln!("pskit: {msg}");
            ExitCode::from(1)
        }
    }
}

enum Failure {
    Usage(String),
    Runtime(String),
}

impl From<pskit::Error> for Failure {
    fn from(e: pskit::Error) -> Self {
        Failure::Runtime(e.to_string())
    }
}

struct Options {
    attrs: Vec<Attr>,
    json: bool,
    rest: Vec<String>,
}

fn parse_options(args: &[String]) -> Result<Options, Failure> {
    let mut o = Options {
        attrs: Vec::new(),
        json: false,
        rest: Vec::new(),
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--json" => o.json = true,
            "--attrs" => {
                let list = it
                    .next()
                    .ok_or_else(|| Failure::Usage("--attrs needs a value".into()))?;
                for name in list.split(',').filter(|n| !n.is_empty()) {
                    o.attrs
                        .push(Attr::from_name(name).map_err(|e| Failure::Usage(e.to_string()))?);
                }
            }
            "-h" | "--help" => return Err(Failure::Usage("help".into())),
            _ => o.rest.push(a.clone()),
        }
    }
    Ok(o)
}

/// psutil's as_dict JSON plus the `errors` object keyed by attribute.
fn info_json(info: &ProcessInfo) -> serde_json::Value {
    let mut v = serde_json::to_value(info).unwrap_or(serde_json::Value::Null);
    let errors = info.errors();
    if let (serde_json::Value::Object(map), false) = (&mut v, errors.is_empty()) {
        map.insert(
            "errors".into(),
            serde_json::to_value(errors).unwrap_or_default(),
        );
    }
    v
}

fn print(text: &str) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    match writeln!(out, "{text}") {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        r => r.map_err(|e| Failure::Runtime(e.to_string())),
    }
}

fn run(args: &[String]) -> Result<(), Failure> {
    let Some((cmd, rest)) = args.split_first() else {
        return Err(Failure::Usage("missing command".into()));
    };
    let opts = parse_options(rest)?;
    match cmd.as_str() {
        "proc" => {
            let pid_arg = opts
                .rest
                .first()
                .ok_or_else(|| Failure::Usage("missing PID".into()))?;
            let pid: u32 = pid_arg
                .parse()
                .map_err(|_| Failure::Usage(format!("invalid PID '{pid_arg}'")))?;
            let process = Process::new(pid).map_err(|e| match e {
                e if e.is_gone() => Failure::Runtime(format!("no process with PID {pid}")),
                e => e.into(),
            })?;
            let mut table = ProcessTable::new();
            let infos = table.scan(&opts.attrs)?;
            let info = infos
                .into_iter()
                .find(|i| i.pid == process.pid())
                .ok_or_else(|| Failure::Runtime(format!("no process with PID {pid}")))?;
            if opts.json {
                print(&serde_json::to_string_pretty(&info_json(&info)).unwrap_or_default())
            } else {
                print(&format!("{info:#?}"))
            }
        }
        "ps" => {
            let infos = ProcessTable::new().scan(&opts.attrs)?;
            if opts.json {
                let all: Vec<_> = infos.iter().map(info_json).collect();
                print(&serde_json::to_string(&all).unwrap_or_default())
            } else {
                for i in &infos {
                    let name = i
                        .name
                        .value()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    print(&format!("{:>7} {name}", i.pid))?;
                }
                Ok(())
            }
        }
        other => Err(Failure::Usage(format!("unknown command '{other}'"))),
    }
}
