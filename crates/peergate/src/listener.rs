//! Accepting connections so that nobody who can only reach the port can take the server down:
//! a cap on open connections (below the process's file limit, so the database, the WireGuard
//! sockets and the log always have descriptors left), a smaller cap per source address (one host
//! cannot take every slot from real users), and a header-read timeout that also bounds the idle
//! wait between keep-alive requests (hyper starts it whenever it waits for a request head), so
//! slowloris and idle connections are closed. Request bodies have their own timeout
//! (`http::app`). HTTP/1.1 only; behind a proxy that speaks HTTP/2 to browsers this is the norm.
//!
//! Over the per-address cap, a connection is accepted and closed at once, so the kernel's backlog
//! never fills. At the total cap the quietest connection (no request or stream running, quiet the
//! longest) is closed to make room: many addresses holding idle sockets cannot lock real users out.

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tower::ServiceExt;

use crate::app::Shutdown;

/// Descriptors kept free for everything that is not an HTTP connection.
const RESERVED_FDS: u64 = 128;

#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_connections: usize,
    pub max_connections_per_ip: usize,
    pub header_timeout: Duration,
}

impl Limits {
    pub fn from_config(config: &crate::config::Config) -> Limits {
        Limits {
            max_connections: config.max_connections,
            max_connections_per_ip: config.max_connections_per_ip,
            header_timeout: Duration::from_secs(config.header_timeout_secs),
        }
    }

    /// Lowers the connection cap to what the open-file limit allows.
    fn fitted(mut self, open_files: u64) -> Limits {
        let room = open_files.saturating_sub(RESERVED_FDS).max(16) as usize;
        if self.max_connections > room {
            tracing::warn!(
                configured = self.max_connections,
                allowed = room,
                "PEERGATE_MAX_CONNECTIONS lowered to fit the open-file limit"
            );
            self.max_connections = room;
        }
        self.max_connections_per_ip = self.max_connections_per_ip.min(self.max_connections);
        self
    }
}

/// Raises the soft `RLIMIT_NOFILE` to the hard limit (1,024 is a common soft default, far below
/// what a server needs); returns the soft limit now in force.
pub fn raise_open_file_limit() -> u64 {
    let mut limit = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: getrlimit/setrlimit only read and write the struct passed to them.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) != 0 {
            return 1024;
        }
        if limit.rlim_cur < limit.rlim_max {
            let raised = libc::rlimit { rlim_cur: limit.rlim_max, rlim_max: limit.rlim_max };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                limit.rlim_cur = limit.rlim_max;
            }
        }
    }
    limit.rlim_cur
}

/// What the accept loop knows of one connection: whether a request (or a streaming response) is
/// running on it, since when it has been quiet, and how to ask it to close.
struct Conn {
    ip: IpAddr,
    activity: Arc<Activity>,
    /// `None` once it was asked to close (it no longer counts against the cap).
    evict: Option<oneshot::Sender<()>>,
}

struct Activity {
    /// Requests whose response (body included) is not finished.
    busy: AtomicUsize,
    /// Milliseconds since `epoch` (the connection table's creation) at the last request start or end.
    last: AtomicU64,
    epoch: Instant,
}

impl Activity {
    fn new(epoch: Instant) -> Activity {
        let activity = Activity { busy: AtomicUsize::new(0), last: AtomicU64::new(0), epoch };
        activity.touch();
        activity
    }

    fn touch(&self) {
        self.last.store(self.epoch.elapsed().as_millis() as u64, Ordering::Relaxed);
    }
}

/// Open connections, in total and per source address.
struct Open {
    started: Instant,
    next_id: u64,
    conns: HashMap<u64, Conn>,
    per_ip: HashMap<IpAddr, usize>,
}

impl Default for Open {
    fn default() -> Self {
        Open { started: Instant::now(), next_id: 0, conns: HashMap::new(), per_ip: HashMap::new() }
    }
}

/// Holds one connection's place; dropping it frees the place.
struct Slot {
    open: Arc<Mutex<Open>>,
    id: u64,
    activity: Arc<Activity>,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut open = self.open.lock().expect("connection table");
        if let Some(conn) = open.conns.remove(&self.id)
            && let Some(n) = open.per_ip.get_mut(&conn.ip)
        {
            *n -= 1;
            if *n == 0 {
                open.per_ip.remove(&conn.ip);
            }
        }
    }
}

/// A place for a new connection from `ip`: refused over the per-address cap; at the total cap,
/// the connection that has been quiet longest (no request, no stream running — idle keep-alive or
/// slowloris) is asked to close to make room, so real users still get in.
fn take_slot(open: &Arc<Mutex<Open>>, ip: IpAddr, limits: &Limits) -> Option<(Slot, oneshot::Receiver<()>)> {
    let mut table = open.lock().expect("connection table");
    if table.per_ip.get(&ip).copied().unwrap_or(0) >= limits.max_connections_per_ip {
        return None;
    }
    let live = table.conns.values().filter(|c| c.evict.is_some()).count();
    if live >= limits.max_connections {
        let quietest = (table.conns.iter_mut())
            .filter(|(_, c)| c.evict.is_some() && c.activity.busy.load(Ordering::Relaxed) == 0)
            .min_by_key(|(id, c)| (c.activity.last.load(Ordering::Relaxed), **id)) // quiet longest, then oldest
            .map(|(_, c)| c)?;
        if let Some(evict) = quietest.evict.take() {
            let _ = evict.send(());
            metrics::counter!("peergate_connections_evicted_total").increment(1);
        }
    }
    let id = table.next_id;
    table.next_id += 1;
    let activity = Arc::new(Activity::new(table.started));
    let (evict, evicted) = oneshot::channel();
    table.conns.insert(id, Conn { ip, activity: activity.clone(), evict: Some(evict) });
    *table.per_ip.entry(ip).or_default() += 1;
    Some((Slot { open: open.clone(), id, activity }, evicted))
}

