//! A filter for the client-to-server half of an RFB (VNC) stream that lets
//! a view-only viewer watch but not touch: it passes the handshake and
//! display requests, forces the shared flag, and drops keyboard, pointer,
//! clipboard and power messages. Anything it cannot parse ends the session.

/// Where in the protocol the client is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    /// "RFB 003.00x\n": 12 bytes.
    Version,
    /// The client's choice of security type (RFB 3.7 and later): 1 byte.
    SecurityChoice,
    /// VNC authentication's 16-byte response.
    VncAuthResponse,
    /// ClientInit: the shared flag, 1 byte.
    ClientInit,
    Messages,
}

#[derive(Debug)]
pub struct ViewOnlyFilter {
    stage: Stage,
    pending: Vec<u8>,
}

impl Default for ViewOnlyFilter {
    fn default() -> Self {
        Self { stage: Stage::Version, pending: Vec::new() }
    }
}

/// What to do with one complete client message.
enum Verdict {
    Pass(usize),
    Drop(usize),
    NeedMore,
}

fn message(buf: &[u8]) -> Result<Verdict, String> {
    let need = |n: usize| buf.len() >= n;
    let Some(&kind) = buf.first() else { return Ok(Verdict::NeedMore) };
    let v = match kind {
        0 => need(20).then_some(Verdict::Pass(20)),                      // SetPixelFormat
        2 => match buf.get(2..4) {                                         // SetEncodings
            Some(n) => {
                let len = 4 + 4 * u16::from_be_bytes([n[0], n[1]]) as usize;
                need(len).then_some(Verdict::Pass(len))
            }
            None => None,
        },
        3 => need(10).then_some(Verdict::Pass(10)),                      // FramebufferUpdateRequest
        4 => need(8).then_some(Verdict::Drop(8)),                        // KeyEvent
        5 => need(6).then_some(Verdict::Drop(6)),                        // PointerEvent
        6 => match buf.get(4..8) {                                         // ClientCutText
            Some(n) => {
                let len = 8 + u32::from_be_bytes([n[0], n[1], n[2], n[3]]) as usize;
                need(len).then_some(Verdict::Drop(len))
            }
            None => None,
        },
        150 => need(10).then_some(Verdict::Pass(10)),                    // EnableContinuousUpdates
        248 => match buf.get(8) {                                          // ClientFence
            Some(&n) => {
                let len = 9 + n as usize;
                need(len).then_some(Verdict::Pass(len))
            }
            None => None,
        },
        250 => need(4).then_some(Verdict::Drop(4)),                      // xvp (power actions)
        255 => match buf.get(1) {                                          // QEMU client message
            Some(0) => need(12).then_some(Verdict::Drop(12)),            // extended key event
            Some(1) => match buf.get(2..4) {                               // audio
                Some(op) => {
                    let len = if u16::from_be_bytes([op[0], op[1]]) == 2 { 10 } else { 4 };
                    need(len).then_some(Verdict::Pass(len))
                }
                None => None,
            },
            Some(other) => return Err(format!("unknown QEMU client message {other}")),
            None => None,
        },
        other => return Err(format!("unknown RFB client message {other}")),
    };
    Ok(v.unwrap_or(Verdict::NeedMore))
}

