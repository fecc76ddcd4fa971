//! The server side of a websocket (RFC 6455), cut to what a byte pump
//! needs. Payload is handed on as it arrives, unmasked in place in one
//! reusable buffer, so a frame of any size costs no allocation and no extra
//! copy; message boundaries are not kept (a console is a byte stream), and
//! the payload of data frames that arrived together comes out as one run.
//! Outgoing data frames get their header written in front of the payload,
//! so each is one write.

use std::io;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// Room kept in front of outgoing payload for the largest server header.
pub const HEADROOM: usize = 10;
const READ_BUF: usize = 64 * 1024;
/// Close codes (RFC 6455 §7.4.1).
pub const CLOSE_NORMAL: u16 = 1000;
pub const CLOSE_PROTOCOL: u16 = 1002;
/// Text frames are refused: a console is bytes, and every client vlab
/// ships sends binary.
pub const CLOSE_UNSUPPORTED: u16 = 1003;
pub const CLOSE_INVALID_UTF8: u16 = 1007;
/// The caller's access ended (logout, revocation, role change).
pub const CLOSE_POLICY: u16 = 1008;

const OP_CONT: u8 = 0x0;
const OP_TEXT: u8 = 0x1;
const OP_BINARY: u8 = 0x2;
const OP_CLOSE: u8 = 0x8;
const OP_PING: u8 = 0x9;
const OP_PONG: u8 = 0xA;

/// What the client sent.
#[derive(Debug, PartialEq)]
pub enum Incoming<'a> {
    /// Payload bytes of a text or binary message, unmasked.
    Data(&'a [u8]),
    /// A ping: its payload must come back in a pong.
    Ping(Vec<u8>),
    Pong,
    /// The client closes (with its close code, if any; checked valid).
    Close(Option<u16>),
}

/// How a client broke the protocol, and the close code that answers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{msg}")]
pub struct Violation {
    pub code: u16,
    pub msg: &'static str,
}

impl Violation {
    /// The violation an error from [`Reader::next`] carries, if it is one.
    pub fn of(e: &io::Error) -> Option<Violation> {
        e.get_ref().and_then(|inner| inner.downcast_ref::<Violation>()).copied()
    }
}

/// A client that broke the protocol; the connection is closed with 1002.
fn protocol(msg: &'static str) -> io::Error {
    violation(CLOSE_PROTOCOL, msg)
}

fn violation(code: u16, msg: &'static str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, Violation { code, msg })
}

/// A close frame's payload: empty, or a code a peer may send (RFC 6455
/// §7.4) and a UTF-8 reason.
fn close_payload(p: &[u8]) -> io::Result<Option<u16>> {
    match p {
        [] => Ok(None),
        [_] => Err(protocol("a close frame's payload is a 2-byte code and a reason")),
        [a, b, reason @ ..] => {
            let code = u16::from_be_bytes([*a, *b]);
            let sendable = matches!(code, 1000..=1003 | 1007..=1014 | 3000..=4999);
            if !sendable {
                return Err(protocol("close code not allowed on the wire"));
            }
            if std::str::from_utf8(reason).is_err() {
                return Err(violation(CLOSE_INVALID_UTF8, "close reason is not UTF-8"));
            }
            Ok(Some(code))
        }
    }
}

/// A client frame's header.
struct FrameHead {
    fin: bool,
    opcode: u8,
    len: u64,
    mask: [u8; 4],
    /// Bytes the header itself takes.
    size: usize,
}

/// Reads client frames.
pub struct Reader<R> {
    io: R,
    buf: Box<[u8]>,
    start: usize,
    end: usize,
    /// Payload bytes still to come in the current data frame.
    remaining: u64,
    mask: [u8; 4],
    /// Where in the mask the next payload byte falls.
    phase: usize,
    /// A fragmented message is under way (continuations are allowed).
    in_message: bool,
}

impl<R: AsyncRead + Unpin> Reader<R> {
    /// `early` holds bytes already read past the handshake.
    pub fn new(io: R, early: &[u8]) -> Self {
        let mut buf = vec![0u8; READ_BUF.max(early.len())].into_boxed_slice();
        buf[..early.len()].copy_from_slice(early);
        Reader { io, buf, start: 0, end: early.len(), remaining: 0, mask: [0; 4], phase: 0, in_message: false }
    }

