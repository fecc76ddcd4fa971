//! Pumps bytes between a console websocket and a VM's unix socket,
//! untouched (except the view-only filter), one direction per future, both
//! ended together. Each direction awaits its write before reading more:
//! backpressure. Both directions reuse one buffer each: no allocation per frame.

use super::rfb::ViewOnlyFilter;
use super::ws::{self, Ending, Incoming};
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::UnixStream;
use tokio::sync::{mpsc, oneshot};

/// How often the server pings; a client silent for three of these is gone.
pub const PING_EVERY: Duration = Duration::from_secs(15);
/// The most VNC output one frame carries. TCP hands the network stack at
/// most one 64 KiB GSO unit per packet train (less the IP and TCP headers,
/// rounded down to whole segments: 65482 bytes on loopback, 65160 on
/// 1500-byte Ethernet); a frame of 64 KiB plus its header took one full
/// unit and a sliver of a second. 63 KiB fits one unit on both, so every
/// frame leaves as one.
const READ_CHUNK: usize = 63 * 1024;

/// Tracks when the client was last heard from, for the ping timeout.
pub struct Liveness {
    born: Instant,
    heard_ms: AtomicU64,
}

impl Liveness {
    pub fn new() -> Self {
        Liveness { born: Instant::now(), heard_ms: AtomicU64::new(0) }
    }
    pub fn heard(&self) {
        self.heard_ms.store(self.born.elapsed().as_millis() as u64, Ordering::Relaxed);
    }
    /// Silent for three pings: the client is gone.
    pub fn gone(&self) -> bool {
        self.born.elapsed().as_millis() as u64 - self.heard_ms.load(Ordering::Relaxed) > (PING_EVERY * 3).as_millis() as u64
    }
}

impl Default for Liveness {
    fn default() -> Self {
        Self::new()
    }
}

/// The writing side's share of keeping a console connection alive: our
/// pings, answers to the client's, and noticing a client gone silent.
pub struct Keepalive {
    ping: tokio::time::Interval,
    pongs: mpsc::Receiver<Vec<u8>>,
}

impl Keepalive {
    /// With the sender the reading side passes the client's pings to.
    pub fn new() -> (Self, mpsc::Sender<Vec<u8>>) {
        let (tx, pongs) = mpsc::channel(1);
        let mut ping = tokio::time::interval(PING_EVERY);
        ping.reset();
        (Keepalive { ping, pongs }, tx)
    }

    /// Waits until something is due (cancel-safe: use it in `select!`).
    pub async fn due(&mut self) -> Due {
        tokio::select! {
            Some(p) = self.pongs.recv() => Due::Pong(p),
            _ = self.ping.tick() => Due::Ping,
        }
    }
}

/// What keeping alive asks the writing side to do.
pub enum Due {
    Pong(Vec<u8>),
    Ping,
}

impl Due {
    /// Does it; false when the connection is done for (write failed, or
    /// the client has been silent too long).
    pub async fn send<W: AsyncWrite + Unpin>(self, tx: &mut ws::Writer<W>, live: &Liveness) -> bool {
        match self {
            Due::Pong(p) => tx.pong(&p).await.is_ok(),
            Due::Ping => !live.gone() && tx.ping().await.is_ok(),
        }
    }
}

/// What one read from the client comes to.
pub enum Step<'a> {
    /// Payload to pass on.
    Data(&'a [u8]),
    /// Nothing to pass on: a pong, or a ping (handed to the writing side).
    Skip,
    /// The client is done, or broke the protocol.
    End(Ending),
}