impl ViewOnlyFilter {
    /// Takes bytes from the client; appends what may reach QEMU to `out`.
    pub fn feed(&mut self, data: &[u8], out: &mut Vec<u8>) -> Result<(), String> {
        self.pending.extend_from_slice(data);
        let mut at = 0;
        loop {
            let buf = &self.pending[at..];
            let step = match self.stage {
                Stage::Version if buf.len() >= 12 => {
                    let version = &buf[..12];
                    if !version.starts_with(b"RFB ") {
                        return Err("not an RFB client".into());
                    }
                    out.extend_from_slice(version);
                    // RFB 3.3: the server picks the security type, so no choice follows.
                    self.stage = if version == b"RFB 003.003\n" { Stage::ClientInit } else { Stage::SecurityChoice };
                    12
                }
                Stage::SecurityChoice if !buf.is_empty() => {
                    out.push(buf[0]);
                    self.stage = if buf[0] == 2 { Stage::VncAuthResponse } else { Stage::ClientInit };
                    1
                }
                Stage::VncAuthResponse if buf.len() >= 16 => {
                    out.extend_from_slice(&buf[..16]);
                    self.stage = Stage::ClientInit;
                    16
                }
                Stage::ClientInit if !buf.is_empty() => {
                    // Always shared: a watcher never disconnects the others.
                    out.push(1);
                    self.stage = Stage::Messages;
                    1
                }
                Stage::Messages => match message(buf)? {
                    Verdict::Pass(n) => {
                        out.extend_from_slice(&buf[..n]);
                        n
                    }
                    Verdict::Drop(n) => n,
                    Verdict::NeedMore => 0,
                },
                _ => 0,
            };
            if step == 0 {
                break;
            }
            at += step;
        }
        self.pending.drain(..at);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(chunks: &[&[u8]]) -> Result<Vec<u8>, String> {
        let mut f = ViewOnlyFilter::default();
        let mut out = Vec::new();
        for c in chunks {
            f.feed(c, &mut out)?;
        }
        Ok(out)
    }

    const HANDSHAKE: &[u8] = b"RFB 003.008\n\x01\x00";

    #[test]
    fn passes_handshake_forces_shared_and_keeps_display_requests() {
        let update = [3u8, 1, 0, 0, 0, 0, 1, 0, 0, 200];
        let encodings = [2u8, 0, 0, 2, 0, 0, 0, 0, 0xff, 0xff, 0xfe, 0xfe];
        let mut all = HANDSHAKE.to_vec();
        all.extend_from_slice(&encodings);
        all.extend_from_slice(&update);
        let out = run(&[&all]).unwrap();
        let mut want = b"RFB 003.008\n\x01\x01".to_vec();
        want.extend_from_slice(&encodings);
        want.extend_from_slice(&update);
        assert_eq!(out, want, "shared flag forced to 1, the rest intact");
    }

    #[test]
    fn drops_every_kind_of_input_even_split_across_chunks() {
        let key = [4u8, 1, 0, 0, 0, 0, 0, 0x61];
        let pointer = [5u8, 1, 0, 10, 0, 10];
        let cut = [6u8, 0, 0, 0, 0, 0, 0, 3, b'a', b'b', b'c'];
        let qemu_key = [255u8, 0, 0, 1, 0, 0, 0, 0x61, 0, 0, 0, 0x1e];
        let xvp = [250u8, 0, 1, 2];
        let update = [3u8, 1, 0, 0, 0, 0, 0, 8, 0, 8];
        let mut stream = HANDSHAKE.to_vec();
        for m in [&key[..], &pointer, &cut, &qemu_key, &xvp, &update] {
            stream.extend_from_slice(m);
        }
        // Feed it one byte at a time: message boundaries never line up with reads.
        let chunks: Vec<&[u8]> = stream.chunks(1).collect();
        let out = run(&chunks).unwrap();
        let mut want = b"RFB 003.008\n\x01\x01".to_vec();
        want.extend_from_slice(&update);
        assert_eq!(out, want);
    }

    #[test]
    fn rfb_33_and_vnc_auth_handshakes() {
        let out = run(&[b"RFB 003.003\n\x00", &[3, 0, 0, 0, 0, 0, 0, 1, 0, 1]]).unwrap();
        assert_eq!(&out[..13], b"RFB 003.003\n\x01");
        let mut auth = b"RFB 003.008\n\x02".to_vec();
        auth.extend_from_slice(&[7u8; 16]);
        auth.push(0);
        let out = run(&[&auth]).unwrap();
        assert_eq!(out.len(), 12 + 1 + 16 + 1);
        assert_eq!(*out.last().unwrap(), 1);
    }

    #[test]
    fn unknown_messages_end_the_session() {
        let mut s = HANDSHAKE.to_vec();
        s.push(99);
        assert!(run(&[&s]).is_err());
        assert!(run(&[b"HTTP/1.1 200\n"]).is_err());
    }
}
