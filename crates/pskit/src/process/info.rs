//! Attribute selection and the per-process record of a table scan: psutil's
//! `as_dict(attrs, ad_value)` as a typed struct.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Instant;

use serde::de::{Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

use super::control::MemoryType;
use super::types::*;
use super::Oneshot;
use crate::{Connection, ConnectionKind, Error, Result};

/// Why an attribute has no value in a [`ProcessInfo`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum AttrError {
    /// The kernel refused access.
    AccessDenied,
    /// The process is a zombie and this value is gone with its memory.
    ZombieProcess,
    /// The kernel does not provide it.
    NotSupported,
    /// Another failure (an unreadable or malformed file), with its message.
    Other(String),
}

impl AttrError {
    /// psutil's exception name (`AccessDenied`, `ZombieProcess`, …).
    ///
    /// ```
    /// assert_eq!(pskit::AttrError::AccessDenied.kind_name(), "AccessDenied");
    /// ```
    pub fn kind_name(&self) -> &'static str {
        match self {
            AttrError::AccessDenied => "AccessDenied",
            AttrError::ZombieProcess => "ZombieProcess",
            AttrError::NotSupported => "NotImplementedError",
            AttrError::Other(_) => "OSError",
        }
    }

    fn from_error(e: Error) -> std::result::Result<AttrError, Error> {
        match e {
            Error::AccessDenied { .. } => Ok(AttrError::AccessDenied),
            Error::ZombieProcess { .. } => Ok(AttrError::ZombieProcess),
            Error::NotSupported(_) => Ok(AttrError::NotSupported),
            e if e.is_gone() => Err(e),
            e => Ok(AttrError::Other(e.to_string())),
        }
    }
}

/// One attribute of a [`ProcessInfo`]: not asked for, a value, or the reason there is
/// none (serialized as `null`, psutil's `ad_value`).
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Field<T> {
    /// The attribute was not requested (absent from the JSON).
    #[default]
    NotRequested,
    /// The value.
    Ok(T),
    /// Requested but unavailable.
    Err(AttrError),
}

impl<T> Field<T> {
    /// The value, if there is one.
    ///
    /// ```
    /// let f = pskit::Field::Ok(3);
    /// assert_eq!(f.value(), Some(&3));
    /// ```
    pub fn value(&self) -> Option<&T> {
        match self {
            Field::Ok(v) => Some(v),
            _ => None,
        }
    }

    /// Whether the attribute was requested.
    ///
    /// ```
    /// assert!(!pskit::Field::<u32>::NotRequested.is_requested());
    /// ```
    pub fn is_requested(&self) -> bool {
        !matches!(self, Field::NotRequested)
    }

    /// The reason for a missing value.
    ///
    /// ```
    /// let f: pskit::Field<u32> = pskit::Field::Err(pskit::AttrError::AccessDenied);
    /// assert_eq!(f.error(), Some(&pskit::AttrError::AccessDenied));
    /// ```
    pub fn error(&self) -> Option<&AttrError> {
        match self {
            Field::Err(e) => Some(e),
            _ => None,
        }
    }
}

/// How one value type is written in and read from a [`ProcessInfo`] document.
trait InfoValue: Sized {
    fn ser<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error>;
    fn de<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error>;
}

macro_rules! plain_values {
    ($($t:ty),*) => {$(
        impl InfoValue for $t {
            fn ser<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> { self.serialize(s) }
            fn de<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> { <$t>::deserialize(d) }
        }
    )*};
}

plain_values!(
    u32,
    u64,
    i32,
    usize,
    f64,
    Status,
    Ids,
    IoNice,
    Vec<usize>,
    CpuTimes,
    MemoryInfo,
    MemoryFullInfo,
    Vec<MemoryMapGrouped>,
    IoCounters,
    CtxSwitches,
    Vec<ThreadInfo>,
    Vec<OpenFile>,
    PageFaults,
    MemoryInfoEx,
    MemoryFootprint,
    Vec<CgroupMembership>
);

/// A process's sockets are written as psutil's `pconn` rows: a [`Connection`] without
/// its `pid` (read back with `pid` unset).
impl InfoValue for Vec<Connection> {
    fn ser<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        struct PConn<'a>(&'a Connection);
        impl Serialize for PConn<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
                use serde::ser::SerializeStruct;
                let c = self.0;
                let mut m = s.serialize_struct("pconn", 6)?;
                m.serialize_field("fd", &c.fd)?;
                m.serialize_field("family", &c.family)?;
                m.serialize_field("type", &c.type_)?;
                m.serialize_field("laddr", &c.laddr)?;
                m.serialize_field("raddr", &c.raddr)?;
                m.serialize_field("status", &c.status)?;
                m.end()
            }
        }
        s.collect_seq(self.iter().map(PConn))
    }
    fn de<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        Vec::<Connection>::deserialize(d)
    }
}

