//! Talking to QEMU: its command line and its monitor protocol.

pub mod argv;
pub mod commands;
pub mod img;
pub mod qmp;
