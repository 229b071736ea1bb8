//! `pskit netstat` shows sockets this test opened, with its PID and name, and its JSON
//! is psutil's net_connections shape.

mod common;

use std::net::{TcpListener, UdpSocket};
use std::os::unix::net::UnixListener;

#[test]
fn json_lists_the_tests_own_sockets_with_psutils_fields() {
    let tcp = TcpListener::bind("127.0.0.1:0").unwrap();
    let udp = UdpSocket::bind("127.0.0.1:0").unwrap();
    let dir = tempfile_dir();
    let path = dir.join("netstat test.sock");
    let _unix = UnixListener::bind(&path).unwrap();
    let me = std::process::id();

    let all = common::pskit_json(&["netstat", "--kind", "all"]);
    let rows = all.as_array().expect("an array");
    let find = |port: u16, status: &str| {
        rows.iter().find(|r| {
            r["laddr"]["port"] == port && r["laddr"]["ip"] == "127.0.0.1" && r["status"] == status
        })
    };
    let t = find(tcp.local_addr().unwrap().port(), "LISTEN").expect("the TCP listener");
    assert_eq!(t["pid"], me);
    assert_eq!(t["family"], libc::AF_INET);
    assert_eq!(t["type"], libc::SOCK_STREAM);
    assert_eq!(t["raddr"], serde_json::json!([]));
    assert!(t["fd"].as_i64().unwrap() >= 0);
    let u = find(udp.local_addr().unwrap().port(), "NONE").expect("the UDP socket");
    assert_eq!(u["type"], libc::SOCK_DGRAM);
    let x = rows
        .iter()
        .find(|r| r["laddr"] == path.to_str().unwrap())
        .expect("the UNIX socket, path with a space");
    assert_eq!(x["family"], libc::AF_UNIX);
    assert_eq!(x["pid"], me);

    // A narrower kind leaves the others out.
    let tcp4 = common::pskit_json(&["netstat", "--kind", "tcp4"]);
    assert!(tcp4
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["family"] == libc::AF_INET && r["type"] == libc::SOCK_STREAM));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_table_names_the_owner() {
    let tcp = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = tcp.local_addr().unwrap().port();
    let out = common::pskit_ok(&["netstat", "--kind", "tcp"]);
    assert!(out.starts_with("Proto"), "{out}");
    let line = out
        .lines()
        .find(|l| l.contains(&format!("127.0.0.1:{port} ")))
        .unwrap_or_else(|| panic!("no line for port {port}:\n{out}"));
    assert!(line.starts_with("tcp "), "{line}");
    assert!(line.contains("LISTEN"), "{line}");
    assert!(line.contains(&std::process::id().to_string()), "{line}");
}

#[test]
fn an_unknown_kind_is_a_usage_error() {
    let out = common::pskit(&["netstat", "--kind", "tcp5"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("pskit: ") && err.contains("tcp5"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

fn tempfile_dir() -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("pskit-netstat-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn procinfo_lists_the_process_connections() {
    let tcp = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = tcp.local_addr().unwrap().port();
    let me = std::process::id().to_string();
    let out = common::pskit_ok(&["procinfo", &me]);
    assert!(
        out.lines()
            .any(|l| l.trim_start() == format!("tcp 127.0.0.1:{port} LISTEN")),
        "{out}"
    );
    let doc = common::pskit_json(&["procinfo", &me]);
    let conns = doc["net_connections"].as_array().expect("net_connections");
    assert!(conns.iter().any(|c| c["laddr"]["port"] == port));
    assert!(
        conns.iter().all(|c| c.get("pid").is_none()),
        "psutil's pconn has no pid"
    );
}

#[test]
fn escape_sequences_in_socket_names_never_reach_the_terminal() {
    use std::os::linux::net::SocketAddrExt;
    let name = format!("pskit-test-{}\x1b]0;pwned\x07\x1b[2J", std::process::id());
    let addr = std::os::unix::net::SocketAddr::from_abstract_name(name.as_bytes()).unwrap();
    let _sock = UnixListener::bind_addr(&addr).unwrap();
    let out = common::pskit_ok(&["netstat", "--kind", "unix"]);
    assert!(!out.contains('\x1b') && !out.contains('\x07'), "{out:?}");
    let shown = format!("@pskit-test-{}?]0;pwned??[2J", std::process::id());
    assert!(out.contains(&shown), "{out}");
}
