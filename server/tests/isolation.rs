//! Tenants kept apart: what one user may do to another's resources.

mod common;

use common::*;
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn teachers_reach_only_the_students_of_their_courses() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let admin_id = app.json(Method::GET, "/api/v1/auth/me", Some(&admin), None).await.1["data"]["id"].as_i64().unwrap();
    app.create_user(&admin, "tea", "teacher").await;
    let other_teacher = app.create_user(&admin, "tea2", "teacher").await;
    let mine = app.create_user(&admin, "pupil", "student").await;
    let stranger = app.create_user(&admin, "stranger", "student").await;
    let tea = app.login("tea", "tea-password").await;
    let (s, v) = app.json(Method::POST, "/api/v1/courses", Some(&tea), Some(json!({"code": "ISO-1", "title": "Isolation", "term": "2026"}))).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let course = v["data"]["id"].as_i64().unwrap();
    let (s, v) = app.json(Method::POST, &format!("/api/v1/courses/{course}/members"), Some(&tea), Some(json!({"username": "pupil", "role": "student"}))).await;
    assert_eq!(s, StatusCode::OK, "{v}");

    // Enrolling an admin or a teacher as a student would put them under the
    // teacher's eyes: refused, naming the account's role.
    for (user, role) in [("admin", "admin"), ("tea2", "teacher")] {
        let (s, v) = app.json(Method::POST, &format!("/api/v1/courses/{course}/members"), Some(&tea), Some(json!({"username": user, "role": "student"}))).await;
        assert_error(s, &v, 422, "VALIDATION_FAILED");
        assert!(v["error"]["details"]["fields"]["role"].as_str().unwrap().contains(role), "{v}");
    }

    // A VM for someone else: only for a student of the teacher's course.
    let vm_for = |owner: i64| json!({"name": "given", "memory_mib": 128, "owner_id": owner, "network": "none"});
    for (who, owner) in [("an admin", admin_id), ("another teacher", other_teacher), ("a student of no course of theirs", stranger)] {
        let (s, v) = app.json(Method::POST, "/api/v1/vms", Some(&tea), Some(vm_for(owner))).await;
        assert_eq!((s, v["error"]["code"].as_str()), (StatusCode::FORBIDDEN, Some("FORBIDDEN")), "a VM for {who}: {v}");
    }
    let (s, v) = app.json(Method::POST, "/api/v1/vms", Some(&tea), Some(vm_for(mine))).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["data"]["owner_id"], mine);
    // Nothing was made for the others.
    let (_, v) = app.json(Method::GET, "/api/v1/vms?page_size=100", Some(&admin), None).await;
    let owners: Vec<i64> = v["data"].as_array().unwrap().iter().map(|vm| vm["owner_id"].as_i64().unwrap()).collect();
    assert_eq!(owners, [mine], "{v}");
}

/// A student's lab VM and the overlay on the teacher's template: published
/// before the lab opens, so the student must not reach the template early.
async fn unopened_lab_with_student(app: &TestApp, admin: &str) -> (String, String, i64, i64) {
    let (teacher, course, version) = course_with_template(app, admin, "examiner", "EXAM-1").await;
    let eve = enrol_new_student(app, admin, &teacher, course, "eve").await;
    let opens = time::OffsetDateTime::now_utc() + time::Duration::days(1);
    let opens = opens
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    let publication = ok(
        app,
        Method::POST,
        &format!("/api/v1/courses/{course}/labs"),
        &teacher,
        Some(json!({"name": "Exam", "template_version_id": version, "opens_at": opens})),
    )
    .await;
    let op = publication["operation"]["id"].as_i64().unwrap();
    let done = ok(
        app,
        Method::GET,
        &format!("/api/v1/operations/{op}/wait?timeout=60"),
        &teacher,
        None,
    )
    .await;
    assert_eq!(done["status"], "succeeded", "{done}");
    let mine = ok(app, Method::GET, "/api/v1/vms", &eve, None).await;
    let lab_vm = mine
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["lab_id"].is_i64())
        .expect("eve's lab VM")
        .clone();
    let overlay = lab_vm["disk_ids"][0].as_i64().unwrap();
    (teacher, eve, lab_vm["id"].as_i64().unwrap(), overlay)
}

fn assert_locked(s: StatusCode, v: &serde_json::Value, what: &str) {
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("LAB_VM_LOCKED")),
        "{what}: {v}"
    );
}

#[tokio::test]
async fn lab_disks_stay_in_their_lab() {
    let app = TestApp::spawn_for_vms().await;
    let admin = app.admin_token().await;
    let (teacher, eve, lab_vm, overlay) = unopened_lab_with_student(&app, &admin).await;

    // The exam-reading sequence: detach the overlay, attach it to a VM of
    // her own, start that. Every step is refused.
    let (s, v) = app
        .json(
            Method::POST,
            &format!("/api/v1/disks/{overlay}/detach"),
            Some(&eve),
            None,
        )
        .await;
    assert_locked(s, &v, "detaching the lab overlay");
    let own = app
        .create_vm(
            &eve,
            json!({"name": "own", "kernel": "test-guest", "memory_mib": 128, "network": "none"}),
        )
        .await;
    let (s, v) = app
        .json(
            Method::POST,
            &format!("/api/v1/disks/{overlay}/attach"),
            Some(&eve),
            Some(json!({"vm_id": own})),
        )
        .await;
    assert!(
        s == StatusCode::FORBIDDEN || s == StatusCode::CONFLICT,
        "attaching the overlay elsewhere: {v}"
    );
    let (s, v) = app
        .json(
            Method::PUT,
            &format!("/api/v1/vms/{lab_vm}/state"),
            Some(&eve),
            Some(json!({"action": "start"})),
        )
        .await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (StatusCode::CONFLICT, Some("LAB_NOT_OPEN")),
        "{v}"
    );
    // Deleting the lab VM would free the overlay: refused too.
    let (s, v) = app
        .json(
            Method::DELETE,
            &format!("/api/v1/vms/{lab_vm}"),
            Some(&eve),
            None,
        )
        .await;
    assert_locked(s, &v, "deleting the lab VM");
    // Bringing a disk of her own into the lab VM, or more of the host.
    let mine = ok(
        &app,
        Method::POST,
        "/api/v1/disks",
        &eve,
        Some(json!({"name": "stash", "size_mib": 8})),
    )
    .await;
    let (s, v) = app
        .json(
            Method::POST,
            &format!("/api/v1/disks/{}/attach", mine["id"]),
            Some(&eve),
            Some(json!({"vm_id": lab_vm})),
        )
        .await;
    assert_locked(s, &v, "attaching a disk to the lab VM");
    for (field, value, limit) in [
        ("cpus", 4, "at most 1 vCPUs"),
        ("memory_mib", 4096, "at most 256 MiB"),
    ] {
        let (s, v) = app
            .json(
                Method::PATCH,
                &format!("/api/v1/vms/{lab_vm}"),
                Some(&eve),
                Some(json!({ field: value })),
            )
            .await;
        assert_locked(s, &v, field);
        assert!(
            v["error"]["message"].as_str().unwrap().contains(limit),
            "names the lab's limit: {v}"
        );
    }
    let vm = ok(
        &app,
        Method::GET,
        &format!("/api/v1/vms/{lab_vm}"),
        &eve,
        None,
    )
    .await;
    assert_eq!(
        (
            vm["cpus"].as_u64(),
            vm["memory_mib"].as_u64(),
            vm["disk_ids"].clone()
        ),
        (Some(1), Some(256), json!([overlay]))
    );

    // Even when an admin frees the overlay, it is no disk for the student.
    ok(
        &app,
        Method::POST,
        &format!("/api/v1/disks/{overlay}/detach"),
        &admin,
        None,
    )
    .await;
    let (s, v) = app
        .json(
            Method::POST,
            &format!("/api/v1/disks/{overlay}/attach"),
            Some(&eve),
            Some(json!({"vm_id": own})),
        )
        .await;
    assert_locked(s, &v, "attaching a freed lab overlay to her own VM");
    // Admins and the lab's teacher change the lab VM.
    ok(
        &app,
        Method::POST,
        &format!("/api/v1/disks/{overlay}/attach"),
        &admin,
        Some(json!({"vm_id": lab_vm})),
    )
    .await;
    let vm = ok(
        &app,
        Method::PATCH,
        &format!("/api/v1/vms/{lab_vm}"),
        &teacher,
        Some(json!({"cpus": 2})),
    )
    .await;
    assert_eq!(vm["cpus"], 2);
}

