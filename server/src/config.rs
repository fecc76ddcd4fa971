//! Settings: command-line flags and `VLAB_*` environment variables override
//! an optional TOML file, which overrides the defaults.

use clap::{Parser, ValueEnum};
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// How QEMU accelerates guests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Accel {
    /// KVM when it is usable here, else TCG.
    Auto,
    Kvm,
    Tcg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

/// Who may read `GET /metrics` (Prometheus).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Prometheus {
    /// Nobody: `/metrics` is not there.
    Off,
    /// Requests from this host only, with no proxy in between.
    #[default]
    Localhost,
    /// Requests with `Authorization: Bearer <prometheus_token>`, from anywhere.
    Token,
}

/// A string that never shows up in logs or debug output.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Self {
        Self(s.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl std::str::FromStr for Secret {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Secret(s.to_owned()))
    }
}

/// Command line. Every flag can also come from the environment variable
/// named beside it.
#[derive(Debug, Default, Parser)]
#[command(name = "vlab", version, about = "vlab: a self-hosted virtual machine lab")]
pub struct Cli {
    /// TOML settings file.
    #[arg(long, env = "VLAB_CONFIG")]
    pub config: Option<PathBuf>,
    /// Address to listen on (default 127.0.0.1:3000).
    #[arg(long, env = "VLAB_LISTEN")]
    pub listen: Option<SocketAddr>,
    /// Directory for the database, keys and VM files (default ./data).
    #[arg(long, env = "VLAB_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Database URL (default sqlite://<data-dir>/vlab.db).
    #[arg(long, env = "VLAB_DATABASE_URL")]
    pub database_url: Option<String>,
    /// QEMU system emulator to run guests with.
    #[arg(long, env = "VLAB_QEMU_BINARY")]
    pub qemu_binary: Option<String>,
    /// Guest acceleration.
    #[arg(long, env = "VLAB_ACCEL", value_enum)]
    pub accel: Option<Accel>,
    /// Directory with the demo guest (vmlinux, initrd.img, boot.iso, as
    /// guests/build.sh makes them): the KVM probe boots it, and a new data
    /// dir gets its ISO in the library.
    #[arg(long, env = "VLAB_DEMO_GUEST")]
    pub demo_guest: Option<PathBuf>,
    /// Secret that signs session cookies (default: generated once into the data dir).
    #[arg(long, env = "VLAB_SESSION_SECRET", hide_env_values = true)]
    pub session_secret: Option<Secret>,
    /// Directory with the built web assets (default target/site).
    #[arg(long, env = "VLAB_SITE_ROOT")]
    pub site_root: Option<PathBuf>,
    /// Log format.
    #[arg(long, env = "VLAB_LOG_FORMAT", value_enum)]
    pub log_format: Option<LogFormat>,
    /// Username of the first admin, created when there are no users.
    #[arg(long, env = "VLAB_ADMIN_USERNAME")]
    pub admin_username: Option<String>,
    /// Password of the first admin (default: generated and printed once).
    #[arg(long, env = "VLAB_ADMIN_PASSWORD", hide_env_values = true)]
    pub admin_password: Option<Secret>,
    /// Mark cookies Secure (set when served over HTTPS; on by default when
    /// a public origin is https).
    #[arg(long, env = "VLAB_SECURE_COOKIES")]
    pub secure_cookies: Option<bool>,
    /// The origin(s) browsers reach vlab at, e.g. https://lab.school.example
    /// (comma-separated). Default: whatever host the request names.
    #[arg(long, env = "VLAB_PUBLIC_ORIGIN", value_delimiter = ',')]
    pub public_origin: Option<Vec<String>>,
    /// API requests allowed per minute per token or address.
    #[arg(long, env = "VLAB_API_RATE_LIMIT")]
    pub api_rate_limit: Option<u32>,
    /// Failed logins allowed per user and address within the login window.
    #[arg(long, env = "VLAB_LOGIN_MAX_FAILURES")]
    pub login_max_failures: Option<u32>,
    /// Who may read `/metrics`: off, localhost (default) or token.
    #[arg(long, env = "VLAB_PROMETHEUS", value_enum)]
    pub prometheus: Option<Prometheus>,
    /// The bearer token `/metrics` takes when `prometheus = token` (at least 16 characters).
    #[arg(long, env = "VLAB_PROMETHEUS_TOKEN", hide_env_values = true)]
    pub prometheus_token: Option<Secret>,
    /// Print the OpenAPI document (what `/api/v1/openapi.json` serves) and exit.
    #[arg(long)]
    pub print_openapi: bool,
}

