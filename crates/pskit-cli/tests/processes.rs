//! The process subcommands against children the test starts: ps, pstree, pidof,
//! killall, proc, procinfo, pmap and procsmem, in tables and in JSON.

mod common;

use std::os::unix::process::ExitStatusExt;

use common::*;
use pskit::{Attr, Process};

#[test]
fn ps_lists_the_tests_child_by_pid_and_name() {
    let s = Sleeper::new();
    let child = s.spawn();
    let pid = child.id().to_string();
    let text = pskit_ok(&["ps"]);
    let header: Vec<&str> = text.lines().next().unwrap().split_whitespace().collect();
    assert_eq!(
        header,
        ["USER", "PID", "%CPU", "%MEM", "VSZ", "RSS", "TTY", "STAT", "START", "TIME", "COMMAND"]
    );
    let row = row_with(&text, 1, &pid).expect("child listed");
    let me = Process::current().unwrap().username().unwrap();
    assert_eq!(row[0], me.to_string_lossy());
    assert_eq!(row[7], "S", "a sleeping child: {row:?}");
    assert_eq!(row[10], s.exe.to_str().unwrap());
    assert_eq!(row[11], "30");
    reap(child);
}

#[test]
fn ps_filters_by_pid_name_and_user() {
    let s = Sleeper::new();
    let (a, b) = (s.spawn(), s.spawn());
    let pids = [a.id().to_string(), b.id().to_string()];
    let by_name = pskit_ok(&["ps", "-n", &s.name]);
    let listed: Vec<&str> = by_name
        .lines()
        .skip(1)
        .map(|l| l.split_whitespace().nth(1).unwrap())
        .collect();
    assert_eq!(listed, [pids[0].as_str(), pids[1].as_str()]);
    let by_pid = pskit_ok(&["ps", "-p", &pids[1]]);
    assert_eq!(by_pid.lines().count(), 2);
    assert!(row_with(&by_pid, 1, &pids[1]).is_some());
    let nobody = pskit_ok(&["ps", "-u", "no-such-user-pskit"]);
    assert_eq!(nobody.lines().count(), 1, "only the header: {nobody}");
    let me = Process::current().unwrap().username().unwrap();
    let mine = pskit_ok(&["ps", "-u", me.to_str().unwrap(), "-n", &s.name]);
    assert_eq!(mine.lines().count(), 3);
    reap(a);
    reap(b);
}

#[test]
fn ps_sorts_by_rss_biggest_first() {
    let text = pskit_ok(&["ps", "--sort", "rss", "--bytes"]);
    let rss: Vec<u64> = text
        .lines()
        .skip(1)
        .filter_map(|l| l.split_whitespace().nth(5)?.parse().ok())
        .collect();
    assert!(rss.len() > 3);
    assert!(rss.windows(2).all(|w| w[0] >= w[1]), "{rss:?}");
    // Another run (the values have moved meanwhile) in the reverse order.
    let reversed = pskit_ok(&["ps", "--sort", "rss", "--reverse", "--bytes"]);
    let rss: Vec<u64> = reversed
        .lines()
        .skip(1)
        .filter_map(|l| l.split_whitespace().nth(5)?.parse().ok())
        .collect();
    assert!(rss.len() > 3);
    assert!(rss.windows(2).all(|w| w[0] <= w[1]), "{rss:?}");
}

#[test]
fn ps_json_attrs_is_process_iter_with_the_librarys_values() {
    let s = Sleeper::new();
    let child = s.spawn();
    let v = pskit_json(&["ps", "--attrs", "name,memory_info"]);
    let all = v.as_array().unwrap();
    let pids: Vec<u64> = all.iter().map(|p| p["pid"].as_u64().unwrap()).collect();
    assert!(pids.windows(2).all(|w| w[0] < w[1]), "ascending PID order");
    let mine = all
        .iter()
        .find(|p| p["pid"] == child.id())
        .expect("child in the list");
    let keys: Vec<&String> = mine.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["pid", "name", "memory_info"]);
    assert_eq!(mine["name"], s.name.as_str());
    let lib = Process::new(child.id()).unwrap().memory_info().unwrap();
    assert_eq!(mine["memory_info"]["vms"], lib.vms);
    assert_eq!(mine["memory_info"]["text"], lib.text);
    reap(child);
}

