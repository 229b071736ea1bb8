//! Controlling terminal of a process: the tty_nr of stat mapped to a /dev path.

use std::path::PathBuf;

use super::HostState;

/// Maps a `tty_nr` to its device path, or `None` for no terminal. Pseudo-terminals
/// (majors 136-143) are computed; other devices come from a map of /dev/tty* and
/// /dev/pts/* by device number, rebuilt on a miss so terminals opened later are found
/// (psutil memoizes the map forever: #2830).
pub(crate) fn lookup(host: &HostState, tty_nr: u64) -> Option<PathBuf> {
    if tty_nr == 0 {
        return None;
    }
    let (major, minor) = (rustix::fs::major(tty_nr), rustix::fs::minor(tty_nr));
    if (136..=143).contains(&major) {
        let p = PathBuf::from(format!("/dev/pts/{}", (major - 136) * 256 + minor));
        if p.exists() {
            return Some(p);
        }
    }
    let mut map = host.terminals.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(p) = map.get(&tty_nr) {
        return Some(p.clone());
    }
    map.clear();
    for dir in ["/dev", "/dev/pts"] {
        let Ok(entries) = std::fs::read_dir(dir) else {
            continue;
        };
        for e in entries.flatten() {
            let name = e.file_name();
            let n = name.as_encoded_bytes();
            if dir == "/dev" && !n.starts_with(b"tty") {
                continue;
            }
            if let Ok(st) = rustix::fs::stat(e.path()) {
                map.insert(st.st_rdev, e.path());
            }
        }
    }
    map.get(&tty_nr).cloned()
}
