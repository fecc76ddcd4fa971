//! Browser consoles: single-use tickets and the websocket <-> unix socket
//! pumps to a VM's VNC display and serial port.

pub mod proxy;
pub mod rfb;
pub mod screenshots;
pub mod serial_hub;
pub mod tickets;
pub mod ws;
