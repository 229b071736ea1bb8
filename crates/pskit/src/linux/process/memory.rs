//! Memory readers of a [`Snapshot`]: statm, smaps_rollup (with the smaps fallback),
//! status's memory lines and the maps.

use std::ffi::OsString;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};

use super::Snapshot;
use crate::linux::fs::ReadMode;
use crate::linux::parse::smaps;
use crate::process::types::*;
use crate::{Error, Result};

impl Snapshot<'_> {
    pub(crate) fn memory_info(&self) -> Result<MemoryInfo> {
        let m = self.statm()?;
        let p = self.host.page_size;
        Ok(MemoryInfo {
            vms: m[0] * p,
            rss: m[1] * p,
            shared: m[2] * p,
            text: m[3] * p,
            lib: m[4] * p,
            data: m[5] * p,
            dirty: m[6] * p,
        })
    }

    pub(crate) fn memory_footprint(&self) -> Result<MemoryFootprint> {
        let rollup = self.read("smaps_rollup", ReadMode::ToEof, |d| Ok(smaps::footprint(d)));
        let f = match rollup {
            Ok(f) => f,
            // A live process without an address space (a kernel thread: smaps_rollup
            // answers ESRCH) or a zombie (whose address space is gone): zeros, as
            // psutil reports (its full smaps is empty).
            Err(Error::ZombieProcess { .. }) => smaps::Footprint::default(),
            Err(Error::Io { source, .. }) if source.raw_os_error() == Some(libc::ESRCH) => {
                smaps::Footprint::default()
            }
            // No smaps_rollup (Linux < 4.14, or a fixture): sum the full smaps.
            Err(Error::Io { .. }) => {
                self.read("smaps", ReadMode::ToEof, |d| Ok(smaps::footprint(d)))?
            }
            Err(e) => return Err(e),
        };
        Ok(MemoryFootprint {
            uss: f.uss,
            pss: f.pss,
            swap: f.swap,
        })
    }

    pub(crate) fn memory_full_info(&self) -> Result<MemoryFullInfo> {
        let m = self.memory_info()?;
        // statm first: no pages at all means no address space (a kernel thread or a
        // zombie), whose USS, PSS and swap are zero without reading smaps_rollup.
        let f = if m.vms == 0 && m.rss == 0 {
            MemoryFootprint::default()
        } else {
            self.memory_footprint()?
        };
        Ok(MemoryFullInfo {
            rss: m.rss,
            vms: m.vms,
            shared: m.shared,
            text: m.text,
            lib: m.lib,
            data: m.data,
            dirty: m.dirty,
            uss: f.uss,
            pss: f.pss,
            swap: f.swap,
        })
    }

    pub(crate) fn memory_info_ex(&self) -> Result<MemoryInfoEx> {
        let s = self.status()?;
        let z = |v: Option<u64>| v.unwrap_or(0);
        Ok(MemoryInfoEx {
            peak_rss: z(s.vm_hwm),
            peak_vms: z(s.vm_peak),
            rss_anon: z(s.rss_anon),
            rss_file: z(s.rss_file),
            rss_shmem: z(s.rss_shmem),
            swap: z(s.vm_swap),
            hugetlb: z(s.hugetlb),
        })
    }

    pub(crate) fn page_faults(&self) -> Result<PageFaults> {
        let s = self.stat()?;
        Ok(PageFaults {
            minor: s.minflt,
            major: s.majflt,
        })
    }

    fn smaps(&self) -> Result<Vec<smaps::Mapping>> {
        let maps = self.read("smaps", ReadMode::ToEof, |d| Ok(smaps::parse_smaps(d)))?;
        if maps.is_empty() {
            self.fail_if_zombie()?;
        }
        Ok(maps)
    }

    fn map_path(raw: Vec<u8>) -> PathBuf {
        if raw.is_empty() {
            return PathBuf::from("[anon]");
        }
        const DELETED: &[u8] = b" (deleted)";
        if raw.ends_with(DELETED) && !Path::new(std::ffi::OsStr::from_bytes(&raw)).exists() {
            return PathBuf::from(OsString::from_vec(
                raw[..raw.len() - DELETED.len()].to_vec(),
            ));
        }
        PathBuf::from(OsString::from_vec(raw))
    }

    fn counters(m: &smaps::Mapping) -> MapCounters {
        MapCounters {
            rss: m.rss,
            size: m.size,
            pss: m.pss,
            shared_clean: m.shared_clean,
            shared_dirty: m.shared_dirty,
            private_clean: m.private_clean,
            private_dirty: m.private_dirty,
            referenced: m.referenced,
            anonymous: m.anonymous,
            swap: m.swap,
        }
    }

    pub(crate) fn memory_maps_ungrouped(&self) -> Result<Vec<MemoryMap>> {
        Ok(self
            .smaps()?
            .into_iter()
            .map(|m| {
                let counters = Self::counters(&m);
                MemoryMap {
                    addr: m.addr,
                    perms: m.perms,
                    path: Self::map_path(m.path),
                    counters,
                }
            })
            .collect())
    }

    pub(crate) fn memory_maps(&self) -> Result<Vec<MemoryMapGrouped>> {
        let mut out: Vec<MemoryMapGrouped> = Vec::new();
        let mut index: std::collections::HashMap<PathBuf, usize> = std::collections::HashMap::new();
        for m in self.smaps()? {
            let c = Self::counters(&m);
            let path = Self::map_path(m.path);
            match index.get(&path) {
                Some(&i) => {
                    let t = &mut out[i].counters;
                    t.rss += c.rss;
                    t.size += c.size;
                    t.pss += c.pss;
                    t.shared_clean += c.shared_clean;
                    t.shared_dirty += c.shared_dirty;
                    t.private_clean += c.private_clean;
                    t.private_dirty += c.private_dirty;
                    t.referenced += c.referenced;
                    t.anonymous += c.anonymous;
                    t.swap += c.swap;
                }
                None => {
                    index.insert(path.clone(), out.len());
                    out.push(MemoryMapGrouped { path, counters: c });
                }
            }
        }
        Ok(out)
    }
}
