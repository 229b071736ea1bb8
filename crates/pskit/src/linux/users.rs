//! User names for uids, through the C library's NSS lookup, cached per host.

use std::ffi::{CStr, OsString};
use std::os::unix::ffi::OsStringExt;

use super::HostState;

/// The name of `uid` (psutil: `pwd.getpwuid(uid).pw_name`), or the uid in decimal when
/// no account has it (psutil does the same). Cached: glibc re-reads /etc/passwd on
/// every lookup, which cost psutil 13.5 µs per process.
pub(crate) fn user_name(host: &HostState, uid: u32) -> OsString {
    let mut cache = host.user_names.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(name) = cache.get(&uid) {
        return name.clone();
    }
    let name = lookup(uid).unwrap_or_else(|| OsString::from(uid.to_string()));
    cache.insert(uid, name.clone());
    name
}

fn lookup(uid: u32) -> Option<OsString> {
    let mut buf = vec![0u8; 1024];
    loop {
        // SAFETY: `pwd` and `result` are plain C structs; `buf` outlives the call and its
        // length is passed; on success `pw_name` points into `buf`.
        let mut pwd: libc::passwd = unsafe { std::mem::zeroed() };
        let mut result: *mut libc::passwd = std::ptr::null_mut();
        let rc = unsafe {
            libc::getpwuid_r(
                uid,
                &mut pwd,
                buf.as_mut_ptr().cast(),
                buf.len(),
                &mut result,
            )
        };
        if rc == libc::ERANGE && buf.len() < 1 << 20 {
            buf.resize(buf.len() * 2, 0);
            continue;
        }
        if rc != 0 || result.is_null() || pwd.pw_name.is_null() {
            return None;
        }
        // SAFETY: getpwuid_r succeeded, so pw_name is a NUL-terminated string in `buf`.
        let name = unsafe { CStr::from_ptr(pwd.pw_name) };
        return Some(OsString::from_vec(name.to_bytes().to_vec()));
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn root_and_unknown() {
        let host = super::HostState::new("/proc".into(), "/sys".into());
        assert_eq!(super::user_name(&host, 0), "root");
        assert_eq!(super::user_name(&host, 3_999_999_999), "3999999999");
    }
}
