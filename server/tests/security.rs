//! The front door against a curious classroom: the real server over real HTTP.

mod common;

use common::*;
use reqwest::{Method, StatusCode};
use serde_json::json;

/// A browser-like client signed in as the admin through the login form.
async fn admin_browser(app: &TestApp) -> reqwest::Client {
    let browser = client();
    let r = browser
        .post(app.url("/login"))
        .header("origin", &app.base)
        .form(&[("username", "admin"), ("password", ADMIN_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert!(r.status().is_redirection(), "{}", r.status());
    assert_eq!(r.headers()["location"], "/", "signed in");
    browser
}

async fn user_exists(app: &TestApp, admin: &str, username: &str) -> bool {
    let (_, v) = app.json(Method::GET, &format!("/api/v1/users?q={username}"), Some(admin), None).await;
    v["data"].as_array().unwrap().iter().any(|u| u["username"] == username)
}

#[tokio::test]
async fn a_session_cookie_changes_nothing_from_another_site() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let browser = admin_browser(&app).await;
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
    for path in ["/login", "/api/v1/health", "/pkg/vlab.css"] {
        let r = app.http.get(app.url(path)).send().await.unwrap();
        let h = r.headers();
        assert_eq!(h["x-frame-options"], "DENY", "{path}");
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["referrer-policy"], "same-origin", "{path}");
        assert!(h["content-security-policy"].to_str().unwrap().contains("frame-ancestors 'none'"), "{path}");
    }
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