#[tokio::test]
async fn quotas_hold_on_every_path_that_grows_usage() {
    let app = TestApp::spawn_with(|c| c.max_vm_cpus = 32).await;
    let admin = app.admin_token().await;
    let pupil = app.create_user(&admin, "pupil", "student").await;
    let teacher = app.create_user(&admin, "uploader", "teacher").await;
    // New students start with the configured default quota.
    let q = ok(
        &app,
        Method::GET,
        &format!("/api/v1/users/{pupil}/quota"),
        &admin,
        None,
    )
    .await;
    let defaults = server::config::default_student_quota();
    assert_eq!(
        q["limits"]["max_running_vms"].as_u64(),
        defaults.max_running_vms,
        "{q}"
    );
    assert_eq!(
        q["limits"]["max_disk_mib"].as_u64(),
        defaults.max_disk_mib,
        "{q}"
    );

    let tight = json!({"max_vcpus": 1, "max_memory_mib": 512, "max_disk_mib": 100});
    ok(
        &app,
        Method::PUT,
        &format!("/api/v1/users/{pupil}/quota"),
        &admin,
        Some(tight.clone()),
    )
    .await;
    ok(
        &app,
        Method::PUT,
        &format!("/api/v1/users/{teacher}/quota"),
        &admin,
        Some(json!({"max_disk_mib": 10})),
    )
    .await;
    let s = app.login("pupil", "pupil-password").await;
    let vm = app
        .create_vm(
            &s,
            json!({"name": "small", "cpus": 1, "memory_mib": 512, "network": "none"}),
        )
        .await;
    let disk = ok(
        &app,
        Method::POST,
        "/api/v1/disks",
        &s,
        Some(json!({"name": "d", "size_mib": 100})),
    )
    .await;
    let disk = disk["id"].as_i64().unwrap();

    let refusals = [
        (
            Method::PATCH,
            format!("/api/v1/vms/{vm}"),
            json!({"cpus": 16}),
            "max_vcpus",
        ),
        (
            Method::PATCH,
            format!("/api/v1/vms/{vm}"),
            json!({"memory_mib": 1024}),
            "max_memory_mib",
        ),
        (
            Method::POST,
            format!("/api/v1/disks/{disk}/resize"),
            json!({"size_mib": 1024 * 1024}),
            "max_disk_mib",
        ),
        (
            Method::POST,
            "/api/v1/disks".to_string(),
            json!({"name": "more", "size_mib": 1}),
            "max_disk_mib",
        ),
    ];
    for (method, path, body, limit) in refusals {
        let (st, v) = app.json(method, &path, Some(&s), Some(body.clone())).await;
        assert_error(st, &v, 409, "QUOTA_EXCEEDED");
        assert!(
            v["error"]["message"].as_str().unwrap().contains(limit),
            "{path} {body} names {limit}: {v}"
        );
    }
    // A snapshot holds what its disks have written: with the quota full,
    // none is taken; with room, it counts.
    ok(&app, Method::POST, &format!("/api/v1/disks/{disk}/attach"), &s, Some(json!({"vm_id": vm}))).await;
    let (st, v) = app.json(Method::POST, &format!("/api/v1/vms/{vm}/snapshots"), Some(&s), Some(json!({"name": "s1"}))).await;
    assert_error(st, &v, 409, "QUOTA_EXCEEDED");
    assert!(v["error"]["message"].as_str().unwrap().contains("max_disk_mib"), "{v}");
    ok(&app, Method::PUT, &format!("/api/v1/users/{pupil}/quota"), &admin, Some(json!({"max_vcpus": 1, "max_memory_mib": 512, "max_disk_mib": 101}))).await;
    ok(&app, Method::POST, &format!("/api/v1/vms/{vm}/snapshots"), &s, Some(json!({"name": "s1"}))).await;
    let q = ok(&app, Method::GET, &format!("/api/v1/users/{pupil}/quota"), &admin, None).await;
    assert_eq!(q["usage"]["disk_mib"], 101, "the disk and its snapshot: {q}");
    let (st, v) = app.json(Method::POST, &format!("/api/v1/vms/{vm}/snapshots"), Some(&s), Some(json!({"name": "s2"}))).await;
    assert_error(st, &v, 409, "QUOTA_EXCEEDED");
    // Uploads count against the uploader: an ISO and a template image.
    let t = app.login("uploader", "uploader-password").await;
    let sha = "0".repeat(64);
    let (st, v) = app
        .json(
            Method::POST,
            "/api/v1/isos",
            Some(&t),
            Some(json!({"name": "big", "size_bytes": 11 << 20, "sha256": sha})),
        )
        .await;
    assert_error(st, &v, 409, "QUOTA_EXCEEDED");
    let course = ok(
        &app,
        Method::POST,
        "/api/v1/courses",
        &t,
        Some(json!({"code": "Q-1", "title": "Quotas", "term": "2026"})),
    )
    .await;
    let (st, v) = app
        .json(
            Method::POST,
            &format!("/api/v1/courses/{}/templates", course["id"]),
            Some(&t),
            Some(json!({"name": "img", "upload": {"size_bytes": 11 << 20, "sha256": sha}})),
        )
        .await;
    assert_error(st, &v, 409, "QUOTA_EXCEEDED");
    // An unfinished upload counts by its declared size.
    ok(
        &app,
        Method::POST,
        "/api/v1/isos",
        &t,
        Some(json!({"name": "part", "size_bytes": 6 << 20, "sha256": sha})),
    )
    .await;
    let (st, v) = app
        .json(
            Method::POST,
            "/api/v1/isos",
            Some(&t),
            Some(json!({"name": "part2", "size_bytes": 6 << 20, "sha256": sha})),
        )
        .await;
    assert_error(st, &v, 409, "QUOTA_EXCEEDED");

    // What was refused left nothing behind, and usage never passes a limit.
    for (user, token) in [(pupil, &s), (teacher, &t)] {
        let q = ok(
            &app,
            Method::GET,
            &format!("/api/v1/users/{user}/quota"),
            token,
            None,
        )
        .await;
        for (limit, used) in [
            ("max_vcpus", "vcpus"),
            ("max_memory_mib", "memory_mib"),
            ("max_disk_mib", "disk_mib"),
        ] {
            if let Some(max) = q["limits"][limit].as_u64() {
                assert!(
                    q["usage"][used].as_u64().unwrap() <= max,
                    "{used} over {limit}: {q}"
                );
            }
        }
    }
    let vm = ok(&app, Method::GET, &format!("/api/v1/vms/{vm}"), &s, None).await;
    assert_eq!(
        (vm["cpus"].as_u64(), vm["memory_mib"].as_u64()),
        (Some(1), Some(512))
    );
    let d = ok(
        &app,
        Method::GET,
        &format!("/api/v1/disks/{disk}"),
        &s,
        None,
    )
    .await;
    assert_eq!(d["virtual_size"].as_u64(), Some(100 << 20));
}

/// Shell commands that write `bytes` onto the guest's `device` at the
/// offsets where they are not zero (busybox printf with octal escapes).
fn guest_writes(bytes: &[u8], device: &str) -> Vec<String> {
    let mut cmds = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == 0 {
            i += 1;
            continue;
        }
        let start = i;
        let mut end = i;
        // Runs of data with short zero gaps travel together, up to 96 bytes.
        while end < bytes.len()
            && end - start < 96
            && bytes[end..(end + 8).min(bytes.len())]
                .iter()
                .any(|b| *b != 0)
        {
            end += 1;
        }
        let escaped: String = bytes[start..end]
            .iter()
            .map(|b| format!("\\{b:03o}"))
            .collect();
        cmds.push(format!(
            "printf '{escaped}' | dd of={device} bs=1 seek={start} conv=notrunc 2>/dev/null"
        ));
        i = end;
    }
    cmds
}

