//! `iotop` as an unprivileged user: other users' `io_counters` are AccessDenied, so
//! those processes are left out and counted, and the view goes on. The view is started
//! as the `pskit-test` user (created by scripts/test.sh; `nobody` otherwise), so this
//! test must run as root.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};

fn unprivileged_uid() -> u32 {
    let out = Command::new("id")
        .args(["-u", "pskit-test"])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .unwrap_or(65534)
}

#[test]
fn iotop_skips_and_counts_denied_processes() {
    // SAFETY: geteuid has no preconditions.
    assert_eq!(
        unsafe { libc::geteuid() },
        0,
        "this test must run as root to switch to an unprivileged user"
    );
    // The checkout may sit under a directory the user cannot enter: run a copy.
    let copy = std::env::temp_dir().join(format!("pskit-live-{}", std::process::id()));
    std::fs::copy(common::VIEW_COMMAND[0], &copy).unwrap();
    std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(0o755)).unwrap();
    let child = Command::new(&copy)
        .args(["iotop", "--json", "-n", "1", "-i", "0.2"])
        .uid(unprivileged_uid())
        .gid(65534)
        .current_dir("/")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let own_pid = child.id();
    let out = child.wait_with_output().unwrap();
    let _ = std::fs::remove_file(&copy);
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        doc["access_denied"].as_u64().unwrap() > 0,
        "{}",
        doc["access_denied"]
    );
    let pids: Vec<u64> = doc["processes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["pid"].as_u64().unwrap())
        .collect();
    assert!(!pids.contains(&1), "root's PID 1 is denied, so left out");
    assert!(
        pids.contains(&u64::from(own_pid)),
        "its own process is readable"
    );
}
