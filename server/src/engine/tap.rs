//! Bridged VMs. When vlab runs as root it makes each bridged VM's tap
//! device itself, puts it on the bridge and hands QEMU the open device: QEMU
//! needs no setuid helper (so its sandbox stays whole), and each tap is an
//! isolated bridge port, so two VMs on one bridge reach the bridge's uplink
//! but not each other, unless the admin made the bridge shared
//! (`shared_bridges`). The tap goes away when QEMU and vlab have both
//! closed it.

use std::fs::File;
use std::os::fd::AsRawFd;

/// `_IOW('T', 202, int)`.
const TUNSETIFF: libc::c_ulong = 0x4004_54ca;

/// The part of `struct ifreq` that TUNSETIFF reads and writes.
#[repr(C)]
struct IfReq {
    name: [u8; libc::IFNAMSIZ],
    flags: libc::c_short,
    _rest: [u8; 22],
}

/// A VM's tap device, open.
pub struct Tap {
    pub file: File,
    pub name: String,
}

/// Makes a tap, named by the kernel (`vlab<n>`), attached to `bridge` and up.
pub fn create(bridge: &str, isolated: bool) -> Result<Tap, String> {
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/net/tun")
        .map_err(|e| format!("cannot open /dev/net/tun for the VM's network: {e}"))?;
    let mut req = IfReq { name: [0; libc::IFNAMSIZ], flags: (libc::IFF_TAP | libc::IFF_NO_PI) as libc::c_short, _rest: [0; 22] };
    req.name[..6].copy_from_slice(b"vlab%d");
    // SAFETY: TUNSETIFF reads and writes one ifreq, which `req` is laid out as.
    if unsafe { libc::ioctl(file.as_raw_fd(), TUNSETIFF, &mut req) } < 0 {
        return Err(format!("cannot make a tap device: {}", std::io::Error::last_os_error()));
    }
    let end = req.name.iter().position(|&b| b == 0).unwrap_or(req.name.len());
    let name = String::from_utf8_lossy(&req.name[..end]).into_owned();
    ip(&["link", "set", "dev", &name, "master", bridge, "up"], "ip")?;
    if isolated {
        ip(&["link", "set", "dev", &name, "isolated", "on"], "bridge")?;
    }
    Ok(Tap { file, name })
}

fn ip(args: &[&str], program: &str) -> Result<(), String> {
    let out = std::process::Command::new(program).args(args).output().map_err(|e| format!("cannot run {program}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!("{program} {}: {}", args.join(" "), String::from_utf8_lossy(&out.stderr).trim()))
    }
}
