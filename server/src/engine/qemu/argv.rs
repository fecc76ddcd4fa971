//! The QEMU command line, as a pure function of a machine description.
//! Only paths vlab generated reach it; a VM's name never does.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// How guests are accelerated (already resolved from `auto`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accel {
    Kvm,
    Tcg,
}

impl Accel {
    pub fn as_str(self) -> &'static str {
        match self {
            Accel::Kvm => "kvm",
            Accel::Tcg => "tcg",
        }
    }

    pub fn parse(s: &str) -> Option<Accel> {
        [Accel::Kvm, Accel::Tcg].into_iter().find(|a| a.as_str() == s)
    }
}

pub use app::types::DiskBus;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiskFormat {
    Qcow2,
    Raw,
    Vmdk,
}

impl DiskFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            DiskFormat::Qcow2 => "qcow2",
            DiskFormat::Raw => "raw",
            DiskFormat::Vmdk => "vmdk",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Disk {
    pub path: PathBuf,
    pub format: DiskFormat,
    /// The qcow2 template a lab overlay reads from. QEMU is told this
    /// explicitly (read-only, itself with no backing); any backing file
    /// named inside an image is never opened.
    pub backing: Option<PathBuf>,
}

/// The `-blockdev` value of a disk, in QEMU's JSON form so that "no backing
/// file" can be said (`"backing": null`) and paths need no escaping.
fn blockdev(d: &Disk, node: &str) -> String {
    let file =
        |path: &Path| serde_json::json!({"driver": "file", "filename": path.to_string_lossy()});
    let mut v =
        serde_json::json!({"driver": d.format.as_str(), "node-name": node, "file": file(&d.path)});
    if d.format == DiskFormat::Qcow2 {
        v["backing"] = match &d.backing {
            Some(base) => serde_json::json!({
                "driver": "qcow2", "node-name": format!("{node}-base"), "read-only": true,
                "file": file(base), "backing": null,
            }),
            None => serde_json::Value::Null,
        };
    }
    v.to_string()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    Tcp,
    Udp,
}

impl Protocol {
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Tcp => "tcp",
            Protocol::Udp => "udp",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PortForward {
    pub protocol: Protocol,
    pub host_port: u16,
    pub guest_port: u16,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Network {
    None,
    /// User-mode networking; forwards listen on 127.0.0.1 unless `host_addr` says otherwise.
    /// `restrict`: no outbound network at all (forwards still work).
    User { forwards: Vec<PortForward>, host_addr: String, restrict: bool },
    /// A tap device on an admin-configured bridge; `isolated`: a port that
    /// reaches the bridge's uplink but no other VM's port.
    Bridge { bridge: String, isolated: bool },
    /// A tap device vlab made and opened (descriptor `fd` in QEMU): what a
    /// bridge becomes when vlab can make taps (see engine::tap).
    Tap { fd: i32 },
}

/// A kernel booted directly (no bootloader), from vlab's kernel pool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectKernel {
    pub kernel: PathBuf,
    pub initrd: Option<PathBuf>,
    pub append: String,
}

/// Everything QEMU needs to know about one VM.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Machine {
    /// Stable id, used for QEMU's `-name` (never the display name).
    pub uuid: String,
    pub accel: Accel,
    pub cpus: u32,
    pub memory_mib: u32,
    pub disks: Vec<Disk>,
    pub disk_bus: DiskBus,
    pub cdrom: Option<PathBuf>,
    /// QEMU boot order letters: c (disk), d (CD-ROM), n (network).
    pub boot_order: String,
    pub kernel: Option<DirectKernel>,
    pub network: Network,
    pub mac: String,
}

/// The sockets and files of a running VM, all inside its run dir.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunPaths {
    pub dir: PathBuf,
}

impl RunPaths {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }
    pub fn qmp(&self) -> PathBuf {
        self.dir.join("qmp.sock")
    }
    pub fn vnc(&self) -> PathBuf {
        self.dir.join("vnc.sock")
    }
    pub fn serial(&self) -> PathBuf {
        self.dir.join("serial.sock")
    }
    pub fn pidfile(&self) -> PathBuf {
        self.dir.join("qemu.pid")
    }
    pub fn log(&self) -> PathBuf {
        self.dir.join("qemu.log")
    }
    /// Everything the guest wrote to its serial port since it started.
    pub fn serial_log(&self) -> PathBuf {
        self.dir.join("serial.log")
    }
    /// The serial log's previous part, once it was cut.
    pub fn serial_log_old(&self) -> PathBuf {
        self.dir.join("serial.log.1")
    }
}

/// The CD-ROM drive's device id (media changes name it).
pub const CDROM_DEVICE: &str = "cdrom0";
/// The network backend's id (port forwards name it).
pub const NET_ID: &str = "net0";

