//! Disks, ISO uploads, booting from CD-ROM, and refusing host paths.

mod common;

use common::*;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::time::Duration;

#[tokio::test]
async fn disk_create_inspect_resize_attach_detach_delete() {
    let app = TestApp::spawn_for_vms().await;
    let admin = app.admin_token().await;
    let (s, v) = app.json(Method::POST, "/api/v1/disks", Some(&admin), Some(json!({"name": "data", "size_mib": 1024}))).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let disk = v["data"]["id"].as_i64().unwrap();
    let (_, v) = app.json(Method::GET, &format!("/api/v1/disks/{disk}"), Some(&admin), None).await;
    assert_eq!(v["data"]["format"], "qcow2");
    assert_eq!(v["data"]["virtual_size"], 1u64 << 30);
    assert!(v["data"]["actual_size"].as_u64().unwrap() < 4 << 20, "a new qcow2 is small on disk: {v}");
    let file = app.data_dir.path().join(format!("pools/disks/{disk}.qcow2"));
    assert!(file.is_file());

    let (s, v) = app.json(Method::POST, &format!("/api/v1/disks/{disk}/resize"), Some(&admin), Some(json!({"size_mib": 512}))).await;
    assert_error(s, &v, 422, "VALIDATION_FAILED");
    let (s, v) = app.json(Method::POST, &format!("/api/v1/disks/{disk}/resize"), Some(&admin), Some(json!({"size_mib": 2048}))).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["data"]["virtual_size"], 2u64 << 30);

    for format in ["raw", "vmdk"] {
        let (s, v) = app.json(Method::POST, "/api/v1/disks", Some(&admin), Some(json!({"name": format, "size_mib": 16, "format": format}))).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        let id = v["data"]["id"].as_i64().unwrap();
        let (_, v) = app.json(Method::GET, &format!("/api/v1/disks/{id}"), Some(&admin), None).await;
        assert_eq!(v["data"]["virtual_size"], 16u64 << 20, "{v}");
        // qemu-img cannot grow a vmdk: that is said as a 409, not a server error.
        // (JSON's 32.0 is the integer 32.)
        let (s, v) = app.json(Method::POST, &format!("/api/v1/disks/{id}/resize"), Some(&admin), Some(json!({"size_mib": 32.0}))).await;
        if format == "vmdk" {
            assert_error(s, &v, 409, "DISK_FORMAT");
        } else {
            assert_eq!(s, StatusCode::OK, "{v}");
        }
    }

    // A VM the body names that does not exist is a 422 on that field (the disk is there).
    let (s, v) = app.json(Method::POST, &format!("/api/v1/disks/{disk}/attach"), Some(&admin), Some(json!({"vm_id": 987654}))).await;
    assert_error(s, &v, 422, "VALIDATION_FAILED");
    assert!(v["error"]["details"]["fields"]["vm_id"].is_string(), "{v}");

    let vm = app.create_vm(&admin, json!({"name": "withdisk", "memory_mib": 128, "kernel": "test-guest", "network": "none"})).await;
    let (s, v) = app.json(Method::POST, &format!("/api/v1/disks/{disk}/attach"), Some(&admin), Some(json!({"vm_id": vm}))).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (_, v) = app.json(Method::GET, &format!("/api/v1/vms/{vm}"), Some(&admin), None).await;
    assert_eq!(v["data"]["disk_ids"], json!([disk]));
    let (s, v) = app.json(Method::DELETE, &format!("/api/v1/disks/{disk}"), Some(&admin), None).await;
    assert_error(s, &v, 409, "DISK_ATTACHED");

    // The guest sees a 2 GiB virtio disk.
    let serial = tokio::spawn({
        let dir = app.run_dir(vm);
        async move { wait_serial(&dir, MARKER, 1, Duration::from_secs(30)).await }
    });
    app.vm_action(&admin, vm, json!({"action": "start"})).await;
    serial.await.unwrap();
    serial_command(&app.run_dir(vm), "cat /sys/block/vda/size", "4194304").await;

    // Its use of the host: memory, the disk's writes growing, a busy guest's CPU.
    let metrics = |token: String| {
        let app = &app;
        async move { app.json(Method::GET, &format!("/api/v1/vms/{vm}/metrics"), Some(&token), None).await }
    };
    let (s, before) = metrics(admin.clone()).await;
    assert_eq!(s, StatusCode::OK, "{before}");
    let m = &before["data"];
    assert!(m["memory"]["rss_bytes"].as_u64().unwrap() > 16 << 20, "{m}");
    assert_eq!(m["memory"]["configured_mib"], 128);
    assert_eq!(m["disks"][0]["disk_id"], disk, "{m}");
    assert_eq!(m["network"]["available"], false, "a VM without a network has no counters: {m}");
    assert!(m["network"]["rx_bytes"].is_null(), "no invented zeros: {m}");
    // (The guest computes the marker, so the echoed command does not match it.)
    serial_command(&app.run_dir(vm), "dd if=/dev/zero of=/dev/vda bs=64k count=64 conv=fsync 2>&1; echo w$((1+1))rote", "w2rote").await;
    serial_command(&app.run_dir(vm), "(while :; do :; done) & echo b$((2+2))usy", "b4usy").await;
    let (_, after) = metrics(admin.clone()).await;
    let written = |v: &Value| v["data"]["disks"][0]["write_bytes"].as_u64().unwrap();
    assert!(written(&after) >= written(&before) + (4 << 20), "4 MiB more written: {before} then {after}");
    let cpu = &after["data"]["cpu"];
    assert!(cpu["vcpu_percent"].as_f64().unwrap() > 20.0, "a busy guest's vCPU shows: {cpu}");
    assert!(cpu["process_percent"].as_f64().unwrap() >= cpu["vcpu_percent"].as_f64().unwrap() - 8.0, "{cpu}");
    assert!(after["data"]["uptime_secs"].as_u64().is_some(), "{after}");
    // Who may not see the VM may not see its metrics.
    app.create_user(&admin, "metrics-peer", "student").await;
    let (s, v) = metrics(app.login("metrics-peer", "metrics-peer-password").await).await;
    assert_error(s, &v, 404, "VM_NOT_FOUND");

    let (s, v) = app.json(Method::POST, &format!("/api/v1/disks/{disk}/detach"), Some(&admin), None).await;
    assert_error(s, &v, 409, "VM_RUNNING");
    let (s, v) = app.json(Method::POST, &format!("/api/v1/disks/{disk}/resize"), Some(&admin), Some(json!({"size_mib": 4096}))).await;
    assert_error(s, &v, 409, "VM_RUNNING");
    app.vm_action(&admin, vm, json!({"action": "stop"})).await;
    let (s, _) = app.json(Method::POST, &format!("/api/v1/disks/{disk}/detach"), Some(&admin), None).await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = app.json(Method::DELETE, &format!("/api/v1/disks/{disk}"), Some(&admin), None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(!file.exists(), "the image file is gone");

    // Another user's disk does not exist for a student.
    app.create_user(&admin, "erin", "student").await;
    let erin = app.login("erin", "erin-password").await;
    let (s, v) = app.json(Method::GET, "/api/v1/disks/2", Some(&erin), None).await;
    assert_error(s, &v, 404, "DISK_NOT_FOUND");
}


