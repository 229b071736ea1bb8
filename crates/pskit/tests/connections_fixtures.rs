//! `net_connections` on fixture /proc trees (`Host::with_roots`), which are read through
//! their `net/*` files (netlink describes the live kernel only). Each tree is built in
//! a temporary directory by the test that uses it, with `PID/fd/N -> socket:[INODE]`
//! links, and says which case it stands for.

use std::collections::BTreeSet;
use std::fs;
use std::os::unix::fs::symlink;
use std::path::Path;

use pskit::{
    Connection, ConnectionAddress, ConnectionKind, ConnectionStatus, Error, Host, Process,
};

const TCP_HEADER: &str = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";
const UNIX_HEADER: &str = "Num       RefCount Protocol Flags    Type St Inode Path\n";

/// A /proc/net/tcp-style line.
fn inet_line(sl: u32, local: &str, remote: &str, state: &str, inode: u64) -> String {
    format!("  {sl:>3}: {local} {remote} {state} 00000000:00000000 00:00000000 00000000     0        0 {inode} 1 0000000000000000 100 0 0 10 0\n")
}

fn unix_line(type_: &str, inode: u64, path: &str) -> String {
    let tail = if path.is_empty() {
        String::new()
    } else {
        format!(" {path}")
    };
    format!("0000000000000000: 00000002 00000000 00010000 {type_} 01 {inode:>5}{tail}\n")
}

/// A process directory with a stat file (so `Process::with_host` works) and fd links.
fn process(root: &Path, pid: u32, fds: &[(i32, &str)]) {
    let dir = root.join(pid.to_string());
    fs::create_dir_all(dir.join("fd")).unwrap();
    let mut stat = format!("{pid} (srv {pid}) S 1 {pid} {pid} 0 -1 4194560");
    for _ in 0..42 {
        stat.push_str(" 0");
    }
    fs::write(dir.join("stat"), stat + "\n").unwrap();
    for (fd, target) in fds {
        symlink(target, dir.join("fd").join(fd.to_string())).unwrap();
    }
}

/// A Linux 6.x machine with IPv6: a v4 listener shared by two processes, an
/// established v4 connection, a TIME_WAIT leftover, a v6 listener and a v4-mapped
/// connection, UDP sockets, and UNIX sockets (path, path with spaces, abstract,
/// unbound, one held on two descriptors). PID 150 exited during the walk (its
/// directory has no fd), PID 170's fd directory lists an fd that vanished.
fn linux_6_tree(root: &Path) {
    let net = root.join("net");
    fs::create_dir_all(&net).unwrap();
    fs::write(root.join("stat"), "cpu 0 0 0 0\nbtime 1700000000\n").unwrap();
    let tcp = [
        TCP_HEADER.to_string(),
        inet_line(0, "0100007F:0016", "00000000:0000", "0A", 1001),
        inet_line(1, "0500000A:0016", "0900000A:C738", "01", 1002),
        inet_line(2, "0100007F:8AE2", "0100007F:0016", "06", 0),
    ]
    .concat();
    fs::write(net.join("tcp"), tcp).unwrap();
    let tcp6 = [
        TCP_HEADER.to_string(),
        inet_line(
            0,
            "00000000000000000000000001000000:1F90",
            "00000000000000000000000000000000:0000",
            "0A",
            1101,
        ),
        inet_line(
            1,
            "0000000000000000FFFF00000100007F:9E49",
            "0000000000000000FFFF00000100007F:0016",
            "08",
            1102,
        ),
    ]
    .concat();
    fs::write(net.join("tcp6"), tcp6).unwrap();
    let udp = [
        TCP_HEADER.to_string(),
        inet_line(0, "0100007F:0035", "00000000:0000", "07", 1201),
    ]
    .concat();
    fs::write(net.join("udp"), udp).unwrap();
    fs::write(net.join("udp6"), TCP_HEADER).unwrap();
    let unix = [
        UNIX_HEADER.to_string(),
        unix_line("0001", 2001, "/run/app.sock"),
        unix_line("0001", 2002, "/run/dir with spaces/app.sock"),
        unix_line("0002", 2003, "@/tmp/.X11-unix/X0"),
        unix_line("0005", 2004, ""),
    ]
    .concat();
    fs::write(net.join("unix"), unix).unwrap();
    process(
        root,
        100,
        &[(3, "socket:[1001]"), (4, "/dev/null"), (6, "socket:[2001]")],
    );
    process(root, 150, &[]);
    fs::remove_dir(root.join("150/fd")).unwrap();
    process(
        root,
        170,
        &[
            (9, "socket:[1102]"),
            (11, "socket:[2003]"),
            (10, "socket:[2003]"),
            (12, "pipe:[77]"),
        ],
    );
    process(
        root,
        300,
        &[
            (7, "socket:[1001]"),
            (5, "socket:[1001]"),
            (8, "socket:[1201]"),
        ],
    );
}

