//! Test helpers: an in-process server on a loopback port and a minimal HTTP/1.1 client
//! over a raw socket (so malformed requests can be sent too).
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::thread::JoinHandle;
use std::time::Duration;

use clap::Parser;
use pskit_exporter::{Config, ServeArgs, Server, ShutdownHandle};

#[derive(Parser)]
struct Cli {
    #[command(flatten)]
    serve: ServeArgs,
}

/// Flags → config, always on 127.0.0.1:0 unless the flags say otherwise.
pub fn config(flags: &[&str]) -> Config {
    try_config(flags).expect("config")
}

/// Flags → config or the error resolving them (a bad config file, for example).
pub fn try_config(flags: &[&str]) -> pskit_exporter::Result<Config> {
    let mut argv = vec!["pskit-serve", "--web.listen-address", "127.0.0.1:0"];
    argv.extend_from_slice(flags);
    Config::from_args(Cli::parse_from(argv).serve)
}

/// A server running on its own thread; stopped when dropped.
pub struct Running {
    pub addr: SocketAddr,
    stop: ShutdownHandle,
    thread: Option<JoinHandle<pskit_exporter::Result<()>>>,
}

impl Running {
    pub fn start(config: Config) -> Running {
        let server = Server::bind(config).expect("bind");
        let addr = server.local_addr();
        let stop = server.shutdown_handle();
        let thread = std::thread::spawn(move || server.run());
        Running {
            addr,
            stop,
            thread: Some(thread),
        }
    }

    pub fn with_flags(flags: &[&str]) -> Running {
        Running::start(config(flags))
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.stop.shutdown();
        if let Some(t) = self.thread.take() {
            t.join().expect("server thread").expect("server result");
        }
    }
}

/// A parsed HTTP response.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Parses a full response (the connection was closed by `Connection: close`).
pub fn parse_reply(raw: &[u8]) -> Reply {
    let text = String::from_utf8_lossy(raw);
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status_line = lines.next().unwrap_or("");
    let status = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {text:?}"));
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    Reply {
        status,
        headers,
        body: body.to_owned(),
    }
}

/// Sends `raw` bytes and reads until the server closes.
pub fn send_raw(addr: SocketAddr, raw: &[u8]) -> Vec<u8> {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    s.write_all(raw).expect("write");
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    out
}

/// `GET path` with extra header lines (each `Name: value`).
pub fn get(addr: SocketAddr, path: &str, headers: &[&str]) -> Reply {
    request(addr, "GET", path, headers)
}

pub fn request(addr: SocketAddr, method: &str, path: &str, headers: &[&str]) -> Reply {
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n");
    for h in headers {
        req.push_str(h);
        req.push_str("\r\n");
    }
    req.push_str("\r\n");
    parse_reply(&send_raw(addr, req.as_bytes()))
}

/// The Accept header Prometheus sends.
pub const PROMETHEUS_ACCEPT: &str = "Accept: application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

/// Samples of a text-format body: (name, sorted labels text, value).
pub fn samples(body: &str) -> Vec<(String, String, f64)> {
    body.lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| {
            let (series, value) = l.rsplit_once(' ').expect("sample line");
            let (name, labels) = match series.split_once('{') {
                Some((n, rest)) => (n.to_owned(), rest.trim_end_matches('}').to_owned()),
                None => (series.to_owned(), String::new()),
            };
            (name, labels, value.parse().unwrap_or(f64::NAN))
        })
        .collect()
}

/// Series (name + exact label text) that occur more than once in a body. Labels are
/// compared after splitting them into pairs and sorting, so order does not hide a
/// duplicate.
pub fn duplicate_series(body: &str) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    let mut dups = Vec::new();
    for (name, labels, _) in samples(body) {
        let mut pairs = split_labels(&labels);
        pairs.sort();
        let key = format!("{name}{{{}}}", pairs.join(","));
        if !seen.insert(key.clone()) {
            dups.push(key);
        }
    }
    dups
}

/// Splits `a="x",b="y\"z"` into `a="x"`, `b="y\"z"` (commas inside quotes kept).
pub fn split_labels(labels: &str) -> Vec<String> {
    let mut out = Vec::new();
    let (mut cur, mut quoted, mut escaped) = (String::new(), false, false);
    for c in labels.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            ',' if !quoted => {
                out.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// The value of the single sample `name{labels}` (labels as written, sorted by key).
pub fn value(body: &str, name: &str, labels: &str) -> Option<f64> {
    samples(body)
        .into_iter()
        .find(|(n, l, _)| n == name && l == labels)
        .map(|(_, _, v)| v)
}

/// The library's Linux 6.8 laptop /proc and /sys fixture.
pub const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../pskit/tests/fixtures/linux-6.8-laptop"
);

/// Copies a directory tree (regular files and directories; symbolic links are
/// recreated as links).
pub fn copy_tree(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let dest = to.join(entry.file_name());
        let kind = entry.file_type().unwrap();
        if kind.is_symlink() {
            std::os::unix::fs::symlink(std::fs::read_link(entry.path()).unwrap(), dest).unwrap();
        } else if kind.is_dir() {
            copy_tree(&entry.path(), &dest);
        } else {
            std::fs::copy(entry.path(), dest).unwrap();
        }
    }
}
