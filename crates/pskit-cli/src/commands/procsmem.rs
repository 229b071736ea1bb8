//! `pskit procsmem`: USS, PSS, swap and RSS of every process, sorted by USS, like
//! psutil's procsmem.py (smem).

use pskit::{Attr, AttrError, Field, ProcessTable};

use crate::failure::Failure;
use crate::output::{emit, emit_json};
use crate::procs::{command_of, info_json, running_as_root, text};
use crate::table::{Column, Table};
use crate::Ctx;

/// Options of `pskit procsmem`.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Processes whose memory cannot be read (another user's, when not root; \
as root, those the kernel still refuses) are counted on stderr. Zombies, kernel threads \
and processes that exit during the scan, which have no memory left, are left out.

Examples:
  pskit procsmem                 smallest USS first, the biggest at the bottom
  pskit procsmem --json          psutil's memory_full_info per process"
)]
pub struct Args {}

/// Runs `pskit procsmem`.
pub fn run(_args: Args, ctx: &Ctx) -> Result<(), Failure> {
    let attrs = [
        Attr::Username,
        Attr::Cmdline,
        Attr::Name,
        Attr::MemoryFullInfo,
    ];
    let infos = ProcessTable::new().scan(&attrs)?;
    let denied = infos
        .iter()
        .filter(|i| matches!(i.memory_full_info, Field::Err(AttrError::AccessDenied)))
        .count();
    let failures: Vec<&str> = infos
        .iter()
        .filter_map(|i| match &i.memory_full_info {
            Field::Err(AttrError::Other(message)) => Some(message.as_str()),
            _ => None,
        })
        .collect();
    let mut readable: Vec<_> = infos
        .iter()
        .filter(|i| {
            let rss = i.memory_full_info.value().map(|m| m.rss);
            rss.is_some_and(|r| r > 0)
        })
        .collect();
    readable.sort_by_key(|i| (i.memory_full_info.value().map(|m| m.uss), i.pid));
    if ctx.json {
        let all: Vec<_> = readable.iter().map(|i| info_json(i, None)).collect();
        emit_json(&all)?;
    } else {
        let mut t = Table::new(vec![
            Column::right("PID"),
            Column::left("User").optional(),
            Column::right("USS"),
            Column::right("PSS").optional(),
            Column::right("Swap").optional(),
            Column::right("RSS").optional(),
            Column::left("Cmdline"),
        ]);
        for i in &readable {
            let Some(m) = i.memory_full_info.value() else {
                continue;
            };
            t.push(vec![
                i.pid.to_string(),
                i.username.value().map(text).unwrap_or_default(),
                ctx.sizes.show(m.uss),
                ctx.sizes.show(m.pss),
                ctx.sizes.show(m.swap),
                ctx.sizes.show(m.rss),
                command_of(i),
            ]);
        }
        emit(&t.render(ctx.width, ctx.colour))?;
    }
    let warnings = unreadable_warnings(denied, &failures, running_as_root());
    for warning in warnings {
        use std::io::Write;
        let _ = writeln!(std::io::stderr(), "pskit: warning: {warning}");
    }
    Ok(())
}

/// "1 process", "2 processes".
fn processes(n: usize) -> String {
    if n == 1 {
        "1 process".into()
    } else {
        format!("{n} processes")
    }
}

/// What to tell about the processes whose memory could not be read: `denied` refused
/// by the kernel, `failures` the messages of other read errors. Root is told why the
/// kernel still refused rather than to become root.
fn unreadable_warnings(denied: usize, failures: &[&str], as_root: bool) -> Vec<String> {
    let mut out = Vec::new();
    if denied > 0 && as_root {
        out.push(format!(
            "access denied for {} even as root: the kernel refused to show their memory \
             maps (processes outside this container's namespaces, or a security module's \
             ptrace restrictions)",
            processes(denied)
        ));
    } else if denied > 0 {
        out.push(format!(
            "access denied for {} (run as root to see them)",
            processes(denied)
        ));
    }
    if let Some(first) = failures.first() {
        out.push(format!(
            "could not read the memory of {}: {first}",
            processes(failures.len())
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_user_who_is_not_root_is_told_to_become_root() {
        assert_eq!(
            unreadable_warnings(3, &[], false),
            ["access denied for 3 processes (run as root to see them)"]
        );
        let root = unreadable_warnings(1, &[], true);
        assert_eq!(root.len(), 1);
        assert!(root[0].starts_with("access denied for 1 process even as root: "));
        assert!(!root[0].contains("run as root"), "{}", root[0]);
    }

    #[test]
    fn other_read_errors_are_counted_with_the_first_reason() {
        let failures = ["read /proc/7/smaps: Input/output error", "other"];
        assert_eq!(
            unreadable_warnings(0, &failures, true),
            ["could not read the memory of 2 processes: read /proc/7/smaps: Input/output error"]
        );
        assert!(unreadable_warnings(0, &[], false).is_empty());
    }
}
