//! /proc/PID/cmdline and /proc/PID/environ.

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;

/// Splits a cmdline exactly as psutil does: the separator is NUL when the data ends
/// with NUL, else a space (a process that rewrote its title, e.g. with setproctitle);
/// one trailing separator is dropped; empty arguments are kept. A NUL split that yields
/// a single argument containing spaces is split on spaces instead (psutil #1179).
pub(crate) fn split_cmdline(data: &[u8]) -> Vec<OsString> {
    if data.is_empty() {
        return Vec::new();
    }
    let owned = |s: &[u8]| OsString::from_vec(s.to_vec());
    let sep = if data.ends_with(b"\0") { 0 } else { b' ' };
    let body = data.strip_suffix(&[sep]).unwrap_or(data);
    let args: Vec<&[u8]> = body.split(|&b| b == sep).collect();
    if sep == 0 && args.len() == 1 && body.contains(&b' ') {
        return body.split(|&b| b == b' ').map(owned).collect();
    }
    args.into_iter().map(owned).collect()
}

/// Parses a NUL-separated `KEY=VALUE` block. Entries without `=` are skipped (as psutil);
/// a later duplicate key wins, as in a Python dict.
pub(crate) fn parse_environ(data: &[u8]) -> Vec<(OsString, OsString)> {
    let mut out: Vec<(OsString, OsString)> = Vec::new();
    for entry in data.split(|&b| b == 0).filter(|e| !e.is_empty()) {
        let Some(eq) = entry.iter().position(|&b| b == b'=') else {
            continue;
        };
        let key = OsString::from_vec(entry[..eq].to_vec());
        let value = OsString::from_vec(entry[eq + 1..].to_vec());
        match out.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = value,
            None => out.push((key, value)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::ffi::OsStrExt;

    fn strs(v: &[OsString]) -> Vec<&[u8]> {
        v.iter().map(|s| s.as_bytes()).collect()
    }

    #[test]
    fn nul_separated() {
        assert_eq!(
            strs(&split_cmdline(b"ls\0-l\0a b\0")),
            vec![&b"ls"[..], b"-l", b"a b"]
        );
        assert_eq!(strs(&split_cmdline(b"x\0\0")), vec![&b"x"[..], b""]);
    }

    #[test]
    fn setproctitle_style() {
        // Padding NULs stay as empty arguments, as psutil returns them.
        assert_eq!(
            strs(&split_cmdline(b"nginx: worker process\0\0\0")),
            vec![&b"nginx: worker process"[..], b"", b""]
        );
        assert_eq!(
            strs(&split_cmdline(b"nginx: worker process\0")),
            vec![&b"nginx:"[..], b"worker", b"process"]
        );
        assert_eq!(
            strs(&split_cmdline(b"postgres: writer  ")),
            vec![&b"postgres:"[..], b"writer", b""]
        );
    }

    #[test]
    fn kernel_thread_and_invalid_utf8() {
        assert!(split_cmdline(b"").is_empty());
        assert_eq!(strs(&split_cmdline(b"\xff\xfe\0")), vec![&b"\xff\xfe"[..]]);
    }

    #[test]
    fn environ() {
        let env = parse_environ(b"A=1\0B=x=y\0junk\0A=2\0\xff=\xfe\0");
        assert_eq!(env.len(), 3);
        assert_eq!(env[0], ("A".into(), "2".into()));
        assert_eq!(env[1], ("B".into(), "x=y".into()));
        assert_eq!(env[2].0.as_bytes(), b"\xff");
        assert!(parse_environ(b"").is_empty());
    }
}
