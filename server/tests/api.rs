//! API integration tests: the real server on port 0, a fresh SQLite file.

mod common;

use common::{assert_error, client, TestApp, ADMIN_PASSWORD};
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn health_and_envelope() {
    let app = TestApp::spawn().await;
    let (status, v) = app.json(Method::GET, "/api/v1/health", None, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(v["success"], true);
    assert_eq!(v["data"]["status"], "ok");
    assert!(v["timestamp"].as_str().unwrap().contains('T'));
    let (status, v) = app.json(Method::GET, "/api/v1/no/such/thing", None, None).await;
    assert_error(status, &v, 404, "ROUTE_NOT_FOUND");
}

#[tokio::test]
async fn login_with_good_and_bad_passwords() {
    let app = TestApp::spawn().await;
    let (status, v) = app
        .json(Method::POST, "/api/v1/auth/login", None, Some(json!({"username": "admin", "password": ADMIN_PASSWORD})))
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["data"]["token_type"], "Bearer");
    assert_eq!(v["data"]["user"]["role"], "admin");
    assert!(v["data"]["user"].get("password_hash").is_none(), "no hash on the wire");

    let (status, v) = app
        .json(Method::POST, "/api/v1/auth/login", None, Some(json!({"username": "admin", "password": "wrong-password"})))
        .await;
    assert_error(status, &v, 401, "INVALID_CREDENTIALS");
    let (status, v) = app
        .json(Method::POST, "/api/v1/auth/login", None, Some(json!({"username": "nobody", "password": "whatever12"})))
        .await;
    assert_error(status, &v, 401, "INVALID_CREDENTIALS");
    let (status, v) = app.json(Method::POST, "/api/v1/auth/login", None, Some(json!({"username": "admin"}))).await;
    assert_error(status, &v, 422, "VALIDATION_FAILED");
    assert_eq!(v["error"]["details"]["fields"]["password"], "is required");
}

