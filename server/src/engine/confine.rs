//! What holds a QEMU process in: its own unprivileged user (never root), a
//! per-VM cgroup that caps its memory (the VM's RAM plus
//! `qemu_memory_overhead_mib`) and CPU time (its vCPUs), and QEMU's own
//! seccomp sandbox. Hosts differ: the cgroup v2 hierarchy is used where it
//! has the controller, else the v1 one (hybrid hosts); what is in force is
//! said in `/health`.
//!
//! When vlab runs as root, QEMU runs as the `qemu_user` account (made by
//! `scripts/setup.sh`), each process with its own uid from that account's
//! subordinate uid range (`/etc/subuid`): the range's first uid plus the
//! process id, which no other live process has. A QEMU opens no image by
//! path (vlab hands it open files); the only directory it can reach is its
//! own run dir, owned by its uid while it runs and by root otherwise. The
//! data dir (database, session key, pools) is root's alone.

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
    user: QemuUser,
}

/// Whom QEMU runs as.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum QemuUser {
    /// vlab is not root: QEMU runs as vlab's own user.
    #[default]
    Same,
    /// As root: the account's gid, and a uid per process.
    Account { name: String, uid: u32, gid: u32, groups: Vec<u32>, range: Option<(u32, u32)> },
    /// As root with no such account: VMs do not start.
    Missing { name: String },
}

impl QemuUser {
    /// Looks `name` up in the host's account files (as root).
    pub fn find(name: &str) -> QemuUser {
        if unsafe { libc::geteuid() } != 0 {
            return QemuUser::Same;
        }
        let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
        let Some((uid, gid)): Option<(u32, u32)> = colon_fields(&passwd, name).and_then(|f| Some((f.get(1)?.parse().ok()?, f.get(2)?.parse().ok()?))) else {
            return QemuUser::Missing { name: name.to_owned() };
        };
        if uid == 0 || gid == 0 {
            return QemuUser::Missing { name: name.to_owned() };
        }
        // KVM's device belongs to the kvm group.
        let group = std::fs::read_to_string("/etc/group").unwrap_or_default();
        let groups = colon_fields(&group, "kvm").and_then(|f| f.get(1)?.parse().ok()).into_iter().collect();
        let subuid = std::fs::read_to_string("/etc/subuid").unwrap_or_default();
        let range = colon_fields(&subuid, name)
            .or_else(|| colon_fields(&subuid, &uid.to_string()))
            .and_then(|f| Some((f.first()?.parse::<u32>().ok()?, f.get(1)?.parse::<u32>().ok()?)))
            .filter(|&(first, count)| first > 0 && count > 0 && first.checked_add(count).is_some());
        QemuUser::Account { name: name.to_owned(), uid, gid, groups, range }
    }

    /// The uid a QEMU with process id `pid` gets.
    fn uid_for(&self, pid: u32) -> Option<(u32, u32)> {
        match self {
            QemuUser::Account { uid, gid, range, .. } => Some(match range {
                Some((first, count)) => (first + pid % count, *gid),
                None => (*uid, *gid),
            }),
            _ => None,
        }
    }

    fn describe(&self) -> String {
        match self {
            QemuUser::Same => format!("vlab's own user (uid {})", unsafe { libc::geteuid() }),
            QemuUser::Account { name, range: Some((first, _)), .. } => format!("{name}, one uid per VM ({first} + process id)"),
            QemuUser::Account { name, uid, .. } => format!("{name} (uid {uid} for every VM: no range in /etc/subuid)"),
            QemuUser::Missing { name } => format!("missing: no account {name}, so no VM starts"),
        }
    }
}