/// The TOML file: the same settings as the flags, in snake_case.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub listen: Option<SocketAddr>,
    pub data_dir: Option<PathBuf>,
    pub database_url: Option<String>,
    pub qemu_binary: Option<String>,
    pub qemu_img_binary: Option<String>,
    pub accel: Option<Accel>,
    pub demo_guest: Option<PathBuf>,
    /// How long the KVM boot probe may take, seconds (default 20).
    pub accel_probe_timeout_secs: Option<u64>,
    pub session_secret: Option<Secret>,
    pub site_root: Option<PathBuf>,
    pub log_format: Option<LogFormat>,
    pub admin_username: Option<String>,
    pub admin_password: Option<Secret>,
    pub secure_cookies: Option<bool>,
    pub public_origins: Option<Vec<String>>,
    pub api_rate_limit: Option<u32>,
    pub login_max_failures: Option<u32>,
    pub login_window_secs: Option<u64>,
    pub token_ttl_hours: Option<u32>,
    pub port_range_start: Option<u16>,
    pub port_range_end: Option<u16>,
    pub max_vm_cpus: Option<u32>,
    pub max_vm_memory_mib: Option<u32>,
    pub bridges: Option<Vec<String>>,
    /// Bridges (of `bridges`) whose VMs may reach each other; on the
    /// others each VM is an isolated port.
    pub shared_bridges: Option<Vec<String>>,
    pub console_ticket_ttl_secs: Option<u64>,
    /// Refuse to start a VM when the memory of running VMs would pass this
    /// many times the host's RAM (default 1.0).
    pub host_memory_ratio: Option<f64>,
    /// How often the lab scheduler looks at schedules and idle VMs, seconds.
    pub scheduler_interval_secs: Option<u64>,
    /// How often running VMs' use is sampled for their history, seconds
    /// (default 10; 0 samples nothing).
    pub metrics_interval_secs: Option<u64>,
    /// A CSV enrolment taking longer than this (ms) is shown as an
    /// operation with progress (default 700).
    pub enrol_progress_after_ms: Option<u64>,
    /// List pages kept ready until their tables change (default 256; 0
    /// turns the cache off).
    pub list_cache_entries: Option<usize>,
    /// This host's node name (default: the host name) and the address other
    /// nodes reach it on (default: the listening address).
    pub node_name: Option<String>,
    pub node_address: Option<String>,
    /// How often the node heartbeats (default 5 s), and how long without
    /// one until it counts as unreachable (default 20 s).
    pub heartbeat_secs: Option<u64>,
    pub node_timeout_secs: Option<u64>,
    pub node_call_timeout_secs: Option<u64>,
    /// With several nodes: a directory every node mounts at the same path
    /// (NFS, say) for the templates and ISOs, so any node can use them.
    pub shared_pool_dir: Option<PathBuf>,
    pub header_read_timeout_secs: Option<u64>,
    pub max_connections: Option<usize>,
    pub trusted_proxies: Option<Vec<String>>,
    /// The quota every new student account starts with (`[student_quota]`).
    pub student_quota: Option<app::types::QuotaLimits>,
    /// Whether user-mode guests may open connections to other hosts (NAT;
    /// default true). Never to this host: see the network guard.
    pub guest_outbound: Option<bool>,
    /// Space kept free in the data dir's filesystem for the database and
    /// logs: uploads and new disks that would eat into it are refused (MiB).
    pub storage_reserve_mib: Option<u64>,
    /// A guest's serial log on disk stays within this many KiB (default 1024).
    pub serial_log_max_kib: Option<u64>,
    /// Memory a QEMU may use beyond its guest's RAM before its cgroup stops it (MiB, default 512).
    pub qemu_memory_overhead_mib: Option<u64>,
    /// The account QEMU runs as when vlab runs as root (default `vlab-qemu`,
    /// made by scripts/setup.sh); each QEMU gets its own uid from the
    /// account's range in /etc/subuid.
    pub qemu_user: Option<String>,
    /// An upload that receives nothing for this long is removed (seconds, default a day).
    pub upload_abandon_secs: Option<u64>,
    pub prometheus: Option<Prometheus>,
    pub prometheus_token: Option<Secret>,
    /// Days the audit trail keeps an event (default 365; 0 keeps them all).
    pub audit_retention_days: Option<u32>,
}