#[test]
fn proc_json_is_as_dict_of_the_library() {
    let s = Sleeper::new();
    let child = s.spawn();
    let pid = child.id().to_string();
    let attrs = [Attr::Name, Attr::Ppid, Attr::Cmdline, Attr::Uids, Attr::Exe];
    let v = pskit_json(&["proc", &pid, "--attrs", "name,ppid,cmdline,uids,exe"]);
    let lib = Process::new(child.id()).unwrap().as_dict(&attrs).unwrap();
    assert_eq!(v, serde_json::to_value(&lib).unwrap());
    assert_eq!(v["ppid"], std::process::id());
    assert!(v.get("errors").is_none());
    // Without --json: one `key  value` line per attribute.
    let text = pskit_ok(&["proc", &pid, "--attrs", "name,exe"]);
    assert_eq!(
        text,
        format!("pid   {pid}\nname  {}\nexe   {}\n", s.name, s.exe.display())
    );
    reap(child);
}

#[test]
fn procinfo_shows_everything_about_the_child() {
    let s = Sleeper::new();
    let child = s.spawn();
    let pid = child.id().to_string();
    let text = pskit_ok(&["procinfo", &pid]);
    let field = |k: &str| -> String {
        text.lines()
            .find_map(|l| l.strip_prefix(k).filter(|r| r.starts_with("  ")))
            .unwrap_or_else(|| panic!("no {k} row in\n{text}"))
            .trim()
            .to_string()
    };
    assert_eq!(field("pid"), pid);
    assert_eq!(field("name"), s.name);
    assert!(field("parent").starts_with(&format!("{} (", std::process::id())));
    assert_eq!(field("exe"), s.exe.display().to_string());
    assert_eq!(field("cmdline"), format!("{} 30", s.exe.display()));
    assert_eq!(field("status"), "sleeping");
    assert_eq!(field("num-threads"), "1");
    assert!(field("rlimit NOFILE").starts_with("soft="));
    let v = pskit_json(&["procinfo", &pid]);
    assert_eq!(v["parent"], std::process::id());
    assert_eq!(v["children"], serde_json::json!([]));
    assert_eq!(v["name"], s.name.as_str());
    reap(child);
}

#[test]
fn pmap_lists_the_mappings_and_their_total() {
    let s = Sleeper::new();
    let child = s.spawn();
    let pid = child.id().to_string();
    let text = pskit_ok(&["pmap", "--bytes", &pid]);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("Address"));
    assert!(lines.iter().any(|l| l.ends_with(s.exe.to_str().unwrap())));
    assert_eq!(
        *lines.last().unwrap(),
        format!("PID = {pid}, name = {}", s.name)
    );
    let maps_now = || {
        Process::new(child.id())
            .unwrap()
            .memory_maps_ungrouped()
            .unwrap()
    };
    let rss_of = |maps: &[pskit::MemoryMap]| maps.iter().map(|m| m.counters.rss).sum::<u64>();
    // The resident set moves (the kernel reclaims and faults pages in), so the table's
    // total is bracketed by the library's totals read just before and just after it,
    // and a moving value gets three chances.
    let mut seen = Vec::new();
    let mut maps = Vec::new();
    for _ in 0..3 {
        let before = maps_now();
        let text = pskit_ok(&["pmap", "--bytes", &pid]);
        maps = maps_now();
        let total_line = text.lines().find(|l| l.starts_with("Total")).unwrap();
        let total: u64 = total_line
            .split_whitespace()
            .nth(1)
            .unwrap()
            .parse()
            .unwrap();
        let (before, after) = (rss_of(&before), rss_of(&maps));
        if before.min(after) <= total && total <= before.max(after) {
            seen.clear();
            break;
        }
        seen.push((before, total, after));
    }
    assert!(
        seen.is_empty(),
        "pmap total outside the library's (before, shown, after): {seen:?}"
    );
    let v = pskit_json(&["pmap", &pid]);
    assert_eq!(v.as_array().unwrap().len(), maps.len());
    reap(child);
}

