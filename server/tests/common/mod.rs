//! Starts the real vlab on port 0 with a fresh data dir, and talks to it.

#![allow(dead_code)]

use reqwest::{Client, Method, Response, StatusCode};
use serde_json::{json, Value};
use server::config::{Config, Secret};
use std::path::PathBuf;

pub const ADMIN_PASSWORD: &str = "admin-password-1";

pub struct TestApp {
    pub base: String,
    pub data_dir: tempfile::TempDir,
    pub http: Client,
    /// Where the app keeps its state (SQLite in the data dir, or PostgreSQL).
    pub database_url: String,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for TestApp {
    /// Stops the server and kills any QEMU it left behind, so no test
    /// leaks guests into the next.
    fn drop(&mut self) {
        self.task.abort();
        kill_guests_under(self.data_dir.path());
        // Run dirs live outside the data dir when QEMU has its own user.
        if let Ok(target) = std::fs::read_link(self.data_dir.path().join("run")) {
            let _ = std::fs::remove_dir_all(target);
        }
    }
}

pub fn kill_guests_under(data_dir: &std::path::Path) {
    let Ok(entries) = std::fs::read_dir(data_dir.join("run")) else { return };
    for e in entries.flatten() {
        if let Ok(pid) = std::fs::read_to_string(e.path().join("qemu.pid")) {
            let _ = std::process::Command::new("kill").args(["-KILL", pid.trim()]).status();
        }
    }
}

pub fn client() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("http client")
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        Self::spawn_with(|_| {}).await
    }

    /// Starts the application with settings adjusted by `tweak`.
    pub async fn spawn_with(tweak: impl FnOnce(&mut Config)) -> TestApp {
        Self::spawn_in(tempfile::tempdir().expect("temp dir"), tweak).await
    }

    /// Like `spawn_with`, with a data dir the test prepared (e.g. a small filesystem).
    pub async fn spawn_in(data_dir: tempfile::TempDir, tweak: impl FnOnce(&mut Config)) -> TestApp {
        // VLAB_TEST_LOG=warn (or any filter) shows the server's log.
        server::telemetry::init_for_tests(std::env::var("VLAB_TEST_LOG").ok().as_deref());
        let mut config = Config::for_data_dir(data_dir.path());
        if let Some(url) = postgres_database().await {
            config.database_url = url;
        }
        config.admin_password = Some(Secret::new(ADMIN_PASSWORD));
        config.site_root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/site");
        tweak(&mut config);
        let database_url = config.database_url.clone();
        let app = server::Application::build(config).await.expect("app builds");
        let base = format!("http://{}", app.local_addr());
        let task = tokio::spawn(async move {
            app.run_until_stopped().await.expect("server runs");
        });
        TestApp { base, data_dir, http: client(), database_url, task }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Sends a JSON request with an optional bearer token.
    pub async fn call(&self, method: Method, path: &str, token: Option<&str>, body: Option<Value>) -> Response {
        let mut req = self.http.request(method, self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        req.send().await.expect("request sent")
    }

    /// Like `call`, returning the status and the parsed envelope.
    pub async fn json(&self, method: Method, path: &str, token: Option<&str>, body: Option<Value>) -> (StatusCode, Value) {
        let resp = self.call(method, path, token, body).await;
        let status = resp.status();
        let v = resp.json::<Value>().await.unwrap_or(Value::Null);
        (status, v)
    }

    pub async fn login(&self, username: &str, password: &str) -> String {
        let (status, v) = self
            .json(Method::POST, "/api/v1/auth/login", None, Some(json!({"username": username, "password": password})))
            .await;
        assert_eq!(status, StatusCode::OK, "login of {username} failed: {v}");
        v["data"]["token"].as_str().expect("token in grant").to_owned()
    }

    /// A browser-like client signed in through the login form (its
    /// session cookie, as the UI has).
    pub async fn browser(&self, username: &str, password: &str) -> Client {
        let browser = client();
        let r = browser.post(self.url("/login")).header("origin", &self.base).form(&[("username", username), ("password", password)]).send().await.unwrap();
        assert!(r.status().is_redirection(), "{}", r.status());
        assert_eq!(r.headers()["location"], "/", "{username} signed in");
        browser
    }

    /// Calls the server function at `/api/{name}` as `browser` would.
    pub async fn server_fn(&self, browser: &Client, name: &str, args: Value) -> (StatusCode, Value) {
        let r = browser.post(self.url(&format!("/api/{name}"))).header("origin", &self.base).header("content-type", "application/json").body(args.to_string());
        let resp = r.send().await.unwrap();
        let status = resp.status();
        (status, resp.json::<Value>().await.unwrap_or(Value::Null))
    }

    pub async fn admin_token(&self) -> String {
        self.login("admin", ADMIN_PASSWORD).await
    }

    /// Creates a user as admin and returns their id.
    pub async fn create_user(&self, admin: &str, username: &str, role: &str) -> i64 {
        let (status, v) = self
            .json(
                Method::POST,
                "/api/v1/users",
                Some(admin),
                Some(json!({"username": username, "password": format!("{username}-password"), "role": role})),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{v}");
        v["data"]["id"].as_i64().expect("id")
    }

    /// A file on vlab's host that no guest may read: the SQLite database,
    /// or with PostgreSQL (no secret file of vlab's own) one put there.
    pub fn host_secret(&self) -> PathBuf {
        if on_postgres() {
            let path = self.data_dir.path().join("host-secret.txt");
            if !path.exists() {
                std::fs::write(&path, "a secret of the host's").unwrap();
            }
            path
        } else {
            self.data_dir.path().join("vlab.db")
        }
    }

    /// Runs a statement straight on the app's database.
    pub async fn db_execute(&self, sql: &str) {
        if on_postgres() {
            let db = sqlx::PgPool::connect(&self.database_url).await.expect("database");
            sqlx::query(sql).execute(&db).await.expect("statement");
        } else {
            let db = sqlx::SqlitePool::connect(&self.database_url).await.expect("database");
            sqlx::query(sql).execute(&db).await.expect("statement");
        }
    }

    /// The text column a query reads, straight from the app's database.
    pub async fn db_strings(&self, sql: &str) -> Vec<String> {
        if on_postgres() {
            let db = sqlx::PgPool::connect(&self.database_url).await.expect("database");
            sqlx::query_scalar(sql).fetch_all(&db).await.expect("query")
        } else {
            let db = sqlx::SqlitePool::connect(&self.database_url).await.expect("database");
            sqlx::query_scalar(sql).fetch_all(&db).await.expect("query")
        }
    }
}

/// With `VLAB_TEST_PG` set to the admin URL of a throwaway cluster
/// (`scripts/pg.sh`), each app gets a new PostgreSQL database of its own
/// instead of SQLite in its data dir.
pub async fn postgres_database() -> Option<String> {
    use sqlx::Connection;
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let admin = std::env::var("VLAB_TEST_PG").ok().filter(|u| !u.is_empty())?;
    let name = format!("t{}_{}", std::process::id(), NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst));
    let mut conn = sqlx::PgConnection::connect(&admin).await.expect("VLAB_TEST_PG: connecting");
    sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut conn).await.expect("creating a test database");
    Some(admin.replacen("/postgres?", &format!("/{name}?"), 1))
}

