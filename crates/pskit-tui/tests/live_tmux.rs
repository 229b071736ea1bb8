//! The full-screen views used as a person would: started in a detached tmux session
//! of a fixed size, keys sent, the screen read back with `capture-pane`, and the way
//! out checked (the process gone with status 0, the alternate screen left).

mod common;

use common::{process_exists, row_of, Sleeper, Tmux, CHILD_NAME};

/// Checks the view quit cleanly: exit status 0, the process gone, and the terminal
/// back on the normal screen.
fn assert_clean_exit(tmux: &Tmux, view_pid: u32) {
    assert_eq!(tmux.wait_exit(), 0, "screen:\n{}", tmux.capture());
    assert!(!process_exists(view_pid), "the view's process is gone");
    assert_eq!(tmux.pane("alternate_on"), "0", "alternate screen left");
}

#[test]
fn top_shows_the_header_and_our_child_sorts_by_keys_and_quits_with_q() {
    let child = Sleeper::start();
    let me = std::process::id();
    let pids = format!("{},{}", me, child.pid());
    let tmux = Tmux::start(120, 40, &["top", "-i", "0.5", "-p", &pids]);
    let view = tmux.view_pid();
    let screen = tmux.wait_for("the process table with our child", |s| {
        s.contains("Load average:") && row_of(s, child.pid(), CHILD_NAME).is_some()
    });
    assert!(screen.contains("CPU0"), "{screen}");
    assert!(screen.contains("Mem"), "{screen}");
    assert!(screen.contains("Swap"), "{screen}");
    let header = screen
        .lines()
        .find(|l| l.trim_start().starts_with("PID"))
        .unwrap();
    let titles: Vec<&str> = header.split_whitespace().collect();
    assert_eq!(
        titles,
        ["PID", "USER", "NI", "VIRT", "RES", "CPU%", "MEM%", "TIME+", "NAME"]
    );
    assert_eq!(tmux.pane("alternate_on"), "1", "full-screen");

    let position = |screen: &str, pid: u32| {
        screen
            .lines()
            .position(|l| l.split_whitespace().next() == Some(&pid.to_string()))
    };
    let (low, high) = (me.min(child.pid()), me.max(child.pid()));
    tmux.send(&["p"]);
    let screen = tmux.wait_for("sort by PID ascending", |s| s.contains("sort: PID asc"));
    assert!(position(&screen, low) < position(&screen, high), "{screen}");
    tmux.send(&["p"]);
    let screen = tmux.wait_for("sort by PID descending", |s| s.contains("sort: PID desc"));
    assert!(position(&screen, high) < position(&screen, low), "{screen}");
    tmux.send(&["<"]);
    tmux.wait_for("the previous column (wrapping to NAME)", |s| {
        s.contains("sort: NAME asc")
    });
    tmux.send(&["m"]);
    tmux.wait_for("sort by MEM%", |s| s.contains("sort: MEM% desc"));

    tmux.send(&["q"]);
    assert_clean_exit(&tmux, view);
}

#[test]
fn top_on_a_30_column_terminal_degrades_and_quits_with_ctrl_c() {
    let child = Sleeper::start();
    let pid = child.pid().to_string();
    let tmux = Tmux::start(30, 20, &["top", "-i", "0.5", "-p", &pid]);
    let view = tmux.view_pid();
    let screen = tmux.wait_for("our child on a narrow screen", |s| {
        row_of(s, child.pid(), &CHILD_NAME[..6]).is_some()
    });
    let header = screen
        .lines()
        .find(|l| l.trim_start().starts_with("PID"))
        .unwrap();
    assert!(
        header.contains("CPU%") && header.contains("NAME"),
        "{screen}"
    );
    assert!(!header.contains("VIRT"), "columns dropped: {screen}");
    assert!(screen.lines().all(|l| l.chars().count() <= 30));
    // Resizing further down must not break it either.
    tmux.send(&["j", "k", "Down", "Up", "PageDown", "Home"]);
    tmux.send(&["C-c"]);
    assert_clean_exit(&tmux, view);
}

#[test]
fn iotop_shows_totals_and_our_child() {
    let child = Sleeper::start();
    let pid = child.pid().to_string();
    let tmux = Tmux::start(120, 30, &["iotop", "-i", "0.5", "-p", &pid]);
    let view = tmux.view_pid();
    let screen = tmux.wait_for("our child", |s| {
        row_of(s, child.pid(), CHILD_NAME).is_some()
    });
    assert!(screen.contains("Total DISK READ:") && screen.contains("Total DISK WRITE:"));
    assert!(screen.contains("skipped (AccessDenied)"), "{screen}");
    let header = screen.lines().find(|l| l.contains("DISK READ ")).unwrap();
    assert!(
        header.contains("PID") && header.contains("COMMAND"),
        "{screen}"
    );
    let row = row_of(&screen, child.pid(), CHILD_NAME).unwrap();
    assert!(row.contains("B/s"), "{row}");
    tmux.send(&["q"]);
    assert_clean_exit(&tmux, view);
}

#[test]
fn nettop_shows_loopback_and_restores_the_terminal_on_sigterm() {
    let tmux = Tmux::start(100, 30, &["nettop", "-i", "0.5"]);
    let view = tmux.view_pid();
    let screen = tmux.wait_for("the loopback row", |s| {
        s.lines().any(|l| l.starts_with("lo "))
    });
    assert!(screen.contains("total bytes:") && screen.contains("total packets:"));
    let header = screen.lines().find(|l| l.starts_with("NIC")).unwrap();
    assert!(
        header.contains("SENT/s") && header.contains("RECV/s"),
        "{screen}"
    );
    // SAFETY: kill has no memory-safety preconditions.
    assert_eq!(unsafe { libc::kill(view as i32, libc::SIGTERM) }, 0);
    assert_clean_exit(&tmux, view);
}

#[test]
fn cpu_distribution_shows_our_child_under_a_cpu_and_quits_with_q() {
    let child = Sleeper::start();
    let pid = child.pid().to_string();
    let tmux = Tmux::start(100, 30, &["cpu-distribution", "-i", "0.5", "-p", &pid]);
    let view = tmux.view_pid();
    let entry = format!("{} {CHILD_NAME}", child.pid());
    let screen = tmux.wait_for("our child's entry", |s| s.contains(&entry));
    assert!(screen.contains("CPU 0"), "{screen}");
    assert!(screen.contains("Processes: 1"), "{screen}");
    tmux.send(&["q"]);
    assert_clean_exit(&tmux, view);
}

#[test]
fn once_in_a_30_column_terminal_prints_fitted_plain_text() {
    let child = Sleeper::start();
    let pid = child.pid().to_string();
    let tmux = Tmux::start(30, 30, &["top", "--once", "-i", "0.2", "-p", &pid]);
    assert_eq!(tmux.wait_exit(), 0);
    let screen = tmux.capture_joined();
    assert!(screen.starts_with("CPU0 "), "{screen}");
    assert!(screen.contains("Load average:"), "{screen}");
    assert!(
        row_of(&screen, child.pid(), &CHILD_NAME[..6]).is_some(),
        "{screen}"
    );
    // Each printed line fits, so none was wrapped onto a second screen line.
    assert!(screen.lines().all(|l| l.chars().count() <= 30), "{screen}");
    assert_eq!(tmux.pane("alternate_on"), "0");
}