#[test]
fn procsmem_shows_uss_for_the_child() {
    let s = Sleeper::new();
    let child = s.spawn();
    let pid = child.id().to_string();
    let uss_now = || {
        Process::new(child.id())
            .unwrap()
            .memory_full_info()
            .unwrap()
            .uss
    };
    // USS moves whenever a process sharing the child's pages exits (a shared page turns
    // private; other tests' children exit all the time), so the table's value is
    // bracketed by the library's values read just before and just after it, with 10%
    // slack, and a moving value gets three chances.
    let mut seen = Vec::new();
    let mut text = String::new();
    for _ in 0..3 {
        let before = uss_now();
        text = pskit_ok(&["procsmem", "--bytes"]);
        let after = uss_now();
        let row = row_with(&text, 0, &pid).expect("child listed");
        assert_eq!(row[6], s.exe.to_str().unwrap());
        let shown: u64 = row[2].parse().unwrap();
        let (low, high) = (before.min(after), before.max(after));
        if shown * 10 >= low * 9 && shown * 10 <= high * 11 {
            seen.clear();
            break;
        }
        seen.push((before, shown, after));
    }
    assert!(
        seen.is_empty(),
        "procsmem USS outside the library's (before, shown, after): {seen:?}"
    );
    let header: Vec<&str> = text.lines().next().unwrap().split_whitespace().collect();
    assert_eq!(
        header,
        ["PID", "User", "USS", "PSS", "Swap", "RSS", "Cmdline"]
    );
    let uss: Vec<u64> = text
        .lines()
        .skip(1)
        .map(|l| l.split_whitespace().nth(2).unwrap().parse().unwrap())
        .collect();
    assert!(uss.windows(2).all(|w| w[0] <= w[1]), "sorted by USS");
    reap(child);
}

#[test]
fn pstree_shows_the_child_under_the_test() {
    let s = Sleeper::new();
    let child = s.spawn();
    let me = std::process::id();
    let text = pskit_ok(&["pstree", &me.to_string()]);
    let first = text.lines().next().unwrap();
    assert!(first.starts_with(&format!("{me} ")), "{first}");
    let line = format!("{} {}", child.id(), s.name);
    assert!(
        text.lines()
            .any(|l| l == format!("|- {line}") || l == format!("`_ {line}")),
        "{text}"
    );
    let whole = pskit_ok(&["pstree"]);
    assert!(whole.lines().any(|l| l.ends_with(&line)));
    let v = pskit_json(&["pstree", &me.to_string()]);
    let kids = v[0]["children"].as_array().unwrap();
    assert!(kids
        .iter()
        .any(|k| k["pid"] == child.id() && k["name"] == s.name.as_str()));
    reap(child);
}

#[test]
fn pidof_finds_exactly_the_children() {
    let s = Sleeper::new();
    let (a, b) = (s.spawn(), s.spawn());
    let text = pskit_ok(&["pidof", &s.name]);
    assert_eq!(text, format!("{} {}\n", a.id(), b.id()));
    let v = pskit_json(&["pidof", &s.name]);
    assert_eq!(v, serde_json::json!([a.id(), b.id()]));
    reap(a);
    reap(b);
    expect_failure(&["pidof", &s.name], 1, "no process named");
}

#[test]
fn killall_kills_every_child_with_the_name() {
    let s = Sleeper::new();
    let (mut a, mut b) = (s.spawn(), s.spawn());
    assert_eq!(pskit_ok(&["killall", &s.name]), "");
    assert_eq!(a.wait().unwrap().signal(), Some(15));
    assert_eq!(b.wait().unwrap().signal(), Some(15));
    let mut c = s.spawn();
    let v = pskit_json(&["killall", "-s", "KILL", &s.name]);
    assert_eq!(v["signal"], 9);
    assert_eq!(v["signalled"], serde_json::json!([c.id()]));
    assert_eq!(c.wait().unwrap().signal(), Some(9));
    expect_failure(&["killall", &s.name], 1, "no process named");
    expect_failure(&["killall", "-s", "BOGUS", &s.name], 2, "unknown signal");
}
