//! The output: `promtool check metrics` on the text format, a strict OpenMetrics parser
//! on the OpenMetrics format, no duplicate series, process churn between scrapes,
//! hostile process names, and nothing private exported unless enabled.
//!
//! promtool comes from Debian's `prometheus` package and the parser from PyPI's
//! `prometheus-client`; scripts/test.sh installs both. Missing tools fail the tests.

mod common;

use std::io::Write;
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use common::{duplicate_series, get, samples, Running, PROMETHEUS_ACCEPT};

/// Runs `promtool check metrics` on `body`: returns its findings; panics on a parse
/// error or when promtool is missing.
fn promtool_findings(body: &str) -> Vec<String> {
    let mut child = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect(
            "promtool is missing: install Debian's `prometheus` package (scripts/test.sh does)",
        );
    child
        .stdin
        .take()
        .unwrap()
        .write_all(body.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    match out.status.code() {
        Some(0) => Vec::new(),
        // 3: lint findings only.
        Some(3) => text.lines().map(str::to_owned).collect(),
        _ => panic!("promtool rejected the body: {text}"),
    }
}

/// node_exporter's own meminfo names are CamelCase (its checkmetrics.sh allows them);
/// any other promtool finding fails.
fn assert_promtool_clean(body: &str) {
    for f in promtool_findings(body) {
        let allowed = f.starts_with("node_memory_") && f.contains("camelCase");
        assert!(allowed, "promtool: {f}");
    }
}

/// Parses an OpenMetrics body with Python prometheus_client's strict parser; returns
/// the number of families.
fn openmetrics_parse(body: &str) -> usize {
    let script = "import sys\nfrom prometheus_client.openmetrics.parser import text_string_to_metric_families as p\nprint(len(list(p(sys.stdin.read()))))\n";
    let mut child = Command::new("python3")
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 is missing");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(body.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "OpenMetrics parser failed (pip install prometheus-client; scripts/test.sh does): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().parse().unwrap()
}

#[test]
fn both_formats_pass_the_validators_with_no_duplicate_series() {
    let s = Running::with_flags(&[]);
    let text = get(s.addr, "/metrics", &[]);
    assert_eq!(text.status, 200);
    assert_promtool_clean(&text.body);
    assert_eq!(duplicate_series(&text.body), Vec::<String>::new());
    let om = get(s.addr, "/metrics", &[PROMETHEUS_ACCEPT]);
    assert_eq!(
        om.header("content-type"),
        Some("application/openmetrics-text; version=1.0.0; charset=utf-8")
    );
    assert!(om.body.ends_with("# EOF\n"));
    assert!(openmetrics_parse(&om.body) > 50);
    assert_eq!(duplicate_series(&om.body), Vec::<String>::new());
    for name in [
        "node_cpu_seconds_total",
        "node_memory_MemTotal_bytes",
        "node_load1",
        "node_boot_time_seconds",
        "node_context_switches_total",
        "node_network_receive_bytes_total",
        "namedprocess_namegroup_num_procs",
        "pskit_scrape_collector_success",
        "process_resident_memory_bytes",
    ] {
        assert!(
            samples(&text.body).iter().any(|(n, _, _)| n == name),
            "{name} missing"
        );
    }
    // Every collector succeeded.
    for (n, labels, v) in samples(&text.body) {
        if n == "pskit_scrape_collector_success" {
            assert_eq!(v, 1.0, "{labels}");
        }
    }
}

#[test]
fn the_duplicate_check_of_the_tests_catches_duplicates() {
    let body = "a{x=\"1\",y=\"2\"} 1\na{y=\"2\",x=\"1\"} 2\nb 1\n";
    assert_eq!(
        duplicate_series(body),
        vec!["a{x=\"1\",y=\"2\"}".to_owned()]
    );
}

struct Reaper(Vec<Child>);

impl Drop for Reaper {
    fn drop(&mut self) {
        for c in &mut self.0 {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// A copy of `sleep` under `name` in `dir` (so the process name is `name`).
fn sleep_named(dir: &std::path::Path, name: &std::ffi::OsStr) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::copy("/bin/sleep", &path).expect("copy /bin/sleep");
    path
}

/// Starts `cmd` (a copy made by [`sleep_named`]) and waits until it runs as `name`.
fn start_named(cmd: &mut Command, name: &std::ffi::OsStr) -> Child {
    let deadline = Instant::now() + Duration::from_secs(10);
    // A copy just written may be "text file busy" for a moment: another test thread
    // that forked meanwhile holds the writing descriptor until its exec.
    let mut child = loop {
        match cmd.spawn() {
            Ok(child) => break child,
            Err(e) if e.raw_os_error() == Some(libc::ETXTBSY) && Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(10));
            }
            Err(e) => panic!("cannot start {name:?}: {e}"),
        }
    };
    while !pskit::Process::new(child.id())
        .and_then(|p| p.name())
        .is_ok_and(|n| n == name)
    {
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the child never ran as {name:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    child
}

/// Serializes the test that churns processes with the one that compares process counts.
static PROCESS_COUNT: Mutex<()> = Mutex::new(());

fn process_count_lock() -> MutexGuard<'static, ()> {
    PROCESS_COUNT.lock().unwrap_or_else(|p| p.into_inner())
}

#[test]
fn processes_churning_between_scrapes_never_break_a_scrape() {
    let _counts = process_count_lock();
    let s = Running::with_flags(&[
        "--collector.disable-defaults",
        "--collector",
        "processes",
        "--collector",
        "cgroups",
    ]);
    let stop = Arc::new(AtomicBool::new(false));
    let churned = Arc::new(AtomicUsize::new(0));
    let churn = {
        let (stop, churned) = (stop.clone(), churned.clone());
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                let mut kids: Vec<Child> = (0..10)
                    .filter_map(|_| Command::new("sleep").arg("5").spawn().ok())
                    .collect();
                std::thread::sleep(Duration::from_millis(3));
                for k in &mut kids {
                    let _ = k.kill();
                    let _ = k.wait();
                }
                churned.fetch_add(kids.len(), Ordering::Relaxed);
            }
        })
    };
    // At least 25 scrapes, and on until more than 50 processes came and went between
    // them (spawning is slow on a loaded machine).
    const GOAL: usize = 50;
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut scrapes = 0;
    let mut previous: Vec<(String, String, f64)> = Vec::new();
    while scrapes < 25 || churned.load(Ordering::Relaxed) <= GOAL {
        assert!(
            Instant::now() < deadline,
            "only {} processes churned during {scrapes} scrapes in 30 s",
            churned.load(Ordering::Relaxed)
        );
        scrapes += 1;
        let r = get(s.addr, "/metrics", &[]);
        assert_eq!(r.status, 200);
        assert_eq!(duplicate_series(&r.body), Vec::<String>::new());
        let now = samples(&r.body);
        assert!(now
            .iter()
            .any(|(n, _, v)| n == "pskit_scrape_collector_success" && *v == 1.0));
        // Group counters never go down between scrapes.
        for (name, labels, v) in &now {
            if name.starts_with("namedprocess_namegroup_") && name.ends_with("_total") {
                if let Some((_, _, before)) =
                    previous.iter().find(|(n, l, _)| n == name && l == labels)
                {
                    assert!(v >= before, "{name}{{{labels}}} went from {before} to {v}");
                }
            }
        }
        previous = now;
    }
    stop.store(true, Ordering::Relaxed);
    churn.join().unwrap();
    let spawned = churned.load(Ordering::Relaxed);
    assert!(spawned > GOAL, "only {spawned} processes churned");
    assert_promtool_clean(&get(s.addr, "/metrics", &[]).body);
}

