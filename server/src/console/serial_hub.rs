//! Several viewers on one serial port. QEMU's serial socket serves one
//! client at a time, so one hub per VM holds that connection: the guest's
//! output goes to every viewer, and input from any interactive viewer goes
//! to the guest. The hub ends when the last viewer leaves or the VM stops.

use super::proxy::{next_step, Keepalive, Liveness, Step, VM_CLOSED};
use super::ws::{self, Ending};
use axum::body::Bytes;
use bytes::BytesMut;
use std::collections::HashMap;
use std::future::Future;
use std::path::Path;
use std::sync::{Arc, Mutex, Weak};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::{broadcast, mpsc, oneshot};

/// Output chunks a slow viewer may fall behind by before it skips ahead.
const BACKLOG_CHUNKS: usize = 256;

/// One VM's serial connection, shared.
pub struct Hub {
    output: broadcast::Receiver<Bytes>,
    input: mpsc::Sender<Bytes>,
    task: tokio::task::AbortHandle,
}

impl Drop for Hub {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The hubs of all VMs with serial viewers.
#[derive(Default)]
pub struct SerialHubs {
    hubs: Mutex<HashMap<i64, Weak<Hub>>>,
}

impl SerialHubs {
    /// The VM's hub, connecting to its serial socket if no viewer has yet.
    pub async fn join(&self, vm_id: i64, socket: &Path) -> std::io::Result<Arc<Hub>> {
        if let Some(hub) = self.live(vm_id) {
            return Ok(hub);
        }
        let unix = tokio::net::UnixStream::connect(socket).await?;
        let mut hubs = self.hubs.lock().unwrap_or_else(|p| p.into_inner());
        // Another viewer may have made one meanwhile.
        if let Some(hub) = hubs.get(&vm_id).and_then(Weak::upgrade).filter(|h| !h.input.is_closed()) {
            return Ok(hub);
        }
        let (out_tx, out_rx) = broadcast::channel(BACKLOG_CHUNKS);
        let (in_tx, in_rx) = mpsc::channel(64);
        let task = tokio::spawn(run(unix, out_tx, in_rx)).abort_handle();
        let hub = Arc::new(Hub { output: out_rx, input: in_tx, task });
        hubs.retain(|_, w| w.strong_count() > 0);
        hubs.insert(vm_id, Arc::downgrade(&hub));
        Ok(hub)
    }

    fn live(&self, vm_id: i64) -> Option<Arc<Hub>> {
        let hubs = self.hubs.lock().unwrap_or_else(|p| p.into_inner());
        hubs.get(&vm_id).and_then(Weak::upgrade).filter(|h| !h.input.is_closed())
    }
}

/// Holds the serial connection: guest output to every viewer, viewers' input to the guest.
async fn run(unix: tokio::net::UnixStream, output: broadcast::Sender<Bytes>, mut input: mpsc::Receiver<Bytes>) {
    let (mut rd, mut wr) = unix.into_split();
    let mut buf = BytesMut::with_capacity(16 * 1024);
    loop {
        tokio::select! {
            n = rd.read_buf(&mut buf) => match n {
                Ok(0) | Err(_) => break,
                Ok(_) => {
                    let _ = output.send(buf.split().freeze());
                    if buf.capacity() < 4096 {
                        buf.reserve(16 * 1024);
                    }
                }
            },
            data = input.recv() => match data {
                Some(d) => {
                    if wr.write_all(&d).await.is_err() {
                        break;
                    }
                }
                None => break,
            },
        }
    }
}

/// One viewer: the hub's output to the websocket, and (unless `read_only`)
/// the websocket's input to the guest. Ends with the websocket, the hub or
/// `stop`; as in the VNC pump, only the writing side ends it, between frames.
pub async fn pump<R, W>(mut rx: ws::Reader<R>, mut tx: ws::Writer<W>, hub: Arc<Hub>, read_only: bool, stop: impl Future<Output = &'static str>)
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let mut output = hub.output.resubscribe();
    let input = hub.input.clone();
    let live = Liveness::new();
    let (mut keep, pongs) = Keepalive::new();
    let (up_end, mut up_ended) = oneshot::channel::<Ending>();
    let ending = {
        let down = async {
            tokio::pin!(stop);
            loop {
                tokio::select! {
                    e = &mut up_ended => return e.unwrap_or(Ending::Gone),
                    why = &mut stop => return Ending::Server(ws::CLOSE_POLICY, why),
                    chunk = output.recv() => match chunk {
                        Ok(b) => {
                            if tx.send_binary(&b).await.is_err() {
                                return Ending::Gone;
                            }
                        }
                        // Too slow: skip what was missed, keep watching.
                        Err(broadcast::error::RecvError::Lagged(_)) => continue,
                        Err(broadcast::error::RecvError::Closed) => return VM_CLOSED,
                    },
                    due = keep.due() => if !due.send(&mut tx, &live).await {
                        return Ending::Gone;
                    },
                }
            }
        };
        let up = async {
            let ending = loop {
                let data = match next_step(&mut rx, &live, &pongs).await {
                    Step::Data(d) => d,
                    Step::Skip => continue,
                    Step::End(e) => break e,
                };
                if !read_only && input.send(Bytes::copy_from_slice(data)).await.is_err() {
                    break VM_CLOSED;
                }
            };
            let _ = up_end.send(ending);
            std::future::pending::<Ending>().await
        };
        tokio::select! {
            e = down => e,
            e = up => e,
        }
    };
    ws::finish(&mut rx, &mut tx, ending).await;
    drop(hub);
}
