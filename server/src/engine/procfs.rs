//! What a VM's QEMU uses, read from `/proc`: CPU time of the process and of
//! its vCPU threads (QEMU names them `CPU <n>/<accel>` with
//! `debug-threads=on`, which its command line sets), resident memory, age,
//! and the tap device it holds (a bridged VM's).

use std::path::Path;

/// One reading of a QEMU process.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ProcessSample {
    /// CPU time of the whole process, in clock ticks.
    pub cpu_ticks: u64,
    /// CPU time of its vCPU threads, in clock ticks.
    pub vcpu_ticks: u64,
    pub rss_bytes: u64,
    /// Seconds since the process started.
    pub age_secs: u64,
}

/// Clock ticks per second, the unit of `/proc`'s CPU times.
pub fn ticks_per_sec() -> u64 {
    // SAFETY: sysconf has no preconditions.
    let t = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    if t > 0 { t as u64 } else { 100 }
}

/// The fields of a `stat` file after the command name (which may hold
/// spaces and parentheses), numbered from 3 as in proc(5).
fn stat_fields(text: &str) -> Option<Vec<&str>> {
    let rest = &text[text.rfind(')')? + 1..];
    Some(rest.split_whitespace().collect())
}

/// utime + stime, and starttime, of a `stat` file.
fn cpu_and_start(text: &str) -> Option<(u64, u64)> {
    let f = stat_fields(text)?;
    // proc(5): utime is field 14, stime 15, starttime 22; `f[0]` is field 3.
    let num = |n: usize| f.get(n - 3).and_then(|v| v.parse::<u64>().ok());
    Some((num(14)? + num(15)?, num(22)?))
}

/// The system's uptime in seconds.
fn uptime_secs() -> Option<f64> {
    std::fs::read_to_string("/proc/uptime").ok()?.split_whitespace().next()?.parse().ok()
}

/// Reads process `pid` now; `None` when it is gone.
pub fn sample(pid: u32) -> Option<ProcessSample> {
    let dir = Path::new("/proc").join(pid.to_string());
    let (cpu_ticks, start) = cpu_and_start(&std::fs::read_to_string(dir.join("stat")).ok()?)?;
    let rss_bytes = std::fs::read_to_string(dir.join("status"))
        .ok()
        .and_then(|s| s.lines().find_map(|l| l.strip_prefix("VmRSS:").map(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())))
        .flatten()
        .unwrap_or(0)
        * 1024;
    let mut vcpu_ticks = 0;
    if let Ok(tasks) = std::fs::read_dir(dir.join("task")) {
        for task in tasks.flatten() {
            let comm = std::fs::read_to_string(task.path().join("comm")).unwrap_or_default();
            if comm.starts_with("CPU ") {
                let stat = std::fs::read_to_string(task.path().join("stat")).unwrap_or_default();
                vcpu_ticks += cpu_and_start(&stat).map_or(0, |(t, _)| t);
            }
        }
    }
    let age_secs = uptime_secs().map_or(0, |up| (up - start as f64 / ticks_per_sec() as f64).max(0.0) as u64);
    Some(ProcessSample { cpu_ticks, vcpu_ticks, rss_bytes, age_secs })
}

/// The tap device process `pid` has open (`iff:` in a tun fd's fdinfo).
fn tap_of(pid: u32) -> Option<String> {
    let fdinfo = Path::new("/proc").join(pid.to_string()).join("fdinfo");
    std::fs::read_dir(fdinfo).ok()?.flatten().find_map(|fd| {
        let text = std::fs::read_to_string(fd.path()).ok()?;
        text.lines().find_map(|l| l.strip_prefix("iff:").map(|n| n.trim().to_owned()))
    })
}

/// A network device's received and sent bytes (`/sys/class/net`).
fn net_bytes(device: &str) -> Option<(u64, u64)> {
    let read = |what: &str| -> Option<u64> {
        std::fs::read_to_string(format!("/sys/class/net/{device}/statistics/{what}")).ok()?.trim().parse().ok()
    };
    Some((read("rx_bytes")?, read("tx_bytes")?))
}

/// A bridged VM's traffic as its guest sees it, (received, sent) bytes: the
/// host's counters of the tap process `pid` holds, turned round (what the
/// tap received, the guest sent).
pub fn guest_traffic(pid: u32) -> Option<(u64, u64)> {
    let (host_rx, host_tx) = net_bytes(&tap_of(pid)?)?;
    Some((host_tx, host_rx))
}

