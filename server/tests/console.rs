//! Console tickets, the websocket proxy to real QEMU, view-only, screenshots.

mod common;

use common::*;
use futures_util::{SinkExt, StreamExt};
use reqwest::{Method, StatusCode};
use serde_json::json;
use std::time::Duration;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

type Ws = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn ticket(app: &TestApp, token: &str, vm: i64, kind: &str, view_only: bool) -> String {
    let (s, v) = app
        .json(Method::POST, &format!("/api/v1/vms/{vm}/console"), Some(token), Some(json!({"kind": kind, "view_only": view_only})))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(v["data"]["expires_in"].as_u64().unwrap() <= 60);
    v["data"]["ticket"].as_str().unwrap().to_owned()
}

/// Opens the console websocket; Err(status) when the handshake is refused.
async fn connect(app: &TestApp, vm: i64, ticket: &str, extra: &str, bearer: Option<&str>) -> Result<Ws, u16> {
    let url = format!("{}/api/v1/vms/{vm}/console/ws?ticket={ticket}{extra}", app.base.replace("http://", "ws://"));
    let mut req = url.into_client_request().unwrap();
    if let Some(t) = bearer {
        req.headers_mut().insert("authorization", format!("Bearer {t}").parse().unwrap());
    }
    match tokio_tungstenite::connect_async(req).await {
        Ok((ws, _)) => Ok(ws),
        Err(tokio_tungstenite::tungstenite::Error::Http(resp)) => Err(resp.status().as_u16()),
        Err(e) => panic!("websocket: {e}"),
    }
}

/// Reads binary frames until `n` bytes have arrived.
async fn read_exact(ws: &mut Ws, n: usize, pending: &mut Vec<u8>) -> Vec<u8> {
    while pending.len() < n {
        match tokio::time::timeout(Duration::from_secs(20), ws.next()).await {
            Ok(Some(Ok(Message::Binary(b)))) => pending.extend_from_slice(&b),
            Ok(Some(Ok(_))) => {}
            other => panic!("console closed early: {other:?}"),
        }
    }
    pending.drain(..n).collect()
}

/// A minimal RFB client: handshake with no security, shared session.
async fn rfb_handshake(ws: &mut Ws) -> Vec<u8> {
    let mut pending = Vec::new();
    let banner = read_exact(ws, 12, &mut pending).await;
    assert!(banner.starts_with(b"RFB 003.00"), "{banner:?}");
    ws.send(Message::Binary(b"RFB 003.008\n".to_vec().into())).await.unwrap();
    let count = read_exact(ws, 1, &mut pending).await[0] as usize;
    let types = read_exact(ws, count, &mut pending).await;
    assert!(types.contains(&1), "no-auth offered: {types:?}");
    ws.send(Message::Binary(vec![1u8].into())).await.unwrap();
    assert_eq!(read_exact(ws, 4, &mut pending).await, [0, 0, 0, 0], "security ok");
    ws.send(Message::Binary(vec![1u8].into())).await.unwrap(); // shared
    let init = read_exact(ws, 24, &mut pending).await;
    let name_len = u32::from_be_bytes([init[20], init[21], init[22], init[23]]) as usize;
    read_exact(ws, name_len, &mut pending).await;
    banner
}

/// Types text as X keysyms (with Shift for shifted characters), then Enter.
async fn rfb_type(ws: &mut Ws, text: &str) {
    const SHIFT: u32 = 0xffe1;
    let key = |down: bool, sym: u32| {
        let mut m = vec![4u8, down as u8, 0, 0];
        m.extend_from_slice(&sym.to_be_bytes());
        Message::Binary(m.into())
    };
    for c in text.chars() {
        let shifted = c.is_ascii_uppercase() || "!@#$%^&*()_+{}|:\"<>?~".contains(c);
        if shifted {
            ws.send(key(true, SHIFT)).await.unwrap();
        }
        ws.send(key(true, c as u32)).await.unwrap();
        ws.send(key(false, c as u32)).await.unwrap();
        if shifted {
            ws.send(key(false, SHIFT)).await.unwrap();
        }
    }
    ws.send(key(true, 0xff0d)).await.unwrap();
    ws.send(key(false, 0xff0d)).await.unwrap();
}