    /// The next piece of what the client sent; `None` when it hung up
    /// between frames.
    pub async fn next(&mut self) -> io::Result<Option<Incoming<'_>>> {
        loop {
            if self.remaining > 0 {
                if self.start == self.end && !self.fill().await? {
                    return Err(io::ErrorKind::UnexpectedEof.into());
                }
                let (from, to) = self.payload_run();
                return Ok(Some(Incoming::Data(&self.buf[from..to])));
            }
            let Some(head) = self.header()? else {
                if !self.fill().await? {
                    if self.start == self.end {
                        return Ok(None);
                    }
                    return Err(io::ErrorKind::UnexpectedEof.into());
                }
                continue;
            };
            if head.opcode >= 0x8 {
                // Control frames are small and whole: wait for all of one.
                let total = head.size + head.len as usize;
                if self.end - self.start < total {
                    if !self.fill().await? {
                        return Err(io::ErrorKind::UnexpectedEof.into());
                    }
                    continue;
                }
                let from = self.start + head.size;
                self.start += total;
                let payload = &mut self.buf[from..from + head.len as usize];
                unmask(payload, head.mask, 0);
                return Ok(Some(match head.opcode {
                    OP_PING => Incoming::Ping(payload.to_vec()),
                    OP_PONG => Incoming::Pong,
                    _ => Incoming::Close(close_payload(payload)?),
                }));
            }
            self.begin(head)?;
        }
    }

    /// Enters a data frame whose header is at `start`, if it may come now.
    fn begin(&mut self, h: FrameHead) -> io::Result<()> {
        match (h.opcode, self.in_message) {
            (OP_CONT, false) => return Err(protocol("continuation frame without a message")),
            (OP_TEXT | OP_BINARY, true) => return Err(protocol("new message inside a fragmented one")),
            (OP_TEXT, false) => return Err(violation(CLOSE_UNSUPPORTED, "text frames are not accepted: send binary")),
            _ => {}
        }
        self.in_message = !h.fin;
        self.start += h.size;
        self.remaining = h.len;
        self.mask = h.mask;
        self.phase = 0;
        Ok(())
    }

    /// Unmasks the payload in hand into one contiguous run starting at
    /// `start` and returns its bounds. Where a data frame ends and the next
    /// one's header is already here, that frame's payload joins the run,
    /// moved down over the header as it is unmasked: a read holding the end
    /// of one frame and the start of the next is passed on in one write.
    /// Control frames, incomplete headers and protocol errors end the run
    /// and are left for `next`.
    fn payload_run(&mut self) -> (usize, usize) {
        let (from, mut to) = (self.start, self.start);
        loop {
            let n = (self.end - self.start).min(self.remaining.min(usize::MAX as u64) as usize);
            unmask_to(&mut self.buf, self.start, to, n, self.mask, self.phase);
            self.phase = (self.phase + n) % 4;
            self.start += n;
            self.remaining -= n as u64;
            to += n;
            if self.remaining > 0 || self.start == self.end {
                return (from, to);
            }
            match self.header() {
                Ok(Some(h)) if h.opcode < 0x8 => {
                    if self.begin(h).is_err() {
                        return (from, to);
                    }
                }
                _ => return (from, to),
            }
        }
    }

    /// Parses a frame header at `start`, if all of it has arrived.
    fn header(&self) -> io::Result<Option<FrameHead>> {
        let b = &self.buf[self.start..self.end];
        if b.len() < 2 {
            return Ok(None);
        }
        let (fin, rsv, opcode) = (b[0] & 0x80 != 0, b[0] & 0x70, b[0] & 0x0F);
        if rsv != 0 {
            return Err(protocol("reserved bits set (no extension was agreed)"));
        }
        if !matches!(opcode, OP_CONT | OP_TEXT | OP_BINARY | OP_CLOSE | OP_PING | OP_PONG) {
            return Err(protocol("unknown opcode"));
        }
        if b[1] & 0x80 == 0 {
            return Err(protocol("client frames must be masked"));
        }
        let (len, at) = match b[1] & 0x7F {
            126 if b.len() >= 4 => (u16::from_be_bytes([b[2], b[3]]) as u64, 4),
            127 if b.len() >= 10 => (u64::from_be_bytes(b[2..10].try_into().expect("8 bytes")), 10),
            126 | 127 => return Ok(None),
            n => (n as u64, 2),
        };
        if len >> 63 != 0 {
            return Err(protocol("frame length out of range"));
        }
        if opcode >= 0x8 && (!fin || len > 125) {
            return Err(protocol("control frames are whole and at most 125 bytes"));
        }
        if b.len() < at + 4 {
            return Ok(None);
        }
        Ok(Some(FrameHead { fin, opcode, len, mask: [b[at], b[at + 1], b[at + 2], b[at + 3]], size: at + 4 }))
    }

    /// Reads more; false at end of stream.
    async fn fill(&mut self) -> io::Result<bool> {
        if self.start == self.end {
            (self.start, self.end) = (0, 0);
        } else if self.buf.len() - self.end < 4096 {
            self.buf.copy_within(self.start..self.end, 0);
            (self.start, self.end) = (0, self.end - self.start);
        }
        let n = self.io.read(&mut self.buf[self.end..]).await?;
        self.end += n;
        Ok(n > 0)
    }
}

