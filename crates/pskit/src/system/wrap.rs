//! Wrap-around correction for kernel counters (psutil's `_common.wrap_numbers`).

use std::collections::BTreeMap;
use std::sync::Mutex;

/// A set of monotonically increasing counters that [`WrapCorrector`] can fix up.
///
/// Implemented by [`crate::DiskIoCounters`] and [`crate::NetIoCounters`].
///
/// ```
/// use pskit::Counters;
/// let mut n = pskit::NetIoCounters::default();
/// *n.counters_mut().next().unwrap() = 5;
/// assert_eq!(n.bytes_sent, 5);
/// ```
pub trait Counters {
    /// Mutable references to every counter field, in a fixed order (no allocation).
    fn counters_mut(&mut self) -> impl Iterator<Item = &mut u64>;
}

#[derive(Debug, Default)]
struct Entry {
    last: Vec<u64>,
    reminder: Vec<u64>,
}

impl Entry {
    /// The first values seen for a key: passed through unchanged.
    fn first<T: Counters>(v: &mut T) -> Entry {
        let last: Vec<u64> = v.counters_mut().map(|f| *f).collect();
        let reminder = vec![0; last.len()];
        Entry { last, reminder }
    }

    /// Adds the accumulated offsets to `v`, growing them on a wrap.
    fn apply<T: Counters>(&mut self, v: &mut T) {
        for (i, f) in v.counters_mut().enumerate() {
            if i >= self.last.len() {
                self.last.push(0);
                self.reminder.push(0);
            }
            let raw = *f;
            if raw < self.last[i] {
                self.reminder[i] = self.reminder[i].wrapping_add(self.last[i]);
            }
            self.last[i] = raw;
            *f = raw.wrapping_add(self.reminder[i]);
        }
    }
}

/// Makes counters that wrap around (32-bit fields in /proc/net/dev on old or 32-bit
/// kernels, /proc/diskstats) keep increasing: when a value is lower than the one seen
/// in the previous call, the previous value is added to a per-key, per-field offset,
/// and the offset is added to every later value. New keys pass through unchanged; keys
/// that disappear are forgotten. Thread-safe; one corrector per counter source.
///
/// The free functions [`crate::disk_io_counters`] and [`crate::net_io_counters`] use
/// one process-wide corrector each per /proc root, as psutil does (`nowrap=True`).
///
/// ```
/// use std::collections::BTreeMap;
/// let w = pskit::WrapCorrector::new();
/// let mut m = BTreeMap::from([("eth0".to_string(), pskit::NetIoCounters::default())]);
/// m.get_mut("eth0").unwrap().bytes_recv = 100;
/// w.correct(&mut m);
/// m.get_mut("eth0").unwrap().bytes_recv = 10; // wrapped
/// w.correct(&mut m);
/// assert_eq!(m["eth0"].bytes_recv, 110);
/// ```
#[derive(Debug, Default)]
pub struct WrapCorrector {
    /// Per key, ascending by key (merged with the sorted values, no hashing).
    state: Mutex<Vec<(String, Entry)>>,
}

impl WrapCorrector {
    /// An empty corrector.
    ///
    /// ```
    /// let _ = pskit::WrapCorrector::new();
    /// ```
    pub fn new() -> WrapCorrector {
        WrapCorrector::default()
    }

    /// Corrects `values` in place (see the type's documentation).
    ///
    /// ```
    /// use std::collections::BTreeMap;
    /// let w = pskit::WrapCorrector::new();
    /// let mut m: BTreeMap<String, pskit::DiskIoCounters> = BTreeMap::new();
    /// w.correct(&mut m);
    /// assert!(m.is_empty());
    /// ```
    pub fn correct<T: Counters>(&self, values: &mut BTreeMap<String, T>) {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        // One merge of two lists ascending by key: drop keys that are gone, update the
        // others, insert new ones.
        let mut i = 0;
        for (key, v) in values.iter_mut() {
            while state.get(i).is_some_and(|(k, _)| k < key) {
                state.remove(i);
            }
            if state.get(i).is_some_and(|(k, _)| k == key) {
                state[i].1.apply(v);
            } else {
                state.insert(i, (key.clone(), Entry::first(v)));
            }
            i += 1;
        }
        state.truncate(i);
    }

