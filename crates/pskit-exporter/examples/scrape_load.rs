//! Load generator for bench/exporter.sh: `N` threads scrape `http://ADDR/metrics` back
//! to back for `SECONDS` (one connection per scrape, `Connection: close`), then print
//! the scrape count, latency percentiles, the exporter's CPU time per scrape and its
//! memory, read through pskit from `/proc/PID`.
//!
//! `scrape_load ADDR PID CONCURRENCY SECONDS [LABEL]`

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

fn scrape(addr: &str) -> Result<usize, String> {
    let mut s = TcpStream::connect(addr).map_err(|e| e.to_string())?;
    s.set_read_timeout(Some(Duration::from_secs(30)))
        .map_err(|e| e.to_string())?;
    s.write_all(b"GET /metrics HTTP/1.1\r\nHost: bench\r\nAccept: text/plain;version=0.0.4\r\nConnection: close\r\n\r\n")
        .map_err(|e| e.to_string())?;
    let mut body = Vec::with_capacity(256 * 1024);
    s.read_to_end(&mut body).map_err(|e| e.to_string())?;
    if !body.starts_with(b"HTTP/1.1 200") {
        return Err(String::from_utf8_lossy(&body[..body.len().min(80)]).into_owned());
    }
    Ok(body.len())
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 5 {
        eprintln!("usage: scrape_load ADDR PID CONCURRENCY SECONDS [LABEL]");
        std::process::exit(2);
    }
    let addr = args[1].clone();
    let pid: u32 = args[2].parse().expect("PID");
    let concurrency: usize = args[3].parse().expect("CONCURRENCY");
    let seconds: f64 = args[4].parse().expect("SECONDS");
    let label = args.get(5).cloned().unwrap_or_else(|| addr.clone());
    let target = pskit::Process::new(pid).expect("exporter process");
    // Warm up (first scrape builds caches) outside the measurement.
    scrape(&addr).expect("warm-up scrape");
    let cpu_before = target.cpu_times().expect("cpu_times");
    let deadline = Instant::now() + Duration::from_secs_f64(seconds);
    let workers: Vec<_> = (0..concurrency)
        .map(|_| {
            let addr = addr.clone();
            std::thread::spawn(move || {
                let mut lat = Vec::new();
                let mut errors = 0usize;
                while Instant::now() < deadline {
                    let t = Instant::now();
                    match scrape(&addr) {
                        Ok(_) => lat.push(t.elapsed()),
                        Err(_) => errors += 1,
                    }
                }
                (lat, errors)
            })
        })
        .collect();
    let mut all = Vec::new();
    let mut errors = 0;
    for w in workers {
        let (lat, e) = w.join().unwrap();
        all.extend(lat);
        errors += e;
    }
    let cpu_after = target.cpu_times().expect("cpu_times");
    let mem = target.memory_info().expect("memory_info");
    let peak = target.memory_info_ex().map(|m| m.peak_rss).unwrap_or(0);
    all.sort();
    let cpu = (cpu_after.user + cpu_after.system) - (cpu_before.user + cpu_before.system);
    let n = all.len().max(1);
    println!(
        "{label}: scrapes={} errors={} p50_ms={:.2} p99_ms={:.2} max_ms={:.2} cpu_ms_per_scrape={:.3} rss_mib={:.1} peak_rss_mib={:.1}",
        all.len(),
        errors,
        percentile(&all, 0.50),
        percentile(&all, 0.99),
        all.last().map_or(0.0, |d| d.as_secs_f64() * 1000.0),
        cpu * 1000.0 / n as f64,
        mem.rss as f64 / 1048576.0,
        peak as f64 / 1048576.0,
    );
}
