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
    task: tokio::task::JoinHandle<()>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.task.abort();
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
        let data_dir = tempfile::tempdir().expect("temp dir");
        let mut config = Config::for_data_dir(data_dir.path());
        config.admin_password = Some(Secret::new(ADMIN_PASSWORD));
        config.site_root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/site");
        tweak(&mut config);
        let app = server::Application::build(config).await.expect("app builds");
        let base = format!("http://{}", app.local_addr());
        let task = tokio::spawn(async move {
            app.run_until_stopped().await.expect("server runs");
        });
        TestApp { base, data_dir, http: client(), task }
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

    pub fn db_path(&self) -> PathBuf {
        self.data_dir.path().join("vlab.db")
    }
}

/// Asserts the error envelope: status, `success: false`, and the code.
pub fn assert_error(status: StatusCode, body: &Value, want_status: u16, want_code: &str) {
    assert_eq!(status.as_u16(), want_status, "body: {body}");
    assert_eq!(body["success"], false, "body: {body}");
    assert_eq!(body["error"]["code"], want_code, "body: {body}");
    assert!(body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "message: {body}");
}