macro_rules! os_values {
    ($($t:ty => $module:path),*) => {$(
        impl InfoValue for $t {
            fn ser<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
                use $module as m;
                m::serialize(self, s)
            }
            fn de<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
                use $module as m;
                m::deserialize(d)
            }
        }
    )*};
}

os_values!(
    OsString => crate::serde_os,
    PathBuf => crate::serde_os,
    Vec<OsString> => crate::serde_os::vec,
    Option<PathBuf> => crate::serde_os::opt,
    BTreeMap<OsString, OsString> => crate::serde_os::map
);

struct Ser<'a, T>(&'a T);
impl<T: InfoValue> Serialize for Ser<'_, T> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        self.0.ser(s)
    }
}

struct De<T>(T);
impl<'de, T: InfoValue> Deserialize<'de> for De<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        T::de(d).map(De)
    }
}

/// Defines [`Attr`], [`ProcessInfo`] and the glue between them from one table:
/// variant, psutil name, value type, and how a oneshot computes it.
macro_rules! attributes {
    ($( $(#[$doc:meta])* $variant:ident $field:ident: $ty:ty = $get:expr; )*) => {
        /// A process attribute by psutil's name (`Attr::from_name("memory_info")`), plus
        /// pskit's additions under their own names. Used to choose what
        /// [`crate::ProcessTable::scan`] reads.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Attr {
            /// `pid`.
            Pid,
            $( $(#[$doc])* $variant, )*
        }

        impl Attr {
            /// Every attribute: psutil's `as_dict()` names on Linux followed by pskit's
            /// additions.
            pub const ALL: &'static [Attr] = &[Attr::Pid, $(Attr::$variant),*];

            /// psutil's name for the attribute.
            ///
            /// ```
            /// assert_eq!(pskit::Attr::CpuTimes.name(), "cpu_times");
            /// ```
            pub fn name(self) -> &'static str {
                match self {
                    Attr::Pid => "pid",
                    $(Attr::$variant => stringify!($field),)*
                }
            }

            /// Looks an attribute up by psutil's name; an unknown name is psutil's
            /// `ValueError("invalid attr name ...")`.
            ///
            /// ```
            /// assert_eq!(pskit::Attr::from_name("num_fds").unwrap(), pskit::Attr::NumFds);
            /// assert!(pskit::Attr::from_name("foo").is_err());
            /// ```
            pub fn from_name(name: &str) -> Result<Attr> {
                match name {
                    "pid" => Ok(Attr::Pid),
                    $(stringify!($field) => Ok(Attr::$variant),)*
                    other => Err(Error::InvalidArgument(format!("invalid attr name '{other}'"))),
                }
            }
        }

        /// The attributes of one process from a table scan: psutil's
        /// `p.as_dict(attrs, ad_value=None)`. Serializes to a JSON object holding only the
        /// requested keys; unavailable values are `null`, and [`ProcessInfo::errors`]
        /// says why.
        ///
        /// ```
        /// use pskit::{Attr, ProcessTable};
        /// let infos = ProcessTable::new().scan(&[Attr::Name, Attr::Environ]).unwrap();
        /// let me = infos.iter().find(|i| i.pid == std::process::id()).unwrap();
        /// assert!(me.name.value().is_some());
        /// assert!(!me.cpu_times.is_requested());
        /// ```
        #[derive(Clone, Debug, Default, PartialEq)]
        #[non_exhaustive]
        pub struct ProcessInfo {
            /// The process id (always present).
            pub pid: u32,
            $( $(#[$doc])* pub $field: Field<$ty>, )*
        }

        impl ProcessInfo {
            pub(crate) fn collect(
                o: &Oneshot<'_>,
                set: &AttrSet,
                mem_total: Option<u64>,
                now: Instant,
            ) -> Result<ProcessInfo> {
                let ctx = Ctx { mem_total, now };
                let mut info = ProcessInfo { pid: o.process().pid(), ..Default::default() };
                $(
                    if set.contains(Attr::$variant) {
                        let r: Result<$ty> = compute(o, &ctx, $get);
                        info.$field = match r {
                            Ok(v) => Field::Ok(v),
                            Err(e) => Field::Err(AttrError::from_error(e)?),
                        };
                    }
                )*
                Ok(info)
            }

            /// For each requested attribute without a value, psutil's exception name
            /// (`AccessDenied`, `ZombieProcess`, …): the CLI's `errors` object.
            ///
            /// ```
            /// let infos = pskit::ProcessTable::new().scan(&[pskit::Attr::Name]).unwrap();
            /// assert!(infos.iter().all(|i| i.errors().is_empty()));
            /// ```
            pub fn errors(&self) -> BTreeMap<&'static str, &'static str> {
                let mut out = BTreeMap::new();
                $( if let Field::Err(e) = &self.$field { out.insert(stringify!($field), e.kind_name()); } )*
                out
            }
        }

        impl Serialize for ProcessInfo {
            fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
                let mut m = s.serialize_map(None)?;
                m.serialize_entry("pid", &self.pid)?;
                $(
                    match &self.$field {
                        Field::NotRequested => {}
                        Field::Ok(v) => m.serialize_entry(stringify!($field), &Ser(v))?,
                        Field::Err(_) => m.serialize_entry(stringify!($field), &())?,
                    }
                )*
                m.end()
            }
        }

        impl<'de> Deserialize<'de> for ProcessInfo {
            fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
                struct V;
                impl<'de> Visitor<'de> for V {
                    type Value = ProcessInfo;
                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str("a process attribute map")
                    }
                    fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> std::result::Result<ProcessInfo, A::Error> {
                        let mut info = ProcessInfo::default();
                        while let Some(key) = m.next_key::<String>()? {
                            match key.as_str() {
                                "pid" => info.pid = m.next_value()?,
                                $(stringify!($field) => {
                                    let v: Option<De<$ty>> = m.next_value()?;
                                    info.$field = match v {
                                        Some(De(v)) => Field::Ok(v),
                                        None => Field::Err(AttrError::Other("null".into())),
                                    };
                                })*
                                _ => { m.next_value::<serde::de::IgnoredAny>()?; }
                            }
                        }
                        Ok(info)
                    }
                }
                d.deserialize_map(V)
            }
        }
    };
}

/// Calls an attribute's getter (a closure, so its argument types are inferred).
fn compute<R>(
    o: &Oneshot<'_>,
    ctx: &Ctx,
    get: impl FnOnce(&Oneshot<'_>, &Ctx) -> Result<R>,
) -> Result<R> {
    get(o, ctx)
}

/// What a scan computes once for all processes.
pub(crate) struct Ctx {
    mem_total: Option<u64>,
    now: Instant,
}

attributes! {
    /// `ppid`.
    Ppid ppid: u32 = |o, _c| o.ppid();
    /// `name`.
    Name name: OsString = |o, _c| o.name();
    /// `exe`.
    Exe exe: PathBuf = |o, _c| o.exe();
    /// `cmdline`.
    Cmdline cmdline: Vec<OsString> = |o, _c| o.cmdline();
    /// `environ`.
    Environ environ: BTreeMap<OsString, OsString> = |o, _c| o.environ();
    /// `status`.
    Status status: Status = |o, _c| o.status();
    /// `create_time`.
    CreateTime create_time: f64 = |o, _c| Ok(o.process().create_time());
    /// `cwd`.
    Cwd cwd: PathBuf = |o, _c| o.cwd();
    /// `username`.
    Username username: OsString = |o, _c| o.username();
    /// `uids`.
    Uids uids: Ids = |o, _c| o.uids();
    /// `gids`.
    Gids gids: Ids = |o, _c| o.gids();
    /// `terminal`.
    Terminal terminal: Option<PathBuf> = |o, _c| o.terminal();
    /// `nice`.
    Nice nice: i32 = |o, _c| o.nice();
    /// `ionice`.
    Ionice ionice: IoNice = |o, _c| o.ionice();
    /// `cpu_affinity`.
    CpuAffinity cpu_affinity: Vec<usize> = |o, _c| o.cpu_affinity();
    /// `cpu_num`.
    CpuNum cpu_num: i32 = |o, _c| o.cpu_num();
    /// `cpu_times`.
    CpuTimes cpu_times: CpuTimes = |o, _c| o.cpu_times();
    /// `cpu_percent` since the previous scan of the same table (0.0 on the first).
    CpuPercent cpu_percent: f64 = |o, c| o.busy_seconds().map(|b| o.process().cpu_percent_from(c.now, b));
    /// `memory_info`.
    MemoryInfo memory_info: MemoryInfo = |o, _c| o.memory_info();
    /// `memory_full_info`.
    MemoryFullInfo memory_full_info: MemoryFullInfo = |o, _c| o.memory_full_info();
    /// `memory_percent` (of RSS).
    MemoryPercent memory_percent: f64 = |o, c| match c.mem_total {
        Some(total) => o.memory_percent_of(MemoryType::Rss, total),
        None => Err(Error::NotSupported("MemTotal unreadable".into())),
    };
    /// `memory_maps` (grouped).
    MemoryMaps memory_maps: Vec<MemoryMapGrouped> = |o, _c| o.memory_maps();
    /// `io_counters`.
    IoCounters io_counters: IoCounters = |o, _c| o.io_counters();
    /// `num_ctx_switches`.
    NumCtxSwitches num_ctx_switches: CtxSwitches = |o, _c| o.num_ctx_switches();
    /// `num_fds`.
    NumFds num_fds: usize = |o, _c| o.num_fds();
    /// `num_threads`.
    NumThreads num_threads: u64 = |o, _c| o.num_threads();
    /// `threads`.
    Threads threads: Vec<ThreadInfo> = |o, _c| o.threads();
    /// `open_files`.
    OpenFiles open_files: Vec<OpenFile> = |o, _c| o.open_files();
    /// `net_connections` of kind `inet` (psutil's default), as psutil's `pconn` rows
    /// (no `pid` key). A process without sockets costs no socket dump.
    NetConnections net_connections: Vec<Connection> =
        |o, _c| o.process().net_connections(ConnectionKind::Inet);
    /// `page_faults` (pskit addition, psutil 8.0).
    PageFaults page_faults: PageFaults = |o, _c| o.page_faults();
    /// `memory_info_ex` (pskit addition, psutil 8.0).
    MemoryInfoEx memory_info_ex: MemoryInfoEx = |o, _c| o.memory_info_ex();
    /// `memory_footprint` (pskit addition, psutil 8.0).
    MemoryFootprint memory_footprint: MemoryFootprint = |o, _c| o.memory_footprint();
    /// `cgroup` (pskit addition).
    Cgroup cgroup: Vec<CgroupMembership> = |o, _c| o.cgroup();
}

/// A set of attributes as a bit mask.
#[derive(Clone, Copy, Debug)]
pub(crate) struct AttrSet(u64);

impl AttrSet {
    /// The attributes given, or all of them for an empty slice (psutil's rule).
    pub(crate) fn from_attrs(attrs: &[Attr]) -> AttrSet {
        let list = if attrs.is_empty() { Attr::ALL } else { attrs };
        AttrSet(list.iter().fold(0u64, |m, a| m | 1 << (*a as u32)))
    }

    pub(crate) fn contains(&self, a: Attr) -> bool {
        self.0 & (1 << (a as u32)) != 0
    }

    pub(crate) fn needs_mem_total(&self) -> bool {
        self.contains(Attr::MemoryPercent)
    }

    /// Whether a value depends on the instance (its create time or its last CPU
    /// sample), so that the scan must read stat first to tell a reused PID.
    pub(crate) fn needs_identity(&self) -> bool {
        // net_connections checks that the PID still names the process after reading.
        self.contains(Attr::CreateTime)
            || self.contains(Attr::CpuPercent)
            || self.contains(Attr::NetConnections)
    }
}

impl super::Process {
    /// Reads `attrs` of this one process (psutil's `as_dict(attrs, ad_value=None)`; an
    /// empty slice means all of them): what [`crate::ProcessTable::scan`] gives for
    /// each process, without scanning the others. Fails only if the process is gone.
    ///
    /// ```
    /// use pskit::{Attr, Process};
    /// let info = Process::current()?.as_dict(&[Attr::Name, Attr::Ppid])?;
    /// assert_eq!(info.pid, std::process::id());
    /// assert!(info.name.value().is_some());
    /// assert!(!info.environ.is_requested());
    /// # Ok::<(), pskit::Error>(())
    /// ```
    pub fn as_dict(&self, attrs: &[Attr]) -> Result<ProcessInfo> {
        let set = AttrSet::from_attrs(attrs);
        let mem_total = if set.needs_mem_total() {
            crate::sys::process::total_memory(&self.host().inner).ok()
        } else {
            None
        };
        ProcessInfo::collect(&self.oneshot(), &set, mem_total, Instant::now())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for a in Attr::ALL {
            assert_eq!(Attr::from_name(a.name()).unwrap(), *a);
        }
        assert!(Attr::ALL.len() < 64);
    }

    #[test]
    fn json_has_requested_keys_and_null_for_denied() {
        let info = ProcessInfo {
            pid: 7,
            name: Field::Ok(OsString::from("x")),
            environ: Field::Err(AttrError::AccessDenied),
            ..Default::default()
        };
        let v: serde_json::Value = serde_json::to_value(&info).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"pid": 7, "name": "x", "environ": null})
        );
        assert_eq!(info.errors(), BTreeMap::from([("environ", "AccessDenied")]));
        let back: ProcessInfo = serde_json::from_value(v).unwrap();
        assert_eq!(back.name, info.name);
        assert!(back.environ.error().is_some());
    }
}
