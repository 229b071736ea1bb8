//! The proof of issue 6: a real Prometheus (Debian's `prometheus` package, installed by
//! scripts/test.sh) scrapes an in-process exporter on loopback; its HTTP API then says
//! `up` is 1, and node_memory_MemTotal_bytes and a process group's count equal what the
//! library reads.

mod common;

use std::net::{SocketAddr, TcpListener};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::Running;

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Whether a Prometheus answers `/-/ready` with 200 on `addr` (a process that took the
/// port and never answers is no Prometheus).
fn is_ready(addr: SocketAddr) -> bool {
    use std::io::{Read, Write};
    let Ok(mut stream) = std::net::TcpStream::connect_timeout(&addr, Duration::from_secs(2)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let mut reply = [0u8; 12];
    stream
        .write_all(b"GET /-/ready HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
        .and_then(|()| stream.read_exact(&mut reply))
        .is_ok_and(|()| reply.ends_with(b" 200"))
}

/// Starts Prometheus with the config in `dir` on a free loopback port and waits until
/// it is ready. The port is only free when picked: if Prometheus exits (another
/// process took the port meanwhile), it is started again on a new one.
fn start_prometheus(binary: &str, dir: &Path) -> (Killed, SocketAddr) {
    for attempt in 0..5 {
        let addr: SocketAddr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
        let log = dir.join(format!("prometheus-{attempt}.log"));
        let mut prom = Killed(
            Command::new(binary)
                .arg(format!(
                    "--config.file={}",
                    dir.join("prometheus.yml").display()
                ))
                .arg(format!(
                    "--storage.tsdb.path={}",
                    dir.join(format!("data-{attempt}")).display()
                ))
                .arg(format!("--web.listen-address={addr}"))
                .arg("--log.level=warn")
                .stdout(Stdio::null())
                .stderr(std::fs::File::create(&log).unwrap())
                .spawn()
                .expect("start prometheus"),
        );
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(status) = prom.0.try_wait().unwrap() {
                eprintln!(
                    "prometheus on {addr} exited ({status}): {}",
                    std::fs::read_to_string(&log).unwrap_or_default()
                );
                break;
            }
            if is_ready(addr) {
                return (prom, addr);
            }
            assert!(Instant::now() < deadline, "Prometheus never got ready");
            std::thread::sleep(Duration::from_millis(200));
        }
    }
    panic!("Prometheus did not start on any of five ports");
}

/// Runs an instant query; returns the (labels, value) pairs of the result vector.
fn query(prom: SocketAddr, promql: &str) -> Vec<(serde_json::Value, f64)> {
    let mut encoded = String::new();
    for b in promql.bytes() {
        if b.is_ascii_alphanumeric() || b"_-.".contains(&b) {
            encoded.push(b as char);
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    // Prometheus may not be listening yet.
    if std::net::TcpStream::connect(prom).is_err() {
        return Vec::new();
    }
    let r = common::get(prom, &format!("/api/v1/query?query={encoded}"), &[]);
    if r.status != 200 {
        return Vec::new();
    }
    // The body may be chunked: take the JSON object between the first '{' and last '}'.
    let (Some(start), Some(end)) = (r.body.find('{'), r.body.rfind('}')) else {
        return Vec::new();
    };
    let v: serde_json::Value = serde_json::from_str(&r.body[start..=end]).expect("API JSON");
    v["data"]["result"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|s| {
                    let value = s["value"][1].as_str().unwrap().parse().unwrap();
                    (s["metric"].clone(), value)
                })
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn prometheus_scrapes_pskit_and_sees_the_librarys_values() {
    let binary = "prometheus";
    assert!(
        Command::new(binary).arg("--version").output().is_ok(),
        "prometheus is missing: install Debian's `prometheus` package (scripts/test.sh does)"
    );
    // A process group of a known size: three copies of sleep under a unique name.
    let dir = tempfile::tempdir().unwrap();
    let group = format!("pskitg{}", std::process::id() % 100_000);
    let exe = dir.path().join(&group);
    std::fs::copy("/bin/sleep", &exe).unwrap();
    let kids: Vec<Killed> = (0..3)
        .map(|_| Killed(Command::new(&exe).arg("600").spawn().unwrap()))
        .collect();
    std::thread::sleep(Duration::from_millis(100));

    let exporter = Running::with_flags(&[]);
    // A generous interval and timeout: the exporter answers by 90% of the timeout, and
    // a first scrape on a loaded machine can take over a second.
    let config = format!(
        "global:\n  scrape_interval: 3s\n  scrape_timeout: 3s\nscrape_configs:\n  - job_name: pskit\n    static_configs:\n      - targets: ['{}']\n",
        exporter.addr
    );
    std::fs::write(dir.path().join("prometheus.yml"), config).unwrap();
    let (mut prom, prom_addr) = start_prometheus(binary, dir.path());

    // Wait for at least three successful scrapes.
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        assert!(prom.0.try_wait().unwrap().is_none(), "Prometheus exited");
        let scrapes = query(prom_addr, "count_over_time(up{job=\"pskit\"}[1m])");
        let up = query(prom_addr, "up{job=\"pskit\"}");
        if scrapes.first().is_some_and(|s| s.1 >= 3.0) && up.first().is_some_and(|u| u.1 == 1.0) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "Prometheus did not scrape pskit 3 times: up={up:?} scrapes={scrapes:?}"
        );
        std::thread::sleep(Duration::from_millis(500));
    }
    assert_eq!(
        query(prom_addr, "min_over_time(up{job=\"pskit\"}[1m])")[0].1,
        1.0,
        "a scrape failed"
    );

    let mem = query(prom_addr, "node_memory_MemTotal_bytes{job=\"pskit\"}");
    let lib_total = pskit::meminfo_fields()
        .unwrap()
        .into_iter()
        .find(|f| f.name == "MemTotal")
        .unwrap()
        .value;
    assert_eq!(mem.len(), 1, "{mem:?}");
    assert_eq!(mem[0].1, lib_total as f64);

    let count = query(
        prom_addr,
        &format!("namedprocess_namegroup_num_procs{{job=\"pskit\",groupname=\"{group}\"}}"),
    );
    let lib_count = pskit::process_iter()
        .unwrap()
        .filter(|p| p.name().is_ok_and(|n| n.to_str() == Some(group.as_str())))
        .count();
    assert_eq!(lib_count, kids.len());
    assert_eq!(count.len(), 1, "{count:?}");
    assert_eq!(count[0].1, lib_count as f64);

    // Prometheus asked for OpenMetrics and every collector succeeded in its scrapes.
    let failed = query(
        prom_addr,
        "pskit_scrape_collector_success{job=\"pskit\"} == 0",
    );
    assert!(failed.is_empty(), "collectors failed: {failed:?}");
}
