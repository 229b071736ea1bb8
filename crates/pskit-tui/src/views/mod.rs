//! The live views, each a [`crate::runner::View`] with its arguments and sample type.

pub mod cpu_distribution;
pub mod iotop;
pub mod nettop;
pub mod top;
