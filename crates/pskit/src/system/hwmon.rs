//! The raw hwmon view: every chip under `{sys}/class/hwmon` with its directory, device
//! and numbered sensors, as the kernel's hwmon sysfs interface lays them out
//! (Documentation/hwmon/sysfs-interface.rst). Where [`crate::sensors_temperatures`]
//! follows psutil (chips keyed by `name`, sensors by label), this view keeps what
//! identifies a sensor on the machine, for tools that label by it (node_exporter's
//! `chip` and `sensor` labels).

use std::ffi::OsString;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::sys::system::hwmon as backend;
use crate::{Host, Result};

/// The kind of an hwmon sensor: the prefix of its files (`temp1_input` → `Temp`).
///
/// ```
/// use pskit::HwmonKind;
/// assert_eq!(HwmonKind::Temp.prefix(), "temp");
/// assert_eq!(serde_json::to_string(&HwmonKind::Curr).unwrap(), "\"curr\"");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum HwmonKind {
    /// `temp*`: temperature, in °C (the kernel's millidegrees ÷ 1000).
    Temp,
    /// `fan*`: fan speed, in RPM (as the kernel gives it).
    Fan,
    /// `in*`: voltage, in V (the kernel's mV ÷ 1000).
    In,
    /// `curr*`: current, in A (the kernel's mA ÷ 1000).
    Curr,
    /// `power*`: power, in W (the kernel's µW ÷ 10⁶).
    Power,
    /// `energy*`: energy, in J (the kernel's µJ ÷ 10⁶).
    Energy,
    /// `humidity*`: relative humidity, in % (the kernel's milli-percent ÷ 1000).
    Humidity,
}

impl HwmonKind {
    /// Every kind, in the order sensors are listed.
    pub const ALL: [HwmonKind; 7] = [
        HwmonKind::Temp,
        HwmonKind::Fan,
        HwmonKind::In,
        HwmonKind::Curr,
        HwmonKind::Power,
        HwmonKind::Energy,
        HwmonKind::Humidity,
    ];

    /// The file-name prefix of this kind (`"temp"`, `"fan"`, `"in"`…).
    ///
    /// ```
    /// assert_eq!(pskit::HwmonKind::In.prefix(), "in");
    /// ```
    pub fn prefix(self) -> &'static str {
        match self {
            HwmonKind::Temp => "temp",
            HwmonKind::Fan => "fan",
            HwmonKind::In => "in",
            HwmonKind::Curr => "curr",
            HwmonKind::Power => "power",
            HwmonKind::Energy => "energy",
            HwmonKind::Humidity => "humidity",
        }
    }
}

/// One attribute file of a sensor: the part after the `_` (`temp1_crit` → `Crit`).
///
/// ```
/// assert_eq!(pskit::HwmonAttribute::Crit.suffix(), "crit");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum HwmonAttribute {
    /// `_input`: the measured value.
    Input,
    /// `_min`: the low limit.
    Min,
    /// `_max`: the high limit.
    Max,
    /// `_crit`: the critical limit.
    Crit,
    /// `_label`: the sensor's name given by the driver.
    Label,
}

impl HwmonAttribute {
    /// Every attribute read, in file order.
    pub const ALL: [HwmonAttribute; 5] = [
        HwmonAttribute::Input,
        HwmonAttribute::Min,
        HwmonAttribute::Max,
        HwmonAttribute::Crit,
        HwmonAttribute::Label,
    ];

    /// The file-name suffix, without the `_` (`"input"`, `"max"`…).
    ///
    /// ```
    /// assert_eq!(pskit::HwmonAttribute::Input.suffix(), "input");
    /// ```
    pub fn suffix(self) -> &'static str {
        match self {
            HwmonAttribute::Input => "input",
            HwmonAttribute::Min => "min",
            HwmonAttribute::Max => "max",
            HwmonAttribute::Crit => "crit",
            HwmonAttribute::Label => "label",
        }
    }
}

/// One numbered sensor of a chip (`temp1`, `fan2`…), values in the units of its
/// [`HwmonKind`]. A value whose file is absent, unreadable or not an integer is `None`
/// (the latter two are listed in [`HwmonChip::skipped`]).
///
/// ```
/// for chip in pskit::hwmon_chips()? {
///     for s in &chip.sensors {
///         assert!(s.name().starts_with(s.kind.prefix()), "{s:?}");
///     }
/// }
/// # Ok::<(), pskit::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct HwmonSensor {
    /// What the sensor measures.
    pub kind: HwmonKind,
    /// The `N` of `tempN`: `temp1_input` → 1 (voltages start at 0).
    pub index: u32,
    /// `<name>_label`, trimmed, exact bytes.
    #[serde(with = "crate::serde_os::opt")]
    pub label: Option<OsString>,
    /// `<name>_input`, scaled to the kind's unit.
    pub input: Option<f64>,
    /// `<name>_min`, scaled.
    pub min: Option<f64>,
    /// `<name>_max`, scaled.
    pub max: Option<f64>,
    /// `<name>_crit`, scaled.
    pub crit: Option<f64>,
}