/// The host's CPU time so far over all cores, (busy, total) in ticks, from
/// `/proc/stat` (idle and iowait are not busy).
pub fn host_cpu() -> Option<(u64, u64)> {
    host_cpu_of(&std::fs::read_to_string("/proc/stat").ok()?)
}

fn host_cpu_of(stat: &str) -> Option<(u64, u64)> {
    let line = stat.lines().find(|l| l.starts_with("cpu "))?;
    let v: Vec<u64> = line.split_whitespace().skip(1).filter_map(|f| f.parse().ok()).collect();
    if v.len() < 4 {
        return None;
    }
    // user nice system idle iowait irq softirq steal (guest time is in user).
    let total: u64 = v.iter().take(8).sum();
    let idle = v[3] + v.get(4).copied().unwrap_or(0);
    Some((total - idle, total))
}

/// Busy share of all cores, 0 to 100, between two `host_cpu` readings (0
/// when either is missing).
pub fn host_percent(before: Option<(u64, u64)>, after: Option<(u64, u64)>) -> f64 {
    let (Some(before), Some(after)) = (before, after) else {
        return 0.0;
    };
    let total = after.1.saturating_sub(before.1);
    if total == 0 {
        return 0.0;
    }
    let busy = after.0.saturating_sub(before.0).min(total);
    (busy as f64 / total as f64 * 1000.0).round() / 10.0
}

/// The load averages over 1, 5 and 15 minutes.
pub fn load_average() -> Option<(f64, f64, f64)> {
    let text = std::fs::read_to_string("/proc/loadavg").ok()?;
    let mut f = text.split_whitespace().map(|v| v.parse::<f64>().ok());
    Some((f.next()??, f.next()??, f.next()??))
}

/// The host's RAM and what programs can still get, in bytes (`/proc/meminfo`).
pub fn host_memory() -> Option<(u64, u64)> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    Some((meminfo_field(&info, "MemTotal:")?, meminfo_field(&info, "MemAvailable:")?))
}

/// One `/proc/meminfo` field (`"MemTotal:"`), in bytes.
pub fn meminfo(field: &str) -> Option<u64> {
    meminfo_field(&std::fs::read_to_string("/proc/meminfo").ok()?, field)
}

fn meminfo_field(info: &str, name: &str) -> Option<u64> {
    let kib: u64 = info.lines().find(|l| l.starts_with(name))?.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// CPU percent of one core between two samples `secs` apart.
pub fn percent(before: u64, after: u64, secs: f64) -> f64 {
    if secs <= 0.0 {
        return 0.0;
    }
    let used = after.saturating_sub(before) as f64 / ticks_per_sec() as f64;
    (used / secs * 1000.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_lines_with_odd_names_are_read() {
        let line = "4242 (CPU 0/TCG) S 1 2 3 4 5 6 7 8 9 10 150 50 0 0 20 0 3 0 12345 0 0";
        assert_eq!(cpu_and_start(line), Some((200, 12345)));
        let odd = "7 (a) b (c) R 1 2 3 4 5 6 7 8 9 10 1 2 0 0 20 0 1 0 99 0 0";
        assert_eq!(cpu_and_start(odd), Some((3, 99)));
        assert_eq!(cpu_and_start("garbage"), None);
    }

    #[test]
    fn host_cpu_counts_idle_and_iowait_as_not_busy() {
        let stat = "cpu  100 0 50 800 50 0 0 0 0 0\ncpu0 1 2 3 4\n";
        assert_eq!(host_cpu_of(stat), Some((150, 1000)));
        assert_eq!(host_percent(Some((150, 1000)), Some((250, 1400))), 25.0);
        assert_eq!(host_percent(Some((150, 1000)), Some((150, 1000))), 0.0);
        assert_eq!(host_percent(None, Some((150, 1000))), 0.0);
        let (busy, total) = host_cpu().expect("this host has /proc/stat");
        assert!(total > busy && busy > 0);
        let (mem, avail) = host_memory().expect("this host has /proc/meminfo");
        assert!(mem >= avail && avail > 0);
        assert!(load_average().is_some());
    }

    #[test]
    fn this_process_is_sampled() {
        let s = sample(std::process::id()).expect("this process exists");
        assert!(s.rss_bytes > 0, "{s:?}");
        assert_eq!(percent(100, 100 + ticks_per_sec(), 2.0), 50.0);
    }
}
