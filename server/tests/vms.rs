//! VM lifecycle against real QEMU (TCG) and the test guest.

mod common;

use common::*;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use std::time::{Duration, Instant};


fn vm_states(events: &[Value], id: i64) -> Vec<String> {
    events
        .iter()
        .filter(|e| e["type"] == "vm_state" && e["vm_id"] == id)
        .map(|e| e["state"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn full_lifecycle_with_forced_shutdown() {
    let app = TestApp::spawn_for_vms().await;
    let admin = app.admin_token().await;
    let events = collect_events(&app, &admin);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let id = app.create_vm(&admin, json!({"name": "life", "memory_mib": 128, "kernel": "test-guest", "network": "none"})).await;
    assert_eq!(app.vm_state(&admin, id).await, "stopped");

    let op = app.vm_action(&admin, id, json!({"action": "start"})).await;
    assert_eq!(op["status"], "succeeded", "{op}");
    assert_eq!(app.vm_state(&admin, id).await, "running");
    wait_serial(&app.run_dir(id), MARKER, 1, Duration::from_secs(30)).await;

    let op = app.vm_action(&admin, id, json!({"action": "pause"})).await;
    assert_eq!(op["status"], "succeeded", "{op}");
    assert_eq!(app.vm_state(&admin, id).await, "paused");
    let (s, v) = app.json(Method::PUT, &format!("/api/v1/vms/{id}/state"), Some(&admin), Some(json!({"action": "pause"}))).await;
    assert_error(s, &v, 409, "INVALID_STATE");
    assert!(v["error"]["message"].as_str().unwrap().contains("paused"), "{v}");

    let op = app.vm_action(&admin, id, json!({"action": "resume"})).await;
    assert_eq!(op["status"], "succeeded");
    assert_eq!(app.vm_state(&admin, id).await, "running");

    // Reset reboots the guest: a second marker appears on a fresh console read.
    let serial = tokio::spawn({
        let dir = app.run_dir(id);
        async move { wait_serial(&dir, MARKER, 1, Duration::from_secs(40)).await }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let op = app.vm_action(&admin, id, json!({"action": "reset"})).await;
    assert_eq!(op["status"], "succeeded");
    serial.await.unwrap();
    assert_eq!(app.vm_state(&admin, id).await, "running");

    // This guest ignores ACPI: the graceful shutdown times out and is forced.
    let uuid = app.json(Method::GET, &format!("/api/v1/vms/{id}"), Some(&admin), None).await.1["data"]["uuid"].as_str().unwrap().to_owned();
    assert_eq!(qemu_pids(&uuid).len(), 1);
    let t0 = Instant::now();
    let op = app.vm_action(&admin, id, json!({"action": "shutdown", "timeout": 2})).await;
    assert_eq!(op["status"], "succeeded", "{op}");
    assert!(t0.elapsed() >= Duration::from_secs(2), "waited for the guest first: {:?}", t0.elapsed());
    assert_eq!(app.vm_state(&admin, id).await, "stopped");
    assert!(qemu_pids(&uuid).is_empty(), "QEMU is gone");

    let (s, _) = app.json(Method::DELETE, &format!("/api/v1/vms/{id}"), Some(&admin), None).await;
    assert_eq!(s, StatusCode::OK);
    let (s, v) = app.json(Method::GET, &format!("/api/v1/vms/{id}"), Some(&admin), None).await;
    assert_error(s, &v, 404, "VM_NOT_FOUND");

    let states = vm_states(&events.lock().unwrap(), id);
    assert_eq!(states, ["starting", "running", "paused", "running", "stopping", "stopped"], "events: {states:?}");
    let ops: Vec<Value> = events.lock().unwrap().iter().filter(|e| e["type"] == "operation").cloned().collect();
    assert!(ops.iter().any(|e| e["operation"]["kind"] == "shutdown" && e["operation"]["status"] == "succeeded"));
}

#[tokio::test]
async fn acpi_guest_shuts_down_gracefully() {
    let app = TestApp::spawn_for_vms().await;
    let admin = app.admin_token().await;
    let id = app.create_vm(&admin, json!({"name": "acpi", "memory_mib": 128, "kernel": "test-guest-acpi", "network": "none"})).await;
    app.vm_action(&admin, id, json!({"action": "start"})).await;
    wait_serial(&app.run_dir(id), MARKER, 1, Duration::from_secs(30)).await;
    tokio::time::sleep(Duration::from_secs(2)).await; // acpid starts a moment after the marker
    let t0 = Instant::now();
    let op = app.vm_action(&admin, id, json!({"action": "shutdown", "timeout": 60})).await;
    assert_eq!(op["status"], "succeeded", "{op}");
    assert!(t0.elapsed() < Duration::from_secs(30), "the guest powered off by itself: {:?}", t0.elapsed());
    assert_eq!(app.vm_state(&admin, id).await, "stopped");
}

#[tokio::test]
async fn killed_qemu_is_seen_as_crashed_within_a_second() {
    let app = TestApp::spawn_for_vms().await;
    let admin = app.admin_token().await;
    let id = app.create_vm(&admin, json!({"name": "crash", "memory_mib": 128, "kernel": "test-guest", "network": "none"})).await;
    app.vm_action(&admin, id, json!({"action": "start"})).await;
    let pid = std::fs::read_to_string(app.run_dir(id).join("qemu.pid")).unwrap();
    let killed = Instant::now();
    assert!(std::process::Command::new("kill").args(["-KILL", pid.trim()]).status().unwrap().success());
    loop {
        let (_, v) = app.json(Method::GET, &format!("/api/v1/vms/{id}"), Some(&admin), None).await;
        if v["data"]["state"] == "crashed" {
            assert!(v["data"]["state_reason"].as_str().unwrap().contains("unexpectedly"), "{v}");
            break;
        }
        assert!(killed.elapsed() < Duration::from_secs(1), "still {} after 1 s", v["data"]["state"]);
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    // A crashed VM can be started again.
    let op = app.vm_action(&admin, id, json!({"action": "start"})).await;
    assert_eq!(op["status"], "succeeded", "{op}");
    wait_serial(&app.run_dir(id), MARKER, 1, Duration::from_secs(30)).await;
}

#[tokio::test]
async fn twenty_concurrent_starts_make_one_qemu() {
    let app = TestApp::spawn_for_vms().await;
    let admin = app.admin_token().await;
    let id = app.create_vm(&admin, json!({"name": "race", "memory_mib": 128, "kernel": "test-guest", "network": "none"})).await;
    let uuid = app.json(Method::GET, &format!("/api/v1/vms/{id}"), Some(&admin), None).await.1["data"]["uuid"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/vms/{id}/state");
    let calls = (0..20).map(|_| app.json(Method::PUT, &path, Some(&admin), Some(json!({"action": "start"}))));
    let results = futures_util::future::join_all(calls).await;
    let accepted = results.iter().filter(|(s, _)| *s == StatusCode::ACCEPTED).count();
    let conflicts = results.iter().filter(|(s, v)| *s == StatusCode::CONFLICT && v["error"]["code"] == "INVALID_STATE").count();
    assert_eq!((accepted, conflicts), (1, 19), "{results:?}");
    wait_serial(&app.run_dir(id), MARKER, 1, Duration::from_secs(30)).await;
    assert_eq!(qemu_pids(&uuid).len(), 1, "exactly one QEMU");
}

#[tokio::test]
async fn port_forward_reaches_a_service_in_the_guest() {
    let app = TestApp::spawn_for_vms().await;
    let admin = app.admin_token().await;
    let (s, v) = app
        .json(Method::POST, "/api/v1/vms", Some(&admin), Some(json!({
            "name": "web", "memory_mib": 128, "kernel": "test-guest",
            "port_forwards": [{"guest_port": 8080}]
        })))
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let id = v["data"]["id"].as_i64().unwrap();
    let host_port = v["data"]["port_forwards"][0]["host_port"].as_u64().unwrap();
    assert!((20000..=29999).contains(&host_port));

    // The same host port cannot be given twice.
    let (s, v) = app
        .json(Method::POST, "/api/v1/vms", Some(&admin), Some(json!({
            "name": "web2", "kernel": "test-guest", "port_forwards": [{"guest_port": 80, "host_port": host_port}]
        })))
        .await;
    assert_error(s, &v, 409, "PORT_IN_USE");

    app.vm_action(&admin, id, json!({"action": "start"})).await;
    wait_serial(&app.run_dir(id), MARKER, 1, Duration::from_secs(30)).await;
    let url = format!("http://127.0.0.1:{host_port}/");
    let deadline = Instant::now() + Duration::from_secs(20);
    let body = loop {
        match reqwest::get(&url).await {
            Ok(r) if r.status().is_success() => break r.text().await.unwrap(),
            _ if Instant::now() < deadline => tokio::time::sleep(Duration::from_millis(250)).await,
            other => panic!("port forward never answered: {other:?}"),
        }
    };
    assert_eq!(body.trim(), "vlab test guest");
}

#[tokio::test]
async fn students_reach_only_their_own_vms() {
    let app = TestApp::spawn_for_vms().await;
    let admin = app.admin_token().await;
    app.create_user(&admin, "alice", "student").await;
    app.create_user(&admin, "bob", "student").await;
    let alice = app.login("alice", "alice-password").await;
    let bob = app.login("bob", "bob-password").await;
    let id = app.create_vm(&alice, json!({"name": "alices", "memory_mib": 128, "kernel": "test-guest", "network": "none"})).await;

    let (s, v) = app.json(Method::GET, &format!("/api/v1/vms/{id}"), Some(&bob), None).await;
    assert_error(s, &v, 404, "VM_NOT_FOUND");
    let (s, v) = app.json(Method::PUT, &format!("/api/v1/vms/{id}/state"), Some(&bob), Some(json!({"action": "start"}))).await;
    assert_error(s, &v, 404, "VM_NOT_FOUND");
    let (s, v) = app.json(Method::DELETE, &format!("/api/v1/vms/{id}"), Some(&bob), None).await;
    assert_error(s, &v, 404, "VM_NOT_FOUND");
    let (s, v) = app.json(Method::PATCH, &format!("/api/v1/vms/{id}"), Some(&bob), Some(json!({"name": "mine"}))).await;
    assert_error(s, &v, 404, "VM_NOT_FOUND");
    let (_, v) = app.json(Method::GET, "/api/v1/vms", Some(&bob), None).await;
    assert_eq!(v["pagination"]["total"], 0);
    // A student cannot create a VM for someone else.
    let (s, v) = app.json(Method::POST, "/api/v1/vms", Some(&bob), Some(json!({"name": "x", "owner_id": 2}))).await;
    assert_error(s, &v, 403, "FORBIDDEN");
    // Alice and the admin can.
    let (_, v) = app.json(Method::GET, "/api/v1/vms", Some(&alice), None).await;
    assert_eq!(v["pagination"]["total"], 1);
    let (s, _) = app.json(Method::GET, &format!("/api/v1/vms/{id}"), Some(&admin), None).await;
    assert_eq!(s, StatusCode::OK);
    // Operations and events of Alice's VM are hers, not Bob's.
    let op = app.vm_action(&alice, id, json!({"action": "start"})).await;
    let op_id = op["id"].as_i64().unwrap();
    let (s, v) = app.json(Method::GET, &format!("/api/v1/operations/{op_id}"), Some(&bob), None).await;
    assert_error(s, &v, 404, "OPERATION_NOT_FOUND");
    let (s, _) = app.json(Method::GET, &format!("/api/v1/operations/{op_id}"), Some(&alice), None).await;
    assert_eq!(s, StatusCode::OK);
}

#[tokio::test]
async fn bad_vm_input_is_refused_and_nothing_is_made() {
    let app = TestApp::spawn_for_vms().await;
    let admin = app.admin_token().await;
    for (body, field) in [
        (json!({"name": " "}), "name"),
        (json!({"name": "x", "cpus": 0}), "cpus"),
        (json!({"name": "x", "memory_mib": 64}), "memory_mib"),
        (json!({"name": "x", "boot_order": "dd"}), "boot_order"),
        (json!({"name": "x", "kernel": "../../etc"}), "kernel"),
        (json!({"name": "x", "kernel": "/boot/vmlinuz"}), "kernel"),
        (json!({"name": "x", "kernel": "nope"}), "kernel"),
        (json!({"name": "x", "network": "bridge"}), "network"),
        (json!({"name": "x", "network": "wifi"}), "network"),
        (json!({"name": "x", "disk_bus": "scsi"}), "disk_bus"),
        (json!({"name": "x", "port_forwards": [{"guest_port": 22, "protocol": "sctp"}]}), "port_forwards[0]"),
        (json!({"name": "x", "port_forwards": [{"guest_port": 22, "host_port": 80}]}), "port_forwards[0]"),
    ] {
        let (s, v) = app.json(Method::POST, "/api/v1/vms", Some(&admin), Some(body.clone())).await;
        assert_error(s, &v, 422, "VALIDATION_FAILED");
        assert!(v["error"]["details"]["fields"][field].is_string(), "{body} -> {v}");
    }
    let (s, v) = app.json(Method::POST, "/api/v1/vms", Some(&admin), Some(json!({"name": "x", "disk_path": "/etc/passwd"}))).await;
    assert_error(s, &v, 422, "VALIDATION_FAILED");
    let (_, v) = app.json(Method::GET, "/api/v1/vms", Some(&admin), None).await;
    assert_eq!(v["pagination"]["total"], 0, "nothing half-made");

    let id = app.create_vm(&admin, json!({"name": "ok", "memory_mib": 128, "kernel": "test-guest", "network": "none"})).await;
    let (s, v) = app.json(Method::PUT, &format!("/api/v1/vms/{id}/state"), Some(&admin), Some(json!({"action": "explode"}))).await;
    assert_error(s, &v, 422, "VALIDATION_FAILED");
    assert!(v["error"]["details"]["fields"]["action"].as_str().is_some_and(|m| m.contains("explode")), "{v}");
    let (s, v) = app.json(Method::PUT, &format!("/api/v1/vms/{id}/state"), Some(&admin), Some(json!({"action": "resume"}))).await;
    assert_error(s, &v, 409, "INVALID_STATE");
    // Running: delete refused without force; config change is flagged.
    app.vm_action(&admin, id, json!({"action": "start"})).await;
    let (s, v) = app.json(Method::DELETE, &format!("/api/v1/vms/{id}"), Some(&admin), None).await;
    assert_error(s, &v, 409, "VM_RUNNING");
    let (s, v) = app.json(Method::PATCH, &format!("/api/v1/vms/{id}"), Some(&admin), Some(json!({"memory_mib": 256}))).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["data"]["needs_restart"], true);
    let (s, _) = app.json(Method::DELETE, &format!("/api/v1/vms/{id}?force=true"), Some(&admin), None).await;
    assert_eq!(s, StatusCode::OK);
}

#[tokio::test]
async fn delete_keeps_or_removes_disks_and_finished_operations_cannot_be_cancelled() {
    let app = TestApp::spawn_for_vms().await;
    let admin = app.admin_token().await;
    let mut disks = vec![];
    for keep in [true, false] {
        let vm = app.create_vm(&admin, json!({"name": format!("del-{keep}"), "memory_mib": 128, "kernel": "test-guest", "network": "none"})).await;
        let (_, v) = app.json(Method::POST, "/api/v1/disks", Some(&admin), Some(json!({"name": "d", "size_mib": 8}))).await;
        let disk = v["data"]["id"].as_i64().unwrap();
        app.json(Method::POST, &format!("/api/v1/disks/{disk}/attach"), Some(&admin), Some(json!({"vm_id": vm}))).await;
        let path = if keep { format!("/api/v1/vms/{vm}") } else { format!("/api/v1/vms/{vm}?delete_disks=true") };
        let (s, v) = app.json(Method::DELETE, &path, Some(&admin), None).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        disks.push((keep, disk));
    }
    for (keep, disk) in disks {
        let (s, v) = app.json(Method::GET, &format!("/api/v1/disks/{disk}"), Some(&admin), None).await;
        let file = app.data_dir.path().join(format!("pools/disks/{disk}.qcow2"));
        if keep {
            assert_eq!(s, StatusCode::OK, "{v}");
            assert_eq!(v["data"]["vm_id"], Value::Null, "detached and kept");
            assert!(file.is_file());
        } else {
            assert_error(s, &v, 404, "DISK_NOT_FOUND");
            assert!(!file.exists(), "removed with the VM");
        }
    }
    let vm = app.create_vm(&admin, json!({"name": "op", "memory_mib": 128, "kernel": "test-guest", "network": "none"})).await;
    let op = app.vm_action(&admin, vm, json!({"action": "start"})).await;
    let (s, v) = app.json(Method::POST, &format!("/api/v1/operations/{}/cancel", op["id"]), Some(&admin), None).await;
    assert_error(s, &v, 409, "OPERATION_FINISHED");
}

#[tokio::test]
async fn bridges_are_only_those_the_admin_configured() {
    let app = TestApp::spawn_with(|c| {
        c.accel = server::config::Accel::Tcg;
        c.bridges = vec!["vlabbr0".into()];
    })
    .await;
    let admin = app.admin_token().await;
    let (s, v) = app.json(Method::POST, "/api/v1/vms", Some(&admin), Some(json!({"name": "b", "network": "bridge"}))).await;
    assert_error(s, &v, 422, "VALIDATION_FAILED");
    assert!(v["error"]["details"]["fields"]["bridge"].as_str().unwrap().contains("vlabbr0"));
    let (s, v) = app.json(Method::POST, "/api/v1/vms", Some(&admin), Some(json!({"name": "b", "network": "bridge", "bridge": "eth0"}))).await;
    assert_error(s, &v, 422, "VALIDATION_FAILED");
    let (s, v) = app.json(Method::POST, "/api/v1/vms", Some(&admin), Some(json!({"name": "b", "network": "bridge", "bridge": "vlabbr0"}))).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["data"]["network"], "bridge");
}

/// Holds a disk image open (and locked) with a QEMU of our own.
fn hold_image(path: &std::path::Path) -> std::process::Child {
    let child = std::process::Command::new("qemu-system-x86_64")
        .args(["-S", "-nodefaults", "-display", "none", "-machine", "none", "-drive"])
        .arg(format!("file={},format=qcow2,if=none,id=held", path.display()))
        .stdin(std::process::Stdio::null())
        .spawn()
        .expect("qemu runs");
    std::thread::sleep(Duration::from_millis(800));
    child
}

#[tokio::test]
async fn a_vm_that_qemu_refuses_to_start_says_why() {
    let app = TestApp::spawn_for_vms().await;
    let admin = app.admin_token().await;
    let id = app.create_vm(&admin, json!({"name": "locked", "memory_mib": 128, "kernel": "test-guest", "network": "none"})).await;
    let (s, v) = app.json(Method::POST, "/api/v1/disks", Some(&admin), Some(json!({"name": "held", "size_mib": 16}))).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let disk = v["data"]["id"].as_i64().unwrap();
    let (s, v) = app.json(Method::POST, &format!("/api/v1/disks/{disk}/attach"), Some(&admin), Some(json!({"vm_id": id}))).await;
    assert_eq!(s, StatusCode::OK, "{v}");

    let mut holder = hold_image(&app.data_dir.path().join(format!("pools/disks/{disk}.qcow2")));
    let op = app.vm_action(&admin, id, json!({"action": "start"})).await;
    let _ = holder.kill();
    let _ = holder.wait();
    assert_eq!(op["status"], "failed", "{op}");
    let error = op["error"].as_str().unwrap();
    assert!(error.contains("lock"), "QEMU's own words name the cause: {error}");
    let data_dir = app.data_dir.path().to_str().unwrap();
    assert!(!error.contains(data_dir), "no host paths beyond the VM's own: {error}");

    let (_, v) = app.json(Method::GET, &format!("/api/v1/vms/{id}"), Some(&admin), None).await;
    assert_eq!(v["data"]["state"], "stopped", "{v}");
    assert!(v["data"]["state_reason"].as_str().is_some_and(|r| r.contains("lock")), "the VM says why it is not running: {v}");

    // Another user cannot retry it; with the image free again a retry starts
    // the same VM as a new operation, and the reason is gone.
    let failed = op["id"].as_i64().unwrap();
    app.create_user(&admin, "other", "student").await;
    let other = app.login("other", "other-password").await;
    let (s, v) = app.json(Method::POST, &format!("/api/v1/operations/{failed}/retry"), Some(&other), None).await;
    assert_error(s, &v, 404, "OPERATION_NOT_FOUND");
    let (s, v) = app.json(Method::POST, &format!("/api/v1/operations/{failed}/retry"), Some(&admin), None).await;
    assert_eq!(s, StatusCode::ACCEPTED, "{v}");
    let retried = v["data"]["id"].as_i64().unwrap();
    assert!(retried != failed && v["data"]["kind"] == "start", "{v}");
    let op = ok(&app, Method::GET, &format!("/api/v1/operations/{retried}/wait?timeout=60"), &admin, None).await;
    assert_eq!(op["status"], "succeeded", "{op}");
    let (s, v) = app.json(Method::POST, &format!("/api/v1/operations/{retried}/retry"), Some(&admin), None).await;
    assert_error(s, &v, 409, "OPERATION_NOT_FAILED");
    // The queue is empty; one start in two failed.
    let summary = ok(&app, Method::GET, "/api/v1/operations/summary", &admin, None).await;
    assert_eq!((summary["pending"].as_u64(), summary["running"].as_u64()), (Some(0), Some(0)), "{summary}");
    let stats = ok(&app, Method::GET, "/api/v1/operations/stats", &admin, None).await;
    let starts = stats["kinds"].as_array().unwrap().iter().find(|k| k["kind"] == "start").unwrap().clone();
    assert_eq!((starts["total"].as_u64(), starts["failed"].as_u64(), starts["succeeded"].as_u64()), (Some(2), Some(1), Some(1)), "{stats}");
    assert_eq!(starts["failure_rate"], 0.5, "{stats}");
    assert!(starts["median_secs"].as_f64().is_some(), "{stats}");
    for path in ["/api/v1/operations/summary", "/api/v1/operations/stats"] {
        let (s, v) = app.json(Method::GET, path, Some(&other), None).await;
        assert_error(s, &v, 403, "FORBIDDEN");
    }
    let (_, v) = app.json(Method::GET, &format!("/api/v1/vms/{id}"), Some(&admin), None).await;
    assert_eq!(v["data"]["state"], "running", "{v}");
    assert!(v["data"]["state_reason"].is_null(), "{v}");
}

#[tokio::test]
async fn a_finished_restart_has_the_vm_running_again() {
    let app = TestApp::spawn_for_vms().await;
    let admin = app.admin_token().await;
    let id = app.create_vm(&admin, json!({"name": "restarts", "memory_mib": 128, "kernel": "test-guest"})).await;
    let op = app.vm_action(&admin, id, json!({"action": "start"})).await;
    assert_eq!(op["status"], "succeeded", "{op}");
    for i in 0..20 {
        let op = app.vm_action(&admin, id, json!({"action": "restart"})).await;
        assert_eq!(op["status"], "succeeded", "restart {i}: {op}");
        // Right after: the VM is in the state the operation promised.
        let (s, v) = app
            .json(Method::POST, &format!("/api/v1/vms/{id}/port-forwards"), Some(&admin), Some(json!({"guest_port": 1000 + i})))
            .await;
        assert_eq!(s, StatusCode::CREATED, "restart {i}, then a port forward: {v}");
        // A VM keeps at most 16 forwards: take it away again.
        let fid = v["data"]["id"].as_i64().unwrap();
        let (s, v) = app.json(Method::DELETE, &format!("/api/v1/vms/{id}/port-forwards/{fid}"), Some(&admin), None).await;
        assert!(s.is_success(), "{v}");
    }
    assert_eq!(app.vm_state(&admin, id).await, "running");
}

#[tokio::test]
async fn auto_acceleration_and_the_demo_guest_boot_a_first_vm() {
    let app = TestApp::spawn_with(|c| {
        c.accel = server::config::Accel::Auto;
        c.demo_guest = Some(guest_dir());
    })
    .await;
    let admin = app.admin_token().await;

    // Health says which accelerator guests get, and why.
    let (_, v) = app.json(Method::GET, "/api/v1/health", None, None).await;
    let accel = v["data"]["accelerator"]["in_use"].as_str().unwrap().to_owned();
    assert!(accel == "kvm" || accel == "tcg", "{v}");
    assert!(v["data"]["accelerator"]["reason"].as_str().unwrap().starts_with("auto: "), "{v}");

    // The new data dir's library holds the demo guest, checked and ready.
    let (_, v) = app.json(Method::GET, "/api/v1/isos", Some(&admin), None).await;
    let isos = v["data"].as_array().unwrap();
    assert_eq!(isos.len(), 1, "{v}");
    let demo = &isos[0];
    assert_eq!(demo["demo"], true);
    assert_eq!(demo["status"], "ready");
    let bytes = std::fs::read(guest_dir().join("boot.iso")).unwrap();
    assert_eq!(demo["size_bytes"].as_u64().unwrap(), bytes.len() as u64);
    let demo_id = demo["id"].as_i64().unwrap();
    let (_, v) = app.json(Method::GET, "/api/v1/system/overview", Some(&admin), None).await;
    assert_eq!(v["data"]["demo_iso_id"], demo_id, "{v}");
    assert_eq!(v["data"]["accelerator"], accel.as_str(), "{v}");

    // A VM with the defaults and the demo ISO boots to the guest's shell
    // under whatever `auto` chose.
    let id = app.create_vm(&admin, json!({"name": "first", "iso_id": demo_id})).await;
    let op = app.vm_action(&admin, id, json!({"action": "start"})).await;
    assert_eq!(op["status"], "succeeded", "{op}");
    wait_serial(&app.run_dir(id), MARKER, 1, Duration::from_secs(60)).await;
    let op = app.vm_action(&admin, id, json!({"action": "stop"})).await;
    assert_eq!(op["status"], "succeeded", "{op}");

    // Students may not see the overview; an admin may delete the demo.
    app.create_user(&admin, "newstudent", "student").await;
    let student = app.login("newstudent", "newstudent-password").await;
    let (s, v) = app.json(Method::GET, "/api/v1/system/overview", Some(&student), None).await;
    assert_error(s, &v, 403, "FORBIDDEN");
    let (s, v) = app.json(Method::PUT, &format!("/api/v1/vms/{id}/cdrom"), Some(&admin), Some(json!({"iso_id": null}))).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = app.json(Method::DELETE, &format!("/api/v1/isos/{demo_id}"), Some(&admin), None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(!app.data_dir.path().join(format!("pools/isos/{demo_id}.iso")).exists());
    let (_, v) = app.json(Method::GET, "/api/v1/system/overview", Some(&admin), None).await;
    assert!(v["data"]["demo_iso_id"].is_null(), "{v}");
}

/// The VM list's kept pages (`list_cache_entries`) follow every change to
/// the tables they are read from, and stay each viewer's own.
#[tokio::test]
async fn kept_vm_list_pages_follow_every_change_and_stay_each_viewers_own() {
    let app = TestApp::spawn_for_vms().await;
    let admin = app.admin_token().await;
    let alice_id = app.create_user(&admin, "alice", "student").await;
    app.create_user(&admin, "bob", "student").await;
    let alice = app.login("alice", "alice-password").await;
    let bob = app.login("bob", "bob-password").await;
    let vm = app.create_vm(&alice, json!({"name": "first", "memory_mib": 128, "kernel": "test-guest", "network": "user"})).await;
    let list = |token: String| {
        let app = &app;
        async move {
            let (s, v) = app.json(Method::GET, "/api/v1/vms?page_size=10", Some(&token), None).await;
            assert_eq!(s, StatusCode::OK, "{v}");
            v
        }
    };
    // Each asked twice: the second answer is the kept one.
    for _ in 0..2 {
        assert_eq!(list(alice.clone()).await["data"][0]["name"], "first");
        assert_eq!(list(bob.clone()).await["pagination"]["total"], 0, "Bob's page is his, not Alice's");
        assert_eq!(list(admin.clone()).await["pagination"]["total"], 1);
    }
    let first = list(alice.clone()).await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let again = list(alice.clone()).await;
    assert_eq!(first["data"], again["data"]);
    assert_ne!(first["timestamp"], again["timestamp"], "the envelope is made per answer");

    // vms
    ok(&app, Method::PATCH, &format!("/api/v1/vms/{vm}"), &alice, Some(json!({"name": "renamed"}))).await;
    assert_eq!(list(alice.clone()).await["data"][0]["name"], "renamed");
    // vm_port_forwards
    ok(&app, Method::POST, &format!("/api/v1/vms/{vm}/port-forwards"), &alice, Some(json!({"guest_port": 22}))).await;
    let page = list(alice.clone()).await;
    assert_eq!(page["data"][0]["port_forwards"].as_array().unwrap().len(), 1, "{page}");
    // disks
    let disk = ok(&app, Method::POST, "/api/v1/disks", &alice, Some(json!({"name": "data", "size_mib": 8}))).await["id"].as_i64().unwrap();
    ok(&app, Method::POST, &format!("/api/v1/disks/{disk}/attach"), &alice, Some(json!({"vm_id": vm}))).await;
    assert_eq!(list(alice.clone()).await["data"][0]["disk_ids"], json!([disk]));
    // users: an admin now, Alice sees every VM.
    ok(&app, Method::POST, "/api/v1/vms", &admin, Some(json!({"name": "admins", "memory_mib": 128, "network": "none"}))).await;
    assert_eq!(list(alice.clone()).await["pagination"]["total"], 1);
    ok(&app, Method::PATCH, &format!("/api/v1/users/{alice_id}"), &admin, Some(json!({"role": "admin"}))).await;
    assert_eq!(list(alice.clone()).await["pagination"]["total"], 2);
    // A state the engine writes.
    app.vm_action(&alice, vm, json!({"action": "start"})).await;
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let state = list(alice.clone()).await["data"][0]["state"].as_str().unwrap().to_owned();
        if state == "running" {
            break;
        }
        assert!(Instant::now() < deadline, "the list still says {state}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
