//! Disk readers: mounts, /proc/filesystems, /proc/diskstats, statvfs.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::path::{Path, PathBuf};

use super::{read_text, with_proc};
use crate::linux::parse::{diskstats, fields, lines, mounts, parse_u64};
use crate::linux::HostState;
use crate::system::disk::{DiskIoCounters, DiskPartition, DiskUsage, InodeUsage};
use crate::system::memory::percent;
use crate::{Error, Result};

fn text(v: Vec<u8>) -> String {
    String::from_utf8(v).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

pub(crate) fn disk_partitions(host: &HostState, all: bool) -> Result<Vec<DiskPartition>> {
    let table = with_proc(host, "self/mounts", |d| Ok(mounts::mounts(d)))?;
    let physical = if all {
        Vec::new()
    } else {
        with_proc(host, "filesystems", |d| Ok(mounts::physical_filesystems(d)))?
    };
    let mut out = Vec::with_capacity(table.len());
    for m in table {
        let mut device = if m.device == b"none" {
            Vec::new()
        } else {
            m.device
        };
        if !all && (device.is_empty() || !physical.contains(&m.fstype)) {
            continue;
        }
        if device == b"/dev/root" || device == b"rootfs" {
            if let Some(real) =
                root_device(host, Path::new(&OsString::from_vec(m.mountpoint.clone())))
            {
                device = real;
            }
        }
        out.push(DiskPartition {
            device: PathBuf::from(OsString::from_vec(device)),
            mountpoint: PathBuf::from(OsString::from_vec(m.mountpoint)),
            fstype: text(m.fstype),
            opts: text(m.opts),
        });
    }
    Ok(out)
}

/// The device behind `/dev/root`: the major:minor of the mount point looked up in
/// `{proc}/partitions`, then `{sys}/dev/block/M:m/uevent`, then `{sys}/class/block/*/dev`
/// (psutil's RootFsDeviceFinder).
fn root_device(host: &HostState, mountpoint: &Path) -> Option<Vec<u8>> {
    let st = rustix::fs::stat(mountpoint).ok()?;
    let (maj, min) = (rustix::fs::major(st.st_dev), rustix::fs::minor(st.st_dev));
    let from_partitions = with_proc(host, "partitions", |d| {
        Ok(lines(d).skip(1).find_map(|l| {
            let f: Vec<&[u8]> = fields(l).collect();
            (f.len() == 4
                && parse_u64(f[0]) == Some(maj as u64)
                && parse_u64(f[1]) == Some(min as u64))
            .then(|| [&b"/dev/"[..], f[3]].concat())
        }))
    })
    .ok()
    .flatten();
    from_partitions
        .or_else(|| {
            let uevent = read_text(&host.sys_path(format!("dev/block/{maj}:{min}/uevent")))?;
            uevent
                .lines()
                .find_map(|l| l.strip_prefix("DEVNAME="))
                .map(|n| format!("/dev/{n}").into_bytes())
        })
        .or_else(|| {
            // Last resort: the `dev` file of every block device.
            let class = host.sys_path("class/block");
            let want = format!("{maj}:{min}");
            super::list_dir(&class)
                .into_iter()
                .find(|n| read_text(&class.join(n).join("dev")).as_deref() == Some(&want))
                .map(|n| format!("/dev/{n}").into_bytes())
        })
}

fn statvfs(path: &Path) -> Result<rustix::fs::StatVfs> {
    rustix::fs::statvfs(path).map_err(|e| Error::io(path, e.into()))
}

pub(crate) fn disk_usage(path: &Path) -> Result<DiskUsage> {
    let st = statvfs(path)?;
    let total = st.f_blocks * st.f_frsize;
    let avail_root = st.f_bfree * st.f_frsize;
    let free = st.f_bavail * st.f_frsize;
    let used = total.saturating_sub(avail_root);
    Ok(DiskUsage {
        total,
        used,
        free,
        percent: percent(used, used + free),
    })
}

pub(crate) fn inode_usage(path: &Path) -> Result<InodeUsage> {
    let st = statvfs(path)?;
    let used = st.f_files.saturating_sub(st.f_ffree);
    Ok(InodeUsage {
        total: st.f_files,
        used,
        free: st.f_favail,
        percent: percent(used, used + st.f_favail),
    })
}

pub(crate) fn diskstats(host: &HostState) -> Result<BTreeMap<String, DiskIoCounters>> {
    with_proc(host, "diskstats", |d| {
        Ok(diskstats::diskstats(d)
            .map(|(name, a)| {
                (
                    String::from_utf8_lossy(name).into_owned(),
                    DiskIoCounters::from_array(a),
                )
            })
            .collect())
    })
}

/// True when `{sys}/block/<name>` exists (`/` in names such as `cciss/c0d0` is `!`).
pub(crate) fn is_whole_device(host: &HostState, name: &str) -> bool {
    host.sys_path("block").join(name.replace('/', "!")).exists()
}