/// The block node of a VM's `i`-th disk (snapshots name it).
pub fn disk_node(i: usize) -> String {
    format!("disk{i}")
}

fn path_arg(prefix: &str, path: &Path, suffix: &str) -> OsString {
    // QEMU option values treat ',' as a separator; vlab's paths never
    // contain one (checked where they are made), so no escaping is needed.
    let mut s = OsString::from(prefix);
    s.push(path.as_os_str());
    s.push(suffix);
    s
}

/// The argument vector (without the binary).
pub fn build(m: &Machine, run: &RunPaths) -> Vec<OsString> {
    let mut a: Vec<OsString> = Vec::new();
    let mut push = |s: &str| a.push(s.into());
    push("-S");
    push("-nodefaults");
    push("-no-user-config");
    push("-name");
    push(&format!("guest=vlab-{},debug-threads=on", m.uuid));
    push("-machine");
    push("q35");
    push("-accel");
    push(m.accel.as_str());
    push("-cpu");
    push(match m.accel {
        Accel::Kvm => "host",
        Accel::Tcg => "max",
    });
    push("-smp");
    push(&m.cpus.to_string());
    push("-m");
    push(&format!("{}M", m.memory_mib));
    push("-vga");
    push("std");
    push("-display");
    push("none");
    push("-device");
    push("virtio-balloon-pci,id=balloon0");
    // QEMU's seccomp filter: no obsolete calls, no new privileges, no new
    // processes, no scheduler or affinity changes. A bridge that vlab could
    // not make a tap for needs QEMU's setuid helper, which must be spawned
    // and raise its privileges.
    push("-sandbox");
    push(match m.network {
        Network::Bridge { .. } => "on,obsolete=deny,resourcecontrol=deny",
        _ => "on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny",
    });
    a.push("-qmp".into());
    a.push(path_arg("unix:", &run.qmp(), ",server=on,wait=off"));
    a.push("-vnc".into());
    a.push(path_arg("unix:", &run.vnc(), ",share=force-shared"));
    a.push("-chardev".into());
    // logappend: QEMU writes at the end of the log wherever that is, so vlab
    // can cut the log short (see supervisor::keep_serial_log) while it runs.
    let mut serial = path_arg("socket,id=serial0,path=", &run.serial(), ",server=on,wait=off,logappend=on,logfile=");
    serial.push(run.serial_log().as_os_str());
    a.push(serial);
    a.push("-serial".into());
    a.push("chardev:serial0".into());
    a.push("-pidfile".into());
    a.push(run.pidfile().into_os_string());

    for (i, d) in m.disks.iter().enumerate() {
        let node = disk_node(i);
        a.push("-blockdev".into());
        a.push(blockdev(d, &node).into());
        a.push("-device".into());
        a.push(
            match m.disk_bus {
                DiskBus::Virtio => format!("virtio-blk-pci,drive={node},id={node}-dev,bootindex={}", boot_index(m, 'c', i)),
                DiskBus::Ide => format!("ide-hd,drive={node},id={node}-dev,bus=ide.{i},bootindex={}", boot_index(m, 'c', i)),
            }
            .into(),
        );
    }
    // The CD-ROM drive always exists, so an ISO can be inserted at run time.
    a.push("-drive".into());
    match &m.cdrom {
        Some(iso) => a.push(path_arg("if=none,id=cd0,media=cdrom,readonly=on,format=raw,file=", iso, "")),
        None => a.push("if=none,id=cd0,media=cdrom,readonly=on".into()),
    }
    a.push("-device".into());
    a.push(format!("ide-cd,drive=cd0,id={CDROM_DEVICE},bus=ide.{},bootindex={}", m.disks.len().min(5), boot_index(m, 'd', 0)).into());

    let netdev = match &m.network {
        Network::None => None,
        Network::User { forwards, host_addr, restrict } => {
            let mut net = format!("user,id={NET_ID}");
            if *restrict {
                net.push_str(",restrict=on");
            }
            for f in forwards {
                net.push_str(&format!(",hostfwd={}:{}:{}-:{}", f.protocol.as_str(), host_addr, f.host_port, f.guest_port));
            }
            Some(net)
        }
        Network::Bridge { bridge, .. } => Some(format!("bridge,id={NET_ID},br={bridge}")),
        Network::Tap { fd } => Some(format!("tap,id={NET_ID},fd={fd}")),
    };
    if let Some(netdev) = netdev {
        a.push("-netdev".into());
        a.push(netdev.into());
        a.push("-device".into());
        a.push(format!("virtio-net-pci,netdev={NET_ID},id=nic0,mac={},bootindex={}", m.mac, boot_index(m, 'n', 0)).into());
    }
    if let Some(k) = &m.kernel {
        a.push("-kernel".into());
        a.push(k.kernel.clone().into_os_string());
        if let Some(initrd) = &k.initrd {
            a.push("-initrd".into());
            a.push(initrd.clone().into_os_string());
        }
        a.push("-append".into());
        a.push(k.append.clone().into());
    }
    a
}