async fn running_vm(app: &TestApp, token: &str, name: &str) -> i64 {
    let vm = app.create_vm(token, json!({"name": name, "memory_mib": 128, "kernel": "test-guest", "network": "none"})).await;
    let serial = tokio::spawn({
        let dir = app.run_dir(vm);
        async move { wait_serial(&dir, MARKER, 1, Duration::from_secs(40)).await }
    });
    app.vm_action(token, vm, json!({"action": "start"})).await;
    serial.await.unwrap();
    vm
}

#[tokio::test]
async fn tickets_are_single_use_short_lived_and_bound() {
    let app = TestApp::spawn_with(|c| {
        c.accel = server::config::Accel::Tcg;
        c.console_ticket_ttl_secs = 1;
    })
    .await;
    install_guest_kernel(app.data_dir.path(), "test-guest", "");
    let admin = app.admin_token().await;
    app.create_user(&admin, "gina", "student").await;
    app.create_user(&admin, "hank", "student").await;
    let gina = app.login("gina", "gina-password").await;
    let hank = app.login("hank", "hank-password").await;

    let stopped = app.create_vm(&gina, json!({"name": "off", "kernel": "test-guest", "memory_mib": 128})).await;
    let (s, v) = app.json(Method::POST, &format!("/api/v1/vms/{stopped}/console"), Some(&gina), Some(json!({"kind": "vnc"}))).await;
    assert_error(s, &v, 409, "VM_NOT_RUNNING");
    let vm = running_vm(&app, &gina, "on").await;
    let other_vm = running_vm(&app, &admin, "admins").await;

    let (s, v) = app.json(Method::POST, &format!("/api/v1/vms/{vm}/console"), Some(&hank), Some(json!({"kind": "vnc"}))).await;
    assert_error(s, &v, 404, "VM_NOT_FOUND");
    let (s, v) = app.json(Method::POST, &format!("/api/v1/vms/{vm}/console"), Some(&gina), Some(json!({"kind": "rdp"}))).await;
    assert_error(s, &v, 422, "VALIDATION_FAILED");

    // A good ticket: the first server bytes are the RFB banner.
    let t = ticket(&app, &gina, vm, "vnc", false).await;
    let mut ws = connect(&app, vm, &t, "", None).await.expect("fresh ticket upgrades");
    let mut pending = Vec::new();
    let banner = read_exact(&mut ws, 12, &mut pending).await;
    assert!(banner.starts_with(b"RFB 003.00"), "{:?}", String::from_utf8_lossy(&banner));
    drop(ws);

    // Reused, expired, other user's, other VM's, wrong kind: all 403.
    assert_eq!(connect(&app, vm, &t, "", None).await.err(), Some(403), "reused");
    let t = ticket(&app, &gina, vm, "vnc", false).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(connect(&app, vm, &t, "", None).await.err(), Some(403), "expired");
    let t = ticket(&app, &gina, vm, "vnc", false).await;
    assert_eq!(connect(&app, vm, &t, "", Some(&hank)).await.err(), Some(403), "another user's");
    let t = ticket(&app, &gina, vm, "vnc", false).await;
    assert_eq!(connect(&app, other_vm, &t, "", None).await.err(), Some(403), "another VM's");
    let t = ticket(&app, &gina, vm, "vnc", false).await;
    assert_eq!(connect(&app, vm, &t, "&kind=serial", None).await.err(), Some(403), "wrong kind");
    assert_eq!(connect(&app, vm, "vlab_forged", "", None).await.err(), Some(403), "forged");
    // No port number or path is taken from the query.
    assert_eq!(connect(&app, vm, "x", "&port=5900", None).await.err(), Some(400));
}

#[tokio::test]
async fn serial_console_round_trip() {
    let app = TestApp::spawn_for_vms().await;
    let admin = app.admin_token().await;
    let vm = running_vm(&app, &admin, "ser").await;
    let t = ticket(&app, &admin, vm, "serial", false).await;
    let mut ws = connect(&app, vm, &t, "&kind=serial", Some(&admin)).await.unwrap();
    let mut seen = String::new();
    for _ in 0..5 {
        ws.send(Message::Binary(b"echo over-$((40+2))-ws\n".to_vec().into())).await.unwrap();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(3);
        while let Ok(Some(Ok(m))) = tokio::time::timeout_at(deadline, ws.next()).await {
            if let Message::Binary(b) = m {
                seen.push_str(&String::from_utf8_lossy(&b));
            }
            if seen.contains("over-42-ws") {
                return;
            }
        }
    }
    panic!("no echo through the serial websocket: {seen}");
}