/// Uploads a file in chunks, resending one chunk on the way; returns the ISO id.
async fn upload_iso(app: &TestApp, token: &str, name: &str, data: &[u8]) -> i64 {
    let sha = hex::encode(Sha256::digest(data));
    let (s, v) = app.json(Method::POST, "/api/v1/isos", Some(token), Some(json!({"name": name, "size_bytes": data.len(), "sha256": sha}))).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let id = v["data"]["id"].as_i64().unwrap();
    let chunk = 4 << 20;
    let mut offset = 0;
    let mut resent = false;
    while offset < data.len() {
        let end = (offset + chunk).min(data.len());
        let (s, v) = put_chunk(app, token, id, offset, &data[offset..end]).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        if offset > 0 && !resent && end < data.len() {
            // A client that lost the answer resends the same chunk: accepted, nothing doubled.
            let (s, v) = put_chunk(app, token, id, offset, &data[offset..end]).await;
            assert_eq!(s, StatusCode::OK, "{v}");
            assert_eq!(v["data"]["received_bytes"], end);
            resent = true;
        }
        offset = end;
    }
    let (_, v) = app.json(Method::GET, &format!("/api/v1/isos/{id}"), Some(token), None).await;
    assert_eq!(v["data"]["status"], "ready", "{v}");
    id
}

