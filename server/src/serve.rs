//! The HTTP/1.1 accept loop. Our own (not `axum::serve`) so that an
//! upgraded console websocket is the plain TCP socket underneath, with no
//! connection-sniffing layer between the pump and the kernel; browsers
//! speak HTTP/2 only over TLS, which a reverse proxy in front terminates.
//!
//! Slow clients are bounded here: a connection must send a whole request
//! head within `header_read_timeout` of opening or of its last response
//! (hyper's timer runs while it waits for a head, so it also closes idle
//! keep-alive connections), and at most `max_connections` are served at
//! once; more wait in the kernel's backlog.

use axum::extract::ConnectInfo;
use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::future::Future;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::{mpsc, watch, Semaphore};
use tower::ServiceExt;

/// How connections are bounded and whose address a request is from.
#[derive(Clone, Debug)]
pub struct Limits {
    pub header_read_timeout: Duration,
    pub max_connections: usize,
    pub trusted_proxies: Vec<IpNet>,
}

/// The address a request comes from: the peer, or, when the peer is a
/// trusted proxy, the nearest untrusted address `X-Forwarded-For` names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);

impl ClientAddr {
    /// The request's client address as text (for throttle keys and logs).
    pub fn of(ext: &http::Extensions) -> String {
        ext.get::<ClientAddr>().map(|c| c.0.to_string()).unwrap_or_else(|| "unknown".into())
    }
}

/// Serves `router` until `shutdown` resolves, then lets in-flight requests finish.
pub async fn serve(listener: TcpListener, router: Router, limits: Limits, shutdown: impl Future<Output = ()>) {
    let (stop_tx, stop_rx) = watch::channel(false);
    // Each connection holds a sender; all dropped = all finished.
    let (alive_tx, mut alive_rx) = mpsc::channel::<()>(1);
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let trusted: Arc<[IpNet]> = limits.trusted_proxies.into();
    tokio::pin!(shutdown);
    loop {
        let slot = tokio::select! {
            s = slots.clone().acquire_owned() => s.expect("the semaphore is never closed"),
            _ = &mut shutdown => break,
        };
        let (tcp, addr) = tokio::select! {
            r = listener.accept() => match r {
                Ok(c) => c,
                Err(e) => {
                    // Out of descriptors and the like: wait, then go on.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            _ = &mut shutdown => break,
        };
        // Without NODELAY, responses written in several pieces wait ~40 ms
        // for delayed ACKs.
        let _ = tcp.set_nodelay(true);
        let router = router.clone();
        let mut stop = stop_rx.clone();
        let alive = alive_tx.clone();
        let trusted = trusted.clone();
        let header_read_timeout = limits.header_read_timeout;
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |mut req: hyper::Request<hyper::body::Incoming>| {
                let client = client_addr(addr.ip(), req.headers(), &trusted);
                req.extensions_mut().insert(ConnectInfo(addr));
                req.extensions_mut().insert(ClientAddr(client));
                router.clone().oneshot(req.map(axum::body::Body::new))
            });
            let conn = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(header_read_timeout)
                .serve_connection(TokioIo::new(tcp), service)
                .with_upgrades();
            tokio::pin!(conn);
            tokio::select! {
                _ = conn.as_mut() => {}
                _ = async { let _ = stop.wait_for(|s| *s).await; } => {
                    conn.as_mut().graceful_shutdown();
                    let _ = conn.await;
                }
            }
            drop(slot);
            drop(alive);
        });
    }
    let _ = stop_tx.send(true);
    drop(alive_tx);
    let _ = alive_rx.recv().await;
}

/// The client behind `peer`: `X-Forwarded-For` is read right to left, past
/// every trusted proxy; the first address that is not one is the client.
/// From an untrusted peer the header is ignored (anyone can send it).
pub fn client_addr(peer: IpAddr, headers: &http::HeaderMap, trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|n| n.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    let hops: Vec<&str> = headers.get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(',')).collect();
    let mut client = peer;
    for hop in hops.iter().rev() {
        let Ok(hop) = hop.trim().parse::<IpAddr>() else { break };
        client = hop;
        if !is_trusted(&hop) {
            break;
        }
    }
    client
}

/// An address or a network in CIDR notation (`10.0.0.0/8`, `::1`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IpNet {
    addr: IpAddr,
    prefix: u8,
}

