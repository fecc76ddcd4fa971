//! Courses, templates, labs as linked clones, reset, quotas, statistics:
//! the real application with real QEMU (TCG) and the test guest.

mod common;

use common::{
    assert_error, collect_events, course_with_template, enrol_new_student, ok, serial_command,
    wait_serial, TestApp, MARKER,
};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use std::time::Duration;

const BOOT: Duration = Duration::from_secs(90);

/// An app for VMs whose lab scheduler looks every second.
async fn spawn_with_fast_scheduler() -> TestApp {
    let app = TestApp::spawn_with(|c| {
        c.accel = server::config::Accel::Tcg;
        c.scheduler_interval_secs = 1;
    })
    .await;
    common::install_guest_kernel(app.data_dir.path(), "test-guest", "");
    app
}

fn qemu_img_info(path: &std::path::Path) -> Value {
    let out = std::process::Command::new("qemu-img").args(["info", "-U", "--output=json"]).arg(path).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Enrols a CSV of students into the course; returns the answer.
async fn enrol_csv(app: &TestApp, token: &str, course: i64, csv: String) -> Value {
    let url = app.url(&format!("/api/v1/courses/{course}/members/csv"));
    let resp = app.http.post(url).bearer_auth(token).header("content-type", "text/csv").body(csv).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    resp.json().await.unwrap()
}

async fn wait_op(app: &TestApp, token: &str, op: i64) -> Value {
    ok(app, Method::GET, &format!("/api/v1/operations/{op}/wait?timeout=60"), token, None).await
}

#[tokio::test]
async fn a_scripted_class_of_ten_gets_linked_clones_that_boot_reset_and_are_counted() {
    let app = TestApp::spawn_for_vms().await;
    let admin = app.admin_token().await;
    let (t, course, version) = course_with_template(&app, &admin, "teacher1", "NET-101").await;

    // Ten students by CSV: eight new accounts, two existing ones.
    app.create_user(&admin, "s01", "student").await;
    app.create_user(&admin, "s02", "student").await;
    let mut csv = String::from("username,name,email\n");
    for i in 1..=10 {
        csv.push_str(&format!("s{i:02},Student {i},s{i:02}@school.example\n"));
    }
    let report = enrol_csv(&app, &t, course, csv).await;
    let report = &report["data"];
    assert_eq!(report["enrolled"].as_array().unwrap().len(), 2, "{report}");
    let created = report["created"].as_array().unwrap();
    assert_eq!(created.len(), 8);
    // The one-time passwords work.
    let s03_password = created.iter().find(|c| c["username"] == "s03").unwrap()["password"].as_str().unwrap().to_owned();
    let first = app.login("s03", &s03_password).await;
    // A one-time password must be replaced before anything else.
    let (s, v) = app
        .json(Method::PUT, "/api/v1/auth/password", Some(&first), Some(json!({"current_password": s03_password, "new_password": "s03-own-password"})))
        .await;
    assert!(s.is_success(), "{v}");
    let s03 = app.login("s03", "s03-own-password").await;
    // The same file as JSON (for clients that send only JSON), and JSON that is not such a file.
    let (s, v) = app
        .json(Method::POST, &format!("/api/v1/courses/{course}/members/csv"), Some(&t), Some(json!({"csv": "username,name\ns01,Student 1\n"})))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["data"]["unchanged"], json!(["s01"]), "{v}");
    let (s, v) = app.json(Method::POST, &format!("/api/v1/courses/{course}/members/csv"), Some(&t), Some(json!({"csv": 5}))).await;
    assert_error(s, &v, 422, "VALIDATION_FAILED");

    // Publish: one operation makes ten linked clones.
    let publication = ok(
        &app,
        Method::POST,
        &format!("/api/v1/courses/{course}/labs"),
        &t,
        Some(json!({"name": "Lab 1", "template_version_id": version})),
    )
    .await;
    let lab = publication["lab"]["id"].as_i64().unwrap();
    let op = wait_op(&app, &t, publication["operation"]["id"].as_i64().unwrap()).await;
    assert_eq!(op["status"], "succeeded", "{op}");
    let seats = ok(&app, Method::GET, &format!("/api/v1/labs/{lab}/seats"), &t, None).await;
    let seats = seats.as_array().unwrap().clone();
    assert_eq!(seats.len(), 10);
    let template_file = app.data_dir.path().join(format!("pools/templates/{version}.qcow2"));
    let mut vms = Vec::new();
    for seat in &seats {
        let vm_id = seat["vm_id"].as_i64().expect("every student has a VM");
        let vm = ok(&app, Method::GET, &format!("/api/v1/vms/{vm_id}"), &admin, None).await;
        let disk_id = vm["disk_ids"][0].as_i64().unwrap();
        let file = app.data_dir.path().join(format!("pools/disks/{disk_id}.qcow2"));
        let info = qemu_img_info(&file);
        assert_eq!(info["backing-filename"].as_str().map(std::path::PathBuf::from), Some(template_file.clone()), "{info}");
        let size = std::fs::metadata(&file).unwrap().len();
        assert!(size < 1 << 20, "an overlay of {size} bytes is not a linked clone");
        vms.push((seat["username"].as_str().unwrap().to_owned(), vm_id));
    }
    // The template is read-only on disk.
    assert!(std::fs::metadata(&template_file).unwrap().permissions().readonly());

    // All ten boot to the marker (the teacher starts them in bulk).
    let ids: Vec<i64> = vms.iter().map(|v| v.1).collect();
    let outcomes = ok(&app, Method::POST, &format!("/api/v1/labs/{lab}/bulk"), &t, Some(json!({"action": "start", "vm_ids": ids}))).await;
    assert!(outcomes.as_array().unwrap().iter().all(|o| o["ok"] == true), "{outcomes}");
    let boots = ids.iter().map(|id| {
        let dir = app.run_dir(*id);
        async move { wait_serial(&dir, MARKER, 1, BOOT).await }
    });
    futures_util::future::join_all(boots).await;

    // s03 dirties their disk, then resets: the VM comes back clean.
    let (_, s03_vm) = vms.iter().find(|v| v.0 == "s03").unwrap().clone();
    let dir = app.run_dir(s03_vm);
    serial_command(&dir, "echo STUDENT-WORK > /dev/vda && sync && echo WROTE-$((1+1))", "WROTE-2").await;
    serial_command(&dir, "head -c 12 /dev/vda | grep -q STUDENT && echo DIRTY-$((2+2))", "DIRTY-4").await;
    let (s, v) = app.json(Method::POST, &format!("/api/v1/vms/{s03_vm}/reset-baseline"), Some(&s03), Some(json!({"confirm": false}))).await;
    assert_error(s, &v, 422, "VALIDATION_FAILED");
    let vm = ok(&app, Method::POST, &format!("/api/v1/vms/{s03_vm}/reset-baseline"), &s03, Some(json!({"confirm": true}))).await;
    assert_eq!(vm["lab_id"], lab);
    wait_serial(&dir, MARKER, 1, BOOT).await;
    serial_command(&dir, "head -c 12 /dev/vda | grep -q STUDENT || echo CLEAN-$((40+2))", "CLEAN-42").await;

    // Statistics count eleven starts (ten plus the restart after the reset) and one reset.
    let stats = ok(&app, Method::GET, &format!("/api/v1/courses/{course}/statistics"), &t, None).await;
    assert_eq!(stats["totals"]["starts"], 11, "{stats}");
    assert_eq!(stats["totals"]["resets"], 1, "{stats}");
    assert_eq!(stats["totals"]["students"], 10);
    let row = stats["rows"].as_array().unwrap().iter().find(|r| r["username"] == "s03").unwrap().clone();
    assert_eq!((row["starts"].as_u64(), row["resets"].as_u64()), (Some(2), Some(1)), "{row}");
    let csv = app.http.get(app.url(&format!("/api/v1/courses/{course}/statistics.csv"))).bearer_auth(&t).send().await.unwrap();
    assert_eq!(csv.status(), StatusCode::OK);
    let csv = csv.text().await.unwrap();
    assert!(csv.starts_with("username,name,lab,"), "{csv}");
    assert!(csv.lines().any(|l| l.starts_with("s03,Student 3,Lab 1,") && l.contains(",2,1,")), "{csv}");

    // A student's "my labs" shows the lab with their VM.
    let mine = ok(&app, Method::GET, "/api/v1/me/labs", &s03, None).await;
    assert_eq!(mine[0]["id"], lab);
    assert_eq!(mine[0]["my_vm_id"], s03_vm);
}

