//! The `processes` collector: process-exporter's `namedprocess_namegroup_*` metrics.
//!
//! Processes are grouped by name, user or cgroup; kernel threads are grouped by their
//! name without per-CPU suffixes (see [`process_groups`](super::process_groups)). At
//! most `max_groups` groups have their own series, the rest are summed in the group
//! `other` (a real group of that name is exported as `_other`). Group counters (CPU, I/O,
//! faults, context switches) are accumulated from per-process deltas, keyed by
//! (pid, start time), so they never go down when a member exits or a PID is reused.
//! A process that vanishes while being read is skipped silently; any other failure of a
//! value is counted in `pskit_scrape_skipped_total{collector="processes",item,kind}`
//! and that value is left out of the sums (never counted as 0).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ffi::OsString;

use pskit::{Host, Oneshot, Process, RlimitResource, Status};

use super::process_groups::{self as groups, GroupSize, OTHER_GROUP};
use super::{CollectorOptions, GroupBy};
use crate::metrics::Batch;

/// Per-process counters, in this order: cpu user, cpu system, read bytes, write bytes,
/// major faults, minor faults, voluntary and involuntary context switches.
const NCOUNTERS: usize = 8;
type Counters = [Option<f64>; NCOUNTERS];

/// What one scrape learned about one group.
#[derive(Default)]
struct GroupNow {
    procs: u64,
    threads: u64,
    resident: u64,
    virtual_: u64,
    swapped: Option<u64>,
    pss: Option<u64>,
    uss: Option<u64>,
    fds: Option<u64>,
    worst_fd_ratio: Option<f64>,
    oldest_start: Option<f64>,
    states: BTreeMap<&'static str, u64>,
    cmdline: Option<(f64, String)>,
}

/// The `processes` collector.
pub(crate) struct ProcessCollector {
    host: Host,
    group_by: GroupBy,
    max_groups: usize,
    smaps: bool,
    export_cmdline: bool,
    export_usernames: bool,
    own_uid: Option<u32>,
    /// Last counters of each process, by (pid, start time bits), with its group.
    last: HashMap<(u32, u64), (String, Counters)>,
    /// Accumulated counters per group.
    totals: HashMap<String, [f64; NCOUNTERS]>,
    /// Groups that own their series (stable across scrapes while they have members).
    admitted: HashSet<String>,
}

impl ProcessCollector {
    pub(crate) fn new(opts: &CollectorOptions) -> Self {
        ProcessCollector {
            host: opts.host.clone(),
            group_by: opts.group_by,
            max_groups: opts.max_groups,
            smaps: opts.smaps,
            export_cmdline: opts.export_cmdline,
            export_usernames: opts.export_usernames,
            own_uid: Process::current()
                .and_then(|p| p.uids())
                .ok()
                .map(|u| u.effective),
            last: HashMap::new(),
            totals: HashMap::new(),
            admitted: HashSet::new(),
        }
    }

    /// The group key of a process, or the error that prevents knowing it.
    fn group_of(&self, o: &Oneshot<'_>) -> pskit::Result<String> {
        Ok(groups::escape_group(self.raw_group_of(o)?))
    }

    /// The group key before it is kept apart from [`OTHER_GROUP`].
    fn raw_group_of(&self, o: &Oneshot<'_>) -> pskit::Result<String> {
        Ok(match self.group_by {
            GroupBy::Name => {
                let name = super::label(&o.name()?);
                let (pid, ppid) = (o.process().pid(), o.ppid()?);
                // statm is read only for kthreadd's children; unreadable: not a kernel thread.
                // A zombie has no address space either (a usermode helper that kthreadd
                // started, such as modprobe): it keeps its name.
                let kernel = (pid == 2 || ppid == 2)
                    && o.status().is_ok_and(|s| s != pskit::Status::Zombie)
                    && o.memory_info()
                        .is_ok_and(|m| groups::is_kernel_thread(pid, ppid, m.vms));
                if kernel {
                    groups::kernel_thread_group(&name).to_owned()
                } else {
                    name
                }
            }
            GroupBy::User => {
                let uid = o.uids()?.real;
                if self.export_usernames || Some(uid) == self.own_uid {
                    match o.username() {
                        Ok(name) => super::label(&name),
                        Err(e) if e.is_gone() => return Err(e),
                        Err(_) => uid.to_string(),
                    }
                } else {
                    uid.to_string()
                }
            }
            GroupBy::Cgroup => {
                let groups = o.cgroup()?;
                let unified = groups
                    .iter()
                    .find(|g| g.hierarchy_id == 0)
                    .or(groups.first());
                unified.map_or_else(|| "/".to_owned(), |g| super::label(g.path.as_os_str()))
            }
        })
    }
}

