//! A small QMP client: greeting and capabilities, commands with increasing
//! ids, one reader that routes replies by id and broadcasts events, and every
//! pending call failed when the socket closes. QEMU may send an event before
//! the reply to the command that caused it, so nothing assumes the next line
//! is a reply.

use serde_json::{json, Value};
use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::unix::OwnedWriteHalf;
use tokio::net::UnixStream;
use tokio::sync::{broadcast, oneshot, watch};

/// Longest wait for a command's reply.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QmpError {
    #[error("cannot connect to QMP: {0}")]
    Connect(String),
    #[error("unexpected QMP greeting: {0}")]
    Handshake(String),
    #[error("QMP connection closed")]
    Disconnected,
    #[error("QMP command {command} timed out")]
    Timeout { command: String },
    #[error("QEMU refused {command}: {class}: {desc}")]
    Command { command: String, class: String, desc: String },
    #[error("QMP I/O: {0}")]
    Io(String),
}

/// An asynchronous event from QEMU.
#[derive(Debug, Clone, PartialEq)]
pub struct QmpEvent {
    pub name: String,
    pub data: Value,
}

type Pending = Arc<Mutex<Option<HashMap<u64, oneshot::Sender<Result<Value, QmpError>>>>>>;

/// A connected QMP session. Cheap to clone; all clones share the socket.
#[derive(Clone)]
pub struct Qmp {
    writer: Arc<tokio::sync::Mutex<OwnedWriteHalf>>,
    pending: Pending,
    next_id: Arc<AtomicU64>,
    events: broadcast::Sender<QmpEvent>,
    closed: watch::Receiver<bool>,
}

impl Qmp {
    /// Connects to a QMP unix socket and negotiates capabilities.
    pub async fn connect(path: &Path) -> Result<Qmp, QmpError> {
        let stream = UnixStream::connect(path).await.map_err(|e| QmpError::Connect(e.to_string()))?;
        Self::handshake(stream).await
    }

    /// Connects, retrying until `within` passes (QEMU makes the socket a
    /// moment after it starts).
    pub async fn connect_retry(path: &Path, within: Duration) -> Result<Qmp, QmpError> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            match Self::connect(path).await {
                Ok(q) => return Ok(q),
                Err(QmpError::Connect(e)) if tokio::time::Instant::now() < deadline => {
                    tracing::trace!(error = %e, "QMP not ready yet");
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
                Err(e) => return Err(e),
            }
        }
    }

    async fn handshake(stream: UnixStream) -> Result<Qmp, QmpError> {
        let (read, write) = stream.into_split();
        let mut lines = BufReader::new(read).lines();
        let greeting = tokio::time::timeout(DEFAULT_TIMEOUT, lines.next_line())
            .await
            .map_err(|_| QmpError::Handshake("no greeting".into()))?
            .map_err(|e| QmpError::Io(e.to_string()))?
            .ok_or(QmpError::Disconnected)?;
        let v: Value = serde_json::from_str(&greeting).map_err(|_| QmpError::Handshake(greeting.clone()))?;
        if v.get("QMP").is_none() {
            return Err(QmpError::Handshake(greeting));
        }
        let (events, _) = broadcast::channel(256);
        let (closed_tx, closed) = watch::channel(false);
        let qmp = Qmp {
            writer: Arc::new(tokio::sync::Mutex::new(write)),
            pending: Arc::new(Mutex::new(Some(HashMap::new()))),
            next_id: Arc::new(AtomicU64::new(1)),
            events,
            closed,
        };
        tokio::spawn(read_loop(lines, qmp.pending.clone(), qmp.events.clone(), closed_tx));
        qmp.execute("qmp_capabilities", None).await?;
        Ok(qmp)
    }

    /// Runs a command and returns its `return` value.
    pub async fn execute(&self, command: &str, arguments: Option<Value>) -> Result<Value, QmpError> {
        self.execute_timeout(command, arguments, DEFAULT_TIMEOUT).await
    }

    pub async fn execute_timeout(&self, command: &str, arguments: Option<Value>, timeout: Duration) -> Result<Value, QmpError> {
        self.call(command, arguments, timeout, None).await
    }

    /// Runs a command with an open file passed along (SCM_RIGHTS), as
    /// `add-fd` and `getfd` take them.
    pub async fn execute_with_fd(&self, command: &str, arguments: Option<Value>, fd: std::os::fd::BorrowedFd<'_>) -> Result<Value, QmpError> {
        use std::os::fd::AsRawFd;
        self.call(command, arguments, DEFAULT_TIMEOUT, Some(fd.as_raw_fd())).await
    }

    async fn call(&self, command: &str, arguments: Option<Value>, timeout: Duration, fd: Option<std::os::fd::RawFd>) -> Result<Value, QmpError> {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = oneshot::channel();
        {
            let mut guard = self.pending.lock().unwrap_or_else(|p| p.into_inner());
            let Some(map) = guard.as_mut() else { return Err(QmpError::Disconnected) };
            map.insert(id, tx);
        }
        let mut msg = json!({ "execute": command, "id": id });
        if let Some(args) = arguments {
            msg["arguments"] = args;
        }
        let mut line = msg.to_string();
        line.push('\n');
        let written = {
            let mut w = self.writer.lock().await;
            match fd {
                None => w.write_all(line.as_bytes()).await,
                Some(fd) => send_with_fd(&mut w, line.as_bytes(), fd).await,
            }
        };
        if let Err(e) = written {
            self.forget(id);
            return Err(QmpError::Io(e.to_string()));
        }
        match tokio::time::timeout(timeout, rx).await {
            Ok(Ok(result)) => result.map_err(|e| match e {
                QmpError::Command { class, desc, .. } => QmpError::Command { command: command.into(), class, desc },
                other => other,
            }),
            Ok(Err(_)) => Err(QmpError::Disconnected),
            Err(_) => {
                self.forget(id);
                Err(QmpError::Timeout { command: command.into() })
            }
        }
    }

    fn forget(&self, id: u64) {
        if let Some(map) = self.pending.lock().unwrap_or_else(|p| p.into_inner()).as_mut() {
            map.remove(&id);
        }
    }

    /// Events from now on.
    pub fn events(&self) -> broadcast::Receiver<QmpEvent> {
        self.events.subscribe()
    }

    /// Resolves when the connection is gone.
    pub async fn closed(&self) {
        let mut c = self.closed.clone();
        let _ = c.wait_for(|closed| *closed).await;
    }

    pub fn is_closed(&self) -> bool {
        *self.closed.borrow()
    }
}