#[tokio::test]
async fn iso_upload_resumes_checks_its_checksum_and_boots() {
    let app = TestApp::spawn_for_vms().await;
    let admin = app.admin_token().await;
    let data = std::fs::read(guest_dir().join("boot.iso")).expect("guests/build.sh made boot.iso");

    // A gap is refused with the offset to resume from.
    let sha = hex::encode(Sha256::digest(&data));
    let (_, v) = app.json(Method::POST, "/api/v1/isos", Some(&admin), Some(json!({"name": "gap", "size_bytes": data.len(), "sha256": sha}))).await;
    let gap = v["data"]["id"].as_i64().unwrap();
    put_chunk(&app, &admin, gap, 0, &data[..1000]).await;
    let (s, v) = put_chunk(&app, &admin, gap, 5000, &data[5000..6000]).await;
    assert_error(s, &v, 409, "UPLOAD_OFFSET");
    assert!(v["error"]["message"].as_str().unwrap().contains("offset 1000"), "{v}");
    let (_, v) = app.json(Method::GET, &format!("/api/v1/isos/{gap}"), Some(&admin), None).await;
    assert_eq!(v["data"]["received_bytes"], 1000, "resume point");

    // A chunk past the declared size is refused and changes nothing.
    let (s, v) = put_chunk(&app, &admin, gap, data.len() - 10, &[0u8; 20]).await;
    assert_error(s, &v, 422, "VALIDATION_FAILED");
    let (s, v) = app.json(Method::GET, &format!("/api/v1/isos/{gap}"), Some(&admin), None).await;
    assert_eq!(s, StatusCode::OK, "the upload is still there: {v}");
    assert_eq!(v["data"]["received_bytes"], 1000, "{v}");

    // A wrong checksum discards the upload.
    let (_, v) = app
        .json(Method::POST, "/api/v1/isos", Some(&admin), Some(json!({"name": "bad", "size_bytes": 6, "sha256": "0".repeat(64)})))
        .await;
    let bad = v["data"]["id"].as_i64().unwrap();
    let (s, v) = put_chunk(&app, &admin, bad, 0, b"abcdef").await;
    assert_error(s, &v, 422, "VALIDATION_FAILED");
    assert!(v["error"]["details"]["fields"]["sha256"].is_string());
    let (s, _) = app.json(Method::GET, &format!("/api/v1/isos/{bad}"), Some(&admin), None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(!app.data_dir.path().join(format!("pools/isos/{bad}.part")).exists());

    // Bad declarations.
    let (s, v) = app.json(Method::POST, "/api/v1/isos", Some(&admin), Some(json!({"name": "x", "size_bytes": 0, "sha256": "zz"}))).await;
    assert_error(s, &v, 422, "VALIDATION_FAILED");
    assert!(v["error"]["details"]["fields"]["sha256"].is_string() && v["error"]["details"]["fields"]["size_bytes"].is_string());

    // The real ISO, uploaded in chunks, boots from the CD-ROM.
    let iso = upload_iso(&app, &admin, "test guest", &data).await;
    let stored = std::fs::read(app.data_dir.path().join(format!("pools/isos/{iso}.iso"))).unwrap();
    assert_eq!(stored, data, "the stored ISO is the uploaded file");
    let vm = app.create_vm(&admin, json!({"name": "cd", "memory_mib": 256, "iso_id": iso, "boot_order": "d", "network": "none"})).await;
    let serial = tokio::spawn({
        let dir = app.run_dir(vm);
        async move { wait_serial(&dir, MARKER, 1, Duration::from_secs(90)).await }
    });
    app.vm_action(&admin, vm, json!({"action": "start"})).await;
    let out = serial.await.unwrap();
    assert!(out.contains(MARKER));
    serial_command(&app.run_dir(vm), "cat /proc/cmdline", "vlab.boot=cdrom").await;

    // Mounted ISOs cannot be deleted; eject and swap work on a running VM.
    let (s, v) = app.json(Method::DELETE, &format!("/api/v1/isos/{iso}"), Some(&admin), None).await;
    assert_error(s, &v, 409, "ISO_IN_USE");
    let (s, v) = app.json(Method::PUT, &format!("/api/v1/vms/{vm}/cdrom"), Some(&admin), Some(json!({"iso_id": null}))).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["data"]["iso_id"], Value::Null);
    let (s, v) = app.json(Method::PUT, &format!("/api/v1/vms/{vm}/cdrom"), Some(&admin), Some(json!({"iso_id": iso}))).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = app.json(Method::PUT, &format!("/api/v1/vms/{vm}/cdrom"), Some(&admin), Some(json!({"iso_id": gap}))).await;
    assert_error(s, &v, 409, "ISO_NOT_READY");
    let (s, _) = app.json(Method::PUT, &format!("/api/v1/vms/{vm}/cdrom"), Some(&admin), Some(json!({"iso_id": null}))).await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = app.json(Method::DELETE, &format!("/api/v1/isos/{iso}"), Some(&admin), None).await;
    assert_eq!(s, StatusCode::OK);

    // Students cannot upload.
    app.create_user(&admin, "frank", "student").await;
    let frank = app.login("frank", "frank-password").await;
    let (s, v) = app.json(Method::POST, "/api/v1/isos", Some(&frank), Some(json!({"name": "x", "size_bytes": 1, "sha256": "a".repeat(64)}))).await;
    assert_error(s, &v, 403, "FORBIDDEN");
}

