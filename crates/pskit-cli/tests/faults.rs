//! Bad input and faults: missing, zombie and non-numeric PIDs, bad intervals, a closed
//! stdout, a narrow terminal, colour rules, help and completions.

mod common;

use std::io::Read;
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::*;

/// Every subcommand this binary has (the live views and netstat are added elsewhere).
const SUBCOMMANDS: &[&str] = &[
    "ps",
    "pstree",
    "pidof",
    "killall",
    "proc",
    "procinfo",
    "pmap",
    "procsmem",
    "free",
    "meminfo",
    "disk-usage",
    "iostat",
    "ifconfig",
    "netstat",
    "sensors",
    "temperatures",
    "fans",
    "battery",
    "who",
    "info",
    "top",
    "iotop",
    "nettop",
    "cpu-distribution",
    "serve",
    "completions",
];

#[test]
fn a_pid_that_does_not_exist_is_one_line_and_exit_1() {
    for cmd in ["proc", "procinfo", "pmap", "pstree"] {
        let line = expect_failure(&[cmd, "99999999"], 1, "no process with PID 99999999");
        assert_eq!(line, "pskit: no process with PID 99999999\n");
    }
}

#[test]
fn a_zombie_pid_is_reported_as_such() {
    let mut z = zombie();
    let pid = z.id().to_string();
    // proc: psutil's as_dict on a zombie: null values, ZombieProcess in `errors`.
    let v = pskit_json(&["proc", &pid, "--attrs", "name,status,cmdline,exe"]);
    assert_eq!(v["status"], "zombie");
    assert_eq!(v["name"], "true");
    assert!(v["cmdline"].is_null());
    assert_eq!(v["errors"]["cmdline"], "ZombieProcess");
    assert_eq!(v["errors"]["exe"], "ZombieProcess");
    // pmap: nothing to show, one clear line.
    let me = std::process::id();
    expect_failure(
        &["pmap", &pid],
        1,
        &format!("PID {pid} (true) is a zombie (its parent {me} has not reaped it)"),
    );
    // procinfo: what is left, with the status.
    let text = pskit_ok(&["procinfo", &pid]);
    assert!(
        text.lines()
            .any(|l| l.starts_with("status") && l.ends_with("zombie")),
        "{text}"
    );
    assert!(text
        .lines()
        .any(|l| l.starts_with("cmdline") && l.ends_with("ZombieProcess")));
    // ps: the zombie as ps shows it.
    let ps = pskit_ok(&["ps", "-p", &pid]);
    let row = row_with(&ps, 1, &pid).unwrap();
    assert_eq!(row[7], "Z");
    assert_eq!(row[10..], ["[true]", "<defunct>"]);
    z.wait().unwrap();
}

#[test]
fn a_non_numeric_pid_is_a_usage_error() {
    for cmd in ["proc", "procinfo", "pmap"] {
        expect_failure(&[cmd, "abc"], 2, "invalid value 'abc' for '<PID>'");
    }
    expect_failure(&["ps", "-p", "12x"], 2, "invalid value '12x'");
    expect_failure(&["proc", "-5"], 2, "pskit proc --help");
}

#[test]
fn an_interval_of_zero_or_below_is_a_usage_error() {
    for bad in ["0", "-1", "-0.5", "0.0", "nan", "abc"] {
        let out = pskit(&["iostat", bad]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{bad}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.starts_with("pskit: invalid value"), "{stderr}");
    }
    expect_failure(&["iostat", "0"], 2, "the interval must be greater than 0");
}