/// Serves `router` on `listener` until `shutdown` fires; then open connections finish their
/// current request and close (the caller bounds how long that may take).
pub async fn serve(listener: TcpListener, router: Router, limits: Limits, shutdown: Shutdown) {
    let limits = limits.fitted(raise_open_file_limit());
    tracing::debug!(?limits, "accepting connections");
    let open = Arc::new(Mutex::new(Open::default()));
    let mut connections = tokio::task::JoinSet::new();
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(err) => {
                    // EMFILE and friends: back off instead of spinning.
                    tracing::warn!(error = %err, "accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = shutdown.wait() => break,
        };
        let Some((slot, evicted)) = take_slot(&open, peer.ip(), &limits) else {
            metrics::counter!("peergate_connections_refused_total").increment(1);
            drop(stream);
            continue;
        };
        let conn = ConnTask { peer, router: router.clone(), limits, shutdown: shutdown.clone(), slot };
        connections.spawn(conn.serve(stream, evicted));
        // Reap finished connection tasks so the set does not grow.
        while connections.try_join_next().is_some() {}
    }
    while connections.join_next().await.is_some() {}
}

struct ConnTask {
    peer: SocketAddr,
    router: Router,
    limits: Limits,
    shutdown: Shutdown,
    slot: Slot,
}

impl ConnTask {
    async fn serve(self, stream: TcpStream, evicted: oneshot::Receiver<()>) {
        let ConnTask { peer, router, limits, shutdown, slot } = self;
        let activity = slot.activity.clone();
        let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo(peer));
            let (router, activity) = (router.clone(), activity.clone());
            async move {
                let busy = Busy::start(activity);
                let response = router.oneshot(request).await.unwrap_or_else(|never| match never {});
                // Busy until the body is done: an event stream is a running response.
                Ok::<_, Infallible>(response.map(|body| {
                    Body::new(body.map_frame(move |frame| {
                        let _busy = &busy;
                        frame
                    }))
                }))
            }
        });
        let mut builder = hyper::server::conn::http1::Builder::new();
        builder.timer(TokioTimer::new()).header_read_timeout(limits.header_timeout);
        let connection = builder.serve_connection(TokioIo::new(stream), service);
        tokio::pin!(connection);
        tokio::select! {
            _ = connection.as_mut() => return,
            () = shutdown.wait() => connection.as_mut().graceful_shutdown(),
            _ = evicted => connection.as_mut().graceful_shutdown(),
        }
        let _ = connection.await;
        drop(slot);
    }
}

/// Marks a connection busy while one of its requests runs.
struct Busy {
    activity: Arc<Activity>,
}

impl Busy {
    fn start(activity: Arc<Activity>) -> Busy {
        activity.busy.fetch_add(1, Ordering::Relaxed);
        activity.touch();
        Busy { activity }
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.activity.busy.fetch_sub(1, Ordering::Relaxed);
        self.activity.touch();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps_hold_in_total_and_per_address_and_free_on_drop() {
        let limits = Limits { max_connections: 3, max_connections_per_ip: 2, header_timeout: Duration::from_secs(1) };
        let open = Arc::new(Mutex::new(Open::default()));
        let (a, b): (IpAddr, IpAddr) = ("192.0.2.1".parse().unwrap(), "192.0.2.2".parse().unwrap());
        let (first, mut first_evicted) = take_slot(&open, a, &limits).unwrap();
        let (second, _e2) = take_slot(&open, a, &limits).unwrap();
        assert!(take_slot(&open, a, &limits).is_none(), "per address");
        let (_third, _e3) = take_slot(&open, b, &limits).unwrap();
        // Full: the quietest idle connection (the first) is asked to close to make room.
        let busy = Busy::start(second.activity.clone());
        let c = "192.0.2.3".parse().unwrap();
        let (_fourth, _e4) = take_slot(&open, c, &limits).expect("room is made");
        assert!(first_evicted.try_recv().is_ok(), "the idle connection was asked to close");
        drop(first);
        // All others busy or already asked: nothing to evict, refused.
        let (_fifth, _e5) = take_slot(&open, c, &limits).expect("another quiet connection makes room");
        let all_busy: Vec<Busy> = open.lock().unwrap().conns.values().map(|c| Busy::start(c.activity.clone())).collect();
        assert!(take_slot(&open, "192.0.2.9".parse().unwrap(), &limits).is_none(), "busy connections are not evicted");
        drop((busy, all_busy));
    }

    #[test]
    fn the_cap_fits_the_open_file_limit() {
        let limits = Limits { max_connections: 10_000, max_connections_per_ip: 64, header_timeout: Duration::from_secs(1) };
        assert_eq!(limits.fitted(1024).max_connections, 896);
        assert_eq!(limits.fitted(1_048_576).max_connections, 10_000);
        assert_eq!(limits.fitted(100).max_connections_per_ip, 16);
    }
}