#[tokio::test]
async fn host_paths_are_never_accepted() {
    let app = TestApp::spawn_for_vms().await;
    let admin = app.admin_token().await;
    // Path-shaped names are only labels; the file is named by id inside the pool.
    let (s, v) = app.json(Method::POST, "/api/v1/disks", Some(&admin), Some(json!({"name": "../../../tmp/evil", "size_mib": 1}))).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let id = v["data"]["id"].as_i64().unwrap();
    assert!(app.data_dir.path().join(format!("pools/disks/{id}.qcow2")).is_file());
    assert!(!std::path::Path::new("/tmp/evil").exists() && !std::path::Path::new("/tmp/evil.qcow2").exists());
    // No field takes a path.
    for body in [
        json!({"name": "x", "size_mib": 1, "path": "/etc/passwd"}),
        json!({"name": "x", "size_mib": 1, "file": "/dev/sda"}),
    ] {
        let (s, v) = app.json(Method::POST, "/api/v1/disks", Some(&admin), Some(body)).await;
        assert_error(s, &v, 422, "VALIDATION_FAILED");
    }
    for kernel in ["../test-guest", "/boot", "test-guest/../../..", ".hidden", "a\\b"] {
        let (s, v) = app.json(Method::POST, "/api/v1/vms", Some(&admin), Some(json!({"name": "k", "kernel": kernel}))).await;
        assert_error(s, &v, 422, "VALIDATION_FAILED");
    }
    // A symlink planted in the kernels pool is not followed out of it.
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("vmlinux"), b"not a kernel").unwrap();
    std::os::unix::fs::symlink(outside.path(), app.data_dir.path().join("pools/kernels/escape")).unwrap();
    let (s, v) = app.json(Method::POST, "/api/v1/vms", Some(&admin), Some(json!({"name": "k", "kernel": "escape"}))).await;
    assert_error(s, &v, 422, "VALIDATION_FAILED");
    // Ids that do not exist, or negative ones, name nothing: a 422 on the field.
    let (s, v) = app.json(Method::POST, &format!("/api/v1/disks/{id}/attach"), Some(&admin), Some(json!({"vm_id": -1}))).await;
    assert_error(s, &v, 422, "VALIDATION_FAILED");
    assert_eq!(v["error"]["details"]["fields"]["vm_id"], "no VM with id -1");
}

