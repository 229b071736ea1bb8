//! /proc/diskstats.

use super::{fields, lines, numbers_prefix, parse_u64};

/// Sector size the kernel uses for the counts in /proc/diskstats, whatever the device's
/// real sector size (see Documentation/block/stat.rst).
pub(crate) const SECTOR_SIZE: u64 = 512;

/// One line's counters in psutil's `sdiskio` order: read_count, write_count, read_bytes,
/// write_bytes, read_time, write_time, read_merged_count, write_merged_count, busy_time.
pub(crate) type DiskRow<'a> = (&'a [u8], [u64; 9]);

/// Parses one line. Formats by field count:
/// - 14 (Linux 2.6 to 4.17), 18 (4.18+: discard counters), 20 (5.5+: flush counters):
///   `major minor name` then 11 counters;
/// - 7 (Linux 2.6 partitions): `major minor name reads rsect writes wsect`, no times;
/// - 15 (Linux 2.4): `major minor blocks name` then counters.
///
/// Any other layout is `None`.
pub(crate) fn diskstats_line(line: &[u8]) -> Option<DiskRow<'_>> {
    // `major minor name` then only numbers (Linux 2.6+): one pass over the counters.
    let mut head = fields(line);
    let (_, _, name) = (head.next()?, head.next()?, head.next()?);
    let after_name = name.as_ptr() as usize + name.len() - line.as_ptr() as usize;
    // Only the first 10 counters are used; later columns are left unparsed.
    let mut c = [0u64; 10];
    let (n, more) = match numbers_prefix(&line[after_name..], &mut c) {
        Some(r) if !name.iter().all(u8::is_ascii_digit) => r,
        // A numeric third field: Linux 2.4's `major minor blocks name` layout.
        _ => return diskstats_line_24(line),
    };
    match (n, more) {
        // 11 counters (2.6 to 4.17), 15 (4.18+: discards), 17 (5.5+: flushes).
        (10, true) => Some((
            name,
            [
                c[0],
                c[4],
                c[2].wrapping_mul(SECTOR_SIZE),
                c[6].wrapping_mul(SECTOR_SIZE),
                c[3],
                c[7],
                c[1],
                c[5],
                c[9],
            ],
        )),
        // Linux 2.6 partition lines: reads rsect writes wsect, no times.
        (4, false) => Some((
            name,
            [
                c[0],
                c[2],
                c[1].wrapping_mul(SECTOR_SIZE),
                c[3].wrapping_mul(SECTOR_SIZE),
                0,
                0,
                0,
                0,
                0,
            ],
        )),
        _ => None,
    }
}

/// Linux 2.4 (15 fields): `major minor reads name`, then the other counters.
fn diskstats_line_24(line: &[u8]) -> Option<DiskRow<'_>> {
    let mut f = [&b""[..]; 15];
    let mut n = 0;
    for x in fields(line) {
        *f.get_mut(n)? = x;
        n += 1;
    }
    if n != 15 {
        return None;
    }
    let num = |i: usize| parse_u64(f[i]);
    let (reads, rmerged, rsect, rtime) = (num(2)?, num(4)?, num(5)?, num(6)?);
    let (writes, wmerged, wsect, wtime) = (num(7)?, num(8)?, num(9)?, num(10)?);
    Some((
        f[3],
        [
            reads,
            writes,
            rsect.wrapping_mul(SECTOR_SIZE),
            wsect.wrapping_mul(SECTOR_SIZE),
            rtime,
            wtime,
            rmerged,
            wmerged,
            num(12)?,
        ],
    ))
}

/// All parsable lines, in file order.
pub(crate) fn diskstats(data: &[u8]) -> impl Iterator<Item = DiskRow<'_>> {
    lines(data).filter_map(diskstats_line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        // Linux 4.15 (14 fields).
        let l14 = b"   8       0 sda 100 10 2000 50 200 20 4000 60 0 70 110";
        assert_eq!(
            diskstats_line(l14),
            Some((
                &b"sda"[..],
                [100, 200, 2000 * 512, 4000 * 512, 50, 60, 10, 20, 70]
            ))
        );
        // Linux 5.4 (18 fields: discards).
        let l18 = b" 259 0 nvme0n1 100 10 2000 50 200 20 4000 60 0 70 110 1 2 3 4";
        assert_eq!(diskstats_line(l18).unwrap().1[8], 70);
        // Linux 6.x (20 fields: flushes).
        let l20 = b" 253 0 dm-0 100 10 2000 50 200 20 4000 60 0 70 110 1 2 3 4 5 6";
        assert_eq!(diskstats_line(l20).unwrap().0, b"dm-0");
        assert_eq!(diskstats_line(l20).unwrap().1[2], 2000 * 512);
        // Linux 2.6 partition line (7 fields).
        let l7 = b"   3    1   hda1 8 16 32 64";
        assert_eq!(
            diskstats_line(l7),
            Some((&b"hda1"[..], [8, 32, 16 * 512, 64 * 512, 0, 0, 0, 0, 0]))
        );
        // Linux 2.4 (15 fields, name fourth).
        let l15 = b"3 0 8 hda 5 1 2 3 4 6 7 8 9 10 11";
        assert_eq!(
            diskstats_line(l15),
            Some((&b"hda"[..], [8, 3, 512, 6 * 512, 2, 7, 5, 4, 9]))
        );
        assert_eq!(diskstats_line(b"8 0 sda 1 2 3"), None);
        assert_eq!(
            diskstats_line(b"8 0 sda x 10 2000 50 200 20 4000 60 0 70 110"),
            None
        );
        let all = [&l14[..], b"\n", l7, b"\ngarbage\n"].concat();
        assert_eq!(diskstats(&all).count(), 2);
    }
}