#[tokio::test]
async fn a_late_student_gets_a_vm_on_first_open_and_a_new_version_keeps_current_work() {
    let app = TestApp::spawn_for_vms().await;
    let admin = app.admin_token().await;
    let (t, course, v1) = course_with_template(&app, &admin, "teacher2", "OS-200").await;
    let lab = ok(&app, Method::POST, &format!("/api/v1/courses/{course}/labs"), &t, Some(json!({"name": "Shell", "template_version_id": v1}))).await;
    let lab_id = lab["lab"]["id"].as_i64().unwrap();
    wait_op(&app, &t, lab["operation"]["id"].as_i64().unwrap()).await;
    assert_eq!(ok(&app, Method::GET, &format!("/api/v1/labs/{lab_id}"), &t, None).await["vm_count"], 0);

    let late = enrol_new_student(&app, &admin, &t, course, "late").await;
    let opened = ok(&app, Method::POST, &format!("/api/v1/labs/{lab_id}/open"), &late, None).await;
    let vm = opened["vm"]["id"].as_i64().unwrap();
    assert!(opened["operation"]["id"].is_i64(), "{opened}");
    wait_serial(&app.run_dir(vm), MARKER, 1, BOOT).await;
    // Opening again finds the same VM, already running: no new start.
    let again = ok(&app, Method::POST, &format!("/api/v1/labs/{lab_id}/open"), &late, None).await;
    assert_eq!(again["vm"]["id"], vm);
    assert!(again["operation"].is_null());

    // A second version (from the teacher's VM again) goes to the lab; the
    // student's disk stays on version 1 until they reset.
    let tpl = ok(&app, Method::GET, &format!("/api/v1/courses/{course}/templates"), &t, None).await;
    let tpl_id = tpl[0]["id"].as_i64().unwrap();
    let prepared = ok(&app, Method::GET, "/api/v1/vms", &t, None).await[0]["id"].as_i64().unwrap();
    let tpl = ok(&app, Method::POST, &format!("/api/v1/templates/{tpl_id}/versions"), &t, Some(json!({"vm_id": prepared, "note": "fixes"}))).await;
    let v2 = tpl["versions"][1]["id"].as_i64().unwrap();
    // Version 2 stands alone: the teacher's VM was an overlay on version 1.
    let v2_file = app.data_dir.path().join(format!("pools/templates/{v2}.qcow2"));
    assert!(qemu_img_info(&v2_file)["backing-filename"].is_null());
    ok(&app, Method::PATCH, &format!("/api/v1/labs/{lab_id}"), &t, Some(json!({"template_version_id": v2}))).await;
    let disk = ok(&app, Method::GET, &format!("/api/v1/vms/{vm}"), &late, None).await["disk_ids"][0].as_i64().unwrap();
    let disk_file = app.data_dir.path().join(format!("pools/disks/{disk}.qcow2"));
    assert!(qemu_img_info(&disk_file)["backing-filename"].as_str().unwrap().ends_with(&format!("/{v1}.qcow2")));
    // Version 1 is in use and cannot be deleted.
    let (s, v) = app.json(Method::DELETE, &format!("/api/v1/template-versions/{v1}"), Some(&t), None).await;
    assert_error(s, &v, 409, "TEMPLATE_VERSION_IN_USE");
    // The course keeps reset disks for the teacher. The teacher resets the
    // student's VM: now on version 2, and running again; the old overlay is
    // the teacher's disk, still on version 1.
    ok(&app, Method::PATCH, &format!("/api/v1/courses/{course}"), &t, Some(json!({"keep_reset_disks": true}))).await;
    ok(&app, Method::POST, &format!("/api/v1/vms/{vm}/reset-baseline"), &t, Some(json!({"confirm": true}))).await;
    assert!(qemu_img_info(&disk_file)["backing-filename"].as_str().unwrap().ends_with(&format!("/{v2}.qcow2")));
    wait_serial(&app.run_dir(vm), MARKER, 1, BOOT).await;
    let disks = ok(&app, Method::GET, "/api/v1/disks", &t, None).await;
    let kept = disks.as_array().unwrap().iter().find(|d| d["name"].as_str().unwrap().starts_with("late before reset")).expect("kept disk").clone();
    assert!(kept["vm_id"].is_null(), "{kept}");
    let kept_file = app.data_dir.path().join(format!("pools/disks/{}.qcow2", kept["id"]));
    let kept_backing = qemu_img_info(&kept_file)["backing-filename"].as_str().unwrap().to_owned();
    assert!(kept_backing.ends_with(&format!("/{v1}.qcow2")), "the kept disk is the student's old overlay: {kept_backing}");
    // The student cannot see it.
    let (s, v) = app.json(Method::GET, &format!("/api/v1/disks/{}", kept["id"]), Some(&late), None).await;
    assert_error(s, &v, 404, "DISK_NOT_FOUND");
}

