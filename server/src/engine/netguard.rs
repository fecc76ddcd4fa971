//! Keeps guests off the host. User-mode networking turns a guest's
//! connection to 10.0.2.2 into one from QEMU to the host's own loopback,
//! where vlab and every VM's port forwards listen. vlab puts every QEMU in
//! a cgroup under one group (v2, see `confine`) and has the host's firewall (nftables) refuse new
//! connections from that cgroup's sockets to any address of the host
//! itself. Connections into QEMU (port forwards) and out to other hosts
//! (NAT to the world) are untouched; DNS to a local resolver stays open.
//! Where this cannot be set up, guests get no outbound network at all
//! (slirp's `restrict=on`) and `/health` says why.

use std::path::{Path, PathBuf};
use tokio::io::AsyncWriteExt;

/// The cgroup (under the cgroup v2 mount) that holds every QEMU of vlab's.
const GROUP: &str = "vlab-guests";
/// The nftables table vlab owns.
const TABLE: &str = "vlab_guard";

/// Whether the guard is in place, and why (not).
#[derive(Debug, Clone)]
pub struct NetGuard {
    pub active: bool,
    pub reason: String,
}

impl NetGuard {
    pub fn inactive(reason: impl Into<String>) -> NetGuard {
        NetGuard { active: false, reason: reason.into() }
    }
}

/// Where the cgroup v2 hierarchy is mounted (`/sys/fs/cgroup` on a pure v2
/// host, `/sys/fs/cgroup/unified` on a hybrid one).
fn cgroup2_mount() -> Option<PathBuf> {
    let mounts = std::fs::read_to_string("/proc/self/mounts").ok()?;
    mounts.lines().find_map(|l| {
        let mut f = l.split_whitespace();
        let (_, dir, kind) = (f.next()?, f.next()?, f.next()?);
        (kind == "cgroup2").then(|| PathBuf::from(dir))
    })
}

/// The ruleset, replacing any earlier one of vlab's in one transaction.
/// `group` is the guests' cgroup as nftables names it (relative to /sys/fs/cgroup).
pub fn ruleset(group: &str) -> String {
    format!(
        "table inet {TABLE}\n\
         delete table inet {TABLE}\n\
         table inet {TABLE} {{\n\
         \tchain guests_out {{\n\
         \t\ttype filter hook output priority 0; policy accept;\n\
         \t\tsocket cgroupv2 level 1 \"{group}\" ct state new fib daddr type local th dport 53 accept\n\
         \t\tsocket cgroupv2 level 1 \"{group}\" ct state new fib daddr type local reject\n\
         \t}}\n\
         }}\n"
    )
}

/// Sets the guard up (idempotent: every vlab on the host installs the same rules).
pub async fn setup() -> NetGuard {
    if unsafe { libc::geteuid() } != 0 {
        return NetGuard::inactive("vlab does not run as root, so it cannot set the host firewall: guests get no outbound network");
    }
    let Some(mount) = cgroup2_mount() else {
        return NetGuard::inactive("no cgroup v2 hierarchy is mounted: guests get no outbound network");
    };
    let dir = mount.join(GROUP);
    if let Err(e) = std::fs::create_dir_all(&dir) {
        return NetGuard::inactive(format!("cannot create the cgroup {}: {e}; guests get no outbound network", dir.display()));
    }
    // nftables names a cgroup by its path below /sys/fs/cgroup.
    let Ok(rel) = dir.strip_prefix("/sys/fs/cgroup") else {
        return NetGuard::inactive(format!("the cgroup v2 mount {} is not under /sys/fs/cgroup", mount.display()));
    };
    match nft(&ruleset(&rel.to_string_lossy())).await {
        Ok(()) => NetGuard {
            active: true,
            reason: "guests cannot open connections to this host (nftables, cgroup vlab-guests); outbound NAT to other hosts works".into(),
        },
        Err(e) => NetGuard::inactive(format!("the host firewall could not be set ({e}): guests get no outbound network")),
    }
}

async fn nft(rules: &str) -> Result<(), String> {
    let mut child = tokio::process::Command::new("nft")
        .args(["-f", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run nft: {e}"))?;
    let mut stdin = child.stdin.take().expect("piped");
    stdin.write_all(rules.as_bytes()).await.map_err(|e| e.to_string())?;
    drop(stdin);
    let out = child.wait_with_output().await.map_err(|e| e.to_string())?;
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).lines().next().unwrap_or("nft failed").to_owned())
    }
}

/// Called in the child between fork and exec: moves the process into a
/// cgroup (its VM's, under the guests' group the guard matches), so every
/// socket QEMU opens is subject to the guard.
/// Only async-signal-safe calls (open, write, close).
pub fn join(procs: &std::ffi::CStr) -> std::io::Result<()> {
    unsafe {
        let fd = libc::open(procs.as_ptr(), libc::O_WRONLY | libc::O_CLOEXEC);
        if fd < 0 {
            return Err(std::io::Error::last_os_error());
        }
        let n = libc::write(fd, b"0".as_ptr().cast(), 1);
        let err = std::io::Error::last_os_error();
        libc::close(fd);
        if n != 1 {
            return Err(err);
        }
    }
    Ok(())
}

/// The path as a C string, made before forking.
pub fn c_path(p: &Path) -> Option<std::ffi::CString> {
    std::ffi::CString::new(p.as_os_str().as_encoded_bytes()).ok()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_ruleset_refuses_host_addresses_to_guests_only() {
        let r = super::ruleset("unified/vlab-guests");
        assert!(r.contains("socket cgroupv2 level 1 \"unified/vlab-guests\" ct state new fib daddr type local reject"), "{r}");
        assert!(r.starts_with("table inet vlab_guard\ndelete table inet vlab_guard\n"), "replaced whole: {r}");
    }
}