/// XORs `data` with the mask, starting at mask byte `phase`.
fn unmask(data: &mut [u8], mask: [u8; 4], phase: usize) {
    unmask_to(data, 0, 0, data.len(), mask, phase);
}

/// Unmasks `n` bytes at `src` into place at `dst` (`dst <= src`, so each
/// block is read whole before anything past it is written), 64 bytes at a
/// time in a form the compiler turns into vector instructions.
fn unmask_to(buf: &mut [u8], src: usize, dst: usize, n: usize, mask: [u8; 4], phase: usize) {
    assert!(dst <= src && src + n <= buf.len());
    let pattern: [u8; 64] = std::array::from_fn(|i| mask[(phase + i) % 4]);
    let mut i = 0;
    while i + 64 <= n {
        let mut block: [u8; 64] = buf[src + i..src + i + 64].try_into().expect("64 bytes");
        for (b, m) in block.iter_mut().zip(&pattern) {
            *b ^= m;
        }
        buf[dst + i..dst + i + 64].copy_from_slice(&block);
        i += 64;
    }
    for j in i..n {
        buf[dst + j] = buf[src + j] ^ pattern[j - i];
    }
}

/// Writes server frames (unmasked, whole).
pub struct Writer<W> {
    io: W,
    scratch: Vec<u8>,
}

impl<W: AsyncWrite + Unpin> Writer<W> {
    pub fn new(io: W) -> Self {
        Writer { io, scratch: Vec::new() }
    }

    /// Sends `buf[HEADROOM..]` as one binary frame; the header is written
    /// into the headroom, so frame and payload go out in one write.
    pub async fn send_binary_in_place(&mut self, buf: &mut [u8]) -> io::Result<()> {
        let len = buf.len() - HEADROOM;
        let mut head = [0u8; HEADROOM];
        let h = header(&mut head, OP_BINARY, len);
        buf[HEADROOM - h..HEADROOM].copy_from_slice(&head[..h]);
        self.io.write_all(&buf[HEADROOM - h..]).await
    }

    /// Sends `payload` as one binary frame.
    pub async fn send_binary(&mut self, payload: &[u8]) -> io::Result<()> {
        self.send(OP_BINARY, payload).await
    }

    pub async fn ping(&mut self) -> io::Result<()> {
        self.send(OP_PING, &[]).await
    }

    pub async fn pong(&mut self, payload: &[u8]) -> io::Result<()> {
        self.send(OP_PONG, &payload[..payload.len().min(125)]).await
    }

    /// Sends a close frame with `code` and a short reason; see [`finish`]
    /// for the whole closing handshake.
    pub async fn close(&mut self, code: u16, reason: &str) -> io::Result<()> {
        let mut payload = code.to_be_bytes().to_vec();
        // A control frame's payload is at most 125 bytes: cut at a char boundary.
        let mut end = reason.len().min(123);
        while !reason.is_char_boundary(end) {
            end -= 1;
        }
        payload.extend_from_slice(&reason.as_bytes()[..end]);
        self.send(OP_CLOSE, &payload).await
    }

    /// Ends the TCP stream's sending side.
    pub async fn shutdown(&mut self) -> io::Result<()> {
        self.io.shutdown().await
    }

    async fn send(&mut self, opcode: u8, payload: &[u8]) -> io::Result<()> {
        let mut head = [0u8; HEADROOM];
        let h = header(&mut head, opcode, payload.len());
        self.scratch.clear();
        self.scratch.extend_from_slice(&head[..h]);
        self.scratch.extend_from_slice(payload);
        self.io.write_all(&self.scratch).await
    }
}