/// Records a value's failure as a skipped item; `None` for the value.
fn value<T>(
    out: &mut Batch,
    item: &'static str,
    r: pskit::Result<T>,
) -> Result<Option<T>, pskit::Error> {
    match r {
        Ok(v) => Ok(Some(v)),
        // A zombie is still a process (counted, in state Zombie): what died with its
        // memory is just absent, as process-exporter has it.
        Err(pskit::Error::ZombieProcess { .. }) => Ok(None),
        Err(e) if e.is_gone() => Err(e),
        Err(e) => {
            out.skip(item, super::error_kind(&e));
            Ok(None)
        }
    }
}

fn state_name(s: Status) -> &'static str {
    match s {
        Status::Running => "Running",
        Status::Sleeping => "Sleeping",
        Status::DiskSleep => "Waiting",
        Status::Zombie => "Zombie",
        _ => "Other",
    }
}

fn add(slot: &mut Option<u64>, v: Option<u64>) {
    if let Some(v) = v {
        *slot = Some(slot.unwrap_or(0) + v);
    }
}

/// One process read in full: its group key and what it adds to the group.
struct Sample {
    key: (u32, u64),
    group: String,
    counters: Counters,
    now: GroupNow,
}

impl ProcessCollector {
    fn read(&self, p: &Process, out: &mut Batch) -> pskit::Result<Sample> {
        let o = p.oneshot();
        let group = self.group_of(&o)?;
        let mut now = GroupNow {
            procs: 1,
            ..Default::default()
        };
        let mut counters: Counters = [None; NCOUNTERS];
        if let Some(t) = value(out, "cpu_times", o.cpu_times())? {
            counters[0] = Some(t.user);
            counters[1] = Some(t.system);
        }
        if let Some(io) = value(out, "io_counters", o.io_counters())? {
            counters[2] = Some(io.read_bytes as f64);
            counters[3] = Some(io.write_bytes as f64);
        }
        if let Some(f) = value(out, "page_faults", o.page_faults())? {
            counters[4] = Some(f.major as f64);
            counters[5] = Some(f.minor as f64);
        }
        if let Some(c) = value(out, "num_ctx_switches", o.num_ctx_switches())? {
            counters[6] = Some(c.voluntary as f64);
            counters[7] = Some(c.involuntary as f64);
        }
        if let Some(m) = value(out, "memory_info", o.memory_info())? {
            now.resident = m.rss;
            now.virtual_ = m.vms;
        }
        now.swapped = value(out, "memory_info_ex", o.memory_info_ex())?.map(|m| m.swap);
        if self.smaps {
            if let Some(f) = value(out, "memory_footprint", o.memory_footprint())? {
                now.pss = Some(f.pss);
                now.uss = Some(f.uss);
            }
        }
        now.threads = value(out, "num_threads", o.num_threads())?.unwrap_or(0);
        let fds = value(out, "num_fds", o.num_fds())?;
        now.fds = fds.map(|n| n as u64);
        if let Some(n) = fds {
            if let Some(l) = value(out, "rlimit", o.rlimit(RlimitResource::Nofile))? {
                if l.soft > 0 {
                    now.worst_fd_ratio = Some(n as f64 / l.soft as f64);
                }
            }
        }
        if let Some(s) = value(out, "status", o.status())? {
            now.states.insert(state_name(s), 1);
        }
        let start = p.create_time();
        now.oldest_start = Some(start);
        if self.export_cmdline {
            if let Some(c) = value(out, "cmdline", o.cmdline())? {
                let joined = c.join(&OsString::from(" "));
                now.cmdline = Some((start, cmdline_label(&joined)));
            }
        }
        Ok(Sample {
            key: (p.pid(), start.to_bits()),
            group,
            counters,
            now,
        })
    }
}