/// Boot priority of a device class from the boot order string; devices
/// not named boot last (QEMU skips devices without media).
fn boot_index(m: &Machine, class: char, nth: usize) -> usize {
    // Classes left out follow in a fixed order, each with its own range.
    let rank = "cdn".find(class).unwrap_or(3);
    let pos = m.boot_order.find(class).unwrap_or(m.boot_order.len() + rank);
    pos * 10 + nth + 1
}

/// Whether a boot order string is acceptable: one to three of c, d, n, no repeats.
pub fn valid_boot_order(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 3
        && s.chars().all(|c| matches!(c, 'c' | 'd' | 'n'))
        && s.chars().enumerate().all(|(i, c)| !s[..i].contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn machine() -> Machine {
        Machine {
            uuid: "0f3c".into(),
            accel: Accel::Tcg,
            cpus: 2,
            memory_mib: 256,
            disks: vec![Disk { path: "/data/pools/disks/7.qcow2".into(), format: DiskFormat::Qcow2, backing: None }],
            disk_bus: DiskBus::Virtio,
            cdrom: Some("/data/pools/isos/3.iso".into()),
            boot_order: "dc".into(),
            kernel: None,
            network: Network::User {
                forwards: vec![PortForward { protocol: Protocol::Tcp, host_port: 20022, guest_port: 22 }],
                host_addr: "127.0.0.1".into(),
                restrict: false,
            },
            mac: "52:54:00:00:00:07".into(),
        }
    }

    fn args(m: &Machine) -> Vec<String> {
        build(m, &RunPaths::new("/run/vlab/vm-7")).into_iter().map(|s| s.into_string().unwrap()).collect()
    }

    fn value_of<'a>(a: &'a [String], flag: &str) -> Vec<&'a str> {
        a.windows(2).filter(|w| w[0] == flag).map(|w| w[1].as_str()).collect()
    }

    #[test]
    fn safe_defaults_and_unix_sockets_only() {
        let a = args(&machine());
        for flag in ["-S", "-nodefaults", "-no-user-config"] {
            assert!(a.iter().any(|x| x == flag), "{flag} missing");
        }
        assert_eq!(value_of(&a, "-machine"), ["q35"]);
        assert_eq!(value_of(&a, "-accel"), ["tcg"]);
        assert_eq!(value_of(&a, "-cpu"), ["max"]);
        assert_eq!(value_of(&a, "-smp"), ["2"]);
        assert_eq!(value_of(&a, "-m"), ["256M"]);
        assert_eq!(value_of(&a, "-vga"), ["std"]);
        assert_eq!(value_of(&a, "-qmp"), ["unix:/run/vlab/vm-7/qmp.sock,server=on,wait=off"]);
        assert_eq!(value_of(&a, "-vnc"), ["unix:/run/vlab/vm-7/vnc.sock,share=force-shared"]);
        assert!(value_of(&a, "-chardev")[0].contains("path=/run/vlab/vm-7/serial.sock"));
        assert!(value_of(&a, "-chardev")[0].ends_with("logappend=on,logfile=/run/vlab/vm-7/serial.log"));
        assert!(!a.iter().any(|x| x.contains("0.0.0.0")), "nothing listens on all addresses");
        assert!(!a.iter().any(|x| x == "-no-reboot"), "-no-reboot turns a reset into an exit");
        assert_eq!(value_of(&a, "-sandbox"), ["on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny"]);
    }

    #[test]
    fn disks_cdrom_boot_order_and_network() {
        let a = args(&machine());
        let blockdev: serde_json::Value = serde_json::from_str(value_of(&a, "-blockdev")[0]).unwrap();
        assert_eq!(
            blockdev,
            serde_json::json!({"driver": "qcow2", "node-name": "disk0", "file": {"driver": "file", "filename": "/data/pools/disks/7.qcow2"}, "backing": null}),
            "the format vlab recorded, and no backing file from the image header"
        );
        let devices = value_of(&a, "-device");
        let disk = devices.iter().find(|d| d.starts_with("virtio-blk-pci")).unwrap();
        let cd = devices.iter().find(|d| d.starts_with("ide-cd")).unwrap();
        let idx = |d: &str| d.rsplit("bootindex=").next().unwrap().parse::<usize>().unwrap();
        assert!(idx(cd) < idx(disk), "boot order dc puts the CD first: {cd} / {disk}");
        assert_eq!(value_of(&a, "-drive"), ["if=none,id=cd0,media=cdrom,readonly=on,format=raw,file=/data/pools/isos/3.iso"]);
        assert_eq!(value_of(&a, "-netdev"), ["user,id=net0,hostfwd=tcp:127.0.0.1:20022-:22"]);
        let mut closed = machine();
        if let Network::User { restrict, .. } = &mut closed.network {
            *restrict = true;
        }
        assert_eq!(value_of(&args(&closed), "-netdev"), ["user,id=net0,restrict=on,hostfwd=tcp:127.0.0.1:20022-:22"], "forwards stay");

        // Devices left out of the boot order still get distinct indexes.
        for order in ["c", "d", "n", "cd", "nc"] {
            let mut m = machine();
            m.boot_order = order.into();
            let a = args(&m);
            let mut idx: Vec<usize> = value_of(&a, "-device")
                .iter()
                .filter_map(|d| d.rsplit_once("bootindex=").map(|(_, i)| i.parse::<usize>().unwrap()))
                .collect();
            let n = idx.len();
            idx.sort_unstable();
            idx.dedup();
            assert_eq!(idx.len(), n, "boot order {order} repeats a bootindex: {a:?}");
        }

        let mut m = machine();
        m.disk_bus = DiskBus::Ide;
        m.cdrom = None;
        m.network = Network::None;
        m.accel = Accel::Kvm;
        let a = args(&m);
        assert!(value_of(&a, "-device").iter().any(|d| d.starts_with("ide-hd,drive=disk0")));
        assert_eq!(value_of(&a, "-drive"), ["if=none,id=cd0,media=cdrom,readonly=on"], "an empty drive for hot-insert");
        assert!(value_of(&a, "-netdev").is_empty());
        assert_eq!(value_of(&a, "-cpu"), ["host"]);

        // A bridge through a tap vlab made keeps the whole sandbox; through
        // QEMU's helper it must let the helper run.
        m.network = Network::Tap { fd: 7 };
        let a = args(&m);
        assert_eq!(value_of(&a, "-netdev"), ["tap,id=net0,fd=7"]);
        assert_eq!(value_of(&a, "-sandbox"), ["on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny"]);
        m.network = Network::Bridge { bridge: "br0".into(), isolated: true };
        let a = args(&m);
        assert_eq!(value_of(&a, "-netdev"), ["bridge,id=net0,br=br0"]);
        assert_eq!(value_of(&a, "-sandbox"), ["on,obsolete=deny,resourcecontrol=deny"]);
    }

    #[test]
    fn images_are_opened_as_recorded_and_nothing_else() {
        let mut m = machine();
        m.disks = vec![
            Disk { path: "/d/1.qcow2".into(), format: DiskFormat::Qcow2, backing: Some("/d/templates/4.qcow2".into()) },
            Disk { path: "/d/2.raw".into(), format: DiskFormat::Raw, backing: None },
        ];
        let a = args(&m);
        let devs: Vec<serde_json::Value> = value_of(&a, "-blockdev").iter().map(|b| serde_json::from_str(b).unwrap()).collect();
        assert_eq!(devs[0]["backing"]["file"]["filename"], "/d/templates/4.qcow2");
        assert_eq!(devs[0]["backing"]["driver"], "qcow2");
        assert_eq!(devs[0]["backing"]["read-only"], true);
        assert_eq!(devs[0]["backing"]["backing"], serde_json::Value::Null);
        assert_eq!(devs[1], serde_json::json!({"driver": "raw", "node-name": "disk1", "file": {"driver": "file", "filename": "/d/2.raw"}}));
    }

    #[test]
    fn direct_kernel_boot() {
        let mut m = machine();
        m.kernel = Some(DirectKernel { kernel: "/k/vmlinux".into(), initrd: Some("/k/initrd.img".into()), append: "console=ttyS0".into() });
        let a = args(&m);
        assert_eq!(value_of(&a, "-kernel"), ["/k/vmlinux"]);
        assert_eq!(value_of(&a, "-initrd"), ["/k/initrd.img"]);
        assert_eq!(value_of(&a, "-append"), ["console=ttyS0"]);
    }

    #[test]
    fn boot_orders_are_checked() {
        for ok in ["c", "d", "n", "cd", "dcn"] {
            assert!(valid_boot_order(ok), "{ok}");
        }
        for bad in ["", "x", "cc", "cdnn", "c,d", "order=d"] {
            assert!(!valid_boot_order(bad), "{bad}");
        }
    }
}