/// How long a server waits for the client's close frame after sending its own.
pub const CLOSE_WAIT: std::time::Duration = std::time::Duration::from_secs(3);

/// How a connection ends: who closed first, and with what.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// The client sent a close frame (its code, if any): answered in kind.
    ClientClosed(Option<u16>),
    /// The server ends (code, reason): it sends a close frame and waits up
    /// to [`CLOSE_WAIT`] for the client's.
    Server(u16, &'static str),
    /// The connection is gone (hung up, write failed): nothing to send.
    Gone,
}

/// The closing handshake (RFC 6455 §7.1): the close frame, the peer's
/// answer when the server started it, then the end of the TCP stream. The
/// caller must not be part-way through writing a frame.
pub async fn finish<R: AsyncRead + Unpin, W: AsyncWrite + Unpin>(rx: &mut Reader<R>, tx: &mut Writer<W>, ending: Ending) {
    match ending {
        Ending::Gone => {}
        Ending::ClientClosed(code) => {
            let _ = tx.close(code.unwrap_or(CLOSE_NORMAL), "").await;
        }
        Ending::Server(code, reason) => {
            if tx.close(code, reason).await.is_ok() {
                let _ = tokio::time::timeout(CLOSE_WAIT, async {
                    while let Ok(Some(item)) = rx.next().await {
                        if matches!(item, Incoming::Close(_)) {
                            break;
                        }
                    }
                })
                .await;
            }
        }
    }
    let _ = tx.shutdown().await;
}

/// Writes a final, unmasked frame header for `len` bytes; returns its length.
fn header(out: &mut [u8; HEADROOM], opcode: u8, len: usize) -> usize {
    out[0] = 0x80 | opcode;
    match len {
        0..=125 => {
            out[1] = len as u8;
            2
        }
        126..=0xFFFF => {
            out[1] = 126;
            out[2..4].copy_from_slice(&(len as u16).to_be_bytes());
            4
        }
        _ => {
            out[1] = 127;
            out[2..10].copy_from_slice(&(len as u64).to_be_bytes());
            10
        }
    }
}

/// The two halves of an accepted websocket.
pub type Halves = (Reader<Box<dyn AsyncRead + Send + Unpin>>, Writer<Box<dyn AsyncWrite + Send + Unpin>>);

/// Checks a websocket upgrade request and answers it: the 101 response to
/// return, and the connection it hands over (see [`accept`]). The `binary`
/// subprotocol is agreed when the client offers it (noVNC does).
pub fn handshake(parts: &mut http::request::Parts) -> Result<(axum::response::Response, hyper::upgrade::OnUpgrade), &'static str> {
    use http::header::{CONNECTION, SEC_WEBSOCKET_ACCEPT, SEC_WEBSOCKET_KEY, SEC_WEBSOCKET_PROTOCOL, SEC_WEBSOCKET_VERSION, UPGRADE};
    let h = &parts.headers;
    let has_token = |name, token: &str| h.get_all(name).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(',')).any(|t| t.trim().eq_ignore_ascii_case(token));
    if parts.method != http::Method::GET || !has_token(CONNECTION, "upgrade") || !has_token(UPGRADE, "websocket") {
        return Err("this endpoint needs a websocket upgrade");
    }
    if h.get(SEC_WEBSOCKET_VERSION).map(|v| v.as_bytes()) != Some(b"13") {
        return Err("Sec-WebSocket-Version must be 13");
    }
    let key = h.get(SEC_WEBSOCKET_KEY).ok_or("Sec-WebSocket-Key is missing")?.as_bytes().to_vec();
    let binary = has_token(SEC_WEBSOCKET_PROTOCOL, "binary");
    let on = parts.extensions.remove::<hyper::upgrade::OnUpgrade>().ok_or("this connection cannot be upgraded")?;
    let mut res = axum::response::Response::new(axum::body::Body::empty());
    *res.status_mut() = http::StatusCode::SWITCHING_PROTOCOLS;
    let rh = res.headers_mut();
    rh.insert(CONNECTION, http::HeaderValue::from_static("upgrade"));
    rh.insert(UPGRADE, http::HeaderValue::from_static("websocket"));
    rh.insert(SEC_WEBSOCKET_ACCEPT, accept_key(&key).parse().expect("base64 is a valid header value"));
    if binary {
        rh.insert(SEC_WEBSOCKET_PROTOCOL, http::HeaderValue::from_static("binary"));
    }
    Ok((res, on))
}

