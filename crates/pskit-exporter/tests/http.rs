//! The HTTP faults of issue 6: unknown paths, wrong methods, malformed requests, clients
//! that never send, 1,000 concurrent connections, the request cap, wrong passwords,
//! missing or expired TLS files and a port in use.

mod common;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine;
use common::{get, parse_reply, request, send_raw, Running};
use pskit_exporter::{Error, Server};

#[test]
fn landing_page_health_404_and_405() {
    let s = Running::with_flags(&["--collector.disable-defaults", "--collector", "loadavg"]);
    let home = get(s.addr, "/", &[]);
    assert_eq!(home.status, 200);
    assert!(home
        .header("content-type")
        .unwrap()
        .starts_with("text/html"));
    assert!(home.body.contains("href=\"/metrics\""));
    let health = get(s.addr, "/health", &[]);
    assert_eq!((health.status, health.body.as_str()), (200, "OK\n"));
    for path in ["/nope", "/metrics/", "/debug/pprof/cmdline", "/metricsx"] {
        assert_eq!(get(s.addr, path, &[]).status, 404, "{path}");
    }
    for method in ["POST", "PUT", "DELETE", "OPTIONS", "PATCH"] {
        let r = request(s.addr, method, "/metrics", &["Content-Length: 0"]);
        assert_eq!(r.status, 405, "{method}");
        assert_eq!(r.header("allow"), Some("GET, HEAD"));
    }
    let m = get(s.addr, "/metrics", &[]);
    assert_eq!(m.status, 200);
    assert_eq!(
        m.header("content-type"),
        Some("text/plain; version=0.0.4; charset=utf-8")
    );
    assert!(m.body.contains("\nnode_load1 "));
}

#[test]
fn malformed_requests_get_4xx_and_the_server_survives() {
    let s = Running::with_flags(&["--collector.disable-defaults", "--collector", "loadavg"]);
    let long_header = format!(
        "GET /metrics HTTP/1.1\r\nX-Big: {}\r\n\r\n",
        "a".repeat(64 * 1024)
    );
    let cases: Vec<&[u8]> = vec![
        b"GARBAGE\r\n\r\n",
        b"GET /metrics HTTP/9.9\r\n\r\n",
        b"GET /metrics HTTP/1.1\r\nno colon here\r\n\r\n",
        b"GET /metrics HTTP/1.1\r\nContent-Length: -5\r\n\r\n",
        b"GET /a\x7fb HTTP/1.1\r\n\r\n",
        b"GET /metrics HTTP/1.1\r\nBad Header Name: x\r\n\r\n",
        b"\x00\x01\x02\xff\xfe\r\n\r\n",
        long_header.as_bytes(),
    ];
    for raw in cases {
        let reply = send_raw(s.addr, raw);
        if !reply.is_empty() {
            let r = parse_reply(&reply);
            assert!(
                (400..500).contains(&r.status),
                "{:?} -> {}",
                String::from_utf8_lossy(&raw[..raw.len().min(40)]),
                r.status
            );
        }
        assert_eq!(get(s.addr, "/health", &[]).status, 200);
    }
}

#[test]
fn client_that_never_sends_is_dropped_without_blocking_others() {
    let s = Running::with_flags(&[
        "--web.read-header-timeout",
        "0.5",
        "--collector.disable-defaults",
        "--collector",
        "loadavg",
    ]);
    let start = Instant::now();
    let mut silent = TcpStream::connect(s.addr).unwrap();
    let mut partial = TcpStream::connect(s.addr).unwrap();
    partial
        .write_all(b"GET /metrics HTTP/1.1\r\nHost: x\r\n")
        .unwrap();
    // A keep-alive client that got its answer and then idles is dropped too.
    let mut idle = TcpStream::connect(s.addr).unwrap();
    idle.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let mut first = [0u8; 12];
    idle.read_exact(&mut first).unwrap();
    assert_eq!(&first, b"HTTP/1.1 200");
    // Others are served meanwhile.
    assert_eq!(get(s.addr, "/health", &[]).status, 200);
    for stream in [&mut silent, &mut partial, &mut idle] {
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let mut buf = Vec::new();
        let _ = stream.read_to_end(&mut buf);
    }
    let waited = start.elapsed();
    assert!(
        waited >= Duration::from_millis(400),
        "closed too early: {waited:?}"
    );
    assert!(
        waited < Duration::from_secs(5),
        "idle clients held for {waited:?}"
    );
    assert_eq!(get(s.addr, "/health", &[]).status, 200);
}