#[tokio::test]
async fn a_failed_roll_out_is_retried_for_the_students_left_without_a_vm() {
    let app = TestApp::spawn_for_vms().await;
    let admin = app.admin_token().await;
    let (t, course, v1) = course_with_template(&app, &admin, "teacher3", "OS-300").await;
    enrol_new_student(&app, &admin, &t, course, "fits").await;
    let capped = enrol_new_student(&app, &admin, &t, course, "capped").await;
    let users = ok(&app, Method::GET, "/api/v1/users?q=capped", &admin, None).await;
    let capped_id = users[0]["id"].as_i64().unwrap();
    ok(&app, Method::PUT, &format!("/api/v1/users/{capped_id}/quota"), &admin, Some(json!({"max_vms": 0}))).await;
    let lab = ok(&app, Method::POST, &format!("/api/v1/courses/{course}/labs"), &t, Some(json!({"name": "Retry", "template_version_id": v1}))).await;
    let lab_id = lab["lab"]["id"].as_i64().unwrap();
    let first = wait_op(&app, &t, lab["operation"]["id"].as_i64().unwrap()).await;
    assert_eq!(first["status"], "failed", "{first}");
    assert!(first["error"].as_str().unwrap().contains("1 of 2 clones failed"), "{first}");
    assert_eq!(ok(&app, Method::GET, &format!("/api/v1/labs/{lab_id}"), &t, None).await["vm_count"], 1);

    // A student sees the roll-out but may not run it again.
    let (s, v) = app.json(Method::POST, &format!("/api/v1/operations/{}/retry", first["id"]), Some(&capped), None).await;
    assert_error(s, &v, 403, "FORBIDDEN");
    ok(&app, Method::PUT, &format!("/api/v1/users/{capped_id}/quota"), &admin, Some(json!({"max_vms": 5}))).await;
    let (s, v) = app.json(Method::POST, &format!("/api/v1/operations/{}/retry", first["id"]), Some(&t), None).await;
    assert_eq!(s, StatusCode::ACCEPTED, "{v}");
    assert_eq!(v["data"]["kind"], "publish");
    let second = wait_op(&app, &t, v["data"]["id"].as_i64().unwrap()).await;
    assert_eq!(second["status"], "succeeded", "{second}");
    assert_eq!(ok(&app, Method::GET, &format!("/api/v1/labs/{lab_id}"), &t, None).await["vm_count"], 2);
}

