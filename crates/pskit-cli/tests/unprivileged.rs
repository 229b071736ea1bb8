//! Part of the suite run as an unprivileged user, to prove AccessDenied: the built
//! `pskit` binary is started as the `pskit-test` user (created by scripts/test.sh;
//! `nobody` otherwise) and asked about PID 1, which belongs to root.

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

#[test]
fn another_users_secrets_are_access_denied_and_the_rest_answers() {
    // SAFETY: geteuid has no preconditions.
    assert_eq!(
        unsafe { libc::geteuid() },
        0,
        "this test must run as root to switch to an unprivileged user"
    );
    let uid = unprivileged_uid();
    // The checkout may sit under a directory the user cannot enter: run a copy.
    let dir = std::env::temp_dir().join(format!("pskit-unprivileged-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bin = dir.join("pskit");
    std::fs::copy(env!("CARGO_BIN_EXE_pskit"), &bin).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(&bin, std::fs::Permissions::from_mode(0o755)).unwrap();
    let out = Command::new(&bin)
        .args([
            "proc",
            "1",
            "--attrs",
            "name,ppid,cmdline,environ,exe,cwd,memory_full_info,io_counters,num_fds,uids",
            "--json",
        ])
        .uid(uid)
        .gid(65534)
        .current_dir("/")
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
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