/// Whether the tests run against PostgreSQL (`VLAB_TEST_PG`).
pub fn on_postgres() -> bool {
    std::env::var("VLAB_TEST_PG").is_ok_and(|u| !u.is_empty())
}

/// A request that must succeed; its `data`.
pub async fn ok(app: &TestApp, method: Method, path: &str, token: &str, body: Option<Value>) -> Value {
    let (s, v) = app.json(method, path, Some(token), body).await;
    assert!(s.is_success(), "{path}: {s} {v}");
    v["data"].clone()
}

/// Asserts the error envelope: status, `success: false`, and the code.
pub fn assert_error(status: StatusCode, body: &Value, want_status: u16, want_code: &str) {
    assert_eq!(status.as_u16(), want_status, "body: {body}");
    assert_eq!(body["success"], false, "body: {body}");
    assert_eq!(body["error"]["code"], want_code, "body: {body}");
    assert!(body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "message: {body}");
}

/// The test guests built by guests/build.sh.
pub fn guest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../guests/out")
}

pub const GUEST_CMDLINE: &str = "console=ttyS0 quiet panic=-1 no_timer_check clocksource=hpet";
pub const MARKER: &str = "VLAB-GUEST-READY";

/// Puts the test guest into the data dir's kernel pool under `name`.
pub fn install_guest_kernel(data_dir: &std::path::Path, name: &str, extra_cmdline: &str) {
    let dir = data_dir.join("pools/kernels").join(name);
    std::fs::create_dir_all(&dir).unwrap();
    let src = guest_dir();
    assert!(src.join("vmlinux").is_file(), "run guests/build.sh first (./test.sh does)");
    for f in ["vmlinux", "initrd.img"] {
        let _ = std::fs::remove_file(dir.join(f));
        std::os::unix::fs::symlink(src.join(f), dir.join(f)).unwrap();
    }
    std::fs::write(dir.join("cmdline"), format!("{GUEST_CMDLINE} {extra_cmdline}")).unwrap();
}

