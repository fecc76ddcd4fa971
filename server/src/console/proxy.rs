//! Pumps bytes between a websocket and a unix socket, untouched (except the
//! view-only filter), one direction per future, both ended together.
//! Each direction awaits its write before reading more: backpressure.

use super::rfb::ViewOnlyFilter;
use axum::body::Bytes;
use axum::extract::ws::{Message, WebSocket};
use bytes::BytesMut;
use futures_util::{SinkExt, StreamExt};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::UnixStream;

/// How often the server pings; a client silent for three of these is gone.
const PING_EVERY: Duration = Duration::from_secs(15);
const READ_CHUNK: usize = 64 * 1024;

pub async fn pump(ws: WebSocket, unix: UnixStream, mut filter: Option<ViewOnlyFilter>) {
    let (mut sink, mut stream) = ws.split();
    let (mut rd, mut wr) = unix.into_split();
    // When the client was last heard from, in ms since `born`: checked at
    // each ping rather than with a timer per message.
    let born = Instant::now();
    let heard = AtomicU64::new(0);

    let down = async {
        let mut buf = BytesMut::with_capacity(READ_CHUNK);
        let mut ping = tokio::time::interval(PING_EVERY);
        ping.tick().await;
        loop {
            tokio::select! {
                n = rd.read_buf(&mut buf) => {
                    match n {
                        Ok(0) | Err(_) => break,
                        Ok(_) => {
                            let chunk = buf.split().freeze();
                            if sink.send(Message::Binary(chunk)).await.is_err() {
                                break;
                            }
                            if buf.capacity() < READ_CHUNK / 4 {
                                buf.reserve(READ_CHUNK);
                            }
                        }
                    }
                }
                _ = ping.tick() => {
                    let silent = born.elapsed().as_millis() as u64 - heard.load(Ordering::Relaxed);
                    if silent > (PING_EVERY * 3).as_millis() as u64 {
                        break;
                    }
                    if sink.send(Message::Ping(Bytes::new())).await.is_err() {
                        break;
                    }
                }
            }
        }
        let _ = sink.send(Message::Close(None)).await;
    };

    let up = async {
        let mut filtered = Vec::new();
        while let Some(Ok(msg)) = stream.next().await {
            heard.store(born.elapsed().as_millis() as u64, Ordering::Relaxed);
            let data: Bytes = match msg {
                Message::Binary(b) => b,
                Message::Text(t) => Bytes::copy_from_slice(t.as_str().as_bytes()),
                Message::Close(_) => break,
                Message::Ping(_) | Message::Pong(_) => continue,
            };
            let written = match filter.as_mut() {
                None => wr.write_all(&data).await,
                Some(f) => {
                    filtered.clear();
                    if let Err(e) = f.feed(&data, &mut filtered) {
                        tracing::info!(error = %e, "view-only console closed");
                        break;
                    }
                    wr.write_all(&filtered).await
                }
            };
            if written.is_err() {
                break;
            }
        }
        let _ = wr.shutdown().await;
    };

    // Whichever side ends first ends the other.
    tokio::select! {
        _ = down => {},
        _ = up => {},
    }
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