#[tokio::test]
async fn quotas_name_the_limit_and_running_limits_free_up_when_a_vm_stops() {
    let app = TestApp::spawn_for_vms().await;
    let admin = app.admin_token().await;
    let uid = app.create_user(&admin, "quota", "teacher").await;
    let t = app.login("quota", "quota-password").await;
    let q = ok(
        &app,
        Method::PUT,
        &format!("/api/v1/users/{uid}/quota"),
        &admin,
        Some(json!({"max_vms": 10, "max_running_vms": 1})),
    )
    .await;
    assert_eq!(q["limits"]["max_vms"], 10);
    // Only admins set quotas.
    let (s, v) = app.json(Method::PUT, &format!("/api/v1/users/{uid}/quota"), Some(&t), Some(json!({"max_vms": 99}))).await;
    assert_error(s, &v, 403, "FORBIDDEN");

    let mut ids = Vec::new();
    for i in 0..10 {
        ids.push(app.create_vm(&t, json!({"name": format!("vm{i}"), "kernel": "test-guest", "memory_mib": 128})).await);
    }
    let (s, v) = app.json(Method::POST, "/api/v1/vms", Some(&t), Some(json!({"name": "vm10"}))).await;
    assert_error(s, &v, 409, "QUOTA_EXCEEDED");
    assert!(v["error"]["message"].as_str().unwrap().contains("max_vms is 10"), "{v}");
    let q = ok(&app, Method::GET, &format!("/api/v1/users/{uid}/quota"), &t, None).await;
    assert_eq!(q["usage"]["vms"], 10);

    // One may run; a second start is refused, and allowed after the first stops.
    let op = app.vm_action(&t, ids[0], json!({"action": "start"})).await;
    assert_eq!(op["status"], "succeeded", "{op}");
    let (s, v) = app.json(Method::PUT, &format!("/api/v1/vms/{}/state", ids[1]), Some(&t), Some(json!({"action": "start"}))).await;
    assert_error(s, &v, 409, "QUOTA_EXCEEDED");
    assert!(v["error"]["message"].as_str().unwrap().contains("max_running_vms"), "{v}");
    assert_eq!(app.vm_state(&t, ids[1]).await, "stopped");
    app.vm_action(&t, ids[0], json!({"action": "stop"})).await;
    let op = app.vm_action(&t, ids[1], json!({"action": "start"})).await;
    assert_eq!(op["status"], "succeeded", "{op}");
    app.vm_action(&t, ids[1], json!({"action": "stop"})).await;

    // A course quota too: a lab for more students than it allows is refused whole.
    let course = ok(&app, Method::POST, "/api/v1/courses", &t, Some(json!({"code": "Q-1", "title": "Quota"}))).await["id"].as_i64().unwrap();
    let csv = "qa1,A One\nqa2,A Two\nqa3,A Three\n";
    let r = app.http.post(app.url(&format!("/api/v1/courses/{course}/members/csv"))).bearer_auth(&t).body(csv).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    ok(&app, Method::PUT, &format!("/api/v1/courses/{course}/quota"), &admin, Some(json!({"max_vms": 2}))).await;
    let disk = ok(&app, Method::POST, "/api/v1/disks", &admin, Some(json!({"name": "d", "size_mib": 16}))).await;
    let src = app.create_vm(&admin, json!({"name": "src", "kernel": "test-guest"})).await;
    ok(&app, Method::POST, &format!("/api/v1/disks/{}/attach", disk["id"]), &admin, Some(json!({"vm_id": src}))).await;
    let tpl = ok(&app, Method::POST, &format!("/api/v1/courses/{course}/templates"), &admin, Some(json!({"name": "t", "vm_id": src}))).await;
    let version = tpl["versions"][0]["id"].as_i64().unwrap();
    let (s, v) = app.json(Method::POST, &format!("/api/v1/courses/{course}/labs"), Some(&t), Some(json!({"name": "L", "template_version_id": version}))).await;
    assert_error(s, &v, 409, "QUOTA_EXCEEDED");
    assert!(v["error"]["message"].as_str().unwrap().contains("max_vms is 2"), "{v}");
    assert!(ok(&app, Method::GET, &format!("/api/v1/courses/{course}/labs"), &t, None).await.as_array().unwrap().is_empty());
}

#[tokio::test]
async fn host_admission_refuses_a_start_that_would_overcommit_memory() {
    let app = TestApp::spawn_with(|c| {
        c.accel = server::config::Accel::Tcg;
        c.host_memory_ratio = 0.000_001;
    })
    .await;
    let admin = app.admin_token().await;
    let vm = app.create_vm(&admin, json!({"name": "big", "memory_mib": 1024})).await;
    let (s, v) = app.json(Method::PUT, &format!("/api/v1/vms/{vm}/state"), Some(&admin), Some(json!({"action": "start"}))).await;
    assert_error(s, &v, 409, "HOST_MEMORY_FULL");
    assert_eq!(app.vm_state(&admin, vm).await, "stopped");
}