/// The fields after the name of the line of a colon-separated account file
/// (passwd, group, subuid) that starts with `name`.
fn colon_fields<'a>(text: &'a str, name: &str) -> Option<Vec<&'a str>> {
    text.lines().find_map(|l| {
        let mut f = l.split(':');
        (f.next()? == name).then(|| f.collect())
    })
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
    pub fn setup(overhead_mib: u64, data_dir: &Path, qemu_user: &str) -> Confinement {
        use sha2::Digest;
        let instance = hex::encode(&sha2::Sha256::digest(data_dir.as_os_str().as_encoded_bytes())[..4]);
        let user = QemuUser::find(qemu_user);
        let mut c = Confinement { overhead_bytes: overhead_mib << 20, instance, user, ..Default::default() };
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
            "qemu_user": self.user.describe(),
        })
    }

    pub fn user(&self) -> &QemuUser {
        &self.user
    }

    /// Where the VMs' run dirs live. With a QEMU account: `/run/vlab/<instance>`
    /// (each QEMU must reach its own, and the data dir is root's alone), with
    /// `<data dir>/run` a link to it for people and tools; else `<data dir>/run`.
    pub fn run_root(&self, data_dir: &Path) -> Result<PathBuf, String> {
        use std::os::unix::fs::PermissionsExt;
        let link = data_dir.join("run");
        if !matches!(self.user, QemuUser::Account { .. }) {
            if link.is_symlink() {
                let _ = std::fs::remove_file(&link);
            }
            return Ok(link);
        }
        let base = Path::new("/run/vlab");
        let root = base.join(&self.instance);
        for dir in [base, &root] {
            std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
            // Others may pass through (to their own run dir) but not list.
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o711)).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        match std::fs::symlink_metadata(&link) {
            Ok(m) if m.file_type().is_symlink() => {
                if std::fs::read_link(&link).ok().as_deref() != Some(root.as_path()) {
                    std::fs::remove_file(&link).map_err(|e| format!("{}: {e}", link.display()))?;
                }
            }
            Ok(_) => {
                // Run dirs of an earlier vlab that kept them in the data dir.
                let live = std::fs::read_dir(&link).into_iter().flatten().flatten().any(|e| {
                    std::fs::read_to_string(e.path().join("qemu.pid"))
                        .ok()
                        .and_then(|p| p.trim().parse::<u32>().ok())
                        .is_some_and(super::pid_alive)
                });
                if live {
                    return Err(format!("{} holds VMs that still run from an earlier vlab; stop them first", link.display()));
                }
                std::fs::remove_dir_all(&link).map_err(|e| format!("{}: {e}", link.display()))?;
            }
            Err(_) => {}
        }
        if !link.is_symlink() {
            std::os::unix::fs::symlink(&root, &link).map_err(|e| format!("{}: {e}", link.display()))?;
        }
        Ok(root)
    }

    /// What a QEMU child does between fork and exec, in this order: joins
    /// its cgroups (`procs`, from `prepare`), keeps the files vlab opened for
    /// it (`keep`: they lose close-on-exec), gives its run dir and the files
    /// in it that outlive a run (`own`) to its uid, and becomes that user.
    /// Only async-signal-safe calls. Refuses when QEMU would run as root.
    pub fn child_setup(
        &self,
        procs: Vec<CString>,
        keep: Vec<std::os::fd::RawFd>,
        own: Vec<CString>,
    ) -> Result<impl FnMut() -> std::io::Result<()> + Send + Sync + 'static, String> {
        if let QemuUser::Missing { name } = &self.user {
            return Err(format!(
                "QEMU must not run as root and the account {name} does not exist: create it with scripts/setup.sh \
                 (or useradd --system {name}), or set qemu_user"
            ));
        }
        let user = self.user.clone();
        Ok(move || {
            for p in &procs {
                join(p)?;
            }
            unsafe {
                for &fd in &keep {
                    if libc::fcntl(fd, libc::F_SETFD, 0) < 0 {
                        return Err(std::io::Error::last_os_error());
                    }
                }
                let QemuUser::Account { groups, .. } = &user else { return Ok(()) };
                let (uid, gid) = user.uid_for(libc::getpid() as u32).unwrap_or_default();
                for path in &own {
                    // A file that does not exist yet is made by QEMU itself.
                    if libc::chown(path.as_ptr(), uid, gid) < 0 && *libc::__errno_location() != libc::ENOENT {
                        return Err(std::io::Error::last_os_error());
                    }
                }
                if libc::setgroups(groups.len(), groups.as_ptr()) < 0 || libc::setgid(gid) < 0 || libc::setuid(uid) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                if libc::getuid() != uid || libc::geteuid() != uid || libc::getegid() != gid {
                    return Err(std::io::Error::other("could not drop to the QEMU user"));
                }
            }
            Ok(())
        })
    }

    /// Takes a stopped VM's run dir (and what is in it) back from its QEMU's
    /// uid, which a later process may get.
    pub fn disown(&self, run_dir: &Path) {
        if !matches!(self.user, QemuUser::Account { .. }) {
            return;
        }
        let _ = std::os::unix::fs::chown(run_dir, Some(0), Some(0));
        for entry in std::fs::read_dir(run_dir).into_iter().flatten().flatten() {
            let _ = std::os::unix::fs::lchown(entry.path(), Some(0), Some(0));
        }
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
