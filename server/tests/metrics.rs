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

/// `GET /metrics` with an optional bearer token and more headers: the text, or the status it was refused with.
async fn scrape(app: &TestApp, token: Option<&str>, headers: &[(&str, &str)]) -> Result<String, StatusCode> {
    let mut req = client().get(app.url("/metrics"));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    for (h, v) in headers {
        req = req.header(*h, *v);
    }
    let resp = req.send().await.unwrap();
    if resp.status() != StatusCode::OK {
        return Err(resp.status());
    }
    assert!(resp.headers()["content-type"].to_str().unwrap().starts_with("application/openmetrics-text"));
    Ok(resp.text().await.unwrap())
}

/// Parses an exposition (the strict OpenMetrics conformance check, over
/// every route the contract fuzzer reaches, is in clients/check.sh).
fn parse_exposition(text: &str) -> Vec<prometheus_parse::Sample> {
    assert!(text.ends_with("# EOF\n"), "{text}");
    let lines = text.lines().map(|l| Ok(l.to_owned()));
    prometheus_parse::Scrape::parse(lines).expect("a valid exposition").samples
}

/// The value of the sample line that starts `series` (name and labels as written).
fn series_value(text: &str, series: &str) -> Option<f64> {
    text.lines().find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

fn number(s: &prometheus_parse::Sample) -> f64 {
    match s.value {
        prometheus_parse::Value::Counter(v) | prometheus_parse::Value::Gauge(v) | prometheus_parse::Value::Untyped(v) => v,
        _ => panic!("{} is not a number", s.metric),
    }
}

#[tokio::test]
async fn metrics_are_refused_when_off_and_without_the_token() {
    let off = TestApp::spawn_with(|c| c.prometheus = server::config::Prometheus::Off).await;
    assert_eq!(scrape(&off, None, &[]).await.unwrap_err(), StatusCode::NOT_FOUND);
    let token = "scrape-secret-0123456789";
    let guarded = TestApp::spawn_with(|c| {
        c.prometheus = server::config::Prometheus::Token;
        c.prometheus_token = Some(server::config::Secret::new(token));
    })
    .await;
    assert_eq!(scrape(&guarded, None, &[]).await.unwrap_err(), StatusCode::UNAUTHORIZED, "not even from this host");
    assert_eq!(scrape(&guarded, Some("scrape-secret-wrong-guess"), &[]).await.unwrap_err(), StatusCode::UNAUTHORIZED);
    // A user's API token is not the scrape token.
    let admin = guarded.admin_token().await;
    assert_eq!(scrape(&guarded, Some(&admin), &[]).await.unwrap_err(), StatusCode::UNAUTHORIZED);
    let text = scrape(&guarded, Some(token), &[("X-Forwarded-For", "203.0.113.9")]).await.expect("the token is enough");
    let samples = parse_exposition(&text);
    assert!(samples.iter().any(|s| s.metric == "vlab_build_info"), "{text}");
    assert!(!text.contains(token));
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
    // "The last day", asked a few seconds ago, still reads the minute tier (a
    // 10-minute step would mean the week's).
    let day = server::time::rfc3339(server::time::now() - 86_400 - 5);
    assert_eq!(history(&app, &admin, vm, &format!("from={day}")).await["step_secs"], 180);
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
    // A quarter second of an idle host may be all zero; the history below shows the boot's work.
    let percent = host["cpu"]["percent"].as_f64().unwrap();
    assert!(host["cpu"]["cores"].as_u64().unwrap() >= 1 && (0.0..=100.0).contains(&percent), "{host}");
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
    assert!(points.iter().any(|p| p["cpu_percent"].as_f64().unwrap() > 0.0), "a guest booted: {v}");
    let (s, v) = app.json(Method::GET, "/api/v1/system/status/history?step=0", Some(&admin), None).await;
    assert_error(s, &v, 422, "VALIDATION_FAILED");
    assert!(v["error"]["details"]["fields"]["step"].is_string(), "{v}");
    for path in ["/api/v1/system/status", "/api/v1/system/status/history"] {
        let (s, v) = app.json(Method::GET, path, Some(&peer), None).await;
        assert_error(s, &v, 403, "FORBIDDEN");
    }

    // Prometheus: this host may scrape (the default), a proxied request may not.
    let text = scrape(&app, None, &[]).await.expect("served to this host");
    let samples = parse_exposition(&text);
    let vm_label = vm.to_string();
    let of_vm = |metric: &str| {
        samples.iter().find(|s| s.metric == metric && s.labels.get("vm_id") == Some(vm_label.as_str())).unwrap_or_else(|| panic!("no {metric} for the VM in\n{text}"))
    };
    assert_eq!(of_vm("vlab_vm_cpu_seconds_total").labels.get("name"), Some("sampled"));
    assert!(number(of_vm("vlab_vm_cpu_seconds_total")) > 0.0);
    assert!(number(of_vm("vlab_vm_resident_memory_bytes")) > (16 << 20) as f64);
    assert!(samples.iter().all(|s| s.metric != "vlab_vm_network_receive_bytes_total"), "no network, no invented zeros");
    let running_vms = samples.iter().find(|s| s.metric == "vlab_vms" && s.labels.get("state") == Some("running")).unwrap();
    assert_eq!(number(running_vms), 1.0);
    assert!(samples.iter().any(|s| s.metric == "vlab_host_memory_bytes" && number(s) > 0.0), "{text}");
    // Requests by route template, not by id; with their latency.
    let served = r#"vlab_http_requests_total{method="GET",route="/api/v1/vms/{id}/metrics/history",status="200"}"#;
    assert!(series_value(&text, served).is_some_and(|n| n >= 2.0), "{text}");
    let refused = r#"vlab_http_requests_total{method="GET",route="/api/v1/system/status",status="403"}"#;
    assert_eq!(series_value(&text, refused), Some(1.0), "{text}");
    assert!(!text.contains(&format!("/vms/{vm}/")), "no ids in routes: {text}");
    let timed = r#"vlab_http_request_duration_seconds_count{method="GET",route="/api/v1/vms/{id}/metrics/history"}"#;
    assert!(series_value(&text, timed).is_some_and(|n| n >= 2.0), "{text}");
    let starts = samples.iter().find(|s| s.metric == "vlab_operations" && s.labels.get("kind") == Some("start") && s.labels.get("status") == Some("succeeded"));
    assert!(starts.is_some_and(|s| number(s) >= 1.0), "{text}");
    assert!(samples.iter().any(|s| s.metric == "vlab_console_sessions_open"), "{text}");
    for header in ["X-Forwarded-For", "Forwarded", "X-Real-IP"] {
        assert_eq!(scrape(&app, None, &[(header, "203.0.113.9")]).await.unwrap_err(), StatusCode::FORBIDDEN, "{header}");
    }

    // Its logs: the serial log in ranges and whole, QEMU's without host paths.
    let logs = |query: String| {
        let (app, admin) = (&app, &admin);
        async move { app.json(Method::GET, &format!("/api/v1/vms/{vm}/logs{query}"), Some(admin), None).await }
    };
    let deadline = tokio::time::Instant::now() + Duration::from_secs(90);
    let v = loop {
        let (s, v) = logs(String::new()).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        if v["data"]["text"].as_str().unwrap().contains(MARKER) {
            break v;
        }
        assert!(tokio::time::Instant::now() < deadline, "the guest's boot is not in its serial log: {v}");
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    let size = v["data"]["size"].as_u64().unwrap();
    assert_eq!(v["data"]["next_offset"], size);
    let (_, v) = logs("?offset=0&limit=10".into()).await;
    assert_eq!((v["data"]["offset"].as_u64(), v["data"]["next_offset"].as_u64()), (Some(0), Some(10)), "{v}");
    let (s, v) = logs(format!("?offset={}", size + 4096)).await;
    assert_error(s, &v, 422, "VALIDATION_FAILED");
    let (s, v) = logs("?limit=0".into()).await;
    assert_error(s, &v, 422, "VALIDATION_FAILED");
    let (s, v) = logs("?source=qemu".into()).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(!v["data"]["text"].as_str().unwrap().contains(app.data_dir.path().to_str().unwrap()), "{v}");
    let resp = app.call(Method::GET, &format!("/api/v1/vms/{vm}/logs/download"), Some(&admin), None).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(resp.headers()["content-disposition"].to_str().unwrap().contains(&format!("vm-{vm}-serial.log")));
    assert!(resp.bytes().await.unwrap().len() as u64 >= size);
    for path in [format!("/api/v1/vms/{vm}/logs"), format!("/api/v1/vms/{vm}/logs/download")] {
        let (s, v) = app.json(Method::GET, &path, Some(&peer), None).await;
        assert_error(s, &v, 404, "VM_NOT_FOUND");
    }

    // vlab's own recent log: admins only, filtered, and no secret in it.
    let (s, v) = app.json(Method::GET, "/api/v1/system/logs?q=first%20admin", Some(&admin), None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let entries = v["data"]["entries"].as_array().unwrap();
    assert!(!entries.is_empty() && entries.iter().all(|e| e["message"].as_str().unwrap().contains("first admin")), "{v}");
    let (_, v) = app.json(Method::GET, "/api/v1/system/logs?limit=5000", Some(&admin), None).await;
    assert!(!v.to_string().contains(ADMIN_PASSWORD) && !v.to_string().contains(&admin), "secrets stay out of the log");
    let (_, v) = app.json(Method::GET, "/api/v1/system/logs?level=warn", Some(&admin), None).await;
    assert!(v["data"]["entries"].as_array().unwrap().iter().all(|e| e["level"] == "warn" || e["level"] == "error"), "{v}");
    let (s, v) = app.json(Method::GET, "/api/v1/system/logs?level=debug", Some(&admin), None).await;
    assert_error(s, &v, 422, "VALIDATION_FAILED");
    let (s, v) = app.json(Method::GET, "/api/v1/system/logs", Some(&peer), None).await;
    assert_error(s, &v, 403, "FORBIDDEN");
    // The machine page and the System page read the same through server
    // functions, with the same rules.
    let (admin_ui, peer_ui) = (app.browser("admin", ADMIN_PASSWORD).await, app.browser("peer", "peer-password").await);
    let (s, v) = app.server_fn(&admin_ui, "get_vm_log", json!({"id": vm, "source": "serial", "offset": null})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(v["text"].as_str().unwrap().contains(MARKER), "{v}");
    let next = v["next_offset"].as_u64().unwrap();
    let (s, v) = app.server_fn(&admin_ui, "get_vm_log", json!({"id": vm, "source": "serial", "offset": next})).await;
    assert_eq!((s, v["offset"].as_u64()), (StatusCode::OK, Some(next)), "it follows on from where it stopped: {v}");
    let (s, v) = app.server_fn(&admin_ui, "get_vm_log", json!({"id": vm, "source": "serial", "offset": next + (1 << 30)})).await;
    assert_eq!((s, v["fields"]["offset"].is_string()), (StatusCode::UNPROCESSABLE_ENTITY, true), "{v}");
    let (s, v) = app.server_fn(&admin_ui, "get_vm_log", json!({"id": vm, "source": "qemu", "offset": null})).await;
    assert_eq!((s, v["source"].as_str()), (StatusCode::OK, Some("qemu")), "{v}");
    for source in ["serial", "qemu"] {
        let (s, v) = app.server_fn(&peer_ui, "get_vm_log", json!({"id": vm, "source": source, "offset": null})).await;
        assert_eq!((s, v["code"].as_str()), (StatusCode::NOT_FOUND, Some("VM_NOT_FOUND")), "another's VM: {v}");
    }
    let (s, v) = app.server_fn(&admin_ui, "get_system_log", json!({"level": "warn", "q": "", "limit": 200})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(v["entries"].as_array().unwrap().iter().all(|e| e["level"] == "warn" || e["level"] == "error"), "{v}");
    let (s, v) = app.server_fn(&admin_ui, "get_system_log", json!({"level": "info", "q": "first admin", "limit": 200})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let entries = v["entries"].as_array().unwrap();
    assert!(!entries.is_empty() && entries.iter().all(|e| e["message"].as_str().unwrap().contains("first admin")), "{v}");
    let (s, v) = app.server_fn(&admin_ui, "get_system_log", json!({"level": "debug", "q": "", "limit": 200})).await;
    assert_eq!((s, v["fields"]["level"].is_string()), (StatusCode::UNPROCESSABLE_ENTITY, true), "{v}");
    let (s, v) = app.server_fn(&admin_ui, "get_system_log", json!({"level": "info", "q": "", "limit": 0})).await;
    assert_eq!((s, v["fields"]["limit"].is_string()), (StatusCode::UNPROCESSABLE_ENTITY, true), "{v}");
    let (s, v) = app.server_fn(&peer_ui, "get_system_log", json!({"level": "info", "q": "", "limit": 200})).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
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