#[tokio::test]
async fn students_see_only_their_courses_their_vm_and_no_class_wall() {
    let app = TestApp::spawn_for_vms().await;
    let admin = app.admin_token().await;
    let (t1, c1, v1) = course_with_template(&app, &admin, "teach-a", "A-1").await;
    let (t2, c2, _) = course_with_template(&app, &admin, "teach-b", "B-1").await;
    let alice = enrol_new_student(&app, &admin, &t1, c1, "alice").await;
    enrol_new_student(&app, &admin, &t1, c1, "bob").await;
    let p = ok(&app, Method::POST, &format!("/api/v1/courses/{c1}/labs"), &t1, Some(json!({"name": "L1", "template_version_id": v1}))).await;
    let lab = p["lab"]["id"].as_i64().unwrap();
    wait_op(&app, &t1, p["operation"]["id"].as_i64().unwrap()).await;
    let seats = ok(&app, Method::GET, &format!("/api/v1/labs/{lab}/seats"), &t1, None).await;
    let vm_of = |name: &str| seats.as_array().unwrap().iter().find(|s| s["username"] == name).unwrap()["vm_id"].as_i64().unwrap();
    let (alice_vm, bob_vm) = (vm_of("alice"), vm_of("bob"));

    // Courses: only her own.
    let list = ok(&app, Method::GET, "/api/v1/courses", &alice, None).await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["my_role"], "student");
    let (s, v) = app.json(Method::GET, &format!("/api/v1/courses/{c2}"), Some(&alice), None).await;
    assert_error(s, &v, 404, "COURSE_NOT_FOUND");
    // Her VM yes, Bob's no.
    ok(&app, Method::GET, &format!("/api/v1/vms/{alice_vm}"), &alice, None).await;
    for path in [format!("/api/v1/vms/{bob_vm}"), format!("/api/v1/vms/{bob_vm}/screenshot")] {
        let (s, v) = app.json(Method::GET, &path, Some(&alice), None).await;
        assert_error(s, &v, 404, "VM_NOT_FOUND");
    }
    let (s, v) = app.json(Method::POST, &format!("/api/v1/vms/{bob_vm}/console"), Some(&alice), Some(json!({"kind": "vnc"}))).await;
    assert_error(s, &v, 404, "VM_NOT_FOUND");
    let (s, v) = app.json(Method::POST, &format!("/api/v1/vms/{bob_vm}/reset-baseline"), Some(&alice), Some(json!({"confirm": true}))).await;
    assert_error(s, &v, 404, "VM_NOT_FOUND");
    // The class wall, statistics, members, bulk: teachers only.
    for path in [format!("/api/v1/labs/{lab}/seats"), format!("/api/v1/courses/{c1}/statistics"), format!("/api/v1/courses/{c1}/members")] {
        let (s, v) = app.json(Method::GET, &path, Some(&alice), None).await;
        assert_error(s, &v, 403, "FORBIDDEN");
    }
    let (s, v) = app.json(Method::POST, &format!("/api/v1/labs/{lab}/bulk"), Some(&alice), Some(json!({"action": "stop", "vm_ids": [bob_vm]}))).await;
    assert_error(s, &v, 403, "FORBIDDEN");
    let (s, v) = app.json(Method::POST, "/api/v1/courses", Some(&alice), Some(json!({"code": "X-1", "title": "Mine"}))).await;
    assert_error(s, &v, 403, "FORBIDDEN");
    // The other course's teacher does not reach course 1's VMs or wall.
    let (s, v) = app.json(Method::GET, &format!("/api/v1/vms/{alice_vm}"), Some(&t2), None).await;
    assert_error(s, &v, 404, "VM_NOT_FOUND");
    let (s, v) = app.json(Method::GET, &format!("/api/v1/labs/{lab}/seats"), Some(&t2), None).await;
    assert_error(s, &v, 404, "LAB_NOT_FOUND");
    // Course 1's teacher does: watch (view-only ticket) once it runs.
    let opened = ok(&app, Method::POST, &format!("/api/v1/labs/{lab}/open"), &alice, None).await;
    wait_op(&app, &alice, opened["operation"]["id"].as_i64().unwrap()).await;
    let ticket = ok(&app, Method::POST, &format!("/api/v1/vms/{alice_vm}/console"), &t1, Some(json!({"kind": "vnc", "view_only": true}))).await;
    assert_eq!(ticket["view_only"], true);
    let shot = app.http.get(app.url(&format!("/api/v1/vms/{alice_vm}/screenshot?width=160"))).bearer_auth(&t1).send().await.unwrap();
    assert_eq!(shot.status(), StatusCode::OK);

    // The teacher stops the student's VM: the operation is theirs to follow
    // (get, wait, events), the student's too, and not the other teacher's.
    let (t1_events, t2_events) = (collect_events(&app, &t1), collect_events(&app, &t2));
    tokio::time::sleep(Duration::from_millis(200)).await;
    let (s, v) = app.json(Method::PUT, &format!("/api/v1/vms/{alice_vm}/state"), Some(&t1), Some(json!({"action": "stop"}))).await;
    assert_eq!(s, StatusCode::ACCEPTED, "{v}");
    let op = v["data"]["id"].as_i64().unwrap();
    assert_eq!(wait_op(&app, &t1, op).await["status"], "succeeded");
    ok(&app, Method::GET, &format!("/api/v1/operations/{op}"), &alice, None).await;
    // And one the student asks for herself: her teacher may follow it too.
    let (s, v) = app.json(Method::PUT, &format!("/api/v1/vms/{alice_vm}/state"), Some(&alice), Some(json!({"action": "start"}))).await;
    assert_eq!(s, StatusCode::ACCEPTED, "{v}");
    let hers = v["data"]["id"].as_i64().unwrap();
    assert_eq!(wait_op(&app, &t1, hers).await["status"], "succeeded");
    ok(&app, Method::GET, &format!("/api/v1/operations/{hers}"), &t1, None).await;
    for id in [op, hers] {
        for path in [format!("/api/v1/operations/{id}"), format!("/api/v1/operations/{id}/wait?timeout=1")] {
            let (s, v) = app.json(Method::GET, &path, Some(&t2), None).await;
            assert_error(s, &v, 404, "OPERATION_NOT_FOUND");
        }
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let about = |events: &[Value], id: i64| events.iter().filter(|e| e["operation"]["id"] == id).count();
    let states = |events: &[Value]| events.iter().filter(|e| e["type"] == "vm_state" && e["vm_id"] == alice_vm).count();
    let heard = t1_events.lock().unwrap().clone();
    assert!(about(&heard, op) >= 2 && about(&heard, hers) >= 2, "the teacher hears of both operations: {heard:?}");
    assert!(states(&heard) >= 4, "and of the VM's state changes: {heard:?}");
    let other = t2_events.lock().unwrap().clone();
    assert_eq!(about(&other, op) + about(&other, hers) + states(&other), 0, "another course's teacher hears nothing: {other:?}");
}