/// The upgraded connection as websocket halves. A plain TCP connection is
/// used directly (no layers between the pump and the socket).
pub async fn accept(on: hyper::upgrade::OnUpgrade) -> io::Result<Halves> {
    use hyper_util::rt::TokioIo;
    let upgraded = on.await.map_err(io::Error::other)?;
    Ok(match upgraded.downcast::<TokioIo<tokio::net::TcpStream>>() {
        Ok(parts) => {
            let (r, w) = parts.io.into_inner().into_split();
            (Reader::new(Box::new(r), &parts.read_buf), Writer::new(Box::new(w)))
        }
        Err(upgraded) => {
            let (r, w) = tokio::io::split(TokioIo::new(upgraded));
            (Reader::new(Box::new(r), &[]), Writer::new(Box::new(w)))
        }
    })
}

/// `Sec-WebSocket-Accept` for a client's `Sec-WebSocket-Key`.
pub fn accept_key(key: &[u8]) -> String {
    use base64::Engine;
    use sha1::{Digest, Sha1};
    let mut h = Sha1::new();
    h.update(key);
    h.update(b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11");
    base64::engine::general_purpose::STANDARD.encode(h.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A client frame as a browser would send it.
    fn masked(fin: bool, opcode: u8, payload: &[u8], mask: [u8; 4]) -> Vec<u8> {
        let mut f = vec![(if fin { 0x80 } else { 0 }) | opcode];
        match payload.len() {
            n @ 0..=125 => f.push(0x80 | n as u8),
            n @ 126..=0xFFFF => {
                f.push(0x80 | 126);
                f.extend_from_slice(&(n as u16).to_be_bytes());
            }
            n => {
                f.push(0x80 | 127);
                f.extend_from_slice(&(n as u64).to_be_bytes());
            }
        }
        f.extend_from_slice(&mask);
        f.extend(payload.iter().enumerate().map(|(i, b)| b ^ mask[i % 4]));
        f
    }

    /// Everything the reader yields for `input`, fed `step` bytes at a time.
    async fn read_all(input: Vec<u8>, step: usize) -> (Vec<u8>, Vec<String>, io::Result<()>) {
        let (mut client, server) = tokio::io::duplex(step);
        tokio::spawn(async move {
            for c in input.chunks(step) {
                client.write_all(c).await.unwrap();
            }
        });
        let mut r = Reader::new(server, &[]);
        let (mut data, mut other) = (vec![], vec![]);
        loop {
            match r.next().await {
                Ok(Some(Incoming::Data(d))) => data.extend_from_slice(d),
                Ok(Some(x)) => other.push(format!("{x:?}")),
                Ok(None) => return (data, other, Ok(())),
                Err(e) => return (data, other, Err(e)),
            }
        }
    }

    #[tokio::test]
    async fn reads_messages_whole_and_in_pieces() {
        let big: Vec<u8> = (0..200_000u32).map(|i| (i * 7) as u8).collect();
        let mut input = masked(true, OP_BINARY, b"hello", [1, 2, 3, 4]);
        input.extend(masked(false, OP_BINARY, b"frag", [9, 8, 7, 6]));
        input.extend(masked(true, OP_PING, b"hi", [5, 5, 5, 5]));
        input.extend(masked(true, OP_CONT, b"mented", [0xAA, 0xBB, 0xCC, 0xDD]));
        input.extend(masked(true, OP_BINARY, &big[..300], [3, 1, 4, 1]));
        input.extend(masked(true, OP_BINARY, &big, [2, 7, 1, 8]));
        input.extend(masked(true, OP_CLOSE, &1000u16.to_be_bytes(), [0, 0, 0, 1]));
        let mut want = b"hellofragmented".to_vec();
        want.extend_from_slice(&big[..300]);
        want.extend_from_slice(&big);
        for step in [1, 3, 7, 4096, 1 << 20] {
            let (data, other, end) = read_all(input.clone(), step).await;
            assert!(end.is_ok(), "step {step}: {end:?}");
            assert!(data == want, "step {step}: payload differs");
            assert_eq!(other, ["Ping([104, 105])", "Close(Some(1000))"], "step {step}");
        }
    }

    #[tokio::test]
    async fn data_frames_in_hand_come_out_as_one_run() {
        let mut input = vec![];
        for (i, chunk) in [&b"abc"[..], b"defgh", b"", b"ijklmnopqrstuvwxyz0123"].into_iter().enumerate() {
            input.extend(masked(true, OP_BINARY, chunk, [i as u8 + 1, 0x5A, 0xC3, 7]));
        }
        input.extend(masked(false, OP_BINARY, b"45", [9; 4]));
        input.extend(masked(true, OP_CONT, b"6789", [8; 4]));
        input.extend(masked(true, OP_PING, b"p", [1; 4]));
        input.extend(masked(true, OP_BINARY, b"after", [4; 4]));
        input.extend(masked(true, OP_CONT, b"x", [4; 4]));
        let mut r = Reader::new(tokio::io::empty(), &input);
        assert_eq!(r.next().await.unwrap(), Some(Incoming::Data(b"abcdefghijklmnopqrstuvwxyz0123456789")));
        assert_eq!(r.next().await.unwrap(), Some(Incoming::Ping(b"p".to_vec())));
        // A run stops before a frame that breaks the protocol; the next read reports it.
        assert_eq!(r.next().await.unwrap(), Some(Incoming::Data(b"after")));
        assert_eq!(r.next().await.map_err(|e| e.kind()), Err(io::ErrorKind::InvalidData));
    }

    #[test]
    fn unmask_to_moves_down_over_any_gap() {
        let src: Vec<u8> = (0..=255).cycle().take(301).collect();
        for gap in [1, 6, 8, 14, 70] {
            for phase in 0..4 {
                let mut buf = vec![0u8; gap];
                buf.extend(&src);
                unmask_to(&mut buf, gap, 0, src.len(), [0x11, 0x22, 0x33, 0x44], phase);
                let want: Vec<u8> = src.iter().enumerate().map(|(i, b)| b ^ [0x11, 0x22, 0x33, 0x44][(i + phase) % 4]).collect();
                assert_eq!(&buf[..src.len()], &want[..], "gap {gap}, phase {phase}");
            }
        }
    }

    #[tokio::test]
    async fn refuses_protocol_errors() {
        let mut unmasked = masked(true, OP_BINARY, b"x", [0; 4]);
        unmasked[1] &= 0x7F;
        let mut rsv = masked(true, OP_BINARY, b"x", [1; 4]);
        rsv[0] |= 0x40;
        let cases = [
            ("unmasked", unmasked),
            ("reserved bits", rsv),
            ("unknown opcode", masked(true, 0x3, b"x", [1; 4])),
            ("stray continuation", masked(true, OP_CONT, b"x", [1; 4])),
            ("fragmented ping", masked(false, OP_PING, b"x", [1; 4])),
            ("long ping", masked(true, OP_PING, &[0; 126], [1; 4])),
            ("message inside a message", [masked(false, OP_BINARY, b"a", [1; 4]), masked(true, OP_BINARY, b"b", [1; 4])].concat()),
        ];
        for (name, input) in cases {
            let (_, _, end) = read_all(input, 4096).await;
            assert_eq!(end.map_err(|e| e.kind()), Err(io::ErrorKind::InvalidData), "{name}");
        }
        // Hanging up mid-frame is an error; between frames it is the end.
        let cut = masked(true, OP_BINARY, b"hello", [1; 4]);
        assert!(read_all(cut[..cut.len() - 2].to_vec(), 4096).await.2.is_err());
        assert!(read_all(cut, 4096).await.2.is_ok());
    }

    #[tokio::test]
    async fn writes_frames_a_client_reads() {
        let (client, server) = tokio::io::duplex(1 << 20);
        let mut w = Writer::new(server);
        let mut buf = vec![0u8; HEADROOM];
        buf.extend((0..70_000u32).map(|i| i as u8));
        w.send_binary_in_place(&mut buf).await.unwrap();
        w.send_binary(&[1, 2, 3]).await.unwrap();
        w.ping().await.unwrap();
        w.close(CLOSE_NORMAL, "").await.unwrap();
        w.shutdown().await.unwrap();
        drop(w);
        let mut got = vec![];
        let mut client = client;
        client.read_to_end(&mut got).await.unwrap();
        let mut want = vec![0x82, 127, 0, 0, 0, 0, 0, 1, 0x11, 0x70];
        want.extend(&buf[HEADROOM..]);
        want.extend([0x82, 3, 1, 2, 3, 0x89, 0, 0x88, 2, 0x03, 0xE8]);
        assert!(got == want, "frames differ");
    }

    /// The close code a reader's error asks for, if it is a violation.
    async fn violation_code(input: Vec<u8>) -> Option<u16> {
        let (_, _, end) = read_all(input, 4096).await;
        end.err().and_then(|e| Violation::of(&e)).map(|v| v.code)
    }

    #[tokio::test]
    async fn text_and_bad_close_frames_get_their_close_codes() {
        assert_eq!(violation_code(masked(true, OP_TEXT, b"hi", [1; 4])).await, Some(CLOSE_UNSUPPORTED), "text is refused");
        assert_eq!(violation_code(masked(true, OP_CLOSE, &[3], [1; 4])).await, Some(CLOSE_PROTOCOL), "1-byte close payload");
        for bad in [0u16, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535] {
            assert_eq!(violation_code(masked(true, OP_CLOSE, &bad.to_be_bytes(), [1; 4])).await, Some(CLOSE_PROTOCOL), "code {bad}");
        }
        let mut bad_reason = 1000u16.to_be_bytes().to_vec();
        bad_reason.extend([0xC3, 0x28]);
        assert_eq!(violation_code(masked(true, OP_CLOSE, &bad_reason, [1; 4])).await, Some(CLOSE_INVALID_UTF8));
        for good in [1000u16, 1001, 1003, 1007, 1011, 3000, 4999] {
            let mut p = good.to_be_bytes().to_vec();
            p.extend("fine, ünïcödé".as_bytes());
            let (_, other, end) = read_all(masked(true, OP_CLOSE, &p, [7; 4]), 4096).await;
            assert!(end.is_ok(), "{good}");
            assert_eq!(other, [format!("Close(Some({good}))")]);
        }
        let (_, other, _) = read_all(masked(true, OP_CLOSE, &[], [7; 4]), 4096).await;
        assert_eq!(other, ["Close(None)"]);
    }

    /// Random conversations: messages cut into fragments at random places,
    /// with random masks, pings between fragments, lengths at the header
    /// size boundaries, fed to the reader in random pieces. Whatever the
    /// cut, the payload comes out whole and in order, and every ping once.
    #[tokio::test]
    async fn any_framing_of_a_byte_stream_reads_back_the_same() {
        const EDGES: [usize; 8] = [0, 1, 125, 126, 127, 65535, 65536, 65537];
        use rand::{Rng, RngCore, SeedableRng};
        // Seeded, so a failing round reproduces.
        let mut rng = rand::rngs::StdRng::seed_from_u64(0x9E37_79B9_7F4A_7C15);
        for round in 0..60 {
            let (mut input, mut want, mut pings) = (vec![], vec![], vec![]);
            for _ in 0..rng.gen_range(1..=6) {
                let len = if rng.gen_range(0..3) == 0 { EDGES[rng.gen_range(0..EDGES.len())] } else { rng.gen_range(0..3000usize) };
                let msg: Vec<u8> = (0..len).map(|_| rng.gen::<u8>()).collect();
                want.extend_from_slice(&msg);
                // Cut the message into 1..=4 fragments.
                let mut cuts: Vec<usize> = (0..rng.gen_range(0..4)).map(|_| rng.gen_range(0..=len)).collect();
                cuts.push(0);
                cuts.push(len);
                cuts.sort();
                let parts: Vec<&[u8]> = cuts.windows(2).map(|w| &msg[w[0]..w[1]]).collect();
                for (i, part) in parts.iter().enumerate() {
                    let (first, last) = (i == 0, i + 1 == parts.len());
                    let mask = rng.next_u32().to_be_bytes();
                    input.extend(masked(last, if first { OP_BINARY } else { OP_CONT }, part, mask));
                    if !last && rng.gen_bool(0.5) {
                        let p: Vec<u8> = (0..rng.gen_range(0..126usize)).map(|_| rng.gen::<u8>()).collect();
                        input.extend(masked(true, OP_PING, &p, rng.next_u32().to_be_bytes()));
                        pings.push(format!("{:?}", Incoming::Ping(p)));
                    }
                }
            }
            input.extend(masked(true, OP_CLOSE, &1000u16.to_be_bytes(), [9, 9, 9, 9]));
            pings.push("Close(Some(1000))".into());
            let step = [1, 2, 3, 5, 64, 1000, 4096, 70_000][rng.gen_range(0..8usize)];
            let (data, other, end) = read_all(input, step).await;
            assert!(end.is_ok(), "round {round}, step {step}: {end:?}");
            assert!(data == want, "round {round}, step {step}: payload differs ({} vs {} bytes)", data.len(), want.len());
            assert_eq!(other, pings, "round {round}, step {step}");
        }
    }

    /// Frames the writer makes, parsed back by hand: header sizes at each
    /// boundary, FIN set, never masked.
    #[tokio::test]
    async fn written_frames_have_the_right_header_at_every_length() {
        for len in [0usize, 1, 125, 126, 127, 65535, 65536, 65537] {
            let (client, server) = tokio::io::duplex(1 << 20);
            let mut w = Writer::new(server);
            let payload = vec![0xABu8; len];
            w.send_binary(&payload).await.unwrap();
            let mut buf = vec![0u8; HEADROOM];
            buf.extend_from_slice(&payload);
            w.send_binary_in_place(&mut buf).await.unwrap();
            drop(w);
            let mut got = vec![];
            let mut client = client;
            client.read_to_end(&mut got).await.unwrap();
            let mut at = 0;
            for _ in 0..2 {
                assert_eq!(got[at], 0x82, "len {len}: FIN + binary");
                assert_eq!(got[at + 1] & 0x80, 0, "server frames are not masked");
                let (n, h) = match got[at + 1] {
                    126 => (u16::from_be_bytes([got[at + 2], got[at + 3]]) as usize, 4),
                    127 => (u64::from_be_bytes(got[at + 2..at + 10].try_into().unwrap()) as usize, 10),
                    n => (n as usize, 2),
                };
                let shortest = if len < 126 { 2 } else if len < 65536 { 4 } else { 10 };
                assert_eq!((n, h), (len, shortest), "len {len}");
                assert!(got[at + h..at + h + n].iter().all(|b| *b == 0xAB));
                at += h + n;
            }
            assert_eq!(at, got.len());
        }
    }

    #[tokio::test]
    async fn a_server_close_waits_for_the_client_close() {
        let (client, server) = tokio::io::duplex(1 << 16);
        let (cr, mut cw) = tokio::io::split(client);
        let (sr, sw) = tokio::io::split(server);
        let (mut rx, mut tx) = (Reader::new(sr, &[]), Writer::new(sw));
        let closing = tokio::spawn(async move {
            let t = std::time::Instant::now();
            finish(&mut rx, &mut tx, Ending::Server(CLOSE_POLICY, "bye")).await;
            t.elapsed()
        });
        // The client reads the close, waits a moment, then answers.
        let mut cr = cr;
        let mut head = [0u8; 7];
        cr.read_exact(&mut head).await.unwrap();
        assert_eq!(&head, &[0x88, 5, 0x03, 0xF0, b'b', b'y', b'e']);
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        cw.write_all(&masked(true, OP_CLOSE, &CLOSE_POLICY.to_be_bytes(), [1, 2, 3, 4])).await.unwrap();
        let waited = closing.await.unwrap();
        assert!(waited >= std::time::Duration::from_millis(300) && waited < CLOSE_WAIT, "waited {waited:?}");
        let mut rest = vec![];
        cr.read_to_end(&mut rest).await.unwrap();
        assert!(rest.is_empty(), "nothing after the close frame");
    }

    #[test]
    fn accept_key_matches_the_rfc_example() {
        assert_eq!(accept_key(b"dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    }

    #[test]
    fn unmask_is_a_plain_xor_at_any_phase() {
        for (len, phase) in [37u8, 200].into_iter().flat_map(|l| (0..4).map(move |p| (l, p))) {
            let data: Vec<u8> = (0..len).collect();
            let mut d = data.clone();
            unmask(&mut d, [0x11, 0x22, 0x33, 0x44], phase);
            let want: Vec<u8> = data.iter().enumerate().map(|(i, b)| b ^ [0x11, 0x22, 0x33, 0x44][(i + phase) % 4]).collect();
            assert_eq!(d, want, "length {len}, phase {phase}");
        }
    }
}
