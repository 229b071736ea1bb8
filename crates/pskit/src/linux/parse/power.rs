//! /sys/class/power_supply: the battery rules of psutil's `sensors_battery`, as a pure
//! function of the attribute values (each `None` when its file is absent or unreadable).

/// The raw attributes of one battery (µWh/µAh/µW/µA as the kernel gives them).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct BatteryAttrs {
    pub(crate) energy_now: Option<f64>,
    pub(crate) energy_full: Option<f64>,
    pub(crate) power_now: Option<f64>,
    pub(crate) charge_now: Option<f64>,
    pub(crate) charge_full: Option<f64>,
    pub(crate) current_now: Option<f64>,
    pub(crate) capacity: Option<f64>,
    pub(crate) time_to_empty_now: Option<f64>,
    /// `online` of the `AC0` or `AC` supply.
    pub(crate) ac_online: Option<u64>,
    /// The battery's `status`, lowercased.
    pub(crate) status_discharging: Option<bool>,
}

/// Seconds left: `Some(secs)`, or `Err(true)` for "unlimited" (on AC), `Err(false)` for
/// "unknown".
pub(crate) type SecsLeft = Result<u64, bool>;

/// psutil's rules: percent = 100·now/full from the energy_* pair, else the charge_* pair,
/// else `capacity`; `None` when none exists. Plugged = AC `online == 1`, else the
/// battery status (`charging`/`full` → true, `discharging` → false, other → unknown).
/// Seconds left: unlimited when plugged, else now/|rate|·3600, else
/// `time_to_empty_now`·60 (psutil reads the file as minutes), else unknown.
///
/// Unlike psutil, which takes `energy_now` *or* `charge_now` and `power_now` *or*
/// `current_now` independently (so a battery with charge_now and power_now would divide
/// µAh by µW), pskit pairs energy with power and charge with current.
pub(crate) fn battery(a: &BatteryAttrs) -> Option<(f64, SecsLeft, Option<bool>)> {
    let pair = match (a.energy_now, a.energy_full, a.charge_now, a.charge_full) {
        (Some(n), Some(f), _, _) => Some((n, f, a.power_now)),
        (_, _, Some(n), Some(f)) => Some((n, f, a.current_now)),
        _ => None,
    };
    let percent = match pair {
        Some((now, full, _)) => {
            if full == 0.0 {
                0.0
            } else {
                100.0 * now / full
            }
        }
        None => a.capacity?,
    };
    let plugged = match a.ac_online {
        Some(v) => Some(v == 1),
        None => a.status_discharging.map(|d| !d),
    };
    let secs = if plugged == Some(true) {
        Err(true)
    } else if let Some((now, _, Some(rate))) = pair {
        if rate == 0.0 {
            Err(false)
        } else {
            Ok((now / rate.abs() * 3600.0) as u64)
        }
    } else if let Some(t) = a.time_to_empty_now {
        if t < 0.0 {
            Err(false)
        } else {
            Ok((t * 60.0) as u64)
        }
    } else {
        Err(false)
    };
    Some((percent, secs, plugged))
}

/// Maps a battery `status` file to "is discharging": `Some(true)` for `Discharging`,
/// `Some(false)` for `Charging`/`Full`, `None` otherwise (`Unknown`, `Not charging`).
pub(crate) fn status_discharging(v: &[u8]) -> Option<bool> {
    let v = v.trim_ascii();
    if v.eq_ignore_ascii_case(b"discharging") {
        Some(true)
    } else if v.eq_ignore_ascii_case(b"charging") || v.eq_ignore_ascii_case(b"full") {
        Some(false)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn energy_pair() {
        // ThinkPad-style battery: energy_* in µWh, power_now in µW.
        let a = BatteryAttrs {
            energy_now: Some(30_000_000.0),
            energy_full: Some(60_000_000.0),
            power_now: Some(-10_000_000.0),
            status_discharging: Some(true),
            ..Default::default()
        };
        assert_eq!(battery(&a), Some((50.0, Ok(3 * 3600), Some(false))));
        // On AC: unlimited.
        let ac = BatteryAttrs {
            ac_online: Some(1),
            ..a
        };
        assert_eq!(battery(&ac), Some((50.0, Err(true), Some(true))));
        // Zero full capacity: 0 %, psutil's ZeroDivisionError branch.
        let z = BatteryAttrs {
            energy_full: Some(0.0),
            power_now: Some(0.0),
            ..a
        };
        assert_eq!(battery(&z), Some((0.0, Err(false), Some(false))));
    }

    #[test]
    fn charge_pair() {
        // Many laptops: charge_* in µAh with current_now in µA, no energy_*.
        let a = BatteryAttrs {
            charge_now: Some(1_000_000.0),
            charge_full: Some(4_000_000.0),
            current_now: Some(500_000.0),
            power_now: Some(7_000_000.0),
            status_discharging: None,
            ..Default::default()
        };
        assert_eq!(battery(&a), Some((25.0, Ok(7200), None)));
    }

    #[test]
    fn capacity_only() {
        // Some phones and VMs: capacity (integer percent) and time_to_empty_now.
        let a = BatteryAttrs {
            capacity: Some(87.0),
            time_to_empty_now: Some(90.0),
            status_discharging: Some(true),
            ..Default::default()
        };
        assert_eq!(battery(&a), Some((87.0, Ok(5400), Some(false))));
        let b = BatteryAttrs {
            capacity: Some(87.0),
            ..Default::default()
        };
        assert_eq!(battery(&b), Some((87.0, Err(false), None)));
        assert_eq!(battery(&BatteryAttrs::default()), None);
        assert_eq!(status_discharging(b"Discharging\n"), Some(true));
        assert_eq!(status_discharging(b"Full\n"), Some(false));
        assert_eq!(status_discharging(b"Not charging\n"), None);
    }
}