/// Writes `bytes` with `fd` attached to the first part that goes out.
async fn send_with_fd(w: &mut OwnedWriteHalf, bytes: &[u8], fd: std::os::fd::RawFd) -> std::io::Result<()> {
    use std::os::fd::AsRawFd;
    let stream: &UnixStream = w.as_ref();
    let sent = loop {
        stream.writable().await?;
        match stream.try_io(tokio::io::Interest::WRITABLE, || sendmsg_with_fd(stream.as_raw_fd(), bytes, fd)) {
            Ok(n) => break n,
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => continue,
            Err(e) => return Err(e),
        }
    };
    w.write_all(&bytes[sent..]).await
}

/// One `sendmsg` carrying `fd` as SCM_RIGHTS ancillary data.
fn sendmsg_with_fd(socket: std::os::fd::RawFd, bytes: &[u8], fd: std::os::fd::RawFd) -> std::io::Result<usize> {
    let fd_len = std::mem::size_of::<std::os::fd::RawFd>() as u32;
    // u64s: the control buffer must be aligned for a cmsghdr.
    let mut control = [0u64; 8];
    // SAFETY: the message points at `bytes`, one iovec and `control`, all
    // alive for the call; CMSG_SPACE(4) fits in 64 bytes.
    unsafe {
        let mut iov = libc::iovec { iov_base: bytes.as_ptr() as *mut libc::c_void, iov_len: bytes.len() };
        let mut msg: libc::msghdr = std::mem::zeroed();
        msg.msg_iov = &mut iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control.as_mut_ptr().cast();
        msg.msg_controllen = libc::CMSG_SPACE(fd_len) as _;
        let cmsg = libc::CMSG_FIRSTHDR(&msg);
        (*cmsg).cmsg_level = libc::SOL_SOCKET;
        (*cmsg).cmsg_type = libc::SCM_RIGHTS;
        (*cmsg).cmsg_len = libc::CMSG_LEN(fd_len) as _;
        std::ptr::write_unaligned(libc::CMSG_DATA(cmsg).cast::<std::os::fd::RawFd>(), fd);
        let n = libc::sendmsg(socket, &msg, libc::MSG_NOSIGNAL);
        if n < 0 {
            Err(std::io::Error::last_os_error())
        } else {
            Ok(n as usize)
        }
    }
}