fn open_files(pid: u32) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .unwrap()
        .filter_map(|e| std::fs::read_link(e.ok()?.path()).ok())
        .collect()
}

#[tokio::test]
async fn a_raw_disk_stays_raw_whatever_its_guest_writes() {
    let app = TestApp::spawn_for_vms().await;
    let admin = app.admin_token().await;
    app.create_user(&admin, "mallory", "student").await;
    let m = app.login("mallory", "mallory-password").await;
    let vm = app
        .create_vm(
            &m,
            json!({"name": "writer", "kernel": "test-guest", "memory_mib": 128, "network": "none"}),
        )
        .await;
    let disk = ok(
        &app,
        Method::POST,
        "/api/v1/disks",
        &m,
        Some(json!({"name": "plain", "size_mib": 64, "format": "raw"})),
    )
    .await;
    let disk = disk["id"].as_i64().unwrap();
    ok(
        &app,
        Method::POST,
        &format!("/api/v1/disks/{disk}/attach"),
        &m,
        Some(json!({"vm_id": vm})),
    )
    .await;
    let op = app.vm_action(&m, vm, json!({"action": "start"})).await;
    assert_eq!(op["status"], "succeeded", "{op}");
    wait_serial(
        &app.run_dir(vm),
        MARKER,
        1,
        std::time::Duration::from_secs(90),
    )
    .await;

    // The guest writes a qcow2 header whose backing file is vlab's database
    // (or, on PostgreSQL, its session key).
    let evil = app.data_dir.path().join("evil.qcow2");
    let made = std::process::Command::new("qemu-img")
        .args(["create", "-q", "-f", "qcow2", "-u", "-F", "raw", "-b"])
        .arg(app.host_secret())
        .arg(&evil)
        .arg("1G")
        .status()
        .unwrap();
    assert!(made.success());
    let bytes = std::fs::read(&evil).unwrap();
    std::fs::remove_file(&evil).unwrap();
    for (n, cmd) in guest_writes(&bytes, "/dev/vda").iter().enumerate() {
        serial_command(
            &app.run_dir(vm),
            &format!("{cmd}; echo wrote-$((1000+{n}))"),
            &format!("wrote-{}", 1000 + n),
        )
        .await;
    }
    serial_command(&app.run_dir(vm), "sync; echo synced-$((2+2))", "synced-4").await;
    let op = app.vm_action(&m, vm, json!({"action": "stop"})).await;
    assert_eq!(op["status"], "succeeded", "{op}");

    // The attack is in place: anything that probed the file would take it
    // for a qcow2 image backed by vlab's database (or session key).
    let file = app.data_dir.path().join(format!("pools/disks/{disk}.raw"));
    let probed = std::process::Command::new("qemu-img")
        .args(["info", "-U", "--output=json"])
        .arg(&file)
        .output()
        .unwrap();
    let probed: serde_json::Value = serde_json::from_slice(&probed.stdout).unwrap();
    assert_eq!(
        probed["format"], "qcow2",
        "the guest's write did not land: {probed}"
    );
    assert!(
        probed["backing-filename"]
            .as_str()
            .unwrap()
            .ends_with(app.host_secret().file_name().unwrap().to_str().unwrap()),
        "{probed}"
    );

    // vlab reads it as the raw disk it made.
    let d = ok(
        &app,
        Method::GET,
        &format!("/api/v1/disks/{disk}"),
        &m,
        None,
    )
    .await;
    assert_eq!(
        (d["format"].as_str(), d["virtual_size"].as_u64()),
        (Some("raw"), Some(64 << 20)),
        "{d}"
    );
    let secret = app.host_secret().file_name().unwrap().to_str().unwrap().to_owned();
    assert!(!d.to_string().contains(&secret), "{d}");
    // It cannot become a template (templates are qcow2 disks vlab made).
    let (s, v) = app
        .json(
            Method::POST,
            "/api/v1/courses",
            Some(&admin),
            Some(json!({"code": "RAW-1", "title": "Raw", "term": "2026"})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let course = v["data"]["id"].as_i64().unwrap();
    let (s, v) = app
        .json(
            Method::POST,
            &format!("/api/v1/courses/{course}/templates"),
            Some(&admin),
            Some(json!({"name": "from-raw", "vm_id": vm})),
        )
        .await;
    assert_error(s, &v, 422, "VALIDATION_FAILED");

    // Booted again, QEMU opens the disk and nothing of vlab's.
    let op = app.vm_action(&m, vm, json!({"action": "start"})).await;
    assert_eq!(op["status"], "succeeded", "{op}");
    wait_serial(
        &app.run_dir(vm),
        MARKER,
        1,
        std::time::Duration::from_secs(90),
    )
    .await;
    let uuid = ok(&app, Method::GET, &format!("/api/v1/vms/{vm}"), &m, None).await["uuid"]
        .as_str()
        .unwrap()
        .to_owned();
    let pid = qemu_pids(&uuid)[0];
    let files = open_files(pid);
    assert!(
        files.iter().any(|f| f.ends_with(format!("{disk}.raw"))),
        "QEMU has its disk open: {files:?}"
    );
    assert!(
        !files
            .iter()
            .any(|f| f.to_string_lossy().contains(&secret)),
        "QEMU opened vlab's {secret}: {files:?}"
    );
    let after = std::process::Command::new("qemu-img")
        .args(["info", "-U", "-f", "raw", "--output=json"])
        .arg(&file)
        .output()
        .unwrap();
    let after: serde_json::Value = serde_json::from_slice(&after.stdout).unwrap();
    assert!(after.get("backing-filename").is_none(), "{after}");
    app.vm_action(&m, vm, json!({"action": "stop"})).await;
}

#[tokio::test]
async fn a_guest_reaches_neither_vlab_nor_another_vms_forwards() {
    let app = TestApp::spawn_for_vms().await;
    let admin = app.admin_token().await;
    let (s, health) = app.json(Method::GET, "/api/v1/health", None, None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(health["data"]["guest_network_guard"]["active"], true, "the guard is in place here: {health}");
    app.create_user(&admin, "alice", "student").await;
    app.create_user(&admin, "bob", "student").await;
    let a = app.login("alice", "alice-password").await;
    let b = app.login("bob", "bob-password").await;
    let vm_a = app.create_vm(&a, json!({"name": "a", "kernel": "test-guest", "memory_mib": 128})).await;
    let vm_b = app
        .create_vm(&b, json!({"name": "b", "kernel": "test-guest", "memory_mib": 128, "port_forwards": [{"protocol": "tcp", "guest_port": 8080}]}))
        .await;
    for (t, vm) in [(&a, vm_a), (&b, vm_b)] {
        let op = app.vm_action(t, vm, json!({"action": "start"})).await;
        assert_eq!(op["status"], "succeeded", "{op}");
    }
    // Both shells answer (the markers may have passed before anyone listened).
    for vm in [vm_a, vm_b] {
        serial_command(&app.run_dir(vm), "echo up-$((6*7))", "up-42").await;
    }
    let b_port = ok(&app, Method::GET, &format!("/api/v1/vms/{vm_b}"), &b, None).await["port_forwards"][0]["host_port"].as_u64().unwrap();
    // B's web server answers through its forward from the host.
    let page = loop {
        match reqwest::get(format!("http://127.0.0.1:{b_port}/")).await {
            Ok(r) => break r.text().await.unwrap(),
            Err(_) => tokio::time::sleep(std::time::Duration::from_millis(300)).await,
        }
    };
    assert!(page.contains("vlab test guest"), "{page}");

    // From A's guest: the host's loopback through 10.0.2.2, to B's forward and to vlab.
    let vlab_port: u16 = app.base.rsplit(':').next().unwrap().parse().unwrap();
    for (what, port, path, answer) in [("B's forward", b_port as u16, "/", "vlab test guest"), ("vlab's API", vlab_port, "/api/v1/health", "\"status\"")] {
        let cmd = format!("printf 'GET {path} HTTP/1.0\\r\\n\\r\\n' | nc -w 4 10.0.2.2 {port}; echo tried-$((1000+{port}))");
        let out = serial_command(&app.run_dir(vm_a), &cmd, &format!("tried-{}", 1000 + port as u32)).await;
        assert!(!out.contains(answer), "A's guest reached {what}: {out}");
    }
}

/// A bridge of the test's own (no uplink), removed when dropped.
struct TestBridge(String);

impl TestBridge {
    fn new(tag: &str) -> TestBridge {
        let name = format!("vlb{tag}{}", std::process::id() % 100_000);
        let made = std::process::Command::new("ip").args(["link", "add", &name, "type", "bridge"]).status().unwrap();
        assert!(made.success(), "making bridge {name} (the test runs as root)");
        std::process::Command::new("ip").args(["link", "set", &name, "up"]).status().unwrap();
        TestBridge(name)
    }
}

impl Drop for TestBridge {
    fn drop(&mut self) {
        let _ = std::process::Command::new("ip").args(["link", "del", &self.0]).status();
    }
}

#[tokio::test]
async fn bridged_vms_reach_each_other_only_on_a_shared_bridge() {
    let (isolated, shared) = (TestBridge::new("i"), TestBridge::new("s"));
    let app = TestApp::spawn_with(|c| {
        c.accel = server::config::Accel::Tcg;
        c.bridges = vec![isolated.0.clone(), shared.0.clone()];
        c.shared_bridges = vec![shared.0.clone()];
    })
    .await;
    install_guest_kernel(app.data_dir.path(), "test-guest", "");
    let admin = app.admin_token().await;
    app.create_user(&admin, "alice", "student").await;
    app.create_user(&admin, "bob", "student").await;
    let mut owners = Vec::new();
    for name in ["alice", "bob"] {
        let (_, v) = app.json(Method::GET, &format!("/api/v1/users?q={name}"), Some(&admin), None).await;
        owners.push(v["data"][0]["id"].as_i64().unwrap());
    }
    // Alice's and Bob's VMs on each bridge, numbered 1 and 2 there.
    let mut vms = Vec::new();
    for bridge in [&isolated.0, &shared.0] {
        for (n, owner) in owners.iter().enumerate() {
            let body = json!({"name": format!("{bridge}-{n}"), "kernel": "test-guest", "memory_mib": 128, "network": "bridge", "bridge": bridge, "owner_id": owner});
            let vm = app.create_vm(&admin, body).await;
            let op = app.vm_action(&admin, vm, json!({"action": "start"})).await;
            assert_eq!(op["status"], "succeeded", "{op}");
            // Booted before the next starts: four TCG boots at once are slow on a busy host.
            wait_serial(&app.run_dir(vm), MARKER, 1, std::time::Duration::from_secs(90)).await;
            vms.push((vm, n + 1));
        }
    }
    for &(vm, n) in &vms {
        let cmd = format!("ip link set eth0 up; ip addr add 10.77.0.{n}/24 dev eth0; echo addr-$((100+{n}))");
        serial_command(&app.run_dir(vm), &cmd, &format!("addr-{}", 100 + n)).await;
    }
    for (i, shared) in [(0, false), (2, true)] {
        let from = vms[i].0;
        let k = 10 + i;
        // What the shell prints (not what it echoes back as typed) tells.
        let cmd = format!("if ping -c 3 -W 1 10.77.0.2 >/dev/null 2>&1; then echo yes$(({k}+1000)); fi; echo done-$(({k}*1))");
        let out = serial_command(&app.run_dir(from), &cmd, &format!("done-{k}")).await;
        let reached = out.contains(&format!("yes{}", k + 1000));
        assert_eq!(reached, shared, "alice's VM reached bob's on a {} bridge: {out}", if shared { "shared" } else { "non-shared" });
    }
}

/// A small tmpfs mounted on a fresh directory, unmounted when dropped.
struct SmallFs(tempfile::TempDir);

impl SmallFs {
    fn new(mib: u32) -> SmallFs {
        let dir = tempfile::tempdir().unwrap();
        let st = std::process::Command::new("mount").args(["-t", "tmpfs", "-o", &format!("size={mib}m"), "tmpfs"]).arg(dir.path()).status().unwrap();
        assert!(st.success(), "mounting a {mib} MiB tmpfs (the test runs as root)");
        SmallFs(dir)
    }
}

impl Drop for SmallFs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg("-l").arg(self.0.path()).status();
    }
}


#[tokio::test]
async fn a_full_pool_answers_507_and_vlab_keeps_working() {
    let fs = SmallFs::new(48);
    let data = tempfile::Builder::new().tempdir_in(fs.0.path()).unwrap();
    let app = TestApp::spawn_in(data, |c| c.storage_reserve_mib = 4).await;
    let admin = app.admin_token().await;
    let payload: Vec<u8> = (0..24u32 << 20).map(|i| (i.wrapping_mul(2654435761) >> 24) as u8).collect();
    let sha = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(&payload))
    };

    // More than the pool can hold: refused before a byte is sent, nothing made.
    let (s, v) = app.json(Method::POST, "/api/v1/isos", Some(&admin), Some(json!({"name": "huge", "size_bytes": 64 << 20, "sha256": sha}))).await;
    assert_error(s, &v, 507, "INSUFFICIENT_STORAGE");
    assert!(v["error"]["message"].as_str().unwrap().contains("isos pool"), "names the pool: {v}");
    assert_eq!(ok(&app, Method::GET, "/api/v1/isos", &admin, None).await, json!([]));

    // One that fits starts; then something else fills the disk mid-upload.
    let iso = ok(&app, Method::POST, "/api/v1/isos", &admin, Some(json!({"name": "fits", "size_bytes": payload.len(), "sha256": sha}))).await;
    let id = iso["id"].as_i64().unwrap();
    let chunk = 8 << 20;
    let (s, v) = put_chunk(&app, &admin, id, 0, &payload[..chunk]).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let filler = fs.0.path().join("filler");
    // Leave 3 MiB: less than a chunk, enough for the database's own writes.
    let free_mib = {
        let c = std::ffi::CString::new(fs.0.path().as_os_str().as_encoded_bytes()).unwrap();
        let mut st: libc::statvfs = unsafe { std::mem::zeroed() };
        assert_eq!(unsafe { libc::statvfs(c.as_ptr(), &mut st) }, 0);
        (st.f_bavail as u64 * st.f_frsize as u64) >> 20
    };
    let count = format!("count={}", free_mib - 3);
    let _ = std::process::Command::new("dd").args(["if=/dev/zero", "bs=1M", &count]).arg(format!("of={}", filler.display())).output().unwrap();
    let (s, v) = put_chunk(&app, &admin, id, chunk, &payload[chunk..2 * chunk]).await;
    assert_error(s, &v, 507, "INSUFFICIENT_STORAGE");
    // The upload stays resumable at what arrived whole; no half chunk is kept.
    let iso = ok(&app, Method::GET, &format!("/api/v1/isos/{id}"), &admin, None).await;
    assert_eq!((iso["status"].as_str(), iso["received_bytes"].as_u64()), (Some("uploading"), Some(chunk as u64)), "{iso}");
    let part = app.data_dir.path().join(format!("pools/isos/{id}.part"));
    assert_eq!(std::fs::metadata(&part).unwrap().len(), chunk as u64);
    // A new disk has no room either: 507, not a 500, and no row.
    let (s, v) = app.json(Method::POST, "/api/v1/disks", Some(&admin), Some(json!({"name": "tiny", "size_mib": 1}))).await;
    assert_error(s, &v, 507, "INSUFFICIENT_STORAGE");
    // Reads, sign-ins and the database keep working.
    let again = app.login("admin", ADMIN_PASSWORD).await;
    for path in ["/api/v1/health", "/api/v1/disks", "/api/v1/isos", "/api/v1/users"] {
        ok(&app, Method::GET, path, &again, None).await;
    }
    app.create_user(&admin, "still-writes", "student").await;

    // With room again, the upload resumes and completes; the disk is made.
    std::fs::remove_file(&filler).unwrap();
    let mut offset = chunk;
    while offset < payload.len() {
        let end = (offset + chunk).min(payload.len());
        let (s, v) = put_chunk(&app, &admin, id, offset, &payload[offset..end]).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        offset = end;
    }
    let iso = ok(&app, Method::GET, &format!("/api/v1/isos/{id}"), &admin, None).await;
    assert_eq!(iso["status"], "ready", "{iso}");
    ok(&app, Method::POST, "/api/v1/disks", &admin, Some(json!({"name": "tiny", "size_mib": 1}))).await;
    drop(app);
}

