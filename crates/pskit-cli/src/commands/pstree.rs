//! `pskit pstree`: the process tree, drawn like psutil's pstree.py.

use std::collections::BTreeMap;

use pskit::{Attr, ProcessTable};
use serde::Serialize;

use crate::failure::Failure;
use crate::output::{emit, emit_json, truncate};
use crate::procs::name_of;
use crate::Ctx;

/// Options of `pskit pstree`.
#[derive(clap::Args, Debug)]
#[command(after_help = "Examples:
  pskit pstree          the whole tree, from PID 1 (and 2, the kernel threads)
  pskit pstree 1234     the subtree under PID 1234
  pskit pstree --json   nested {pid, name, children} objects")]
pub struct Args {
    /// Show only the tree under this PID.
    pid: Option<u32>,
}

/// A process and its children, for `--json`.
#[derive(Serialize)]
struct Node {
    pid: u32,
    name: String,
    children: Vec<Node>,
}

struct Tree {
    names: BTreeMap<u32, String>,
    children: BTreeMap<u32, Vec<u32>>,
}

/// Runs `pskit pstree`.
pub fn run(args: Args, ctx: &Ctx) -> Result<(), Failure> {
    let infos = ProcessTable::new().scan(&[Attr::Ppid, Attr::Name])?;
    let mut tree = Tree {
        names: BTreeMap::new(),
        children: BTreeMap::new(),
    };
    for i in &infos {
        tree.names.insert(i.pid, name_of(i));
    }
    let mut roots = Vec::new();
    for i in &infos {
        match i.ppid.value() {
            Some(&ppid) if ppid != i.pid && tree.names.contains_key(&ppid) => {
                tree.children.entry(ppid).or_default().push(i.pid)
            }
            _ => roots.push(i.pid),
        }
    }
    if let Some(pid) = args.pid {
        if !tree.names.contains_key(&pid) {
            return Err(Failure::Runtime(format!("no process with PID {pid}")));
        }
        roots = vec![pid];
    }
    if ctx.json {
        let nodes: Vec<Node> = roots.iter().map(|&r| tree.node(r)).collect();
        return emit_json(&nodes);
    }
    let mut lines = Vec::new();
    for root in roots {
        tree.draw(root, "", "", &mut lines);
    }
    let mut out = String::new();
    for line in lines {
        out.push_str(&match ctx.width {
            Some(w) => truncate(&line, w),
            None => line,
        });
        out.push('\n');
    }
    emit(&out)
}

impl Tree {
    fn node(&self, pid: u32) -> Node {
        Node {
            pid,
            name: self.names.get(&pid).cloned().unwrap_or_default(),
            children: self
                .children
                .get(&pid)
                .map(|kids| kids.iter().map(|&k| self.node(k)).collect())
                .unwrap_or_default(),
        }
    }

    /// psutil's layout: `|- PID name` for each child but the last, `` `_ PID name``
    /// for the last, with `| ` or two spaces carried down.
    fn draw(&self, pid: u32, branch: &str, indent: &str, lines: &mut Vec<String>) {
        let name = self.names.get(&pid).map(String::as_str).unwrap_or("?");
        lines.push(format!(
            "{indent_branch}{pid} {name}",
            indent_branch = branch
        ));
        let Some(kids) = self.children.get(&pid) else {
            return;
        };
        for (k, &kid) in kids.iter().enumerate() {
            let last = k + 1 == kids.len();
            let (mark, carry) = if last { ("`_ ", "  ") } else { ("|- ", "| ") };
            self.draw(
                kid,
                &format!("{indent}{mark}"),
                &format!("{indent}{carry}"),
                lines,
            );
        }
    }
}
