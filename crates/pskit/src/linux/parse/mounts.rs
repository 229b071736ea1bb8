//! /proc/self/mounts (the mount table) and /proc/filesystems.

use super::{fields, lines};

/// Decodes the `\ooo` octal escapes the kernel writes for space, tab, newline and
/// backslash in mount and swap paths (`/mnt/my\040disk` → `/mnt/my disk`).
pub(crate) fn unescape_octal(s: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        if s[i] == b'\\' && i + 3 < s.len() {
            let d = &s[i + 1..i + 4];
            if d.iter().all(|b| (b'0'..=b'7').contains(b)) {
                let v = (d[0] - b'0') as u32 * 64 + (d[1] - b'0') as u32 * 8 + (d[2] - b'0') as u32;
                if v <= 255 {
                    out.push(v as u8);
                    i += 4;
                    continue;
                }
            }
        }
        out.push(s[i]);
        i += 1;
    }
    out
}

/// One mount: device, mount point, file system type, options (escapes decoded).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Mount {
    pub(crate) device: Vec<u8>,
    pub(crate) mountpoint: Vec<u8>,
    pub(crate) fstype: Vec<u8>,
    pub(crate) opts: Vec<u8>,
}

/// Parses a mounts file (`device mountpoint fstype opts dump pass` per line). Lines with
/// fewer than four fields are skipped, as getmntent(3) does.
pub(crate) fn mounts(data: &[u8]) -> Vec<Mount> {
    lines(data)
        .filter_map(|l| {
            let mut it = fields(l);
            Some(Mount {
                device: unescape_octal(it.next()?),
                mountpoint: unescape_octal(it.next()?),
                fstype: unescape_octal(it.next()?),
                opts: unescape_octal(it.next()?),
            })
        })
        .collect()
}

/// The file system types of /proc/filesystems that are backed by a device (lines
/// without `nodev`), plus `zfs`, which psutil keeps although it is marked `nodev`.
pub(crate) fn physical_filesystems(data: &[u8]) -> Vec<Vec<u8>> {
    lines(data)
        .filter_map(|l| {
            let mut it = fields(l);
            let first = it.next()?;
            if first == b"nodev" {
                let name = it.next()?;
                (name == b"zfs").then(|| name.to_vec())
            } else {
                Some(first.to_vec())
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(unescape_octal(b"/mnt/my\\040disk"), b"/mnt/my disk");
        assert_eq!(unescape_octal(b"a\\011b\\012c\\134d"), b"a\tb\nc\\d");
        // Not an escape: kept as is.
        assert_eq!(unescape_octal(b"a\\09"), b"a\\09");
        assert_eq!(unescape_octal(b"end\\"), b"end\\");
        assert_eq!(unescape_octal(b"\\777x"), b"\\777x");
    }

    #[test]
    fn table() {
        let data = b"/dev/vda / ext4 rw,relatime 0 0\nproc /proc proc rw,nosuid 0 0\n\
/dev/sdb1 /media/usb\\040stick vfat rw 0 0\nshort line\n";
        let m = mounts(data);
        assert_eq!(m.len(), 3);
        assert_eq!(m[0].device, b"/dev/vda");
        assert_eq!(m[2].mountpoint, b"/media/usb stick");
        assert_eq!(m[1].opts, b"rw,nosuid");
        let fs = physical_filesystems(b"nodev\tsysfs\nnodev\tproc\n\text4\n\tvfat\nnodev\tzfs\n");
        assert_eq!(
            fs,
            vec![b"ext4".to_vec(), b"vfat".to_vec(), b"zfs".to_vec()]
        );
    }
}
