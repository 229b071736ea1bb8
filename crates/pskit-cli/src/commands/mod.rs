//! One module per subcommand: each has an `Args` struct (its options, `--help` text
//! and example) and `run(args, &Ctx)`.

pub mod battery;
pub mod completions;
pub mod disk_usage;
pub mod fans;
pub mod free;
pub mod ifconfig;
pub mod info;
pub mod iostat;
pub mod killall;
pub mod meminfo;
pub mod pidof;
pub mod pmap;
pub mod proc_dict;
pub mod procinfo;
pub mod procsmem;
pub mod ps;
pub mod pstree;
pub mod sensors;
pub mod temperatures;
pub mod who;