    /// Forgets everything (psutil's `cache_clear()`).
    ///
    /// ```
    /// pskit::WrapCorrector::new().clear();
    /// ```
    pub fn clear(&self) {
        self.state.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, Copy, PartialEq)]
    struct T3([u64; 3]);
    impl Counters for T3 {
        fn counters_mut(&mut self) -> impl Iterator<Item = &mut u64> {
            self.0.iter_mut()
        }
    }

    fn run(w: &WrapCorrector, input: &[(&str, [u64; 3])]) -> BTreeMap<String, [u64; 3]> {
        let mut m: BTreeMap<String, T3> =
            input.iter().map(|(k, v)| (k.to_string(), T3(*v))).collect();
        w.correct(&mut m);
        m.into_iter().map(|(k, v)| (k, v.0)).collect()
    }

    fn one(v: [u64; 3]) -> BTreeMap<String, [u64; 3]> {
        BTreeMap::from([("disk1".to_string(), v)])
    }

    // The cases of psutil's TestWrapNumbers.
    #[test]
    fn first_call_and_no_change() {
        let w = WrapCorrector::new();
        assert_eq!(run(&w, &[("disk1", [5, 5, 5])]), one([5, 5, 5]));
        assert_eq!(run(&w, &[("disk1", [5, 5, 5])]), one([5, 5, 5]));
    }

    #[test]
    fn increase_without_wrap() {
        let w = WrapCorrector::new();
        run(&w, &[("disk1", [5, 5, 5])]);
        assert_eq!(run(&w, &[("disk1", [10, 11, 12])]), one([10, 11, 12]));
    }

    #[test]
    fn wrap_once_and_twice() {
        let w = WrapCorrector::new();
        run(&w, &[("disk1", [100, 100, 100])]);
        // First field wraps (100 → 10): 100 + 10.
        assert_eq!(run(&w, &[("disk1", [10, 100, 100])]), one([110, 100, 100]));
        // Keeps growing after the wrap.
        assert_eq!(run(&w, &[("disk1", [50, 100, 100])]), one([150, 100, 100]));
        // Wraps again: 150 + 40 → offset 100 + 50.
        assert_eq!(run(&w, &[("disk1", [40, 100, 100])]), one([190, 100, 100]));
        // Another field wraps too.
        assert_eq!(run(&w, &[("disk1", [50, 100, 1])]), one([200, 100, 101]));
    }

    #[test]
    fn keys_appear_and_disappear() {
        let w = WrapCorrector::new();
        run(&w, &[("disk1", [100, 100, 100])]);
        run(&w, &[("disk1", [10, 100, 100])]);
        // A new key passes through.
        let r = run(&w, &[("disk1", [10, 100, 100]), ("disk2", [7, 7, 7])]);
        assert_eq!(r["disk2"], [7, 7, 7]);
        assert_eq!(r["disk1"], [110, 100, 100]);
        // disk1 vanishes: its offset is forgotten; when it returns it is new.
        run(&w, &[("disk2", [7, 7, 7])]);
        assert_eq!(run(&w, &[("disk1", [3, 3, 3])]), one([3, 3, 3]));
    }

    #[test]
    fn clear_and_threads() {
        let w = std::sync::Arc::new(WrapCorrector::new());
        run(&w, &[("disk1", [100, 100, 100])]);
        w.clear();
        assert_eq!(run(&w, &[("disk1", [10, 10, 10])]), one([10, 10, 10]));
        let hs: Vec<_> = (0..4)
            .map(|i| {
                let w = w.clone();
                std::thread::spawn(move || {
                    for j in 0..100 {
                        run(&w, &[("disk1", [10 + j, 10, 10 + i])]);
                    }
                })
            })
            .collect();
        for h in hs {
            h.join().unwrap();
        }
        // Still monotonic per field after concurrent use.
        let a = run(&w, &[("disk1", [200, 10, 10])]);
        let b = run(&w, &[("disk1", [201, 10, 10])]);
        assert!(b["disk1"][0] > a["disk1"][0]);
    }
}

/// Which counters a shared corrector is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Source {
    Disk,
    Net,
}

/// The process-wide corrector for `source` on the host whose /proc is `root`.
pub(crate) fn shared(source: Source, root: &std::path::Path) -> std::sync::Arc<WrapCorrector> {
    // A short list searched by reference: no allocation or hashing per call.
    type List = Vec<(Source, std::path::PathBuf, std::sync::Arc<WrapCorrector>)>;
    static ALL: std::sync::OnceLock<Mutex<List>> = std::sync::OnceLock::new();
    let mut all = ALL
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    if let Some((_, _, w)) = all
        .iter()
        .find(|(s, r, _)| *s == source && r.as_os_str() == root.as_os_str())
    {
        return w.clone();
    }
    let w = std::sync::Arc::new(WrapCorrector::new());
    all.push((source, root.to_path_buf(), w.clone()));
    w
}