#[tokio::test]
async fn bearer_tokens_work_until_revoked_or_expired() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let (status, v) = app.json(Method::GET, "/api/v1/auth/me", Some(&admin), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(v["data"]["username"], "admin");

    // Personal token: shown once, listed without the secret, usable, revocable.
    let (status, v) = app
        .json(Method::POST, "/api/v1/auth/tokens", Some(&admin), Some(json!({"name": "ci", "expires_in_days": 30})))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    let personal = v["data"]["token"].as_str().unwrap().to_owned();
    let id = v["data"]["info"]["id"].as_i64().unwrap();
    let (_, list) = app.json(Method::GET, "/api/v1/auth/tokens", Some(&admin), None).await;
    assert_eq!(list["data"].as_array().unwrap().len(), 1);
    assert!(!list.to_string().contains(&personal), "secret never listed");
    let (status, _) = app.json(Method::GET, "/api/v1/auth/me", Some(&personal), None).await;
    assert_eq!(status, StatusCode::OK);

    // The database holds only a hash of it.
    let stored = app.db_strings("SELECT token_hash FROM api_tokens").await;
    assert!(stored.iter().all(|h| h.len() == 64 && !personal.contains(h.as_str()) && !h.contains(&personal[5..])));

    let (status, _) = app.json(Method::DELETE, &format!("/api/v1/auth/tokens/{id}"), Some(&admin), None).await;
    assert_eq!(status, StatusCode::OK);
    let (status, v) = app.json(Method::GET, "/api/v1/auth/me", Some(&personal), None).await;
    assert_error(status, &v, 401, "INVALID_TOKEN");
    let (status, v) = app.json(Method::DELETE, &format!("/api/v1/auth/tokens/{id}"), Some(&admin), None).await;
    assert_error(status, &v, 404, "TOKEN_NOT_FOUND");

    // An expired login token is refused.
    let login = app.admin_token().await;
    app.db_execute("UPDATE api_tokens SET expires_at = 1 WHERE kind = 'login'").await;
    let (status, v) = app.json(Method::GET, "/api/v1/auth/me", Some(&login), None).await;
    assert_error(status, &v, 401, "INVALID_TOKEN");

    // Garbage and missing credentials.
    let (status, v) = app.json(Method::GET, "/api/v1/auth/me", Some("vlab_nope"), None).await;
    assert_error(status, &v, 401, "INVALID_TOKEN");
    let (status, v) = app.json(Method::GET, "/api/v1/auth/me", None, None).await;
    assert_error(status, &v, 401, "UNAUTHENTICATED");

    // Logging out with a login token revokes it.
    let login = app.admin_token().await;
    let (status, _) = app.json(Method::POST, "/api/v1/auth/logout", Some(&login), None).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = app.json(Method::GET, "/api/v1/auth/me", Some(&login), None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn students_and_teachers_cannot_administer() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let student_id = app.create_user(&admin, "stu1", "student").await;
    app.create_user(&admin, "tea1", "teacher").await;
    for who in ["stu1", "tea1"] {
        let token = app.login(who, &format!("{who}-password")).await;
        let (status, v) = app.json(Method::GET, "/api/v1/users", Some(&token), None).await;
        assert_error(status, &v, 403, "FORBIDDEN");
        let (status, v) = app
            .json(Method::POST, "/api/v1/users", Some(&token), Some(json!({"username": "sneaky", "password": "password123", "role": "admin"})))
            .await;
        assert_error(status, &v, 403, "FORBIDDEN");
        let (status, v) = app.json(Method::DELETE, &format!("/api/v1/users/{student_id}"), Some(&token), None).await;
        assert_error(status, &v, 403, "FORBIDDEN");
        // Their own profile still works.
        let (status, v) = app.json(Method::GET, "/api/v1/auth/me", Some(&token), None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(v["data"]["username"], who);
    }
    let (_, v) = app.json(Method::GET, "/api/v1/users?q=sneaky", Some(&admin), None).await;
    assert_eq!(v["pagination"]["total"], 0, "nothing was created");
}

#[tokio::test]
async fn bad_input_gets_clear_errors_and_creates_nothing() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let post = |body: serde_json::Value| {
        let admin = admin.clone();
        let app = &app;
        async move { app.json(Method::POST, "/api/v1/users", Some(&admin), Some(body)).await }
    };

    let (s, v) = post(json!({"username": "bob", "password": "password123", "role": "student", "extra": true})).await;
    assert_error(s, &v, 422, "VALIDATION_FAILED");
    assert_eq!(v["error"]["details"]["fields"]["extra"], "is not a known field");

    let (s, v) = post(json!({"username": "bob", "password": "short", "role": "student"})).await;
    assert_error(s, &v, 422, "VALIDATION_FAILED");
    assert!(v["error"]["details"]["fields"]["password"].as_str().unwrap().contains("at least 8"));

    let (s, v) = post(json!({"username": "../bob", "password": "password123", "role": "student"})).await;
    assert_error(s, &v, 422, "VALIDATION_FAILED");
    assert!(v["error"]["details"]["fields"]["username"].is_string());

    let (s, v) = post(json!({"username": "bob", "password": "password123", "role": "superuser"})).await;
    assert_error(s, &v, 422, "VALIDATION_FAILED");

    let raw = app
        .http
        .post(app.url("/api/v1/users"))
        .bearer_auth(&admin)
        .header("content-type", "application/json")
        .body("{\"username\": \"bob\",")
        .send()
        .await
        .unwrap();
    let s = raw.status();
    let v = raw.json().await.unwrap();
    assert_error(s, &v, 400, "MALFORMED_JSON");

    let big = "x".repeat(200 * 1024);
    let (s, v) = post(json!({"username": "bob", "password": big, "role": "student"})).await;
    assert_error(s, &v, 413, "PAYLOAD_TOO_LARGE");

    let (s, _) = post(json!({"username": "bob", "password": "password123", "role": "student"})).await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, v) = post(json!({"username": "BOB", "password": "password123", "role": "teacher"})).await;
    assert_error(s, &v, 409, "USERNAME_TAKEN");

    let (_, v) = app.json(Method::GET, "/api/v1/users?q=bob", Some(&admin), None).await;
    assert_eq!(v["pagination"]["total"], 1, "only the one good create happened: {v}");

    let (s, v) = app.json(Method::GET, "/api/v1/users/abc", Some(&admin), None).await;
    assert_error(s, &v, 400, "INVALID_PATH");
    let (s, v) = app.json(Method::GET, "/api/v1/users/99999", Some(&admin), None).await;
    assert_error(s, &v, 404, "USER_NOT_FOUND");
    let (s, v) = app.json(Method::GET, "/api/v1/users?page_size=0", Some(&admin), None).await;
    assert_error(s, &v, 422, "VALIDATION_FAILED");
    let (s, v) = app.json(Method::GET, "/api/v1/users?colour=red", Some(&admin), None).await;
    assert_error(s, &v, 400, "INVALID_QUERY");
    let (s, v) = app.json(Method::GET, "/api/v1/users?sort=password_hash", Some(&admin), None).await;
    assert_error(s, &v, 422, "VALIDATION_FAILED");
}

