//! `pskit netstat`: sockets with their owners, like netstat -antup (psutil's
//! netstat.py): Proto, Local address, Remote address, Status, PID, Program.

use std::collections::HashMap;

use pskit::{Attr, Connection, ConnectionAddress, ConnectionKind, ProcessTable};

use crate::failure::Failure;
use crate::output::{emit, emit_json};
use crate::table::{Column, Table};
use crate::Ctx;

/// Options of `pskit netstat`.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Kinds: inet, inet4, inet6, tcp, tcp4, tcp6, udp, udp4, udp6, unix, all.

Examples:
  pskit netstat                     TCP and UDP sockets (kind inet)
  pskit netstat --kind tcp4         IPv4 TCP only
  pskit netstat --kind all --json   psutil's net_connections('all') as JSON"
)]
pub struct Args {
    /// Which sockets, by psutil's kind names.
    #[arg(long, default_value = "inet", value_name = "KIND")]
    kind: String,
}

/// Runs `pskit netstat`.
pub fn run(args: Args, ctx: &Ctx) -> Result<(), Failure> {
    let kind: ConnectionKind = args.kind.parse().map_err(|e: pskit::Error| match e {
        pskit::Error::InvalidArgument(msg) => Failure::Usage(msg),
        e => Failure::from(e),
    })?;
    let conns = pskit::net_connections(kind)?;
    if ctx.json {
        return emit_json(&conns);
    }
    let names: HashMap<u32, String> = ProcessTable::new()
        .scan(&[Attr::Name])?
        .into_iter()
        .filter_map(|i| {
            let name = i.name.value()?.to_string_lossy().into_owned();
            Some((i.pid, name))
        })
        .collect();
    let mut t = Table::new(vec![
        Column::left("Proto"),
        Column::left("Local address"),
        Column::left("Remote address"),
        Column::left("Status"),
        Column::right("PID"),
        Column::left("Program name").optional(),
    ]);
    for c in &conns {
        let pid = c.pid.map(|p| p.to_string()).unwrap_or_else(|| "-".into());
        let program = c
            .pid
            .and_then(|p| names.get(&p))
            .cloned()
            .unwrap_or_default();
        t.push(vec![
            proto(c).into(),
            address(&c.laddr),
            address(&c.raddr),
            c.status.as_str().into(),
            pid,
            program,
        ]);
    }
    emit(&t.render(ctx.width, ctx.colour))
}

/// One socket in a line: `tcp 127.0.0.1:80 -> 10.0.0.1:5000 ESTABLISHED`.
pub fn describe(c: &Connection) -> String {
    let mut s = format!("{} {}", proto(c), address(&c.laddr));
    if c.raddr != ConnectionAddress::Empty {
        s.push_str(" -> ");
        s.push_str(&address(&c.raddr));
    }
    if c.status != pskit::ConnectionStatus::None {
        s.push(' ');
        s.push_str(c.status.as_str());
    }
    s
}

/// netstat's protocol column: tcp, tcp6, udp, udp6 or unix.
fn proto(c: &Connection) -> &'static str {
    let v6 = c.family == pskit::AF_INET6;
    match (
        c.family == pskit::AF_UNIX,
        c.type_ == pskit::SOCK_STREAM,
        v6,
    ) {
        (true, _, _) => "unix",
        (false, true, false) => "tcp",
        (false, true, true) => "tcp6",
        (false, false, false) => "udp",
        (false, false, true) => "udp6",
    }
}

/// `ip:port` (IPv6 in brackets), a UNIX path, or nothing.
fn address(a: &ConnectionAddress) -> String {
    match a {
        ConnectionAddress::Empty => String::new(),
        ConnectionAddress::Inet { ip, port } => std::net::SocketAddr::new(*ip, *port).to_string(),
        ConnectionAddress::Unix(path) => path.to_string_lossy().into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_read_like_netstat() {
        let v4 = ConnectionAddress::Inet {
            ip: "127.0.0.1".parse().unwrap(),
            port: 80,
        };
        let v6 = ConnectionAddress::Inet {
            ip: "::1".parse().unwrap(),
            port: 443,
        };
        assert_eq!(address(&v4), "127.0.0.1:80");
        assert_eq!(address(&v6), "[::1]:443");
        assert_eq!(address(&ConnectionAddress::Empty), "");
        assert_eq!(address(&ConnectionAddress::Unix("@x".into())), "@x");
    }
}
