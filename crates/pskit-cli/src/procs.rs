//! Helpers shared by the process commands: opening a PID, attribute lists, JSON
//! records and the text of a process's fields.

use std::ffi::OsString;
use std::str::FromStr;

use pskit::{Attr, Field, Process, ProcessInfo, Status};
use serde_json::Value;

use crate::failure::{process_failure, Failure};

/// Opens process `pid`, turning errors into the messages users read.
pub fn open(pid: u32) -> Result<Process, Failure> {
    Process::new(pid).map_err(|e| process_failure(pid, e))
}

/// Whether pskit runs with effective user id 0 (so "run as root" is no advice).
pub fn running_as_root() -> bool {
    Process::current()
        .and_then(|p| p.uids())
        .is_ok_and(|ids| ids.effective == 0)
}

/// A comma-separated list of psutil attribute names (`--attrs name,memory_info`).
#[derive(Clone, Debug, Default)]
pub struct AttrList(pub Vec<Attr>);

impl FromStr for AttrList {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.split(',')
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(|n| Attr::from_name(n).map_err(|e| e.to_string()))
            .collect::<Result<Vec<_>, _>>()
            .map(AttrList)
    }
}

/// psutil's `as_dict` JSON for one process plus, when some attribute had no value, an
/// `errors` object naming why (`AccessDenied`, `ZombieProcess`) keyed by attribute.
/// With `only`, keys outside that list (read for filtering) are left out.
pub fn info_json(info: &ProcessInfo, only: Option<&[Attr]>) -> Value {
    let mut v = serde_json::to_value(info).unwrap_or(Value::Null);
    let keep = |key: &str| match only {
        Some(attrs) if !attrs.is_empty() => key == "pid" || attrs.iter().any(|a| a.name() == key),
        _ => true,
    };
    if let Value::Object(map) = &mut v {
        map.retain(|k, _| keep(k));
        let errors: serde_json::Map<String, Value> = info
            .errors()
            .into_iter()
            .filter(|(k, _)| keep(k))
            .map(|(k, e)| (k.to_string(), Value::from(e)))
            .collect();
        if !errors.is_empty() {
            map.insert("errors".into(), Value::Object(errors));
        }
    }
    v
}

/// ps's one-letter state code.
pub fn status_letter(status: Status) -> char {
    match status {
        Status::Running => 'R',
        Status::Sleeping => 'S',
        Status::DiskSleep => 'D',
        Status::Stopped => 'T',
        Status::TracingStop => 't',
        Status::Zombie => 'Z',
        Status::Dead => 'X',
        Status::WakeKill => 'K',
        Status::Waking => 'W',
        Status::Idle => 'I',
        Status::Parked => 'P',
        _ => '?',
    }
}

/// An OS string as text (invalid UTF-8 shown with replacement characters).
pub fn text(s: &OsString) -> String {
    s.to_string_lossy().into_owned()
}

/// The process name, or `?` when unavailable.
pub fn name_of(info: &ProcessInfo) -> String {
    info.name.value().map(text).unwrap_or_else(|| "?".into())
}

/// The command line joined by spaces; `[name]` for kernel threads, and ps's
/// `[name] <defunct>` for zombies.
pub fn command_of(info: &ProcessInfo) -> String {
    match &info.cmdline {
        Field::Ok(args) if !args.is_empty() => args.iter().map(text).collect::<Vec<_>>().join(" "),
        Field::Err(pskit::AttrError::ZombieProcess) => format!("[{}] <defunct>", name_of(info)),
        _ => format!("[{}]", name_of(info)),
    }
}

/// A field's value as text, or what kept it from being read (`AccessDenied`, ...).
pub fn field_text<T>(field: &Field<T>, show: impl Fn(&T) -> String) -> String {
    match field {
        Field::Ok(v) => show(v),
        Field::Err(e) => e.kind_name().to_string(),
        Field::NotRequested => "-".to_string(),
    }
}