async fn read_loop(
    mut lines: tokio::io::Lines<BufReader<tokio::net::unix::OwnedReadHalf>>,
    pending: Pending,
    events: broadcast::Sender<QmpEvent>,
    closed: watch::Sender<bool>,
) {
    while let Ok(Some(line)) = lines.next_line().await {
        let Ok(v) = serde_json::from_str::<Value>(&line) else {
            tracing::warn!(line, "unparsable QMP line");
            continue;
        };
        if let Some(name) = v.get("event").and_then(Value::as_str) {
            let _ = events.send(QmpEvent { name: name.to_owned(), data: v.get("data").cloned().unwrap_or(Value::Null) });
            continue;
        }
        let Some(id) = v.get("id").and_then(Value::as_u64) else { continue };
        let result = match (v.get("return"), v.get("error")) {
            (Some(r), _) => Ok(r.clone()),
            (None, Some(e)) => Err(QmpError::Command {
                command: String::new(),
                class: e.get("class").and_then(Value::as_str).unwrap_or("GenericError").to_owned(),
                desc: e.get("desc").and_then(Value::as_str).unwrap_or("").to_owned(),
            }),
            (None, None) => continue,
        };
        let waiter = pending.lock().unwrap_or_else(|p| p.into_inner()).as_mut().and_then(|m| m.remove(&id));
        if let Some(tx) = waiter {
            let _ = tx.send(result);
        }
    }
    // Dropping every sender fails each pending call with Disconnected.
    pending.lock().unwrap_or_else(|p| p.into_inner()).take();
    let _ = closed.send(true);
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::net::UnixListener;

    /// A scripted QEMU: answers by the handler, sends what it returns.
    async fn scripted<F>(handler: F) -> (tempfile::TempDir, std::path::PathBuf)
    where
        F: Fn(Value) -> Vec<String> + Send + 'static,
    {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("qmp.sock");
        let listener = UnixListener::bind(&path).unwrap();
        tokio::spawn(async move {
            let (stream, _) = listener.accept().await.unwrap();
            let (r, mut w) = stream.into_split();
            w.write_all(b"{\"QMP\": {\"version\": {\"qemu\": {\"major\": 7}}, \"capabilities\": []}}\n").await.unwrap();
            let mut lines = BufReader::new(r).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                let req: Value = serde_json::from_str(&line).unwrap();
                for out in handler(req) {
                    if out == "CLOSE" {
                        return;
                    }
                    w.write_all(format!("{out}\n").as_bytes()).await.unwrap();
                }
            }
        });
        (dir, path)
    }

    fn reply(req: &Value, ret: Value) -> String {
        json!({"return": ret, "id": req["id"]}).to_string()
    }

    #[tokio::test]
    async fn events_before_replies_are_routed_right() {
        let (_d, path) = scripted(|req| match req["execute"].as_str().unwrap() {
            "quit" => vec![
                json!({"event": "SHUTDOWN", "data": {"guest": false, "reason": "host-qmp-quit"}, "timestamp": {}}).to_string(),
                reply(&req, json!({})),
            ],
            "query-status" => vec![reply(&req, json!({"status": "running", "running": true}))],
            _ => vec![reply(&req, json!({}))],
        })
        .await;
        let q = Qmp::connect(&path).await.unwrap();
        let mut ev = q.events();
        let st = q.execute("query-status", None).await.unwrap();
        assert_eq!(st["status"], "running");
        assert_eq!(q.execute("quit", None).await.unwrap(), json!({}));
        let e = ev.recv().await.unwrap();
        assert_eq!(e.name, "SHUTDOWN");
        assert_eq!(e.data["reason"], "host-qmp-quit");
    }

    #[tokio::test]
    async fn replies_out_of_order_find_their_callers() {
        // Holds the first command's reply until the second arrives.
        let held = Arc::new(Mutex::new(None::<Value>));
        let (_d, path) = scripted(move |req| {
            if req["execute"] == "qmp_capabilities" {
                return vec![reply(&req, json!({}))];
            }
            let mut h = held.lock().unwrap();
            match h.take() {
                None => {
                    *h = Some(req);
                    vec![]
                }
                Some(first) => vec![reply(&req, json!("second")), reply(&first, json!("first"))],
            }
        })
        .await;
        let q = Qmp::connect(&path).await.unwrap();
        let (a, b) = tokio::join!(q.execute("a", None), async {
            tokio::time::sleep(Duration::from_millis(50)).await;
            q.execute("b", None).await
        });
        assert_eq!(a.unwrap(), json!("first"));
        assert_eq!(b.unwrap(), json!("second"));
    }

    #[tokio::test]
    async fn errors_and_disconnects_reach_every_caller() {
        let (_d, path) = scripted(|req| match req["execute"].as_str().unwrap() {
            "qmp_capabilities" => vec![reply(&req, json!({}))],
            "bogus" => vec![json!({"error": {"class": "CommandNotFound", "desc": "The command bogus has not been found"}, "id": req["id"]}).to_string()],
            "hang" => vec![],
            _ => vec!["CLOSE".into()],
        })
        .await;
        let q = Qmp::connect(&path).await.unwrap();
        match q.execute("bogus", None).await {
            Err(QmpError::Command { command, class, .. }) => {
                assert_eq!(command, "bogus");
                assert_eq!(class, "CommandNotFound");
            }
            other => panic!("{other:?}"),
        }
        let t = q.execute_timeout("hang", None, Duration::from_millis(50)).await;
        assert_eq!(t, Err(QmpError::Timeout { command: "hang".into() }));
        let (pending, _) = tokio::join!(q.execute("hang", None), async {
            tokio::time::sleep(Duration::from_millis(30)).await;
            let _ = q.execute("die", None).await;
        });
        assert_eq!(pending, Err(QmpError::Disconnected), "a call in flight fails when the socket closes");
        q.closed().await;
        assert!(q.is_closed());
        assert_eq!(q.execute("after", None).await, Err(QmpError::Disconnected));
    }

    #[tokio::test]
    async fn refuses_a_socket_that_is_not_qmp() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.sock");
        let listener = UnixListener::bind(&path).unwrap();
        tokio::spawn(async move {
            let (mut s, _) = listener.accept().await.unwrap();
            s.write_all(b"RFB 003.008\n").await.unwrap();
            tokio::time::sleep(Duration::from_secs(1)).await;
        });
        assert!(matches!(Qmp::connect(&path).await, Err(QmpError::Handshake(_))));
    }
}
