//! What holds a QEMU process in: a per-VM cgroup that caps its memory
//! (the VM's RAM plus `qemu_memory_overhead_mib`) and CPU time (its vCPUs),
//! and QEMU's own seccomp sandbox. Hosts differ: the cgroup v2 hierarchy is
//! used where it has the controller, else the v1 one (hybrid hosts); what is
//! in force is said in `/health`.

use std::ffi::CString;
use std::path::{Path, PathBuf};

/// The cgroup (in every hierarchy vlab uses) that holds the VMs' cgroups.
pub const GROUP: &str = "vlab-guests";
const CPU_PERIOD_US: u64 = 100_000;

/// Where each limit is enforced; `None` when it is not.
#[derive(Debug, Clone, Default)]
pub struct Confinement {
    /// `<cgroup2 mount>/vlab-guests`: every QEMU joins a child of it (the network guard matches it).
    v2: Option<PathBuf>,
    memory: Option<Limiter>,
    cpu: Option<Limiter>,
    overhead_bytes: u64,
    /// Names this vlab's VMs apart from another vlab's on the same host
    /// (VM ids repeat across data dirs): `<instance>-vm-<id>`.
    instance: String,
}

#[derive(Debug, Clone)]
enum Limiter {
    /// A controller enabled in the v2 group.
    V2,
    /// `<v1 controller mount>/vlab-guests`.
    V1(PathBuf),
}

impl Limiter {
    fn describe(l: &Option<Limiter>) -> &'static str {
        match l {
            Some(Limiter::V2) => "cgroup v2",
            Some(Limiter::V1(_)) => "cgroup v1",
            None => "off",
        }
    }
}

fn mounts() -> Vec<(PathBuf, String, String)> {
    let text = std::fs::read_to_string("/proc/self/mounts").unwrap_or_default();
    text.lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            (f.len() >= 4).then(|| (PathBuf::from(f[1]), f[2].to_owned(), f[3].to_owned()))
        })
        .collect()
}

/// The v2 controllers `dir` may hand to its children, after asking for `want`.
fn enable_v2(dir: &Path, want: &[&str]) -> Vec<String> {
    for c in want {
        let _ = std::fs::write(dir.join("cgroup.subtree_control"), format!("+{c}"));
    }
    std::fs::read_to_string(dir.join("cgroup.subtree_control")).unwrap_or_default().split_whitespace().map(str::to_owned).collect()
}

impl Confinement {
    /// Finds the hierarchies and makes vlab's group in each (as root; else
    /// nothing is confined). `data_dir` tells this vlab's VMs from others'.
    pub fn setup(overhead_mib: u64, data_dir: &Path) -> Confinement {
        use sha2::Digest;
        let instance = hex::encode(&sha2::Sha256::digest(data_dir.as_os_str().as_encoded_bytes())[..4]);
        let mut c = Confinement { overhead_bytes: overhead_mib << 20, instance, ..Default::default() };
        if unsafe { libc::geteuid() } != 0 {
            return c;
        }
        let all = mounts();
        if let Some((mount, _, _)) = all.iter().find(|(_, kind, _)| kind == "cgroup2") {
            let group = mount.join(GROUP);
            if std::fs::create_dir_all(&group).is_ok() {
                // The root must pass a controller down before the group can.
                enable_v2(mount, &["memory", "cpu"]);
                let on = enable_v2(&group, &["memory", "cpu"]);
                if on.iter().any(|x| x == "memory") {
                    c.memory = Some(Limiter::V2);
                }
                if on.iter().any(|x| x == "cpu") {
                    c.cpu = Some(Limiter::V2);
                }
                c.v2 = Some(group);
            }
        }
        let v1 = |controller: &str| -> Option<Limiter> {
            let (mount, _, _) = all.iter().find(|(_, kind, opts)| kind == "cgroup" && opts.split(',').any(|o| o == controller))?;
            let group = mount.join(GROUP);
            std::fs::create_dir_all(&group).ok()?;
            Some(Limiter::V1(group))
        };
        if c.memory.is_none() {
            c.memory = v1("memory");
        }
        if c.cpu.is_none() {
            c.cpu = v1("cpu");
        }
        c
    }

    /// The cgroup v2 group whose children every QEMU joins (the network
    /// guard matches it), if there is one.
    pub fn v2_group(&self) -> Option<&Path> {
        self.v2.as_deref()
    }

    /// One line for logs and `/health`.
    pub fn describe(&self) -> serde_json::Value {
        serde_json::json!({
            "memory_limit": Limiter::describe(&self.memory),
            "cpu_limit": Limiter::describe(&self.cpu),
            "sandbox": "seccomp (-sandbox on)",
            "qemu_user": "vlab's own user",
        })
    }

    fn vm_name(&self, vm: i64) -> String {
        format!("{}-vm-{vm}", self.instance)
    }

    fn vm_dirs(&self, vm: i64) -> Vec<PathBuf> {
        let name = self.vm_name(vm);
        let mut dirs: Vec<PathBuf> = self.v2.iter().map(|g| g.join(&name)).collect();
        for l in [&self.memory, &self.cpu].into_iter().flatten() {
            if let Limiter::V1(g) = l {
                let d = g.join(&name);
                if !dirs.contains(&d) {
                    dirs.push(d);
                }
            }
        }
        dirs
    }

    /// Makes the VM's cgroups with its limits; returns the `cgroup.procs`
    /// files the QEMU process writes itself into before it runs.
    pub fn prepare(&self, vm: i64, memory_mib: u32, cpus: u32) -> Result<Vec<CString>, String> {
        let memory = ((memory_mib as u64) << 20) + self.overhead_bytes;
        let quota = cpus as u64 * CPU_PERIOD_US;
        let name = self.vm_name(vm);
        let mut procs = Vec::new();
        for dir in self.vm_dirs(vm) {
            std::fs::create_dir_all(&dir).map_err(|e| format!("cgroup {}: {e}", dir.display()))?;
            procs.push(CString::new(dir.join("cgroup.procs").into_os_string().into_encoded_bytes()).map_err(|_| "cgroup path")?);
        }
        let set = |file: PathBuf, value: String| std::fs::write(&file, value).map_err(|e| format!("cgroup {}: {e}", file.display()));
        match &self.memory {
            Some(Limiter::V2) => set(self.v2.as_ref().unwrap().join(&name).join("memory.max"), memory.to_string())?,
            Some(Limiter::V1(g)) => set(g.join(&name).join("memory.limit_in_bytes"), memory.to_string())?,
            None => {}
        }
        match &self.cpu {
            Some(Limiter::V2) => set(self.v2.as_ref().unwrap().join(&name).join("cpu.max"), format!("{quota} {CPU_PERIOD_US}"))?,
            Some(Limiter::V1(g)) => {
                set(g.join(&name).join("cpu.cfs_period_us"), CPU_PERIOD_US.to_string())?;
                set(g.join(&name).join("cpu.cfs_quota_us"), quota.to_string())?;
            }
            None => {}
        }
        Ok(procs)
    }

    /// Removes a VM's cgroups once its QEMU is gone (a cgroup with a
    /// process in it is not removed).
    pub fn release(&self, vm: i64) {
        for dir in self.vm_dirs(vm) {
            let _ = std::fs::remove_dir(dir);
        }
    }
}

/// Called in the child between fork and exec: moves the process into the
/// cgroup whose `cgroup.procs` this is, so its memory, CPU time and every
/// socket it opens are held by that cgroup. Only async-signal-safe calls
/// (open, write, close).
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