#[tokio::test]
async fn two_viewers_and_view_only_input_never_reaches_the_guest() {
    let app = TestApp::spawn_for_vms().await;
    let admin = app.admin_token().await;
    let vm = running_vm(&app, &admin, "share").await;
    // The guest's VGA console shell needs a moment after the marker.
    tokio::time::sleep(Duration::from_secs(2)).await;

    let driver_t = ticket(&app, &admin, vm, "vnc", false).await;
    let watcher_t = ticket(&app, &admin, vm, "vnc", true).await;
    let mut driver = connect(&app, vm, &driver_t, "", None).await.unwrap();
    let mut watcher = connect(&app, vm, &watcher_t, "", None).await.unwrap();
    rfb_handshake(&mut driver).await;
    rfb_handshake(&mut watcher).await;

    // Listen on the serial port for what the keyboard makes the guest print.
    let serial = tokio::net::UnixStream::connect(app.run_dir(vm).join("serial.sock")).await.unwrap();
    let (mut rd, _wr) = serial.into_split();
    let collected = std::sync::Arc::new(tokio::sync::Mutex::new(String::new()));
    let c2 = collected.clone();
    tokio::spawn(async move {
        use tokio::io::AsyncReadExt;
        let mut buf = [0u8; 4096];
        while let Ok(n) = rd.read(&mut buf).await {
            if n == 0 {
                break;
            }
            c2.lock().await.push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    });

    rfb_type(&mut watcher, "echo watcher7 >/dev/ttyS0").await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    rfb_type(&mut driver, "echo driver7 >/dev/ttyS0").await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    while !collected.lock().await.contains("driver7") {
        assert!(tokio::time::Instant::now() < deadline, "the driver's keys never arrived: {}", collected.lock().await);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(!collected.lock().await.contains("watcher7"), "view-only input reached the guest");
    // Both are still connected and served.
    for ws in [&mut driver, &mut watcher] {
        ws.send(Message::Binary(vec![3u8, 0, 0, 0, 0, 0, 0, 16, 0, 16].into())).await.unwrap();
        let got = tokio::time::timeout(Duration::from_secs(10), ws.next()).await;
        assert!(matches!(got, Ok(Some(Ok(Message::Binary(_))))), "{got:?}");
    }
}

#[tokio::test]
async fn screenshots_are_real_pngs_of_running_vms() {
    let app = TestApp::spawn_for_vms().await;
    let admin = app.admin_token().await;
    let vm = running_vm(&app, &admin, "shot").await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    for (query, want_width) in [("", None), ("?width=160", Some(160u32))] {
        let resp = app.call(Method::GET, &format!("/api/v1/vms/{vm}/screenshot{query}"), Some(&admin), None).await;
        assert_eq!(resp.status(), StatusCode::OK);
        assert_eq!(resp.headers()["content-type"], "image/png");
        let bytes = resp.bytes().await.unwrap();
        let decoder = png::Decoder::new(std::io::Cursor::new(&bytes[..]));
        let mut reader = decoder.read_info().expect("a PNG");
        let mut px = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut px).unwrap();
        if let Some(w) = want_width {
            assert_eq!(info.width, w);
        } else {
            assert!(info.width >= 640, "full size: {}", info.width);
        }
        let distinct: std::collections::HashSet<&[u8]> = px.chunks(info.color_type.samples()).collect();
        assert!(distinct.len() > 1, "the screen is not one flat colour");
    }
    let (s, v) = app.json(Method::GET, &format!("/api/v1/vms/{vm}/screenshot?width=1"), Some(&admin), None).await;
    assert_error(s, &v, 422, "VALIDATION_FAILED");
    app.vm_action(&admin, vm, json!({"action": "stop"})).await;
    let (s, v) = app.json(Method::GET, &format!("/api/v1/vms/{vm}/screenshot"), Some(&admin), None).await;
    assert_error(s, &v, 409, "VM_NOT_RUNNING");
}

#[tokio::test]
async fn a_late_serial_console_still_sees_the_boot_output() {
    let app = TestApp::spawn_for_vms().await;
    let admin = app.admin_token().await;
    let vm = running_vm(&app, &admin, "late").await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let t = ticket(&app, &admin, vm, "serial", false).await;
    let mut ws = connect(&app, vm, &t, "", None).await.unwrap();
    match tokio::time::timeout(Duration::from_secs(5), ws.next()).await {
        Ok(Some(Ok(Message::Binary(b)))) => assert!(String::from_utf8_lossy(&b).contains(MARKER), "{:?}", String::from_utf8_lossy(&b)),
        other => panic!("no backlog: {other:?}"),
    }
}

#[tokio::test]
async fn a_view_only_serial_console_sees_output_but_cannot_type() {
    let app = TestApp::spawn_for_vms().await;
    let admin = app.admin_token().await;
    let vm = running_vm(&app, &admin, "ro").await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let t = ticket(&app, &admin, vm, "serial", true).await;
    let mut ws = connect(&app, vm, &t, "", None).await.unwrap();
    let mut seen = String::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(6);
    let mut typed = false;
    while let Ok(Some(Ok(m))) = tokio::time::timeout_at(deadline, ws.next()).await {
        if let Message::Binary(b) = m {
            seen.push_str(&String::from_utf8_lossy(&b));
        }
        if seen.contains(MARKER) && !typed {
            ws.send(Message::Binary(b"echo ro$((1+1))x\n".to_vec().into())).await.unwrap();
            typed = true;
        }
    }
    assert!(typed, "the watcher saw the output: {seen}");
    assert!(!seen.contains("ro2x"), "a watcher's input reached the guest: {seen}");
    // The same command from an interactive console does run (the check above can fail).
    drop(ws);
    tokio::time::sleep(Duration::from_millis(300)).await;
    serial_command(&app.run_dir(vm), "echo ro$((1+1))x", "ro2x").await;
}

#[tokio::test]
async fn several_serial_viewers_share_the_port_and_all_see_the_output() {
    let app = TestApp::spawn_for_vms().await;
    let admin = app.admin_token().await;
    let vm = running_vm(&app, &admin, "shared-serial").await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let mut viewers = Vec::new();
    for view_only in [false, false, true] {
        let t = ticket(&app, &admin, vm, "serial", view_only).await;
        viewers.push(connect(&app, vm, &t, "", None).await.unwrap());
    }
    // The second viewer types; every viewer, the watcher too, sees the answer.
    let mut seen = vec![String::new(); viewers.len()];
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    let mut next_type = tokio::time::Instant::now();
    while seen.iter().any(|s| !s.contains("shared-5-ok")) {
        assert!(tokio::time::Instant::now() < deadline, "not every viewer saw the output: {seen:?}");
        if tokio::time::Instant::now() >= next_type {
            viewers[1].send(Message::Binary(b"echo shared-$((2+3))-ok\n".to_vec().into())).await.unwrap();
            next_type = tokio::time::Instant::now() + Duration::from_secs(3);
        }
        for (i, ws) in viewers.iter_mut().enumerate() {
            if let Ok(Some(Ok(Message::Binary(b)))) = tokio::time::timeout(Duration::from_millis(100), ws.next()).await {
                seen[i].push_str(&String::from_utf8_lossy(&b));
            }
        }
    }
}

/// Server frames from raw bytes: (opcode, payload) of each whole frame.
fn server_frames(bytes: &[u8]) -> Vec<(u8, Vec<u8>)> {
    let (mut out, mut at) = (vec![], 0);
    while bytes.len() >= at + 2 {
        let (op, len7) = (bytes[at] & 0x0F, (bytes[at + 1] & 0x7F) as usize);
        let (len, h) = match len7 {
            126 if bytes.len() >= at + 4 => (u16::from_be_bytes([bytes[at + 2], bytes[at + 3]]) as usize, 4),
            127 if bytes.len() >= at + 10 => (u64::from_be_bytes(bytes[at + 2..at + 10].try_into().unwrap()) as usize, 10),
            126 | 127 => break,
            n => (n, 2),
        };
        assert_eq!(bytes[at + 1] & 0x80, 0, "server frames are not masked");
        if bytes.len() < at + h + len {
            break;
        }
        out.push((op, bytes[at + h..at + h + len].to_vec()));
        at += h + len;
    }
    out
}

#[tokio::test]
async fn the_websocket_answers_pings_and_closes_on_protocol_errors() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = TestApp::spawn_for_vms().await;
    let admin = app.admin_token().await;
    let vm = running_vm(&app, &admin, "proto").await;

    // A ping comes back as a pong with its payload; a close is answered.
    let t = ticket(&app, &admin, vm, "vnc", false).await;
    let mut ws = connect(&app, vm, &t, "", None).await.unwrap();
    ws.send(Message::Ping(b"are-you-there".to_vec().into())).await.unwrap();
    let pong = loop {
        match tokio::time::timeout(Duration::from_secs(10), ws.next()).await {
            Ok(Some(Ok(Message::Pong(p)))) => break p,
            Ok(Some(Ok(_))) => {}
            other => panic!("no pong: {other:?}"),
        }
    };
    assert_eq!(&pong[..], b"are-you-there");
    ws.send(Message::Close(None)).await.unwrap();
    let closed = loop {
        match tokio::time::timeout(Duration::from_secs(10), ws.next()).await {
            Ok(Some(Ok(Message::Close(c)))) => break c,
            Ok(Some(Ok(_))) => {}
            other => panic!("close not answered: {other:?}"),
        }
    };
    assert_eq!(closed.map(|c| u16::from(c.code)), Some(1000));

    // A client frame without a mask breaks RFC 6455: closed with 1002.
    let t = ticket(&app, &admin, vm, "vnc", false).await;
    let mut tcp = tokio::net::TcpStream::connect(app.base.trim_start_matches("http://")).await.unwrap();
    let req = format!(
        "GET /api/v1/vms/{vm}/console/ws?ticket={t} HTTP/1.1\r\nHost: vlab\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: binary\r\n\r\n"
    );
    tcp.write_all(req.as_bytes()).await.unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    while !got.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = tcp.read(&mut buf).await.unwrap();
        assert!(n > 0, "no handshake answer");
        got.extend_from_slice(&buf[..n]);
    }
    let head_end = got.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    let head = String::from_utf8_lossy(&got[..head_end]).to_lowercase();
    assert!(head.starts_with("http/1.1 101"), "{head}");
    assert!(head.contains("sec-websocket-accept: s3pplmbitxaq9kygzzhzrbk+xoo="), "{head}");
    assert!(head.contains("sec-websocket-protocol: binary"), "{head}");
    got.drain(..head_end);
    // The raw socket speaks the protocol: the RFB banner arrives as a binary frame.
    while server_frames(&got).is_empty() {
        let n = tcp.read(&mut buf).await.unwrap();
        assert!(n > 0, "closed before the banner");
        got.extend_from_slice(&buf[..n]);
    }
    tcp.write_all(&[0x82, 0x01, b'A']).await.unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        match tokio::time::timeout_at(deadline, tcp.read(&mut buf)).await {
            Ok(Ok(0)) => break,
            Ok(Ok(n)) => got.extend_from_slice(&buf[..n]),
            other => panic!("connection not closed: {other:?}"),
        }
    }
    let frames = server_frames(&got);
    assert!(frames.first().is_some_and(|(op, p)| *op == 2 && p.starts_with(b"RFB 003.00")), "banner first: {frames:?}");
    let (op, payload) = frames.last().unwrap();
    assert_eq!((*op, &payload[..2]), (8u8, &1002u16.to_be_bytes()[..]), "closed with 1002");
    assert_eq!(&payload[2..], b"client frames must be masked", "the close names the problem");

    // A plain GET with a good ticket is not a websocket: 400 naming it, and
    // the ticket is not used up by it.
    let t = ticket(&app, &admin, vm, "vnc", false).await;
    let (s, v) = app.json(Method::GET, &format!("/api/v1/vms/{vm}/console/ws?ticket={t}"), None, None).await;
    assert_error(s, &v, 400, "NOT_A_WEBSOCKET");
    let mut ws = connect(&app, vm, &t, "", None).await.expect("the ticket still opens the console");
    let banner = read_exact(&mut ws, 12, &mut Vec::new()).await;
    assert!(banner.starts_with(b"RFB 003.00"), "{banner:?}");
}
