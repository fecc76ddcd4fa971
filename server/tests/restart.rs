//! QEMU outlives vlab: SIGKILL the real binary with VMs running, start it
//! again, and the VMs are still running and controllable.

mod common;

use common::*;
use reqwest::{Method, StatusCode};
use serde_json::json;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

struct Server {
    child: Child,
}

impl Server {
    fn start(data: &std::path::Path, port: u16) -> Server {
        let child = Command::new(env!("CARGO_BIN_EXE_vlab"))
            .args(["--data-dir", data.to_str().unwrap(), "--listen", &format!("127.0.0.1:{port}"), "--accel", "tcg"])
            .env("VLAB_ADMIN_PASSWORD", ADMIN_PASSWORD)
            .env("VLAB_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("vlab binary runs");
        Server { child }
    }

    fn sigkill(&mut self) {
        let _ = Command::new("kill").args(["-KILL", &self.child.id().to_string()]).status();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.sigkill();
    }
}

async fn wait_healthy(base: &str) {
    for _ in 0..100 {
        if reqwest::get(format!("{base}/api/v1/health")).await.is_ok_and(|r| r.status().is_success()) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("vlab did not come up at {base}");
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

#[tokio::test]
async fn vms_survive_a_sigkill_of_vlab() {
    let data = tempfile::tempdir().unwrap();
    install_guest_kernel(data.path(), "test-guest", "");
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    // A TestApp-like client against the external process.
    let app = ExternalApp { base: base.clone(), http: client() };

    let mut server = Server::start(data.path(), port);
    wait_healthy(&base).await;
    let admin = app.login().await;
    let mut ids = vec![];
    let mut uuids = vec![];
    for name in ["one", "two"] {
        let (s, v) = app.json(Method::POST, "/api/v1/vms", &admin, Some(json!({"name": name, "memory_mib": 128, "kernel": "test-guest", "network": "none"}))).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        ids.push(v["data"]["id"].as_i64().unwrap());
        uuids.push(v["data"]["uuid"].as_str().unwrap().to_owned());
    }
    for id in &ids {
        let (s, v) = app.json(Method::PUT, &format!("/api/v1/vms/{id}/state"), &admin, Some(json!({"action": "start"}))).await;
        assert_eq!(s, StatusCode::ACCEPTED, "{v}");
        let op = v["data"]["id"].as_i64().unwrap();
        let dir = data.path().join(format!("run/vm-{id}"));
        let serial = tokio::spawn(async move { wait_serial(&dir, MARKER, 1, Duration::from_secs(40)).await });
        let (_, v) = app.json(Method::GET, &format!("/api/v1/operations/{op}/wait?timeout=60"), &admin, None).await;
        assert_eq!(v["data"]["status"], "succeeded", "{v}");
        serial.await.unwrap();
    }
    let pids_before: Vec<Vec<u32>> = uuids.iter().map(|u| qemu_pids(u)).collect();
    assert!(pids_before.iter().all(|p| p.len() == 1), "{pids_before:?}");

    server.sigkill();
    tokio::time::sleep(Duration::from_millis(300)).await;
    for (u, before) in uuids.iter().zip(&pids_before) {
        assert_eq!(&qemu_pids(u), before, "QEMU survived vlab's death");
    }

    let _server = Server::start(data.path(), port);
    wait_healthy(&base).await;
    let admin = app.login().await;
    for id in &ids {
        let (_, v) = app.json(Method::GET, &format!("/api/v1/vms/{id}"), &admin, None).await;
        assert_eq!(v["data"]["state"], "running", "{v}");
        // The guest kept running: its shell still answers.
        serial_command(&data.path().join(format!("run/vm-{id}")), "echo alive-$((40+2))", "alive-42").await;
    }
    // Still controllable: pause one, stop both.
    let (s, v) = app.json(Method::PUT, &format!("/api/v1/vms/{}/state", ids[0]), &admin, Some(json!({"action": "pause"}))).await;
    assert_eq!(s, StatusCode::ACCEPTED, "{v}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (_, v) = app.json(Method::GET, &format!("/api/v1/vms/{}", ids[0]), &admin, None).await;
    assert_eq!(v["data"]["state"], "paused");
    for id in &ids {
        let (s, v) = app.json(Method::PUT, &format!("/api/v1/vms/{id}/state"), &admin, Some(json!({"action": "stop"}))).await;
        assert_eq!(s, StatusCode::ACCEPTED, "{v}");
        let op = v["data"]["id"].as_i64().unwrap();
        let (_, v) = app.json(Method::GET, &format!("/api/v1/operations/{op}/wait?timeout=30"), &admin, None).await;
        assert_eq!(v["data"]["status"], "succeeded", "{v}");
        let (_, v) = app.json(Method::GET, &format!("/api/v1/vms/{id}"), &admin, None).await;
        assert_eq!(v["data"]["state"], "stopped", "{v}");
    }
    for u in &uuids {
        assert!(qemu_pids(u).is_empty(), "QEMU stopped");
    }
    kill_guests_under(data.path());
}

struct ExternalApp {
    base: String,
    http: reqwest::Client,
}

impl ExternalApp {
    async fn login(&self) -> String {
        let (s, v) = self
            .json_anon(Method::POST, "/api/v1/auth/login", Some(json!({"username": "admin", "password": ADMIN_PASSWORD})))
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        v["data"]["token"].as_str().unwrap().to_owned()
    }

    async fn json_anon(&self, m: Method, path: &str, body: Option<serde_json::Value>) -> (StatusCode, serde_json::Value) {
        let mut r = self.http.request(m, format!("{}{path}", self.base));
        if let Some(b) = body {
            r = r.json(&b);
        }
        let resp = r.send().await.unwrap();
        (resp.status(), resp.json().await.unwrap_or_default())
    }

    async fn json(&self, m: Method, path: &str, token: &str, body: Option<serde_json::Value>) -> (StatusCode, serde_json::Value) {
        let mut r = self.http.request(m, format!("{}{path}", self.base)).bearer_auth(token);
        if let Some(b) = body {
            r = r.json(&b);
        }
        let resp = r.send().await.unwrap();
        (resp.status(), resp.json().await.unwrap_or_default())
    }
}
