//! Sensors: temperatures, fans and the battery, from /sys.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::sys::system::sensors as backend;
use crate::{Host, Result};

/// One temperature sensor (psutil's `shwtemp`), in °C (or °F when asked).
///
/// ```
/// for (chip, temps) in pskit::sensors_temperatures(false)? {
///     for t in temps {
///         assert!(t.current > -100.0, "{chip}: {t:?}");
///     }
/// }
/// # Ok::<(), pskit::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Temperature {
    /// `temp*_label`; `""` when the chip gives none.
    pub label: String,
    /// `temp*_input` ÷ 1000.
    pub current: f64,
    /// `temp*_max` (or the thermal zone's `high` trip point); when only one of high and
    /// critical exists, both are set to it (psutil's rule).
    pub high: Option<f64>,
    /// `temp*_crit` (or the `critical` trip point).
    pub critical: Option<f64>,
}

/// One fan (psutil's `sfan`).
///
/// ```
/// for fans in pskit::sensors_fans()?.values() {
///     assert!(fans.iter().all(|f| f.current < 100_000));
/// }
/// # Ok::<(), pskit::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Fan {
    /// `fan*_label`; `""` when absent.
    pub label: String,
    /// `fan*_input` in RPM.
    pub current: u64,
}

/// Time left on battery (psutil's `secsleft` with its `BatteryTime` constants),
/// serialized as psutil's integers: seconds, `-1` (unknown) or `-2` (unlimited).
///
/// ```
/// assert_eq!(serde_json::to_string(&pskit::BatteryTime::Unlimited).unwrap(), "-2");
/// assert_eq!(serde_json::to_string(&pskit::BatteryTime::Seconds(60)).unwrap(), "60");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BatteryTime {
    /// This many seconds.
    Seconds(u64),
    /// `POWER_TIME_UNKNOWN` (-1).
    Unknown,
    /// `POWER_TIME_UNLIMITED` (-2): on AC power.
    Unlimited,
}

impl BatteryTime {
    /// psutil's integer for this value.
    ///
    /// ```
    /// assert_eq!(pskit::BatteryTime::Unknown.as_i64(), -1);
    /// ```
    pub fn as_i64(self) -> i64 {
        match self {
            BatteryTime::Seconds(s) => s.min(i64::MAX as u64) as i64,
            BatteryTime::Unknown => -1,
            BatteryTime::Unlimited => -2,
        }
    }
}

impl Serialize for BatteryTime {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_i64(self.as_i64())
    }
}

impl<'de> Deserialize<'de> for BatteryTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        Ok(match i64::deserialize(d)? {
            -2 => BatteryTime::Unlimited,
            v if v < 0 => BatteryTime::Unknown,
            v => BatteryTime::Seconds(v as u64),
        })
    }
}

/// Battery status (psutil's `sbattery`).
///
/// ```
/// if let Some(b) = pskit::sensors_battery()? {
///     assert!(b.percent >= 0.0);
/// }
/// # Ok::<(), pskit::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Battery {
    /// Charge in percent: 100 × `energy_now`/`energy_full`, else
    /// `charge_now`/`charge_full`, else `capacity`.
    pub percent: f64,
    /// Time left (see [`BatteryTime`]).
    pub secsleft: BatteryTime,
    /// On AC power: `AC0/online` or `AC/online`, else the battery `status`
    /// (Charging/Full → true, Discharging → false); `None` when unknown.
    pub power_plugged: Option<bool>,
}

fn to_fahrenheit(c: f64) -> f64 {
    c * 9.0 / 5.0 + 32.0
}

impl Host {
    /// Temperatures per chip (psutil `sensors_temperatures(fahrenheit)`), from
    /// `{sys}/class/hwmon/hwmon*/temp*_*` (and `…/device/temp*_*`, and
    /// `{sys}/devices/platform/coretemp.*/hwmon/*`), or, only when no hwmon
    /// temperature exists, `{sys}/class/thermal/thermal_zone*` keyed by zone `type`.
    ///
    /// A sensor whose `_input` (or chip `name`) cannot be read is skipped. **Deviation:**
    /// psutil merges chips that share a name (two NVMe drives both under `nvme`, #1902);
    /// pskit keys the first `nvme`, the next `nvme-1`, `nvme-2`… in hwmon order.
    ///
    /// ```
    /// let t = pskit::Host::local().sensors_temperatures(true)?;
    /// assert!(t.values().flatten().all(|s| s.current.is_finite()));
    /// # Ok::<(), pskit::Error>(())
    /// ```
    pub fn sensors_temperatures(
        &self,
        fahrenheit: bool,
    ) -> Result<BTreeMap<String, Vec<Temperature>>> {
        let mut map = backend::temperatures(&self.inner)?;
        for t in map.values_mut().flatten() {
            // psutil: `if high and not critical: critical = high`, and the reverse.
            let high = t.high.filter(|v| *v != 0.0);
            let critical = t.critical.filter(|v| *v != 0.0);
            if high.is_some() && critical.is_none() {
                t.critical = high;
            } else if critical.is_some() && high.is_none() {
                t.high = critical;
            }
            if fahrenheit {
                t.current = to_fahrenheit(t.current);
                t.high = t.high.map(to_fahrenheit);
                t.critical = t.critical.map(to_fahrenheit);
            }
        }
        Ok(map)
    }

    /// Fans per chip (psutil `sensors_fans()`), from `{sys}/class/hwmon/hwmon*/fan*_*`
    /// (or `…/device/fan*_*`); chips sharing a name are keyed `name`, `name-1`, ….
    ///
    /// ```
    /// let _ = pskit::Host::local().sensors_fans()?;
    /// # Ok::<(), pskit::Error>(())
    /// ```
    pub fn sensors_fans(&self) -> Result<BTreeMap<String, Vec<Fan>>> {
        backend::fans(&self.inner)
    }

    /// The battery (psutil `sensors_battery()`), from `{sys}/class/power_supply`: the
    /// first (by name) entry starting with `BAT` or containing `battery`. `None` without
    /// a battery or without any charge attribute.
    ///
    /// **Deviation:** psutil divides `energy_now` *or* `charge_now` by `power_now` *or*
    /// `current_now`, mixing µAh with µW on some laptops; pskit pairs energy with power
    /// and charge with current.
    ///
    /// ```
    /// let _ = pskit::Host::local().sensors_battery()?;
    /// # Ok::<(), pskit::Error>(())
    /// ```
    pub fn sensors_battery(&self) -> Result<Option<Battery>> {
        backend::battery(&self.inner)
    }
}

/// [`Host::sensors_temperatures`] on the local machine.
///
/// ```
/// let _ = pskit::sensors_temperatures(false)?;
/// # Ok::<(), pskit::Error>(())
/// ```
pub fn sensors_temperatures(fahrenheit: bool) -> Result<BTreeMap<String, Vec<Temperature>>> {
    Host::local().sensors_temperatures(fahrenheit)
}

/// [`Host::sensors_fans`] on the local machine.
///
/// ```
/// let _ = pskit::sensors_fans()?;
/// # Ok::<(), pskit::Error>(())
/// ```
pub fn sensors_fans() -> Result<BTreeMap<String, Vec<Fan>>> {
    Host::local().sensors_fans()
}

/// [`Host::sensors_battery`] on the local machine.
///
/// ```
/// let _ = pskit::sensors_battery()?;
/// # Ok::<(), pskit::Error>(())
/// ```
pub fn sensors_battery() -> Result<Option<Battery>> {
    Host::local().sensors_battery()
}