fn rows(conns: &[Connection]) -> BTreeSet<String> {
    conns
        .iter()
        .map(|c| serde_json::to_string(c).unwrap())
        .collect()
}

fn tree() -> (tempfile::TempDir, Host) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("proc");
    linux_6_tree(&root);
    let host = Host::with_roots(&root, dir.path().join("sys"));
    (dir, host)
}

#[test]
fn every_row_of_a_linux_6_tree_with_psutils_owner_rules() {
    let (_dir, host) = tree();
    let all = host.net_connections(ConnectionKind::All).unwrap();
    let expected: BTreeSet<String> = [
        // Shared by 100 and 300: the higher PID, its lowest descriptor.
        r#"{"fd":5,"family":2,"type":1,"laddr":{"ip":"127.0.0.1","port":22},"raddr":[],"status":"LISTEN","pid":300}"#,
        r#"{"fd":-1,"family":2,"type":1,"laddr":{"ip":"10.0.0.5","port":22},"raddr":{"ip":"10.0.0.9","port":51000},"status":"ESTABLISHED","pid":null}"#,
        r#"{"fd":-1,"family":2,"type":1,"laddr":{"ip":"127.0.0.1","port":35554},"raddr":{"ip":"127.0.0.1","port":22},"status":"TIME_WAIT","pid":null}"#,
        r#"{"fd":-1,"family":10,"type":1,"laddr":{"ip":"::1","port":8080},"raddr":[],"status":"LISTEN","pid":null}"#,
        r#"{"fd":9,"family":10,"type":1,"laddr":{"ip":"::ffff:127.0.0.1","port":40521},"raddr":{"ip":"::ffff:127.0.0.1","port":22},"status":"CLOSE_WAIT","pid":170}"#,
        r#"{"fd":8,"family":2,"type":2,"laddr":{"ip":"127.0.0.1","port":53},"raddr":[],"status":"NONE","pid":300}"#,
        r#"{"fd":6,"family":1,"type":1,"laddr":"/run/app.sock","raddr":"","status":"NONE","pid":100}"#,
        r#"{"fd":-1,"family":1,"type":1,"laddr":"/run/dir with spaces/app.sock","raddr":"","status":"NONE","pid":null}"#,
        // A UNIX socket on two descriptors: one row each.
        r#"{"fd":10,"family":1,"type":2,"laddr":"@/tmp/.X11-unix/X0","raddr":"","status":"NONE","pid":170}"#,
        r#"{"fd":11,"family":1,"type":2,"laddr":"@/tmp/.X11-unix/X0","raddr":"","status":"NONE","pid":170}"#,
        r#"{"fd":-1,"family":1,"type":5,"laddr":"","raddr":"","status":"NONE","pid":null}"#,
    ]
    .into_iter()
    .map(String::from)
    .collect();
    assert_eq!(rows(&all), expected);
    assert_eq!(all.len(), expected.len());
}

#[test]
fn each_kind_reads_its_tables() {
    let (_dir, host) = tree();
    let count = |kind: &str| host.net_connections(kind.parse().unwrap()).unwrap().len();
    assert_eq!(count("tcp4"), 3);
    assert_eq!(count("tcp6"), 2);
    assert_eq!(count("tcp"), 5);
    assert_eq!(count("udp4"), 1);
    assert_eq!(count("udp6"), 0);
    assert_eq!(count("udp"), 1);
    assert_eq!(count("inet4"), 4);
    assert_eq!(count("inet6"), 2);
    assert_eq!(count("inet"), 6);
    assert_eq!(count("unix"), 5);
    assert_eq!(count("all"), 11);
    let bare = host
        .net_connections_without_pids(ConnectionKind::All)
        .unwrap();
    assert_eq!(bare.len(), 10, "without owners, one row per socket");
    assert!(bare.iter().all(|c| c.pid.is_none() && c.fd == -1));
}