impl IpNet {
    pub fn contains(&self, ip: &IpAddr) -> bool {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(*ip),
            v4 => *v4,
        };
        match (self.addr, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => prefix_eq(&net.octets(), &ip.octets(), self.prefix),
            (IpAddr::V6(net), IpAddr::V6(ip)) => prefix_eq(&net.octets(), &ip.octets(), self.prefix),
            _ => false,
        }
    }
}

fn prefix_eq(a: &[u8], b: &[u8], prefix: u8) -> bool {
    let (whole, rest) = ((prefix / 8) as usize, prefix % 8);
    if a[..whole] != b[..whole] {
        return false;
    }
    rest == 0 || {
        let mask = 0xffu8 << (8 - rest);
        a[whole] & mask == b[whole] & mask
    }
}

impl std::str::FromStr for IpNet {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("'{s}' is not an address or network like 10.0.0.0/8");
        let (addr, prefix) = match s.trim().split_once('/') {
            Some((a, p)) => (a.parse::<IpAddr>().map_err(|_| bad())?, Some(p.parse::<u8>().map_err(|_| bad())?)),
            None => (s.trim().parse::<IpAddr>().map_err(|_| bad())?, None),
        };
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = prefix.unwrap_or(max);
        if prefix > max {
            return Err(bad());
        }
        Ok(IpNet { addr, prefix })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(xff: &[&str]) -> http::HeaderMap {
        let mut h = http::HeaderMap::new();
        for v in xff {
            h.append("x-forwarded-for", v.parse().unwrap());
        }
        h
    }

    fn nets(list: &[&str]) -> Vec<IpNet> {
        list.iter().map(|n| n.parse().unwrap()).collect()
    }

    #[test]
    fn networks_hold_what_their_prefix_says() {
        let n: IpNet = "10.1.0.0/16".parse().unwrap();
        assert!(n.contains(&"10.1.255.3".parse().unwrap()));
        assert!(!n.contains(&"10.2.0.1".parse().unwrap()));
        assert!(n.contains(&"::ffff:10.1.0.9".parse().unwrap()), "v4-mapped v6");
        let one: IpNet = "127.0.0.1".parse().unwrap();
        assert!(one.contains(&"127.0.0.1".parse().unwrap()) && !one.contains(&"127.0.0.2".parse().unwrap()));
        let odd: IpNet = "192.168.4.0/22".parse().unwrap();
        assert!(odd.contains(&"192.168.7.255".parse().unwrap()) && !odd.contains(&"192.168.8.0".parse().unwrap()));
        assert!("fd00::/8".parse::<IpNet>().unwrap().contains(&"fd12::1".parse().unwrap()));
        for bad in ["10.0.0.0/33", "nonsense", "10.0.0/8", "::1/129"] {
            assert!(bad.parse::<IpNet>().is_err(), "{bad}");
        }
    }

    #[test]
    fn forwarded_for_counts_only_behind_a_trusted_proxy() {
        let proxy: IpAddr = "10.0.0.5".parse().unwrap();
        let trusted = nets(&["10.0.0.0/24"]);
        // Untrusted peer: its header is a lie it may tell.
        assert_eq!(client_addr("203.0.113.9".parse().unwrap(), &headers(&["1.2.3.4"]), &trusted), "203.0.113.9".parse::<IpAddr>().unwrap());
        assert_eq!(client_addr(proxy, &headers(&["198.51.100.7"]), &trusted), "198.51.100.7".parse::<IpAddr>().unwrap());
        // A client that sends its own header cannot pick its address: the
        // proxy appends the real one, read from the right.
        assert_eq!(client_addr(proxy, &headers(&["6.6.6.6, 198.51.100.7"]), &trusted), "198.51.100.7".parse::<IpAddr>().unwrap());
        assert_eq!(client_addr(proxy, &headers(&["6.6.6.6", "198.51.100.7, 10.0.0.4"]), &trusted), "198.51.100.7".parse::<IpAddr>().unwrap());
        // No header, or only proxies: the last one seen.
        assert_eq!(client_addr(proxy, &headers(&[]), &trusted), proxy);
        assert_eq!(client_addr(proxy, &headers(&["10.0.0.7"]), &trusted), "10.0.0.7".parse::<IpAddr>().unwrap());
        // Garbage stops the walk at the last good hop.
        assert_eq!(client_addr(proxy, &headers(&["junk, 198.51.100.7"]), &trusted), "198.51.100.7".parse::<IpAddr>().unwrap());
    }
}
