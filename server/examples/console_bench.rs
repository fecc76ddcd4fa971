//! Console proxy benchmark: vlab's websocket pump against websockify and
//! against the unix socket itself, in one run.
//!
//! Paths: `direct-tcp` (a plain TCP socket: the raw-network anchor),
//! `direct` (the unix socket), `copy` (a plain TCP <-> unix byte copy with
//! 64 KiB buffers, no websocket at all, in the proxy process: what any proxy
//! in this layout can reach at best), `websockify` (Debian's, with
//! --unix-target), `vlab` (the server's own accept loop, websocket handshake
//! and `console::proxy::pump`), `library` (tokio-tungstenite's websocket
//! server over the same plain TCP socket: the well-kept library path the
//! own framing is weighed against). Measures, each a median of rounds:
//! downstream MB/s, both directions at once (MB/s each way), 64-byte round
//! trip p50/p99 (µs), and full-screen raw VNC frames/s from a real QEMU guest.
//!
//! Run: bench/console_bench.sh (builds in release, needs the test guests). It
//! pins the run to one CPU: on two idle virtual CPUs each wake-up of another
//! process lands wherever the hypervisor has a CPU free, and every path's
//! round-trip p50 swings by tens of µs from run to run; on one CPU the
//! figures show the work each path does. `CONSOLE_BENCH_CPUS=0,1` runs unpinned.
//! `CONSOLE_BENCH_ROUNDS=n` changes the rounds, `CONSOLE_BENCH_PATHS=vlab,websockify`
//! measures only those paths (the summary lines then compare with NaN).
//! `CONSOLE_BENCH_SOCKETS=apart` runs the source and echo sockets in their
//! own process, as QEMU is, instead of in the measuring process.

use axum::routing::get;
use futures_util::{SinkExt, StreamExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{UnixListener, UnixStream};
use tokio_tungstenite::tungstenite::Message;

const ROUNDS: usize = 5;
const SECS: f64 = 2.0;
const FRAME: usize = 64 * 1024;

type Ws = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// A unix socket that streams zeros to whoever connects (bound before it returns).
fn source(path: PathBuf) {
    let l = UnixListener::bind(&path).unwrap();
    tokio::spawn(async move {
        loop {
            let (mut s, _) = l.accept().await.unwrap();
            tokio::spawn(async move {
                let buf = vec![0u8; FRAME];
                while s.write_all(&buf).await.is_ok() {}
            });
        }
    });
}

/// A unix socket that echoes (bound before it returns).
fn echo(path: PathBuf) {
    let l = UnixListener::bind(&path).unwrap();
    tokio::spawn(async move {
        loop {
            let (s, _) = l.accept().await.unwrap();
            tokio::spawn(async move {
                let (mut r, mut w) = s.into_split();
                let _ = tokio::io::copy(&mut r, &mut w).await;
            });
        }
    });
}

/// Listens on a free loopback port; each connection (NODELAY on) is handed
/// to `serve` on a task of its own. Returns the port.
async fn serve_tcp<F, Fut>(serve: F) -> u16
where
    F: Fn(tokio::net::TcpStream) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = l.local_addr().unwrap().port();
    tokio::spawn(async move {
        loop {
            let (s, _) = l.accept().await.unwrap();
            let _ = s.set_nodelay(true);
            tokio::spawn(serve(s));
        }
    });
    port
}

/// The same source and echo over plain TCP: the raw-network anchor.
async fn tcp_servers() -> (u16, u16) {
    let src = serve_tcp(|mut s| async move {
        let buf = vec![0u8; FRAME];
        while s.write_all(&buf).await.is_ok() {}
    })
    .await;
    let ech = serve_tcp(|s| async move {
        let (mut r, mut w) = s.into_split();
        let _ = tokio::io::copy(&mut r, &mut w).await;
    })
    .await;
    (src, ech)
}

