//! Linux backend of the system-wide API: opens /proc and /sys files relative to a
//! host's roots and hands the bytes to the pure parsers in `linux::parse`.

pub(crate) mod cgroup;
pub(crate) mod cpu;
pub(crate) mod disk;
pub(crate) mod hwmon;
pub(crate) mod memory;
pub(crate) mod net;
pub(crate) mod sensors;
pub(crate) mod users;

use std::path::Path;

use super::fs::{self, ReadMode};
use super::HostState;
use crate::{Error, Result};

/// Reads `{proc}/rel` into the scratch buffer and runs `f` on its bytes.
pub(crate) fn with_proc<T>(
    host: &HostState,
    rel: &str,
    f: impl FnOnce(&[u8]) -> Result<T>,
) -> Result<T> {
    fs::with_scratch(|buf| {
        host.read_proc(rel, buf, ReadMode::ToEof)?;
        f(buf)
    })
}

/// Like [`with_proc`] but `Ok(None)` when the file does not exist.
pub(crate) fn with_proc_opt<T>(
    host: &HostState,
    rel: &str,
    f: impl FnOnce(&[u8]) -> Result<T>,
) -> Result<Option<T>> {
    fs::with_scratch(|buf| match host.read_proc(rel, buf, ReadMode::ToEof) {
        Ok(()) => f(buf).map(Some),
        Err(Error::Io { source, .. }) if super::host::is_not_found(&source) => Ok(None),
        Err(e) => Err(e),
    })
}

/// Reads an absolute path (a sysfs attribute) into `buf`.
pub(crate) fn read_path(path: &Path, buf: &mut Vec<u8>) -> std::io::Result<()> {
    fs::read_at(rustix::fs::CWD, path, buf, ReadMode::ToEof)
}

/// A sysfs attribute as trimmed text; `None` if it cannot be read or is not UTF-8.
pub(crate) fn read_text(path: &Path) -> Option<String> {
    let mut buf = Vec::with_capacity(64);
    read_path(path, &mut buf).ok()?;
    String::from_utf8(buf.trim_ascii().to_vec()).ok()
}

/// A sysfs attribute holding one unsigned integer.
pub(crate) fn read_u64(path: &Path) -> Option<u64> {
    fs::with_scratch(|buf| {
        read_path(path, buf).ok()?;
        super::parse::parse_u64(buf.trim_ascii())
    })
}

/// A sysfs attribute holding one signed integer, as f64.
pub(crate) fn read_f64(path: &Path) -> Option<f64> {
    fs::with_scratch(|buf| {
        read_path(path, buf).ok()?;
        super::parse::parse_i64(buf.trim_ascii()).map(|v| v as f64)
    })
}

/// Names of the entries of a directory (sorted), or an empty list when it is absent.
pub(crate) fn list_dir(path: &Path) -> Vec<String> {
    let Ok(dir) = fs::open_dir_at(rustix::fs::CWD, path) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let _ = fs::for_each_entry(dir, |name, _| {
        if let Ok(s) = std::str::from_utf8(name) {
            out.push(s.to_owned());
        }
        Ok(())
    });
    out.sort_by(|a, b| natural_cmp(a, b));
    out
}

/// Orders `cpu2` before `cpu10`: compares the text before the trailing number, then
/// the number.
pub(crate) fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    fn split(s: &str) -> (&str, Option<u64>) {
        let i = s.trim_end_matches(|c: char| c.is_ascii_digit()).len();
        (&s[..i], s[i..].parse().ok())
    }
    split(a).cmp(&split(b)).then_with(|| a.cmp(b))
}

/// `name` minus `prefix` when the rest is a decimal number.
pub(crate) fn numbered(name: &str, prefix: &str) -> Option<u32> {
    let rest = name.strip_prefix(prefix)?;
    if rest.is_empty() || !rest.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    rest.parse().ok()
}
