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
    for i in 0..40 {
        scrape(i);
    }
    let before = rss();
    for i in 0..300 {
        scrape(i);
    }
    let after = rss();
    let growth = after.saturating_sub(before);
    assert!(
        growth < 3 * 1024 * 1024,
        "RSS grew by {growth} bytes over 300 scrapes ({before} -> {after})"
    );
}