/// Resolved settings.
#[derive(Debug, Clone)]
pub struct Config {
    pub listen: SocketAddr,
    pub data_dir: PathBuf,
    pub database_url: String,
    pub qemu_binary: String,
    pub qemu_img_binary: String,
    pub accel: Accel,
    /// The demo guest's directory, if any.
    pub demo_guest: Option<PathBuf>,
    pub accel_probe_timeout_secs: u64,
    pub session_secret: Option<Secret>,
    pub site_root: PathBuf,
    pub log_format: LogFormat,
    pub admin_username: String,
    pub admin_password: Option<Secret>,
    pub secure_cookies: bool,
    /// Origins a cookie-authenticated change may come from; empty: the
    /// request's own host.
    pub public_origins: Vec<String>,
    pub api_rate_limit: u32,
    pub login_max_failures: u32,
    pub login_window_secs: u64,
    pub token_ttl_hours: u32,
    /// Host ports handed out to port forwards.
    pub port_range: (u16, u16),
    /// Largest VM one may create.
    pub max_vm_cpus: u32,
    pub max_vm_memory_mib: u32,
    /// Host bridges VMs may be attached to (set by the admin in the file).
    pub bridges: Vec<String>,
    /// Of those, the ones whose VMs may reach each other.
    pub shared_bridges: Vec<String>,
    /// How long a console ticket stays valid (at most 60 s).
    pub console_ticket_ttl_secs: u64,
    pub host_memory_ratio: f64,
    pub scheduler_interval_secs: u64,
    pub metrics_interval_secs: u64,
    pub prometheus: Prometheus,
    pub prometheus_token: Option<Secret>,
    pub audit_retention_days: u32,
    pub enrol_progress_after_ms: u64,
    pub list_cache_entries: usize,
    pub node_name: String,
    /// None: the address the listener is bound to.
    pub node_address: Option<String>,
    pub heartbeat_secs: u64,
    pub node_timeout_secs: u64,
    /// How long a call to another node may take.
    pub node_call_timeout_secs: u64,
    /// Where the templates and ISO pools live when every node shares them.
    pub shared_pool_dir: Option<PathBuf>,
    /// A connection must send a whole request head this long after it
    /// opens or after its last response, else it is closed.
    pub header_read_timeout_secs: u64,
    /// Connections served at once; more wait to be accepted.
    pub max_connections: usize,
    /// Peers whose `X-Forwarded-For` names the client (reverse proxies).
    pub trusted_proxies: Vec<crate::serve::IpNet>,
    /// The quota every new student account starts with; an admin changes
    /// it per user afterwards.
    pub student_quota: app::types::QuotaLimits,
    pub guest_outbound: bool,
    pub storage_reserve_mib: u64,
    pub serial_log_max_kib: u64,
    pub qemu_memory_overhead_mib: u64,
    pub qemu_user: String,
    pub upload_abandon_secs: u64,
}