/// Raises the soft limit on open files so 1,000 client sockets plus the server's fit.
fn raise_nofile() {
    let me = pskit::Process::current().unwrap();
    let l = me.rlimit(pskit::RlimitResource::Nofile).unwrap();
    let want = if l.hard < 0 { 8192 } else { l.hard.min(8192) };
    me.set_rlimit(
        pskit::RlimitResource::Nofile,
        pskit::Rlimit {
            soft: want,
            hard: l.hard,
        },
    )
    .unwrap();
    assert!(
        want >= 2100,
        "need 2,100 open files for this test, hard limit is {}",
        l.hard
    );
}

#[test]
fn a_thousand_concurrent_connections_get_200_or_503() {
    raise_nofile();
    let s = Running::with_flags(&[
        "--web.max-requests",
        "5",
        "--collector.disable-defaults",
        "--collector",
        "processes",
        "--collector",
        "meminfo",
    ]);
    let mut conns: Vec<TcpStream> = (0..1000)
        .map(|_| TcpStream::connect(s.addr).expect("connect"))
        .collect();
    for c in &mut conns {
        c.write_all(b"GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .unwrap();
    }
    let (mut ok, mut busy) = (0, 0);
    for mut c in conns {
        c.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
        let mut raw = Vec::new();
        c.read_to_end(&mut raw).unwrap();
        let r = parse_reply(&raw);
        match r.status {
            200 => {
                assert!(r.body.contains("node_memory_MemTotal_bytes"));
                ok += 1
            }
            503 => busy += 1,
            other => panic!("unexpected status {other}"),
        }
    }
    assert_eq!(ok + busy, 1000);
    assert!(ok >= 5, "only {ok} scrapes served");
    assert!(busy > 0, "the request cap never answered 503");
    let after = get(s.addr, "/metrics", &[]);
    assert_eq!(after.status, 200);
}

fn write_web_config(dir: &std::path::Path, yaml: &str) -> std::path::PathBuf {
    let p = dir.join("web.yml");
    std::fs::write(&p, yaml).unwrap();
    p
}

fn basic(user: &str, pass: &str) -> String {
    let enc = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{pass}"));
    format!("Authorization: Basic {enc}")
}

#[test]
fn basic_auth_rejects_wrong_passwords_and_unknown_users() {
    let dir = tempfile::tempdir().unwrap();
    let hash = bcrypt::hash("s3cret", 4).unwrap();
    let web = write_web_config(dir.path(), &format!("basic_auth_users:\n  alice: {hash}\n"));
    let s = Running::with_flags(&[
        "--web.config.file",
        web.to_str().unwrap(),
        "--collector.disable-defaults",
        "--collector",
        "loadavg",
    ]);
    let none = get(s.addr, "/metrics", &[]);
    assert_eq!(none.status, 401);
    assert!(none
        .header("www-authenticate")
        .unwrap()
        .starts_with("Basic"));
    assert_eq!(
        get(s.addr, "/metrics", &[&basic("alice", "wrong")]).status,
        401
    );
    assert_eq!(
        get(s.addr, "/metrics", &[&basic("bob", "s3cret")]).status,
        401
    );
    assert_eq!(get(s.addr, "/", &[&basic("alice", "wrong")]).status, 401);
    assert_eq!(
        get(s.addr, "/metrics", &["Authorization: Basic %%%"]).status,
        401
    );
    let ok = get(s.addr, "/metrics", &[&basic("alice", "s3cret")]);
    assert_eq!(ok.status, 200);
    assert!(ok.body.contains("node_load1"));
}

#[test]
fn missing_tls_files_are_a_clear_error_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let web = write_web_config(
        dir.path(),
        "tls_server_config:\n  cert_file: missing.crt\n  key_file: missing.key\n",
    );
    let err = Server::bind(common::config(&[
        "--web.config.file",
        web.to_str().unwrap(),
    ]))
    .err()
    .expect("bind must fail");
    assert!(matches!(err, Error::Tls { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(
        msg.contains("missing.crt") && msg.contains("No such file"),
        "{msg}"
    );
}

fn certificate(valid_days: std::ops::Range<i64>) -> (String, String) {
    let mut params = rcgen::CertificateParams::new(vec!["localhost".to_owned()]).unwrap();
    let now = std::time::SystemTime::now();
    let day = |d: i64| {
        let secs = now.duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64 + d * 86_400;
        rcgen::date_time_ymd(1970, 1, 1) + std::time::Duration::from_secs(secs as u64)
    };
    params.not_before = day(valid_days.start);
    params.not_after = day(valid_days.end);
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = params.self_signed(&key).unwrap();
    (cert.pem(), key.serialize_pem())
}

fn tls_web_config(dir: &std::path::Path, cert: &str, key: &str) -> std::path::PathBuf {
    std::fs::write(dir.join("tls.crt"), cert).unwrap();
    std::fs::write(dir.join("tls.key"), key).unwrap();
    write_web_config(
        dir,
        "tls_server_config:\n  cert_file: tls.crt\n  key_file: tls.key\n",
    )
}

#[test]
fn expired_certificate_is_a_clear_error_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = certificate(-30..-1);
    let web = tls_web_config(dir.path(), &cert, &key);
    let err = Server::bind(common::config(&[
        "--web.config.file",
        web.to_str().unwrap(),
    ]))
    .err()
    .expect("bind must fail");
    assert!(
        matches!(err, Error::CertificateNotValidNow { .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("tls.crt"), "{err}");
    // A key that does not parse is an error too.
    let (cert, _) = certificate(-1..30);
    let web = tls_web_config(dir.path(), &cert, "not a key");
    let err = Server::bind(common::config(&[
        "--web.config.file",
        web.to_str().unwrap(),
    ]))
    .err()
    .unwrap();
    assert!(matches!(err, Error::Tls { .. }), "{err:?}");
}

#[test]
fn https_with_a_valid_certificate() {
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = certificate(-1..30);
    let web = tls_web_config(dir.path(), &cert, &key);
    let s = Running::with_flags(&[
        "--web.config.file",
        web.to_str().unwrap(),
        "--collector.disable-defaults",
        "--collector",
        "loadavg",
    ]);
    let mut roots = rustls::RootCertStore::empty();
    use rustls::pki_types::pem::PemObject;
    roots
        .add(rustls::pki_types::CertificateDer::from_pem_slice(cert.as_bytes()).unwrap())
        .unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let client = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let conn =
        rustls::ClientConnection::new(Arc::new(client), "localhost".try_into().unwrap()).unwrap();
    let tcp = TcpStream::connect(s.addr).unwrap();
    let mut tls = rustls::StreamOwned::new(conn, tcp);
    tls.write_all(b"GET /metrics HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut raw = Vec::new();
    let _ = tls.read_to_end(&mut raw);
    let r = parse_reply(&raw);
    assert_eq!(r.status, 200);
    assert!(r.body.contains("node_load1"));
    // Plain HTTP on the TLS port gets no metrics.
    let plain = send_raw(
        s.addr,
        b"GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert!(!String::from_utf8_lossy(&plain).contains("node_load1"));
}

#[test]
fn port_in_use_is_a_clear_error() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let mut config = common::config(&[]);
    config.listen_address = addr.clone();
    let err = Server::bind(config).err().expect("bind must fail");
    match &err {
        Error::Bind { address, source } => {
            assert_eq!(address, &addr);
            assert_eq!(source.kind(), std::io::ErrorKind::AddrInUse);
        }
        other => panic!("{other:?}"),
    }
    assert!(err
        .to_string()
        .starts_with(&format!("cannot listen on {addr}")));
}