#[test]
fn one_process_reads_only_its_fd_directory() {
    let (_dir, host) = tree();
    let p = Process::with_host(&host, 100).unwrap();
    let conns = p.net_connections(ConnectionKind::All).unwrap();
    // Socket 1001 is also PID 300's, but here it is PID 100's, with fd 3.
    let got: Vec<(i32, Option<u32>, ConnectionStatus)> =
        conns.iter().map(|c| (c.fd, c.pid, c.status)).collect();
    assert_eq!(got.len(), 2);
    assert!(got.contains(&(3, Some(100), ConnectionStatus::Listen)));
    assert!(got.contains(&(6, Some(100), ConnectionStatus::None)));
    assert_eq!(p.net_connections(ConnectionKind::Udp).unwrap(), vec![]);
    let p170 = Process::with_host(&host, 170).unwrap();
    assert_eq!(p170.net_connections(ConnectionKind::Unix).unwrap().len(), 2);
    // A process whose fd directory is gone while its stat is still there: the error
    // itself, as psutil (which raises NoSuchProcess only once /proc/PID is gone).
    let p150 = Process::with_host(&host, 150).unwrap();
    let err = p150.net_connections(ConnectionKind::All).unwrap_err();
    assert!(
        matches!(&err, Error::Io { path, .. } if path.ends_with("150/fd")),
        "{err:?}"
    );
}

#[test]
fn ipv6_disabled_means_no_tcp6_file_and_no_ipv6_sockets() {
    let (dir, host) = tree();
    fs::remove_file(dir.path().join("proc/net/tcp6")).unwrap();
    fs::remove_file(dir.path().join("proc/net/udp6")).unwrap();
    assert_eq!(host.net_connections(ConnectionKind::Inet6).unwrap(), vec![]);
    assert_eq!(host.net_connections(ConnectionKind::Inet).unwrap().len(), 4);
    // The IPv4 and UNIX files are not optional.
    fs::remove_file(dir.path().join("proc/net/tcp")).unwrap();
    let err = host.net_connections(ConnectionKind::Tcp).unwrap_err();
    assert!(
        matches!(&err, Error::Io { path, .. } if path.ends_with("net/tcp")),
        "{err:?}"
    );
}

#[test]
fn malformed_lines_are_parse_errors_naming_the_file_and_line() {
    let (dir, host) = tree();
    let tcp = dir.path().join("proc/net/tcp");
    let mut text = fs::read_to_string(&tcp).unwrap();
    text.push_str("   3: 0100007F:0016 00000000:0000\n");
    fs::write(&tcp, text).unwrap();
    let err = host.net_connections(ConnectionKind::Tcp4).unwrap_err();
    match &err {
        Error::Parse { path, detail } => {
            assert!(path.ends_with("net/tcp"), "{err}");
            assert!(detail.starts_with("malformed line 4:"), "{err}");
        }
        other => panic!("expected a parse error, got {other:?}"),
    }
    // Other tables still answer.
    assert_eq!(host.net_connections(ConnectionKind::Udp).unwrap().len(), 1);
}

#[test]
fn json_round_trips_and_has_psutils_shape() {
    let (_dir, host) = tree();
    let all = host.net_connections(ConnectionKind::All).unwrap();
    let text = serde_json::to_string(&all).unwrap();
    let back: Vec<Connection> = serde_json::from_str(&text).unwrap();
    assert_eq!(back, all);
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    for row in v.as_array().unwrap() {
        let keys: Vec<&str> = row
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys.len(), 7);
        for k in ["fd", "family", "type", "laddr", "raddr", "status", "pid"] {
            assert!(keys.contains(&k), "{row}");
        }
    }
    // A non-UTF-8 UNIX path and an IPv4-compatible address survive the round trip.
    use std::os::unix::ffi::OsStrExt;
    let odd = ConnectionAddress::Unix(std::ffi::OsStr::from_bytes(b"/tmp/\xff.sock").into());
    let j = serde_json::to_string(&odd).unwrap();
    assert!(j.starts_with('['), "{j}");
    assert_eq!(serde_json::from_str::<ConnectionAddress>(&j).unwrap(), odd);
    let compat = ConnectionAddress::Inet {
        ip: "::1.2.3.4".parse().unwrap(),
        port: 1,
    };
    let j = serde_json::to_string(&compat).unwrap();
    assert_eq!(
        j, r#"{"ip":"::1.2.3.4","port":1}"#,
        "glibc's inet_ntop text, as psutil"
    );
    assert_eq!(
        serde_json::from_str::<ConnectionAddress>(&j).unwrap(),
        compat
    );
}
