//! Lists run a fixed number of SQL statements, whatever their page size.
//! Statements are counted from sqlx's statement log; this file holds one
//! test, so its process runs nothing else.

mod common;

use common::*;
use reqwest::Method;
use serde_json::json;
use std::sync::atomic::{AtomicUsize, Ordering};

static STATEMENTS: AtomicUsize = AtomicUsize::new(0);

/// Counts every statement sqlx runs (its `sqlx::query` events).
struct CountStatements;

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for CountStatements {
    fn on_event(&self, event: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        if event.metadata().target() == "sqlx::query" {
            STATEMENTS.fetch_add(1, Ordering::SeqCst);
        }
    }
}

/// The statements one authenticated GET runs.
async fn statements_of(app: &TestApp, token: &str, path: &str) -> usize {
    // Once unmeasured: a token's first use of a while also records that.
    app.http.get(app.url(path)).bearer_auth(token).send().await.unwrap().bytes().await.unwrap();
    // Let anything still running from earlier requests finish first.
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    STATEMENTS.store(0, Ordering::SeqCst);
    let resp = app.http.get(app.url(path)).bearer_auth(token).send().await.unwrap();
    assert_eq!(resp.status(), 200, "GET {path}: {}", resp.text().await.unwrap_or_default());
    resp.bytes().await.unwrap();
    STATEMENTS.load(Ordering::SeqCst)
}

/// A GET's statements for a small and a large variant of the same list.
struct Case {
    what: &'static str,
    small: String,
    large: String,
    token: String,
}

async fn publish(app: &TestApp, teacher: &str, course: i64, name: &str, version: i64) -> i64 {
    let p = ok(app, Method::POST, &format!("/api/v1/courses/{course}/labs"), teacher, Some(json!({"name": name, "template_version_id": version}))).await;
    let op = p["operation"]["id"].as_i64().unwrap();
    let done = ok(app, Method::GET, &format!("/api/v1/operations/{op}/wait?timeout=120"), teacher, None).await;
    assert_eq!(done["status"], "succeeded", "{done}");
    p["lab"]["id"].as_i64().unwrap()
}

