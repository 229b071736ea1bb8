//! utmp (getutxent) and the systemd-logind session files.

use std::path::Path;
use std::sync::Mutex;

use super::{list_dir, read_path};
use crate::system::users::User;
use crate::{Error, Result};

static UTMP: Mutex<()> = Mutex::new(());

fn c_field(f: &[libc::c_char]) -> String {
    let bytes: Vec<u8> = f
        .iter()
        .take_while(|&&c| c != 0)
        .map(|&c| c as u8)
        .collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// psutil's host rule: empty, `:0` and `:0.0` mean the local display.
fn host_name(h: String) -> String {
    if h.is_empty() || h == ":0" || h == ":0.0" {
        "localhost".into()
    } else {
        h
    }
}

fn from_utmp() -> Vec<User> {
    let _guard = UTMP.lock().unwrap_or_else(|p| p.into_inner());
    let mut out = Vec::new();
    // SAFETY: the utmp cursor is process-global; the lock above serialises our use of
    // it. Each returned record is copied before the next call.
    unsafe {
        libc::setutxent();
        loop {
            let ent = libc::getutxent();
            if ent.is_null() {
                break;
            }
            let e = &*ent;
            if e.ut_type != libc::USER_PROCESS {
                continue;
            }
            let line = c_field(&e.ut_line);
            out.push(User {
                name: c_field(&e.ut_user),
                terminal: (!line.is_empty()).then_some(line),
                host: host_name(c_field(&e.ut_host)),
                started: e.ut_tv.tv_sec as f64,
                pid: u32::try_from(e.ut_pid).ok().filter(|&p| p > 0),
            });
        }
        libc::endutxent();
    }
    out
}

/// Parses one logind session file (`KEY=value` lines).
pub(crate) fn logind_session(data: &[u8]) -> Option<User> {
    let text = std::str::from_utf8(data).ok()?;
    let get = |k: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(k)?.strip_prefix('='))
            .map(str::to_owned)
    };
    if get("CLASS").as_deref().is_some_and(|c| c != "user") {
        return None;
    }
    Some(User {
        name: get("USER")?,
        terminal: get("TTY").filter(|t| !t.is_empty()),
        host: host_name(get("REMOTE_HOST").unwrap_or_default()),
        started: get("REALTIME")?.parse::<u64>().ok()? as f64 / 1e6,
        pid: get("LEADER").and_then(|p| p.parse().ok()),
    })
}

fn from_logind(dir: &Path) -> Vec<User> {
    let mut out = Vec::new();
    let mut buf = Vec::new();
    for f in list_dir(dir) {
        if f.ends_with(".ref") || read_path(&dir.join(&f), &mut buf).is_err() {
            continue;
        }
        if let Some(u) = logind_session(&buf) {
            out.push(u);
        }
    }
    out
}

pub(crate) fn users() -> Result<Vec<User>> {
    users_from(
        &[Path::new("/var/run/utmp"), Path::new("/run/utmp")],
        Path::new("/run/systemd/sessions"),
    )
}

/// utmp when one of `utmp` exists, else the logind session files in `sessions`; with
/// neither, an error that says so (an empty list would claim nobody is logged in).
fn users_from(utmp: &[&Path], sessions: &Path) -> Result<Vec<User>> {
    if utmp.iter().any(|p| p.exists()) {
        return Ok(from_utmp());
    }
    if sessions.is_dir() {
        return Ok(from_logind(sessions));
    }
    Err(Error::NotSupported(format!(
        "logged-in users are not recorded here: no utmp ({}) and no systemd-logind \
         sessions ({})",
        utmp.iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", "),
        sessions.display()
    )))
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    #[test]
    fn without_utmp_and_logind_it_says_so() {
        let none = Path::new("/nonexistent/pskit/utmp");
        let dir = tempfile::tempdir().unwrap();
        let e = super::users_from(&[none], &dir.path().join("sessions")).unwrap_err();
        assert!(e.to_string().contains("not recorded"), "{e}");
        // An empty sessions directory: nobody logged in, a real answer.
        assert!(super::users_from(&[none], dir.path()).unwrap().is_empty());
    }

    #[test]
    fn logind_file() {
        let s = b"# This is private data. Do not parse.\nUID=1000\nUSER=alice\nACTIVE=1\n\
STATE=active\nTYPE=tty\nCLASS=user\nTTY=tty2\nLEADER=1234\nREALTIME=1700000000123456\n";
        let u = super::logind_session(s).unwrap();
        assert_eq!(u.name, "alice");
        assert_eq!(u.terminal.as_deref(), Some("tty2"));
        assert_eq!(u.host, "localhost");
        assert_eq!(u.pid, Some(1234));
        assert!((u.started - 1_700_000_000.123456).abs() < 1e-3);
        let greeter = b"USER=gdm\nCLASS=greeter\nREALTIME=1\n";
        assert_eq!(super::logind_session(greeter), None);
        let remote = b"USER=bob\nREMOTE_HOST=10.0.0.5\nREALTIME=5000000\n";
        assert_eq!(super::logind_session(remote).unwrap().host, "10.0.0.5");
        assert_eq!(super::logind_session(b"garbage"), None);
    }
}
