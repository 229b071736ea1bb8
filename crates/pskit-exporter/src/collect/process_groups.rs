//! Group names and the group cap of the `processes` collector: kernel threads named
//! without their per-CPU suffixes, real groups kept apart from the overflow group,
//! and which groups own their series when there are more than `--max-groups`.

use std::collections::{HashMap, HashSet};

/// The group that takes everything beyond `max_groups`.
pub(crate) const OTHER_GROUP: &str = "other";

/// kthreadd, the parent of every kernel thread.
const KTHREADD_PID: u32 = 2;

/// Whether a process is a kernel thread: kthreadd itself or one of its children, with
/// no address space (a process in a PID namespace may have PID 2, but it has memory).
/// The caller rules out zombies, which have no address space either.
pub(crate) fn is_kernel_thread(pid: u32, ppid: u32, virtual_memory: u64) -> bool {
    (pid == KTHREADD_PID || ppid == KTHREADD_PID) && virtual_memory == 0
}

/// A kernel thread's group name: the name without what varies per CPU, per worker or
/// per interrupt, so a many-CPU host has one `ksoftirqd` group rather than one per CPU.
/// `kworker/*` → `kworker`; a `/` followed by a digit cuts the name there
/// (`ksoftirqd/3`, `migration/0`, `cpuhp/12`, `irq/45-eth0`, `rcuop/7`); other names
/// are kept (`kthreadd`, `rcu_preempt`, `jbd2/nvme0n1p2-8`).
pub(crate) fn kernel_thread_group(name: &str) -> &str {
    if name.starts_with("kworker/") {
        return "kworker";
    }
    match name.split_once('/') {
        Some((base, rest)) if rest.starts_with(|c: char| c.is_ascii_digit()) => base,
        _ => name,
    }
}

/// Keeps a real group apart from the overflow group [`OTHER_GROUP`]: a name made of
/// underscores followed by `other` gets one more underscore (`other` → `_other`,
/// `_other` → `__other`), so no real group is ever named `other` and distinct names
/// stay distinct.
pub(crate) fn escape_group(name: String) -> String {
    if name.trim_start_matches('_') == OTHER_GROUP {
        format!("_{name}")
    } else {
        name
    }
}

/// A group's size this scrape, for ranking new groups.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct GroupSize {
    /// Resident memory of all its processes, bytes.
    pub(crate) resident: u64,
    /// Number of processes.
    pub(crate) procs: u64,
}

/// Updates the set of groups that own their series: an admitted group stays while it
/// has processes (series do not flap); free places go to new groups by resident
/// memory, then process count, then name, largest first.
pub(crate) fn admit(
    admitted: &mut HashSet<String>,
    present: &HashMap<&str, GroupSize>,
    max_groups: usize,
) {
    admitted.retain(|g| present.contains_key(g.as_str()));
    let mut new: Vec<(&str, GroupSize)> = present
        .iter()
        .filter(|(g, _)| !admitted.contains(**g))
        .map(|(g, s)| (*g, *s))
        .collect();
    new.sort_unstable_by(|(an, a), (bn, b)| {
        (b.resident, b.procs)
            .cmp(&(a.resident, a.procs))
            .then_with(|| an.cmp(bn))
    });
    let room = max_groups.saturating_sub(admitted.len());
    admitted.extend(new.into_iter().take(room).map(|(g, _)| g.to_owned()));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kernel_threads_lose_per_cpu_suffixes() {
        for (name, group) in [
            ("ksoftirqd/0", "ksoftirqd"),
            ("ksoftirqd/127", "ksoftirqd"),
            ("migration/3", "migration"),
            ("cpuhp/12", "cpuhp"),
            ("idle_inject/5", "idle_inject"),
            ("rcuop/7", "rcuop"),
            ("irq/45-eth0", "irq"),
            ("kworker/0:1H-kblockd", "kworker"),
            ("kworker/u64:2-events_unbound", "kworker"),
            ("kworker/R-mm_percpu_wq", "kworker"),
            ("kthreadd", "kthreadd"),
            ("rcu_preempt", "rcu_preempt"),
            ("jbd2/nvme0n1p2-8", "jbd2/nvme0n1p2-8"),
        ] {
            assert_eq!(kernel_thread_group(name), group, "{name}");
        }
    }

    #[test]
    fn only_kthreadd_and_its_memoryless_children_are_kernel_threads() {
        assert!(is_kernel_thread(2, 0, 0));
        assert!(is_kernel_thread(77, 2, 0));
        assert!(!is_kernel_thread(77, 2, 4096), "a namespace's PID 2 child");
        assert!(!is_kernel_thread(2, 1, 4096), "PID 2 in a PID namespace");
        assert!(!is_kernel_thread(77, 1, 0));
    }

    #[test]
    fn real_groups_never_take_the_overflow_name() {
        assert_eq!(escape_group("other".into()), "_other");
        assert_eq!(escape_group("_other".into()), "__other");
        assert_eq!(escape_group("others".into()), "others");
        assert_eq!(escape_group("nginx".into()), "nginx");
        assert_ne!(escape_group("other".into()), escape_group("_other".into()));
    }

    fn size(resident: u64, procs: u64) -> GroupSize {
        GroupSize { resident, procs }
    }

    #[test]
    fn largest_groups_are_admitted_first_and_stay() {
        let mut admitted = HashSet::new();
        let mut present = HashMap::from([
            ("aaa", size(0, 64)),
            ("bbb", size(0, 1)),
            ("postgres", size(900, 5)),
            ("nginx", size(500, 2)),
            ("zsh", size(500, 3)),
        ]);
        admit(&mut admitted, &present, 3);
        let mut got: Vec<_> = admitted.iter().cloned().collect();
        got.sort();
        assert_eq!(got, ["nginx", "postgres", "zsh"].map(String::from));
        // A bigger newcomer waits for a place; the admitted ones keep theirs.
        present.insert("java", size(5000, 1));
        present.insert("postgres", size(1, 1));
        admit(&mut admitted, &present, 3);
        assert!(admitted.contains("postgres") && !admitted.contains("java"));
        // A group that ends frees its place for the largest waiting one.
        present.remove("zsh");
        admit(&mut admitted, &present, 3);
        assert!(admitted.contains("java") && !admitted.contains("zsh"));
        assert_eq!(admitted.len(), 3);
        // Equal sizes: by process count, then name.
        let mut admitted = HashSet::new();
        let present = HashMap::from([("b", size(0, 2)), ("a", size(0, 2)), ("c", size(0, 3))]);
        admit(&mut admitted, &present, 2);
        assert!(admitted.contains("c") && admitted.contains("a"));
    }
}
