//! Nodes: this host registers itself and heartbeats; it takes new VMs only
//! while enabled; admins list, drain and delete nodes.

mod common;

use common::*;
use reqwest::{Method, StatusCode};
use serde_json::json;
use std::time::Duration;

#[tokio::test]
async fn this_host_is_a_node_admins_drain_and_delete_only_once_it_is_gone() {
    let app = TestApp::spawn_with(|c| {
        c.node_name = "alpha".into();
        c.heartbeat_secs = 1;
        c.node_timeout_secs = 3;
    })
    .await;
    let admin = app.admin_token().await;
    app.create_user(&admin, "sam", "student").await;
    let sam = app.login("sam", "sam-password").await;

    // Listed, with what the host has.
    let nodes = ok(&app, Method::GET, "/api/v1/nodes", &admin, None).await;
    assert_eq!(nodes.as_array().unwrap().len(), 1, "{nodes}");
    let n = &nodes[0];
    assert_eq!((n["name"].as_str(), n["this_node"].as_bool(), n["status"].as_str(), n["enabled"].as_bool()), (Some("alpha"), Some(true), Some("online"), Some(true)), "{n}");
    assert_eq!(n["address"].as_str().unwrap(), app.base.trim_start_matches("http://"), "where the other nodes reach it: {n}");
    assert!(n["cpus"].as_u64().unwrap() >= 1 && n["memory_mib"].as_u64().unwrap() > 0 && n["pool_bytes"].as_u64().unwrap() > 0, "{n}");
    assert!(n["pool_free_bytes"].as_u64().unwrap() > 0 && n["memory_free_mib"].as_u64().unwrap() > 0, "{n}");
    assert_eq!(n["vlab_version"], env!("CARGO_PKG_VERSION"));
    assert!(["kvm", "tcg"].contains(&n["accelerator"].as_str().unwrap()), "{n}");
    assert!(n["qemu_version"].as_str().unwrap().contains("QEMU"), "{n}");
    let id = n["id"].as_i64().unwrap();

    // It heartbeats.
    let first = n["heartbeat_at"].clone();
    tokio::time::sleep(Duration::from_millis(2200)).await;
    let again = ok(&app, Method::GET, &format!("/api/v1/nodes/{id}"), &admin, None).await;
    assert_ne!(again["heartbeat_at"], first, "{again}");

    // Nodes are the admins' business.
    let (s, v) = app.json(Method::GET, "/api/v1/nodes", Some(&sam), None).await;
    assert_error(s, &v, 403, "FORBIDDEN");
    let (s, v) = app.json(Method::PATCH, &format!("/api/v1/nodes/{id}"), Some(&sam), Some(json!({"enabled": false}))).await;
    assert_error(s, &v, 403, "FORBIDDEN");

    // A VM counts on its node; a drained node keeps it and takes no new one.
    let vm = json!({"name": "one", "memory_mib": 128, "network": "none"});
    app.create_vm(&admin, vm.clone()).await;
    assert_eq!(ok(&app, Method::GET, &format!("/api/v1/nodes/{id}"), &admin, None).await["vms"], 1);
    let drained = ok(&app, Method::PATCH, &format!("/api/v1/nodes/{id}"), &admin, Some(json!({"enabled": false}))).await;
    assert_eq!(drained["enabled"], false);
    let (s, v) = app.json(Method::POST, "/api/v1/vms", Some(&admin), Some(vm.clone())).await;
    assert_error(s, &v, 409, "NODE_DISABLED");
    assert_eq!(ok(&app, Method::GET, "/api/v1/nodes", &admin, None).await[0]["vms"], 1, "nothing was made");
    let (s, v) = app.json(Method::DELETE, &format!("/api/v1/nodes/{id}"), Some(&admin), None).await;
    assert_error(s, &v, 409, "NODE_IN_USE");
    for bad in [json!({"enabled": "no"}), json!({"enabled": true, "name": "x"}), json!({})] {
        let (s, v) = app.json(Method::PATCH, &format!("/api/v1/nodes/{id}"), Some(&admin), Some(bad.clone())).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {v}");
    }
    ok(&app, Method::PATCH, &format!("/api/v1/nodes/{id}"), &admin, Some(json!({"enabled": true}))).await;
    app.create_vm(&admin, vm).await;

    // A node that stopped heartbeating is unreachable; it can be deleted
    // once disabled, as it holds no VM.
    app.db_execute(
        "INSERT INTO nodes (name, address, cpus, memory_mib, pool_bytes, accelerator, qemu_version, vlab_version, \
         started_at, heartbeat_at, created_at) VALUES ('beta', '10.0.0.2:3000', 4, 8192, 1000, 'kvm', 'QEMU 8.2', '0.1.0', 1, 1, 1)",
    )
    .await;
    let nodes = ok(&app, Method::GET, "/api/v1/nodes", &admin, None).await;
    let beta = nodes.as_array().unwrap().iter().find(|n| n["name"] == "beta").unwrap().clone();
    assert_eq!((beta["status"].as_str(), beta["this_node"].as_bool()), (Some("unreachable"), Some(false)), "{beta}");
    let beta_id = beta["id"].as_i64().unwrap();
    let (s, v) = app.json(Method::DELETE, &format!("/api/v1/nodes/{beta_id}"), Some(&admin), None).await;
    assert_error(s, &v, 409, "NODE_ENABLED");
    ok(&app, Method::PATCH, &format!("/api/v1/nodes/{beta_id}"), &admin, Some(json!({"enabled": false}))).await;
    ok(&app, Method::DELETE, &format!("/api/v1/nodes/{beta_id}"), &admin, None).await;
    let (s, v) = app.json(Method::GET, &format!("/api/v1/nodes/{beta_id}"), Some(&admin), None).await;
    assert_error(s, &v, 404, "NODE_NOT_FOUND");
    // This node, disabled and emptied, is still running: it stays.
    ok(&app, Method::PATCH, &format!("/api/v1/nodes/{id}"), &admin, Some(json!({"enabled": false}))).await;
    for vm in ok(&app, Method::GET, "/api/v1/vms", &admin, None).await.as_array().unwrap() {
        ok(&app, Method::DELETE, &format!("/api/v1/vms/{}", vm["id"]), &admin, None).await;
    }
    let (s, v) = app.json(Method::DELETE, &format!("/api/v1/nodes/{id}"), Some(&admin), None).await;
    assert_error(s, &v, 409, "NODE_ONLINE");
    let (s, v) = app.json(Method::PATCH, "/api/v1/nodes/999", Some(&admin), Some(json!({"enabled": true}))).await;
    assert_error(s, &v, 404, "NODE_NOT_FOUND");
}