/// Longest command line exported as a label value (a command line may be megabytes).
const CMDLINE_LABEL_MAX: usize = 1024;

/// The command line as a label value, cut to [`CMDLINE_LABEL_MAX`] bytes on a
/// character boundary.
fn cmdline_label(joined: &std::ffi::OsStr) -> String {
    let mut text = super::label(joined);
    if text.len() > CMDLINE_LABEL_MAX {
        let mut end = CMDLINE_LABEL_MAX;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
    }
    text
}

impl GroupNow {
    fn merge(&mut self, o: GroupNow) {
        self.procs += o.procs;
        self.threads += o.threads;
        self.resident += o.resident;
        self.virtual_ += o.virtual_;
        add(&mut self.swapped, o.swapped);
        add(&mut self.pss, o.pss);
        add(&mut self.uss, o.uss);
        add(&mut self.fds, o.fds);
        self.worst_fd_ratio = match (self.worst_fd_ratio, o.worst_fd_ratio) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        self.oldest_start = match (self.oldest_start, o.oldest_start) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        for (k, v) in o.states {
            *self.states.entry(k).or_default() += v;
        }
        self.cmdline = match (self.cmdline.take(), o.cmdline) {
            (Some(a), Some(b)) => Some(if b.0 < a.0 { b } else { a }),
            (a, b) => a.or(b),
        };
    }
}

impl super::Collect for ProcessCollector {
    fn collect(&mut self, out: &mut Batch) -> pskit::Result<()> {
        let mut samples = Vec::new();
        for pid in self.host.pids()? {
            let p = match Process::with_host(&self.host, pid) {
                Ok(p) => p,
                Err(e) if e.is_gone() => continue,
                Err(e) => {
                    out.skip("process", super::error_kind(&e));
                    continue;
                }
            };
            match self.read(&p, out) {
                Ok(s) => samples.push(s),
                Err(e) if e.is_gone() => continue,
                Err(e) => out.skip("process", super::error_kind(&e)),
            }
        }
        self.update_admitted(&samples);
        let mut groups: BTreeMap<String, GroupNow> = BTreeMap::new();
        let mut last = HashMap::with_capacity(samples.len());
        for s in samples {
            let group = if self.admitted.contains(&s.group) {
                s.group
            } else {
                OTHER_GROUP.to_owned()
            };
            let total = self.totals.entry(group.clone()).or_default();
            let prev = self.last.get(&s.key).map(|(_, c)| c);
            for i in 0..NCOUNTERS {
                if let Some(v) = s.counters[i] {
                    let before = prev.and_then(|c| c[i]).unwrap_or(0.0);
                    total[i] += (v - before).max(0.0);
                }
            }
            last.insert(s.key, (group.clone(), s.counters));
            groups.entry(group).or_default().merge(s.now);
        }
        self.last = last;
        self.totals.retain(|g, _| groups.contains_key(g));
        self.emit(out, &groups);
        Ok(())
    }
}

impl ProcessCollector {
    /// Keeps admitted groups that still have members; admits new ones, largest
    /// resident memory first, up to `max_groups`.
    fn update_admitted(&mut self, samples: &[Sample]) {
        let mut present: HashMap<&str, GroupSize> = HashMap::new();
        for s in samples {
            let size = present.entry(s.group.as_str()).or_default();
            size.resident += s.now.resident;
            size.procs += 1;
        }
        groups::admit(&mut self.admitted, &present, self.max_groups);
    }

