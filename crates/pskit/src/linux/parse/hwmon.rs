//! hwmon sysfs names and values (Documentation/hwmon/sysfs-interface.rst).

use crate::system::hwmon::{HwmonAttribute, HwmonKind};

/// Splits a sensor file name (`temp1_input`) into kind, index and attribute; `None`
/// for any other file (`name`, `temp1_crit_alarm`, `pwm1`, `temp01_input`).
pub(crate) fn sensor_file(file: &str) -> Option<(HwmonKind, u32, HwmonAttribute)> {
    let (sensor, suffix) = file.split_once('_')?;
    let attribute = HwmonAttribute::ALL
        .into_iter()
        .find(|a| a.suffix() == suffix)?;
    let digits_at = sensor.find(|c: char| c.is_ascii_digit())?;
    let (prefix, digits) = sensor.split_at(digits_at);
    let kind = HwmonKind::ALL.into_iter().find(|k| k.prefix() == prefix)?;
    // Digits only, without leading zeros, so that the index gives back the name.
    let canonical =
        digits.bytes().all(|b| b.is_ascii_digit()) && (digits == "0" || !digits.starts_with('0'));
    let index = digits.parse().ok().filter(|_| canonical)?;
    Some((kind, index, attribute))
}

/// The divisor from the kernel's unit to the kind's SI (or psutil) unit.
fn divisor(kind: HwmonKind) -> f64 {
    match kind {
        HwmonKind::Fan => 1.0,
        HwmonKind::Temp | HwmonKind::In | HwmonKind::Curr | HwmonKind::Humidity => 1e3,
        HwmonKind::Power | HwmonKind::Energy => 1e6,
    }
}

/// A sensor value file's content (one decimal integer, surrounding whitespace allowed)
/// in the kind's unit: millidegrees → °C, mV → V, µW → W….
pub(crate) fn value(kind: HwmonKind, bytes: &[u8]) -> Option<f64> {
    super::parse_i64(bytes.trim_ascii()).map(|v| v as f64 / divisor(kind))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sensor_files_are_split_and_others_refused() {
        use HwmonAttribute::*;
        use HwmonKind::*;
        assert_eq!(sensor_file("temp1_input"), Some((Temp, 1, Input)));
        assert_eq!(sensor_file("temp12_crit"), Some((Temp, 12, Crit)));
        assert_eq!(sensor_file("fan2_label"), Some((Fan, 2, Label)));
        assert_eq!(sensor_file("in0_min"), Some((In, 0, Min)));
        assert_eq!(sensor_file("humidity1_max"), Some((Humidity, 1, Max)));
        for other in [
            "temp1_crit_alarm",
            "temp_input",
            "temp01_input",
            "temp1a_input",
            "name",
            "pwm1",
            "pwm1_input",
            "intrusion0_alarm",
            "temp1_",
            "temp99999999999_input",
        ] {
            assert_eq!(sensor_file(other), None, "{other}");
        }
    }

    #[test]
    fn values_are_scaled_to_their_units() {
        assert_eq!(value(HwmonKind::Temp, b"38850\n"), Some(38.85));
        assert_eq!(value(HwmonKind::Temp, b"-5000"), Some(-5.0));
        assert_eq!(value(HwmonKind::Fan, b"1200\n"), Some(1200.0));
        assert_eq!(value(HwmonKind::In, b"1824"), Some(1.824));
        assert_eq!(value(HwmonKind::Power, b"15500000"), Some(15.5));
        assert_eq!(value(HwmonKind::Energy, b"2000000"), Some(2.0));
        assert_eq!(value(HwmonKind::Curr, b"250"), Some(0.25));
        assert_eq!(value(HwmonKind::Humidity, b"45500"), Some(45.5));
        for bad in [&b""[..], b"\n", b"4.5", b"1e3", b"abc", b"-"] {
            assert_eq!(value(HwmonKind::Temp, bad), None, "{bad:?}");
        }
    }
}
