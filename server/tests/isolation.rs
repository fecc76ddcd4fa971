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
