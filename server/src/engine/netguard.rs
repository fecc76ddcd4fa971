//! Keeps guests off the host. User-mode networking turns a guest's
//! connection to 10.0.2.2 into one from QEMU to the host's own loopback,
//! where vlab and every VM's port forwards listen. vlab puts every QEMU in
//! a cgroup under one group (v2, see `confine`) and has the host's firewall (nftables) refuse new
//! connections from that cgroup's sockets to any address of the host
//! itself. Connections into QEMU (port forwards) and out to other hosts
//! (NAT to the world) are untouched; DNS to a local resolver stays open.
//! Where this cannot be set up, guests get no outbound network at all
//! (slirp's `restrict=on`) and `/health` says why.

use std::path::Path;
use tokio::io::AsyncWriteExt;

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

/// Sets the guard up for the cgroup v2 `group` every QEMU joins (see
/// `confine`; none when QEMU cannot be put there). Idempotent: every vlab
/// on the host installs the same rules.
pub async fn setup(group: Option<&Path>) -> NetGuard {
    let Some(group) = group else {
        return NetGuard::inactive("QEMU processes cannot be put in a cgroup v2 group (vlab is not root, or no cgroup v2 is mounted): guests get no outbound network");
    };
    // nftables names a cgroup by its path below /sys/fs/cgroup.
    let Ok(rel) = group.strip_prefix("/sys/fs/cgroup") else {
        return NetGuard::inactive(format!("the guests' cgroup {} is not under /sys/fs/cgroup", group.display()));
    };
    match nft(&ruleset(&rel.to_string_lossy())).await {
        Ok(()) => NetGuard {
            active: true,
            reason: format!("guests cannot open connections to this host (nftables, cgroup {}); outbound NAT to other hosts works", super::confine::GROUP),
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

#[cfg(test)]
mod tests {
    #[test]
    fn the_ruleset_refuses_host_addresses_to_guests_only() {
        let r = super::ruleset("unified/vlab-guests");
        assert!(r.contains("socket cgroupv2 level 1 \"unified/vlab-guests\" ct state new fib daddr type local reject"), "{r}");
        assert!(r.starts_with("table inet vlab_guard\ndelete table inet vlab_guard\n"), "replaced whole: {r}");
    }
}