#[tokio::test]
async fn pagination_search_filter_and_sort() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    for i in 0..23 {
        app.create_user(&admin, &format!("student{i:02}"), "student").await;
    }
    for i in 0..3 {
        app.create_user(&admin, &format!("teacher{i}"), "teacher").await;
    }
    let (s, v) = app.json(Method::GET, "/api/v1/users?role=student&page=3&page_size=10", Some(&admin), None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["pagination"], json!({"page": 3, "page_size": 10, "total": 23, "total_pages": 3}));
    let names: Vec<&str> = v["data"].as_array().unwrap().iter().map(|u| u["username"].as_str().unwrap()).collect();
    assert_eq!(names, ["student20", "student21", "student22"]);

    let (_, v) = app.json(Method::GET, "/api/v1/users?sort=-username&page_size=2", Some(&admin), None).await;
    let names: Vec<&str> = v["data"].as_array().unwrap().iter().map(|u| u["username"].as_str().unwrap()).collect();
    assert_eq!(names, ["teacher2", "teacher1"]);

    let (_, v) = app.json(Method::GET, "/api/v1/users?q=ACHER", Some(&admin), None).await;
    assert_eq!(v["pagination"]["total"], 3, "case-insensitive search");
    let (_, v) = app.json(Method::GET, "/api/v1/users?q=%25", Some(&admin), None).await;
    assert_eq!(v["pagination"]["total"], 0, "% is literal, not a wildcard");
    let (_, v) = app.json(Method::GET, "/api/v1/users?page=9", Some(&admin), None).await;
    assert_eq!(v["data"].as_array().unwrap().len(), 0);
    assert_eq!(v["pagination"]["total"], 27);
}