#[tokio::test]
async fn template_uploads_must_be_self_contained_qcow2() {
    let app = TestApp::spawn_for_vms().await;
    let admin = app.admin_token().await;
    let t = {
        app.create_user(&admin, "uploader", "teacher").await;
        app.login("uploader", "uploader-password").await
    };
    let course = ok(&app, Method::POST, "/api/v1/courses", &t, Some(json!({"code": "UP-1", "title": "Uploads"}))).await["id"].as_i64().unwrap();
    let work = tempfile::tempdir().unwrap();
    let make = |name: &str, args: &[&str]| {
        let p = work.path().join(name);
        let st = std::process::Command::new("qemu-img").args(args).arg(&p).arg("16M").status().unwrap();
        assert!(st.success());
        std::fs::read(&p).unwrap()
    };
    let good = make("good.qcow2", &["create", "-q", "-f", "qcow2"]);
    let raw = make("raw.qcow2", &["create", "-q", "-f", "raw"]);
    let backing = work.path().join("good.qcow2");
    let chained = make("chained.qcow2", &["create", "-q", "-f", "qcow2", "-F", "qcow2", "-b", backing.to_str().unwrap()]);

    async fn upload(app: &TestApp, t: &str, course: i64, name: &str, data: &[u8]) -> (StatusCode, Value) {
        use sha2::Digest;
        let sha = hex::encode(sha2::Sha256::digest(data));
        let tpl = ok(
            app,
            Method::POST,
            &format!("/api/v1/courses/{course}/templates"),
            t,
            Some(json!({"name": name, "upload": {"size_bytes": data.len(), "sha256": sha}, "kernel": "test-guest"})),
        )
        .await;
        assert_eq!(tpl["versions"][0]["status"], "uploading");
        let vid = tpl["versions"][0]["id"].as_i64().unwrap();
        let r = app
            .http
            .put(app.url(&format!("/api/v1/template-versions/{vid}/content?offset=0")))
            .bearer_auth(t)
            .body(data.to_vec())
            .send()
            .await
            .unwrap();
        let s = r.status();
        (s, r.json().await.unwrap())
    }
    let (s, v) = upload(&app, &t, course, "raw", &raw).await;
    assert_error(s, &v, 422, "VALIDATION_FAILED");
    assert!(v["error"]["message"].as_str().unwrap().contains("raw"), "{v}");
    let (s, v) = upload(&app, &t, course, "chained", &chained).await;
    assert_error(s, &v, 422, "VALIDATION_FAILED");
    assert!(v["error"]["message"].as_str().unwrap().contains("backing"), "{v}");
    // A broken image: qemu-img's complaint reaches the teacher without host paths.
    let mut broken = good.clone();
    broken[4..8].copy_from_slice(&9u32.to_be_bytes()); // a qcow2 version qemu-img refuses
    let (s, v) = upload(&app, &t, course, "broken", &broken).await;
    assert_error(s, &v, 422, "VALIDATION_FAILED");
    let data_dir = app.data_dir.path().to_str().unwrap();
    assert!(!v.to_string().contains(data_dir) && !v.to_string().contains("/pools/"), "no host path: {v}");
    // Refused uploads leave nothing behind.
    let list = ok(&app, Method::GET, &format!("/api/v1/courses/{course}/templates"), &t, None).await;
    assert!(list.as_array().unwrap().is_empty(), "{list}");
    let (s, v) = upload(&app, &t, course, "good", &good).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["data"]["status"], "ready");
    let files: Vec<_> = std::fs::read_dir(app.data_dir.path().join("pools/templates")).unwrap().flatten().map(|e| e.file_name()).collect();
    assert_eq!(files.len(), 1, "{files:?}");
}