#[tokio::test]
async fn a_guest_that_fills_its_pool_is_paused_and_told_why() {
    let fs = SmallFs::new(48);
    let data = tempfile::Builder::new().tempdir_in(fs.0.path()).unwrap();
    let app = TestApp::spawn_in(data, |c| {
        c.accel = server::config::Accel::Tcg;
        c.storage_reserve_mib = 4;
    })
    .await;
    install_guest_kernel(app.data_dir.path(), "test-guest", "");
    let admin = app.admin_token().await;
    let vm = app.create_vm(&admin, json!({"name": "filler", "kernel": "test-guest", "memory_mib": 128, "network": "none"})).await;
    let disk = ok(&app, Method::POST, "/api/v1/disks", &admin, Some(json!({"name": "data", "size_mib": 24, "format": "raw"}))).await;
    ok(&app, Method::POST, &format!("/api/v1/disks/{}/attach", disk["id"]), &admin, Some(json!({"vm_id": vm}))).await;
    let op = app.vm_action(&admin, vm, json!({"action": "start"})).await;
    assert_eq!(op["status"], "succeeded", "{op}");
    serial_command(&app.run_dir(vm), "echo up-$((6*7))", "up-42").await;

    // Something else takes the pool's space; the guest then writes its disk.
    let avail = std::process::Command::new("df").args(["--output=avail", "-B1"]).arg(fs.0.path()).output().unwrap();
    let avail: u64 = String::from_utf8_lossy(&avail.stdout).lines().nth(1).unwrap().trim().parse().unwrap();
    let filler = fs.0.path().join("filler");
    let st = std::process::Command::new("fallocate").arg("-l").arg((avail - (2 << 20)).to_string()).arg(&filler).status().unwrap();
    assert!(st.success());
    // The console stays connected: QEMU drops what the guest has not read yet when it closes.
    let mut serial = tokio::net::UnixStream::connect(app.run_dir(vm).join("serial.sock")).await.unwrap();
    tokio::io::AsyncWriteExt::write_all(&mut serial, b"dd if=/dev/zero of=/dev/vda bs=1M count=16 conv=fsync; echo wrote-$((3*3))\n").await.unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let v = loop {
        let v = ok(&app, Method::GET, &format!("/api/v1/vms/{vm}"), &admin, None).await;
        if v["state"] == "paused" || std::time::Instant::now() > deadline {
            break v;
        }
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    };
    let said = std::fs::read_to_string(app.run_dir(vm).join("serial.log")).unwrap_or_default();
    assert_eq!(v["state"], "paused", "QEMU stops a guest whose disk cannot be written: {v}\n{said}");
    let why = v["state_reason"].as_str().unwrap_or_default();
    assert!(why.contains("disk 1") && why.contains("storage pool is full"), "the owner is told why: {v}");
    // Reads keep working meanwhile, and with space back the guest goes on.
    ok(&app, Method::GET, "/api/v1/vms", &admin, None).await;
    std::fs::remove_file(&filler).unwrap();
    drop(serial);
    let op = app.vm_action(&admin, vm, json!({"action": "resume"})).await;
    assert_eq!(op["status"], "succeeded", "{op}");
    serial_command(&app.run_dir(vm), "echo again-$((4*4))", "again-16").await;
    let v = ok(&app, Method::GET, &format!("/api/v1/vms/{vm}"), &admin, None).await;
    assert_eq!((v["state"].as_str(), v["state_reason"].as_str()), (Some("running"), None), "{v}");
    app.vm_action(&admin, vm, json!({"action": "stop"})).await;
}