/// Reads the next thing the client sent, marks it heard, and deals with
/// control frames: pings go through `pongs` to the writing side.
pub async fn next_step<'a, R: AsyncRead + Unpin>(rx: &'a mut ws::Reader<R>, live: &Liveness, pongs: &mpsc::Sender<Vec<u8>>) -> Step<'a> {
    let item = rx.next().await;
    live.heard();
    match item {
        Ok(Some(Incoming::Data(d))) => Step::Data(d),
        Ok(Some(Incoming::Pong)) => Step::Skip,
        // Only the latest ping needs an answer: drop one when a pong is pending.
        Ok(Some(Incoming::Ping(p))) => {
            let _ = pongs.try_send(p);
            Step::Skip
        }
        Ok(Some(Incoming::Close(code))) => Step::End(Ending::ClientClosed(code)),
        Ok(None) => Step::End(Ending::Gone),
        Err(e) => match ws::Violation::of(&e) {
            Some(v) => {
                tracing::info!(error = %v, "console client broke the websocket protocol");
                Step::End(Ending::Server(v.code, v.msg))
            }
            None => Step::End(Ending::Gone),
        },
    }
}

/// The VM's side of a console ended.
pub const VM_CLOSED: Ending = Ending::Server(ws::CLOSE_NORMAL, "the VM's console closed");

/// The VNC pump. Ends when either side does or when `stop` resolves (with
/// the reason sent in the close frame). Only the writing side ends the
/// pump, between frames, so the close frame never follows half a frame.
pub async fn pump<R, W>(mut rx: ws::Reader<R>, mut tx: ws::Writer<W>, unix: UnixStream, mut filter: Option<ViewOnlyFilter>, stop: impl Future<Output = &'static str>)
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let (mut rd, mut wr) = unix.into_split();
    let live = Liveness::new();
    let (mut keep, pongs) = Keepalive::new();
    let (up_end, mut up_ended) = oneshot::channel::<Ending>();
    let ending = {
        let down = async {
            tokio::pin!(stop);
            let mut buf = vec![0u8; ws::HEADROOM + READ_CHUNK];
            loop {
                tokio::select! {
                    e = &mut up_ended => return e.unwrap_or(Ending::Gone),
                    why = &mut stop => return Ending::Server(ws::CLOSE_POLICY, why),
                    n = rd.read(&mut buf[ws::HEADROOM..]) => match n {
                        Ok(0) | Err(_) => return VM_CLOSED,
                        Ok(n) => {
                            if tx.send_binary_in_place(&mut buf[..ws::HEADROOM + n]).await.is_err() {
                                return Ending::Gone;
                            }
                        }
                    },
                    due = keep.due() => if !due.send(&mut tx, &live).await {
                        return Ending::Gone;
                    },
                }
            }
        };
        let up = async {
            let mut filtered = Vec::new();
            let ending = loop {
                let data = match next_step(&mut rx, &live, &pongs).await {
                    Step::Data(d) => d,
                    Step::Skip => continue,
                    Step::End(e) => break e,
                };
                let written = match filter.as_mut() {
                    None => wr.write_all(data).await,
                    Some(f) => {
                        filtered.clear();
                        if let Err(e) = f.feed(data, &mut filtered) {
                            tracing::info!(error = %e, "view-only console closed");
                            break Ending::Server(ws::CLOSE_POLICY, "this console is view-only");
                        }
                        wr.write_all(&filtered).await
                    }
                };
                if written.is_err() {
                    break VM_CLOSED;
                }
            };
            let _ = wr.shutdown().await;
            let _ = up_end.send(ending);
            std::future::pending::<Ending>().await
        };
        tokio::select! {
            e = down => e,
            e = up => e,
        }
    };
    ws::finish(&mut rx, &mut tx, ending).await;
}

/// The last `max` bytes of a file, if it has any.
pub fn tail(path: &std::path::Path, max: u64) -> Option<Vec<u8>> {
    use std::io::{Read, Seek, SeekFrom};
    let mut f = std::fs::File::open(path).ok()?;
    let len = f.metadata().ok()?.len();
    f.seek(SeekFrom::Start(len.saturating_sub(max))).ok()?;
    let mut buf = Vec::with_capacity(max.min(len) as usize);
    f.read_to_end(&mut buf).ok()?;
    (!buf.is_empty()).then_some(buf)
}