#[tokio::test]
async fn a_closed_lab_stops_its_vms_and_refuses_students() {
    let app = spawn_with_fast_scheduler().await;
    let admin = app.admin_token().await;
    let (t, course, version) = course_with_template(&app, &admin, "sched", "S-1").await;
    let stu = enrol_new_student(&app, &admin, &t, course, "stu").await;
    let fmt = |secs: i64| {
        let at = time::OffsetDateTime::now_utc() + time::Duration::seconds(secs);
        at.format(&time::format_description::well_known::Rfc3339).unwrap()
    };
    // Not open yet: the student is refused.
    let p = ok(
        &app,
        Method::POST,
        &format!("/api/v1/courses/{course}/labs"),
        &t,
        Some(json!({"name": "Later", "template_version_id": version, "opens_at": fmt(3600)})),
    )
    .await;
    let (s, v) = app.json(Method::POST, &format!("/api/v1/labs/{}/open", p["lab"]["id"]), Some(&stu), None).await;
    assert_error(s, &v, 409, "LAB_NOT_OPEN");

    // Closes in a few seconds, auto-stop right at closing.
    let p = ok(
        &app,
        Method::POST,
        &format!("/api/v1/courses/{course}/labs"),
        &t,
        Some(json!({"name": "Now", "template_version_id": version, "closes_at": fmt(6), "auto_stop_minutes": 0})),
    )
    .await;
    let lab = p["lab"]["id"].as_i64().unwrap();
    wait_op(&app, &t, p["operation"]["id"].as_i64().unwrap()).await;
    let opened = ok(&app, Method::POST, &format!("/api/v1/labs/{lab}/open"), &stu, None).await;
    let vm = opened["vm"]["id"].as_i64().unwrap();
    wait_op(&app, &stu, opened["operation"]["id"].as_i64().unwrap()).await;
    let view = ok(&app, Method::GET, &format!("/api/v1/vms/{vm}"), &stu, None).await;
    let log = std::fs::read_to_string(app.run_dir(vm).join("qemu.log")).unwrap_or_default();
    assert_eq!(view["state"], "running", "{view} {log}");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while app.vm_state(&stu, vm).await != "stopped" {
        assert!(tokio::time::Instant::now() < deadline, "the scheduler did not stop the VM after the lab closed");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    let (s, v) = app.json(Method::POST, &format!("/api/v1/labs/{lab}/open"), Some(&stu), None).await;
    assert_error(s, &v, 409, "LAB_CLOSED");
    // The audit trail says the scheduler stopped it (the teacher reads it).
    let stops = ok(&app, Method::GET, &format!("/api/v1/audit?target_kind=vm&target_id={vm}&action=vm.stop"), &t, None).await;
    let by_scheduler: Vec<_> = stops.as_array().unwrap().iter().filter(|e| e["channel"] == "scheduler").collect();
    assert_eq!(by_scheduler.len(), 1, "{stops}");
    assert_eq!((by_scheduler[0]["via"].as_str(), by_scheduler[0]["result"].as_str()), (Some("scheduler"), Some("ok")));
    assert_eq!(by_scheduler[0]["summary"], "auto-stop after the lab closed");
}

#[tokio::test]
async fn idle_lab_vms_stop_but_one_with_an_open_console_keeps_running() {
    let app = spawn_with_fast_scheduler().await;
    let admin = app.admin_token().await;
    let (t, course, version) = course_with_template(&app, &admin, "idler", "IDLE-1").await;
    let mut tokens = Vec::new();
    for s in ["busy1", "idle1"] {
        tokens.push(enrol_new_student(&app, &admin, &t, course, s).await);
    }
    let p = ok(
        &app,
        Method::POST,
        &format!("/api/v1/courses/{course}/labs"),
        &t,
        Some(json!({"name": "Idle", "template_version_id": version, "idle_stop_minutes": 1})),
    )
    .await;
    let lab = p["lab"]["id"].as_i64().unwrap();
    wait_op(&app, &t, p["operation"]["id"].as_i64().unwrap()).await;
    let mut vms = Vec::new();
    for tok in &tokens {
        let opened = ok(&app, Method::POST, &format!("/api/v1/labs/{lab}/open"), tok, None).await;
        wait_op(&app, tok, opened["operation"]["id"].as_i64().unwrap()).await;
        vms.push(opened["vm"]["id"].as_i64().unwrap());
    }
    // busy1 keeps a serial console open (answering pings); idle1 has none.
    let ticket = ok(&app, Method::POST, &format!("/api/v1/vms/{}/console", vms[0]), &tokens[0], Some(json!({"kind": "serial"}))).await;
    let url = format!("{}?ticket={}", app.url(ticket["ws_path"].as_str().unwrap()).replace("http://", "ws://"), ticket["ticket"].as_str().unwrap());
    let (mut ws, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    let reader = tokio::spawn(async move {
        use futures_util::StreamExt;
        while let Some(Ok(_)) = ws.next().await {}
    });
    let deadline = tokio::time::Instant::now() + Duration::from_secs(100);
    while app.vm_state(&tokens[1], vms[1]).await != "stopped" {
        assert!(tokio::time::Instant::now() < deadline, "the idle VM was not stopped");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    assert_eq!(app.vm_state(&tokens[0], vms[0]).await, "running", "a VM with an open console counts as active");
    reader.abort();
}

#[tokio::test]
async fn a_roll_out_cancelled_half_way_stops_and_keeps_the_clones_it_made() {
    let app = TestApp::spawn_for_vms().await;
    let admin = app.admin_token().await;
    let (t, course, version) = course_with_template(&app, &admin, "teacher9", "BIG-1").await;
    let students = 64;
    let mut csv = String::new();
    for i in 1..=students {
        csv.push_str(&format!("big{i:02},Student {i}\n"));
    }
    enrol_csv(&app, &t, course, csv).await;

    let publication = ok(&app, Method::POST, &format!("/api/v1/courses/{course}/labs"), &t, Some(json!({"name": "Big", "template_version_id": version}))).await;
    let lab = publication["lab"]["id"].as_i64().unwrap();
    let op = publication["operation"]["id"].as_i64().unwrap();
    let cancelled = ok(&app, Method::POST, &format!("/api/v1/operations/{op}/cancel"), &t, None).await;
    assert_eq!(cancelled["status"], "cancelled", "{cancelled}");
    assert!(cancelled["error"].as_str().is_some_and(|e| e.starts_with("cancelled after")), "{cancelled}");
    let (s, v) = app.json(Method::POST, &format!("/api/v1/operations/{op}/cancel"), Some(&t), None).await;
    assert_error(s, &v, 409, "OPERATION_FINISHED");

    // It stopped: fewer clones than students, and each one made is whole.
    let seats = ok(&app, Method::GET, &format!("/api/v1/labs/{lab}/seats"), &t, None).await;
    let made: Vec<i64> = seats.as_array().unwrap().iter().filter_map(|s| s["vm_id"].as_i64()).collect();
    assert!(made.len() < students, "made {} of {students}", made.len());
    for vm in made {
        let v = ok(&app, Method::GET, &format!("/api/v1/vms/{vm}"), &t, None).await;
        let disk = v["disk_ids"][0].as_i64().unwrap_or_else(|| panic!("a clone without its disk: {v}"));
        assert!(app.data_dir.path().join(format!("pools/disks/{disk}.qcow2")).is_file());
    }
}

/// A CSV enrolment that takes longer than a moment is an operation on the
/// course: its teachers hear its progress and end, nobody else does; the
/// accounts come in one go with their passwords.
#[tokio::test]
async fn a_slow_csv_enrolment_reports_progress_as_an_operation_to_the_course_teachers_only() {
    let app = TestApp::spawn_with(|c| c.enrol_progress_after_ms = 0).await;
    let admin = app.admin_token().await;
    app.create_user(&admin, "teach", "teacher").await;
    app.create_user(&admin, "other", "teacher").await;
    let t = app.login("teach", "teach-password").await;
    let other = app.login("other", "other-password").await;
    let course = ok(&app, Method::POST, "/api/v1/courses", &t, Some(json!({"code": "BIG-1", "title": "Big"}))).await["id"].as_i64().unwrap();
    let heard = collect_events(&app, &t);
    let overheard = collect_events(&app, &other);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let csv: String = (0..12).map(|i| format!("big{i:02},Big {i}\n")).collect();
    let report = enrol_csv(&app, &t, course, csv).await;
    let report = &report["data"];
    assert_eq!(report["created"].as_array().unwrap().len(), 12);
    let op = report["operation_id"].as_i64().expect("the enrolment was an operation");
    let seen = ok(&app, Method::GET, &format!("/api/v1/operations/{op}"), &t, None).await;
    assert_eq!((seen["kind"].as_str(), seen["target_kind"].as_str(), seen["target_id"].as_i64(), seen["status"].as_str()), (Some("enrol"), Some("course"), Some(course), Some("succeeded")));
    let (s, v) = app.json(Method::GET, &format!("/api/v1/operations/{op}"), Some(&other), None).await;
    assert_error(s, &v, 404, "OPERATION_NOT_FOUND");
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mine: Vec<Value> = heard.lock().unwrap().iter().filter(|e| e["operation"]["id"] == op).cloned().collect();
    assert!(mine.len() >= 2, "the start and end were pushed: {mine:?}");
    assert_eq!(mine.last().unwrap()["operation"]["status"], "succeeded");
    assert!(overheard.lock().unwrap().iter().all(|e| e["operation"]["id"] != op), "another teacher heard nothing of it");
    // Each new account works with the password shown once.
    let first = &report["created"][0];
    let (s, _) = app.json(Method::POST, "/api/v1/auth/login", None, Some(json!({"username": first["username"], "password": first["password"]}))).await;
    assert_eq!(s, StatusCode::OK);
    let members = ok(&app, Method::GET, &format!("/api/v1/courses/{course}/members"), &t, None).await;
    assert_eq!(members.as_array().unwrap().len(), 13, "12 students and the teacher");
}
