//! /proc/net/dev.

use super::{lines, numbers_into};

/// One interface in psutil's `snetio` order: bytes_sent, bytes_recv, packets_sent,
/// packets_recv, errin, errout, dropin, dropout.
pub(crate) type NetRow<'a> = (&'a [u8], [u64; 8]);

/// Parses one interface line (`  eth0: rxbytes rxpackets rxerrs rxdrop fifo frame
/// compressed multicast txbytes txpackets txerrs txdrop …`). The name ends at the last
/// colon before the counters; old kernels wrote no space after it (`eth0:123`).
pub(crate) fn netdev_line(line: &[u8]) -> Option<NetRow<'_>> {
    let colon = line.iter().rposition(|&b| b == b':')?;
    let name = line[..colon].trim_ascii();
    // 16 counters today; room for columns a later kernel may append.
    let mut v = [0u64; 24];
    let n = numbers_into(&line[colon + 1..], &mut v)?;
    if n < 16 || name.is_empty() {
        return None;
    }
    Some((name, [v[8], v[0], v[9], v[1], v[2], v[10], v[3], v[11]]))
}

/// All interfaces in file order (the two header lines are skipped).
pub(crate) fn netdev(data: &[u8]) -> impl Iterator<Item = NetRow<'_>> {
    lines(data).skip(2).filter_map(netdev_line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines() {
        let data = b"Inter-|   Receive                                                |  Transmit\n\
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n\
    lo: 1000      10    0    0    0     0          0         0     1000      10    0    0    0     0       0          0\n\
  eth0:2000 20 1 2 0 0 0 0 3000 30 3 4 0 0 0 0\n\
  weird:name: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n";
        let rows: Vec<_> = netdev(data).collect();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0], (&b"lo"[..], [1000, 1000, 10, 10, 0, 0, 0, 0]));
        assert_eq!(rows[1], (&b"eth0"[..], [3000, 2000, 30, 20, 1, 3, 2, 4]));
        assert_eq!(rows[2].0, b"weird:name");
        assert_eq!(netdev_line(b"eth0: 1 2 3"), None);
    }
}