#[tokio::test]
async fn a_guest_flooding_its_serial_port_does_not_grow_its_log_past_the_cap() {
    let cap_kib = 256;
    let app = TestApp::spawn_with(|c| {
        c.accel = server::config::Accel::Tcg;
        c.serial_log_max_kib = cap_kib;
    })
    .await;
    install_guest_kernel(app.data_dir.path(), "test-guest", "");
    let admin = app.admin_token().await;
    let vm = app.create_vm(&admin, json!({"name": "loud", "kernel": "test-guest", "memory_mib": 128, "network": "none"})).await;
    let op = app.vm_action(&admin, vm, json!({"action": "start"})).await;
    assert_eq!(op["status"], "succeeded", "{op}");
    let dir = app.run_dir(vm);
    serial_command(&dir, "(while true; do echo flood-0123456789-0123456789-0123456789-0123456789; done > /dev/ttyS0 &); echo flooding-$((3*3))", "flooding-9").await;
    let (log, old) = (dir.join("serial.log"), dir.join("serial.log.1"));
    let size = |p: &std::path::Path| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
    let mut largest = 0;
    let start = std::time::Instant::now();
    while start.elapsed() < std::time::Duration::from_secs(6) {
        largest = largest.max(size(&log) + size(&old));
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let cut = std::fs::read_to_string(&old).unwrap_or_default();
    assert!(cut.contains("flood-0123456789"), "the guest did flood, and the log was cut ({} bytes kept)", cut.len());
    eprintln!("largest serial.log + serial.log.1 seen: {largest} bytes (cap {} bytes)", cap_kib << 10);
    assert!(largest <= cap_kib << 10, "the serial log reached {largest} bytes, past the cap of {cap_kib} KiB");
    app.vm_action(&admin, vm, json!({"action": "stop", "force": true})).await;

    // Ranges read only what they span, across the cut as within a file:
    // each is the same bytes as that part of the whole log. (The guest is
    // off, so the files are set here to known lengths.)
    let line = |n: usize, tag: &str| format!("{tag}-{n:06}\n");
    let (older, newer): (String, String) = ((0..9000).map(|n| line(n, "old")).collect(), (0..300).map(|n| line(n, "new")).collect());
    std::fs::write(&old, &older).unwrap();
    std::fs::write(&log, &newer).unwrap();
    let whole = older.clone() + &newer;
    let resp = app.call(Method::GET, &format!("/api/v1/vms/{vm}/logs/download"), Some(&admin), None).await;
    assert_eq!(resp.text().await.unwrap(), whole);
    let (cut_at, size) = (older.len() as u64, whole.len() as u64);
    for (offset, limit) in [(cut_at - 100, 200), (0, 50), (cut_at, 10), (cut_at - 10, 10), (size - 5, 100), (size, 10)] {
        let v = ok(&app, Method::GET, &format!("/api/v1/vms/{vm}/logs?offset={offset}&limit={limit}"), &admin, None).await;
        let end = (offset + limit).min(size);
        assert_eq!(v["text"].as_str().unwrap(), &whole[offset as usize..end as usize], "{offset}+{limit}");
        assert_eq!((v["size"].as_u64(), v["offset"].as_u64(), v["next_offset"].as_u64()), (Some(size), Some(offset), Some(end)));
    }
    let tail = ok(&app, Method::GET, &format!("/api/v1/vms/{vm}/logs"), &admin, None).await;
    assert_eq!(tail["text"].as_str().unwrap(), &whole[whole.len() - (64 << 10)..], "the default is the last 64 KiB");
    let (s, v) = app.json(Method::GET, &format!("/api/v1/vms/{vm}/logs?offset={}", size + 1), Some(&admin), None).await;
    assert_error(s, &v, 422, "VALIDATION_FAILED");
}

#[tokio::test]
async fn forwards_per_vm_and_event_streams_per_user_are_bounded() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    app.create_user(&admin, "greedy", "student").await;
    let g = app.login("greedy", "greedy-password").await;
    let many: Vec<serde_json::Value> = (0..17).map(|i| json!({"protocol": "tcp", "guest_port": 1000 + i})).collect();
    let (s, v) = app.json(Method::POST, "/api/v1/vms", Some(&g), Some(json!({"name": "ports", "memory_mib": 128, "port_forwards": many}))).await;
    assert_error(s, &v, 422, "VALIDATION_FAILED");
    let vm = app.create_vm(&g, json!({"name": "ports", "memory_mib": 128})).await;
    for i in 0..16 {
        ok(&app, Method::POST, &format!("/api/v1/vms/{vm}/port-forwards"), &g, Some(json!({"protocol": "tcp", "guest_port": 2000 + i}))).await;
    }
    let (s, v) = app.json(Method::POST, &format!("/api/v1/vms/{vm}/port-forwards"), Some(&g), Some(json!({"protocol": "tcp", "guest_port": 3000}))).await;
    assert_error(s, &v, 409, "TOO_MANY_FORWARDS");

    // Event streams: a few per user, whoever else is listening.
    let open = |token: String| {
        let req = app.http.get(app.url("/api/v1/events")).bearer_auth(token);
        async move { req.send().await.unwrap() }
    };
    let mut streams = Vec::new();
    for _ in 0..8 {
        let r = open(g.clone()).await;
        assert_eq!(r.status(), StatusCode::OK);
        streams.push(r);
    }
    let r = open(g.clone()).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(r.headers().contains_key("retry-after"));
    assert_eq!(open(admin.clone()).await.status(), StatusCode::OK, "another user's stream is not affected");
    drop(streams.pop());
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let r = open(g.clone()).await;
        if r.status() == StatusCode::OK {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "a closed stream gives its place back");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn qemu_runs_sandboxed_in_a_cgroup_that_caps_its_memory_and_cpu() {
    let app = TestApp::spawn_with(|c| {
        c.accel = server::config::Accel::Tcg;
        c.qemu_memory_overhead_mib = 384;
    })
    .await;
    install_guest_kernel(app.data_dir.path(), "test-guest", "");
    let admin = app.admin_token().await;
    let (_, health) = app.json(Method::GET, "/api/v1/health", None, None).await;
    let conf = &health["data"]["confinement"];
    assert_ne!(conf["memory_limit"], "off", "{health}");
    assert_ne!(conf["cpu_limit"], "off", "{health}");
    let vm = app.create_vm(&admin, json!({"name": "boxed", "kernel": "test-guest", "memory_mib": 192, "cpus": 1, "network": "none"})).await;
    let op = app.vm_action(&admin, vm, json!({"action": "start"})).await;
    assert_eq!(op["status"], "succeeded", "{op}");
    wait_serial(&app.run_dir(vm), MARKER, 1, std::time::Duration::from_secs(90)).await;
    let uuid = ok(&app, Method::GET, &format!("/api/v1/vms/{vm}"), &admin, None).await["uuid"].as_str().unwrap().to_owned();
    let pid = qemu_pids(&uuid)[0];
    let cmdline = String::from_utf8(std::fs::read(format!("/proc/{pid}/cmdline")).unwrap()).unwrap().replace('\0', " ");
    assert!(cmdline.contains("-sandbox on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny"), "{cmdline}");
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    assert!(status.lines().any(|l| l.starts_with("Seccomp:") && !l.ends_with("\t0")), "QEMU runs under a seccomp filter: {status}");

    // The process sits in its own cgroup, whose limits are the VM's.
    let cgroups = std::fs::read_to_string(format!("/proc/{pid}/cgroup")).unwrap();
    // `/vlab-guests/<this vlab>-vm-<id>`: VM ids repeat across vlabs on one host.
    let line = cgroups.lines().find(|l| l.contains("/vlab-guests/") && l.ends_with(&format!("-vm-{vm}"))).unwrap_or_else(|| panic!("QEMU is in no VM cgroup: {cgroups}"));
    let mine = line.splitn(3, ':').nth(2).unwrap().to_owned();
    let path_of = |controller: &str| -> Option<std::path::PathBuf> {
        let line = cgroups.lines().find(|l| {
            let f: Vec<&str> = l.splitn(3, ':').collect();
            f.len() == 3 && f[2] == mine && (f[1].split(',').any(|c| c == controller) || (f[0] == "0" && f[1].is_empty()))
        })?;
        let v2 = line.starts_with("0::");
        let base = if v2 {
            std::fs::read_to_string("/proc/self/mounts").unwrap().lines().find(|l| l.split(' ').nth(2) == Some("cgroup2")).map(|l| l.split(' ').nth(1).unwrap().to_owned())?
        } else {
            std::fs::read_to_string("/proc/self/mounts")
                .unwrap()
                .lines()
                .find(|l| l.split(' ').nth(2) == Some("cgroup") && l.split(' ').nth(3).unwrap_or("").split(',').any(|o| o == controller))
                .map(|l| l.split(' ').nth(1).unwrap().to_owned())?
        };
        Some(std::path::PathBuf::from(base).join(mine.trim_start_matches('/')))
    };
    let limit = (192u64 + 384) << 20;
    let memory = ["memory.max", "memory.limit_in_bytes"]
        .iter()
        .find_map(|f| {
            let dir = path_of("memory")?;
            std::fs::read_to_string(dir.join(f)).ok()
        })
        .unwrap_or_else(|| panic!("no memory limit for QEMU's cgroup: {cgroups}"));
    assert_eq!(memory.trim().parse::<u64>().unwrap(), limit, "VM memory plus overhead");
    let cpu = ["cpu.max", "cpu.cfs_quota_us"]
        .iter()
        .find_map(|f| std::fs::read_to_string(path_of("cpu")?.join(f)).ok())
        .unwrap_or_else(|| panic!("no CPU limit for QEMU's cgroup: {cgroups}"));
    assert!(cpu.starts_with("100000"), "one vCPU is one CPU's time: {cpu}");

    // The guest touches all of its memory; QEMU's charge never passes the limit.
    let dir = app.run_dir(vm);
    serial_command(&dir, "dd if=/dev/zero of=/dev/null bs=150M count=1 2>/dev/null; echo touched-$((5*5))", "touched-25").await;
    let peak = ["memory.peak", "memory.max_usage_in_bytes"].iter().find_map(|f| std::fs::read_to_string(path_of("memory")?.join(f)).ok());
    if let Some(peak) = peak {
        let peak: u64 = peak.trim().parse().unwrap();
        assert!(peak <= limit && peak > 100 << 20, "peak {peak} within {limit}");
    }
    app.vm_action(&admin, vm, json!({"action": "stop"})).await;
    // Its cgroup goes with the process.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(path_of("memory").is_none_or(|d| !d.exists()), "the VM's cgroup was removed");
}

/// The real, effective, saved and filesystem ids of a process.
fn ids(pid: u32, field: &str) -> Vec<u32> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with(field)).unwrap_or_else(|| panic!("no {field} in {status}"));
    line[field.len()..].split_whitespace().map(|x| x.parse().unwrap()).collect()
}

