//! # pskit: psutil, done right in Rust
//!
//! What is running on this machine and what is it using: processes, CPU, memory,
//! disks, network, sensors and users, with psutil's semantics, field names and units,
//! read straight from /proc and /sys (Linux today).
//!
//! ```
//! use pskit::{Attr, Process, ProcessTable};
//!
//! // One process.
//! let me = Process::current()?;
//! println!("{:?} uses {} bytes", me.name()?, me.memory_info()?.rss);
//!
//! // The whole table, reading only what is asked for (psutil's process_iter(attrs)).
//! let mut table = ProcessTable::new();
//! for info in table.scan(&[Attr::Name, Attr::Username, Attr::MemoryInfo])? {
//!     println!("{} {:?}", info.pid, info.name.value());
//! }
//! # Ok::<(), pskit::Error>(())
//! ```
//!
//! ## Layout
//! The public modules (`process`, …) are platform-neutral; they call a private
//! backend (`linux`) whose pure parsers are tested on fixture trees. Every value
//! names its source (the /proc file or syscall) in its documentation.
//!
//! ## Strings
//! Names, command lines, environments and paths are `OsString`/`PathBuf`: the kernel's
//! bytes, never converted lossily. In JSON (serde) they are strings when valid UTF-8
//! and arrays of bytes otherwise, so they round-trip exactly.
#![deny(missing_docs)]
#![deny(rustdoc::broken_intra_doc_links)]

mod error;
mod host;
pub mod process;
mod serde_os;
pub mod system;

#[cfg(target_os = "linux")]
mod linux;
#[cfg(target_os = "linux")]
use linux as sys;

pub use error::{Error, Result};
pub use host::Host;
pub use process::signal;
pub use process::{
    pid_exists, pids, process_iter, wait_procs, Attr, AttrError, CgroupMembership, CpuTimes,
    CtxSwitches, Descriptor, DescriptorKind, ExitCode, Field, Ids, IoCounters, IoNice,
    IoPriorityClass, MapCounters, MemoryFootprint, MemoryFullInfo, MemoryInfo, MemoryInfoEx,
    MemoryMap, MemoryMapGrouped, MemoryType, Oneshot, OpenFile, PageFaults, Process, ProcessInfo,
    ProcessTable, Rlimit, RlimitResource, Status, ThreadInfo, RLIM_INFINITY,
};
pub use system::*;