#[tokio::test]
async fn admin_manages_users_and_password_changes_end_sessions() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let id = app.create_user(&admin, "carol", "student").await;
    let carol = app.login("carol", "carol-password").await;

    let (s, v) = app
        .json(Method::PATCH, &format!("/api/v1/users/{id}"), Some(&admin), Some(json!({"display_name": "Carol C", "role": "teacher"})))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["data"]["role"], "teacher");
    assert_eq!(v["data"]["display_name"], "Carol C");

    // Admin reset: the old password and login tokens stop working.
    let (s, _) = app
        .json(Method::PUT, &format!("/api/v1/users/{id}/password"), Some(&admin), Some(json!({"new_password": "brand-new-pass"})))
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = app.json(Method::GET, "/api/v1/auth/me", Some(&carol), None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, _) = app
        .json(Method::POST, "/api/v1/auth/login", None, Some(json!({"username": "carol", "password": "carol-password"})))
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let carol = app.login("carol", "brand-new-pass").await;

    // Own password change needs the current one.
    let (s, v) = app
        .json(Method::PUT, "/api/v1/auth/password", Some(&carol), Some(json!({"current_password": "nope-nope", "new_password": "another-pass"})))
        .await;
    assert_error(s, &v, 422, "VALIDATION_FAILED");
    assert!(v["error"]["details"]["fields"]["current_password"].is_string());
    let (s, _) = app
        .json(Method::PUT, "/api/v1/auth/password", Some(&carol), Some(json!({"current_password": "brand-new-pass", "new_password": "another-pass"})))
        .await;
    assert_eq!(s, StatusCode::OK);
    app.login("carol", "another-pass").await;

    // The last admin cannot be removed or demoted; nobody deletes themselves.
    let (s, v) = app.json(Method::DELETE, "/api/v1/users/1", Some(&admin), None).await;
    assert_error(s, &v, 409, "CANNOT_DELETE_SELF");
    let (s, v) = app.json(Method::PATCH, "/api/v1/users/1", Some(&admin), Some(json!({"role": "student"}))).await;
    assert_error(s, &v, 409, "LAST_ADMIN");

    let (s, _) = app.json(Method::DELETE, &format!("/api/v1/users/{id}"), Some(&admin), None).await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = app.json(Method::GET, &format!("/api/v1/users/{id}"), Some(&admin), None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn browser_sessions_cycle_and_end() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let id = app.create_user(&admin, "dave", "student").await;
    let browser = client();

    let resp = browser
        .post(app.url("/login"))
        .form(&[("username", "dave"), ("password", "wrong-pass")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert!(resp.headers()["location"].to_str().unwrap().starts_with("/login?error="));

    let resp = browser
        .post(app.url("/login"))
        .form(&[("username", "dave"), ("password", "dave-password")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.headers()["location"], "/");
    let cookie = resp.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.starts_with("vlab_session="), "{cookie}");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");

    let me: serde_json::Value = browser.get(app.url("/api/v1/auth/me")).send().await.unwrap().json().await.unwrap();
    assert_eq!(me["data"]["username"], "dave");

    // A second login gets a different session id.
    let resp = browser
        .post(app.url("/login"))
        .form(&[("username", "dave"), ("password", "dave-password")])
        .send()
        .await
        .unwrap();
    let cookie2 = resp.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert_ne!(cookie.split(';').next(), cookie2.split(';').next(), "session id cycled at login");

    // A password reset by the admin ends the session.
    let (s, _) = app
        .json(Method::PUT, &format!("/api/v1/users/{id}/password"), Some(&admin), Some(json!({"new_password": "reset-pass-1"})))
        .await;
    assert_eq!(s, StatusCode::OK);
    let r = browser.get(app.url("/api/v1/auth/me")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);

    // Log in again, then log out.
    browser.post(app.url("/login")).form(&[("username", "dave"), ("password", "reset-pass-1")]).send().await.unwrap();
    assert_eq!(browser.get(app.url("/api/v1/auth/me")).send().await.unwrap().status(), StatusCode::OK);
    let r = browser.post(app.url("/api/v1/auth/logout")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(browser.get(app.url("/api/v1/auth/me")).send().await.unwrap().status(), StatusCode::UNAUTHORIZED);
    // Nobody is signed in any more: logging out again is a 401, as without any credentials.
    assert_eq!(browser.post(app.url("/api/v1/auth/logout")).send().await.unwrap().status(), StatusCode::UNAUTHORIZED);
    assert_eq!(app.http.post(app.url("/api/v1/auth/logout")).send().await.unwrap().status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn api_rate_limit_answers_429_with_retry_after() {
    let app = TestApp::spawn_with(|c| c.api_rate_limit = 5).await;
    let admin = app.admin_token().await; // 1 request from this address
    let mut statuses = vec![];
    for _ in 0..7 {
        statuses.push(app.call(Method::GET, "/api/v1/auth/me", Some(&admin), None).await);
    }
    let codes: Vec<u16> = statuses.iter().map(|r| r.status().as_u16()).collect();
    assert_eq!(&codes[..5], &[200; 5], "{codes:?}");
    assert_eq!(&codes[5..], &[429, 429], "{codes:?}");
    let retry: u64 = statuses[5].headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=12).contains(&retry), "retry-after {retry}");
    // Another client (no token, own bucket) is not affected.
    let (s, _) = app.json(Method::GET, "/api/v1/health", None, None).await;
    assert_eq!(s, StatusCode::OK);
}

#[tokio::test]
async fn repeated_failed_logins_are_throttled() {
    let app = TestApp::spawn_with(|c| c.login_max_failures = 3).await;
    for _ in 0..3 {
        let (s, v) = app
            .json(Method::POST, "/api/v1/auth/login", None, Some(json!({"username": "admin", "password": "bad-password"})))
            .await;
        assert_error(s, &v, 401, "INVALID_CREDENTIALS");
    }
    let resp = app
        .call(Method::POST, "/api/v1/auth/login", None, Some(json!({"username": "admin", "password": ADMIN_PASSWORD})))
        .await;
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS, "even the right password waits");
    let retry: u64 = resp.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(retry > 0 && retry <= 300);
}

#[tokio::test]
async fn openapi_document_lists_every_endpoint() {
    let app = TestApp::spawn().await;
    let (s, v) = app.json(Method::GET, "/api/v1/openapi.json", None, None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(v["openapi"].as_str().unwrap().starts_with("3."));
    let paths = v["paths"].as_object().unwrap();
    for (path, method) in [
        ("/api/v1/health", "get"),
        ("/api/v1/auth/login", "post"),
        ("/api/v1/auth/me", "get"),
        ("/api/v1/auth/tokens", "post"),
        ("/api/v1/auth/tokens/{id}", "delete"),
        ("/api/v1/users", "get"),
        ("/api/v1/users/{id}", "patch"),
        ("/api/v1/users/{id}/password", "put"),
    ] {
        assert!(paths.get(path).and_then(|p| p.get(method)).is_some(), "{method} {path} missing");
    }
    assert!(v["components"]["schemas"]["UserView"].is_object());
    // Answers are described in the envelope they are sent in, lists with
    // their pagination, and every operation lists its error statuses.
    let list = &paths["/api/v1/vms"]["get"];
    let ok_schema = &list["responses"]["200"]["content"]["application/json"]["schema"];
    assert_eq!(ok_schema["properties"]["success"]["const"], true, "{ok_schema}");
    assert_eq!(ok_schema["properties"]["data"]["type"], "array", "{ok_schema}");
    assert_eq!(ok_schema["properties"]["pagination"]["$ref"], "#/components/schemas/Pagination");
    for status in ["400", "401", "403", "422", "429", "500"] {
        let schema = &list["responses"][status]["content"]["application/json"]["schema"];
        assert_eq!(schema["$ref"], "#/components/schemas/ErrorEnvelope", "GET /vms {status}");
    }
    let page = list["parameters"].as_array().unwrap().iter().find(|p| p["name"] == "page").expect("a page parameter");
    assert_eq!((page["in"].as_str(), page["required"].as_bool().unwrap_or(false)), (Some("query"), false), "{page}");
    let one = &paths["/api/v1/vms/{id}"]["get"]["responses"];
    assert!(one["404"].is_object() && one["200"]["content"]["application/json"]["schema"]["properties"]["pagination"].is_null());
    assert!(paths["/api/v1/health"]["get"]["responses"]["401"].is_null(), "health needs no token");
    assert_eq!(v["components"]["schemas"]["ErrorEnvelope"]["properties"]["success"]["const"], false);
    let docs = app.http.get(app.url("/api/v1/docs")).send().await.unwrap().text().await.unwrap();
    assert!(docs.contains("/vendor/swagger-ui/swagger-ui-bundle.js") && !docs.contains("//cdn"));
}

/// The bundle is named after its content and cached for a year; each file
/// goes out in the compressed form the browser accepts (stored at build
/// time); other files are revalidated; large API answers are compressed.
#[tokio::test]
async fn assets_are_precompressed_hashed_and_cached_and_api_answers_compressed() {
    let app = TestApp::spawn().await;
    let page = app.http.get(app.url("/login")).send().await.unwrap().text().await.unwrap();
    let find = |ext: &str| {
        let re_end = format!(".{ext}\"");
        let end = page.find(&re_end).unwrap_or_else(|| panic!("no .{ext} in the page"));
        let start = page[..end].rfind("\"/pkg/").expect("a /pkg/ link");
        page[start + 1..end + ext.len() + 1].to_owned()
    };
    let (wasm, js, css) = (find("wasm"), find("js"), find("css"));
    let site = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/site");
    for path in [&wasm, &js, &css] {
        let name = path.rsplit('/').next().unwrap();
        assert_eq!(name.split('.').nth(1).map(str::len), Some(16), "{path} is named after its hash");
        let raw = std::fs::read(site.join(&path[1..])).unwrap();
        for (accept, encoding, stored) in [("br", Some("br"), format!("{path}.br")), ("gzip", Some("gzip"), format!("{path}.gz")), ("identity", None, path.clone())] {
            let r = app.http.get(app.url(path)).header("accept-encoding", accept).send().await.unwrap();
            assert_eq!(r.status(), StatusCode::OK, "{path}");
            assert_eq!(r.headers()["cache-control"], "public, max-age=31536000, immutable", "{path}");
            assert_eq!(r.headers().get("content-encoding").and_then(|v| v.to_str().ok()), encoding, "{path} for {accept}");
            let body = r.bytes().await.unwrap();
            assert_eq!(body.as_ref(), std::fs::read(site.join(&stored[1..])).unwrap().as_slice(), "{path} for {accept}: the stored file");
            if encoding.is_some() {
                assert!(body.len() * 2 < raw.len(), "{path} for {accept}: {} of {} bytes", body.len(), raw.len());
            }
        }
    }
    let r = app.http.get(app.url(&wasm)).header("accept-encoding", "gzip, deflate, br").send().await.unwrap();
    assert_eq!(r.headers()["content-encoding"], "br", "brotli is preferred");
    assert_eq!(r.headers()["content-type"], "application/wasm");
    let r = app.http.get(app.url("/favicon.svg")).send().await.unwrap();
    assert_eq!(r.headers()["cache-control"], "no-cache", "unhashed files are revalidated");
    let modified = r.headers()["last-modified"].clone();
    let again = app.http.get(app.url("/favicon.svg")).header("if-modified-since", modified).send().await.unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    let missing = app.http.get(app.url("/pkg/vlab.0000000000000000.wasm")).send().await.unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);

    // An API answer above 1 KiB is compressed for a client that accepts it.
    let admin = app.admin_token().await;
    for n in 0..10 {
        app.create_user(&admin, &format!("user-{n}"), "student").await;
    }
    let plain = app.http.get(app.url("/api/v1/users")).bearer_auth(&admin).send().await.unwrap();
    assert!(plain.headers().get("content-encoding").is_none());
    let size = plain.bytes().await.unwrap().len();
    assert!(size > 1024, "{size} bytes");
    let r = app.http.get(app.url("/api/v1/users")).bearer_auth(&admin).header("accept-encoding", "gzip").send().await.unwrap();
    assert_eq!(r.headers()["content-encoding"], "gzip");
    assert!(r.bytes().await.unwrap().len() < size / 2);
    let small = app.http.get(app.url("/api/v1/health")).header("accept-encoding", "gzip").send().await.unwrap();
    assert!(small.headers().get("content-encoding").is_none(), "small answers go as they are");
}
