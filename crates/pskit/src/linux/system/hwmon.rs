//! The one reader of hwmon chip directories: `{sys}/class/hwmon/hwmon*` and their
//! sensor files, for both the raw view ([`chips`]) and psutil's sensors (`sensors.rs`).

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::path::{Path, PathBuf};

use super::{list_dir, numbered, read_path};
use crate::linux::fs;
use crate::linux::host::is_not_found;
use crate::linux::parse::hwmon as parse;
use crate::linux::HostState;
use crate::system::hwmon::{
    HwmonAttribute, HwmonChip, HwmonKind, HwmonSensor, HwmonSkipReason, HwmonSkipped,
};
use crate::{Error, Result};

/// The `hwmonN` entries of `{sys}/class/hwmon` that are directories, in number order,
/// as (name, path). Empty when `class/hwmon` does not exist.
pub(crate) fn class_dirs(host: &HostState) -> Result<Vec<(String, PathBuf)>> {
    let class = host.sys_path("class/hwmon");
    let dir = match fs::open_dir_at(rustix::fs::CWD, &class) {
        Ok(dir) => dir,
        Err(e) if is_not_found(&e) => return Ok(Vec::new()),
        Err(e) => return Err(Error::io(class, e)),
    };
    let mut numbered_dirs = Vec::new();
    fs::for_each_entry(dir, |name, _| {
        let name = std::str::from_utf8(name).ok();
        if let Some((n, name)) = name.and_then(|s| Some((numbered(s, "hwmon")?, s))) {
            numbered_dirs.push((n, name.to_owned()));
        }
        Ok(())
    })
    .map_err(|e| Error::io(&class, e))?;
    numbered_dirs.sort_unstable();
    Ok(numbered_dirs
        .into_iter()
        .map(|(_, name)| {
            let path = class.join(&name);
            (name, path)
        })
        .filter(|(_, path)| path.is_dir())
        .collect())
}

/// The sensors read from one or more directories of a chip.
#[derive(Default)]
pub(crate) struct SensorFiles {
    /// By (kind, index).
    pub(crate) sensors: BTreeMap<(HwmonKind, u32), HwmonSensor>,
    /// Files listed that gave no value.
    pub(crate) skipped: Vec<HwmonSkipped>,
}

impl SensorFiles {
    /// Reads the sensor files of `dir` whose kind is `wanted`. A file read here replaces
    /// what an earlier directory gave for it, even when it does not parse.
    pub(crate) fn read_dir(&mut self, dir: &Path, wanted: impl Fn(HwmonKind) -> bool) {
        let mut buf = Vec::with_capacity(64);
        for file in list_dir(dir) {
            let Some((kind, index, attribute)) = parse::sensor_file(&file) else {
                continue;
            };
            if !wanted(kind) {
                continue;
            }
            let skip = |reason| HwmonSkipped {
                kind,
                index,
                attribute,
                reason,
            };
            if read_path(&dir.join(&file), &mut buf).is_err() {
                self.skipped.push(skip(HwmonSkipReason::Unreadable));
                continue;
            }
            let sensor = self
                .sensors
                .entry((kind, index))
                .or_insert_with(|| HwmonSensor {
                    kind,
                    index,
                    label: None,
                    input: None,
                    min: None,
                    max: None,
                    crit: None,
                });
            let slot = match attribute {
                HwmonAttribute::Label => {
                    sensor.label = Some(OsString::from_vec(buf.trim_ascii().to_vec()));
                    continue;
                }
                HwmonAttribute::Input => &mut sensor.input,
                HwmonAttribute::Min => &mut sensor.min,
                HwmonAttribute::Max => &mut sensor.max,
                HwmonAttribute::Crit => &mut sensor.crit,
            };
            *slot = parse::value(kind, &buf);
            if slot.is_none() {
                self.skipped.push(skip(HwmonSkipReason::Unparsable));
            }
        }
    }

    /// Whether `dir` had a `_input` file of any kind read, readable or not.
    pub(crate) fn has_input_file(&self) -> bool {
        self.sensors.values().any(|s| s.input.is_some())
            || self
                .skipped
                .iter()
                .any(|s| s.attribute == HwmonAttribute::Input)
    }

    /// The sensors with an `_input` value, in index order.
    pub(crate) fn with_input(&self) -> impl Iterator<Item = (&HwmonSensor, f64)> {
        self.sensors
            .values()
            .filter_map(|s| s.input.map(|input| (s, input)))
    }
}

/// A trimmed sysfs attribute, exact bytes.
fn read_os(path: &Path) -> Option<OsString> {
    let mut buf = Vec::with_capacity(32);
    read_path(path, &mut buf).ok()?;
    Some(OsString::from_vec(buf.trim_ascii().to_vec()))
}

/// Where `{dir}/device` resolves, relative to `devices` (the resolved `{sys}/devices`).
fn device_of(dir: &Path, devices: Option<&Path>) -> Option<PathBuf> {
    let resolved = std::fs::canonicalize(dir.join("device")).ok()?;
    let relative = resolved.strip_prefix(devices?).ok()?;
    (!relative.as_os_str().is_empty()).then(|| relative.to_path_buf())
}

/// Every chip of `{sys}/class/hwmon`: its files, then its `device` directory's files.
pub(crate) fn chips(host: &HostState) -> Result<Vec<HwmonChip>> {
    let devices = std::fs::canonicalize(host.sys_path("devices")).ok();
    let mut chips = Vec::new();
    for (hwmon, dir) in class_dirs(host)? {
        let mut files = SensorFiles::default();
        files.read_dir(&dir, |_| true);
        let device_dir = dir.join("device");
        if device_dir.is_dir() {
            files.read_dir(&device_dir, |_| true);
        }
        chips.push(HwmonChip {
            name: read_os(&dir.join("name")),
            device: device_of(&dir, devices.as_deref()),
            hwmon,
            sensors: files
                .sensors
                .into_values()
                .filter(|s| {
                    s.label.is_some() || [s.input, s.min, s.max, s.crit].iter().any(Option::is_some)
                })
                .collect(),
            skipped: files.skipped,
        });
    }
    Ok(chips)
}