impl TestApp {
    /// An app whose guests run under TCG, with the test kernels installed.
    pub async fn spawn_for_vms() -> TestApp {
        let app = TestApp::spawn_with(|c| c.accel = server::config::Accel::Tcg).await;
        install_guest_kernel(app.data_dir.path(), "test-guest", "");
        install_guest_kernel(app.data_dir.path(), "test-guest-acpi", "vlab.acpi=1");
        app
    }

    /// Creates a VM from a JSON body and returns its id.
    pub async fn create_vm(&self, token: &str, body: Value) -> i64 {
        let (s, v) = self.json(Method::POST, "/api/v1/vms", Some(token), Some(body)).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        v["data"]["id"].as_i64().unwrap()
    }

    /// Asks for a state change and waits for its operation; returns it.
    pub async fn vm_action(&self, token: &str, id: i64, body: Value) -> Value {
        let (s, v) = self.json(Method::PUT, &format!("/api/v1/vms/{id}/state"), Some(token), Some(body)).await;
        assert_eq!(s, StatusCode::ACCEPTED, "{v}");
        let op = v["data"]["id"].as_i64().unwrap();
        let (s, v) = self.json(Method::GET, &format!("/api/v1/operations/{op}/wait?timeout=60"), Some(token), None).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        v["data"].clone()
    }

    pub async fn vm_state(&self, token: &str, id: i64) -> String {
        let (s, v) = self.json(Method::GET, &format!("/api/v1/vms/{id}"), Some(token), None).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        v["data"]["state"].as_str().unwrap().to_owned()
    }

    pub fn run_dir(&self, id: i64) -> PathBuf {
        self.data_dir.path().join("run").join(format!("vm-{id}"))
    }
}

/// Reads a VM's serial console until `needle` has appeared `times` times.
pub async fn wait_serial(run_dir: &std::path::Path, needle: &str, times: usize, within: std::time::Duration) -> String {
    use tokio::io::AsyncReadExt;
    let deadline = tokio::time::Instant::now() + within;
    let mut stream = loop {
        match tokio::net::UnixStream::connect(run_dir.join("serial.sock")).await {
            Ok(s) => break s,
            Err(e) if tokio::time::Instant::now() < deadline => {
                let _ = e;
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
            Err(e) => panic!("serial socket: {e}"),
        }
    };
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let text = String::from_utf8_lossy(&seen).to_string();
        if text.matches(needle).count() >= times {
            return text;
        }
        match tokio::time::timeout_at(deadline, stream.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => panic!("serial closed before {needle} x{times}: {text}"),
            Ok(Ok(n)) => seen.extend_from_slice(&buf[..n]),
            Err(_) => panic!("no {needle} x{times} on the serial console within {within:?}: {text}"),
        }
    }
}

/// Pids of QEMU processes started for the VM with this uuid.
pub fn qemu_pids(uuid: &str) -> Vec<u32> {
    let needle = format!("vlab-{uuid}");
    std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            let cmd = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
            String::from_utf8_lossy(&cmd).contains(&needle) && !stat.rsplit(')').next().unwrap_or("").trim_start().starts_with('Z')
        })
        .collect()
}

/// Types a command on the serial console and waits for `expect` in the
/// output. The shell may not be reading yet just after boot, so the command
/// is typed again every few seconds until it answers.
pub async fn serial_command(run_dir: &std::path::Path, command: &str, expect: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::UnixStream::connect(run_dir.join("serial.sock")).await.expect("serial socket");
    // Generous: a guest under TCG on a busy host answers slowly.
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(60);
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    while tokio::time::Instant::now() < deadline {
        stream.write_all(format!("{command}\n").as_bytes()).await.unwrap();
        let retry_at = tokio::time::Instant::now() + std::time::Duration::from_secs(3);
        loop {
            if String::from_utf8_lossy(&seen).contains(expect) {
                return String::from_utf8_lossy(&seen).into_owned();
            }
            match tokio::time::timeout_at(retry_at.min(deadline), stream.read(&mut buf)).await {
                Ok(Ok(n)) if n > 0 => seen.extend_from_slice(&buf[..n]),
                Ok(_) => panic!("serial closed: {}", String::from_utf8_lossy(&seen)),
                Err(_) => break,
            }
        }
    }
    panic!("no '{expect}' after '{command}': {}", String::from_utf8_lossy(&seen));
}