#[tokio::test]
async fn every_list_runs_as_many_statements_for_100_rows_as_for_one() {
    use tracing_subscriber::layer::SubscriberExt;
    tracing::subscriber::set_global_default(tracing_subscriber::registry().with(CountStatements)).unwrap();
    let app = TestApp::spawn_with(|c| {
        c.scheduler_interval_secs = 3600;
        // The sampler's writes would count too.
        c.metrics_interval_secs = 0;
        // So would the heartbeat's (and, on PostgreSQL, the shared limits'
        // pruning beside it): once at start, then not within this test.
        c.heartbeat_secs = 300;
        // Kept pages would answer without a statement.
        c.list_cache_entries = 0;
    })
    .await;
    common::install_guest_kernel(app.data_dir.path(), "test-guest", "");
    let admin = app.admin_token().await;

    // The admin's 100 VMs (one forward each, every tenth with a disk), 100 ISOs.
    for n in 0..100 {
        let vm = app.create_vm(&admin, json!({"name": format!("vm-{n}"), "port_forwards": [{"protocol": "tcp", "guest_port": 22}]})).await;
        if n % 10 == 0 {
            let disk = ok(&app, Method::POST, "/api/v1/disks", &admin, Some(json!({"name": format!("d-{n}"), "size_mib": 1}))).await;
            ok(&app, Method::POST, &format!("/api/v1/disks/{}/attach", disk["id"]), &admin, Some(json!({"vm_id": vm}))).await;
        }
        let sha = format!("{n:064x}");
        ok(&app, Method::POST, "/api/v1/isos", &admin, Some(json!({"name": format!("iso-{n}"), "size_bytes": 1, "sha256": sha}))).await;
    }
    for n in 0..100 {
        ok(&app, Method::POST, "/api/v1/disks", &admin, Some(json!({"name": format!("spare-{n}"), "size_mib": 1}))).await;
    }
    // Course A: one student, one lab. Course B: 100 labs published before
    // its 100 students came (CSV), and one after, so it has 100 clones.
    let (ta, a, va) = course_with_template(&app, &admin, "teacher-a", "A-1").await;
    let solo = enrol_new_student(&app, &admin, &ta, a, "solo").await;
    let lab_a = publish(&app, &ta, a, "only", va).await;
    let (tb, b, vb) = course_with_template(&app, &admin, "teacher-b", "B-100").await;
    for n in 0..99 {
        publish(&app, &tb, b, &format!("empty-{n}"), vb).await;
    }
    let csv: String = (0..100).map(|n| format!("b{n:03},Student {n}\n")).collect();
    let resp = app.http.post(app.url(&format!("/api/v1/courses/{b}/members/csv"))).bearer_auth(&tb).header("content-type", "text/csv").body(csv).send().await.unwrap();
    assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
    let lab_b = publish(&app, &tb, b, "full", vb).await;
    let busy = {
        let report: serde_json::Value = ok(&app, Method::GET, &format!("/api/v1/courses/{b}/members"), &tb, None).await;
        let s = report.as_array().unwrap().iter().find(|m| m["username"] == "b000").expect("b000 is a member").clone();
        s["user_id"].as_i64().unwrap()
    };
    let busy_token = {
        // A one-time password is replaced at first login; reset it to a known one.
        ok(&app, Method::PUT, &format!("/api/v1/users/{busy}/password"), &admin, Some(json!({"new_password": "busy-student-pw"}))).await;
        app.login("b000", "busy-student-pw").await
    };
    // 100 more courses for the course list.
    for n in 0..100 {
        ok(&app, Method::POST, "/api/v1/courses", &admin, Some(json!({"code": format!("X-{n}"), "title": "Extra"}))).await;
    }
    let admin_id = ok(&app, Method::GET, "/api/v1/auth/me", &admin, None).await["id"].as_i64().unwrap();
    let tpl = |course: i64, teacher: &str| {
        let (app, teacher) = (&app, teacher.to_owned());
        async move { ok(app, Method::GET, &format!("/api/v1/courses/{course}/templates"), &teacher, None).await[0]["id"].as_i64().unwrap() }
    };
    let (tpl_a, tpl_b) = (tpl(a, &ta).await, tpl(b, &tb).await);
    let paged = |what: &'static str, path: &str, token: &str| Case {
        what,
        small: format!("{path}?page_size=1"),
        large: format!("{path}?page_size=100"),
        token: token.to_owned(),
    };
    let pair = |what: &'static str, small: String, large: String, token: &str| Case { what, small, large, token: token.to_owned() };
    let cases = [
        paged("VMs", "/api/v1/vms", &admin),
        paged("disks", "/api/v1/disks", &admin),
        paged("ISOs", "/api/v1/isos", &admin),
        paged("operations", "/api/v1/operations", &admin),
        paged("courses with counts", "/api/v1/courses", &admin),
        paged("users", "/api/v1/users", &admin),
        pair("members", format!("/api/v1/courses/{a}/members"), format!("/api/v1/courses/{b}/members"), &admin),
        pair("labs", format!("/api/v1/courses/{a}/labs"), format!("/api/v1/courses/{b}/labs"), &admin),
        pair("seats (the class wall)", format!("/api/v1/labs/{lab_a}/seats"), format!("/api/v1/labs/{lab_b}/seats"), &admin),
        pair("statistics", format!("/api/v1/courses/{a}/statistics"), format!("/api/v1/courses/{b}/statistics"), &admin),
        pair("statistics CSV", format!("/api/v1/courses/{a}/statistics.csv"), format!("/api/v1/courses/{b}/statistics.csv"), &admin),
        pair("templates with versions", format!("/api/v1/courses/{a}/templates"), format!("/api/v1/courses/{b}/templates"), &admin),
        pair("a template", format!("/api/v1/templates/{tpl_a}"), format!("/api/v1/templates/{tpl_b}"), &admin),
        pair("quota usage of a course", format!("/api/v1/courses/{a}/quota"), format!("/api/v1/courses/{b}/quota"), &admin),
        pair("quota usage of a user", format!("/api/v1/users/{busy}/quota"), format!("/api/v1/users/{admin_id}/quota"), &admin),
        pair("my labs", "/api/v1/me/labs".into(), "/api/v1/me/labs".into(), &solo),
        pair("my labs (100)", "/api/v1/me/labs".into(), "/api/v1/me/labs".into(), &busy_token),
        pair("system overview", "/api/v1/system/overview".into(), "/api/v1/system/overview".into(), &admin),
    ];
    // Each large variant really is large.
    let rows = |v: &serde_json::Value| v.as_array().map_or(0, Vec::len);
    assert_eq!(rows(&ok(&app, Method::GET, &format!("/api/v1/courses/{b}/labs"), &admin, None).await), 100);
    assert_eq!(rows(&ok(&app, Method::GET, &format!("/api/v1/labs/{lab_b}/seats"), &admin, None).await), 100);
    assert_eq!(ok(&app, Method::GET, &format!("/api/v1/courses/{b}/statistics"), &admin, None).await["rows"].as_array().unwrap().len(), 100);
    assert_eq!(rows(&ok(&app, Method::GET, "/api/v1/me/labs", &busy_token, None).await), 100);

    let mut failures = Vec::new();
    for case in &cases {
        let small = statements_of(&app, &case.token, &case.small).await;
        let large = statements_of(&app, &case.token, &case.large).await;
        println!("{:<28} {small:>3} statements small, {large:>3} large", case.what);
        if small == 0 || small != large {
            failures.push(format!("{}: {small} statements for the small list, {large} for the large one", case.what));
        }
    }
    // The one-VM and 100-VM users' own VM lists.
    let one = statements_of(&app, &solo, "/api/v1/vms?page_size=100").await;
    let hundred = statements_of(&app, &admin, "/api/v1/vms?page_size=100").await;
    println!("{:<28} {one:>3} statements small, {hundred:>3} large", "a student's VMs");
    if one != hundred {
        failures.push(format!("a student's VMs: {one} statements for one VM, {hundred} for 100"));
    }
    assert!(failures.is_empty(), "lists with per-row statements:\n{}", failures.join("\n"));
}