/// vlab's proxy: the server's own accept loop, websocket handshake and
/// pump (what `/api/v1/vms/{id}/console/ws` runs after its ticket check).
async fn vlab_proxy(port_tx: tokio::sync::oneshot::Sender<u16>, dir: PathBuf) {
    use server::console::{proxy, ws};
    let app = axum::Router::new().route(
        "/{target}",
        get(move |axum::extract::Path(target): axum::extract::Path<String>, mut parts: axum::http::request::Parts| {
            let path = dir.join(format!("{target}.sock"));
            async move {
                let (switching, upgrade) = ws::handshake(&mut parts).unwrap();
                tokio::spawn(async move {
                    let (rx, tx) = ws::accept(upgrade).await.unwrap();
                    let unix = UnixStream::connect(&path).await.unwrap();
                    proxy::pump(rx, tx, unix, None, std::future::pending()).await;
                });
                switching
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    port_tx.send(listener.local_addr().unwrap().port()).unwrap();
    let limits = server::serve::Limits { header_read_timeout: Duration::from_secs(10), max_connections: 1024, trusted_proxies: vec![] };
    server::serve::serve(listener, app, limits, std::future::pending()).await;
}

/// The library path: tokio-tungstenite's server (handshake and framing, an
/// Autobahn-tested implementation) over the same plain TCP socket, pumping
/// binary messages to and from the unix socket. One listener per target.
async fn library_proxy(target: PathBuf) -> u16 {
    serve_tcp(move |s| {
        let target = target.clone();
        async move {
            let Ok(ws) = tokio_tungstenite::accept_async(s).await else { return };
            let unix = UnixStream::connect(&target).await.unwrap();
            let (mut rd, mut wr) = unix.into_split();
            let (mut sink, mut stream) = ws.split();
            let down = async {
                let mut buf = vec![0u8; FRAME];
                loop {
                    match rd.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => {
                            if sink.send(Message::Binary(buf[..n].to_vec().into())).await.is_err() {
                                return;
                            }
                        }
                    }
                }
            };
            let up = async {
                while let Some(Ok(m)) = stream.next().await {
                    if let Message::Binary(b) = m {
                        if wr.write_all(&b).await.is_err() {
                            return;
                        }
                    }
                }
            };
            tokio::select! { _ = down => {}, _ = up => {} }
        }
    })
    .await
}

/// The ceiling of a proxy: TCP on one side, the unix socket on the other,
/// bytes copied both ways with nothing else done. One listener per target.
async fn copy_proxy(target: PathBuf) -> u16 {
    serve_tcp(move |mut s| {
        let target = target.clone();
        async move {
            let mut u = UnixStream::connect(&target).await.unwrap();
            let _ = tokio::io::copy_bidirectional_with_sizes(&mut s, &mut u, 64 * 1024, 64 * 1024).await;
        }
    })
    .await
}

/// Child processes, killed when dropped.
struct Children(Vec<Child>);
impl Drop for Children {
    fn drop(&mut self) {
        for c in &mut self.0 {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn websockify(target: &Path) -> (u16, Child) {
    let port = free_port();
    let child = Command::new("websockify")
        .arg(format!("--unix-target={}", target.display()))
        .arg(format!("127.0.0.1:{port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("websockify (Debian package) is installed");
    (port, child)
}

/// A plain byte stream: a unix or TCP socket.
trait Raw: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static {}
impl<T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static> Raw for T {}

/// Either side of a measured connection.
enum Conn {
    Raw(Box<dyn Raw>),
    Ws(Ws),
}

async fn open(path: &Target) -> Conn {
    match path {
        Target::Unix(p) => Conn::Raw(Box::new(UnixStream::connect(p).await.unwrap())),
        Target::Tcp(port) => {
            let s = tokio::net::TcpStream::connect(("127.0.0.1", *port)).await.unwrap();
            s.set_nodelay(true).unwrap();
            Conn::Raw(Box::new(s))
        }
        Target::None => unreachable!("skipped"),
        Target::Ws(url) => {
            for _ in 0..100 {
                if let Ok((ws, _)) = tokio_tungstenite::connect_async(url.as_str()).await {
                    return Conn::Ws(ws);
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            panic!("cannot connect to {url}");
        }
    }
}

#[derive(Clone)]
enum Target {
    Unix(PathBuf),
    Tcp(u16),
    Ws(String),
    /// Not measured on this path.
    None,
}

/// Bytes received per second for SECS.
async fn downstream(t: &Target) -> f64 {
    let mut c = open(t).await;
    let start = Instant::now();
    let mut n = 0usize;
    let mut buf = vec![0u8; FRAME];
    while start.elapsed().as_secs_f64() < SECS {
        n += match &mut c {
            Conn::Raw(s) => s.read(&mut buf).await.unwrap(),
            Conn::Ws(ws) => match ws.next().await {
                Some(Ok(Message::Binary(b))) => b.len(),
                Some(Ok(_)) => 0,
                other => panic!("{other:?}"),
            },
        };
    }
    n as f64 / start.elapsed().as_secs_f64() / 1e6
}

/// Send and receive at once through an echo; MB/s each way.
async fn both_ways(t: &Target) -> f64 {
    let c = open(t).await;
    let start = Instant::now();
    let deadline = start + Duration::from_secs_f64(SECS);
    let received = match c {
        Conn::Raw(s) => {
            let (mut r, mut w) = tokio::io::split(s);
            let writer = tokio::spawn(async move {
                let buf = vec![1u8; FRAME];
                while Instant::now() < deadline {
                    if w.write_all(&buf).await.is_err() {
                        break;
                    }
                }
            });
            let mut n = 0;
            let mut buf = vec![0u8; FRAME];
            while Instant::now() < deadline {
                n += r.read(&mut buf).await.unwrap();
            }
            writer.abort();
            n
        }
        Conn::Ws(ws) => {
            let (mut sink, mut stream) = ws.split();
            let writer = tokio::spawn(async move {
                let frame = axum::body::Bytes::from(vec![1u8; FRAME]);
                while Instant::now() < deadline {
                    if sink.send(Message::Binary(frame.clone())).await.is_err() {
                        break;
                    }
                }
            });
            let mut n = 0;
            while Instant::now() < deadline {
                if let Some(Ok(Message::Binary(b))) = stream.next().await {
                    n += b.len();
                }
            }
            writer.abort();
            n
        }
    };
    received as f64 / start.elapsed().as_secs_f64() / 1e6
}

/// 64-byte round trips through an echo: (p50, p99) in µs.
async fn round_trips(t: &Target) -> (f64, f64) {
    let mut c = open(t).await;
    let msg = [7u8; 64];
    let mut times = Vec::with_capacity(2000);
    for _ in 0..2000 {
        let t0 = Instant::now();
        match &mut c {
            Conn::Raw(s) => {
                s.write_all(&msg).await.unwrap();
                let mut got = [0u8; 64];
                s.read_exact(&mut got).await.unwrap();
            }
            Conn::Ws(ws) => {
                ws.send(Message::Binary(msg.to_vec().into())).await.unwrap();
                let mut got = 0;
                while got < 64 {
                    if let Some(Ok(Message::Binary(b))) = ws.next().await {
                        got += b.len();
                    }
                }
            }
        }
        times.push(t0.elapsed().as_secs_f64() * 1e6);
    }
    times.sort_by(|a, b| a.partial_cmp(b).unwrap());
    (times[times.len() / 2], times[times.len() * 99 / 100])
}

async fn send(c: &mut Conn, data: &[u8]) {
    match c {
        Conn::Raw(s) => s.write_all(data).await.unwrap(),
        Conn::Ws(ws) => ws.send(Message::Binary(data.to_vec().into())).await.unwrap(),
    }
}

async fn recv_some(c: &mut Conn, pending: &mut Vec<u8>) {
    match c {
        Conn::Raw(s) => {
            let mut buf = vec![0u8; FRAME];
            let n = s.read(&mut buf).await.unwrap();
            assert!(n > 0, "closed");
            pending.extend_from_slice(&buf[..n]);
        }
        Conn::Ws(ws) => match ws.next().await {
            Some(Ok(Message::Binary(b))) => pending.extend_from_slice(&b),
            Some(Ok(_)) => {}
            other => panic!("{other:?}"),
        },
    }
}

async fn take(c: &mut Conn, pending: &mut Vec<u8>, n: usize) -> Vec<u8> {
    while pending.len() < n {
        recv_some(c, pending).await;
    }
    pending.drain(..n).collect()
}

/// Full raw frames per second from a real QEMU VNC server.
async fn vnc_fps(t: &Target) -> f64 {
    let mut c = open(t).await;
    let mut p = Vec::new();
    take(&mut c, &mut p, 12).await;
    send(&mut c, b"RFB 003.008\n").await;
    let n = take(&mut c, &mut p, 1).await[0] as usize;
    take(&mut c, &mut p, n).await;
    send(&mut c, &[1]).await;
    take(&mut c, &mut p, 4).await;
    send(&mut c, &[1]).await;
    let init = take(&mut c, &mut p, 24).await;
    let (w, h) = (u16::from_be_bytes([init[0], init[1]]), u16::from_be_bytes([init[2], init[3]]));
    let bpp = init[4] as usize / 8;
    let name = u32::from_be_bytes([init[20], init[21], init[22], init[23]]) as usize;
    take(&mut c, &mut p, name).await;
    // Raw encoding only, then full (non-incremental) updates back to back.
    send(&mut c, &[2, 0, 0, 1, 0, 0, 0, 0]).await;
    let request = [3u8, 0, 0, 0, 0, 0, (w >> 8) as u8, w as u8, (h >> 8) as u8, h as u8];
    let start = Instant::now();
    let mut frames = 0;
    while start.elapsed().as_secs_f64() < SECS {
        send(&mut c, &request).await;
        let hdr = take(&mut c, &mut p, 4).await;
        assert_eq!(hdr[0], 0, "framebuffer update");
        let rects = u16::from_be_bytes([hdr[2], hdr[3]]);
        for _ in 0..rects {
            let r = take(&mut c, &mut p, 12).await;
            let (rw, rh) = (u16::from_be_bytes([r[4], r[5]]) as usize, u16::from_be_bytes([r[6], r[7]]) as usize);
            let enc = i32::from_be_bytes([r[8], r[9], r[10], r[11]]);
            if enc == 0 {
                take(&mut c, &mut p, rw * rh * bpp).await;
            }
        }
        frames += 1;
    }
    frames as f64 / start.elapsed().as_secs_f64()
}

fn median(mut v: Vec<f64>) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

fn start_guest(dir: &Path) -> Child {
    let guests = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../guests/out");
    Command::new("qemu-system-x86_64")
        .args(["-machine", "q35", "-accel", "tcg", "-cpu", "max", "-m", "128", "-nodefaults", "-vga", "std", "-display", "none"])
        .arg("-vnc")
        .arg(format!("unix:{},share=force-shared", dir.join("vnc.sock").display()))
        .arg("-kernel")
        .arg(guests.join("vmlinux"))
        .arg("-initrd")
        .arg(guests.join("initrd.img"))
        .args(["-append", "console=ttyS0 quiet panic=-1 no_timer_check clocksource=hpet"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("qemu-system-x86_64")
}

/// Runs vlab's pump (and the plain copy) in its own process, like
/// websockify and like the server, so it does not share a runtime with the
/// measuring client. Returns vlab's port and the copy's source/echo ports.
fn spawn_vlab_proxy(dir: &Path) -> ([u16; 6], Child) {
    let (ports, child) = spawn_child("proxy-server", dir);
    ([ports[0], ports[1], ports[2], ports[3], ports[4], ports[5]], child)
}

/// Runs this program in `mode` and reads the ports it prints.
fn spawn_child(mode: &str, dir: &Path) -> (Vec<u16>, Child) {
    use std::io::BufRead;
    let mut child = Command::new(std::env::current_exe().unwrap())
        .arg(mode)
        .arg(dir)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    (line.split_whitespace().map(|p| p.parse().unwrap()).collect(), child)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let rt = tokio::runtime::Runtime::new().unwrap();
    if args.get(1).map(String::as_str) == Some("sockets") {
        let dir = PathBuf::from(&args[2]);
        rt.block_on(async move {
            let (tsrc, tech) = serve_sockets(&dir).await;
            println!("{tsrc} {tech}");
            std::future::pending::<()>().await
        });
    } else if args.get(1).map(String::as_str) == Some("proxy-server") {
        let dir = PathBuf::from(&args[2]);
        rt.block_on(async move {
            let (tx, rx) = tokio::sync::oneshot::channel();
            tokio::spawn(vlab_proxy(tx, dir.clone()));
            let copy_src = copy_proxy(dir.join("source.sock")).await;
            let copy_echo = copy_proxy(dir.join("echo.sock")).await;
            let lib = [library_proxy(dir.join("source.sock")).await, library_proxy(dir.join("echo.sock")).await, library_proxy(dir.join("vnc.sock")).await];
            println!("{} {copy_src} {copy_echo} {} {} {}", rx.await.unwrap(), lib[0], lib[1], lib[2]);
            std::future::pending::<()>().await
        });
    } else {
        rt.block_on(measure());
    }
}

/// The source and echo, on unix sockets in `dir` and on TCP (ports returned).
async fn serve_sockets(dir: &Path) -> (u16, u16) {
    source(dir.join("source.sock"));
    echo(dir.join("echo.sock"));
    tcp_servers().await
}

/// The same in a process of its own; its TCP ports.
fn spawn_sockets(dir: &Path) -> ((u16, u16), Child) {
    let (ports, child) = spawn_child("sockets", dir);
    ((ports[0], ports[1]), child)
}

async fn measure() {
    let rounds: usize = std::env::var("CONSOLE_BENCH_ROUNDS").ok().and_then(|r| r.parse().ok()).unwrap_or(ROUNDS);
    let only = std::env::var("CONSOLE_BENCH_PATHS").ok();
    let apart = std::env::var("CONSOLE_BENCH_SOCKETS").as_deref() == Ok("apart");
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_path_buf();
    let mut children = Children(vec![]);
    let (tsrc, tech) = if apart {
        let (ports, child) = spawn_sockets(&d);
        children.0.push(child);
        ports
    } else {
        serve_sockets(&d).await
    };
    let ([vlab_port, copy_src, copy_echo, lib_src, lib_echo, lib_vnc], vlab_child) = spawn_vlab_proxy(&d);
    children.0.push(vlab_child);
    let mut targets: Vec<(&str, [Target; 3])> = Vec::new();
    targets.push(("direct-tcp", [Target::Tcp(tsrc), Target::Tcp(tech), Target::None]));
    targets.push(("direct", [Target::Unix(d.join("source.sock")), Target::Unix(d.join("echo.sock")), Target::Unix(d.join("vnc.sock"))]));
    targets.push(("copy", [Target::Tcp(copy_src), Target::Tcp(copy_echo), Target::None]));
    let mut ws_urls = vec![];
    for name in ["source", "echo", "vnc"] {
        let (port, child) = websockify(&d.join(format!("{name}.sock")));
        children.0.push(child);
        ws_urls.push(Target::Ws(format!("ws://127.0.0.1:{port}/")));
    }
    targets.push(("websockify", [ws_urls[0].clone(), ws_urls[1].clone(), ws_urls[2].clone()]));
    targets.push((
        "vlab",
        [
            Target::Ws(format!("ws://127.0.0.1:{vlab_port}/source")),
            Target::Ws(format!("ws://127.0.0.1:{vlab_port}/echo")),
            Target::Ws(format!("ws://127.0.0.1:{vlab_port}/vnc")),
        ],
    ));
    targets.push((
        "library",
        [
            Target::Ws(format!("ws://127.0.0.1:{lib_src}/")),
            Target::Ws(format!("ws://127.0.0.1:{lib_echo}/")),
            Target::Ws(format!("ws://127.0.0.1:{lib_vnc}/")),
        ],
    ));
    let measured = |name: &str| only.as_deref().is_none_or(|o| o.split(',').any(|p| p == name));

    // The socket paths first, with no guest running: a TCG guest burns CPU
    // that the client, the proxies and the echo would otherwise share.
    let mut results = vec![];
    for (name, [src, ech, _]) in &targets {
        let (mut down, mut both, mut p50, mut p99) = (vec![], vec![], vec![], vec![]);
        for _ in 0..if measured(name) { rounds } else { 0 } {
            down.push(downstream(src).await);
            both.push(both_ways(ech).await);
            let (a, b) = round_trips(ech).await;
            p50.push(a);
            p99.push(b);
        }
        results.push([median(down), median(both), median(p50), median(p99), f64::NAN]);
    }
    let mut guest = start_guest(&d);
    tokio::time::sleep(Duration::from_secs(4)).await; // the guest boots and draws
    for (i, (name, [_, _, vnc])) in targets.iter().enumerate() {
        if measured(name) && !matches!(vnc, Target::None) {
            let mut fps = vec![];
            for _ in 0..rounds {
                fps.push(vnc_fps(vnc).await);
            }
            results[i][4] = median(fps);
        }
    }
    let _ = guest.kill();
    let _ = guest.wait();
    drop(children);

    let layout = if apart { ", source/echo in their own process" } else { "" };
    println!("console proxy benchmark: {rounds} rounds x {SECS} s, medians, loopback, {} CPU(s){layout}", std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0));
    println!("{:<11} {:>14} {:>18} {:>10} {:>10} {:>12}", "path", "down MB/s", "both, each MB/s", "rtt p50us", "rtt p99us", "VNC fps");
    for ((name, _), r) in targets.iter().zip(&results) {
        println!("{:<11} {:>14.0} {:>18.0} {:>10.1} {:>10.1} {:>12.1}", name, r[0], r[1], r[2], r[3], r[4]);
    }
    let (tcp, direct, copy, wsf_r, vlab, lib) = (results[0], results[1], results[2], results[3], results[4], results[5]);
    println!("vlab vs direct TCP: downstream {:.2}x (target >= 0.8), added p50 {:.1} us (target <= 20)", vlab[0] / tcp[0], vlab[2] - tcp[2]);
    println!("vlab vs the unix socket itself: downstream {:.2}x, added p50 {:.1} us", vlab[0] / direct[0], vlab[2] - direct[2]);
    println!("vlab vs websockify: both directions {:.1}x (target >= 3), downstream {:.1}x", vlab[1] / wsf_r[1], vlab[0] / wsf_r[0]);
    println!(
        "plain copy (no websocket) vs websockify: both directions {:.1}x; vlab reaches {:.2}x of the plain copy both ways",
        copy[1] / wsf_r[1],
        vlab[1] / copy[1]
    );
    println!(
        "library (tokio-tungstenite) vs vlab's framing: downstream {:.2}x, both directions {:.2}x, p50 {:+.1} us; the library reaches {:.2}x of the plain copy both ways",
        lib[0] / vlab[0],
        lib[1] / vlab[1],
        lib[2] - vlab[2],
        lib[1] / copy[1]
    );
}
