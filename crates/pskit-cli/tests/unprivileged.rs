//! Part of the suite run as an unprivileged user, to prove AccessDenied: the built
//! `pskit` binary is started as the `pskit-test` user (created by scripts/test.sh;
//! `nobody` otherwise) and asked about PID 1 and other processes of root.

mod common;

use std::os::unix::process::CommandExt;
use std::process::Command;

fn unprivileged_uid() -> u32 {
    let out = Command::new("id")
        .args(["-u", "pskit-test"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    text.trim().parse().unwrap_or(65534)
}

/// Runs a copy of `pskit` (the checkout may sit under a directory the user cannot
/// enter) as the unprivileged user, from `/`.
fn pskit_unprivileged(args: &[&str]) -> std::process::Output {
    // SAFETY: geteuid has no preconditions.
    assert_eq!(
        unsafe { libc::geteuid() },
        0,
        "this test must run as root to switch to an unprivileged user"
    );
    let uid = unprivileged_uid();
    let n = COPIES.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let dir = std::env::temp_dir().join(format!("pskit-unprivileged-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bin = dir.join("pskit");
    std::fs::copy(env!("CARGO_BIN_EXE_pskit"), &bin).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(&bin, std::fs::Permissions::from_mode(0o755)).unwrap();
    let out = loop {
        // A fresh copy can be "text file busy" while another test thread forks.
        match Command::new(&bin)
            .args(args)
            .env_remove("COLUMNS")
            .uid(uid)
            .gid(65534)
            .current_dir("/")
            .output()
        {
            Err(e) if e.raw_os_error() == Some(libc::ETXTBSY) => {
                std::thread::sleep(std::time::Duration::from_millis(20))
            }
            r => break r.unwrap(),
        }
    };
    let _ = std::fs::remove_dir_all(&dir);
    out
}

static COPIES: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

#[test]
fn another_users_secrets_are_access_denied_and_the_rest_answers() {
    let out = pskit_unprivileged(&[
        "proc",
        "1",
        "--attrs",
        "name,ppid,cmdline,environ,exe,cwd,memory_full_info,io_counters,num_fds,uids",
        "--json",
    ]);
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let errors = &v["errors"];
    for field in [
        "environ",
        "exe",
        "cwd",
        "memory_full_info",
        "io_counters",
        "num_fds",
    ] {
        assert_eq!(errors[field], "AccessDenied", "{field}: {v}");
        assert!(
            v[field].is_null(),
            "{field} should be null (psutil's ad_value)"
        );
    }
    // exe is denied too, unless psutil's guess applies: an absolute, executable
    // cmdline[0] is returned instead.
    assert!(
        errors["exe"] == "AccessDenied" || v["exe"] == v["cmdline"][0],
        "exe: {v}"
    );
    // What any user may read still answers.
    assert_eq!(v["ppid"], 0);
    assert!(v["name"].is_string());
    assert_eq!(v["uids"]["real"], 0);
}

#[test]
fn procinfo_of_a_root_process_shows_access_denied_rows() {
    let out = pskit_unprivileged(&["procinfo", "1"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let row = |k: &str| {
        text.lines()
            .find(|l| l.starts_with(k) && l[k.len()..].starts_with("  "))
            .unwrap_or_else(|| panic!("no {k} row:\n{text}"))
            .to_string()
    };
    for denied in ["cwd", "num-fds", "I/O", "environ", "mem-maps"] {
        assert!(row(denied).ends_with("AccessDenied"), "{}", row(denied));
    }
    assert!(row("uids").ends_with("real=0, effective=0, saved=0"));
}

#[test]
fn pmap_of_a_root_process_is_access_denied() {
    let out = pskit_unprivileged(&["pmap", "1"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("pskit: access denied to PID 1 ("),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn killall_of_a_root_process_is_access_denied_and_it_survives() {
    let s = common::Sleeper::new();
    let mut child = s.spawn();
    let out = pskit_unprivileged(&["killall", &s.name]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_eq!(
        stderr.trim_end(),
        format!(
            "pskit: access denied to PID {} ({}): run as its owner or as root",
            child.id(),
            s.name
        )
    );
    assert!(child.try_wait().unwrap().is_none(), "still running");
    common::reap(child);
}

#[test]
fn procsmem_counts_the_processes_it_cannot_read() {
    let out = pskit_unprivileged(&["procsmem"]);
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    let count: usize = stderr
        .strip_prefix("pskit: warning: access denied for ")
        .and_then(|r| r.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{stderr:?}"));
    assert!(count >= 1, "PID 1 at least");
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.lines()
            .skip(1)
            .all(|l| l.split_whitespace().nth(1) == Some("pskit-test")
                || l.split_whitespace().nth(1) == Some("nobody")),
        "only the user's own processes are readable:\n{text}"
    );
}
