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
    // Let anything still running from earlier requests finish first.
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    STATEMENTS.store(0, Ordering::SeqCst);
    ok(app, Method::GET, path, token, None).await;
    STATEMENTS.load(Ordering::SeqCst)
}

#[tokio::test]
async fn a_page_of_100_vms_runs_as_many_statements_as_a_page_of_one() {
    use tracing_subscriber::layer::SubscriberExt;
    tracing::subscriber::set_global_default(tracing_subscriber::registry().with(CountStatements)).unwrap();
    let app = TestApp::spawn_with(|c| c.scheduler_interval_secs = 3600).await;
    let admin = app.admin_token().await;
    for n in 0..100 {
        let vm = app.create_vm(&admin, json!({"name": format!("vm-{n}"), "port_forwards": [{"protocol": "tcp", "guest_port": 22}]})).await;
        if n % 10 == 0 {
            let disk = ok(&app, Method::POST, "/api/v1/disks", &admin, Some(json!({"name": format!("d-{n}"), "size_mib": 1}))).await;
            ok(&app, Method::POST, &format!("/api/v1/disks/{}/attach", disk["id"]), &admin, Some(json!({"vm_id": vm}))).await;
        }
    }
    let page = ok(&app, Method::GET, "/api/v1/vms?page_size=100", &admin, None).await;
    let page = page.as_array().unwrap();
    assert_eq!(page.len(), 100);
    assert!(page.iter().all(|v| v["port_forwards"].as_array().unwrap().len() == 1), "every VM shows its forward");
    assert_eq!(page.iter().filter(|v| v["disk_ids"].as_array().unwrap().len() == 1).count(), 10, "and its disk");

    let one = statements_of(&app, &admin, "/api/v1/vms?page_size=1").await;
    let hundred = statements_of(&app, &admin, "/api/v1/vms?page_size=100").await;
    println!("GET /api/v1/vms: {one} statements for 1 VM, {hundred} for 100");
    assert!(one > 0, "statements are counted");
    assert_eq!(one, hundred, "a page of 100 VMs runs {hundred} statements, a page of one {one}");
}