#[tokio::test]
async fn snapshots_revert_disk_contents() {
    let app = TestApp::spawn_for_vms().await;
    let admin = app.admin_token().await;
    let vm = app.create_vm(&admin, json!({"name": "snap", "memory_mib": 128, "kernel": "test-guest", "network": "none"})).await;
    let (s, v) = app.json(Method::POST, &format!("/api/v1/vms/{vm}/snapshots"), Some(&admin), Some(json!({"name": "none"}))).await;
    assert_error(s, &v, 409, "NO_QCOW2_DISK");
    let (_, v) = app.json(Method::POST, "/api/v1/disks", Some(&admin), Some(json!({"name": "d", "size_mib": 64}))).await;
    let disk = v["data"]["id"].as_i64().unwrap();
    app.json(Method::POST, &format!("/api/v1/disks/{disk}/attach"), Some(&admin), Some(json!({"vm_id": vm}))).await;

    let serial = tokio::spawn({
        let dir = app.run_dir(vm);
        async move { wait_serial(&dir, MARKER, 1, Duration::from_secs(30)).await }
    });
    app.vm_action(&admin, vm, json!({"action": "start"})).await;
    serial.await.unwrap();
    let dir = app.run_dir(vm);
    // Write "before" to the raw disk, snapshot live, then overwrite with "after".
    serial_command(&dir, "echo before-snap > /dev/vda; sync; echo wrote-$((1+1))", "wrote-2").await;
    let (s, v) = app.json(Method::POST, &format!("/api/v1/vms/{vm}/snapshots"), Some(&admin), Some(json!({"name": "clean"}))).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let snap = v["data"]["id"].as_i64().unwrap();
    let (s, v) = app.json(Method::POST, &format!("/api/v1/vms/{vm}/snapshots"), Some(&admin), Some(json!({"name": "clean"}))).await;
    assert_error(s, &v, 409, "SNAPSHOT_EXISTS");
    serial_command(&dir, "echo after-snap1 > /dev/vda; sync; echo wrote-$((2+2))", "wrote-4").await;
    let (s, v) = app.json(Method::POST, &format!("/api/v1/vms/{vm}/snapshots/{snap}/revert"), Some(&admin), None).await;
    assert_error(s, &v, 409, "VM_RUNNING");

    app.vm_action(&admin, vm, json!({"action": "stop"})).await;
    let (s, v) = app.json(Method::POST, &format!("/api/v1/vms/{vm}/snapshots/{snap}/revert"), Some(&admin), None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let serial = tokio::spawn({
        let dir = app.run_dir(vm);
        async move { wait_serial(&dir, MARKER, 1, Duration::from_secs(30)).await }
    });
    app.vm_action(&admin, vm, json!({"action": "start"})).await;
    serial.await.unwrap();
    serial_command(&dir, "head -c 11 /dev/vda; echo", "before-snap").await;

    let (_, v) = app.json(Method::GET, &format!("/api/v1/vms/{vm}/snapshots"), Some(&admin), None).await;
    assert_eq!(v["data"].as_array().unwrap().len(), 1);
    let (s, _) = app.json(Method::DELETE, &format!("/api/v1/vms/{vm}/snapshots/{snap}"), Some(&admin), None).await;
    assert_eq!(s, StatusCode::OK);
    let (_, v) = app.json(Method::GET, &format!("/api/v1/vms/{vm}/snapshots"), Some(&admin), None).await;
    assert_eq!(v["data"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn port_forwards_are_added_and_removed_live() {
    let app = TestApp::spawn_for_vms().await;
    let admin = app.admin_token().await;
    let vm = app.create_vm(&admin, json!({"name": "pf", "memory_mib": 128, "kernel": "test-guest"})).await;
    let serial = tokio::spawn({
        let dir = app.run_dir(vm);
        async move { wait_serial(&dir, MARKER, 1, Duration::from_secs(30)).await }
    });
    app.vm_action(&admin, vm, json!({"action": "start"})).await;
    serial.await.unwrap();
    let (s, v) = app.json(Method::POST, &format!("/api/v1/vms/{vm}/port-forwards"), Some(&admin), Some(json!({"guest_port": 8080}))).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let fid = v["data"]["id"].as_i64().unwrap();
    let port = v["data"]["host_port"].as_u64().unwrap();
    let url = format!("http://127.0.0.1:{port}/");
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        match reqwest::get(&url).await {
            Ok(r) if r.status().is_success() => {
                assert_eq!(r.text().await.unwrap().trim(), "vlab test guest");
                break;
            }
            _ if std::time::Instant::now() < deadline => tokio::time::sleep(Duration::from_millis(250)).await,
            other => panic!("live forward never answered: {other:?}"),
        }
    }
    let (s, v) = app.json(Method::POST, &format!("/api/v1/vms/{vm}/port-forwards"), Some(&admin), Some(json!({"guest_port": 8080}))).await;
    assert_error(s, &v, 409, "FORWARD_EXISTS");
    let (s, _) = app.json(Method::DELETE, &format!("/api/v1/vms/{vm}/port-forwards/{fid}"), Some(&admin), None).await;
    assert_eq!(s, StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(reqwest::get(&url).await.is_err(), "the host port is closed again");
    let (_, v) = app.json(Method::GET, &format!("/api/v1/vms/{vm}/port-forwards"), Some(&admin), None).await;
    assert_eq!(v["data"], json!([]));
}