    fn emit(&self, out: &mut Batch, groups: &BTreeMap<String, GroupNow>) {
        let g = |name: &str| vec![("groupname", name.to_owned())];
        let fam = out.gauge(
            "namedprocess_namegroup_num_procs",
            "number of processes in this group",
        );
        for (name, n) in groups {
            fam.push(g(name), n.procs);
        }
        let fam = out.gauge("namedprocess_namegroup_num_threads", "Number of threads");
        for (name, n) in groups {
            fam.push(g(name), n.threads);
        }
        let fam = out.counter(
            "namedprocess_namegroup_cpu_seconds",
            "Cpu user usage in seconds",
        );
        for name in groups.keys() {
            let t = self.totals.get(name).copied().unwrap_or_default();
            fam.push(
                vec![("groupname", name.clone()), ("mode", "user".into())],
                t[0],
            );
            fam.push(
                vec![("groupname", name.clone()), ("mode", "system".into())],
                t[1],
            );
        }
        let simple: [(&str, &'static str, usize); 4] = [
            (
                "namedprocess_namegroup_read_bytes",
                "number of bytes read by this group",
                2,
            ),
            (
                "namedprocess_namegroup_write_bytes",
                "number of bytes written by this group",
                3,
            ),
            (
                "namedprocess_namegroup_major_page_faults",
                "Major page faults",
                4,
            ),
            (
                "namedprocess_namegroup_minor_page_faults",
                "Minor page faults",
                5,
            ),
        ];
        for (metric, help, i) in simple {
            let fam = out.counter(metric, help);
            for name in groups.keys() {
                fam.push(g(name), self.totals.get(name).map_or(0.0, |t| t[i]));
            }
        }
        let fam = out.counter(
            "namedprocess_namegroup_context_switches",
            "Context switches",
        );
        for name in groups.keys() {
            let t = self.totals.get(name).copied().unwrap_or_default();
            fam.push(
                vec![
                    ("groupname", name.clone()),
                    ("ctxswitchtype", "voluntary".into()),
                ],
                t[6],
            );
            fam.push(
                vec![
                    ("groupname", name.clone()),
                    ("ctxswitchtype", "nonvoluntary".into()),
                ],
                t[7],
            );
        }
        let fam = out.gauge(
            "namedprocess_namegroup_memory_bytes",
            "number of bytes of memory in use",
        );
        for (name, n) in groups {
            let mem = |t: &str| vec![("groupname", name.clone()), ("memtype", t.to_owned())];
            fam.push(mem("resident"), n.resident);
            fam.push(mem("virtual"), n.virtual_);
            if let Some(v) = n.swapped {
                fam.push(mem("swapped"), v);
            }
            if let Some(v) = n.pss {
                fam.push(mem("proportionalResident"), v);
            }
            if let Some(v) = n.uss {
                fam.push(mem("unique"), v);
            }
        }
        let fam = out.gauge(
            "namedprocess_namegroup_open_filedesc",
            "number of open file descriptors for this group",
        );
        for (name, n) in groups {
            if let Some(v) = n.fds {
                fam.push(g(name), v);
            }
        }
        let fam = out.gauge("namedprocess_namegroup_worst_fd_ratio", "the worst (closest to 1) ratio between open fds and max fds among all procs in this group");
        for (name, n) in groups {
            if let Some(v) = n.worst_fd_ratio {
                fam.push(g(name), v);
            }
        }
        let fam = out.gauge(
            "namedprocess_namegroup_oldest_start_time_seconds",
            "start time in seconds since 1970/01/01 of oldest process in group",
        );
        for (name, n) in groups {
            if let Some(v) = n.oldest_start {
                fam.push(g(name), v);
            }
        }
        let fam = out.gauge(
            "namedprocess_namegroup_states",
            "Number of processes in states Running, Sleeping, Waiting, Zombie, or Other",
        );
        for (name, n) in groups {
            for state in ["Running", "Sleeping", "Waiting", "Zombie", "Other"] {
                let v = n.states.get(state).copied().unwrap_or(0);
                fam.push(
                    vec![("groupname", name.clone()), ("state", state.to_owned())],
                    v,
                );
            }
        }
        if self.export_cmdline {
            let fam = out.gauge("namedprocess_namegroup_cmdline_info", "Command line of the oldest process of the group (exported only with --export.cmdline).");
            for (name, n) in groups {
                if let Some((_, c)) = &n.cmdline {
                    fam.push(
                        vec![("groupname", name.clone()), ("cmdline", c.clone())],
                        1u64,
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn huge_command_lines_are_cut_on_a_character_boundary() {
        let long = std::ffi::OsString::from("é".repeat(5000));
        let label = super::cmdline_label(&long);
        assert!(label.len() <= super::CMDLINE_LABEL_MAX);
        assert!(label.len() >= super::CMDLINE_LABEL_MAX - 1);
        assert!(label.chars().all(|c| c == 'é'));
        assert_eq!(
            super::cmdline_label(std::ffi::OsStr::new("sleep 9")),
            "sleep 9"
        );
    }
}