#[test]
fn other_usage_errors_exit_2() {
    expect_failure(&["frobnicate"], 2, "unrecognized subcommand 'frobnicate'");
    expect_failure(&["ps", "--sort", "colour"], 2, "invalid value 'colour'");
    expect_failure(
        &["ps", "--json", "--attrs", "name,bogus"],
        2,
        "invalid attr name 'bogus'",
    );
    let out = pskit(&[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Usage: pskit"));
}

#[test]
fn a_missing_required_argument_is_named() {
    for (args, missing) in [
        (&["pmap"][..], "<PID>"),
        (&["proc"], "<PID>"),
        (&["killall"], "<NAME>"),
        (&["pidof"], "<NAME>"),
    ] {
        let line = expect_failure(
            args,
            2,
            &format!("the following required arguments were not provided: {missing} (see"),
        );
        assert!(
            line.contains(&format!("'pskit {} --help'", args[0])),
            "{line}"
        );
    }
}

/// The reader goes away before pskit writes: no panic, no message, exit 0.
#[test]
fn a_closed_stdout_ends_quietly() {
    for args in [
        &["ps"][..],
        &["iostat", "0.05", "-n", "0"],
        &["procsmem"],
        &["pstree"],
    ] {
        let mut child = pskit_cmd(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let start = Instant::now();
        let status = loop {
            if let Some(s) = child.try_wait().unwrap() {
                break s;
            }
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "{args:?} kept running"
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        let mut err = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        assert!(status.success(), "{args:?}: {status:?} {err}");
        assert!(
            !err.contains("panic") && !err.contains("Broken pipe"),
            "{args:?}: {err}"
        );
    }
}

/// `pskit ps | head -1` in a shell, as the issue says it.
#[test]
fn ps_into_head_prints_one_line_and_no_error() {
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg("\"$0\" ps 2>\"$1\" | head -1; cat \"$1\"")
        .arg(env!("CARGO_BIN_EXE_pskit"))
        .arg(std::env::temp_dir().join(format!("pskit-head-{}", std::process::id())))
        .env_remove("COLUMNS")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("USER "), "{text}");
    assert_eq!(
        text.lines().count(),
        1,
        "header only, no error text: {text}"
    );
}

#[test]
fn a_terminal_narrower_than_40_columns_gets_lines_that_fit() {
    let s = Sleeper::new();
    let child = s.spawn();
    let pid = child.id().to_string();
    for args in [
        &["ps"][..],
        &["pstree"],
        &["procinfo", &pid],
        &["pmap", &pid],
        &["procsmem"],
        &["free"],
        &["meminfo"],
        &["disk-usage"],
        &["iostat", "0.1"],
        &["ifconfig"],
        &["who"],
        &["info"],
        &["proc", &pid],
    ] {
        let out = pskit_cmd(args).env("COLUMNS", "30").output().unwrap();
        assert!(out.status.success(), "{args:?}");
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(!text.is_empty());
        for line in text.lines() {
            assert!(line.chars().count() <= 30, "{args:?}: {line:?}");
        }
    }
    // The PID column stays: the child is still found.
    let out = pskit_cmd(&["ps"]).env("COLUMNS", "30").output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.lines().next().unwrap().contains("PID"));
    assert!(text.lines().any(|l| l.split_whitespace().any(|c| c == pid)));
    reap(child);
}

/// Runs `pskit free` on a pseudo-terminal (util-linux `script`).
fn free_on_a_tty(no_color: bool) -> String {
    let bin = env!("CARGO_BIN_EXE_pskit");
    let mut cmd = std::process::Command::new("script");
    cmd.args(["-qec", &format!("{bin} free"), "/dev/null"])
        .env_remove("COLUMNS")
        .env_remove("NO_COLOR");
    if no_color {
        cmd.env("NO_COLOR", "1");
    }
    let out = cmd
        .output()
        .expect("script(1) from util-linux is needed (scripts/test.sh installs it)");
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn colour_only_on_a_terminal_and_never_with_no_color() {
    assert!(
        free_on_a_tty(false).contains("\x1b[1m"),
        "bold header on a tty"
    );
    let plain = free_on_a_tty(true);
    assert!(
        plain.contains("total") && !plain.contains('\x1b'),
        "{plain:?}"
    );
    assert!(
        !pskit_ok(&["free"]).contains('\x1b'),
        "no colour into a pipe"
    );
}

#[test]
fn every_subcommand_has_help_with_an_example() {
    let top = pskit_ok(&["--help"]);
    for cmd in SUBCOMMANDS {
        assert!(
            top.contains(&format!("  {cmd} ")),
            "{cmd} missing from --help"
        );
        let help = pskit_ok(&[cmd, "--help"]);
        assert!(help.contains("Examples:"), "{cmd}");
        assert!(help.contains(&format!("pskit {cmd}")), "{cmd} example");
    }
}

#[test]
fn completions_are_generated_for_each_shell() {
    let bash = pskit_ok(&["completions", "bash"]);
    assert!(bash.contains("_pskit()") && bash.contains("procsmem") && bash.contains("disk-usage"));
    assert!(pskit_ok(&["completions", "zsh"]).starts_with("#compdef pskit"));
    assert!(pskit_ok(&["completions", "fish"]).contains("complete -c pskit"));
    expect_failure(&["completions", "tcsh"], 2, "invalid value 'tcsh'");
    expect_failure(&["completions", "bash", "--json"], 2, "no --json form");
}

/// Processes whose memory the library cannot read, by PID.
fn memory_denied() -> Vec<u32> {
    let infos = pskit::ProcessTable::new()
        .scan(&[pskit::Attr::MemoryFullInfo])
        .unwrap();
    infos
        .iter()
        .filter(|i| {
            matches!(
                i.memory_full_info,
                pskit::Field::Err(pskit::AttrError::AccessDenied)
            )
        })
        .map(|i| i.pid)
        .collect()
}

#[test]
fn procsmem_advises_root_only_to_a_user_who_is_not_root() {
    let root = pskit::Process::current().unwrap().uids().unwrap().effective == 0;
    let before = memory_denied();
    let out = pskit(&["procsmem"]);
    let after = memory_denied();
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    for line in stderr.lines() {
        assert!(line.starts_with("pskit: warning: "), "{stderr}");
        assert_ne!(root, line.contains("run as root"), "root={root}: {line}");
    }
    let denied_line = stderr.lines().find(|l| l.contains("access denied for "));
    if before.is_empty() && after.is_empty() {
        assert_eq!(denied_line, None, "nothing was denied to the library");
    }
    // Processes denied to the library before and after the run (PID 1 in a container,
    // say) were denied to pskit too, and the line says why.
    if before.iter().any(|p| after.contains(p)) {
        let line = denied_line.unwrap_or_else(|| panic!("no count: {stderr:?}"));
        let expected = if root {
            "even as root: "
        } else {
            "(run as root"
        };
        assert!(line.contains(expected), "{line}");
    }
}

#[test]
fn a_process_denied_even_to_root_is_not_told_to_run_as_root() {
    let root = pskit::Process::current().unwrap().uids().unwrap().effective == 0;
    // PID 1 is another user's process to a normal user and, in some containers, out of
    // root's reach as well; whichever applies, the advice must match. (Where root can
    // read it, the unprivileged suite covers the denied case.)
    if !matches!(
        pskit::Process::new(1).unwrap().memory_maps_ungrouped(),
        Err(pskit::Error::AccessDenied { .. })
    ) {
        return;
    }
    let line = expect_failure(&["pmap", "1"], 1, "access denied to PID 1");
    assert_eq!(
        !root,
        line.contains("run as its owner or as root"),
        "{line}"
    );
    assert_eq!(root, line.contains("even as root"), "{line}");
}

#[test]
fn live_views_refuse_bytes_instead_of_ignoring_it() {
    for view in ["top", "iotop", "nettop", "cpu-distribution"] {
        expect_failure(
            &["--bytes", view, "--once"],
            2,
            &format!("--bytes applies to table output; {view} shows sizes as 1.5G"),
        );
    }
}
