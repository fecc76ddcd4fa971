//! A VM's history: sampled while it runs, at the step asked for, bounded by
//! downsampling, and gone with the VM.

mod common;

use common::*;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use server::store::metrics::{max_rows_per_vm, tiers, Sample};
use std::time::Duration;

/// The last minute's history at `step` seconds.
fn last_minute(step: u64) -> String {
    let now = server::time::now();
    format!("from={}&to={}&step={step}", server::time::rfc3339(now - 60), server::time::rfc3339(now + 1))
}

async fn history(app: &TestApp, token: &str, vm: i64, query: &str) -> Value {
    let (s, v) = app.json(Method::GET, &format!("/api/v1/vms/{vm}/metrics/history?{query}"), Some(token), None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v["data"].clone()
}

fn seconds(at: &Value) -> i64 {
    time::OffsetDateTime::parse(at.as_str().unwrap(), &time::format_description::well_known::Rfc3339).unwrap().unix_timestamp()
}

#[tokio::test]
async fn history_is_sampled_downsampled_bounded_and_deleted_with_the_vm() {
    let app = TestApp::spawn_with(|c| {
        c.accel = server::config::Accel::Tcg;
        c.metrics_interval_secs = 1;
    })
    .await;
    install_guest_kernel(app.data_dir.path(), "test-guest", "");
    let admin = app.admin_token().await;

    // A running guest gets points at the step asked for.
    let vm = app.create_vm(&admin, json!({"name": "sampled", "memory_mib": 128, "kernel": "test-guest", "network": "none"})).await;
    app.vm_action(&admin, vm, json!({"action": "start"})).await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    let points = loop {
        let h = history(&app, &admin, vm, &last_minute(1)).await;
        if h["points"].as_array().unwrap().len() >= 3 {
            break h;
        }
        assert!(tokio::time::Instant::now() < deadline, "no history after a minute: {h}");
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    assert_eq!(points["step_secs"], 1);
    for p in points["points"].as_array().unwrap() {
        assert!(p["rss_bytes"].as_u64().unwrap() > 16 << 20, "{p}");
        assert!(p["rx_bytes_per_sec"].is_null(), "no network, no invented zeros: {p}");
    }
    let two = history(&app, &admin, vm, &last_minute(2)).await;
    assert_eq!(two["step_secs"], 2);
    assert!(two["points"].as_array().unwrap().iter().all(|p| seconds(&p["at"]) % 2 == 0), "{two}");
    // Who may not see the VM may not see its history.
    app.create_user(&admin, "peer", "student").await;
    let peer = app.login("peer", "peer-password").await;
    let (s, v) = app.json(Method::GET, &format!("/api/v1/vms/{vm}/metrics/history"), Some(&peer), None).await;
    assert_error(s, &v, 404, "VM_NOT_FOUND");
    let (s, v) = app.json(Method::GET, &format!("/api/v1/vms/{vm}/metrics/history?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z"), Some(&admin), None).await;
    assert_error(s, &v, 422, "VALIDATION_FAILED");

    // The host: its VMs and what they hold, and its own history.
    let (s, v) = app.json(Method::GET, "/api/v1/system/status", Some(&admin), None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let host = &v["data"];
    assert_eq!(host["accelerator"], "tcg", "{host}");
    assert!(host["qemu_version"].as_str().unwrap().contains("QEMU"), "{host}");
    assert!(host["memory"]["total_bytes"].as_u64().unwrap() > host["memory"]["available_bytes"].as_u64().unwrap(), "{host}");
    assert!(host["cpu"]["cores"].as_u64().unwrap() >= 1 && host["cpu"]["percent"].as_f64().unwrap() > 0.0, "a guest runs: {host}");
    let running = host["vms"].as_array().unwrap().iter().find(|c| c["state"] == "running").unwrap();
    assert_eq!(running["count"], 1, "{host}");
    assert_eq!(host["capacity"]["running_memory_mib"], 128, "{host}");
    assert_eq!(host["capacity"]["running_vcpus"], 1, "{host}");
    let pools: Vec<&str> = host["pools"].as_array().unwrap().iter().map(|p| p["pool"].as_str().unwrap()).collect();
    assert_eq!(pools, ["disks", "isos", "templates", "kernels"]);
    assert!(host["pools"][0]["free_bytes"].as_u64().unwrap() > 0, "{host}");
    let (s, v) = app.json(Method::GET, &format!("/api/v1/system/status/history?{}", last_minute(1)), Some(&admin), None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let points = v["data"]["points"].as_array().unwrap();
    assert!(points.len() >= 3, "sampled every second: {v}");
    assert!(points.iter().any(|p| p["running_vms"] == 1 && p["memory_used_bytes"].as_u64().unwrap() > 0), "{v}");
    for path in ["/api/v1/system/status", "/api/v1/system/status/history"] {
        let (s, v) = app.json(Method::GET, path, Some(&peer), None).await;
        assert_error(s, &v, 403, "FORBIDDEN");
    }
    app.vm_action(&admin, vm, json!({"action": "stop"})).await;

    // 30 days of samples every 10 s (coarser where only coarse tiers keep
    // them) for a VM that is not running: the rows stay within the tiers.
    let quiet = app.create_vm(&admin, json!({"name": "archive", "memory_mib": 128})).await;
    let store = server::store::Store::open(&app.database_url).await.unwrap();
    let now = server::time::now();
    let mut t = now - 30 * 86_400;
    let mut written = 0i64;
    while t <= now {
        let age = now - t;
        let sample = Sample { cpu_percent: 50.0, vcpu_percent: 40.0, rss_bytes: 1 << 27, read_bytes: 0, write_bytes: written, rx_bytes: None, tx_bytes: None };
        store.record_samples(1, t, &[(quiet, sample)]).await.unwrap();
        written += 1 << 20;
        t += match age {
            a if a > 86_400 => 600,
            a if a > 3600 => 60,
            _ => 10,
        };
    }
    store.prune_samples(1, now).await.unwrap();
    let count = |tier: i64| {
        let app = &app;
        async move {
            let sql = format!("SELECT CAST(COUNT(*) AS TEXT) FROM vm_samples WHERE vm_id = {quiet} AND tier = {tier}");
            app.db_strings(&sql).await[0].parse::<i64>().unwrap()
        }
    };
    let mut total = 0;
    for (tier, (step, keep)) in tiers(1).into_iter().enumerate() {
        let rows = count(tier as i64).await;
        // Each tier holds at most one bucket per step it keeps (the last hour was sampled every 10 s).
        assert!(rows <= keep / step.max(10) + 2, "tier {tier}: {rows} rows");
        total += rows;
    }
    assert!(total <= max_rows_per_vm(1), "{total} rows");
    assert!(total > 3000, "every tier holds its range: {total} rows");
    // Each range answers at its tier's resolution.
    // (Ranges start a little inside what each tier keeps as of the query,
    // however long the samples took to write.)
    for (range, step) in [(3600, 10), (86_400, 60), (7 * 86_400, 600), (30 * 86_400, 3600)] {
        let from = server::time::now() - range + 2 * step;
        let expect = (now - from) / step;
        let (from, to) = (server::time::rfc3339(from), server::time::rfc3339(now));
        let h = history(&app, &admin, quiet, &format!("from={from}&to={to}&step={step}")).await;
        assert_eq!(h["step_secs"], step);
        let n = h["points"].as_array().unwrap().len() as i64;
        assert!((expect - 3..=expect + 3).contains(&n), "{range} s at {step} s: {n} points, expected about {expect}");
        let p = &h["points"][n as usize / 2];
        assert_eq!(p["cpu_percent"], 50.0, "{p}");
        // 1 MiB per sample: the write rate follows the sampling.
        assert!(p["write_bytes_per_sec"].as_f64().unwrap() > 0.0, "{p}");
    }

    // The history goes with the VM.
    let (s, _) = app.json(Method::DELETE, &format!("/api/v1/vms/{quiet}"), Some(&admin), None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(count(0).await + count(1).await + count(2).await + count(3).await, 0);
}
