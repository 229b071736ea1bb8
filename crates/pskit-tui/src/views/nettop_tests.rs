//! `nettop`'s rates and formatting on synthetic counters.

use super::*;
use unicode_width::UnicodeWidthStr;

fn counters(sent: u64, recv: u64) -> NetIoCounters {
    let mut c = NetIoCounters::default();
    c.bytes_sent = sent;
    c.bytes_recv = recv;
    c.packets_sent = sent / 100;
    c.packets_recv = recv / 100;
    c
}

fn sample() -> NettopSample {
    let before = counters(0, 0);
    let eth = counters(2 << 20, 4 << 20);
    let mut pernic = BTreeMap::new();
    pernic.insert("eth0".to_string(), eth);
    pernic.insert("new-nic".to_string(), counters(100, 100));
    let mut rates = BTreeMap::new();
    rates.insert("eth0".to_string(), NetRates::between(&before, &eth, 2.0));
    NettopSample {
        timestamp: 0.0,
        interval: 2.0,
        net_io_counters: Some(eth),
        net_io_counters_pernic: pernic,
        per_second: NetRates::between(&before, &eth, 2.0),
        per_second_pernic: rates,
    }
}

#[test]
fn rates_divide_deltas_by_the_interval() {
    let r = NetRates::between(&counters(1000, 5000), &counters(3000, 4000), 2.0);
    assert_eq!(r.bytes_sent, 1000.0);
    assert_eq!(r.bytes_recv, 0.0, "a counter that went back gives 0");
    assert_eq!(r.packets_sent, 10.0);
    assert_eq!(
        NetRates::between(&counters(0, 0), &counters(9, 9), 0.0),
        NetRates::default()
    );
}

#[test]
fn screen_shows_totals_and_one_row_per_nic() {
    let screen = nettop_screen(&sample(), Some(100));
    assert_eq!(
        screen.summary[0].text,
        "total bytes:   sent: 2.0M      received: 4.0M"
    );
    assert_eq!(
        screen.summary[2].text,
        "per second:    sent: 1.0M/s    received: 2.0M/s"
    );
    let header: Vec<&str> = screen
        .header
        .as_ref()
        .unwrap()
        .text
        .split_whitespace()
        .collect();
    assert_eq!(header[0], "NIC");
    assert_eq!(screen.rows.len(), 2);
    let eth: Vec<&str> = screen.rows[0].text.split_whitespace().collect();
    assert_eq!(
        eth,
        ["eth0", "1.0M", "2.0M", "10486", "20972", "2.0M", "4.0M", "20971", "41943"]
    );
    assert_eq!(
        screen.summary[3].text,
        "packets/s:     sent: 10486/s   received: 20972/s"
    );
    assert_eq!(
        header,
        [
            "NIC", "SENT/s", "RECV/s", "PKTS", "OUT/s", "PKTS", "IN/s", "SENT", "RECV", "PKTS",
            "OUT", "PKTS", "IN"
        ]
    );
    let new: Vec<&str> = screen.rows[1].text.split_whitespace().collect();
    assert_eq!(
        new[..3],
        ["new-nic", "-", "-"],
        "no rate without a previous sample"
    );
    for width in 0..110 {
        let screen = nettop_screen(&sample(), Some(width));
        for line in screen.plain_lines() {
            assert!(line.width() <= width, "{width}: {line:?}");
        }
        if width >= 30 {
            assert!(screen.rows[0].text.starts_with("eth0"));
            assert!(screen.rows[0].text.contains("2.0M"), "{width}");
        }
    }
}

#[test]
fn packet_totals_go_first_then_packet_rates_on_a_narrow_screen() {
    let header = |width| nettop_screen(&sample(), Some(width)).header.unwrap().text;
    assert!(
        header(100).ends_with("PKTS OUT      PKTS IN"),
        "{}",
        header(100)
    );
    let at_67 = header(67);
    assert!(
        at_67.contains("PKTS IN/s") && !at_67.contains("PKTS IN "),
        "{at_67}"
    );
    let at_55: Vec<String> = header(55).split_whitespace().map(String::from).collect();
    assert_eq!(at_55, ["NIC", "SENT/s", "RECV/s", "SENT", "RECV"]);
}

#[test]
fn json_has_counters_and_rates_with_psutil_names() {
    let v = serde_json::to_value(sample()).unwrap();
    assert_eq!(v["net_io_counters"]["bytes_recv"], 4 << 20);
    assert_eq!(v["net_io_counters_pernic"]["eth0"]["bytes_sent"], 2 << 20);
    assert_eq!(v["per_second_pernic"]["eth0"]["bytes_recv"], 2097152.0);
    assert!(v["per_second_pernic"].get("new-nic").is_none());
    assert_eq!(v["per_second"]["dropin"], 0.0);
    assert_eq!(v["net_io_counters_pernic"]["eth0"]["packets_recv"], 41943);
    assert_eq!(v["per_second_pernic"]["eth0"]["packets_sent"], 10485.5);
}

#[test]
fn packet_totals_never_lose_digits_in_their_column() {
    assert_eq!(packet_count(123_456_789_012), "123456789012");
    assert_eq!(packet_count(1_234_567_890_123), "1234567.9M");
    for n in [1_000_000_000_000, u64::MAX / 3, u64::MAX] {
        assert!(packet_count(n).len() <= 12, "{n}: {}", packet_count(n));
    }
}
