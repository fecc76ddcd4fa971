//! The front door against a curious classroom: the real server over real HTTP.

mod common;

use common::*;
use reqwest::{Method, StatusCode};
use serde_json::json;

/// A server function answers a client's mistake with the 4xx of its
/// error, never 500, in the same envelope the UI decodes.
#[tokio::test]
async fn server_functions_answer_bad_input_with_4xx() {
    let app = TestApp::spawn().await;
    let admin = app.browser("admin", ADMIN_PASSWORD).await;
    let call = |browser: &reqwest::Client, body: &str| {
        let r = browser.post(app.url("/api/create_user")).header("origin", &app.base).header("content-type", "application/json").body(body.to_owned());
        async move {
            let r = r.send().await.unwrap();
            let status = r.status().as_u16();
            (status, r.json::<serde_json::Value>().await.unwrap_or_default())
        }
    };
    for malformed in ["{", "{}", r#"{"input": 5}"#, r#"{"input": {"username": "x"}}"#] {
        let (s, v) = call(&admin, malformed).await;
        assert_eq!((s, v["code"].as_str()), (400, Some("BAD_ARGUMENTS")), "{malformed}: {v}");
    }
    let (s, v) = call(&admin, r#"{"input": {"username": "x", "password": "short", "role": "student"}}"#).await;
    assert_eq!((s, v["kind"].as_str()), (422, Some("validation")), "{v}");
    assert!(v["fields"]["password"].is_string(), "{v}");
    let (s, v) = call(&admin, r#"{"input": {"username": "sam", "password": "sam-password", "role": "student"}}"#).await;
    assert_eq!(s, 200, "{v}");
    let (s, _) = call(&admin, r#"{"input": {"username": "sam", "password": "sam-password", "role": "student"}}"#).await;
    assert_eq!(s, 409, "a taken username");
    let student = app.browser("sam", "sam-password").await;
    let (s, v) = call(&student, r#"{"input": {"username": "eve", "password": "eve-password", "role": "admin"}}"#).await;
    assert_eq!(s, 403, "{v}");
    let (s, _) = call(&client(), r#"{"input": {"username": "eve", "password": "eve-password", "role": "admin"}}"#).await;
    assert_eq!(s, 401, "signed out");
}

async fn user_exists(app: &TestApp, admin: &str, username: &str) -> bool {
    let (_, v) = app.json(Method::GET, &format!("/api/v1/users?q={username}"), Some(admin), None).await;
    v["data"].as_array().unwrap().iter().any(|u| u["username"] == username)
}

#[tokio::test]
async fn a_session_cookie_changes_nothing_from_another_site() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let browser = app.browser("admin", ADMIN_PASSWORD).await;
    let new_user = |name: &str| json!({"username": name, "password": "a-long-password", "role": "admin"});

    // Another page posts to the create-user server function: refused, nothing made.
    let body = json!({"input": new_user("evil1")}).to_string();
    let r = browser.post(app.url("/api/create_user")).header("origin", "http://evil.example").header("content-type", "text/plain").body(body.clone()).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = browser.post(app.url("/api/create_user")).header("sec-fetch-site", "cross-site").header("content-type", "application/json").body(body.clone()).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // From home, a text/plain body never reaches the JSON decoder.
    let r = browser.post(app.url("/api/create_user")).header("origin", &app.base).header("content-type", "text/plain").body(body.clone()).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(!user_exists(&app, &admin, "evil1").await, "no user was created");

    // The REST API with the cookie: the same rule, also for bodiless POSTs.
    let r = browser.post(app.url("/api/v1/users")).header("origin", "http://evil.example").json(&new_user("evil2")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "FORBIDDEN", "{body}");
    assert!(!user_exists(&app, &admin, "evil2").await);
    let r = browser.post(app.url("/api/v1/labs/1/open")).header("origin", "http://evil.example").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // From vlab's own origin both work.
    let r = browser.post(app.url("/api/create_user")).header("origin", &app.base).json(&json!({"input": new_user("home1")})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    let r = browser.post(app.url("/api/v1/users")).header("origin", &app.base).header("sec-fetch-site", "same-origin").json(&new_user("home2")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    assert!(user_exists(&app, &admin, "home1").await && user_exists(&app, &admin, "home2").await);

    // A bearer token is not something a browser sends on its own: usable from anywhere.
    let (s, v) = app.json(Method::POST, "/api/v1/users", Some(&admin), Some(new_user("tokenuser"))).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let r = app.http.post(app.url("/api/v1/users")).bearer_auth(&admin).header("origin", "http://evil.example").json(&new_user("tokenuser2")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn a_sign_in_from_another_site_is_refused() {
    let app = TestApp::spawn().await;
    let browser = client();
    let r = browser
        .post(app.url("/login"))
        .header("origin", "http://evil.example")
        .form(&[("username", "admin"), ("password", ADMIN_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(r.headers().get("set-cookie").is_none(), "no session was started");
    let r = browser.get(app.url("/api/v1/auth/me")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn answers_cannot_be_framed_or_sniffed() {
    let app = TestApp::spawn().await;
    for path in ["/login", "/api/v1/health", "/favicon.svg"] {
        let r = app.http.get(app.url(path)).send().await.unwrap();
        let h = r.headers();
        assert_eq!(h["x-frame-options"], "DENY", "{path}");
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["referrer-policy"], "same-origin", "{path}");
        assert!(h["content-security-policy"].to_str().unwrap().contains("frame-ancestors 'none'"), "{path}");
    }
}

/// The script policy of a page: its directive, and the nonce in it.
fn script_src(csp: &str) -> (String, Option<String>) {
    let d = csp.split(';').map(str::trim).find(|d| d.starts_with("script-src")).unwrap_or_else(|| panic!("no script-src: {csp}")).to_owned();
    let nonce = d.split_whitespace().find_map(|w| w.strip_prefix("'nonce-").map(|n| n.trim_end_matches('\'').to_owned()));
    (d, nonce)
}

#[tokio::test]
async fn pages_run_only_their_own_scripts() {
    let app = TestApp::spawn().await;
    let mut nonces = vec![];
    for path in ["/login", "/no-such-page"] {
        let r = app.http.get(app.url(path)).send().await.unwrap();
        let csp = r.headers()["content-security-policy"].to_str().unwrap().to_owned();
        let html = r.text().await.unwrap();
        let (scripts, nonce) = script_src(&csp);
        assert!(!scripts.contains("'unsafe-inline'") && !scripts.contains("'unsafe-eval'") && !scripts.contains('*'), "{path}: {scripts}");
        let nonce = nonce.unwrap_or_else(|| panic!("{path}: a page's policy names its nonce: {csp}"));
        // Every inline script on the page carries it; nothing else would run.
        let inline = html.matches("<script").count();
        assert!(inline > 0, "{path}: the hydration scripts are on the page");
        assert!(html.matches(&format!("nonce=\"{nonce}\"")).count() >= inline, "{path}: a script without the nonce");
        assert!(csp.contains("object-src 'none'") && csp.contains("base-uri 'none'") && csp.contains("connect-src 'self'"), "{csp}");
        nonces.push(nonce);
    }
    assert_ne!(nonces[0], nonces[1], "a fresh nonce per page");
    // Everything else gets the policy without a nonce: no inline script at all.
    let r = app.http.get(app.url("/api/v1/health")).send().await.unwrap();
    let (scripts, nonce) = script_src(r.headers()["content-security-policy"].to_str().unwrap());
    assert_eq!(nonce, None, "{scripts}");
}

#[tokio::test]
async fn made_up_tokens_share_their_address_bucket() {
    let app = TestApp::spawn_with(|c| c.api_rate_limit = 30).await;
    let mut limited = 0;
    for i in 0..60 {
        let r = app.http.get(app.url("/api/v1/health")).bearer_auth(format!("bogus-{i}-{}", i * 7919)).send().await.unwrap();
        if r.status() == StatusCode::TOO_MANY_REQUESTS {
            assert!(r.headers().contains_key("retry-after"));
            limited += 1;
        }
    }
    assert!(limited >= 25, "random Authorization headers were {limited} times limited of 60");
    // A real token is its user's own bucket, whatever the address did.
    let app = TestApp::spawn_with(|c| c.api_rate_limit = 30).await;
    let admin = app.admin_token().await;
    for i in 0..40 {
        app.http.get(app.url("/api/v1/health")).bearer_auth(format!("bogus-{i}")).send().await.unwrap();
    }
    let (s, v) = app.json(Method::GET, "/api/v1/auth/me", Some(&admin), None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
}

/// Sends a request head and then up to `body` bytes of body, returning the
/// status line the server answered with.
async fn raw_post(app: &TestApp, path: &str, head: &str, body: usize) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut tcp = tokio::net::TcpStream::connect(app.base.trim_start_matches("http://")).await.unwrap();
    tcp.write_all(format!("POST {path} HTTP/1.1\r\nHost: vlab\r\n{head}\r\n").as_bytes()).await.unwrap();
    let (mut rd, mut wr) = tcp.into_split();
    let writer = tokio::spawn(async move {
        let chunk = vec![b'a'; 1 << 16];
        let mut sent = 0;
        while sent < body {
            if wr.write_all(&chunk).await.is_err() {
                break;
            }
            sent += chunk.len();
        }
    });
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    let read = async {
        while !got.windows(2).any(|w| w == b"\r\n") {
            match rd.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => got.extend_from_slice(&buf[..n]),
            }
        }
    };
    tokio::time::timeout(std::time::Duration::from_secs(10), read).await.expect("an answer within 10 s");
    writer.abort();
    String::from_utf8_lossy(&got).lines().next().unwrap_or_default().to_owned()
}

fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    status.lines().find_map(|l| l.strip_prefix("VmRSS:")).unwrap().trim().trim_end_matches(" kB").trim().parse().unwrap()
}

#[tokio::test]
async fn oversized_bodies_are_refused_before_anything_reads_them() {
    let app = TestApp::spawn().await;
    let hundred_mib = 100usize << 20;
    let before = rss_kib();
    for path in ["/api/create_user", "/login", "/api/v1/users"] {
        let head = format!("Content-Type: application/json\r\nContent-Length: {hundred_mib}\r\n");
        let status = raw_post(&app, path, &head, hundred_mib).await;
        assert!(status.contains(" 413 "), "{path}: {status}");
    }
    let grown = rss_kib().saturating_sub(before);
    assert!(grown < 50 << 10, "the server grew by {grown} KiB");
    let (s, v) = app.json(Method::GET, "/api/v1/health", None, None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
}

#[tokio::test]
async fn parallel_guesses_are_throttled_before_hashing() {
    let app = TestApp::spawn().await;
    let before = rss_kib();
    let guesses = (0..100).map(|i| {
        let (http, url) = (app.http.clone(), app.url("/api/v1/auth/login"));
        async move {
            let r = http.post(url).json(&json!({"username": "admin", "password": format!("wrong-guess-{i}")})).send().await.unwrap();
            r.status().as_u16()
        }
    });
    let statuses = futures_util::future::join_all(guesses).await;
    let checked = statuses.iter().filter(|s| **s == 401).count();
    let limited = statuses.iter().filter(|s| **s == 429).count();
    assert!(checked <= 5, "at most login_max_failures guesses are checked: {checked} of {statuses:?}");
    assert_eq!(checked + limited, 100, "{statuses:?}");
    let grown = rss_kib().saturating_sub(before);
    assert!(grown < 200 << 10, "hashing stayed bounded: grew {grown} KiB");
}

#[tokio::test]
async fn half_sent_requests_neither_starve_nor_stay() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use std::time::{Duration, Instant};
    let app = TestApp::spawn_with(|c| c.header_read_timeout_secs = 2).await;
    let addr = app.base.trim_start_matches("http://").to_owned();
    let mut slow = Vec::new();
    for _ in 0..500 {
        let mut tcp = tokio::net::TcpStream::connect(&addr).await.unwrap();
        tcp.write_all(b"GET /api/v1/health HTTP/1.1\r\nHost: vl").await.unwrap();
        slow.push(tcp);
    }
    // The server still answers everyone else at once.
    let t = Instant::now();
    let (s, _) = app.json(Method::GET, "/api/v1/health", None, None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(t.elapsed() < Duration::from_secs(1), "/health took {:?} beside 500 slow clients", t.elapsed());
    // After the header timeout each half request is closed by the server.
    let closed = futures_util::future::join_all(slow.iter_mut().map(|tcp| async move {
        let mut buf = [0u8; 512];
        let ended = async {
            loop {
                match tcp.read(&mut buf).await {
                    Ok(0) | Err(_) => return,
                    Ok(_) => continue,
                }
            }
        };
        tokio::time::timeout(Duration::from_secs(8), ended).await.is_ok()
    }))
    .await;
    let open = closed.iter().filter(|c| !**c).count();
    assert_eq!(open, 0, "{open} of 500 half requests were still open 8 s later");
    // An idle keep-alive connection is closed the same way.
    let mut tcp = tokio::net::TcpStream::connect(&addr).await.unwrap();
    tcp.write_all(b"GET /api/v1/health HTTP/1.1\r\nHost: vlab\r\n\r\n").await.unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    let answered = tokio::time::timeout(Duration::from_secs(8), async {
        loop {
            match tcp.read(&mut buf).await {
                Ok(0) | Err(_) => return true,
                Ok(n) => got.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    assert!(String::from_utf8_lossy(&got).starts_with("HTTP/1.1 200"), "{}", String::from_utf8_lossy(&got));
    assert_eq!(answered, Ok(true), "an idle keep-alive connection stays open");
}

#[tokio::test]
async fn connections_over_the_cap_wait_their_turn() {
    use tokio::io::AsyncWriteExt;
    use std::time::Duration;
    let app = TestApp::spawn_with(|c| {
        c.max_connections = 20;
        c.header_read_timeout_secs = 3;
    })
    .await;
    let addr = app.base.trim_start_matches("http://").to_owned();
    let mut held = Vec::new();
    for _ in 0..20 {
        let mut tcp = tokio::net::TcpStream::connect(&addr).await.unwrap();
        tcp.write_all(b"GET / HTTP/1.1\r\n").await.unwrap();
        held.push(tcp);
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    // The 21st waits in the backlog until a slot frees (here: the timeout).
    let fresh = client();
    let waited = tokio::time::timeout(Duration::from_millis(1000), fresh.get(app.url("/api/v1/health")).send()).await;
    assert!(waited.is_err(), "a connection over the cap was served at once");
    let r = tokio::time::timeout(Duration::from_secs(8), fresh.get(app.url("/api/v1/health")).send()).await;
    assert_eq!(r.expect("served once the slow ones timed out").unwrap().status(), StatusCode::OK);
}

#[tokio::test]
async fn forwarded_addresses_count_only_from_trusted_proxies() {
    let hits = |app: &TestApp, fixed: bool| {
        let (http, url) = (app.http.clone(), app.url("/api/v1/health"));
        async move {
            let mut limited = 0;
            for i in 0..40 {
                let xff = if fixed { "198.51.100.1".to_owned() } else { format!("198.51.100.{}", i + 1) };
                let r = http.get(&url).header("x-forwarded-for", xff).send().await.unwrap();
                limited += (r.status() == StatusCode::TOO_MANY_REQUESTS) as u32;
            }
            limited
        }
    };
    // Not behind a proxy: a made-up header does not make a fresh bucket.
    let app = TestApp::spawn_with(|c| c.api_rate_limit = 20).await;
    assert!(hits(&app, false).await >= 15, "X-Forwarded-For from an untrusted peer was believed");
    // Behind a trusted proxy: each client has its own bucket, and one client is still limited.
    let app = TestApp::spawn_with(|c| {
        c.api_rate_limit = 20;
        c.trusted_proxies = vec!["127.0.0.0/8".parse().unwrap()];
    })
    .await;
    assert_eq!(hits(&app, false).await, 0, "forty clients behind the proxy share a bucket");
    assert!(hits(&app, true).await >= 15, "one client behind the proxy was not limited");
}

mod revocation {
    use super::*;
    use futures_util::{SinkExt, StreamExt};
    use std::sync::{Arc, Mutex};
    use std::time::Duration;
    use tokio_tungstenite::tungstenite::Message;

    type Ws = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

    /// A serial console of `vm` opened with a ticket asked for by `client`
    /// (a bearer token, or a browser with its cookie).
    async fn console(app: &TestApp, vm: i64, bearer: Option<&str>, browser: Option<&reqwest::Client>) -> Ws {
        let url = app.url(&format!("/api/v1/vms/{vm}/console"));
        let req = match browser {
            Some(b) => b.post(url).header("origin", &app.base),
            None => app.http.post(url).bearer_auth(bearer.unwrap()),
        };
        let v: serde_json::Value = req.json(&json!({"kind": "serial"})).send().await.unwrap().json().await.unwrap();
        let ticket = v["data"]["ticket"].as_str().unwrap_or_else(|| panic!("{v}")).to_owned();
        let ws_url = format!("{}/api/v1/vms/{vm}/console/ws?ticket={ticket}", app.base.replace("http://", "ws://"));
        tokio_tungstenite::connect_async(ws_url).await.expect("console opens").0
    }

    /// Waits for the server's close frame; its code.
    async fn closed_within(ws: &mut Ws, secs: u64, what: &str) -> u16 {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
        loop {
            match tokio::time::timeout_at(deadline, ws.next()).await {
                Ok(Some(Ok(Message::Close(c)))) => return c.map(|c| u16::from(c.code)).unwrap_or(1005),
                Ok(Some(Ok(_))) => continue,
                Ok(other) => panic!("{what}: ended without a close frame: {other:?}"),
                Err(_) => panic!("{what}: the console was still open {secs} s later"),
            }
        }
    }

    /// The console still answers: a ping comes back.
    async fn still_open(ws: &mut Ws, what: &str) {
        ws.send(Message::Ping(b"still?".to_vec().into())).await.unwrap_or_else(|e| panic!("{what}: {e}"));
        loop {
            match tokio::time::timeout(Duration::from_secs(5), ws.next()).await {
                Ok(Some(Ok(Message::Pong(_)))) => return,
                Ok(Some(Ok(Message::Close(c)))) => panic!("{what}: closed: {c:?}"),
                Ok(Some(Ok(_))) => continue,
                other => panic!("{what}: no pong: {other:?}"),
            }
        }
    }

    /// An event stream: the VM ids of the vm_state events it delivered,
    /// and its task (finished once the server ends the stream).
    fn events(req: reqwest::RequestBuilder) -> (Arc<Mutex<Vec<i64>>>, tokio::task::JoinHandle<()>) {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let out = seen.clone();
        let task = tokio::spawn(async move {
            let mut resp = req.send().await.expect("event stream");
            assert_eq!(resp.status(), StatusCode::OK);
            while let Ok(Some(chunk)) = resp.chunk().await {
                for line in String::from_utf8_lossy(&chunk).lines() {
                    if let Some(v) = line.strip_prefix("data: ").and_then(|d| serde_json::from_str::<serde_json::Value>(d).ok()) {
                        if v["type"] == "vm_state" {
                            out.lock().unwrap().push(v["vm_id"].as_i64().unwrap());
                        }
                    }
                }
            }
        });
        (seen, task)
    }

    async fn ends_within(task: &tokio::task::JoinHandle<()>, secs: u64) -> bool {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
        while tokio::time::Instant::now() < deadline {
            if task.is_finished() {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        false
    }

    #[tokio::test]
    async fn open_consoles_and_event_streams_end_when_access_does() {
        let app = TestApp::spawn_for_vms().await;
        let admin = app.admin_token().await;
        let student = app.create_user(&admin, "stu", "student").await;
        let adm2 = app.create_user(&admin, "adm2", "admin").await;
        let login_a = app.login("stu", "stu-password").await;
        let login_b = app.login("stu", "stu-password").await;
        let (s, v) = app.json(Method::POST, "/api/v1/auth/tokens", Some(&login_a), Some(json!({"name": "script"}))).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let (personal, personal_id) = (v["data"]["token"].as_str().unwrap().to_owned(), v["data"]["info"]["id"].as_i64().unwrap());
        let adm2_token = app.login("adm2", "adm2-password").await;
        let browser = client();
        let r = browser.post(app.url("/login")).header("origin", &app.base).form(&[("username", "stu"), ("password", "stu-password")]).send().await.unwrap();
        assert_eq!(r.headers()["location"], "/", "the student signed in");

        let vm = app.create_vm(&login_a, json!({"name": "mine", "memory_mib": 128, "kernel": "test-guest", "network": "none"})).await;
        let boot = tokio::spawn({
            let dir = app.run_dir(vm);
            async move { wait_serial(&dir, MARKER, 1, Duration::from_secs(40)).await }
        });
        app.vm_action(&login_a, vm, json!({"action": "start"})).await;
        boot.await.unwrap();

        let mut by_a = console(&app, vm, Some(&login_a), None).await;
        let mut by_b = console(&app, vm, Some(&login_b), None).await;
        let mut by_personal = console(&app, vm, Some(&personal), None).await;
        let mut by_session = console(&app, vm, None, Some(&browser)).await;
        let mut by_adm2 = console(&app, vm, Some(&adm2_token), None).await;
        let mut by_admin = console(&app, vm, Some(&admin), None).await;
        let (_, session_stream) = events(browser.get(app.url("/api/v1/events")));
        let (adm2_seen, adm2_stream) = events(app.http.get(app.url("/api/v1/events")).bearer_auth(&adm2_token));
        let (admin_seen, _admin_stream) = events(app.http.get(app.url("/api/v1/events")).bearer_auth(&admin));
        tokio::time::sleep(Duration::from_millis(300)).await;

        // Logging out with a login token ends what it opened, nothing else.
        let (s, _) = app.json(Method::POST, "/api/v1/auth/logout", Some(&login_a), None).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(closed_within(&mut by_a, 5, "logout").await, 1008);
        still_open(&mut by_b, "another login of the same user").await;

        // Revoking a personal token.
        let (s, _) = app.json(Method::DELETE, &format!("/api/v1/auth/tokens/{personal_id}"), Some(&login_b), None).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(closed_within(&mut by_personal, 5, "token revocation").await, 1008);

        // Signing out of the browser ends its console and its event stream.
        let r = browser.post(app.url("/api/v1/auth/logout")).header("origin", &app.base).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(closed_within(&mut by_session, 5, "browser logout").await, 1008);
        assert!(ends_within(&session_stream, 5).await, "the browser's event stream outlived its logout");

        // An admin's password reset ends the user's other logins.
        let (s, v) = app.json(Method::PUT, &format!("/api/v1/users/{student}/password"), Some(&admin), Some(json!({"new_password": "another-password-2"}))).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(closed_within(&mut by_b, 5, "password reset").await, 1008);

        // A role change: the demoted admin may no longer watch the student's
        // VM; their event stream goes on, filtered as they are now.
        still_open(&mut by_adm2, "admin before the demotion").await;
        let (s, v) = app.json(Method::PATCH, &format!("/api/v1/users/{adm2}"), Some(&admin), Some(json!({"role": "student"}))).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(closed_within(&mut by_adm2, 5, "demotion").await, 1008);
        still_open(&mut by_admin, "an unaffected console").await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        app.vm_action(&admin, vm, json!({"action": "stop", "force": true})).await;
        tokio::time::sleep(Duration::from_secs(1)).await;
        assert!(admin_seen.lock().unwrap().contains(&vm), "the admin saw the VM stop");
        assert!(!adm2_stream.is_finished(), "the demoted admin's stream goes on");
        assert!(!adm2_seen.lock().unwrap().contains(&vm), "the demoted admin still saw the student's VM");
    }

    #[tokio::test]
    async fn a_teacher_removed_from_the_course_loses_the_console() {
        let app = TestApp::spawn_for_vms().await;
        let admin = app.admin_token().await;
        app.create_user(&admin, "lead", "teacher").await;
        let co_id = app.create_user(&admin, "cot", "teacher").await;
        app.create_user(&admin, "kid", "student").await;
        let lead = app.login("lead", "lead-password").await;
        let co = app.login("cot", "cot-password").await;
        let kid = app.login("kid", "kid-password").await;
        let course = ok(&app, Method::POST, "/api/v1/courses", &lead, Some(json!({"code": "SEC-1", "title": "Security", "term": "2026"}))).await["id"].as_i64().unwrap();
        for (user, role) in [("cot", "teacher"), ("kid", "student")] {
            ok(&app, Method::POST, &format!("/api/v1/courses/{course}/members"), &lead, Some(json!({"username": user, "role": role}))).await;
        }
        let prepared = app.create_vm(&lead, json!({"name": "prepared", "kernel": "test-guest", "memory_mib": 128, "network": "none"})).await;
        let disk = ok(&app, Method::POST, "/api/v1/disks", &lead, Some(json!({"name": "base", "size_mib": 16}))).await;
        ok(&app, Method::POST, &format!("/api/v1/disks/{}/attach", disk["id"]), &lead, Some(json!({"vm_id": prepared}))).await;
        let tpl = ok(&app, Method::POST, &format!("/api/v1/courses/{course}/templates"), &lead, Some(json!({"name": "t", "vm_id": prepared}))).await;
        let version = tpl["versions"][0]["id"].as_i64().unwrap();
        let lab = ok(&app, Method::POST, &format!("/api/v1/courses/{course}/labs"), &lead, Some(json!({"name": "Lab", "template_version_id": version}))).await;
        let lab_id = lab["lab"]["id"].as_i64().unwrap();
        let op = lab["operation"]["id"].as_i64().unwrap();
        ok(&app, Method::GET, &format!("/api/v1/operations/{op}/wait?timeout=60"), &lead, None).await;
        let opened = ok(&app, Method::POST, &format!("/api/v1/labs/{lab_id}/open"), &kid, None).await;
        let vm = opened["vm"]["id"].as_i64().unwrap();
        wait_serial(&app.run_dir(vm), MARKER, 1, Duration::from_secs(40)).await;

        // Both teachers watch the student's lab VM; one leaves the course.
        let mut by_co = console(&app, vm, Some(&co), None).await;
        let mut by_lead = console(&app, vm, Some(&lead), None).await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        let (s, v) = app.json(Method::DELETE, &format!("/api/v1/courses/{course}/members/{co_id}"), Some(&lead), None).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        assert_eq!(closed_within(&mut by_co, 5, "removal from the course").await, 1008);
        still_open(&mut by_lead, "the teacher who stays").await;

        // The console speaks the protocol: text is refused with 1003, a
        // 1-byte close payload is answered with 1002.
        by_lead.send(Message::Text("typed as text".into())).await.unwrap();
        assert_eq!(closed_within(&mut by_lead, 5, "a text frame").await, 1003);
        let mut raw = console(&app, vm, Some(&lead), None).await;
        {
            use tokio::io::AsyncWriteExt;
            let tokio_tungstenite::MaybeTlsStream::Plain(tcp) = raw.get_mut() else { panic!("plain TCP") };
            // A masked close frame whose payload is a single byte.
            tcp.write_all(&[0x88, 0x81, 1, 2, 3, 4, 7 ^ 1]).await.unwrap();
        }
        assert_eq!(closed_within(&mut raw, 5, "a 1-byte close payload").await, 1002);
    }
}

#[tokio::test]
async fn a_new_password_revokes_personal_tokens_unless_kept() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let id = app.create_user(&admin, "pat", "student").await;
    let login = app.login("pat", "pat-password").await;
    let personal = |name: &'static str| {
        let (app, login) = (&app, login.clone());
        async move {
            let (s, v) = app.json(Method::POST, "/api/v1/auth/tokens", Some(&login), Some(json!({"name": name}))).await;
            assert_eq!(s, StatusCode::CREATED, "{v}");
            v["data"]["token"].as_str().unwrap().to_owned()
        }
    };
    let works = |token: String| {
        let app = &app;
        async move { app.json(Method::GET, "/api/v1/auth/me", Some(&token), None).await.0 == StatusCode::OK }
    };
    // Kept on request: the personal token still works, the login token does not.
    let kept = personal("kept").await;
    let (s, v) = app
        .json(Method::PUT, "/api/v1/auth/password", Some(&login), Some(json!({"current_password": "pat-password", "new_password": "pat-password-2", "keep_tokens": true})))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(works(kept.clone()).await, "a kept token stops working");
    assert!(!works(login.clone()).await, "the login token outlived the password");
    // By default a change revokes them.
    let login = app.login("pat", "pat-password-2").await;
    let (s, _) = app.json(Method::PUT, "/api/v1/auth/password", Some(&login), Some(json!({"current_password": "pat-password-2", "new_password": "pat-password-3"}))).await;
    assert_eq!(s, StatusCode::OK);
    assert!(!works(kept.clone()).await, "a personal token outlived a password change");
    // So does an admin's reset, unless kept.
    let login = app.login("pat", "pat-password-3").await;
    let (s, v) = app.json(Method::POST, "/api/v1/auth/tokens", Some(&login), Some(json!({"name": "again"}))).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let again = v["data"]["token"].as_str().unwrap().to_owned();
    let (s, _) = app.json(Method::PUT, &format!("/api/v1/users/{id}/password"), Some(&admin), Some(json!({"new_password": "pat-password-4", "keep_tokens": true}))).await;
    assert_eq!(s, StatusCode::OK);
    assert!(works(again.clone()).await);
    let (s, _) = app.json(Method::PUT, &format!("/api/v1/users/{id}/password"), Some(&admin), Some(json!({"new_password": "pat-password-5"}))).await;
    assert_eq!(s, StatusCode::OK);
    assert!(!works(again).await, "a personal token outlived an admin's reset");
}