#[test]
fn hostile_process_names_are_escaped_and_both_formats_still_parse() {
    let dir = tempfile::tempdir().unwrap();
    let name = <std::ffi::OsStr as std::os::unix::ffi::OsStrExt>::from_bytes(b"q\"b\\s\nn\xffx");
    let exe = sleep_named(dir.path(), name);
    let _kids = Reaper(vec![start_named(Command::new(&exe).arg("30"), name)]);
    let s = Running::with_flags(&["--collector.disable-defaults", "--collector", "processes"]);
    let text = get(s.addr, "/metrics", &[]).body;
    assert!(
        text.contains("namedprocess_namegroup_num_procs{groupname=\"q\\\"b\\\\s\\nn\u{fffd}x\"} 1"),
        "{text}"
    );
    assert_promtool_clean(&text);
    let om = get(s.addr, "/metrics", &[PROMETHEUS_ACCEPT]).body;
    assert!(openmetrics_parse(&om) > 5);
}

#[test]
fn command_lines_and_environment_are_private_unless_enabled() {
    let secret = "pskit-secret-token-4b1d";
    let env_secret = "pskit-env-secret-77aa";
    let dir = tempfile::tempdir().unwrap();
    let name = std::ffi::OsStr::new("pskitprivtest");
    let exe = sleep_named(dir.path(), name);
    let _kids = Reaper(vec![start_named(
        Command::new(&exe)
            .arg0(format!("pskitprivtest --password={secret}"))
            .arg("30")
            .env("PSKIT_TEST_SECRET", env_secret),
        name,
    )]);
    let plain = Running::with_flags(&[]);
    let body = get(plain.addr, "/metrics", &[]).body;
    assert!(body.contains("groupname=\"pskitprivtest\""));
    assert!(!body.contains(secret) && !body.contains(env_secret));
    assert!(!body.contains("cmdline"));
    let opted = Running::with_flags(&[
        "--export.cmdline",
        "--collector.disable-defaults",
        "--collector",
        "processes",
    ]);
    let body = get(opted.addr, "/metrics", &[]).body;
    assert!(
        body.contains(secret),
        "--export.cmdline exports the command line"
    );
    assert!(
        !body.contains(env_secret),
        "the environment is never exported"
    );
}

