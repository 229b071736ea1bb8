//! Memory stays flat over time: hundreds of scrapes (all collectors, both formats,
//! with processes starting and ending in between) must not grow the resident set.
//! Alone in its test binary so no other test allocates meanwhile.

mod common;

use std::process::Command;

use common::{get, Running, PROMETHEUS_ACCEPT};

fn rss() -> u64 {
    pskit::Process::current()
        .unwrap()
        .memory_info()
        .unwrap()
        .rss
}

#[test]
fn resident_memory_is_flat_across_many_scrapes() {
    let s = Running::with_flags(&[]);
    let scrape = |i: usize| {
        let accept: &[&str] = if i % 2 == 0 {
            &[]
        } else {
            &[PROMETHEUS_ACCEPT]
        };
        let r = get(s.addr, "/metrics", accept);
        assert_eq!(r.status, 200);
        if i % 10 == 0 {
            // New process groups come and go.
            let _ = Command::new("true").status();
        }
    };
    // Warm-up: caches, buffers and the allocator's arenas reach their working size.
    for i in 0..40 {
        scrape(i);
    }
    // A leak grows the resident set in every window of scrapes; a one-off step (glibc
    // making a new arena when a thread first meets contention, late on a loaded
    // machine) shows in one window only. So one of three windows must be flat: a leak
    // of 10 kB per scrape or more fails all three.
    const WINDOW: usize = 150;
    const FLAT: u64 = 1536 * 1024;
    let mut growths = Vec::new();
    for _ in 0..3 {
        let before = rss();
        for i in 0..WINDOW {
            scrape(i);
        }
        let after = rss();
        growths.push((before, after));
        if after.saturating_sub(before) < FLAT {
            return;
        }
    }
    panic!("RSS grew by {FLAT} bytes or more in each window of {WINDOW} scrapes (before, after): {growths:?}");
}
