//! /proc/cpuinfo, CPU lists (`0-3,8`) and cache sizes from sysfs.

use super::{lines, parse_u64};

/// What pskit takes from /proc/cpuinfo.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Cpuinfo {
    /// Number of `processor` lines.
    pub(crate) processors: usize,
    /// Every `cpu MHz` value, in file order.
    pub(crate) mhz: Vec<f64>,
    /// Sum of `cpu cores` over distinct `physical id`s (psutil's fallback for
    /// `cpu_count(logical=False)`); 0 when the lines are absent.
    pub(crate) cores: usize,
    /// First `vendor_id` (x86) or `CPU implementer` (ARM).
    pub(crate) vendor: Option<String>,
    /// First `model name` (x86) or `Processor`/`cpu model` (other architectures).
    pub(crate) model_name: Option<String>,
    /// First `flags` (x86) or `Features` (ARM) line, split on spaces.
    pub(crate) flags: Vec<String>,
    /// First `cache size` (x86, e.g. `266240 KB`), in bytes.
    pub(crate) cache_size: Option<u64>,
}

fn text(v: &[u8]) -> String {
    String::from_utf8_lossy(v.trim_ascii()).into_owned()
}

/// Parses /proc/cpuinfo (`key\t: value` lines, blocks separated by blank lines).
pub(crate) fn cpuinfo(data: &[u8]) -> Cpuinfo {
    let mut c = Cpuinfo::default();
    let mut phys: Option<u64> = None;
    let mut seen_phys: Vec<u64> = Vec::new();
    for l in lines(data) {
        let Some(colon) = super::colon(l) else {
            continue;
        };
        let key = l[..colon].trim_ascii();
        let val = l[colon + 1..].trim_ascii();
        match key {
            b"processor" => c.processors += 1,
            b"cpu MHz" => {
                if let Some(v) = std::str::from_utf8(val).ok().and_then(|s| s.parse().ok()) {
                    c.mhz.push(v)
                }
            }
            b"physical id" => phys = parse_u64(val),
            b"cpu cores" => {
                if let (Some(p), Some(n)) = (phys.take(), parse_u64(val)) {
                    if !seen_phys.contains(&p) {
                        seen_phys.push(p);
                        c.cores += n as usize;
                    }
                }
            }
            b"vendor_id" | b"CPU implementer" if c.vendor.is_none() => c.vendor = Some(text(val)),
            b"model name" | b"Processor" | b"cpu model" if c.model_name.is_none() => {
                c.model_name = Some(text(val))
            }
            b"flags" | b"Features" if c.flags.is_empty() => {
                c.flags = super::fields(val)
                    .map(|f| String::from_utf8_lossy(f).into_owned())
                    .collect()
            }
            b"cache size" if c.cache_size.is_none() => c.cache_size = size_with_unit(val),
            _ => {}
        }
    }
    c
}

/// Parses sizes such as `48K`, `2048 KB`, `32M` or `1024` into bytes.
pub(crate) fn size_with_unit(v: &[u8]) -> Option<u64> {
    let v = v.trim_ascii();
    let digits = v.iter().take_while(|b| b.is_ascii_digit()).count();
    let n = parse_u64(&v[..digits])?;
    let mult = match v[digits..]
        .trim_ascii()
        .first()
        .map(|b| b.to_ascii_uppercase())
    {
        None | Some(b'B') => 1,
        Some(b'K') => 1024,
        Some(b'M') => 1024 * 1024,
        Some(b'G') => 1024 * 1024 * 1024,
        _ => return None,
    };
    n.checked_mul(mult)
}

/// Parses a kernel CPU list (`0-3,8,10-11`) into CPU numbers, ascending as written.
pub(crate) fn cpu_list(v: &[u8]) -> Option<Vec<u32>> {
    let v = v.trim_ascii();
    let mut out = Vec::new();
    if v.is_empty() {
        return Some(out);
    }
    for part in v.split(|&b| b == b',') {
        match part.iter().position(|&b| b == b'-') {
            Some(dash) => {
                let a = parse_u64(&part[..dash])? as u32;
                let b = parse_u64(&part[dash + 1..])? as u32;
                if b < a || b - a > 1 << 16 {
                    return None;
                }
                out.extend(a..=b);
            }
            None => out.push(parse_u64(part)? as u32),
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn x86() {
        let data = b"processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R)\n\
cpu MHz\t\t: 2299.998\ncache size\t: 266240 KB\nphysical id\t: 0\ncpu cores\t: 2\n\
flags\t\t: fpu vme sse2\n\nprocessor\t: 1\nvendor_id\t: GenuineIntel\ncpu MHz\t\t: 1200.5\n\
physical id\t: 0\ncpu cores\t: 2\nflags\t\t: fpu\n\nprocessor\t: 2\ncpu MHz\t\t: 800\n\
physical id\t: 1\ncpu cores\t: 4\n";
        let c = cpuinfo(data);
        assert_eq!(c.processors, 3);
        assert_eq!(c.mhz, vec![2299.998, 1200.5, 800.0]);
        assert_eq!(c.cores, 6);
        assert_eq!(c.vendor.as_deref(), Some("GenuineIntel"));
        assert_eq!(c.model_name.as_deref(), Some("Intel(R) Xeon(R)"));
        assert_eq!(c.flags, vec!["fpu", "vme", "sse2"]);
        assert_eq!(c.cache_size, Some(266240 * 1024));
    }

    #[test]
    fn arm_without_mhz_or_cores() {
        let data =
            b"processor\t: 0\nBogoMIPS\t: 48.00\nFeatures\t: fp asimd\nCPU implementer\t: 0x41\n\n\
processor\t: 1\n";
        let c = cpuinfo(data);
        assert_eq!(c.processors, 2);
        assert!(c.mhz.is_empty());
        assert_eq!(c.cores, 0);
        assert_eq!(c.vendor.as_deref(), Some("0x41"));
        assert_eq!(c.flags, vec!["fp", "asimd"]);
        assert_eq!(c.model_name, None);
        assert_eq!(cpuinfo(b"").processors, 0);
    }

    #[test]
    fn lists_and_sizes() {
        assert_eq!(cpu_list(b"0-3,8\n"), Some(vec![0, 1, 2, 3, 8]));
        assert_eq!(cpu_list(b"5"), Some(vec![5]));
        assert_eq!(cpu_list(b""), Some(vec![]));
        assert_eq!(cpu_list(b"3-1"), None);
        assert_eq!(cpu_list(b"a"), None);
        assert_eq!(size_with_unit(b"48K\n"), Some(48 * 1024));
        assert_eq!(size_with_unit(b"32M"), Some(32 << 20));
        assert_eq!(size_with_unit(b"266240 KB"), Some(266240 * 1024));
        assert_eq!(size_with_unit(b"12"), Some(12));
        assert_eq!(size_with_unit(b"x"), None);
    }
}
