//! `pskit serve` as a user starts it: the exporter answers /metrics with the library's
//! values, and a port already in use is one line on stderr and exit status 1.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::Stdio;

/// Kills the server when the test ends, whatever happens.
struct Server(std::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `pskit serve` on an ephemeral loopback port and returns it with its address
/// (read from the "listening on" line).
fn start() -> (Server, String) {
    let mut child = common::pskit_cmd(&["serve", "--web.listen-address", "127.0.0.1:0"])
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stderr.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .trim()
        .rsplit(' ')
        .next()
        .unwrap_or_default()
        .to_string();
    assert!(line.contains("listening on"), "first line: {line:?}");
    (Server(child), addr)
}

fn get(addr: &str, path: &str) -> String {
    let mut s = TcpStream::connect(addr).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out
}

#[test]
fn metrics_hold_the_library_values() {
    let (_server, addr) = start();
    let page = get(&addr, "/metrics");
    assert!(page.starts_with("HTTP/1.1 200"), "{page:.200}");
    let total: u64 = page
        .lines()
        .find_map(|l| l.strip_prefix("node_memory_MemTotal_bytes "))
        .expect("node_memory_MemTotal_bytes")
        .trim()
        .parse::<f64>()
        .unwrap() as u64;
    assert_eq!(total, pskit::virtual_memory().unwrap().total);
    assert!(page.contains("namedprocess_namegroup_num_procs{groupname=\"pskit\"}"));
    assert!(get(&addr, "/nope").starts_with("HTTP/1.1 404"));
}

#[test]
fn a_port_in_use_is_one_line_and_exit_1() {
    let (_server, addr) = start();
    let out = common::pskit(&["serve", "--web.listen-address", &addr]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    let last = err.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("pskit: ") && last.contains("in use"),
        "{err}"
    );
}
