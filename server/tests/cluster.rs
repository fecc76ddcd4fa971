//! Two nodes, one PostgreSQL: node A runs in this process, node B is the
//! real binary in a process of its own (so it can be SIGKILLed). Runs in
//! the PostgreSQL pass (`VLAB_TEST_PG`); SQLite has a single node.

mod common;

use common::*;
use futures_util::{SinkExt, StreamExt};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

/// Heartbeats every second; three silent seconds make a node unreachable.
const TIMEOUT_SECS: u64 = 3;

struct NodeB {
    child: Option<Child>,
    dir: tempfile::TempDir,
    shared: std::path::PathBuf,
    port: u16,
    database_url: String,
    /// More lines for its vlab.toml.
    settings: String,
}

impl NodeB {
    fn start(database_url: &str, shared: &std::path::Path) -> NodeB {
        NodeB::start_with(database_url, shared, "")
    }

    fn start_with(database_url: &str, shared: &std::path::Path, settings: &str) -> NodeB {
        let dir = tempfile::tempdir().unwrap();
        install_guest_kernel(dir.path(), "test-guest", "");
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let mut b = NodeB {
            child: None,
            dir,
            shared: shared.to_owned(),
            port,
            database_url: database_url.to_owned(),
            settings: settings.to_owned(),
        };
        b.spawn();
        b
    }

    fn spawn(&mut self) {
        let config = self.dir.path().join("vlab.toml");
        let settings = format!(
            "node_name = \"node-b\"\nheartbeat_secs = 1\nnode_timeout_secs = {TIMEOUT_SECS}\nshared_pool_dir = \"{}\"\n{}",
            self.shared.display(),
            self.settings
        );
        std::fs::write(&config, settings).unwrap();
        let log = std::fs::File::create(self.dir.path().join("vlab.log")).unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_vlab"))
            .args(["--config", config.to_str().unwrap(), "--data-dir", self.dir.path().to_str().unwrap()])
            .args(["--listen", &format!("127.0.0.1:{}", self.port), "--accel", "tcg", "--database-url", &self.database_url])
            .env("VLAB_ADMIN_PASSWORD", ADMIN_PASSWORD)
            .env("VLAB_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("vlab binary runs");
        self.child = Some(child);
    }

    fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    async fn wait_healthy(&self) {
        for _ in 0..200 {
            if reqwest::get(format!("{}/api/v1/health", self.base())).await.is_ok_and(|r| r.status().is_success()) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("node B did not come up: {}", std::fs::read_to_string(self.dir.path().join("vlab.log")).unwrap_or_default());
    }

    fn sigkill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = Command::new("kill").args(["-KILL", &c.id().to_string()]).status();
            let _ = c.wait();
        }
    }

    async fn json(&self, m: Method, path: &str, token: &str, body: Option<Value>) -> (StatusCode, Value) {
        let mut r = client().request(m, format!("{}{path}", self.base())).bearer_auth(token);
        if let Some(b) = body {
            r = r.json(&b);
        }
        let resp = r.send().await.unwrap();
        (resp.status(), resp.json().await.unwrap_or_default())
    }
}

impl Drop for NodeB {
    fn drop(&mut self) {
        self.sigkill();
        kill_guests_under(self.dir.path());
    }
}

/// The QEMU process of a VM runs from this data dir.
fn qemu_runs_under(uuid: &str, dir: &std::path::Path) -> bool {
    qemu_pids(uuid).iter().any(|pid| {
        let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
        let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
        // The node's run dir (outside its data dir when QEMU has its own
        // user; then `run` links to it).
        let run = std::fs::canonicalize(dir.join("run")).unwrap();
        cmdline.contains(&format!("{}/", run.display()))
    })
}

