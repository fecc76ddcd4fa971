//! The audit trail: each change once, with who asked and how it ended;
//! through the API and the UI; read by admins whole and by teachers for
//! their courses only; never holding a secret.

mod common;

use common::*;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

async fn trail(app: &TestApp, token: &str, query: &str) -> Vec<Value> {
    let (s, v) = app.json(Method::GET, &format!("/api/v1/audit?page_size=100&{query}"), Some(token), None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v["data"].as_array().unwrap().clone()
}

#[tokio::test]
async fn changes_are_recorded_once_with_actor_and_result_and_read_within_bounds() {
    let app = TestApp::spawn_for_vms().await;
    let admin = app.admin_token().await;
    let (teacher, course, version) = course_with_template(&app, &admin, "tina", "AU-100").await;
    let stu = enrol_new_student(&app, &admin, &teacher, course, "stu").await;
    let stu_id = ok(&app, Method::GET, "/api/v1/users?q=stu", &admin, None).await[0]["id"].as_i64().unwrap();
    let lab = ok(&app, Method::POST, &format!("/api/v1/courses/{course}/labs"), &teacher, Some(json!({"name": "Audited", "template_version_id": version}))).await;
    let op = lab["operation"]["id"].as_i64().unwrap();
    ok(&app, Method::GET, &format!("/api/v1/operations/{op}/wait?timeout=60"), &teacher, None).await;
    let seats = ok(&app, Method::GET, &format!("/api/v1/labs/{}/seats", lab["lab"]["id"]), &teacher, None).await;
    let lab_vm = seats[0]["vm_id"].as_i64().unwrap();

    // A student's own VM: made, started, stopped, stopped again (refused), deleted.
    let vm = app.create_vm(&stu, json!({"name": "mine", "kernel": "test-guest", "memory_mib": 128, "network": "none"})).await;
    app.vm_action(&stu, vm, json!({"action": "start"})).await;
    app.vm_action(&stu, vm, json!({"action": "stop"})).await;
    let (s, v) = app.json(Method::PUT, &format!("/api/v1/vms/{vm}/state"), Some(&stu), Some(json!({"action": "stop"}))).await;
    assert_error(s, &v, 409, "INVALID_STATE");
    let (s, _) = app.json(Method::DELETE, &format!("/api/v1/vms/{vm}"), Some(&stu), None).await;
    assert_eq!(s, StatusCode::OK);
    // The teacher resets the student's lab VM.
    ok(&app, Method::POST, &format!("/api/v1/vms/{lab_vm}/reset-baseline"), &teacher, Some(json!({"confirm": true}))).await;

    let mine = trail(&app, &admin, &format!("user_id={stu_id}&target_kind=vm&target_id={vm}")).await;
    let actions: Vec<(&str, &str)> = mine.iter().rev().map(|e| (e["action"].as_str().unwrap(), e["result"].as_str().unwrap())).collect();
    assert_eq!(
        actions,
        [("vm.create", "ok"), ("vm.start", "ok"), ("vm.stop", "ok"), ("vm.stop", "INVALID_STATE"), ("vm.delete", "ok")],
        "each once, in order: {mine:?}"
    );
    for e in &mine {
        assert_eq!((e["username"].as_str(), e["role"].as_str(), e["via"].as_str()), (Some("stu"), Some("student"), Some("token")), "{e}");
        assert_eq!((e["channel"].as_str(), e["client"].as_str()), (Some("api"), Some("127.0.0.1")), "{e}");
    }
    assert_eq!(mine[1]["status"], 409, "the refused stop: {}", mine[1]);
    let reset = trail(&app, &admin, "action=vm.reset-baseline").await;
    assert_eq!(reset.len(), 1, "{reset:?}");
    assert_eq!((reset[0]["username"].as_str(), reset[0]["target_id"].as_i64()), (Some("tina"), Some(lab_vm)));
    assert_eq!(reset[0]["course_id"], course);
    assert_eq!(reset[0]["summary"], "confirm=true");

    // Students read none of it; a teacher reads their course's part only.
    let (s, v) = app.json(Method::GET, "/api/v1/audit", Some(&stu), None).await;
    assert_error(s, &v, 403, "FORBIDDEN");
    let (s, _) = app.json(Method::GET, "/api/v1/audit/export", Some(&stu), None).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let theirs = trail(&app, &teacher, "").await;
    assert!(theirs.iter().any(|e| e["action"] == "vm.reset-baseline"), "{theirs:?}");
    assert!(theirs.iter().any(|e| e["action"] == "course.labs.create"), "{theirs:?}");
    assert!(theirs.iter().all(|e| e["course_id"] == course), "only the course's: {theirs:?}");
    assert!(!theirs.iter().any(|e| e["target_id"] == vm && e["target_kind"] == "vm"), "not the student's own VM");
    course_with_template(&app, &admin, "olga", "AU-200").await;
    let olga = app.login("olga", "olga-password").await;
    assert!(trail(&app, &olga, "").await.iter().all(|e| e["course_id"] != course), "another teacher sees none of it");
    let (s, v) = app.json(Method::GET, "/api/v1/audit?from=yesterday", Some(&admin), None).await;
    assert_error(s, &v, 422, "VALIDATION_FAILED");
    let (s, _) = app.json(Method::GET, "/api/v1/audit?target_kind=everything", Some(&admin), None).await;
    assert!(s.is_client_error(), "{s}");

    // The UI's doors: the login form and a server function.
    let browser = app.browser("admin", ADMIN_PASSWORD).await;
    let (s, v) = app.server_fn(&browser, "create_user", json!({"input": {"username": "uiuser", "password": "ui-secret-password", "role": "student"}})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let made = trail(&app, &admin, "action=user.create").await;
    let ui = made.iter().find(|e| e["channel"] == "ui").expect("the server function's create");
    assert_eq!((ui["via"].as_str(), ui["username"].as_str(), ui["summary"].as_str()), (Some("session"), Some("admin"), Some("username=uiuser role=student")));
    assert!(ui["target_id"].is_i64(), "{ui}");
    // The Audit page reads it through a server function (a read, not recorded).
    let read = |query: serde_json::Value| app.server_fn(&browser, "list_audit", json!({"query": query, "page": {"page": 1}}));
    let (s, page) = read(json!({"action": "user.create"})).await;
    assert_eq!(s, StatusCode::OK);
    assert!(page["items"].as_array().unwrap().iter().all(|e| e["action"] == "user.create") && page["pagination"]["total"].as_u64() >= Some(1), "{page}");
    let (s, v) = read(json!({"target_kind": "everything"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(v.to_string().contains("target_kind"), "{v}");
    assert!(trail(&app, &admin, "action=audit").await.is_empty(), "reads are not recorded");
    let logins = trail(&app, &admin, "action=auth.login").await;
    assert!(logins.iter().any(|e| e["channel"] == "ui" && e["username"] == "admin" && e["user_id"] == 1 && e["via"] == "password" && e["result"] == "ok"), "{logins:?}");

    // No password or token anywhere in it, whatever was sent.
    let (s, _) = app.json(Method::POST, "/api/v1/auth/login", None, Some(json!({"username": "stu", "password": "wrong-guess-secret"}))).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    ok(&app, Method::PUT, "/api/v1/auth/password", &stu, Some(json!({"current_password": "stu-password", "new_password": "stu-new-secret-pw"}))).await;
    let token = ok(&app, Method::POST, "/api/v1/auth/tokens", &admin, Some(json!({"name": "ci"}))).await;
    let csv = app.call(Method::GET, "/api/v1/audit/export", Some(&admin), None).await;
    assert!(csv.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    let csv = csv.text().await.unwrap();
    assert!(csv.starts_with("id,at,user_id,username"), "{csv}");
    assert!(csv.contains(",auth.password,") && csv.contains(",auth.tokens.create,"), "{csv}");
    let refused = trail(&app, &admin, "action=auth.login&result=error").await;
    assert!(refused.iter().any(|e| e["username"] == "stu" && e["user_id"].is_null()), "the failed login: {refused:?}");
    let json_trail = serde_json::to_string(&trail(&app, &admin, "").await).unwrap();
    for secret in [ADMIN_PASSWORD, "stu-password", "stu-new-secret-pw", "wrong-guess-secret", "ui-secret-password", &admin, &stu, token["token"].as_str().unwrap()] {
        assert!(!csv.contains(secret) && !json_trail.contains(secret), "{secret} is in the trail");
    }
}
