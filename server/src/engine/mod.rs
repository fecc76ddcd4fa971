//! The QEMU engine: VM state machine, command line, QMP, one supervisor per
//! running VM.

pub mod qemu;
pub mod state;