/// Collects server-sent events in the background.
pub fn collect_events(app: &TestApp, token: &str) -> std::sync::Arc<std::sync::Mutex<Vec<Value>>> {
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let resp = app.http.get(app.url("/api/v1/events")).bearer_auth(token).send();
    let out = seen.clone();
    tokio::spawn(async move {
        let mut resp = resp.await.expect("event stream");
        let mut buf = String::new();
        while let Ok(Some(chunk)) = resp.chunk().await {
            buf.push_str(&String::from_utf8_lossy(&chunk));
            while let Some(end) = buf.find("\n\n") {
                let block: String = buf.drain(..end + 2).collect();
                if let Some(data) = block.lines().find_map(|l| l.strip_prefix("data: ")) {
                    if let Ok(v) = serde_json::from_str::<Value>(data) {
                        out.lock().unwrap().push(v);
                    }
                }
            }
        }
    });
    seen
}

/// A teacher, a course they teach, and a template made from a prepared VM
/// (test-guest kernel + an empty qcow2 disk). Returns (teacher token, course id, version id).
pub async fn course_with_template(
    app: &TestApp,
    admin: &str,
    teacher: &str,
    code: &str,
) -> (String, i64, i64) {
    app.create_user(admin, teacher, "teacher").await;
    let t = app.login(teacher, &format!("{teacher}-password")).await;
    let course = ok(
        app,
        Method::POST,
        "/api/v1/courses",
        &t,
        Some(json!({"code": code, "title": "Networks", "term": "2026 autumn"})),
    )
    .await;
    assert_eq!(course["my_role"], "teacher");
    let course_id = course["id"].as_i64().unwrap();
    let vm = app
        .create_vm(
            &t,
            json!({"name": "prepared", "kernel": "test-guest", "memory_mib": 256}),
        )
        .await;
    let disk = ok(
        app,
        Method::POST,
        "/api/v1/disks",
        &t,
        Some(json!({"name": "base", "size_mib": 64})),
    )
    .await;
    ok(
        app,
        Method::POST,
        &format!("/api/v1/disks/{}/attach", disk["id"]),
        &t,
        Some(json!({"vm_id": vm})),
    )
    .await;
    let tpl = ok(
        app,
        Method::POST,
        &format!("/api/v1/courses/{course_id}/templates"),
        &t,
        Some(json!({"name": "busybox", "description": "the test guest", "vm_id": vm})),
    )
    .await;
    assert_eq!(tpl["kernel"], "test-guest");
    assert_eq!(tpl["memory_mib"], 256);
    let version = &tpl["versions"][0];
    assert_eq!(
        (version["version"].as_u64(), version["status"].as_str()),
        (Some(1), Some("ready"))
    );
    (t, course_id, version["id"].as_i64().unwrap())
}

/// The built UI's WebAssembly (named after its hash; pkg/hash.txt says which).
pub fn built_wasm() -> Vec<u8> {
    let pkg = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/site/pkg");
    let hashes = std::fs::read_to_string(pkg.join("hash.txt")).expect("the UI is built (scripts/build.sh)");
    let hash = hashes.lines().find_map(|l| l.strip_prefix("wasm:")).expect("a wasm line in hash.txt").trim();
    std::fs::read(pkg.join(format!("vlab.{hash}.wasm"))).expect("the hashed wasm file")
}

/// Makes a student account and adds it to the course; returns its token.
pub async fn enrol_new_student(
    app: &TestApp,
    admin: &str,
    teacher: &str,
    course: i64,
    username: &str,
) -> String {
    app.create_user(admin, username, "student").await;
    ok(
        app,
        Method::POST,
        &format!("/api/v1/courses/{course}/members"),
        teacher,
        Some(json!({"username": username, "role": "student"})),
    )
    .await;
    app.login(username, &format!("{username}-password")).await
}

/// Sends one chunk of an ISO upload; the status and the envelope.
pub async fn put_chunk(app: &TestApp, token: &str, id: i64, offset: usize, data: &[u8]) -> (StatusCode, Value) {
    let resp = app
        .http
        .put(app.url(&format!("/api/v1/isos/{id}/content?offset={offset}")))
        .bearer_auth(token)
        .header("content-type", "application/octet-stream")
        .body(data.to_vec())
        .send()
        .await
        .unwrap();
    (resp.status(), resp.json().await.unwrap_or_default())
}