impl HwmonSensor {
    /// The sensor's file-name base: prefix and index (`"temp1"`), node_exporter's
    /// `sensor` label.
    ///
    /// ```
    /// for s in pskit::hwmon_chips()?.iter().flat_map(|c| &c.sensors) {
    ///     assert_eq!(s.name(), format!("{}{}", s.kind.prefix(), s.index));
    /// }
    /// # Ok::<(), pskit::Error>(())
    /// ```
    pub fn name(&self) -> String {
        format!("{}{}", self.kind.prefix(), self.index)
    }
}

/// Why a sensor file was left out of its [`HwmonSensor`].
///
/// ```
/// let json = serde_json::to_string(&pskit::HwmonSkipReason::Unparsable).unwrap();
/// assert_eq!(json, "\"unparsable\"");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum HwmonSkipReason {
    /// Reading it failed (a faulted sensor gives EIO, ENXIO or ENODATA; a directory in
    /// its place EISDIR).
    Unreadable,
    /// It does not hold one decimal integer.
    Unparsable,
}

/// A sensor file that was listed but gave no value.
///
/// ```
/// for chip in pskit::hwmon_chips()? {
///     for s in &chip.skipped {
///         assert!(s.file_name().starts_with(s.kind.prefix()));
///     }
/// }
/// # Ok::<(), pskit::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct HwmonSkipped {
    /// The sensor's kind.
    pub kind: HwmonKind,
    /// The sensor's index.
    pub index: u32,
    /// The file's attribute.
    pub attribute: HwmonAttribute,
    /// What went wrong.
    pub reason: HwmonSkipReason,
}

impl HwmonSkipped {
    /// The file's name (`"temp9_input"`).
    ///
    /// ```
    /// let _ = pskit::hwmon_chips()?.iter().flat_map(|c| &c.skipped).map(|s| s.file_name());
    /// # Ok::<(), pskit::Error>(())
    /// ```
    pub fn file_name(&self) -> String {
        format!(
            "{}{}_{}",
            self.kind.prefix(),
            self.index,
            self.attribute.suffix()
        )
    }
}

/// One hwmon chip: a `{sys}/class/hwmon/hwmonN` entry.
///
/// ```
/// for chip in pskit::hwmon_chips()? {
///     assert!(chip.hwmon.starts_with("hwmon"));
///     if let Some(device) = &chip.device {
///         assert!(device.is_relative(), "relative to /sys/devices: {device:?}");
///     }
/// }
/// # Ok::<(), pskit::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct HwmonChip {
    /// The directory's name under `class/hwmon` (`"hwmon3"`); numbers are assigned at
    /// registration and may change across boots.
    pub hwmon: String,
    /// The `name` file (the driver's chip name, `"coretemp"`), trimmed, exact bytes;
    /// `None` when absent or unreadable.
    #[serde(with = "crate::serde_os::opt")]
    pub name: Option<OsString>,
    /// Where the `device` link resolves, relative to `{sys}/devices`
    /// (`"platform/coretemp.0"`, `"pci0000:00/0000:00:01.3/0000:01:00.0/nvme/nvme0"`);
    /// `None` for a chip without a device (virtual chips) or a link leading elsewhere.
    #[serde(with = "crate::serde_os::opt")]
    pub device: Option<PathBuf>,
    /// The sensors, by kind then index. Files are read from the chip directory, then
    /// from its `device` directory (where older drivers put them); a file found in both
    /// takes the `device` one, as node_exporter does.
    pub sensors: Vec<HwmonSensor>,
    /// Sensor files listed but giving no value.
    pub skipped: Vec<HwmonSkipped>,
}

impl Host {
    /// The hwmon chips under `{sys}/class/hwmon` (entries named `hwmonN` that are
    /// directories), in number order, with their sensors of every [`HwmonKind`]
    /// (attributes `input`, `min`, `max`, `crit`, `label`).
    ///
    /// No psutil equivalent: psutil's `sensors_temperatures()` and `sensors_fans()`
    /// (pskit's [`Host::sensors_temperatures`], [`Host::sensors_fans`]) read the same
    /// files but key chips by `name` and drop the directory, device and index.
    ///
    /// An absent `class/hwmon` gives an empty list; a `class/hwmon` that cannot be
    /// listed gives [`crate::Error::Io`]. Files that cannot be read or parsed are left
    /// out and listed in [`HwmonChip::skipped`].
    ///
    /// ```
    /// let host = pskit::Host::local();
    /// for chip in host.hwmon_chips()? {
    ///     for s in chip.sensors.iter().filter(|s| s.kind == pskit::HwmonKind::Temp) {
    ///         assert!(s.input.map_or(true, f64::is_finite));
    ///     }
    /// }
    /// # Ok::<(), pskit::Error>(())
    /// ```
    pub fn hwmon_chips(&self) -> Result<Vec<HwmonChip>> {
        backend::chips(&self.inner)
    }
}

/// [`Host::hwmon_chips`] on the local machine.
///
/// ```
/// let chips = pskit::hwmon_chips()?;
/// assert!(chips.windows(2).all(|w| w[0].hwmon != w[1].hwmon));
/// # Ok::<(), pskit::Error>(())
/// ```
pub fn hwmon_chips() -> Result<Vec<HwmonChip>> {
    Host::local().hwmon_chips()
}