async fn wait_op(app: &TestApp, token: &str, accepted: &Value) -> Value {
    let op = accepted["data"]["id"].as_i64().expect("an operation");
    let (s, v) = app.json(Method::GET, &format!("/api/v1/operations/{op}/wait?timeout=60"), Some(token), None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v["data"].clone()
}

#[tokio::test]
async fn two_nodes_share_one_database_and_answer_for_each_other() {
    let Some(url) = postgres_database().await else {
        eprintln!("skipped: two nodes need PostgreSQL (VLAB_TEST_PG)");
        return;
    };
    // Templates and ISOs in a directory both nodes share (as over NFS).
    let shared = tempfile::tempdir().unwrap();
    let a = TestApp::spawn_with(|c| {
        c.shared_pool_dir = Some(shared.path().to_owned());
        c.database_url = url.clone();
        c.accel = server::config::Accel::Tcg;
        c.node_name = "node-a".into();
        c.heartbeat_secs = 1;
        c.node_timeout_secs = TIMEOUT_SECS;
    })
    .await;
    install_guest_kernel(a.data_dir.path(), "test-guest", "");
    let mut b = NodeB::start(&url, shared.path());
    b.wait_healthy().await;
    let admin = a.admin_token().await;

    let (_, v) = a.json(Method::GET, "/api/v1/nodes", Some(&admin), None).await;
    let nodes = v["data"].as_array().unwrap().clone();
    assert_eq!(nodes.len(), 2, "{v}");
    let id_of = |name: &str| nodes.iter().find(|n| n["name"] == name).unwrap()["id"].as_i64().unwrap();
    let (node_a, node_b) = (id_of("node-a"), id_of("node-b"));
    assert!(nodes.iter().all(|n| n["status"] == "online"), "{v}");

    // Only admins pin; a pin to a node that does not exist is named.
    let student = a.create_user(&admin, "stu", "student").await;
    let stu = a.login("stu", "stu-password").await;
    let (s, v) = a.json(Method::POST, "/api/v1/vms", Some(&stu), Some(json!({"name": "x", "node_id": node_b}))).await;
    assert_error(s, &v, 403, "FORBIDDEN");
    let (s, v) = a.json(Method::POST, "/api/v1/vms", Some(&admin), Some(json!({"name": "x", "node_id": 9999}))).await;
    assert_error(s, &v, 422, "VALIDATION_FAILED");

    // Made through A, pinned to B, for the student: it lives on B.
    let body = json!({"name": "on-b", "memory_mib": 128, "kernel": "test-guest", "network": "none", "node_id": node_b, "owner_id": student});
    let (s, v) = a.json(Method::POST, "/api/v1/vms", Some(&admin), Some(body)).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["data"]["node_id"], node_b, "{v}");
    let vm = v["data"]["id"].as_i64().unwrap();
    let uuid = v["data"]["uuid"].as_str().unwrap().to_owned();

    // The student starts it through A; B runs QEMU, and its events reach A's stream.
    let events = collect_events(&a, &stu);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (s, v) = a.json(Method::PUT, &format!("/api/v1/vms/{vm}/state"), Some(&stu), Some(json!({"action": "start"}))).await;
    assert_eq!(s, StatusCode::ACCEPTED, "{v}");
    assert_eq!(wait_op(&a, &stu, &v).await["status"], "succeeded");
    assert!(qemu_runs_under(&uuid, b.dir.path()), "QEMU runs in B's run dir");
    assert!(!qemu_runs_under(&uuid, a.data_dir.path()));
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let seen = events.lock().unwrap().clone();
        if seen.iter().any(|e| e["type"] == "vm_state" && e["vm_id"] == vm && e["state"] == "running") {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "B's VM state never reached A's stream: {seen:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // The serial console and a screenshot through A.
    let (s, v) = a.json(Method::POST, &format!("/api/v1/vms/{vm}/console"), Some(&stu), Some(json!({"kind": "serial"}))).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let ws_url = format!("{}{}?ticket={}", a.base.replace("http://", "ws://"), v["data"]["ws_path"].as_str().unwrap(), v["data"]["ticket"].as_str().unwrap());
    let mut req = ws_url.into_client_request().unwrap();
    req.headers_mut().insert("authorization", format!("Bearer {stu}").parse().unwrap());
    let (mut ws, _) = tokio_tungstenite::connect_async(req).await.expect("console websocket through A");
    let mut seen = String::new();
    'echo: for _ in 0..10 {
        ws.send(Message::Binary(b"echo via-$((40+2))-a\n".to_vec().into())).await.unwrap();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(3);
        while let Ok(Some(Ok(m))) = tokio::time::timeout_at(deadline, ws.next()).await {
            if let Message::Binary(bytes) = m {
                seen.push_str(&String::from_utf8_lossy(&bytes));
            }
            if seen.contains("via-42-a") {
                break 'echo;
            }
        }
    }
    assert!(seen.contains("via-42-a"), "no echo through A's relay: {seen}");
    // A password reset through A ends, at once, the console B serves.
    let (s, v) = a.json(Method::PUT, &format!("/api/v1/users/{student}/password"), Some(&admin), Some(json!({"new_password": "stu-new-password-1"}))).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        match tokio::time::timeout_at(deadline, ws.next()).await {
            Ok(Some(Ok(Message::Close(c)))) => {
                assert_eq!(c.map(|c| u16::from(c.code)), Some(1008));
                break;
            }
            Ok(Some(Ok(_))) => continue,
            Ok(other) => panic!("the console ended without a close frame: {other:?}"),
            Err(_) => panic!("the console on B was still open 5 s after the password reset on A"),
        }
    }
    let stu = a.login("stu", "stu-new-password-1").await;
    let shot = a.call(Method::GET, &format!("/api/v1/vms/{vm}/screenshot"), Some(&stu), None).await;
    assert_eq!(shot.status(), StatusCode::OK);
    assert!(shot.bytes().await.unwrap().starts_with(b"\x89PNG\r\n\x1a\n"));

    // A disk lives on one node: one made on A that joins a VM of B goes to
    // B first (its file sent and checked).
    let stray = ok(&a, Method::POST, "/api/v1/disks", &admin, Some(json!({"name": "stray", "size_mib": 8}))).await;
    assert_eq!(stray["node_id"], node_a, "{stray}");
    let (s, v) = a.json(Method::POST, &format!("/api/v1/disks/{}/attach", stray["id"]), Some(&admin), Some(json!({"vm_id": vm}))).await;
    assert_error(s, &v, 409, "VM_RUNNING");
    let parked = a.create_vm(&admin, json!({"name": "parked", "network": "none", "node_id": node_b})).await;
    let carried = ok(&a, Method::POST, "/api/v1/disks", &admin, Some(json!({"name": "carried", "size_mib": 8}))).await;
    let attached = ok(&a, Method::POST, &format!("/api/v1/disks/{}/attach", carried["id"]), &admin, Some(json!({"vm_id": parked}))).await;
    assert_eq!((attached["node_id"].as_i64(), attached["vm_id"].as_i64()), (Some(node_b), Some(parked)), "{attached}");
    let carried_file = format!("pools/disks/{}.qcow2", carried["id"]);
    assert!(b.dir.path().join(&carried_file).is_file() && !a.data_dir.path().join(&carried_file).exists(), "the disk file went to B");

    // A stopped VM moves from A to B with its disk: what the guest wrote
    // on A, it reads on B.
    let mover = a
        .create_vm(&admin, json!({"name": "mover", "memory_mib": 128, "kernel": "test-guest", "network": "none", "node_id": node_a}))
        .await;
    ok(&a, Method::POST, &format!("/api/v1/disks/{}/attach", stray["id"]), &admin, Some(json!({"vm_id": mover}))).await;
    assert_eq!(a.vm_action(&admin, mover, json!({"action": "start"})).await["status"], "succeeded");
    wait_serial(&a.run_dir(mover), MARKER, 1, Duration::from_secs(60)).await;
    serial_command(&a.run_dir(mover), "echo moved-data-$((6*7)) > /dev/vda; sync; echo wrote-$((1+1))", "wrote-2").await;
    assert_eq!(a.vm_action(&admin, mover, json!({"action": "stop"})).await["status"], "succeeded");
    let (s, v) = a.json(Method::POST, &format!("/api/v1/vms/{mover}/move"), Some(&stu), Some(json!({"node_id": node_b}))).await;
    assert!(s == StatusCode::FORBIDDEN || s == StatusCode::NOT_FOUND, "{s} {v}");
    let (s, v) = a.json(Method::POST, &format!("/api/v1/vms/{mover}/move"), Some(&admin), Some(json!({"node_id": node_a}))).await;
    assert_error(s, &v, 409, "SAME_NODE");
    let (s, v) = a.json(Method::POST, &format!("/api/v1/vms/{mover}/move"), Some(&admin), Some(json!({"node_id": node_b}))).await;
    assert_eq!(s, StatusCode::ACCEPTED, "{v}");
    assert_eq!(v["data"]["kind"], "move", "{v}");
    assert_eq!(wait_op(&a, &admin, &v).await["status"], "succeeded");
    let moved = ok(&a, Method::GET, &format!("/api/v1/vms/{mover}"), &admin, None).await;
    assert_eq!(moved["node_id"], node_b, "{moved}");
    let disk_file = format!("pools/disks/{}.qcow2", stray["id"]);
    assert!(b.dir.path().join(&disk_file).is_file() && !a.data_dir.path().join(&disk_file).exists(), "the disk file moved");
    assert_eq!(a.vm_action(&admin, mover, json!({"action": "start"})).await["status"], "succeeded");
    let b_run = b.dir.path().join("run").join(format!("vm-{mover}"));
    wait_serial(&b_run, MARKER, 1, Duration::from_secs(60)).await;
    serial_command(&b_run, "head -c 13 /dev/vda; echo", "moved-data-42").await;
    assert_eq!(a.vm_action(&admin, mover, json!({"action": "stop"})).await["status"], "succeeded");

    // A move that fails half-way leaves nothing behind on B: the disk sent
    // before the failure is removed there, and the VM stays on A.
    let half = a.create_vm(&admin, json!({"name": "half", "network": "none", "node_id": node_a})).await;
    let mut halves = vec![];
    for name in ["half-1", "half-2"] {
        let d = ok(&a, Method::POST, "/api/v1/disks", &admin, Some(json!({"name": name, "size_mib": 8}))).await;
        ok(&a, Method::POST, &format!("/api/v1/disks/{}/attach", d["id"]), &admin, Some(json!({"vm_id": half}))).await;
        halves.push(format!("pools/disks/{}.qcow2", d["id"]));
    }
    std::fs::remove_file(a.data_dir.path().join(&halves[1])).unwrap();
    let (s, v) = a.json(Method::POST, &format!("/api/v1/vms/{half}/move"), Some(&admin), Some(json!({"node_id": node_b}))).await;
    assert_eq!(s, StatusCode::ACCEPTED, "{v}");
    assert_eq!(wait_op(&a, &admin, &v).await["status"], "failed");
    assert!(a.data_dir.path().join(&halves[0]).is_file(), "the sender keeps its disk");
    assert!(!b.dir.path().join(&halves[0]).exists(), "the copy B took before the failure stayed there");
    assert_eq!(ok(&a, Method::GET, &format!("/api/v1/vms/{half}"), &admin, None).await["node_id"], node_a);

    // Quotas hold over both nodes: a student allowed 128 MiB of disks asks
    // both nodes at once for eight 64 MiB disks, each on the node asked,
    // and gets exactly two.
    let racer = a.create_user(&admin, "racer", "student").await;
    ok(&a, Method::PUT, &format!("/api/v1/users/{racer}/quota"), &admin, Some(json!({"max_disk_mib": 128}))).await;
    let racer_token = a.login("racer", "racer-password").await;
    let asks = (0..8).map(|i| {
        let (base, node) = if i % 2 == 0 { (a.base.clone(), node_a) } else { (b.base(), node_b) };
        let token = racer_token.clone();
        async move {
            let body = json!({"name": format!("race-{i}"), "size_mib": 64, "node_id": node});
            client().post(format!("{base}/api/v1/disks")).bearer_auth(token).json(&body).send().await.unwrap().status()
        }
    });
    let statuses = futures_util::future::join_all(asks).await;
    assert_eq!(statuses.iter().filter(|s| **s == StatusCode::CREATED).count(), 2, "{statuses:?}");
    assert!(statuses.iter().all(|s| *s == StatusCode::CREATED || *s == StatusCode::CONFLICT), "{statuses:?}");

    // That is one admission for all nodes: while the database's admission
    // lock is held elsewhere, neither node admits a VM.
    let mut holder = <sqlx::PgConnection as sqlx::Connection>::connect(&url).await.unwrap();
    sqlx::query("SELECT pg_advisory_lock($1)").bind(0x766c_6162_6164_6d69_i64).execute(&mut holder).await.unwrap();
    let waiting: Vec<_> = [a.base.clone(), b.base()]
        .into_iter()
        .map(|base| {
            let token = admin.clone();
            tokio::spawn(async move {
                let body = json!({"name": "admitted-later", "network": "none"});
                client().post(format!("{base}/api/v1/vms")).bearer_auth(token).json(&body).send().await.unwrap().status()
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(waiting.iter().all(|w| !w.is_finished()), "a node admitted a VM past the shared lock");
    sqlx::query("SELECT pg_advisory_unlock($1)").bind(0x766c_6162_6164_6d69_i64).execute(&mut holder).await.unwrap();
    for w in waiting {
        assert_eq!(tokio::time::timeout(Duration::from_secs(10), w).await.unwrap().unwrap(), StatusCode::CREATED);
    }

    // A forged or replayed node call is refused.
    let r = a.http.post(a.url("/internal/v1/call")).json(&json!({"user_id": 1, "via": "internal", "do": {"call": "delete_vm", "vm_id": vm, "force": true, "delete_disks": true}})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = a
        .http
        .post(a.url("/internal/v1/call"))
        .header("x-vlab-node-auth", format!("{node_b}:{}:0123456789abcdef0123:{}", time_now(), "00".repeat(32)))
        .json(&json!({"user_id": 1, "via": "internal", "do": {"call": "delete_vm", "vm_id": vm, "force": true, "delete_disks": true}}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);

    // A lab for ten students rolls out over both nodes: each node makes its
    // clones on the template in the shared pool, and they boot there.
    let (t, course, version) = course_with_template(&a, &admin, "teach", "NET-200").await;
    for i in 1..=10 {
        a.create_user(&admin, &format!("c{i:02}"), "student").await;
        ok(&a, Method::POST, &format!("/api/v1/courses/{course}/members"), &t, Some(json!({"username": format!("c{i:02}"), "role": "student"}))).await;
    }
    let publication = ok(&a, Method::POST, &format!("/api/v1/courses/{course}/labs"), &t, Some(json!({"name": "Spread", "template_version_id": version}))).await;
    let lab = publication["lab"]["id"].as_i64().unwrap();
    assert_eq!(wait_op(&a, &t, &json!({"data": publication["operation"]})).await["status"], "succeeded");
    let seats = ok(&a, Method::GET, &format!("/api/v1/labs/{lab}/seats"), &t, None).await;
    let mut on = std::collections::HashMap::<i64, Vec<i64>>::new();
    for seat in seats.as_array().unwrap() {
        let id = seat["vm_id"].as_i64().expect("every student has a VM");
        let vm = ok(&a, Method::GET, &format!("/api/v1/vms/{id}"), &t, None).await;
        on.entry(vm["node_id"].as_i64().unwrap()).or_default().push(id);
    }
    assert_eq!(on.values().map(Vec::len).sum::<usize>(), 10);
    assert!(on.get(&node_a).is_some_and(|v| v.len() >= 3) && on.get(&node_b).is_some_and(|v| v.len() >= 3), "spread: {on:?}");
    // Only an admin pins a lab; a pinned lab's VMs are all made on its node.
    let (s, v) = a.json(Method::POST, &format!("/api/v1/courses/{course}/labs"), Some(&t), Some(json!({"name": "Pinned", "template_version_id": version, "node_id": node_b}))).await;
    assert_error(s, &v, 403, "FORBIDDEN");
    let pinned = ok(&a, Method::POST, &format!("/api/v1/courses/{course}/labs"), &admin, Some(json!({"name": "Pinned", "template_version_id": version, "node_id": node_b}))).await;
    assert_eq!(pinned["lab"]["node_id"], node_b, "{pinned}");
    assert_eq!(wait_op(&a, &admin, &json!({"data": pinned["operation"]})).await["status"], "succeeded");
    let seats = ok(&a, Method::GET, &format!("/api/v1/labs/{}/seats", pinned["lab"]["id"]), &admin, None).await;
    for seat in seats.as_array().unwrap() {
        let vm = ok(&a, Method::GET, &format!("/api/v1/vms/{}", seat["vm_id"]), &admin, None).await;
        assert_eq!(vm["node_id"], node_b, "{vm}");
    }
    // The pin changes later (for VMs made from then on); only admins do it.
    let pinned_path = format!("/api/v1/labs/{}", pinned["lab"]["id"]);
    let (s, v) = a.json(Method::PATCH, &pinned_path, Some(&t), Some(json!({"node_id": node_a}))).await;
    assert_error(s, &v, 403, "FORBIDDEN");
    let (s, v) = a.json(Method::PATCH, &pinned_path, Some(&admin), Some(json!({"node_id": 9999}))).await;
    assert_error(s, &v, 422, "VALIDATION_FAILED");
    assert_eq!(ok(&a, Method::PATCH, &pinned_path, &admin, Some(json!({"node_id": node_a}))).await["node_id"], node_a);
    assert_eq!(ok(&a, Method::PATCH, &pinned_path, &admin, Some(json!({"node_id": 0}))).await["node_id"], Value::Null);
    let clone_on_b = on[&node_b][0];
    let (s, v) = a.json(Method::PUT, &format!("/api/v1/vms/{clone_on_b}/state"), Some(&t), Some(json!({"action": "start"}))).await;
    assert_eq!(s, StatusCode::ACCEPTED, "{v}");
    assert_eq!(wait_op(&a, &t, &v).await["status"], "succeeded");
    let (_, v) = a.json(Method::GET, &format!("/api/v1/vms/{clone_on_b}"), Some(&t), None).await;
    let clone_uuid = v["data"]["uuid"].as_str().unwrap().to_owned();
    assert!(qemu_runs_under(&clone_uuid, b.dir.path()), "B boots its clone");
    let (s, v) = a.json(Method::PUT, &format!("/api/v1/vms/{clone_on_b}/state"), Some(&t), Some(json!({"action": "stop"}))).await;
    assert_eq!(s, StatusCode::ACCEPTED, "{v}");
    assert_eq!(wait_op(&a, &t, &v).await["status"], "succeeded");

    // Draining B sends new VMs to A, also when B is asked.
    let (s, v) = a.json(Method::PATCH, &format!("/api/v1/nodes/{node_b}"), Some(&admin), Some(json!({"enabled": false}))).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = b.json(Method::POST, "/api/v1/vms", &admin, Some(json!({"name": "drained", "memory_mib": 128, "network": "none"}))).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["data"]["node_id"], node_a, "{v}");
    let (s, v) = a.json(Method::POST, "/api/v1/vms", Some(&admin), Some(json!({"name": "pinned-to-drained", "node_id": node_b}))).await;
    assert_error(s, &v, 409, "NODE_DISABLED");
    // The running VM stays.
    assert_eq!(a.vm_state(&stu, vm).await, "running");

    // B's vlab dies: its VMs are unknown on A, and actions on them 503.
    b.sigkill();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(TIMEOUT_SECS + 4);
    while a.vm_state(&stu, vm).await != "unknown" {
        assert!(tokio::time::Instant::now() < deadline, "B's VM never became unknown");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let (s, v) = a.json(Method::PUT, &format!("/api/v1/vms/{vm}/state"), Some(&stu), Some(json!({"action": "stop"}))).await;
    assert_error(s, &v, 503, "NODE_UNREACHABLE");
    let (s, v) = a.json(Method::POST, &format!("/api/v1/vms/{vm}/console"), Some(&stu), Some(json!({"kind": "serial"}))).await;
    assert_error(s, &v, 503, "NODE_UNREACHABLE");
    let (_, v) = a.json(Method::GET, &format!("/api/v1/nodes/{node_b}"), Some(&admin), None).await;
    assert_eq!(v["data"]["status"], "unreachable", "{v}");
    // QEMU itself lives on.
    assert!(qemu_runs_under(&uuid, b.dir.path()));

    // B comes back and takes its VM again: running, and stoppable through A.
    b.spawn();
    b.wait_healthy().await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while a.vm_state(&stu, vm).await != "running" {
        assert!(tokio::time::Instant::now() < deadline, "B's VM was not reconciled to running");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let (s, v) = a.json(Method::PUT, &format!("/api/v1/vms/{vm}/state"), Some(&stu), Some(json!({"action": "stop"}))).await;
    assert_eq!(s, StatusCode::ACCEPTED, "{v}");
    assert_eq!(wait_op(&a, &stu, &v).await["status"], "succeeded");
    assert!(qemu_pids(&uuid).is_empty(), "QEMU stopped on B");
    // Deleted through A: B removes it.
    let (s, v) = a.json(Method::DELETE, &format!("/api/v1/vms/{vm}"), Some(&admin), None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
}

/// Password guesses and API requests spread over two nodes count against
/// one budget: each node alone would let through twice as many.
#[tokio::test]
async fn limits_count_over_all_nodes() {
    let Some(url) = postgres_database().await else {
        eprintln!("skipped: two nodes need PostgreSQL (VLAB_TEST_PG)");
        return;
    };
    const PER_MINUTE: u32 = 120;
    let shared = tempfile::tempdir().unwrap();
    let a = TestApp::spawn_with(|c| {
        c.database_url = url.clone();
        c.node_name = "node-a".into();
        c.api_rate_limit = PER_MINUTE;
    })
    .await;
    let b = NodeB::start_with(&url, shared.path(), &format!("api_rate_limit = {PER_MINUTE}\n"));
    b.wait_healthy().await;
    let admin = a.admin_token().await;
    a.create_user(&admin, "mallory", "student").await;
    a.create_user(&admin, "quinn", "student").await;

    // Five guesses (login_max_failures) alternate between the nodes; then
    // even the right password waits, on either node.
    let guess = |base: String, password: &'static str| async move {
        let r = client()
            .post(format!("{base}/api/v1/auth/login"))
            .json(&json!({"username": "mallory", "password": password}))
            .send()
            .await
            .unwrap();
        r.status()
    };
    for i in 0..5 {
        let base = if i % 2 == 0 { a.url("") } else { b.base() };
        assert_eq!(guess(base, "not-it").await, StatusCode::UNAUTHORIZED, "guess {i}");
    }
    assert_eq!(guess(b.base(), "mallory-password").await, StatusCode::TOO_MANY_REQUESTS, "B counted A's guesses");
    assert_eq!(guess(a.url(""), "mallory-password").await, StatusCode::TOO_MANY_REQUESTS, "A counted B's guesses");

    // 100 requests to each node with one token: one budget of 120 a minute
    // (plus what refills meanwhile and a node's unused lease) passes.
    let token = a.login("quinn", "quinn-password").await;
    let mut passed = [0u32; 2];
    for (n, base) in [a.url(""), b.base()].into_iter().enumerate() {
        for _ in 0..100 {
            let r = client().get(format!("{base}/api/v1/auth/me")).bearer_auth(&token).send().await.unwrap();
            match r.status() {
                StatusCode::OK => passed[n] += 1,
                StatusCode::TOO_MANY_REQUESTS => assert!(r.headers().contains_key("retry-after")),
                other => panic!("unexpected {other}"),
            }
        }
    }
    assert_eq!(passed[0], 100, "{passed:?}");
    assert!(passed[1] < 40, "B let through {} of 100 after A used most of the budget", passed[1]);
    assert!(passed[1] >= 10, "B had the rest of the budget: {passed:?}");
}

fn time_now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
}

#[tokio::test]
async fn two_nodes_starting_together_on_an_empty_database_make_one_admin() {
    let Some(url) = postgres_database().await else {
        eprintln!("skipped: two nodes need PostgreSQL (VLAB_TEST_PG)");
        return;
    };
    // Both find no users, both hash the password (slow on purpose), then
    // both insert: the second must take the first's admin, not fail.
    let node = |name: &'static str| {
        let url = url.clone();
        move |c: &mut server::config::Config| {
            c.database_url = url;
            c.node_name = name.into();
        }
    };
    let (a, b) = tokio::join!(TestApp::spawn_with(node("node-a")), TestApp::spawn_with(node("node-b")));
    let token = a.admin_token().await;
    let (s, v) = b.json(Method::GET, "/api/v1/users", Some(&token), None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let users = v["data"].as_array().unwrap();
    assert_eq!(users.len(), 1, "{v}");
    assert_eq!(users[0]["role"], "admin", "{v}");
    b.admin_token().await;
}