fn own_username() -> String {
    pskit::Process::current()
        .unwrap()
        .username()
        .unwrap()
        .to_string_lossy()
        .into_owned()
}

#[test]
fn other_users_names_are_exported_only_when_enabled() {
    let me = own_username();
    let is_root = pskit::Process::current().unwrap().uids().unwrap().effective == 0;
    // As root, run a process as `nobody` (uid 65534) so there is another user to hide.
    let _kids = Reaper(if is_root {
        vec![Command::new("sleep")
            .arg("30")
            .uid(65534)
            .gid(65534)
            .spawn()
            .expect("spawn as nobody")]
    } else {
        eprintln!("not root: only checking the exporter's own user name");
        Vec::new()
    });
    std::thread::sleep(Duration::from_millis(100));
    let plain = Running::with_flags(&[
        "--group-by",
        "user",
        "--collector.disable-defaults",
        "--collector",
        "processes",
    ]);
    let body = get(plain.addr, "/metrics", &[]).body;
    assert!(
        body.contains(&format!(
            "namedprocess_namegroup_num_procs{{groupname=\"{me}\"}}"
        )),
        "{body}"
    );
    if is_root {
        assert!(
            body.contains("namedprocess_namegroup_num_procs{groupname=\"65534\"}"),
            "{body}"
        );
        assert!(!body.contains("\"nobody\""));
        let opted = Running::with_flags(&[
            "--group-by",
            "user",
            "--export.usernames",
            "--collector.disable-defaults",
            "--collector",
            "processes",
        ]);
        let body = get(opted.addr, "/metrics", &[]).body;
        assert!(
            body.contains("namedprocess_namegroup_num_procs{groupname=\"nobody\"}"),
            "{body}"
        );
    }
}

#[test]
fn group_count_is_capped_with_the_rest_in_other() {
    let s = Running::with_flags(&[
        "--max-groups",
        "3",
        "--collector.disable-defaults",
        "--collector",
        "processes",
    ]);
    // The groups hold every process: their total is bracketed by the library's counts
    // read just before and just after the scrape (other tests' short-lived children
    // come and go meanwhile, hence the slack; the churning test waits its turn).
    let _counts = process_count_lock();
    let count = || pskit::pids().unwrap().len() as f64;
    let before = count();
    let body = get(s.addr, "/metrics", &[]).body;
    let after = count();
    let groups: Vec<_> = samples(&body)
        .into_iter()
        .filter(|(n, _, _)| n == "namedprocess_namegroup_num_procs")
        .collect();
    assert_eq!(groups.len(), 4, "{groups:?}");
    assert!(groups.iter().any(|(_, l, _)| l == "groupname=\"other\""));
    let total: f64 = groups.iter().map(|g| g.2).sum();
    const SLACK: f64 = 5.0;
    assert!(
        before.min(after) - SLACK <= total && total <= before.max(after) + SLACK,
        "{total} processes in groups, {before} pids before the scrape, {after} after"
    );
}