/// What a new student may use unless the settings say otherwise: room for
/// a few machines of their own beside their labs, two running at once.
pub fn default_student_quota() -> app::types::QuotaLimits {
    app::types::QuotaLimits {
        max_vms: Some(10),
        max_vcpus: Some(16),
        max_memory_mib: Some(16384),
        max_disk_mib: Some(100 * 1024),
        max_running_vms: Some(2),
        max_running_vcpus: Some(4),
        max_running_memory_mib: Some(4096),
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read settings file {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("settings file {path} is not valid: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("setting {name}: {message}")]
    Invalid { name: &'static str, message: String },
}

/// The pools `shared_pool_dir` holds: images any node may need. Disks
/// (and linked clones) stay on the node of their VM.
pub const SHARED_POOLS: [&str; 2] = ["templates", "isos"];

impl Config {
    /// Reads the file the command line names (if any) and merges.
    pub fn load(cli: Cli) -> Result<Config, ConfigError> {
        let file = match &cli.config {
            None => FileConfig::default(),
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|source| ConfigError::Read { path: path.clone(), source })?;
                FileConfig::parse(&text)
                    .map_err(|message| ConfigError::Parse { path: path.clone(), message })?
            }
        };
        Config::merge(cli, file)
    }

    /// Flags/env win over the file; the file wins over defaults.
    pub fn merge(cli: Cli, file: FileConfig) -> Result<Config, ConfigError> {
        let data_dir = cli.data_dir.or(file.data_dir).unwrap_or_else(|| PathBuf::from("data"));
        // Absolute, so paths vlab writes into images (backing files) and
        // hands to QEMU do not depend on a working directory.
        let data_dir = std::path::absolute(&data_dir).unwrap_or(data_dir);
        let database_url = cli
            .database_url
            .or(file.database_url)
            .unwrap_or_else(|| default_database_url(&data_dir));
        if !["sqlite:", "postgres://", "postgresql://"].iter().any(|p| database_url.starts_with(p)) {
            return Err(ConfigError::Invalid {
                name: "database_url",
                message: "must be a sqlite: or postgres:// URL".into(),
            });
        }
        let admin_username = cli.admin_username.or(file.admin_username).unwrap_or_else(|| "admin".into());
        let api_rate_limit = cli.api_rate_limit.or(file.api_rate_limit).unwrap_or(1200);
        if api_rate_limit == 0 {
            return Err(ConfigError::Invalid { name: "api_rate_limit", message: "must be at least 1".into() });
        }
        let prometheus = cli.prometheus.or(file.prometheus).unwrap_or_default();
        let prometheus_token = cli.prometheus_token.or(file.prometheus_token);
        if prometheus == Prometheus::Token && prometheus_token.as_ref().is_none_or(|t| t.expose().trim().chars().count() < 16) {
            return Err(ConfigError::Invalid { name: "prometheus_token", message: "prometheus = \"token\" needs a token of at least 16 characters".into() });
        }
        let login_max_failures = cli.login_max_failures.or(file.login_max_failures).unwrap_or(5);
        if login_max_failures == 0 {
            return Err(ConfigError::Invalid { name: "login_max_failures", message: "must be at least 1".into() });
        }
        for b in file.bridges.iter().flatten() {
            let plain = !b.is_empty() && b.len() <= 15 && b.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
            if !plain {
                return Err(ConfigError::Invalid { name: "bridges", message: format!("'{b}' is not an interface name") });
            }
        }
        for b in file.shared_bridges.iter().flatten() {
            if !file.bridges.iter().flatten().any(|x| x == b) {
                return Err(ConfigError::Invalid { name: "shared_bridges", message: format!("'{b}' is not one of bridges") });
            }
        }
        if let (Some(a), Some(b)) = (file.port_range_start, file.port_range_end) {
            if a == 0 || a > b {
                return Err(ConfigError::Invalid { name: "port_range_start", message: "must be 1..=port_range_end".into() });
            }
        }
        let public_origins: Vec<String> = cli.public_origin.or(file.public_origins).unwrap_or_default();
        let public_origins = public_origins.into_iter().map(|o| o.trim().trim_end_matches('/').to_owned()).collect::<Vec<_>>();
        if let Some(bad) = public_origins.iter().find(|o| !origin_shaped(o)) {
            return Err(ConfigError::Invalid { name: "public_origin", message: format!("'{bad}' is not an origin like https://lab.example.org[:port]") });
        }
        if let Some(s) = cli.session_secret.as_ref().or(file.session_secret.as_ref()) {
            if s.expose().len() < 32 {
                return Err(ConfigError::Invalid {
                    name: "session_secret",
                    message: "must be at least 32 characters".into(),
                });
            }
        }
        let trusted_proxies = file
            .trusted_proxies
            .unwrap_or_default()
            .iter()
            .map(|p| p.parse())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|message| ConfigError::Invalid { name: "trusted_proxies", message })?;
        Ok(Config {
            header_read_timeout_secs: file.header_read_timeout_secs.unwrap_or(10).clamp(1, 3600),
            max_connections: file.max_connections.unwrap_or(4096).max(1),
            trusted_proxies,
            student_quota: file.student_quota.unwrap_or_else(default_student_quota),
            guest_outbound: file.guest_outbound.unwrap_or(true),
            storage_reserve_mib: file.storage_reserve_mib.unwrap_or(256),
            serial_log_max_kib: file.serial_log_max_kib.unwrap_or(1024).max(16),
            qemu_memory_overhead_mib: file.qemu_memory_overhead_mib.unwrap_or(512).max(64),
            qemu_user: file.qemu_user.unwrap_or_else(|| "vlab-qemu".into()),
            upload_abandon_secs: file.upload_abandon_secs.unwrap_or(86_400).max(1),
            listen: cli.listen.or(file.listen).unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 3000))),
            database_url,
            qemu_binary: cli.qemu_binary.or(file.qemu_binary).unwrap_or_else(|| "qemu-system-x86_64".into()),
            qemu_img_binary: file.qemu_img_binary.unwrap_or_else(|| "qemu-img".into()),
            accel: cli.accel.or(file.accel).unwrap_or(Accel::Auto),
            demo_guest: cli.demo_guest.or(file.demo_guest).map(|d| std::path::absolute(&d).unwrap_or(d)),
            accel_probe_timeout_secs: file.accel_probe_timeout_secs.unwrap_or(20).clamp(1, 300),
            session_secret: cli.session_secret.or(file.session_secret),
            site_root: cli.site_root.or(file.site_root).unwrap_or_else(|| PathBuf::from("target/site")),
            log_format: cli.log_format.or(file.log_format).unwrap_or_default(),
            admin_username,
            admin_password: cli.admin_password.or(file.admin_password),
            secure_cookies: cli.secure_cookies.or(file.secure_cookies).unwrap_or(public_origins.iter().any(|o| o.starts_with("https://"))),
            public_origins,
            api_rate_limit,
            login_max_failures,
            login_window_secs: file.login_window_secs.unwrap_or(300),
            token_ttl_hours: file.token_ttl_hours.unwrap_or(12).max(1),
            port_range: (file.port_range_start.unwrap_or(20000), file.port_range_end.unwrap_or(29999)),
            max_vm_cpus: file.max_vm_cpus.unwrap_or(16),
            max_vm_memory_mib: file.max_vm_memory_mib.unwrap_or(65536),
            shared_bridges: file.shared_bridges.unwrap_or_default(),
            bridges: file.bridges.unwrap_or_default(),
            console_ticket_ttl_secs: file.console_ticket_ttl_secs.unwrap_or(30).clamp(1, 60),
            host_memory_ratio: file.host_memory_ratio.filter(|r| r.is_finite() && *r > 0.0).unwrap_or(1.0),
            scheduler_interval_secs: file.scheduler_interval_secs.unwrap_or(30).max(1),
            metrics_interval_secs: file.metrics_interval_secs.unwrap_or(10).min(3600),
            prometheus,
            prometheus_token,
            audit_retention_days: file.audit_retention_days.unwrap_or(365),
            enrol_progress_after_ms: file.enrol_progress_after_ms.unwrap_or(700),
            list_cache_entries: file.list_cache_entries.unwrap_or(256),
            node_name: file.node_name.filter(|n| !n.trim().is_empty()).unwrap_or_else(host_name),
            node_address: file.node_address.filter(|a| !a.trim().is_empty()),
            heartbeat_secs: file.heartbeat_secs.unwrap_or(5).clamp(1, 300),
            node_timeout_secs: file.node_timeout_secs.unwrap_or(20).max(2),
            node_call_timeout_secs: file.node_call_timeout_secs.unwrap_or(30).clamp(1, 600),
            shared_pool_dir: file.shared_pool_dir.filter(|p| !p.as_os_str().is_empty()),
            data_dir,
        })
    }

    /// Where a pool of files vlab owns lives (disks, isos, kernels, ...).
    pub fn pool_dir(&self, pool: &str) -> PathBuf {
        match &self.shared_pool_dir {
            Some(shared) if SHARED_POOLS.contains(&pool) => shared.join(pool),
            _ => self.data_dir.join("pools").join(pool),
        }
    }

    /// Settings for a throwaway instance under `data_dir` (tests, benchmarks).
    pub fn for_data_dir(data_dir: &Path) -> Config {
        let cli = Cli {
            data_dir: Some(data_dir.to_path_buf()),
            listen: Some(SocketAddr::from(([127, 0, 0, 1], 0))),
            ..Cli::default()
        };
        Config::merge(cli, FileConfig::default()).expect("defaults are valid")
    }
}

