//! The Linux backend: /proc and /sys readers, pure parsers and syscall wrappers.
//!
//! Nothing here is public API. `parse/` holds pure functions from bytes to values (no I/O,
//! tested with fixtures); `fs` opens files relative to a [`crate::Host`]'s roots; the other
//! modules join the two for each resource.

pub(crate) mod connections;
pub(crate) mod fs;
pub(crate) mod host;
pub(crate) mod kept;
pub(crate) mod parse;
pub(crate) mod process;
pub(crate) mod syscalls;
pub(crate) mod system;
pub(crate) mod terminal;
pub(crate) mod users;

pub(crate) use host::HostState;