/// What `cat <path>` run with a QEMU's uid and gid says (Ok: it read it).
fn read_as(uid: u32, gid: u32, path: &std::path::Path) -> Result<(), String> {
    use std::os::unix::process::CommandExt;
    let out = std::process::Command::new("cat").arg(path).uid(uid).gid(gid).output().unwrap();
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

#[tokio::test]
async fn qemu_runs_as_its_own_user_and_reaches_only_its_own_run_dir() {
    let app = TestApp::spawn_for_vms().await;
    let admin = app.admin_token().await;
    let (_, health) = app.json(Method::GET, "/api/v1/health", None, None).await;
    let user = health["data"]["confinement"]["qemu_user"].as_str().unwrap().to_owned();
    assert!(user.starts_with("vlab-qemu, one uid per VM"), "{health}");
    let mut vms = Vec::new();
    for name in ["a", "b"] {
        let vm = app.create_vm(&admin, json!({"name": name, "kernel": "test-guest", "memory_mib": 128, "network": "none"})).await;
        let disk = ok(&app, Method::POST, "/api/v1/disks", &admin, Some(json!({"name": name, "size_mib": 8, "format": "raw"}))).await;
        let disk = disk["id"].as_i64().unwrap();
        ok(&app, Method::POST, &format!("/api/v1/disks/{disk}/attach"), &admin, Some(json!({"vm_id": vm}))).await;
        let op = app.vm_action(&admin, vm, json!({"action": "start"})).await;
        assert_eq!(op["status"], "succeeded", "{op}");
        wait_serial(&app.run_dir(vm), MARKER, 1, std::time::Duration::from_secs(90)).await;
        let uuid = ok(&app, Method::GET, &format!("/api/v1/vms/{vm}"), &admin, None).await["uuid"].as_str().unwrap().to_owned();
        vms.push((vm, disk, qemu_pids(&uuid)[0]));
    }
    let (a, b) = (vms[0], vms[1]);
    // The guest sees the disk QEMU was handed open.
    serial_command(&app.run_dir(a.0), "cat /sys/block/vda/size; echo sized-$((3*3))", "sized-9").await;
    let said = std::fs::read_to_string(app.run_dir(a.0).join("serial.log")).unwrap();
    assert!(said.contains("16384"), "an 8 MiB disk is 16384 sectors: {said}");

    let (uid, gid) = (ids(a.2, "Uid:"), ids(a.2, "Gid:"));
    assert!(uid.iter().all(|&u| u != 0) && gid.iter().all(|&g| g != 0), "QEMU runs as root: uid {uid:?} gid {gid:?}");
    assert!(uid.iter().all(|&u| u == uid[0]), "no way back to root: {uid:?}");
    assert_ne!(ids(b.2, "Uid:")[0], uid[0], "each QEMU has its own uid");
    let groups = ids(a.2, "Groups:");
    assert!(!groups.contains(&0), "{groups:?}");
    let files = open_files(a.2);
    assert!(files.iter().any(|f| f.ends_with(format!("{}.raw", a.1))), "QEMU was handed its disk: {files:?}");

    // With QEMU's rights: its own run dir is readable, nothing else is.
    let (uid, gid) = (uid[0], gid[0]);
    assert_eq!(read_as(uid, gid, &app.run_dir(a.0).canonicalize().unwrap().join("serial.log")), Ok(()), "the check can pass");
    let data = app.data_dir.path();
    let mut targets = vec![
        app.host_secret(),
        data.join(format!("pools/disks/{}.raw", b.1)),
        data.join(format!("pools/disks/{}.raw", a.1)),
        app.run_dir(b.0).canonicalize().unwrap().join("serial.log"),
    ];
    // With PostgreSQL the cookie key comes from the database, not a file.
    if !on_postgres() {
        targets.push(data.join("session.key"));
    }
    for target in targets {
        assert!(target.exists(), "{}", target.display());
        let r = read_as(uid, gid, &target);
        assert!(r.as_ref().is_err_and(|e| e.contains("Permission denied")), "QEMU's user read {}: {r:?}", target.display());
    }
    for (vm, _, _) in vms {
        app.vm_action(&admin, vm, json!({"action": "stop"})).await;
    }
    // A stopped VM's run dir goes back to root: a later process with the
    // same uid finds nothing.
    let meta = std::fs::metadata(app.run_dir(a.0).canonicalize().unwrap()).unwrap();
    assert_eq!(std::os::unix::fs::MetadataExt::uid(&meta), 0);
}

#[tokio::test]
async fn without_its_account_qemu_does_not_start_as_root() {
    let app = TestApp::spawn_with(|c| {
        c.accel = server::config::Accel::Tcg;
        c.qemu_user = "vlab-no-such-user".into();
    })
    .await;
    install_guest_kernel(app.data_dir.path(), "test-guest", "");
    let admin = app.admin_token().await;
    let (_, health) = app.json(Method::GET, "/api/v1/health", None, None).await;
    assert!(health["data"]["confinement"]["qemu_user"].as_str().unwrap().starts_with("missing"), "{health}");
    let vm = app.create_vm(&admin, json!({"name": "unsafe", "kernel": "test-guest", "memory_mib": 128, "network": "none"})).await;
    let op = app.vm_action(&admin, vm, json!({"action": "start"})).await;
    assert_eq!(op["status"], "failed", "{op}");
    let why = op.to_string();
    assert!(why.contains("must not run as root") && why.contains("vlab-no-such-user"), "{op}");
    let v = ok(&app, Method::GET, &format!("/api/v1/vms/{vm}"), &admin, None).await;
    assert_eq!(v["state"], "stopped", "{v}");
}

#[tokio::test]
async fn abandoned_uploads_count_until_they_are_removed() {
    let app = TestApp::spawn_with(|c| {
        c.scheduler_interval_secs = 1;
        c.upload_abandon_secs = 3;
    })
    .await;
    let admin = app.admin_token().await;
    let teacher = app.create_user(&admin, "slow", "teacher").await;
    let t = app.login("slow", "slow-password").await;
    let sha = "0".repeat(64);
    let iso = ok(&app, Method::POST, "/api/v1/isos", &t, Some(json!({"name": "half", "size_bytes": 4 << 20, "sha256": sha}))).await;
    let iso = iso["id"].as_i64().unwrap();
    let (s, v) = put_chunk(&app, &t, iso, 0, &[7u8; 1 << 20]).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let course = ok(&app, Method::POST, "/api/v1/courses", &t, Some(json!({"code": "UP-1", "title": "Uploads", "term": "2026"}))).await;
    let tpl = ok(&app, Method::POST, &format!("/api/v1/courses/{}/templates", course["id"]), &t, Some(json!({"name": "never", "upload": {"size_bytes": 2 << 20, "sha256": sha}})))
        .await;
    let version = tpl["versions"][0]["id"].as_i64().unwrap();
    let q = ok(&app, Method::GET, &format!("/api/v1/users/{teacher}/quota"), &t, None).await;
    assert_eq!(q["usage"]["disk_mib"], 6, "unfinished uploads count by their declared size: {q}");
    let iso_part = app.data_dir.path().join(format!("pools/isos/{iso}.part"));
    let tpl_part = app.data_dir.path().join(format!("pools/templates/{version}.part"));
    assert!(iso_part.exists() && tpl_part.exists());

    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    while iso_part.exists() || tpl_part.exists() {
        assert!(std::time::Instant::now() < deadline, "abandoned uploads were not removed");
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    let (s, _) = app.json(Method::GET, &format!("/api/v1/isos/{iso}"), Some(&t), None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = app.json(Method::GET, &format!("/api/v1/templates/{}", tpl["id"]), Some(&t), None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let q = ok(&app, Method::GET, &format!("/api/v1/users/{teacher}/quota"), &t, None).await;
    assert_eq!(q["usage"]["disk_mib"], 0, "{q}");
}

#[tokio::test]
async fn csv_accounts_choose_their_own_password_before_anything_else() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    app.create_user(&admin, "csvteacher", "teacher").await;
    let t = app.login("csvteacher", "csvteacher-password").await;
    let course = ok(&app, Method::POST, "/api/v1/courses", &t, Some(json!({"code": "CSV-1", "title": "CSV", "term": "2026"}))).await;
    let resp = app
        .http
        .post(app.url(&format!("/api/v1/courses/{}/members/csv", course["id"])))
        .bearer_auth(&t)
        .header("content-type", "text/csv")
        .body("newbie,New Student\n")
        .send()
        .await
        .unwrap();
    let report: serde_json::Value = resp.json().await.unwrap();
    let one_time = report["data"]["created"][0]["password"].as_str().unwrap().to_owned();

    let s = app.login("newbie", &one_time).await;
    let me = ok(&app, Method::GET, "/api/v1/auth/me", &s, None).await;
    assert_eq!(me["must_change_password"], true, "{me}");
    for (method, path, body) in [
        (Method::GET, "/api/v1/vms", None),
        (Method::GET, "/api/v1/me/labs", None),
        (Method::POST, "/api/v1/vms", Some(json!({"name": "early", "memory_mib": 128}))),
        (Method::POST, "/api/v1/auth/tokens", Some(json!({"name": "keep"}))),
    ] {
        let (st, v) = app.json(method, path, Some(&s), body).await;
        assert_error(st, &v, 403, "PASSWORD_CHANGE_REQUIRED");
    }
    // The same for the UI's server functions, and a page sends the account to its profile.
    let browser = client();
    let form = [("username", "newbie"), ("password", one_time.as_str())];
    browser.post(app.url("/login")).header("origin", &app.base).form(&form).send().await.unwrap();
    // Server functions' URLs carry a suffix; the built UI names them.
    let wasm = common::built_wasm();
    let at = wasm.windows(13).position(|w| w == b"/api/list_vms").expect("list_vms in the UI");
    let url: String = wasm[at..].iter().take_while(|b| b.is_ascii_alphanumeric() || **b == b'/' || **b == b'_').map(|b| *b as char).collect();
    let listed = browser.post(app.url(&url)).header("origin", &app.base).json(&json!({"query": {}})).send().await.unwrap();
    let status = listed.status();
    let body: serde_json::Value = listed.json().await.unwrap();
    // (Server functions answer every error with their own status; the code is what the UI reads.)
    assert!(!status.is_success() && body["code"] == "PASSWORD_CHANGE_REQUIRED", "{url}: {status} {body}");

    let (st, v) = app
        .json(Method::PUT, "/api/v1/auth/password", Some(&s), Some(json!({"current_password": one_time, "new_password": "my-own-password-1"})))
        .await;
    assert!(st.is_success(), "{v}");
    let s = app.login("newbie", "my-own-password-1").await;
    let me = ok(&app, Method::GET, "/api/v1/auth/me", &s, None).await;
    assert_eq!(me["must_change_password"], false, "{me}");
    ok(&app, Method::GET, "/api/v1/vms", &s, None).await;
    // Accounts an admin made are not asked.
    app.create_user(&admin, "plain", "student").await;
    let p = app.login("plain", "plain-password").await;
    ok(&app, Method::GET, "/api/v1/vms", &p, None).await;
}

#[tokio::test]
async fn everyone_is_told_when_the_host_keeps_guests_offline() {
    let open = TestApp::spawn().await;
    let closed = TestApp::spawn_with(|c| c.guest_outbound = false).await;
    for (app, outbound) in [(&open, true), (&closed, false)] {
        let admin = app.admin_token().await;
        app.create_user(&admin, "sam", "student").await;
        let sam = app.login("sam", "sam-password").await;
        let (s, v) = app.json(Method::GET, "/api/v1/system/guest-network", None, None).await;
        assert_error(s, &v, 401, "UNAUTHENTICATED");
        let net = ok(app, Method::GET, "/api/v1/system/guest-network", &sam, None).await;
        assert_eq!(net["outbound"], outbound, "{net}");
        if !outbound {
            assert!(net["reason"].as_str().unwrap().contains("guest_outbound = false"), "says why: {net}");
        }
    }
}

#[tokio::test]
async fn outbound_network_is_a_setting_of_each_vm_and_the_labs_to_decide() {
    let app = TestApp::spawn_for_vms().await;
    let admin = app.admin_token().await;
    let vm = app.create_vm(&admin, json!({"name": "closed", "kernel": "test-guest", "memory_mib": 128, "outbound": false})).await;
    let view = ok(&app, Method::GET, &format!("/api/v1/vms/{vm}"), &admin, None).await;
    assert_eq!(view["outbound"], false);
    let op = app.vm_action(&admin, vm, json!({"action": "start"})).await;
    assert_eq!(op["status"], "succeeded", "{op}");
    let pid = qemu_pids(view["uuid"].as_str().unwrap())[0];
    let cmdline = String::from_utf8(std::fs::read(format!("/proc/{pid}/cmdline")).unwrap()).unwrap().replace('\0', " ");
    assert!(cmdline.contains("user,id=net0,restrict=on"), "{cmdline}");
    let view = ok(&app, Method::PATCH, &format!("/api/v1/vms/{vm}"), &admin, Some(json!({"outbound": true}))).await;
    assert_eq!((view["outbound"].as_bool(), view["needs_restart"].as_bool()), (Some(true), Some(true)), "{view}");
    app.vm_action(&admin, vm, json!({"action": "stop"})).await;

    // A lab VM's network is the lab's: the student cannot open it up or close it.
    let (teacher, eve, lab_vm, _) = unopened_lab_with_student(&app, &admin).await;
    let (s, v) = app.json(Method::PATCH, &format!("/api/v1/vms/{lab_vm}"), Some(&eve), Some(json!({"outbound": false}))).await;
    assert_locked(s, &v, "changing a lab VM's outbound network");
    let view = ok(&app, Method::PATCH, &format!("/api/v1/vms/{lab_vm}"), &teacher, Some(json!({"outbound": false}))).await;
    assert_eq!(view["outbound"], false);
    let (s, v) = app.json(Method::PATCH, &format!("/api/v1/vms/{lab_vm}"), Some(&eve), Some(json!({"outbound": true}))).await;
    assert_locked(s, &v, "opening a lab VM's outbound network");

    // Or once for the whole lab: its VMs follow, now and when they are made.
    let lab = ok(&app, Method::GET, &format!("/api/v1/vms/{lab_vm}"), &eve, None).await["lab_id"].as_i64().unwrap();
    let (s, v) = app.json(Method::PATCH, &format!("/api/v1/labs/{lab}"), Some(&eve), Some(json!({"outbound": true}))).await;
    assert!(s == StatusCode::FORBIDDEN || s == StatusCode::NOT_FOUND, "a student changes the lab: {s} {v}");
    let view = ok(&app, Method::PATCH, &format!("/api/v1/labs/{lab}"), &teacher, Some(json!({"outbound": true}))).await;
    assert_eq!(view["outbound"], true, "{view}");
    assert_eq!(ok(&app, Method::GET, &format!("/api/v1/vms/{lab_vm}"), &eve, None).await["outbound"], true);
    ok(&app, Method::PATCH, &format!("/api/v1/labs/{lab}"), &teacher, Some(json!({"outbound": false}))).await;
    assert_eq!(ok(&app, Method::GET, &format!("/api/v1/vms/{lab_vm}"), &eve, None).await["outbound"], false);
    let course = ok(&app, Method::GET, &format!("/api/v1/labs/{lab}"), &teacher, None).await["course_id"].as_i64().unwrap();
    let version = ok(&app, Method::GET, &format!("/api/v1/labs/{lab}"), &teacher, None).await["template_version_id"].as_i64().unwrap();
    let publication = ok(
        &app,
        Method::POST,
        &format!("/api/v1/courses/{course}/labs"),
        &teacher,
        Some(json!({"name": "Offline", "template_version_id": version, "outbound": false})),
    )
    .await;
    assert_eq!(publication["lab"]["outbound"], false);
    let op = publication["operation"]["id"].as_i64().unwrap();
    let done = ok(&app, Method::GET, &format!("/api/v1/operations/{op}/wait?timeout=60"), &teacher, None).await;
    assert_eq!(done["status"], "succeeded", "{done}");
    let offline = publication["lab"]["id"].as_i64().unwrap();
    let mine = ok(&app, Method::GET, "/api/v1/vms", &eve, None).await;
    let clone = mine.as_array().unwrap().iter().find(|v| v["lab_id"] == offline).expect("eve's VM in the new lab").clone();
    assert_eq!(clone["outbound"], false, "{clone}");
}