/// The host's name, for its node's default name.
fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_owned())
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "vlab".into())
}

impl FileConfig {
    pub fn parse(text: &str) -> Result<FileConfig, String> {
        toml::from_str(text).map_err(|e| e.message().to_owned())
    }
}

/// `http(s)://host[:port]`, nothing more.
fn origin_shaped(o: &str) -> bool {
    let Some(rest) = o.strip_prefix("https://").or_else(|| o.strip_prefix("http://")) else { return false };
    !rest.is_empty() && rest.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
}

fn default_database_url(data_dir: &Path) -> String {
    format!("sqlite://{}/vlab.db", data_dir.display())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cli(args: &[&str]) -> Cli {
        let mut all = vec!["vlab"];
        all.extend_from_slice(args);
        Cli::try_parse_from(all).expect("valid flags")
    }

    #[test]
    fn defaults_are_local_and_safe() {
        let c = Config::merge(Cli::default(), FileConfig::default()).unwrap();
        assert_eq!(c.listen.to_string(), "127.0.0.1:3000");
        // The data dir is made absolute (here: ./data).
        assert!(c.database_url.starts_with("sqlite:///") && c.database_url.ends_with("/data/vlab.db"), "{}", c.database_url);
        assert_eq!(c.accel, Accel::Auto);
        assert!(!c.secure_cookies);
        assert_eq!(c.prometheus, Prometheus::Localhost);
    }

    #[test]
    fn flags_beat_file_and_file_beats_defaults() {
        let file = FileConfig::parse(
            "listen = \"127.0.0.1:4000\"\ndata_dir = \"/srv/vlab\"\naccel = \"kvm\"\napi_rate_limit = 50\n",
        )
        .unwrap();
        let c = Config::merge(cli(&["--accel", "tcg"]), file).unwrap();
        assert_eq!(c.accel, Accel::Tcg, "flag wins");
        assert_eq!(c.listen.port(), 4000, "file beats default");
        assert_eq!(c.database_url, "sqlite:///srv/vlab/vlab.db", "derived from the file's data dir");
        assert_eq!(c.api_rate_limit, 50);
    }

    #[test]
    fn rejects_unknown_keys_bad_values_and_short_secrets() {
        let err = FileConfig::parse("listen_addr = \"x\"").unwrap_err();
        assert!(err.contains("unknown field"), "{err}");
        assert!(FileConfig::parse("accel = \"hyperv\"").is_err());
        assert!(Cli::try_parse_from(["vlab", "--accel", "fast"]).is_err());
        let short = Config::merge(cli(&["--session-secret", "short"]), FileConfig::default());
        assert!(matches!(short, Err(ConfigError::Invalid { name: "session_secret", .. })));
        let bad_bridge = FileConfig::parse("bridges = [\"br0; rm -rf /\"]").unwrap();
        assert!(matches!(Config::merge(Cli::default(), bad_bridge), Err(ConfigError::Invalid { name: "bridges", .. })));
        let mysql = Config::merge(cli(&["--database-url", "mysql://x"]), FileConfig::default());
        assert!(matches!(mysql, Err(ConfigError::Invalid { name: "database_url", .. })));
        assert!(Config::merge(cli(&["--database-url", "postgres://x"]), FileConfig::default()).is_ok());
        let tokenless = FileConfig::parse("prometheus = \"token\"\nprometheus_token = \"short\"").unwrap();
        assert!(matches!(Config::merge(Cli::default(), tokenless), Err(ConfigError::Invalid { name: "prometheus_token", .. })));
        let off = FileConfig::parse("prometheus = \"off\"").unwrap();
        assert_eq!(Config::merge(Cli::default(), off).unwrap().prometheus, Prometheus::Off);
    }

    #[test]
    fn secrets_do_not_leak_through_debug() {
        let c = Config::merge(
            cli(&["--session-secret", "0123456789abcdef0123456789abcdef-top", "--admin-password", "hunter2hunter2"]),
            FileConfig::default(),
        )
        .unwrap();
        let shown = format!("{c:?}");
        assert!(!shown.contains("hunter2") && !shown.contains("0123456789abcdef"), "{shown}");
    }
}
